/**
 * --show-scores on Pacemaker 2.1.5's whole scheduler suite (../shared/corpus/scheduler-full, 799
 * cases): hakit's allocation and promotion score lines must be the ones the installed
 * `crm_simulate -x CASE -s -S` prints, in the same order.
 *
 * The expected lines are a fixture (test/fixtures/scheduler/full-suite-scores.txt.gz) written by
 * `node --import tsx scripts/scheduler-scores.ts --write-fixture` from the installed crm_simulate
 * 2.1.5, not crm_simulate run here: 799 runs of it took 43-49 s of wall time (about 30 s of CPU)
 * on this machine at load 1, more than the whole rest of the scheduler tests, and would make the
 * test depend on crm_simulate's speed on a loaded CI machine. Each fixture entry carries a hash
 * of its case's XML, so a changed corpus shows up as a stale fixture, not as hakit failing.
 *
 * Cases that differ are listed in scores-known-failures.json with the first differing line; a
 * new difference fails the test, and so does a listed case that now matches (the list only
 * shrinks). `scripts/scheduler-scores.ts --write-known-failures` rewrites it.
 *
 * A second test mutates suite cases with bundles at random (seeded; what decides which nodes a
 * resource's scores list: the symmetric default, unpack order, guest nodes <nodes> configures,
 * exclusive discovery, and mutate.ts's other mutations) and compares with the installed
 * crm_simulate itself; `scripts/scheduler-scores.ts --mutations N --seed S` runs more.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {haveCommand} from '../../helpers/cli.js'
import {firstDifference, fullSuiteCases, fullSuiteDir as suite} from './full-suite-cases.js'
import {ALLOWED_NODE_MUTATIONS, MUTATIONS} from './mutate.js'
import {BUNDLE_CASE} from './mutation-run.js'
import {hakitScoreLines, inputHash, readScoresFixture, runScoreMutations, scoresFixtureFile} from './scores-oracle.js'

const known: Record<string, string> = JSON.parse(readFileSync(new URL('scores-known-failures.json', import.meta.url), 'utf8'))

test('full scheduler suite: --show-scores lines as the installed crm_simulate -s prints them', (t) => {
  if (!existsSync(suite)) {
    t.skip('scheduler-full corpus not present')
    return
  }
  const fixture = readScoresFixture()
  assert.match(fixture.header, /crm_simulate .*Pacemaker 2\.1\.5/)
  const stale: string[] = []
  const unexpected: string[] = []
  const nowPassing: string[] = []
  let ok = 0
  let lines = 0
  const cases = fullSuiteCases()
  for (const c of cases) {
    const file = join(suite, `${c.name}.xml`)
    const xml = readFileSync(file, 'utf8')
    const expected = fixture.cases.get(c.name)
    if (!expected || expected.hash !== inputHash(xml)) {
      stale.push(c.name)
      continue
    }
    lines += expected.lines.length
    let detail: string
    try {
      detail = firstDifference(expected.lines, hakitScoreLines(xml, file))
    } catch (error) {
      detail = `threw ${(error as Error).stack}`
    }
    if (detail === '') ok++
    if (detail === '' && c.name in known) nowPassing.push(c.name)
    if (detail !== '' && !(c.name in known)) unexpected.push(`${c.name}: ${detail}`)
  }
  t.diagnostic(`score lines identical on ${ok}/${cases.length} cases (${lines} lines from crm_simulate)`)
  assert.deepEqual(stale, [], `cases missing from or changed since ${scoresFixtureFile}: run scripts/scheduler-scores.ts --write-fixture`)
  // the fixture must hold what crm_simulate prints, not an empty file: the suite has tens of thousands of score lines
  assert.ok(lines > 50_000, `the fixture holds only ${lines} score lines`)
  assert.deepEqual(unexpected, [], 'cases whose score lines differ and are not in scores-known-failures.json')
  assert.deepEqual(nowPassing, [], 'cases whose score lines now match: remove them from scores-known-failures.json')
})

test('mutated suite cases with bundles: --show-scores lines as the installed crm_simulate prints them (seed 1)', (t) => {
  if (!existsSync(suite)) {
    t.skip('scheduler-full corpus not present')
    return
  }
  if (!haveCommand('crm_simulate')) {
    t.skip('crm_simulate not installed')
    return
  }
  const names = fullSuiteCases().map((c) => c.name).filter((name) => BUNDLE_CASE.test(name))
  const r = runScoreMutations(suite, 1, 40, names, [...MUTATIONS, ...ALLOWED_NODE_MUTATIONS])
  t.diagnostic(`score lines identical on ${r.ok}/${r.total} mutated cases`)
  assert.ok(r.total >= 30, `only ${r.total} mutated cases ran`)
  assert.ok(Object.keys(r.byMutation).some((m) => ALLOWED_NODE_MUTATIONS.some((a) => a.name === m)), 'no allowed-node mutation ran')
  assert.deepEqual(r.mismatches.map((m) => `${m.case} [${m.mutation}] ${m.detail}`), [])
})
