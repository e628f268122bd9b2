/**
 * The cut-over to the CRM runtime with fencing configured: while some nodes
 * still run the (detached) legacy daemon, the CRM nodes have never seen them.
 * Pacemaker's startup-fencing would fence such nodes, and a fenced node takes
 * its services down with it. In maintenance mode neither Pacemaker (checked
 * with crm_simulate on the same CIB in docs/cutover.md) nor hakit's controller
 * fences them; the control run without maintenance mode does.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {cibXml, dummy, fenceDevice} from '../runtime/crm/cibs.js'
import {SimCluster} from '../runtime/crm/sim.js'

function halfSwitched(maintenance: boolean): SimCluster {
  const sim = new SimCluster({
    cib: cibXml({nodes: ['n1', 'n2', 'n3'], stonith: true, options: {'maintenance-mode': String(maintenance)}, resources: fenceDevice('st', ['n1', 'n2', 'n3']) + dummy('d1')}),
    up: ['n1', 'n2'],
  })
  sim.start()
  sim.run()
  return sim
}

test('cut-over with fencing: CRM nodes in maintenance mode do not fence a node that still runs the legacy daemon', () => {
  const sim = halfSwitched(true)
  assert.deepEqual(sim.fenced, [])
  assert.ok(!sim.executed.some((e) => /^fence /.test(e)), sim.executed.join('\n'))
  assert.ok(!sim.executed.some((e) => / start /.test(e)), 'nothing started in maintenance mode')
})

test('control: without maintenance mode the never-seen node is fenced (startup-fencing)', () => {
  const sim = halfSwitched(false)
  assert.ok(sim.executed.includes('fence n3'), sim.executed.join('\n'))
})
