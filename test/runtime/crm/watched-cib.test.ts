/**
 * The live view's streamed CIB (the watch request with "cib": true): what every node's machine
 * does to its replica, told to a watcher as eventForCibWatcher tells it and applied by
 * WatchedCib, gives the node's replica — through joins, changes from every node, a partition
 * and its heal, and a restart — mostly by applying operations, not by reading whole CIBs.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import type {Cib} from '../../../src/formats/cib/model.js'
import {parseCibXml, printCibXml} from '../../../src/formats/cib/xml.js'
import {cibVersion, formatVersion, type CibOp} from '../../../src/runtime/crm/cib-ops.js'
import {eventForCibWatcher, WatchedCib} from '../../../src/runtime/crm/watched-cib.js'
import type {CrmWatchEvent} from '../../../src/runtime/crm/socket.js'
import {CrmSim} from './cluster-sim.js'
import {cibXml, dummy} from './cibs.js'

interface Watcher {
  sent?: string
  view: WatchedCib
  /** What the view held whenever it was asked, against the node's replica at that moment. */
  mismatches: string[]
}

function lrmOp(node: string, id: string, rc: number, call: number): CibOp {
  const nodeId = String(['n1', 'n2', 'n3'].indexOf(node) + 1)
  return {
    op: 'lrm-op', id: nodeId, uname: node, resource: {id, class: 'ocf', provider: 'pacemaker', type: 'Dummy'},
    record: {id: `${id}_last_0`, operation: 'start', attributes: {id: `${id}_last_0`, operation_key: `${id}_start_0`, operation: 'start', 'call-id': String(call), 'rc-code': String(rc), 'op-status': '0', interval: '0', on_node: node}},
  }
}

test('a watcher that applies the streamed changes holds what the node holds, through joins, partitions, heals and restarts', () => {
  const names = ['n1', 'n2', 'n3']
  for (const seed of [1, 2, 3]) {
    const watchers = new Map<string, Watcher>()
    const replicas = new Map<string, Cib>()
    const check = (node: string, w: Watcher) => {
      const held = w.view.current()
      const replica = replicas.get(node)
      if (held && replica && printCibXml(held) !== printCibXml(replica)) w.mismatches.push(`${node} at ${formatVersion(cibVersion(replica))}`)
    }
    const sim = new CrmSim(names, {
      seed,
      initialCib: () => parseCibXml(cibXml({nodes: names, resources: ['d1', 'd2', 'd3'].map((d) => dummy(d)).join('')}), 'cib.xml'),
      observe: (node, action, cib) => {
        replicas.set(node, cib)
        const w = watchers.get(node)
        if (!w || action.type !== 'cib-changed') return
        const event: CrmWatchEvent = {version: formatVersion(cibVersion(cib))}
        w.view.accept(eventForCibWatcher(w, event, {change: action.change && {...action.change, to: action.version}}, () => printCibXml(cib)))
      },
    })
    for (const n of names) sim.start(n)
    sim.run(2000)
    // the live views subscribe once the nodes run: the whole CIB first
    for (const n of names) {
      const w: Watcher = {view: new WatchedCib(), mismatches: []}
      const cib = sim.node(n).machine!.cib
      w.view.accept(eventForCibWatcher(w, {version: formatVersion(cibVersion(cib))}, {}, () => printCibXml(cib)))
      watchers.set(n, w)
    }
    const steps: Array<() => void> = [
      () => sim.run(),
      () => sim.submit('n2', {op: 'set-cluster-options', options: {'stream-test': `seed-${seed}`}}),
      () => sim.submit('n1', lrmOp('n1', 'd1', 0, 10)),
      () => sim.submit('n3', lrmOp('n3', 'd2', 1, 11)),
      () => sim.submit('n2', {op: 'transient-attributes', id: '2', uname: 'n2', attributes: {'fail-count-d2#start_0': 'INFINITY'}}),
      () => sim.submit('n1', {op: 'node-attributes', uname: 'n3', attributes: {standby: 'on'}}),
      () => sim.submit('n3', {op: 'lrm-delete', id: '3', resource: 'd2'}),
      () => sim.submit('n1', {op: 'replace-configuration', xml: printCibXml({...parseCibXml(cibXml({nodes: names, resources: ['d1', 'd4'].map((d) => dummy(d)).join('')}), 'x'), status: []})}),
      () => sim.partition([['n1', 'n2'], ['n3']]),
      () => sim.submit('n3', {op: 'set-cluster-options', options: {'lone-side': 'yes'}}),
      () => sim.submit('n1', lrmOp('n2', 'd4', 0, 20)),
      () => sim.heal(),
      () => sim.kill('n2'),
      () => sim.start('n2'),
    ]
    for (const step of steps) {
      step()
      sim.run(3000)
      for (const [n, w] of watchers) if (sim.node(n).up) check(n, w)
    }
    sim.run()
    for (const [n, w] of watchers) {
      if (!sim.node(n).up || n === 'n2') continue // n2 restarted: its old watcher's daemon is gone
      const held = w.view.current()
      assert.ok(held, `seed ${seed}: ${n}'s watcher holds a CIB`)
      assert.equal(printCibXml(held), printCibXml(sim.node(n).machine!.cib), `seed ${seed}: ${n}'s watcher holds the node's CIB`)
      assert.deepEqual(w.mismatches, [], `seed ${seed}: ${n}'s watcher never held another CIB than the node`)
      assert.ok(w.view.counts.applied >= 8, `seed ${seed}: ${n}: changes applied ${w.view.counts.applied}, whole CIBs ${w.view.counts.whole}`)
      assert.ok(w.view.counts.applied > w.view.counts.whole, `seed ${seed}: ${n}: mostly changes (${w.view.counts.applied} applied, ${w.view.counts.whole} whole)`)
    }
  }
})

test('a change that does not follow the CIB held asks for a whole read; one already in a whole read is skipped', () => {
  const cib = () => parseCibXml(cibXml({resources: dummy('d1')}), 'cib.xml')
  const view = new WatchedCib()
  assert.equal(view.current(), undefined, 'nothing streamed yet')
  assert.equal(view.streaming, false)
  view.accept({version: '0.1.0', cib: printCibXml(cib())})
  assert.equal(view.streaming, true)
  const meta = {origin: 'n1', client: 'test', time: 'Sun Dec  6 06:00:00 2026'}
  const option = (value: string): CibOp => ({op: 'set-cluster-options', options: {x: value}})
  view.accept({version: '0.2.0', change: {from: '0.1.0', to: '0.2.0', op: option('a'), meta}})
  assert.equal(view.current()!.attributes.epoch, '2')
  // 0.2.0 → 0.3.0 was lost: the next one does not follow
  view.accept({version: '0.4.0', change: {from: '0.3.0', to: '0.4.0', op: option('c'), meta}})
  assert.equal(view.current(), undefined)
  // the caller reads the CIB whole (at 0.4.0), then a late 0.4.0 change is already in it
  const whole = cib()
  whole.attributes.epoch = '4'
  view.reset(whole)
  view.accept({version: '0.4.0', change: {from: '0.3.0', to: '0.4.0', op: option('c'), meta}})
  view.accept({version: '0.5.0', change: {from: '0.4.0', to: '0.5.0', op: option('d'), meta}})
  const now = view.current()!
  assert.equal(now.attributes.epoch, '5')
  assert.equal(now.crmConfig[0]!.pairs.find((p) => p.name === 'x')?.value, 'd')
})
