/**
 * Details where hakit follows Pacemaker 2.1.5 to the letter, each on a small CIB: the expected
 * outcome is asserted, and where crm_simulate is installed hakit's Transition Summary must also
 * equal the real one on the same file.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fixturesDir, haveCommand, sharedDir} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {hashTableOrder} from '../../../src/runtime/scheduler/ghash.js'
import {clusterStatus} from '../../../src/runtime/scheduler/status-text.js'
import {printTransitionGraphXml} from '../../../src/runtime/scheduler/graph-xml.js'
import {renderSimulation, simulate} from '../../../src/runtime/scheduler/simulate.js'
import {sectionLines, transitionSummaryLines} from './summary-lines.js'
import {describeDiff, diffGraphs, hakitNamedGraph, oracleNamedGraph, sameGraph} from './graph-compare.js'
import {oracleGraph} from './graph-oracle.js'

const dummy = (id: string, inner = '') => `<primitive id="${id}" class="ocf" provider="pacemaker" type="Dummy">${inner}</primitive>`
const util = (id: string, cpu: number) => `<utilization id="${id}-u"><nvpair id="${id}-u-cpu" name="cpu" value="${cpu}"/></utilization>`
const meta = (id: string, pairs: Record<string, string>) =>
  `<meta_attributes id="${id}-m">${Object.entries(pairs).map(([k, v]) => `<nvpair id="${id}-m-${k}" name="${k}" value="${v}"/>`).join('')}</meta_attributes>`

interface CibSpec {nodes?: string[]; options?: Record<string, string>; featureSet?: string; nodeXml?: Record<string, string>; resources: string; constraints?: string; status?: string}

function cibXml(s: CibSpec): string {
  const nodes = s.nodes ?? ['node1', 'node2']
  const options = {'stonith-enabled': 'false', ...s.options}
  return `<cib ${s.featureSet === '' ? '' : `crm_feature_set="${s.featureSet ?? '3.16.2'}" `}validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1">
<configuration><crm_config><cluster_property_set id="opts">${Object.entries(options).map(([k, v]) => `<nvpair id="opt-${k}" name="${k}" value="${v}"/>`).join('')}</cluster_property_set></crm_config>
<nodes>${nodes.map((n) => `<node id="${n}" uname="${n}">${s.nodeXml?.[n] ?? ''}</node>`).join('')}</nodes>
<resources>${s.resources}</resources><constraints>${s.constraints ?? ''}</constraints></configuration>
<status>${s.status ?? nodes.map((n) => `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"/>`).join('')}</status></cib>`
}

/** hakit's summary lines; when crm_simulate is installed, also checked against it. */
function summary(xml: string): string[] {
  const got = schedule(parseCibXml(xml, 'test.xml')).summaryLines
  if (haveCommand('crm_simulate')) {
    const dir = mkdtempSync(join(tmpdir(), `hakit-sched-details-${process.pid}-`))
    try {
      writeFileSync(join(dir, 'cib.xml'), xml)
      const real = spawnSync('crm_simulate', ['-x', join(dir, 'cib.xml'), '-S'], {encoding: 'utf8'})
      assert.deepEqual(got, transitionSummaryLines(real.stdout), 'hakit and crm_simulate differ')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  }
  return got
}

const words = (lines: string[]) => lines.map((l) => l.trim().split(/\s+/).filter((w) => w !== '*' && w !== '(' && w !== ')').join(' '))

test("hash-table order: GLib's GHashTable with pcmk__str_hash, as libglib 2.74 iterates it", () => {
  // orders printed by a C program inserting these keys into g_hash_table_new_full(pcmk__str_hash, g_str_equal)
  assert.deepEqual(hashTableOrder(['node1', 'node2']), ['node2', 'node1'])
  assert.deepEqual(hashTableOrder(['node1', 'node2', 'node3', 'node4', 'node5']), ['node2', 'node4', 'node1', 'node3', 'node5'])
  const twenty = Array.from({length: 20}, (_, i) => `n${String(i + 1).padStart(2, '0')}`)
  assert.deepEqual(hashTableOrder(twenty).join(' '), 'n10 n20 n03 n13 n16 n06 n09 n19 n01 n11 n04 n14 n07 n17 n02 n12 n15 n05 n08 n18')
  // insertion order only matters for colliding keys
  assert.deepEqual(hashTableOrder(['node5', 'node4', 'node3', 'node2', 'node1']), ['node2', 'node4', 'node1', 'node3', 'node5'])
})

test('equal free capacity: the first node in table order is the most capable (pcmk__ban_insufficient_capacity)', () => {
  const xml = cibXml({
    options: {'placement-strategy': 'utilization'},
    nodeXml: {node1: util('node1', 3), node2: util('node2', 3)},
    resources: dummy('rsc1', util('rsc1', 2)) + `<group id="g1">${dummy('rsc2', util('rsc2', 2))}${dummy('rsc3', util('rsc3', 2))}</group>`,
    constraints: '<rsc_colocation id="g1-with-rsc1" rsc="g1" with-rsc="rsc1" score="INFINITY"/>',
  })
  assert.deepEqual(words(summary(xml)), ['Start rsc1 node2'])
})

test('colocation set with ordering="listed": each member is colocated with the next one', () => {
  const set = (ordering: string) => cibXml({
    resources: dummy('a') + dummy('b', meta('b', {'target-role': 'Stopped'})) + dummy('c'),
    constraints: `<rsc_colocation id="col" score="INFINITY"><resource_set id="s"${ordering}><resource_ref id="a"/><resource_ref id="b"/><resource_ref id="c"/></resource_set></rsc_colocation>`,
  })
  // group ordering (default): b with a, c with b — c cannot run without b
  assert.deepEqual(words(summary(set(''))), ['Start a node1'])
  // listed: a with b, b with c — a cannot run without b
  assert.deepEqual(words(summary(set(' ordering="listed"'))), ['Start c node1'])
})

test('a group with ordered=false and collocated=false: members start independently of each other', () => {
  const xml = (extra: Record<string, string>) => cibXml({
    resources: `<group id="g">${meta('g', extra)}${dummy('m1')}${dummy('m2', meta('m2', {'target-role': 'Stopped'}))}${dummy('m3')}</group>`,
  })
  assert.deepEqual(words(summary(xml({}))), ['Start m1 node1'])
  const loose = words(summary(xml({ordered: 'false', collocated: 'false'})))
  assert.deepEqual(loose.map((l) => l.split(' ').slice(0, 2).join(' ')), ['Start m1', 'Start m3'])
})

function historyOp(rsc: string, task: string, interval: number, rc: number, callId: number, extra = ''): string {
  const id = interval ? `${rsc}_${task}_${interval}` : rc === 0 || (task === 'monitor' && rc === 7) ? `${rsc}_last_0` : `${rsc}_last_failure_0`
  return `<lrm_rsc_op id="${id}" operation_key="${rsc}_${task}_${interval}" operation="${task}" crm_feature_set="3.16.2" transition-key="1:1:0:x" transition-magic="0:${rc};1:1:0:x" call-id="${callId}" rc-code="${rc}" op-status="0" interval="${interval}" last-rc-change="1700000000" exec-time="1" queue-time="0" op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"${extra}/>`
}

function runningOn(node: string, rsc: string, attrs: Record<string, string>, others: string[]): string {
  const nvs = Object.entries(attrs).map(([k, v]) => `<nvpair id="${node}-${k}" name="${k}" value="${v}"/>`).join('')
  return `<node_state id="${node}" uname="${node}" in_ccm="true" crmd="online" join="member" expected="member">
<transient_attributes id="${node}"><instance_attributes id="${node}-ta">${nvs}</instance_attributes></transient_attributes>
<lrm id="${node}"><lrm_resources><lrm_resource id="${rsc}" class="ocf" provider="pacemaker" type="Dummy">${historyOp(rsc, 'start', 0, 0, 2)}</lrm_resource></lrm_resources></lrm></node_state>` +
    others.map((n) => `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"/>`).join('')
}

test('fail counts are named per the CIB feature set: per operation since 3.0.13, per resource before', () => {
  const xml = (featureSet: string, name: string) => cibXml({
    featureSet,
    resources: dummy('rsc1', meta('rsc1', {'migration-threshold': '1'})),
    status: runningOn('node1', 'rsc1', {[name]: '1'}, ['node2']),
  })
  // a count the feature set's naming does not know is not counted: the resource stays
  assert.deepEqual(words(summary(xml('3.16.2', 'fail-count-rsc1#monitor_10000'))), ['Move rsc1 node1 -> node2'])
  assert.deepEqual(words(summary(xml('3.16.2', 'fail-count-rsc1'))), [])
  assert.deepEqual(words(summary(xml('3.0.5', 'fail-count-rsc1'))), ['Move rsc1 node1 -> node2'])
  assert.deepEqual(words(summary(xml('3.0.5', 'fail-count-rsc1#monitor_10000'))), [])
})

test('an expired failure has its fail count cleared (clear_failcount in the graph)', () => {
  const xml = cibXml({
    resources: dummy('rsc1', meta('rsc1', {'failure-timeout': '60s'})),
    status: runningOn('node1', 'rsc1', {'fail-count-rsc1#monitor_10000': '1', 'last-failure-rsc1#monitor_10000': '1700000000'}, ['node2']),
  })
  const t = schedule(parseCibXml(xml, 'test.xml'))
  assert.deepEqual(t.actions.filter((a) => a.task === 'clear_failcount').map((a) => `${a.resource}@${a.node}`), ['rsc1@node1'])
  // not expired yet: nothing to clear
  const fresh = schedule(parseCibXml(xml.replace(/1700000000/g, String(Math.floor(Date.now() / 1000))), 'test.xml'))
  assert.deepEqual(fresh.actions.filter((a) => a.task === 'clear_failcount'), [])
})

test("a location on an anonymous clone instance's history name applies to the clone (the promotion moves)", () => {
  const file = join(fixturesDir, 'crm', 'scheduler-gap-promotable-location.xml')
  const lines = words(summary(readFileSync(file, 'utf8')))
  assert.ok(lines.includes('Promote state:2 Unpromoted -> Promoted n3'), lines.join('\n'))
  assert.ok(lines.includes('Demote state:0 Promoted -> Unpromoted n1'), lines.join('\n'))
})

test('revised status: an unclean node no device can fence stays UNCLEAN, a fenced one goes OFFLINE', () => {
  const xml = (device: boolean) => cibXml({
    nodes: ['node1', 'node2', 'node3'],
    options: {'stonith-enabled': 'true'},
    resources: device ? '<primitive id="fence" class="stonith" type="fence_xvm"/>' : '',
    status: '<node_state id="node1" uname="node1" in_ccm="false" crmd="offline" join="down" expected="member"/>' +
      ['node2', 'node3'].map((n) => `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"/>`).join(''),
  })
  // (the full suite compares this section with crm_simulate: quorum-4, rec-node-5 … keep an unclean node)
  const revised = (x: string) => clusterStatus(schedule(parseCibXml(x, 'test.xml')).workingSet, true).join('\n')
  assert.match(revised(xml(false)), /Node node1: UNCLEAN \(offline\)/)
  assert.match(revised(xml(true)), /OFFLINE: \[ node1 \]/)
})

test("a remote connection's fail count is cleared before the connection starts again (pcmk__order_remote_connection_actions)", (t) => {
  const file = join(sharedDir, 'corpus', 'scheduler-full', 'remote-fence-unclean.xml')
  if (!existsSync(file)) return t.skip(`${file} not present`)
  // a changed parameter of the failed connection clears its fail count and restarts it
  const xml = readFileSync(file, 'utf8').replace('<primitive class="ocf" id="remote1" provider="pacemaker" type="remote">',
    '<primitive class="ocf" id="remote1" provider="pacemaker" type="remote"><instance_attributes id="remote1-p"><nvpair id="remote1-p-x" name="changed" value="1"/></instance_attributes>')
  const graph = schedule(parseCibXml(xml, file)).actions
  const clear = graph.find((a) => a.key === 'remote1_clear_failcount_0')
  const start = graph.find((a) => a.key === 'remote1_start_0')
  assert.ok(clear && start, 'both the clearing and the start are in the graph')
  assert.ok(start.after.includes(clear.id), 'the start waits for the clearing')
})

/** A suite case with one piece of its text replaced (undefined without the corpus); the piece must be there. */
function editedSuiteCase(name: string, from: string, to: string): {file: string; xml: string} | undefined {
  const file = join(sharedDir, 'corpus', 'scheduler-full', `${name}.xml`)
  if (!existsSync(file)) return undefined
  const original = readFileSync(file, 'utf8')
  const xml = original.replace(from, to)
  assert.notEqual(xml, original, `${name}: no ${from}`)
  return {file, xml}
}

test('an action on a guest node that is offline but needs no reset stays runnable (update_resource_action_runnable): maintenance mode cancels its monitors', (t) => {
  // on_fail_demote4 in maintenance mode: the guest node lxc2 is offline (its container stopped,
  // unmanaged), its recurring monitors are cancelled before assignment brings its connection up
  const options = '<cluster_property_set id="cib-bootstrap-options">'
  const edited = editedSuiteCase('on_fail_demote4', options, `${options}<nvpair id="hakit-test-maintenance-mode" name="maintenance-mode" value="true"/>`)
  if (!edited) return t.skip('scheduler-full corpus not present')
  const {file, xml} = edited
  const transition = schedule(parseCibXml(xml, file))
  const cancels = transition.actions.filter((a) => a.task === 'cancel' && a.node === 'lxc2').map((a) => a.key).sort()
  assert.deepEqual(cancels, ['rsc1:5_monitor_11000', 'rsc2:5_monitor_11000'])
  if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
  assertSameGraphAsCrmSimulate(xml, transition)
})

test('the configuration check walks a history as rsc_history_as_list orders it: of two entries of one call, the first in the XML is the last', (t) => {
  // node3 holds dummy_last_0 (with a restart digest) then dummy_last_failure_0 (without), both
  // call 20: the check reads dummy_last_0, so a changed parameter means a reload, which a blocked
  // resource skips; reading the failure instead forced a restart (a required group start)
  const edited = editedSuiteCase('multiple-active-block-group', '<primitive id="dummy" class="ocf" provider="heartbeat" type="DummyTimeout">',
    '<primitive id="dummy" class="ocf" provider="heartbeat" type="DummyTimeout"><instance_attributes id="dummy-p"><nvpair id="dummy-p-x" name="changed" value="1"/></instance_attributes>')
  if (!edited) return t.skip('scheduler-full corpus not present')
  const {file, xml} = edited
  const transition = schedule(parseCibXml(xml, file))
  assert.deepEqual(transition.actions.filter((a) => a.task === 'start').map((a) => a.key), [])
  if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
  assertSameGraphAsCrmSimulate(xml, transition)
})

/** hakit's action graph for the CIB text equals crm_simulate -G's (actions, edges, priorities). */
function assertSameGraphAsCrmSimulate(xml: string, transition: ReturnType<typeof schedule>): void {
  const dir = mkdtempSync(join(tmpdir(), `hakit-sched-details-${process.pid}-`))
  try {
    writeFileSync(join(dir, 'cib.xml'), xml)
    const d = diffGraphs(oracleNamedGraph(oracleGraph(join(dir, 'cib.xml'))), hakitNamedGraph(transition))
    assert.ok(sameGraph(d), describeDiff(d))
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

test('a failure of an agent not installed keeps its fail count when parameters change (check_operation_expiry is skipped)', (t) => {
  // rsc2's last failure on sles11-1 is a monitor whose agent was not installed (op-status 7)
  const edited = editedSuiteCase('not-installed-agent', '<primitive class="ocf" id="rsc2" provider="pacemaker" type="Dummy">',
    '<primitive class="ocf" id="rsc2" provider="pacemaker" type="Dummy"><instance_attributes id="rsc2-p"><nvpair id="rsc2-p-x" name="changed" value="1"/></instance_attributes>')
  if (!edited) return t.skip('scheduler-full corpus not present')
  const {file, xml} = edited
  const transition = schedule(parseCibXml(xml, file))
  assert.deepEqual(transition.actions.filter((a) => a.task === 'clear_failcount').map((a) => a.key), [])
  if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
  assertSameGraphAsCrmSimulate(xml, transition)
})

test('unpacking walks a history as unpack_lrm_resource orders it: of two pending entries, the first in the XML is the last', (t) => {
  const pending = (id: string, task: string, interval: number, action: number) =>
    `<lrm_rsc_op id="${id}" operation_key="rsc1_${task}_${interval}" operation="${task}" crm_feature_set="3.16.1" transition-key="${action}:1:0:${'a'.repeat(8)}" transition-magic="-1:193;${action}:1:0:${'a'.repeat(8)}" call-id="-1" rc-code="193" op-status="-1" interval="${interval}" last-rc-change="1700000000" exec-time="0" queue-time="0" op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"/>`
  const start = pending('rsc1_last_0', 'start', 0, 2)
  const monitor = pending('rsc1_monitor_10000', 'monitor', 10000, 3)
  const xml = (entries: string) => cibXml({
    featureSet: '3.16.1',
    resources: dummy('rsc1', '<operations><op id="rsc1-mon" name="monitor" interval="10s"/></operations>'),
    status: `<node_state id="node1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="node1"><lrm_resources><lrm_resource id="rsc1" class="ocf" provider="pacemaker" type="Dummy">${entries}</lrm_resource></lrm_resources></lrm></node_state>`
      + '<node_state id="node2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member"/>',
  })
  const line = (cib: string) => clusterStatus(schedule(parseCibXml(cib, 'test.xml')).workingSet, false).find((l) => l.includes('rsc1'))?.trim()
  // (pe__is_newer_op ranks two pending entries equal: the list's own order decides which is the pending operation)
  const cases: Array<[string, string]> = [[start + monitor, '* rsc1\t(ocf:pacemaker:Dummy):\t Started node1 (Monitoring)'], [monitor + start, '* rsc1\t(ocf:pacemaker:Dummy):\t Starting node1']]
  for (const [entries, expected] of cases) assert.equal(line(xml(entries)), expected)
  if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
  const dir = mkdtempSync(join(tmpdir(), `hakit-sched-details-${process.pid}-`))
  try {
    for (const [entries, expected] of cases) {
      writeFileSync(join(dir, 'cib.xml'), xml(entries))
      const real = spawnSync('crm_simulate', ['-x', join(dir, 'cib.xml')], {encoding: 'utf8'})
      assert.ok(real.stdout.split('\n').map((l) => l.trim()).includes(expected), real.stdout)
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test("a bundle connection's probe is not ordered after its container's start when the container is stopping (pe_order_probe dropped)", (t) => {
  // redis stopped: storage-clone loses its promoted dependency, so the running galera containers stop, and their start cannot run
  const ordered = '<nvpair id="redis-meta_attributes-ordered" name="ordered" value="true"/>'
  const edited = editedSuiteCase('bundle-order-stop-clone', ordered, `${ordered}<nvpair id="redis-stopped" name="target-role" value="Stopped"/>`)
  if (!edited) return t.skip('scheduler-full corpus not present')
  const {file, xml} = edited
  const transition = schedule(parseCibXml(xml, file))
  const byId = new Map(transition.workingSet.actions.map((a) => [a.id, a]))
  const probes = transition.actions.filter((a) => a.key === 'galera-bundle-1_monitor_0')
  assert.equal(probes.length, 2, 'the connection is probed on the two other nodes')
  const containerStartToProbe = probes.flatMap((probe) => probe.after.map((id) => byId.get(id)!.uuid)).filter((key) => key === 'galera-bundle-docker-1_start_0')
  assert.deepEqual(containerStartToProbe, [])
  if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
  assertSameGraphAsCrmSimulate(xml, transition)
})

test("a remote node's new maintenance mode goes to the controller in the graph (maintenance_nodes, add_maintenance_update)", (t) => {
  const file = join(sharedDir, 'corpus', 'scheduler-full', 'remote-start-fail.xml')
  if (!existsSync(file)) return t.skip(`${file} not present`)
  const original = readFileSync(file, 'utf8')
  const connection = '<primitive class="ocf" id="rhel7-auto4" provider="pacemaker" type="remote">'
  const state = '<node_state id="rhel7-auto4" remote_node="true"'
  const cases = [
    // the connection in maintenance: its node enters maintenance mode
    {xml: original.replace(connection, `${connection}<meta_attributes id="c-m"><nvpair id="c-m-x" name="maintenance" value="true"/></meta_attributes>`), mode: '1'},
    // the controller last told the node it was in maintenance: it leaves it
    {xml: original.replace(state, `${state} node_in_maintenance="1"`), mode: '0'},
    {xml: original, mode: undefined},
  ]
  const maintenanceBlock = (graphXml: string) => /<maintenance>[\s\S]*?<\/maintenance>/.exec(graphXml)?.[0].replace(/\s+/g, ' ')
  for (const {xml, mode} of cases) {
    assert.ok(mode === undefined || xml !== original)
    const transition = schedule(parseCibXml(xml, file))
    const update = transition.actions.filter((a) => a.key === 'maintenance_nodes')
    assert.equal(update.length, mode === undefined ? 0 : 1)
    const written = printTransitionGraphXml(transition.workingSet, transition.actions)
    assert.equal(maintenanceBlock(written), mode && `<maintenance> <node id="rhel7-auto4" node_in_maintenance="${mode}"/> </maintenance>`)
    if (!haveCommand('crm_simulate')) continue
    assertSameGraphAsCrmSimulate(xml, transition)
    const dir = mkdtempSync(join(tmpdir(), `hakit-sched-details-${process.pid}-`))
    try {
      writeFileSync(join(dir, 'cib.xml'), xml)
      assert.equal(maintenanceBlock(written), maintenanceBlock(oracleGraph(join(dir, 'cib.xml'))))
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  }
})

test('balanced placement: equal nodes sorted as g_list_sort sorts the allowed-node table (the capacity comparison is not transitive)', (t) => {
  // xfc0 with 12 CPUs: for xu-test11 xfc3 beats xfc1 on capacity, xfc0 ties xfc3 and wins on resource count,
  // and xfc1 ties xfc0 and wins on resource count: a cycle, so the first node depends on which pairs the
  // merge sort compares, from the table's order
  const edited = editedSuiteCase('load-stopped-loop-2', '<nvpair name="cpu" value="4" id="xfc0-utilization-cpu"/>', '<nvpair name="cpu" value="12" id="xfc0-utilization-cpu"/>')
  if (!edited) return t.skip('scheduler-full corpus not present')
  const {file, xml} = edited
  const transition = schedule(parseCibXml(xml, file))
  assert.equal(transition.placement.find((p) => p.resource === 'xu-test11')?.next, 'xfc0')
  if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
  assertSameGraphAsCrmSimulate(xml, transition)
})

test('an expired last failure is not checked for changed parameters, even a probe kept as not expired (check_operation_expiry)', (t) => {
  // vip-165's last failure on sd01-1 is a probe that found it running, long past its failure-timeout
  const params = '<instance_attributes id="vip-165-instance_attributes">'
  const edited = editedSuiteCase('promoted-partially-demoted-group', params, `${params}<nvpair id="vip-165-changed" name="changed" value="1"/>`)
  if (!edited) return t.skip('scheduler-full corpus not present')
  const {file, xml} = edited
  const transition = schedule(parseCibXml(xml, file))
  assert.deepEqual(transition.actions.filter((a) => a.key === 'vip-165_clear_failcount_0').map((a) => a.node), [])
  if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
  assertSameGraphAsCrmSimulate(xml, transition)
})

test('an unmanaged failed remote connection (is-managed=false or maintenance-mode) keeps its node OFFLINE (maintenance); fencing its host wipes its history (determine_remote_online_status); the Executing list in synapse order', (t) => {
  // remote1's connection runs on node1, unmanaged, and its recurring monitor failed there: the
  // remote node is offline (failed connection) and in maintenance (unmanaged connection)
  // (feature set 3.16.1, the installed Pacemaker's: crm_simulate -S refuses to record results in a newer CIB)
  const op = (id: string, key: string, task: string, interval: number, rc: number, callId: number) =>
    `<lrm_rsc_op id="${id}" operation_key="${key}" operation="${task}" crm_feature_set="3.16.1" transition-key="1:1:0:x" transition-magic="0:${rc};1:1:0:x" call-id="${callId}" rc-code="${rc}" op-status="0" interval="${interval}" last-rc-change="1700000000" exec-time="1" queue-time="0" op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"/>`
  const connection = '<lrm_resource id="remote1" class="ocf" provider="pacemaker" type="remote">'
    + op('remote1_last_0', 'remote1_start_0', 'start', 0, 0, 2) + op('remote1_monitor_60000', 'remote1_monitor_60000', 'monitor', 60000, 1, 3)
    + op('remote1_last_failure_0', 'remote1_monitor_60000', 'monitor', 60000, 1, 3) + '</lrm_resource>'
  // unmanaged by its own is-managed=false, or by the cluster's maintenance-mode (whose failed
  // connection still asks for a start that the graph leaves out)
  const xml = (hostLost: boolean, maintenanceMode: boolean) => cibXml({
    featureSet: '3.16.1',
    options: {'stonith-enabled': String(hostLost), ...(maintenanceMode ? {'maintenance-mode': 'true'} : {})},
    resources: '<primitive id="fence" class="stonith" type="fence_xvm"/>'
      + `<primitive id="remote1" class="ocf" provider="pacemaker" type="remote">${maintenanceMode ? '' : meta('remote1', {'is-managed': 'false'})}<operations><op id="remote1-mon" name="monitor" interval="60s"/></operations></primitive>`
      + dummy('rsc1'),
    status: (hostLost ? '<node_state id="node1" uname="node1" in_ccm="false" crmd="offline" join="down" expected="member">' : '<node_state id="node1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member">')
      + `<lrm id="node1"><lrm_resources>${connection}</lrm_resources></lrm></node_state>`
      + '<node_state id="node2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member"/>'
      + `<node_state id="remote1" uname="remote1" remote_node="true"><lrm id="remote1"><lrm_resources><lrm_resource id="rsc1" class="ocf" provider="pacemaker" type="Dummy">${op('rsc1_last_0', 'rsc1_start_0', 'start', 0, 0, 2)}</lrm_resource></lrm_resources></lrm></node_state>`,
  })
  const revisedOf = (text: string) => sectionLines(text, 'Revised Cluster Status:') ?? []
  const executingOf = (text: string) => sectionLines(text, 'Executing Cluster Transition:') ?? []
  const hakit = (cib: string) => renderSimulation(simulate(parseCibXml(cib, 'test.xml'), {execute: true}))
  // (with the cluster in maintenance nothing is fenced: the host stays unclean, the connection on it)
  const variants = [[false, false, 'FAILED node1 (unmanaged)'], [true, false, 'Stopped (unmanaged)'], [false, true, 'FAILED node1 (unmanaged)']] as const
  for (const [hostLost, maintenanceMode, connectionLine] of variants) {
    const revised = revisedOf(hakit(xml(hostLost, maintenanceMode)))
    assert.ok(revised.includes('    * RemoteNode remote1: OFFLINE (maintenance)'), revised.join('\n'))
    assert.ok(revised.includes(`    * remote1\t(ocf:pacemaker:remote):\t ${connectionLine}`), revised.join('\n'))
  }
  // the graph's synapses: each resource's actions newest first, then maintenance_nodes, then the
  // fencing (pcmk__create_graph), which crm_simulate walks in that order pass by pass
  const executing = executingOf(hakit(xml(true, false)))
  assert.deepEqual(executing.map((l) => l.trim().replace(/ +/g, ' ')), [
    '* Resource action: fence monitor on node2', '* Resource action: remote1 monitor on node2', '* Resource action: rsc1 monitor on node2',
    '* Pseudo action: maintenance_nodes', '* Fencing node1 (reboot)', '* Resource action: fence start on node2',
  ])
  if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
  const dir = mkdtempSync(join(tmpdir(), `hakit-sched-details-${process.pid}-`))
  try {
    for (const [hostLost, maintenanceMode] of [[false, false], [true, false], [false, true], [true, true]]) {
      writeFileSync(join(dir, 'cib.xml'), xml(hostLost, maintenanceMode))
      const real = spawnSync('crm_simulate', ['-x', join(dir, 'cib.xml'), '-S'], {encoding: 'utf8'})
      const ours = hakit(xml(hostLost, maintenanceMode))
      assert.deepEqual(sectionLines(ours, 'Current cluster status:'), sectionLines(real.stdout, 'Current cluster status:'))
      assert.deepEqual(executingOf(ours), executingOf(real.stdout), real.stdout)
      assert.deepEqual(revisedOf(ours), revisedOf(real.stdout), real.stdout)
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

/** hakit's "Executing Cluster Transition" lines (sorted) and -G actions for a suite case, and crm_simulate's when installed. */
function executedAndGraph(name: string, nodeFail: string[], dir: string) {
  const file = join(sharedDir, 'corpus', 'scheduler-full', `${name}.xml`)
  const sim = simulate(parseCibXml(readFileSync(file, 'utf8'), file), {injections: {nodeFail}, execute: true})
  // every action of a graph: element, operation key, the instance's own key (when another), the node named
  const graphActions = (graphXml: string) => [...graphXml.matchAll(/<action_set>\s*<(\w+) ([^>]*?)\/?>/g)].map(([, element, attrs]) => {
    const attr = (a: string) => new RegExp(` ${a}="([^"]*)"`).exec(attrs)?.[1] ?? ''
    return `${element} ${attr('operation_key')} ${attr('internal_operation_key')}@${attr('on_node')}`
  }).sort()
  // the resources the graph's operations name (their id, long-id, agent)
  const resources = (graphXml: string) => [...new Set(graphXml.match(/<primitive [^>]*?(?=\/?>)/g))].sort()
  const written = printTransitionGraphXml(sim.transition.workingSet, sim.transition.actions)
  const hakit = {executing: [...sim.executing!].sort(), graph: graphActions(written), resources: resources(written)}
  if (!haveCommand('crm_simulate')) return {hakit}
  const graphFile = join(dir, 'graph.xml')
  const real = spawnSync('crm_simulate', ['-x', file, '-S', ...nodeFail.flatMap((n) => ['--node-fail', n]), '-G', graphFile], {encoding: 'utf8'})
  assert.equal(real.status, 0, real.stderr)
  const realGraph = readFileSync(graphFile, 'utf8')
  return {hakit, real: {executing: [...sectionLines(real.stdout, 'Executing Cluster Transition:') ?? []].sort(), graph: graphActions(realGraph), resources: resources(realGraph)}}
}

test('a pseudo action names no node in the graph nor in "Executing": a stop implied by fencing, an injected node failure too (create_graph_action)', (t) => {
  // c7auto4's connection fails on c7auto1 and the remote node is fenced: fake2's stop there is implied; with
  // --node-fail c7auto1, c7auto1 is fenced too, implying the connection's and fake3's stops. Only a fencing
  // names its target: a guest node's is a pseudo event too (guest-node-host-dies)
  const cases = [
    {name: 'remote-fence-before-reconnect', nodeFail: [] as string[], implied: ['fake2_stop_0']},
    {name: 'remote-fence-before-reconnect', nodeFail: ['c7auto1'], implied: ['c7auto4_stop_0', 'fake2_stop_0', 'fake3_stop_0']},
    {name: 'guest-node-host-dies', nodeFail: [], implied: ['rsc_rhel7-1_stop_0', 'container1_stop_0', 'lxc1_stop_0']},
  ]
  if (!existsSync(join(sharedDir, 'corpus', 'scheduler-full'))) return t.skip('scheduler-full corpus not present')
  const dir = mkdtempSync(join(tmpdir(), `hakit-sched-details-${process.pid}-`))
  try {
    for (const {name, nodeFail, implied} of cases) {
      const {hakit, real} = executedAndGraph(name, nodeFail, dir)
      const pseudo = hakit.executing.filter((l) => l.includes('Pseudo action:'))
      for (const key of implied) assert.ok(pseudo.includes(`  * Pseudo action:   ${key}`), `${name} ${nodeFail}: ${pseudo.join('\n')}`)
      assert.deepEqual(pseudo.filter((l) => / on /.test(l) && !l.includes('stonith-')), [], `${name} ${nodeFail}`)
      assert.ok(pseudo.includes('  * Pseudo action:   stonith-lxc1-reboot on lxc1') === (name === 'guest-node-host-dies'))
      assert.deepEqual(hakit.graph.filter((a) => a.startsWith('pseudo_event ') && !a.endsWith('@') && !a.includes(' stonith-')), [], `${name} ${nodeFail}`)
      if (real) assert.deepEqual(hakit, real, `${name} ${nodeFail}`)
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('an instance recorded under another name is named by it in the graph and in "Executing" (clone_op_key, add_resource_details, simulate_resource_action)', (t) => {
  // bug-cl-5247: pgsql's instances run as "pgsql" in the history (anonymous, no instance number): the graph names
  // their actions pgsql_..., the instance key kept as internal_operation_key, a notification after fencing by
  // the operation notified about (pgsql_post_notify_stop_0, not the key's "stonith"), and crm_simulate shows
  // "pgsql". clone-no-shuffle: drbd1's history names instances (drbd1:1), no resource is called "drbd1", so
  // the instance id is shown. reprobe-target_rc: a re-probe request is an executor operation (rsc_op)
  if (!existsSync(join(sharedDir, 'corpus', 'scheduler-full'))) return t.skip('scheduler-full corpus not present')
  const dir = mkdtempSync(join(tmpdir(), `hakit-sched-details-${process.pid}-`))
  try {
    const cases = [
      {name: 'bug-cl-5247', executing: ['  * Pseudo action:   pgsql_post_notify_stop_0', '  * Resource action: pgsql           notify on pgsr01'],
        graph: ['pseudo_event pgsql_notified_0 pgsql:0_confirmed-post_notify_stonith_0@', 'pseudo_event pgsql_stop_0 pgsql:0_stop_0@']},
      {name: 'clone-no-shuffle', executing: ['  * Resource action: drbd1:1         monitor on dktest1sles10'], graph: []},
      {name: 'reprobe-target_rc', executing: [], graph: ['rsc_op probe_again-node-0 @node-0']},
    ]
    for (const {name, executing, graph} of cases) {
      const {hakit, real} = executedAndGraph(name, [], dir)
      for (const line of executing) assert.ok(hakit.executing.includes(line), `${name}: ${line}\n${hakit.executing.join('\n')}`)
      for (const action of graph) assert.ok(hakit.graph.includes(action), `${name}: ${action}\n${hakit.graph.join('\n')}`)
      if (name === 'bug-cl-5247') assert.ok(hakit.resources.includes('<primitive id="pgsql" long-id="pgsql:1" class="ocf" provider="heartbeat" type="Stateful"'), hakit.resources.join('\n'))
      if (real) assert.deepEqual(hakit, real, name)
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test("an action on an offline guest node is runnable until an ordering says otherwise: a start blocked by its node's connection says so (update_resource_action_runnable)", (t) => {
  // --node-fail of the only cluster node (whitebox-fail3) or of the bundles' host (bundle-order-stop): the guest
  // node's connection cannot start, so neither can what is placed there, "due to unrunnable <connection> start"
  const cases = [
    {name: 'whitebox-fail3', nodeFail: ['dvossel-laptop2'], line: '  * Start      FAKE    ( 18builder )  due to unrunnable 18builder start (blocked)'},
    {name: 'bundle-order-stop', nodeFail: ['undercloud'], line: '  * Start      galera:0       (   galera-bundle-0 )  due to unrunnable galera-bundle-0 start (blocked)'},
  ]
  if (!existsSync(join(sharedDir, 'corpus', 'scheduler-full'))) return t.skip('scheduler-full corpus not present')
  for (const {name, nodeFail, line} of cases) {
    const file = join(sharedDir, 'corpus', 'scheduler-full', `${name}.xml`)
    const sim = simulate(parseCibXml(readFileSync(file, 'utf8'), file), {injections: {nodeFail}})
    assert.ok(sim.transition.summaryLines.includes(line), `${name}:\n${sim.transition.summaryLines.join('\n')}`)
    if (!haveCommand('crm_simulate')) continue
    const real = spawnSync('crm_simulate', ['-x', file, '-S', ...nodeFail.flatMap((n) => ['--node-fail', n])], {encoding: 'utf8'})
    assert.deepEqual(sim.transition.summaryLines, transitionSummaryLines(real.stdout), name)
  }
})

test("an orphaned remote connection needs only quorum: its stop implied by its host's fencing is not ordered after the fencing (unpack_requires)", (t) => {
  // remote1 (remote-orphaned) and lxc1 (whitebox-orphan-ms) are connections no longer configured, running on
  // 18node1; --node-fail 18node1 fences it, which implies their stops
  if (!existsSync(join(sharedDir, 'corpus', 'scheduler-full'))) return t.skip('scheduler-full corpus not present')
  const dir = mkdtempSync(join(tmpdir(), `hakit-sched-details-${process.pid}-`))
  try {
    for (const [name, connection] of [['remote-orphaned', 'remote1'], ['whitebox-orphan-ms', 'lxc1']]) {
      const file = join(sharedDir, 'corpus', 'scheduler-full', `${name}.xml`)
      const {transition} = simulate(parseCibXml(readFileSync(file, 'utf8'), file), {injections: {nodeFail: ['18node1']}})
      const graph = hakitNamedGraph(transition)
      assert.ok(graph.actions.has(`stop:${connection}_stop_0@`), `${name}: the connection's stop is implied`)
      assert.ok(!graph.edges.has(`stonith:stonith-18node1-reboot@18node1 -> stop:${connection}_stop_0@`), name)
      if (!haveCommand('crm_simulate')) continue
      const graphFile = join(dir, 'graph.xml')
      const real = spawnSync('crm_simulate', ['-x', file, '-S', '--node-fail', '18node1', '-G', graphFile], {encoding: 'utf8'})
      assert.equal(real.status, 0, real.stderr)
      const d = diffGraphs(oracleNamedGraph(readFileSync(graphFile, 'utf8')), graph)
      assert.ok(sameGraph(d), `${name}: ${describeDiff(d)}`)
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('a fencing device follows an explicit requires=fencing (from rsc_defaults here): its start waits for the fencing (unpack_requires)', (t) => {
  // order-expired-failure sets requires=fencing in rsc_defaults; its devices (one provides unfencing) need
  // fencing, not the devices' default quorum: with --node-fail controller-0, their starts follow its fencing
  if (!existsSync(join(sharedDir, 'corpus', 'scheduler-full'))) return t.skip('scheduler-full corpus not present')
  const file = join(sharedDir, 'corpus', 'scheduler-full', 'order-expired-failure.xml')
  const {transition} = simulate(parseCibXml(readFileSync(file, 'utf8'), file), {injections: {nodeFail: ['controller-0']}})
  const graph = hakitNamedGraph(transition)
  assert.ok(graph.edges.has('stonith:stonith-controller-0-reboot@controller-0 -> start:stonith-fence_compute-fence-nova_start_0@controller-2'))
  if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
  const dir = mkdtempSync(join(tmpdir(), `hakit-sched-details-${process.pid}-`))
  try {
    const graphFile = join(dir, 'graph.xml')
    const real = spawnSync('crm_simulate', ['-x', file, '-S', '--node-fail', 'controller-0', '-G', graphFile], {encoding: 'utf8'})
    assert.equal(real.status, 0, real.stderr)
    const d = diffGraphs(oracleNamedGraph(readFileSync(graphFile, 'utf8')), graph)
    assert.ok(sameGraph(d), describeDiff(d))
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
