/**
 * Differential test of the newer scheduler features against the installed crm_simulate:
 * suite cases that use tickets, migration, utilization, maintenance, digests, unfencing,
 * shutdown locks and remote/guest nodes are mutated at random (mutate.ts) and both schedulers
 * must print the same Transition Summary for the mutated CIB. Bigger runs:
 * `node --import tsx scripts/scheduler-mutations.ts --count N --seed S`.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {haveCommand, sharedDir} from '../../helpers/cli.js'
import {runMutations} from './mutation-run.js'

const suite = join(sharedDir, 'corpus', 'scheduler-full')
/** Rate the scheduler must keep (measured when written: see docs/scheduler.md). */
const MIN_RATE = 0.9

test('mutated suite CIBs with the newer features: same Transition Summary as crm_simulate (seed 1, 40 CIBs)', (t) => {
  if (!haveCommand('crm_simulate')) {
    t.skip('crm_simulate not installed')
    return
  }
  if (!existsSync(suite)) {
    t.skip('scheduler-full corpus not present')
    return
  }
  const result = runMutations(suite, 1, 40)
  for (const m of result.mismatches.slice(0, 10)) t.diagnostic(`${m.case} + ${m.mutation}: expected ${JSON.stringify(m.expected)} got ${JSON.stringify(m.got)}`)
  t.diagnostic(`exact match ${result.ok}/${result.total}`)
  assert.ok(result.total >= 30, `only ${result.total} mutated CIBs were compared`)
  assert.ok(result.ok / result.total >= MIN_RATE, `exact-match rate ${result.ok}/${result.total} below ${MIN_RATE}`)
})
