/**
 * Fencing decisions: which devices (fencing-topology levels, host lists and
 * maps), the agent's parameters, who runs them, the retry back-off, and
 * stepping through levels.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {FenceRun, fenceExecutor, fencePlan, fencePort, fenceRetryDelay, fencingTopology} from '../../../src/runtime/crm/fencer.js'
import {cibXml} from './cibs.js'

const device = (id: string, attrs: Record<string, string>, type = 'fence_dummy') =>
  `<primitive id="${id}" class="stonith" type="${type}"><instance_attributes id="${id}-ia">${Object.entries(attrs).map(([k, v]) => `<nvpair id="${id}-ia-${k}" name="${k}" value="${v}"/>`).join('')}</instance_attributes></primitive>`

test('without a topology every capable device is a level of its own; host lists and maps decide who can fence whom', () => {
  const cib = parseCibXml(cibXml({
    nodes: ['n1', 'n2', 'n3'], stonith: true,
    resources: device('st_n1', {pcmk_host_list: 'n1'}) + device('st_map', {pcmk_host_map: 'n2:plug2;n3:plug3', ipaddr: '10.0.0.9'}) + device('st_any', {}),
  }), 'x')
  const plan = fencePlan(cib, 'n2', 'reboot', 60_000)
  assert.deepEqual(plan.map((l) => l.devices.map((d) => d.device)), [['st_map'], ['st_any']])
  const req = plan[0].devices[0].request
  assert.equal(req.agent.class, 'stonith')
  assert.equal(req.agent.type, 'fence_dummy')
  assert.equal(req.action, 'reboot')
  assert.equal(req.fenceTarget, 'n2')
  assert.deepEqual(req.params, {pcmk_host_map: 'n2:plug2;n3:plug3', ipaddr: '10.0.0.9', nodeid: '2'}, 'the device as configured: the executor maps the target')
  assert.equal(fencePort(req), 'plug2', 'through pcmk_host_map')
  assert.deepEqual(fencePlan(cib, 'n1', 'off', 60_000).map((l) => l.devices[0].device), ['st_n1', 'st_any'])
})

test('pcmk_host_argument is the executor\'s; per-action renames and timeouts are applied here', () => {
  const cib = parseCibXml(cibXml({stonith: true, resources: device('ipmi', {pcmk_host_list: 'n1 n2', pcmk_host_argument: 'plug', pcmk_reboot_action: 'off', pcmk_reboot_timeout: '90s'}, 'fence_ipmilan')}), 'x')
  const req = fencePlan(cib, 'n1', 'reboot', 60_000)[0].devices[0].request
  assert.equal(req.params.pcmk_host_argument, 'plug', 'left to the executor, which puts the target under it')
  assert.equal(req.fenceTarget, 'n1')
  assert.equal(req.action, 'off')
  assert.equal(req.timeoutMs, 90_000)
})

test('fencing-topology: levels by index for the target, several devices in one level', () => {
  const topology = `<fencing-topology>
    <fencing-level id="l2" target="n1" index="2" devices="pdu1,pdu2"/>
    <fencing-level id="l1" target="n1" index="1" devices="ipmi1"/>
    <fencing-level id="l3" target-pattern="n[23]" index="1" devices="ipmi_other"/>
  </fencing-topology>`
  const cib = parseCibXml(cibXml({
    nodes: ['n1', 'n2', 'n3'], stonith: true, fencingTopology: topology,
    resources: device('ipmi1', {}) + device('pdu1', {}) + device('pdu2', {}) + device('ipmi_other', {}),
  }), 'x')
  assert.equal(fencingTopology(cib).length, 3)
  assert.deepEqual(fencePlan(cib, 'n1', 'reboot', 60_000).map((l) => [l.index, l.devices.map((d) => d.device)]), [[1, ['ipmi1']], [2, ['pdu1', 'pdu2']]])
  assert.deepEqual(fencePlan(cib, 'n3', 'reboot', 60_000).map((l) => l.devices.map((d) => d.device)), [['ipmi_other']])
})

test('FenceRun: a level succeeds when all its devices do; a failing device moves to the next level', () => {
  const cib = parseCibXml(cibXml({
    stonith: true, fencingTopology: `<fencing-topology><fencing-level id="a" target="n2" index="1" devices="ipmi"/><fencing-level id="b" target="n2" index="2" devices="pdu1,pdu2"/></fencing-topology>`,
    resources: device('ipmi', {}) + device('pdu1', {}) + device('pdu2', {}),
  }), 'x')
  const run = new FenceRun(fencePlan(cib, 'n2', 'reboot', 60_000))
  const steps: string[] = []
  const outcome = (results: Record<string, boolean>): boolean => {
    for (;;) {
      const n = run.next()
      if ('done' in n) return n.ok
      steps.push(n.device)
      run.result(results[n.device])
    }
  }
  assert.equal(outcome({ipmi: false, pdu1: true, pdu2: true}), true)
  assert.deepEqual(steps, ['ipmi', 'pdu1', 'pdu2'])
  const failing = new FenceRun(fencePlan(cib, 'n2', 'reboot', 60_000))
  const seen: string[] = []
  for (;;) {
    const n = failing.next()
    if ('done' in n) { assert.equal(n.ok, false); break }
    seen.push(n.device)
    failing.result(n.device === 'pdu1')
  }
  assert.deepEqual(seen, ['ipmi', 'pdu1', 'pdu2'], 'every level tried; pdu2 failing fails level 2')
})

test('no device: an empty plan, which never succeeds', () => {
  const cib = parseCibXml(cibXml({stonith: true, resources: ''}), 'x')
  assert.deepEqual(fencePlan(cib, 'n2', 'reboot', 60_000), [])
  const n = new FenceRun([]).next()
  assert.ok('done' in n && !n.ok)
})

test('who fences: the DC unless it is the target; back-off doubles up to a cap', () => {
  assert.equal(fenceExecutor(['n1', 'n2', 'n3'], 'n1', 'n2'), 'n1')
  assert.equal(fenceExecutor(['n1', 'n2', 'n3'], 'n1', 'n1'), 'n2')
  assert.equal(fenceExecutor(['n1'], 'n1', 'n1'), undefined)
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((f) => fenceRetryDelay(f, 1000, 30_000)), [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000])
})
