/**
 * Pacemaker 2.1.5's whole scheduler regression suite (../shared/corpus/scheduler-full): every
 * input is scheduled in this process and compared exactly (column padding included) with the
 * suite's own .summary file, which is what crm_simulate -S printed:
 *   - the "Transition Summary:" lines (known failures: full-known-failures.json);
 *   - the "Current cluster status:" and "Revised Cluster Status:" sections
 *     (known failures: full-known-failures-status.json, one list per section).
 * A failure not in its list fails the test, and so does a listed case that now passes (the lists
 * may only shrink). A summary entry whose reason starts with "suite artifact:" is a case where the
 * .summary is not what the released crm_simulate 2.1.5 prints; it is judged against the
 * installed crm_simulate instead.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {haveCommand} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {clusterStatus} from '../../../src/runtime/scheduler/status-text.js'
import {sectionLines, transitionSummaryLines} from './summary-lines.js'
import {firstDifference, fullSuiteDir as suite, runFullSuite, type SuiteCaseOutcome, trimBlank} from './full-suite-cases.js'

const knownFailures: Record<string, string> = JSON.parse(readFileSync(new URL('full-known-failures.json', import.meta.url), 'utf8'))
const knownStatus: {current: Record<string, string>; revised: Record<string, string>} = JSON.parse(readFileSync(new URL('full-known-failures-status.json', import.meta.url), 'utf8'))
const ARTIFACT = 'suite artifact:'

type Outcome = Pick<SuiteCaseOutcome, 'summary' | 'current' | 'revised'>
let cached: Map<string, Outcome> | undefined
const outcomes = () => (cached ??= new Map(runFullSuite().map((o) => [o.name, o])))

/** Checks one comparison against its known-failures list, both ways. */
function checkList(t: {diagnostic: (m: string) => void}, what: keyof Outcome, known: Record<string, string>, label: string): void {
  const unexpected: string[] = []
  const nowPassing: string[] = []
  let ok = 0
  for (const [name, o] of outcomes()) {
    const detail = o[what]
    if (detail === '') ok++
    if (detail === '' && name in known) nowPassing.push(name)
    if (detail !== '' && !(name in known)) unexpected.push(`${name}: ${detail}`)
  }
  const total = outcomes().size
  t.diagnostic(`${label}: ${ok}/${total} (${((100 * ok) / total).toFixed(1)}%)`)
  assert.deepEqual(unexpected, [], `cases whose ${label} differs and are not in the known-failures list`)
  assert.deepEqual(nowPassing, [], `cases whose ${label} now matches: remove them from the known-failures list`)
}

test('full scheduler suite: exact Transition Summary match with Pacemaker 2.1.5', (t) => {
  if (!existsSync(suite)) {
    t.skip('scheduler-full corpus not present')
    return
  }
  checkList(t, 'summary', knownFailures, 'Transition Summary')
})

test('full scheduler suite: "Current cluster status" section as crm_simulate prints it', (t) => {
  if (!existsSync(suite)) {
    t.skip('scheduler-full corpus not present')
    return
  }
  checkList(t, 'current', knownStatus.current, 'Current cluster status')
})

test('full scheduler suite: "Revised Cluster Status" section as crm_simulate prints it', (t) => {
  if (!existsSync(suite)) {
    t.skip('scheduler-full corpus not present')
    return
  }
  checkList(t, 'revised', knownStatus.revised, 'Revised Cluster Status')
})

test('full scheduler suite: cases whose .summary is a harness artifact match the installed crm_simulate', (t) => {
  const artifacts = Object.entries(knownFailures).filter(([, reason]) => reason.startsWith(ARTIFACT)).map(([name]) => name)
  if (!existsSync(suite) || artifacts.length === 0) {
    t.skip('scheduler-full corpus not present or no artifact cases')
    return
  }
  if (!haveCommand('crm_simulate')) {
    t.skip('crm_simulate not installed')
    return
  }
  for (const name of artifacts) {
    const file = join(suite, `${name}.xml`)
    const real = spawnSync('crm_simulate', ['-x', file, '-S'], {encoding: 'utf8'})
    const expected = transitionSummaryLines(real.stdout)
    assert.ok(expected, `${name}: crm_simulate printed no Transition Summary: ${real.stderr}`)
    const transition = schedule(parseCibXml(readFileSync(file, 'utf8'), file))
    assert.deepEqual(transition.summaryLines, expected, `${name}: hakit differs from the installed crm_simulate`)
    // the status sections too, where their lists name the case a suite artifact
    for (const [section, heading, revised] of [['current', 'Current cluster status:', false], ['revised', 'Revised Cluster Status:', true]] as const) {
      if (!knownStatus[section][name]?.startsWith(ARTIFACT)) continue
      const diff = firstDifference(sectionLines(real.stdout, heading) ?? [], trimBlank(clusterStatus(transition.workingSet, revised)))
      assert.equal(diff, '', `${name}: the ${heading} section differs from the installed crm_simulate`)
    }
  }
})
