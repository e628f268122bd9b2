/**
 * The scheduler's clear_failcount, executed by the DC's controller as Pacemaker's
 * does (controld_messages.c handle_failcount_op): the resource's fail counts and
 * last-failure times on that node are cleared through attrd and its
 * `_last_failure_0` history entry is erased. Found by the fault campaign (seeds
 * 400, 402, 595177): a start failed on a node, then the resource's parameters
 * changed; the scheduler asked for clear_failcount (the failure was recorded with
 * other parameters) and the controller, which treated it as a no-op, re-planned
 * the same clear ten times in a row and gave up with an error.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import type * as M from '../../../src/formats/cib/model.js'
import {findNodeState, getTransientAttr, transientAttrs} from '../../../src/runtime/crm/history.js'
import {cibXml, dummy} from './cibs.js'
import {assertSettled, crmSimulatePlacements, sorted} from './settled.js'
import {crmSimulate, SimCluster} from './sim.js'

function setParam(cib: M.Cib, rscId: string, name: string, value: string): void {
  const prim = cib.resources.find((r) => r.id === rscId) as M.Primitive
  const pair = prim.instanceAttributes[0].pairs.find((p) => p.name === name)!
  pair.value = value
}

function failureRecords(sim: SimCluster, node: string, rscId: string): string[] {
  const attrs = [...transientAttrs(sim.cib, node).keys()].filter((n) => n.includes(`-${rscId}#`))
  const ops = findNodeState(sim.cib, node)?.lrmResources.find((r) => r.id === rscId)?.operations.filter((o) => o.id.endsWith('_last_failure_0')) ?? []
  return [...attrs, ...ops.map((o) => o.id)].sort()
}

test('a start failure recorded with old parameters is cleared when they change: clear_failcount runs once, the resource goes home', () => {
  const xml = cibXml({
    resources: dummy('d1', '<instance_attributes id="d1-ia"><nvpair id="d1-ia-fake" name="fake" value="a"/></instance_attributes>'),
    constraints: '<rsc_location id="d1-prefers-n1" rsc="d1" node="n1" score="50"/>',
  })
  const sim = new SimCluster({cib: xml})
  sim.failRules.push({node: 'n1', rscId: 'd1', action: 'start'})
  sim.start()
  sim.run()
  assert.deepEqual(sim.activeOn('d1'), ['n2'], 'the failed start on n1 sends d1 to n2')
  assert.equal(getTransientAttr(sim.cib, 'n1', 'fail-count-d1#start_0'), 'INFINITY')
  assertSettled(sim)

  // the parameters change: the failure on n1 happened with the old ones
  sim.reconfigure((cib) => setParam(cib, 'd1', 'fake', 'b'))
  const predicted = crmSimulate(sim.recordedCib())
  if (predicted) assert.ok(predicted.executing.some((l) => /clear_failcount for d1 on n1/.test(l)), `crm_simulate clears the fail count:\n${predicted.output}`)
  sim.run()

  assert.deepEqual(sim.logs.filter((l) => /in a row|Too many transitions/.test(l)), [], 'no endless re-planning')
  assert.deepEqual(failureRecords(sim, 'n1', 'd1'), [], 'fail count, last failure time and last_failure_0 cleared on n1')
  assert.ok(sim.logs.some((l) => /Clearing failure of d1 on n1/.test(l)), 'the clear is logged')
  if (predicted) assert.deepEqual(sorted(sim.placements()), sorted(crmSimulatePlacements(predicted.output, 'revised')), 'placements as crm_simulate predicts')
  assert.deepEqual(sim.activeOn('d1'), ['n1'], 'with its failure gone, d1 goes back to the node it prefers')
  assertSettled(sim)
})

test('clear_failcount clears only the resource it names, on the node it names', () => {
  const xml = cibXml({
    resources: dummy('d1', '<instance_attributes id="d1-ia"><nvpair id="d1-ia-fake" name="fake" value="a"/></instance_attributes>') + dummy('d2'),
    constraints: '<rsc_location id="d1-prefers-n1" rsc="d1" node="n1" score="50"/><rsc_location id="d2-prefers-n1" rsc="d2" node="n1" score="50"/>',
  })
  const sim = new SimCluster({cib: xml})
  sim.failRules.push({node: 'n1', rscId: 'd1', action: 'start'}, {node: 'n1', rscId: 'd2', action: 'start'})
  sim.start()
  sim.run()
  assert.deepEqual([sim.activeOn('d1'), sim.activeOn('d2')], [['n2'], ['n2']])
  sim.reconfigure((cib) => setParam(cib, 'd1', 'fake', 'b'))
  sim.run()
  assert.deepEqual(failureRecords(sim, 'n1', 'd1'), [])
  assert.deepEqual(failureRecords(sim, 'n1', 'd2'), ['d2_last_failure_0', 'fail-count-d2#start_0', 'last-failure-d2#start_0'], "d2's failure (same parameters) stays")
  assert.deepEqual([sim.activeOn('d1'), sim.activeOn('d2')], [['n1'], ['n2']])
  assertSettled(sim)
})
