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
  const {missing, extra} = multisetDiff(e, a)
  const parse = (x: string) => JSON.parse(x) as Rec
  return {ordered, unordered: missing.length === 0 && extra.length === 0, missing: missing.map(parse), extra: extra.map(parse)}
}

/** The items of `expected` that `got` lacks and the other way round, counted with repetition. */
export function multisetDiff(expected: readonly string[], got: readonly string[]): {missing: string[]; extra: string[]} {
  const left = new Map<string, number>()
  for (const x of got) left.set(x, (left.get(x) ?? 0) + 1)
  const missing: string[] = []
  for (const x of expected) {
    const n = left.get(x) ?? 0
    if (n > 0) left.set(x, n - 1)
    else missing.push(x)
  }
  const extra = [...left].flatMap(([x, n]) => Array<string>(n).fill(x))
  return {missing, extra}
}
