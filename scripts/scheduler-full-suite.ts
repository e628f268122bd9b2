/**
 * Runs the scheduler on Pacemaker 2.1.5's whole regression suite (../shared/corpus/scheduler-full)
 * and groups the cases by the features they use (classifyCib from ../shared/tools/scheduler), to
 * see which feature costs the most cases.
 *
 *   node --import tsx scripts/scheduler-full-suite.ts [--list FEATURE] [--only-feature] [--write-known-failures]
 *
 * Prints one row per feature: cases using it, cases matching, failing cases whose ONLY feature
 * outside the basic subset is this one (what implementing it alone would gain at most).
 * --write-known-failures rewrites test/runtime/scheduler/full-known-failures.json (reason = the
 * case's features outside the basic subset, or the first differing line).
 */
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseCibXml} from '../src/formats/cib/xml.js'
import {schedule} from '../src/runtime/scheduler/index.js'
import {transitionSummaryLines} from '../test/runtime/scheduler/summary-lines.js'

const root = new URL('..', import.meta.url).pathname
const shared = join(root, '..', 'shared')
const suite = join(shared, 'corpus', 'scheduler-full')
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const lib: any = await import(join(shared, 'tools', 'scheduler', 'sched-lib.mjs'))

process.stdout.on('error', () => process.exit(0)) // piped into head
const args = process.argv.slice(2)
const listFeature = args.includes('--list') ? args[args.indexOf('--list') + 1] : undefined

interface Row {name: string; ok: boolean; features: string[]; detail: string}
const rows: Row[] = []
for (const name of readdirSync(suite).filter((f) => f.endsWith('.xml')).map((f) => f.slice(0, -4)).sort()) {
  const summaryFile = join(suite, `${name}.summary`)
  if (!existsSync(summaryFile)) continue
  const summaryText = readFileSync(summaryFile, 'utf8')
  const expected = transitionSummaryLines(summaryText)
  if (expected === null) continue
  const xml = readFileSync(join(suite, `${name}.xml`), 'utf8')
  const parsed = lib.parseSummaryText(summaryText)
  const features: string[] = lib.classifyCib(lib.parseXml(xml), parsed.actions, {name}).exclude
  let detail = ''
  try {
    const got = schedule(parseCibXml(xml, name)).summaryLines
    const i = got.findIndex((l, k) => l !== expected[k])
    if (got.length !== expected.length || i >= 0) {
      const k = i < 0 ? got.length : i
      detail = `line ${k + 1}: expected ${JSON.stringify((expected[k] ?? '(end)').trim())}, got ${JSON.stringify((got[k] ?? '(end)').trim())}`
    }
  } catch (error) {
    detail = `threw ${(error as Error).message}`
  }
  rows.push({name, ok: detail === '', features, detail})
}

const byFeature = new Map<string, {total: number; ok: number; onlyThis: number}>()
const bump = (f: string, r: Row) => {
  const s = byFeature.get(f) ?? {total: 0, ok: 0, onlyThis: 0}
  s.total++
  if (r.ok) s.ok++
  if (!r.ok && r.features.length === 1) s.onlyThis++
  byFeature.set(f, s)
}
for (const r of rows) {
  if (r.features.length === 0) bump('(basic subset)', r)
  for (const f of r.features) bump(f, r)
}
const ok = rows.filter((r) => r.ok).length
console.log(`exact match: ${ok}/${rows.length} (${((100 * ok) / rows.length).toFixed(1)} %)`)
const local = rows.filter((r) => !r.features.some((f) => ['remote-node', 'guest-node', 'bundle', 'container'].includes(f)))
const localOk = local.filter((r) => r.ok).length
console.log(`without remote/guest/bundle/container resources: ${localOk}/${local.length} (${((100 * localOk) / local.length).toFixed(1)} %)`)
console.log(`${'feature'.padEnd(28)} ${'match'.padStart(9)}  failing with only this feature`)
for (const [f, s] of [...byFeature].sort((a, b) => (b[1].total - b[1].ok) - (a[1].total - a[1].ok))) {
  console.log(`${f.padEnd(28)} ${`${s.ok}/${s.total}`.padStart(9)}  ${s.onlyThis}`)
}
if (listFeature) {
  for (const r of rows) if (!r.ok && (listFeature === 'basic' ? r.features.length === 0 : r.features.includes(listFeature))) console.log(`${r.name} [${r.features.join(' ')}] ${r.detail}`)
}
if (args.includes('--write-known-failures')) {
  const file = join(root, 'test', 'runtime', 'scheduler', 'full-known-failures.json')
  const previous: Record<string, string> = JSON.parse(readFileSync(file, 'utf8'))
  const out: Record<string, string> = {}
  for (const r of rows) {
    if (r.ok) continue
    // a "suite artifact" note explains why the .summary is not the judge: keep it
    const old = previous[r.name]
    out[r.name] = old?.startsWith('suite artifact:') ? old : r.features.length > 0 ? `uses: ${r.features.join(', ')}` : r.detail
  }
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`)
}
