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
 * case's features outside the basic subset, or the first differing line) and
 * full-known-failures-status.json (the first differing line of each status section).
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseCibXml} from '../src/formats/cib/xml.js'
import {schedule} from '../src/runtime/scheduler/index.js'
import {transitionSummaryLines} from '../test/runtime/scheduler/summary-lines.js'
import {fullSuiteDir as suite, runFullSuite} from '../test/runtime/scheduler/full-suite-cases.js'
import {sharedDir as shared} from '../test/helpers/cli.js'

const root = new URL('..', import.meta.url).pathname
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const lib: any = await import(join(shared, 'tools', 'scheduler', 'sched-lib.mjs'))

process.stdout.on('error', () => process.exit(0)) // piped into head
const args = process.argv.slice(2)
const listFeature = args.includes('--list') ? args[args.indexOf('--list') + 1] : undefined

interface Row {name: string; ok: boolean; features: string[]; detail: string; current: string; revised: string}

const rows: Row[] = runFullSuite().map((o) => ({
  name: o.name,
  ok: o.summary === '',
  features: lib.classifyCib(lib.parseXml(o.xml), lib.parseSummaryText(o.summaryText).actions, {name: o.name}).exclude as string[],
  detail: o.summary, current: o.current, revised: o.revised,
}))

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
console.log(`status sections: "Current cluster status" ${rows.filter((r) => !r.current).length}/${rows.length}, "Revised Cluster Status" ${rows.filter((r) => !r.revised).length}/${rows.length}`)
// cases whose .summary is a harness artifact (see full-known-failures.json) are judged by the installed crm_simulate
const known: Record<string, string> = JSON.parse(readFileSync(join(root, 'test', 'runtime', 'scheduler', 'full-known-failures.json'), 'utf8'))
const artifacts = rows.filter((r) => !r.ok && known[r.name]?.startsWith('suite artifact:'))
if (artifacts.length > 0) {
  const {spawnSync} = await import('node:child_process')
  let same = 0
  for (const r of artifacts) {
    const file = join(suite, `${r.name}.xml`)
    const real = spawnSync('crm_simulate', ['-x', file, '-S'], {encoding: 'utf8'})
    const expected = real.status === 0 ? transitionSummaryLines(real.stdout) : null
    if (expected && JSON.stringify(expected) === JSON.stringify(schedule(parseCibXml(readFileSync(file, 'utf8'), file)).summaryLines)) same++
  }
  console.log(`suite artifacts judged by the installed crm_simulate instead: ${same}/${artifacts.length} identical (${artifacts.map((r) => r.name).join(', ')})`)
}
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
  // the status sections' lists: the first differing line of each failing case
  const status = {current: {} as Record<string, string>, revised: {} as Record<string, string>}
  const statusFile = join(root, 'test', 'runtime', 'scheduler', 'full-known-failures-status.json')
  const previousStatus: typeof status = JSON.parse(readFileSync(statusFile, 'utf8'))
  const keep = (section: 'current' | 'revised', name: string, detail: string) =>
    previousStatus[section][name]?.startsWith('suite artifact:') ? previousStatus[section][name] : detail
  for (const r of rows) {
    if (r.current) status.current[r.name] = keep('current', r.name, r.current)
    if (r.revised) status.revised[r.name] = keep('revised', r.name, r.revised)
  }
  writeFileSync(statusFile, `${JSON.stringify(status, null, 2)}\n`)
}
