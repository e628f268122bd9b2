/**
 * A transition made of pseudo-actions only (a group's stop and start, with every real action
 * blocked) changes nothing. Pacemaker's controller runs it and goes idle; hakit's controller also
 * checks once more after a completed transition — that check must count such a graph as settled,
 * or it re-plans the same pseudo-actions until its loop guard gives up with an error. Found by the
 * fault campaign with fencing (seed 401): two of three nodes lost one after the other, the second
 * before it could be fenced, so the survivor had no quorum and could neither fence nor recover.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {cibXml, dummy, fenceDevice} from './cibs.js'
import {crmSimulate, SimCluster} from './sim.js'

test('lost quorum with a lost node unfenced: the blocked group leaves only pseudo-actions, and the DC goes idle', () => {
  const xml = cibXml({
    nodes: ['n1', 'n2', 'n3'], stonith: true, options: {'no-quorum-policy': 'stop'},
    resources: fenceDevice('fencing', ['n1', 'n2', 'n3']) + dummy('d1') + `<group id="g">${dummy('d5')}${dummy('d6')}</group>`,
    constraints: '<rsc_location id="g-on-n2" rsc="g" node="n2" score="100"/><rsc_location id="d1-on-n1" rsc="d1" node="n1" score="100"/>',
  })
  const sim = new SimCluster({cib: xml, dc: 'n1'})
  sim.start()
  sim.run()
  assert.deepEqual([sim.activeOn('d5'), sim.activeOn('d6')], [['n2'], ['n2']])
  sim.crash('n3')
  sim.run()
  assert.ok(sim.fenced.includes('n3'))
  // as the campaign saw it: the quorum loss reaches the DC first, it stops n2's resources there,
  // then n2's loss (the stops in flight fail with it)
  sim.deliver({type: 'quorum', now: sim.now, quorate: false})
  sim.crash('n2')
  sim.run()
  assert.deepEqual(sim.logs.filter((l) => /in a row|Too many transitions/.test(l)), [], 'no endless re-planning')
  assert.deepEqual(sim.activeOn('d1'), [], 'no quorum: d1 stopped')
  assert.equal(sim.controller.snapshot().state, 'S_IDLE')
  const real = crmSimulate(sim.recordedCib())
  if (real) {
    assert.deepEqual(real.summary.filter((l) => !l.endsWith('(blocked)')), [], real.output)
    assert.ok(real.executing.every((l) => /Pseudo action/.test(l)), `crm_simulate too has nothing but pseudo-actions to run:\n${real.output}`)
  }
})
