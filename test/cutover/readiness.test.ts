/**
 * `hakit cutover --check/--finish` decide with the scheduler whether
 * maintenance-mode may be switched off: every ha.cf node a CRM member that
 * has joined, every resource probed on every node, and nothing started,
 * stopped or moved once the cluster manages the resources. These CIBs carry
 * the probe results as the CRM daemon records them.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {parseCibXml} from '../../src/formats/cib/xml.js'
import {cutoverReadiness} from '../../src/runtime/cutover/to-crm.js'
import {cibXml, dummy} from '../runtime/crm/cibs.js'

/** A probe's record: rc 0 found running, 7 not running. */
function probe(rsc: string, node: string, rc: number, call: number): string {
  return `<lrm_resource id="${rsc}" class="ocf" provider="pacemaker" type="Dummy"><lrm_rsc_op id="${rsc}_last_0" operation_key="${rsc}_monitor_0" operation="monitor" crm-debug-origin="do_update_resource" crm_feature_set="3.16.1" transition-key="${call}:0:7:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" transition-magic="0:${rc};${call}:0:7:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" exit-reason="" on_node="${node}" call-id="${call}" rc-code="${rc}" op-status="0" interval="0" last-rc-change="1" exec-time="1" queue-time="0" op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"/></lrm_resource>`
}

/** Two nodes, `g` (d1, d2) preferring n1 and `d3` preferring n2, probed with `found[rsc] = nodes it runs on`. */
function site(found: Record<string, string[]>, options: {maintenance?: string; joined?: string[]} = {}): string {
  const joined = options.joined ?? ['n1', 'n2']
  const xml = cibXml({
    options: {'maintenance-mode': options.maintenance ?? 'true', 'have-quorum': 'true'},
    resources: `<group id="g">${dummy('d1')}${dummy('d2')}</group>${dummy('d3')}`,
    constraints: '<rsc_location id="g-n1" rsc="g" node="n1" score="100"/><rsc_location id="d3-n2" rsc="d3" node="n2" score="100"/>',
    rscDefaults: {'resource-stickiness': '1000'},
  })
  let call = 1
  const states = joined.map((node, i) => {
    const lrm = ['d1', 'd2', 'd3'].map((r) => probe(r, node, found[r]?.includes(node) ? 0 : 7, call++)).join('')
    return `<node_state id="${i + 1}" uname="${node}" in_ccm="true" crmd="online" join="member" expected="member" crm-debug-origin="do_state_transition"><lrm id="${i + 1}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`
  })
  return xml.replace('<cib ', '<cib have-quorum="1" dc-uuid="1" ').replace('<status/>', `<status>${states.join('')}</status>`)
}

const NODES = ['n1', 'n2']
const AT_HOME = {d1: ['n1'], d2: ['n1'], d3: ['n2']}

test('ready: every resource found where it will stay; maintenance off plans nothing', () => {
  const r = cutoverReadiness(parseCibXml(site(AT_HOME), 'cib'), NODES, NODES)
  assert.deepEqual(r.problems, [])
  assert.equal(r.ready, true)
  assert.deepEqual(r.placement, [{resource: 'd1', node: 'n1'}, {resource: 'd2', node: 'n1'}, {resource: 'd3', node: 'n2'}])
})

test('ready with a group away from its preferred node: stickiness keeps it where v1 ran it', () => {
  const r = cutoverReadiness(parseCibXml(site({d1: ['n2'], d2: ['n2'], d3: ['n2']}), 'cib'), NODES, NODES)
  assert.deepEqual(r.problems, [])
})

test('not ready: a node still runs the legacy daemon (not a CRM member), and it has not been probed', () => {
  const r = cutoverReadiness(parseCibXml(site(AT_HOME, {joined: ['n1']}), 'cib'), NODES, ['n1'])
  assert.equal(r.ready, false)
  assert.match(r.problems.join('\n'), /n2 is not a member of the CRM cluster yet/)
})

test('not ready: a member whose join is not complete, or whose probes are missing', () => {
  const r = cutoverReadiness(parseCibXml(site(AT_HOME, {joined: ['n1']}), 'cib'), NODES, NODES)
  assert.equal(r.ready, false)
  assert.equal(r.problems[0], 'n2 has not completed its join yet')
})

test('not ready: a resource the probes found nowhere would be started', () => {
  const r = cutoverReadiness(parseCibXml(site({d1: ['n1'], d2: [], d3: ['n2']}), 'cib'), NODES, NODES)
  assert.equal(r.ready, false)
  assert.ok(r.problems.some((p) => /^maintenance off would start d2 on n1/.test(p)), r.problems.join('\n'))
})

test('not ready: a resource found on both nodes would be stopped on one', () => {
  const r = cutoverReadiness(parseCibXml(site({d1: ['n1'], d2: ['n1'], d3: ['n1', 'n2']}), 'cib'), NODES, NODES)
  assert.equal(r.ready, false)
  assert.ok(r.problems.some((p) => /maintenance off would .*d3/.test(p)), r.problems.join('\n'))
})

test('not ready: maintenance-mode already off (finished, or not started by hakit cutover)', () => {
  const r = cutoverReadiness(parseCibXml(site(AT_HOME, {maintenance: 'false'}), 'cib'), NODES, NODES)
  assert.deepEqual(r.problems, ['maintenance-mode is not true: the cut-over was finished already, or not started by hakit cutover'])
})
