/**
 * A stop that hangs past its timeout, without fencing: the stop failure blocks the resource
 * where it is (on-fail=block, Pacemaker's default for a stop when stonith is disabled), the DC
 * plans nothing more for it, and the node holding it cannot shut down until an administrator
 * clears the failure — Pacemaker orders a blocked resource's stop before the node's shutdown
 * (pcmk__order_stops_before_shutdown), so the shutdown never becomes runnable. Each step is
 * compared with the real crm_simulate on the same CIB.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import type * as M from '../../../src/formats/cib/model.js'
import {getTransientAttr} from '../../../src/runtime/crm/history.js'
import {ExecStatus} from '../../../src/runtime/executor/types.js'
import {cibXml, dummy} from './cibs.js'
import {assertSettled} from './settled.js'
import {crmSimulate, SimCluster} from './sim.js'

function setTargetRole(cib: M.Cib, rscId: string, role: string | undefined): void {
  const p = cib.resources.find((r) => r.id === rscId) as M.Primitive
  p.metaAttributes = role === undefined ? [] : [{id: `${rscId}-meta`, pairs: [{id: `${rscId}-meta-target-role`, name: 'target-role', value: role}]}]
}

function blockedCluster(): SimCluster {
  const sim = new SimCluster({cib: cibXml({resources: dummy('d1') + dummy('d2'), constraints: '<rsc_location id="l1" rsc="d1" node="n1" score="50"/>'})})
  sim.start()
  sim.run()
  assert.deepEqual(sim.activeOn('d1'), ['n1'])
  // the stop hangs: the executor kills it at its timeout, the service stays up
  sim.failRules.push({node: 'n1', rscId: 'd1', action: 'stop', rc: 1, status: ExecStatus.Timeout, times: Infinity})
  sim.reconfigure((cib) => setTargetRole(cib, 'd1', 'Stopped'))
  sim.run()
  return sim
}

test('a hung stop without fencing: the resource is blocked where it runs, fail count INFINITY, nothing more planned', () => {
  const sim = blockedCluster()
  assert.deepEqual(sim.activeOn('d1'), ['n1'], 'still running where the stop hung')
  assert.equal(getTransientAttr(sim.cib, 'n1', 'fail-count-d1#stop_0'), 'INFINITY')
  assert.equal(sim.executed.filter((e) => e === 'n1 d1 stop 0').length, 1, 'one stop attempt: a failed stop is not retried')
  assert.deepEqual(sim.violations, [])
  assert.deepEqual(sim.pendingActions(), [], "hakit's scheduler plans nothing further")
  const real = crmSimulate(sim.recordedCib())
  if (real) {
    assert.match(real.output, /d1\s+\(ocf:pacemaker:Dummy\):\s+FAILED n1 \(disabled, blocked\)/, `crm_simulate shows d1 failed and blocked on n1:\n${real.output}`)
    assert.deepEqual(real.summary.filter((l) => !l.endsWith('(blocked)')), [], real.output)
    assert.deepEqual(real.executing, [], real.output)
  }
})

test('a node holding a blocked resource is not told to shut down; the others are', () => {
  const sim = blockedCluster()
  sim.shutdown('n1')
  sim.run()
  assert.deepEqual(sim.shutdownsSent, [], 'n1 keeps running its blocked d1 (Pacemaker: the shutdown waits for the stop, which cannot run)')
  assert.deepEqual(sim.violations, [])
  assert.deepEqual(sim.activeOn('d1'), ['n1'])
  assert.deepEqual(sim.activeOn('d2'), ['n2'], 'd2 stays where it is')
  // control: a node without a blocked resource leaves once its resources are stopped (n1 is leaving
  // too, so d2 has nowhere to go)
  sim.shutdown('n2')
  sim.run()
  assert.deepEqual(sim.shutdownsSent, ['n2'])
  assert.deepEqual(sim.activeOn('d2'), [])
  assert.deepEqual(sim.violations, [])
})

test('the administrator clears the hang: cleanup re-probes, the resource is stopped as asked', () => {
  const sim = blockedCluster()
  sim.failRules.length = 0
  sim.deliver({type: 'cleanup', now: sim.now, rscId: 'd1'})
  sim.run()
  assert.equal(getTransientAttr(sim.cib, 'n1', 'fail-count-d1#stop_0'), undefined)
  assert.deepEqual(sim.activeOn('d1'), [], 'the probe finds it running and the stop now completes')
  assertSettled(sim)
})
