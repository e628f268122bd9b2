/**
 * --show-scores on Pacemaker 2.1.5's whole scheduler suite (../shared/corpus/scheduler-full):
 * hakit's allocation and promotion score lines against the installed `crm_simulate -x F -s -S`.
 *
 *   node --import tsx scripts/scheduler-scores.ts [--write-fixture] [--live] [--write-known-failures] [--list FEATURE]
 *
 * --write-fixture  runs crm_simulate on every suite case (cached by input hash in the temp dir) and
 *                  rewrites test/fixtures/scheduler/full-suite-scores.txt.gz, which the test reads
 * --live           compares with crm_simulate itself rather than the fixture
 * --write-known-failures  rewrites test/runtime/scheduler/scores-known-failures.json (first differing line)
 * --list FEATURE   lists the failing cases using FEATURE ('basic': using none)
 * --mutations N [--seed S] [--all-cases] [--allowed-only] [--keep DIR]  instead: N mutated suite cases (bundle cases unless
 *                  --all-cases; mutate.ts's MUTATIONS and ALLOWED_NODE_MUTATIONS, or only the latter) against crm_simulate;
 *                  --keep writes the CIBs that differ into DIR
 * Prints the match count and the failing cases per feature (classifyCib of ../shared/tools/scheduler).
 */
import {execFileSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {sharedDir as shared} from '../test/helpers/cli.js'
import {firstDifference, fullSuiteCases, fullSuiteDir as suite} from '../test/runtime/scheduler/full-suite-cases.js'
import {crmSimulateScoreLines, hakitScoreLines, inputHash, readScoresFixture, runScoreMutations, writeScoresFixture, type ScoresFixture} from '../test/runtime/scheduler/scores-oracle.js'
import {ALLOWED_NODE_MUTATIONS, MUTATIONS} from '../test/runtime/scheduler/mutate.js'
import {BUNDLE_CASE} from '../test/runtime/scheduler/mutation-run.js'

const root = new URL('..', import.meta.url).pathname
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const lib: any = await import(join(shared, 'tools', 'scheduler', 'sched-lib.mjs'))

process.stdout.on('error', () => process.exit(0)) // piped into head
const args = process.argv.slice(2)
const listFeature = args.includes('--list') ? args[args.indexOf('--list') + 1] : undefined
const cases = fullSuiteCases()

if (args.includes('--mutations')) {
  const count = Number(args[args.indexOf('--mutations') + 1])
  const seed = args.includes('--seed') ? Number(args[args.indexOf('--seed') + 1]) : 1
  const mutations = args.includes('--allowed-only') ? ALLOWED_NODE_MUTATIONS : [...MUTATIONS, ...ALLOWED_NODE_MUTATIONS]
  const names = cases.map((c) => c.name).filter((name) => args.includes('--all-cases') || BUNDLE_CASE.test(name))
  const r = runScoreMutations(suite, seed, count, names, mutations)
  console.log(`mutated cases, seed ${seed}: score lines identical on ${r.ok}/${r.total} (${Object.entries(r.byMutation).map(([m, n]) => `${m} ${n}`).join(', ')})`)
  const keep = args.includes('--keep') ? args[args.indexOf('--keep') + 1] : undefined
  r.mismatches.forEach((m, i) => {
    console.log(`${m.case} [${m.mutation}] ${m.detail}`)
    if (keep) writeFileSync(join(keep, `${i}-${m.case}`), m.cib)
  })
  process.exit(0)
}

if (args.includes('--write-fixture')) {
  const version = execFileSync('crm_simulate', ['--version'], {encoding: 'utf8'}).split('\n')[0].trim()
  const fixture: ScoresFixture = {header: `crm_simulate -x CASE.xml -s -S (${version}): allocation and promotion score lines per case of cts/scheduler; written by scripts/scheduler-scores.ts --write-fixture`, cases: new Map()}
  for (const c of cases) {
    const file = join(suite, `${c.name}.xml`)
    fixture.cases.set(c.name, {hash: inputHash(readFileSync(file, 'utf8')), lines: crmSimulateScoreLines(file)})
  }
  writeScoresFixture(fixture)
  console.log(`wrote ${fixture.cases.size} cases, ${[...fixture.cases.values()].reduce((n, c) => n + c.lines.length, 0)} score lines`)
}

const fixture = args.includes('--live') ? undefined : readScoresFixture()
const rows = cases.map((c) => {
  const file = join(suite, `${c.name}.xml`)
  const xml = readFileSync(file, 'utf8')
  const expected = fixture ? fixture.cases.get(c.name)?.lines ?? [] : crmSimulateScoreLines(file)
  let detail: string
  try {
    detail = firstDifference(expected, hakitScoreLines(xml, file))
  } catch (error) {
    detail = `threw ${(error as Error).message}`
  }
  const features = lib.classifyCib(lib.parseXml(xml), lib.parseSummaryText(c.summaryText).actions, {name: c.name}).exclude as string[]
  return {name: c.name, detail, features, lines: expected.length}
})

const ok = rows.filter((r) => r.detail === '').length
console.log(`score lines identical: ${ok}/${rows.length} cases (${rows.reduce((n, r) => n + r.lines, 0)} lines from crm_simulate${fixture ? ', the fixture' : ', live'})`)
const byFeature = new Map<string, {total: number; ok: number}>()
for (const r of rows) {
  for (const f of r.features.length === 0 ? ['(basic subset)'] : r.features) {
    const s = byFeature.get(f) ?? {total: 0, ok: 0}
    s.total++
    if (r.detail === '') s.ok++
    byFeature.set(f, s)
  }
}
for (const [f, s] of [...byFeature].filter(([, s]) => s.ok < s.total).sort((a, b) => (b[1].total - b[1].ok) - (a[1].total - a[1].ok))) {
  console.log(`${f.padEnd(28)} ${`${s.ok}/${s.total}`.padStart(9)}`)
}
if (listFeature) {
  for (const r of rows) if (r.detail !== '' && (listFeature === 'basic' ? r.features.length === 0 : listFeature === 'all' || r.features.includes(listFeature))) console.log(`${r.name} [${r.features.join(' ')}] ${r.detail}`)
}
if (args.includes('--write-known-failures')) {
  const out: Record<string, string> = {}
  for (const r of rows) if (r.detail !== '') out[r.name] = r.detail
  writeFileSync(join(root, 'test', 'runtime', 'scheduler', 'scores-known-failures.json'), `${JSON.stringify(out, null, 2)}\n`)
}
