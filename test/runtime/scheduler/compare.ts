/**
 * Comparison of transition summaries as the corpus README defines it
 * (same fields; absent, null and false are equal). Mirrors
 * compareActionLists in ../shared/tools/scheduler/sched-lib.mjs.
 */
const KEYS = ['action', 'resource', 'node', 'from', 'to', 'op', 'role', 'nextRole', 'reason', 'blocked'] as const

type Rec = Record<string, unknown>

function canonical(a: Rec): string {
  const o: Rec = {}
  for (const k of KEYS) {
    let v = a[k]
    if (k === 'node' && v === undefined) {
      const from = a.from ?? null
      const to = a.to ?? null
      v = from && to ? (from === to ? from : null) : (from ?? to)
    }
    if (v === undefined || v === null || v === false || v === '') continue
    o[k] = v
  }
  return JSON.stringify(o)
}

export function compareActions(expected: Rec[], actual: object[]): {ordered: boolean; unordered: boolean; missing: Rec[]; extra: Rec[]} {
  const e = expected.map(canonical)
  const a = (actual as Rec[]).map(canonical)
  const ordered = e.length === a.length && e.every((x, i) => x === a[i])
  const count = new Map<string, number>()
  for (const x of e) count.set(x, (count.get(x) ?? 0) + 1)
  const extra: Rec[] = []
  for (const x of a) {
    const c = count.get(x) ?? 0
    if (c > 0) count.set(x, c - 1)
    else extra.push(JSON.parse(x) as Rec)
  }
  const missing: Rec[] = []
  for (const [x, c] of count) for (let k = 0; k < c; k++) missing.push(JSON.parse(x) as Rec)
  return {ordered, unordered: missing.length === 0 && extra.length === 0, missing, extra}
}
