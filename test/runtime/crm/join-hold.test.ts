/**
 * A node joining the DC's partition is integrated before anything is planned
 * (found by the fault campaign, seed 2: after a partition healed, the isolated
 * DC gained quorum from the returning nodes and started its resources before
 * it had read their executor histories — every resource active twice).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {Controller} from '../../../src/runtime/crm/controller.js'
import type {ControllerAction, ControllerEvent} from '../../../src/runtime/crm/controller-types.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {applyInjections} from '../../../src/runtime/scheduler/inject.js'
import {cibXml, dummy} from './cibs.js'
import {CrmSim} from './cluster-sim.js'

const starts = (actions: ControllerAction[]) => actions.filter((a) => a.type === 'execute' && a.request.action === 'start')

test('controller: quorum gained during a join plans nothing until the join completes', () => {
  const controller = new Controller({localNode: 'n1', controllerUuid: 'join-hold'})
  const cib = parseCibXml(cibXml({nodes: ['n1', 'n2', 'n3'], resources: dummy('d1')}), 'join-hold.xml')
  // d1 already probed on n1 (not running), so nothing is in flight when the partition heals
  const alone = applyInjections(cib, {nodeUp: ['n1'], opFail: ['d1_monitor_0@n1=7']})
  const healed = applyInjections(alone, {nodeUp: ['n2']})
  let now = 1_000
  const feed = (e: ControllerEvent extends infer E ? (E extends unknown ? Omit<E, 'now'> : never) : never) => controller.handle({...e, now: (now += 10)} as ControllerEvent)
  // the DC alone in its partition, without quorum: nothing may start
  assert.deepEqual(starts(feed({type: 'became-dc', cib: alone, members: ['n1'], quorate: false})), [])
  // the partition heals: the returning nodes bring quorum, but their histories are not in yet
  assert.deepEqual(starts(feed({type: 'join', open: true})), [])
  assert.deepEqual(starts(feed({type: 'quorum', quorate: true})), [], 'nothing started on a quorum whose members are not integrated')
  assert.deepEqual(starts(feed({type: 'cib-changed', cib: healed})), [], 'nor on the returning node\'s node_state')
  assert.deepEqual(starts(feed({type: 'node-joined', node: 'n2', history: []})), [], 'nothing started before the whole round confirmed')
  const planned = feed({type: 'join', open: false}).filter((a) => a.type === 'execute')
  assert.ok(planned.length > 0, 'the join completed: the DC plans again')
})

test('node machine: a DC announces the join round before the quorum the joining node brings', () => {
  for (let seed = 1; seed <= 10; seed++) {
    const sim = new CrmSim(['n1', 'n2', 'n3'], {seed})
    sim.start('n1')
    sim.run()
    const dc = sim.node('n1').machine!
    assert.equal(dc.state, 'dc', `seed ${seed}: the lone node elected itself`)
    sim.start('n2')
    const seen: string[] = []
    const original = dc.feed.bind(dc)
    dc.feed = (event) => {
      const out = original(event)
      for (const a of out) if (a.type === 'join-started' || a.type === 'quorum') seen.push(a.type)
      return out
    }
    sim.run()
    const quorum = seen.indexOf('quorum')
    assert.ok(quorum > 0 && seen.slice(0, quorum).includes('join-started'), `seed ${seed}: join-started before quorum (${seen.join(' ')})`)
  }
})
