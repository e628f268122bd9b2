/**
 * What `--wait` reports and when it calls a cluster settled, on CIBs built by
 * hand: the operations recorded between two CIBs in the order they ran, and
 * the scheduler's pending actions (a resource not yet started is pending, one
 * recorded as started is not).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {opDigest} from '../../../src/runtime/crm/history.js'
import {describeTransition, operationsSince, pendingActions} from '../../../src/runtime/crm/admin/wait.js'

// the digest of d1's (empty) parameters, as the executor records it: no restart for a "definition change"
const op = (id: string, task: string, callId: number, rc: number, at: number, interval = 0, status = 0) =>
  `<lrm_rsc_op id="${id}" operation="${task}" call-id="${callId}" rc-code="${rc}" op-status="${status}" interval="${interval}" last-rc-change="${at}" transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x" crm_feature_set="3.16.2" on_node="n1" op-digest="${opDigest({}, interval, 20_000)}"/>`

const cib = (ops: string) => parseCibXml(`<cib admin_epoch="0" epoch="5" num_updates="1" validate-with="pacemaker-3.9" have-quorum="1" dc-uuid="1">
  <configuration><crm_config><cluster_property_set id="o"><nvpair id="o-s" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="n1"/></nodes>
    <resources><primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"><operations><op id="d1-m" name="monitor" interval="10s"/></operations></primitive></resources>
    <constraints/></configuration>
  <status><node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="1"><lrm_resources>
    <lrm_resource id="d1" class="ocf" provider="pacemaker" type="Dummy">${ops}</lrm_resource>
  </lrm_resources></lrm></node_state></status></cib>`, 'test')

test('operations since: only new runs, in call-id order within the same second, probes named, failures shown', () => {
  const before = cib(op('d1_last_0', 'monitor', 1, 7, 100))
  const after = cib(op('d1_last_0', 'start', 3, 0, 200) + op('d1_monitor_10000', 'monitor', 4, 0, 200, 10000) + op('d1_last_failure_0', 'stop', 2, 1, 200, 0, 4))
  assert.deepEqual(operationsSince(before, after), ['  d1 stop on n1: failed (op-status 4)', '  d1 start on n1: ok', '  d1 monitor 10s on n1: ok'])
  assert.deepEqual(operationsSince(after, after), [])
  assert.match(describeTransition(after, after)[0]!, /no action was needed/)
  assert.deepEqual(operationsSince(cib(''), before), ['  d1 probe on n1: not running'])
})

test('pending actions: a probed, stopped resource is pending; started with its monitor it is settled', async () => {
  const probed = cib(op('d1_last_0', 'monitor', 1, 7, 100))
  assert.ok((await pendingActions(probed)).some((a) => a.resource === 'd1' && a.task === 'start'))
  const running = cib(op('d1_last_0', 'start', 2, 0, 100) + op('d1_monitor_10000', 'monitor', 3, 0, 100, 10000))
  assert.deepEqual(await pendingActions(running), [])
})
