/**
 * attrd as a pure machine: immediate and dampened writes by the writer,
 * replication between nodes, peer loss, private attributes, and a property
 * test that random updates on three nodes converge and the CIB written by
 * the writer equals the replicated table.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {emptyCib} from '../../../src/formats/cib/model.js'
import {Attrd, type AttrdAction, type AttrdMessage} from '../../../src/runtime/crm/attrd.js'
import {AttrdAttributeStore} from '../../../src/runtime/crm/attrd-store.js'
import {applyStatusChanges, transientAttrs} from '../../../src/runtime/crm/history.js'
import type {StatusChange} from '../../../src/runtime/crm/controller-types.js'

function changesOf(actions: AttrdAction[]): StatusChange[] {
  return actions.flatMap((a) => (a.type === 'cib-update' ? a.changes : []))
}

function timerOf(actions: AttrdAction[]): {timer: string; at: number} | undefined {
  const t = actions.find((a) => a.type === 'set-timer')
  return t?.type === 'set-timer' ? {timer: t.timer, at: t.at} : undefined
}

test('writer: an update without dampening is written at once, with attrd\'s log line', () => {
  const a = new Attrd({localNode: 'n1'})
  a.handle({type: 'writer', now: 0, isWriter: true})
  const out = a.handle({type: 'update', now: 1000, node: 'n1', name: 'fail-count-d1#monitor_10000', value: '1'})
  assert.deepEqual(changesOf(out), [{kind: 'transient-attr', node: 'n1', name: 'fail-count-d1#monitor_10000', value: '1'}])
  assert.ok(out.some((x) => x.type === 'log' && x.message === 'Setting fail-count-d1#monitor_10000[n1]: (unset) -> 1 | from n1 with no write delay'))
  assert.ok(out.some((x) => x.type === 'broadcast'))
  const del = a.handle({type: 'update', now: 2000, node: 'n1', name: 'fail-count-d1#monitor_10000', value: null})
  assert.deepEqual(changesOf(del), [{kind: 'transient-attr', node: 'n1', name: 'fail-count-d1#monitor_10000', value: null}])
  assert.equal(a.get('n1', 'fail-count-d1#monitor_10000'), undefined)
})

test('dampening: readers see the value at once, the CIB after the delay; each change restarts it', () => {
  const a = new Attrd({localNode: 'n1'})
  a.handle({type: 'writer', now: 0, isWriter: true})
  const first = a.handle({type: 'update', now: 1000, node: 'n2', name: 'pingd', value: '1000', dampenMs: 5000})
  assert.deepEqual(changesOf(first), [], 'not written yet')
  assert.equal(a.get('n2', 'pingd'), '1000', 'attrd_updater -Q sees it at once')
  assert.deepEqual(timerOf(first), {timer: 'attrd-dampen:pingd', at: 6000})
  const second = a.handle({type: 'update', now: 4000, node: 'n2', name: 'pingd', value: '2000'})
  assert.deepEqual(timerOf(second), {timer: 'attrd-dampen:pingd', at: 9000}, 'restarted with the same dampening')
  // the driver replaced the timer: it fires once, at 9000, and the value that held is written
  assert.deepEqual(changesOf(a.handle({type: 'timer-fired', now: 9000, timer: 'attrd-dampen:pingd'})), [{kind: 'transient-attr', node: 'n2', name: 'pingd', value: '2000'}])
  assert.deepEqual(changesOf(a.handle({type: 'timer-fired', now: 9001, timer: 'attrd-dampen:pingd'})), [], 'nothing new to write')
})

test('non-writer: replicates but never writes; the writer writes what peers send', () => {
  const n1 = new Attrd({localNode: 'n1'})
  const n2 = new Attrd({localNode: 'n2'})
  n1.handle({type: 'writer', now: 0, isWriter: true})
  const out = n2.handle({type: 'update', now: 10, node: 'n2', name: 'master-state', value: '5'})
  assert.deepEqual(changesOf(out), [])
  const msg = out.find((x) => x.type === 'broadcast')
  assert.ok(msg?.type === 'broadcast')
  const written = n1.handle({type: 'peer-message', now: 11, from: 'n2', message: msg.message})
  assert.deepEqual(changesOf(written), [{kind: 'transient-attr', node: 'n2', name: 'master-state', value: '5'}])
  assert.equal(n1.get('n2', 'master-state'), '5')
})

test('peer loss drops the node\'s attributes; private attributes are never written', () => {
  const a = new Attrd({localNode: 'n1'})
  a.handle({type: 'writer', now: 0, isWriter: true})
  a.handle({type: 'update', now: 1, node: 'n2', name: 'pingd', value: '100'})
  const priv = a.handle({type: 'update', now: 2, node: 'n1', name: 'secret', value: 'x', private: true})
  assert.deepEqual(changesOf(priv), [])
  assert.equal(a.get('n1', 'secret'), 'x')
  const lost = a.handle({type: 'peer-lost', now: 3, node: 'n2'})
  assert.equal(a.get('n2', 'pingd'), undefined)
  assert.ok(lost.some((x) => x.type === 'log' && x.message === 'Removing all n2 attributes for peer loss'))
})

test('a new writer writes the table it holds; a joining peer gets the writer\'s table', () => {
  const n1 = new Attrd({localNode: 'n1'})
  n1.handle({type: 'update', now: 1, node: 'n1', name: 'a', value: '1'})
  const became = n1.handle({type: 'writer', now: 2, isWriter: true})
  assert.deepEqual(changesOf(became), [{kind: 'transient-attr', node: 'n1', name: 'a', value: '1'}])
  const join = n1.handle({type: 'peer-joined', now: 3, node: 'n3'})
  const sync = join.find((x) => x.type === 'send')
  assert.ok(sync?.type === 'send' && sync.to === 'n3')
  const n3 = new Attrd({localNode: 'n3'})
  n3.handle({type: 'peer-message', now: 4, from: 'n1', message: sync.message})
  assert.equal(n3.get('n1', 'a'), '1')
})

test('property: random updates on three nodes converge, and the writer\'s CIB equals the table', () => {
  // Each attribute value has one source, as in a cluster: a node sets its own attributes (agents,
  // attrd_updater there), the DC (n1) sets fail counts. Messages are FIFO per sender.
  for (let seed = 1; seed <= 50; seed++) {
    let s = seed
    const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
    const names = ['n1', 'n2', 'n3']
    const nodes = new Map(names.map((n) => [n, new Attrd({localNode: n})]))
    const cib = emptyCib()
    const timers = new Map<string, number>()
    // per-sender FIFO channels, as the messaging layer delivers them
    const inbox: Array<{from: string; to: string; message: AttrdMessage}> = []
    let now = 0
    const run = (from: string, actions: AttrdAction[]): void => {
      for (const a of actions) {
        if (a.type === 'broadcast') for (const to of names) if (to !== from) inbox.push({from, to, message: a.message})
        if (a.type === 'cib-update') { assert.equal(from, 'n1', 'only the writer writes'); applyStatusChanges(cib, a.changes) }
        if (a.type === 'set-timer' && from === 'n1') timers.set(a.timer, a.at)
      }
    }
    run('n1', nodes.get('n1')!.handle({type: 'writer', now, isWriter: true}))
    for (let i = 0; i < 60; i++) {
      now += Math.floor(r() * 500)
      if (r() < 0.5 || inbox.length === 0) {
        const target = names[Math.floor(r() * 3)]
        const name = ['pingd', 'master-x', 'fail-count-d#start_0'][Math.floor(r() * 3)]
        const at = name.startsWith('fail-count') ? 'n1' : target
        const value = r() < 0.2 ? null : String(Math.floor(r() * 5))
        const dampenMs = name === 'pingd' ? 2000 : 0
        run(at, nodes.get(at)!.handle({type: 'update', now, node: target, name, value, dampenMs}))
      } else {
        // deliver the oldest message of a random sender (FIFO per sender)
        const sender = inbox[Math.floor(r() * inbox.length)].from
        const i2 = inbox.findIndex((m) => m.from === sender)
        const [m] = inbox.splice(i2, 1)
        run(m.to, nodes.get(m.to)!.handle({type: 'peer-message', now, from: m.from, message: m.message}))
      }
      for (const [t, at] of [...timers]) if (at <= now) { timers.delete(t); run('n1', nodes.get('n1')!.handle({type: 'timer-fired', now, timer: t})) }
    }
    while (inbox.length > 0) { const m = inbox.shift()!; run(m.to, nodes.get(m.to)!.handle({type: 'peer-message', now, from: m.from, message: m.message})) }
    now += 10_000
    for (const [t] of [...timers]) { timers.delete(t); run('n1', nodes.get('n1')!.handle({type: 'timer-fired', now, timer: t})) }
    const tables = names.map((n) => JSON.stringify(nodes.get(n)!.query()))
    assert.equal(new Set(tables).size, 1, `seed ${seed}: every node holds the same table`)
    const reference = nodes.get('n1')!.query()
    const inCib = names.flatMap((n) => [...transientAttrs(cib, n)].map(([name, value]) => ({node: n, name, value})))
    assert.deepEqual(inCib.sort((x, y) => x.name.localeCompare(y.name) || x.node.localeCompare(y.node)), reference.map(({node, name, value}) => ({node, name, value})), `seed ${seed}: the CIB holds the writer's table`)
  }
})

test('AttrdAttributeStore: the agent tools\' store on attrd — transient through attrd (dampened), permanent to the configuration', async () => {
  const attrd = new Attrd({localNode: 'n1'})
  attrd.handle({type: 'writer', now: 0, isWriter: true})
  const performed: AttrdAction[] = []
  const permanent = new Map<string, string>()
  let now = 1000
  const store = new AttrdAttributeStore(attrd, {
    perform: (actions) => performed.push(...actions),
    now: () => now,
    getPermanent: (node, name) => permanent.get(`${node}/${name}`),
    setPermanent: async (node, name, value) => { if (value === null) permanent.delete(`${node}/${name}`); else permanent.set(`${node}/${name}`, value) },
    listPermanent: () => [...permanent].map(([k, value]) => ({node: k.split('/')[0], name: k.split('/')[1], value, lifetime: 'forever' as const})),
  })
  await store.set('n1', 'pingd', '1000', 'reboot', 5000)
  assert.equal(await store.get('n1', 'pingd', 'reboot'), '1000', 'readers see it at once')
  assert.ok(performed.some((a) => a.type === 'broadcast'), 'replicated')
  assert.deepEqual(changesOf(performed), [], 'not written before the dampening delay')
  assert.deepEqual(timerOf(performed), {timer: 'attrd-dampen:pingd', at: 6000})
  now = 6000
  assert.deepEqual(changesOf(attrd.handle({type: 'timer-fired', now, timer: 'attrd-dampen:pingd'})), [{kind: 'transient-attr', node: 'n1', name: 'pingd', value: '1000'}])
  await store.set('n2', 'site', 'east', 'forever')
  assert.equal(await store.get('n2', 'site', 'forever'), 'east')
  assert.deepEqual((await store.list()).map((e) => `${e.node} ${e.name}=${e.value} ${e.lifetime}`), ['n1 pingd=1000 reboot', 'n2 site=east forever'])
  await store.delete('n1', 'pingd', 'reboot')
  assert.equal(await store.get('n1', 'pingd', 'reboot'), undefined)
})
