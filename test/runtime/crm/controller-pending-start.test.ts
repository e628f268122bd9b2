/**
 * A start still recorded as pending (op-status -1, rc 193) by a DC that died before the result
 * reached it: the new DC schedules that start again where the resource is placed, as Pacemaker's
 * scheduler does (create_pending_start: an optional start that the resource's recurring monitor
 * makes required), and the cluster settles. hakit's scheduler used to plan only the monitor, which
 * the controller ran after every completed transition without the pending start ever being
 * replaced: "Transition N completed 10 times in a row" (fault campaign with fencing, seed 401: the
 * DC's own stop hung, it was fenced while a start it had dispatched to n1 was under way).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {applyStatusChanges, findNodeState, historyEntry} from '../../../src/runtime/crm/history.js'
import {operationDigests} from '../../../src/runtime/executor/digest.js'
import {ExecStatus} from '../../../src/runtime/executor/types.js'
import {cibXml, dummy} from './cibs.js'
import {assertSettled} from './settled.js'
import {crmSimulate, SimCluster} from './sim.js'

test("a start left pending by a dead DC is started again where it runs, with its monitor, and the DC goes idle", () => {
  const cib = parseCibXml(cibXml({resources: dummy('d1'), constraints: '<rsc_location id="l" rsc="d1" node="n1" score="50"/>'}), 'x')
  const old = (action: number) => `${action}:3:0:dead-dc-uuid`
  const ref = {id: 'd1', class: 'ocf', provider: 'pacemaker', type: 'Dummy'}
  const base = {rscId: 'd1', node: 'n1', exitReason: '', lastRcChange: 1_799_999_000, execTimeMs: 1, queueTimeMs: 0}
  applyStatusChanges(cib, [
    {kind: 'node-state', node: 'n1', attributes: {id: '1', uname: 'n1', in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member'}},
    {kind: 'node-state', node: 'n2', attributes: {id: '2', uname: 'n2', in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member'}},
    // the monitor that followed an earlier start, then a new start whose result never came back
    {kind: 'record-op', node: 'n1', resource: ref, op: historyEntry({...base, task: 'monitor', intervalMs: 10_000, transitionKey: old(2), callId: 5, rc: 0, opStatus: ExecStatus.Done,
      opDigest: operationDigests({action: 'monitor', params: {}, intervalMs: 10_000, timeoutMs: 20_000}).opDigest})},
    {kind: 'record-op', node: 'n1', resource: ref, op: historyEntry({...base, task: 'start', intervalMs: 0, transitionKey: old(1), callId: -1, rc: 193, opStatus: ExecStatus.Pending,
      opDigest: operationDigests({action: 'start', params: {}, intervalMs: 0, timeoutMs: 20_000}).opDigest})},
  ])
  const real = crmSimulate({...cib, attributes: {...cib.attributes, 'have-quorum': '1', 'dc-uuid': '1'}})
  if (real) assert.ok(real.executing.some((l) => /d1\s+start on n1/.test(l)), `crm_simulate starts the pending start again:\n${real.output}`)
  const sim = new SimCluster({cib})
  sim.nodes.get('n1')!.active.set('d1', 'Started')
  sim.start()
  sim.run()
  assert.deepEqual(sim.logs.filter((l) => /in a row|Too many transitions/.test(l)), [], 'no endless re-planning')
  assert.deepEqual(sim.executed.filter((e) => e.startsWith('n1 d1 start')), ['n1 d1 start 0'], 'the start is issued again, once')
  assert.equal(findNodeState(sim.cib, 'n1')?.lrmResources.find((r) => r.id === 'd1')?.operations.find((o) => o.id === 'd1_last_0')?.attributes['op-status'], '0')
  assert.deepEqual(sim.activeOn('d1'), ['n1'])
  assertSettled(sim)
})
