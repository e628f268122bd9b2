import {test} from 'node:test'
import assert from 'node:assert/strict'
import {FailoverMachine} from '../../../src/runtime/legacy/failover.js'
import {FailoverSim as Sim} from '../../../src/runtime/legacy/failover-sim.js'

const TWO = [{key: 'g1', ownerNode: 'n1'}, {key: 'g2', ownerNode: 'n2'}]

function coldStart(sim: Sim, ...names: string[]): void {
  for (const name of names) {
    sim.start(name)
    sim.run()
  }
}

function logged(sim: Sim, node: string, pattern: RegExp): boolean {
  return sim.node(node).logs.some((line) => pattern.test(line))
}

function totalStarts(sim: Sim, node: string, key: string): number {
  return sim.node(node).starts.get(key) ?? 0
}

test('cold start, both hakit: each takes its own group at once (no 10 s wait)', () => {
  const sim = new Sim(['n1', 'n2'], TWO)
  sim.start('n1')
  sim.start('n2')
  sim.run()
  assert.equal(sim.now, 0, 'no clock time passed')
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
  assert.deepEqual(sim.dualHolds, [])
  assert.deepEqual(sim.doubleAcquires, [])
  assert.equal(sim.node('n1').machine.snapshot().rscstatus, 'local')
  assert.ok(logged(sim, 'n1', /Initial resource acquisition complete/))
})

test('cold start with a Heartbeat-protocol peer: also no wait once it has answered', () => {
  const sim = new Sim(['n1', 'n2'], TWO, {perNode: {n2: {impl: 'heartbeat'}}})
  sim.start('n1')
  sim.start('n2')
  sim.run()
  assert.equal(sim.now, 0)
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
  // the Heartbeat-compatible side sends no hakit fields
  assert.ok(sim.node('n2').sent.every((m) => m.hakit_held === undefined))
  assert.ok(sim.node('n1').sent.some((m) => m.t === 'resource' && m.hakit_held === 'g1'))
})

test('a live peer that never reports: Heartbeat fallback after RQSTDELAY', () => {
  const machine = new FailoverMachine({localNode: 'n1', nodes: ['n1', 'n2'], groups: TWO, autoFailback: 'on', stonith: false})
  machine.handle({type: 'node-status', node: 'n2', status: 'active'}, 0)
  const first = machine.handle({type: 'comms-up'}, 0)
  assert.deepEqual(first.filter((a) => a.type === 'send').map((a) => a.type === 'send' && a.msg.t), ['starting'])
  assert.ok(!first.some((a) => a.type === 'acquire'))
  assert.equal(machine.nextDeadline(), 10_000)
  assert.ok(!machine.handle({type: 'tick'}, 5_000).some((a) => a.type === 'acquire'))
  const later = machine.handle({type: 'tick'}, 10_000)
  assert.deepEqual(later.filter((a) => a.type === 'acquire'), [{type: 'acquire', key: 'g1'}])
})

test('cold start alone: takes everything (peer dead, no STONITH: warned)', () => {
  const sim = new Sim(['n1', 'n2'], TWO)
  coldStart(sim, 'n1')
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n1']})
  assert.ok(logged(sim, 'n1', /WARN|warn: No STONITH device configured/))
  assert.ok(logged(sim, 'n1', /Resources being acquired from n2/))
})

for (const mode of ['on', 'off'] as const) {
  test(`peer joins later, auto_failback ${mode}`, () => {
    const sim = new Sim(['n1', 'n2'], TWO, {autoFailback: mode})
    coldStart(sim, 'n1')
    sim.start('n2')
    sim.run()
    assert.deepEqual(sim.placement(), mode === 'on' ? {g1: ['n1'], g2: ['n2']} : {g1: ['n1'], g2: ['n1']})
    assert.deepEqual(sim.dualHolds, [])
    assert.equal(totalStarts(sim, 'n1', 'g1'), 1, 'g1 never restarted on n1')
  })

  test(`kill the primary, then it comes back (auto_failback ${mode})`, () => {
    const sim = new Sim(['n1', 'n2'], TWO, {autoFailback: mode})
    coldStart(sim, 'n1', 'n2')
    sim.kill('n1')
    sim.run()
    assert.deepEqual(sim.placement(), {g1: ['n2'], g2: ['n2']})
    assert.ok(logged(sim, 'n2', /Taking over resource group g1/))
    sim.reboot('n1')
    sim.run()
    assert.deepEqual(sim.placement(), mode === 'on' ? {g1: ['n1'], g2: ['n2']} : {g1: ['n2'], g2: ['n2']})
    assert.deepEqual(sim.dualHolds, [])
    assert.deepEqual(sim.doubleAcquires, [])
  })

  test(`failback with a Heartbeat-protocol survivor uses the standby handshake (auto_failback ${mode})`, () => {
    const sim = new Sim(['n1', 'n2'], TWO, {autoFailback: mode, perNode: {n2: {impl: 'heartbeat'}}})
    coldStart(sim, 'n1', 'n2')
    sim.kill('n1')
    sim.run()
    sim.reboot('n1')
    sim.run()
    assert.deepEqual(sim.placement(), mode === 'on' ? {g1: ['n1'], g2: ['n2']} : {g1: ['n2'], g2: ['n2']})
    if (mode === 'on') {
      assert.ok(logged(sim, 'n2', /n2 wants to go standby \[foreign\]/))
      assert.ok(logged(sim, 'n1', /standby: acquire \[foreign\] resources from n2/))
    }
    assert.deepEqual(sim.dualHolds, [])
  })
}

test('auto_failback legacy: a returning node asks for its groups with ip-request', () => {
  const sim = new Sim(['n1', 'n2'], TWO, {autoFailback: 'legacy', perNode: {n1: {impl: 'heartbeat'}, n2: {impl: 'heartbeat'}}})
  coldStart(sim, 'n2')
  assert.deepEqual(sim.placement(), {g1: ['n2'], g2: ['n2']})
  sim.start('n1')
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
  assert.ok(sim.node('n1').sent.some((m) => m.t === 'ip-request' && m.ipaddr === 'g1'))
  assert.ok(sim.node('n2').sent.some((m) => m.t === 'ip-request-resp' && m.dest === 'n1' && m.weown === 'yes'))
  assert.ok(sim.node('n1').sent.every((m) => m.t !== 'resource'), 'no resource messages to Heartbeat in legacy mode')
  assert.deepEqual(sim.dualHolds, [])
})

test('legacy mode with hakit peers: cold start together and takeover', () => {
  const sim = new Sim(['n1', 'n2'], TWO, {autoFailback: 'legacy'})
  coldStart(sim, 'n1', 'n2')
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
  sim.kill('n2')
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n1']})
  sim.reboot('n2')
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
  assert.deepEqual(sim.dualHolds, [])
})

for (const impl of ['hakit', 'heartbeat'] as const) {
  test(`graceful stop: the peer takes over on the shutdown notice (${impl} survivor)`, () => {
    const sim = new Sim(['n1', 'n2'], TWO, {perNode: {n2: {impl}}})
    coldStart(sim, 'n1', 'n2')
    sim.event('n1', {type: 'shutdown'})
    sim.run()
    assert.equal(sim.node('n1').shutdownComplete, true)
    assert.ok(sim.node('n1').sent.some((m) => m.t === 'shutdone'))
    assert.deepEqual(sim.placement(), {g1: ['n2'], g2: ['n2']})
    assert.ok(logged(sim, 'n2', /Received shutdown notice from 'n1'/))
    assert.equal(totalStarts(sim, 'n2', 'g2'), 1)
    assert.deepEqual(sim.dualHolds, [])
    // n2 does not wait for a STONITH that is not needed
    assert.ok(sim.node('n2').sent.some((m) => m.t === 'stonith' && m.result === 'unneeded'))
  })
}

test('hakit graceful stop hands each group over as soon as it is released', () => {
  const sim = new Sim(['n1', 'n2'], [{key: 'g1', ownerNode: 'n1'}, {key: 'g3', ownerNode: 'n1'}, {key: 'g2', ownerNode: 'n2'}])
  coldStart(sim, 'n1', 'n2')
  sim.event('n1', {type: 'shutdown'})
  sim.run()
  const n2 = sim.node('n2')
  const notice = n2.logs.findIndex((l) => /Received shutdown notice/.test(l))
  const took = n2.logs.findIndex((l) => /Taking over resource group g1/.test(l))
  assert.ok(took >= 0 && took < notice, 'g1 taken before the final notice')
  assert.deepEqual(sim.placement(), {g1: ['n2'], g3: ['n2'], g2: ['n2']})
})

for (const impl of ['hakit', 'heartbeat'] as const) {
  test(`standby all then takeover all (${impl} peer)`, () => {
    const sim = new Sim(['n1', 'n2'], TWO, {perNode: {n2: {impl}}})
    coldStart(sim, 'n1', 'n2')
    sim.event('n1', {type: 'standby', which: 'all'})
    sim.run()
    assert.deepEqual(sim.node('n1').operator, [{ok: true, message: 'Going standby [all].'}])
    assert.deepEqual(sim.placement(), {g1: ['n2'], g2: ['n2']})
    assert.ok(logged(sim, 'n1', /Local standby process completed \[all\]/))
    assert.ok(logged(sim, 'n1', /Other node completed standby takeover of all resources/))
    assert.ok(logged(sim, 'n2', /Standby resource acquisition done \[all\]/))
    assert.equal(sim.node('n1').machine.snapshot().rscstatus, 'none')
    // auto_failback does not pull it back after a standby
    sim.advance(3000)
    assert.deepEqual(sim.placement(), {g1: ['n2'], g2: ['n2']})

    sim.event('n1', {type: 'takeover', which: 'all'})
    sim.run()
    assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n1']})
    assert.ok(sim.node('n1').sent.some((m) => m.t === 'hb_takeover' && m.rsc_hold === 'all'))
    assert.deepEqual(sim.dualHolds, [])
    assert.deepEqual(sim.doubleAcquires, [])
  })
}

test('standby foreign / takeover local move only those groups', () => {
  const sim = new Sim(['n1', 'n2'], TWO)
  coldStart(sim, 'n1', 'n2')
  sim.event('n2', {type: 'takeover', which: 'local'}) // n1 gives up its foreign = nothing; n1 must give n2's local
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
  sim.event('n1', {type: 'standby', which: 'local'})
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n2'], g2: ['n2']})
  sim.event('n1', {type: 'takeover', which: 'local'}) // n2 runs standby foreign: g1 back
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
})

test('standby is refused when it cannot work, with the reason', () => {
  const sim = new Sim(['n1', 'n2'], TWO)
  coldStart(sim, 'n1')
  sim.event('n1', {type: 'standby', which: 'all'})
  sim.event('n1', {type: 'standby', which: 'bogus'})
  sim.run()
  assert.equal(sim.node('n1').operator[0]?.ok, false)
  assert.match(sim.node('n1').operator[0]!.message, /no active peer/)
  assert.deepEqual(sim.node('n1').operator[1], {ok: false, message: 'wrong resources(bogus).'})
  sim.event('n1', {type: 'takeover', which: 'all'})
  sim.run()
  assert.deepEqual(sim.node('n1').operator[2], {ok: false, message: 'no active peer to take resources from.'})
  const legacy = new Sim(['n1', 'n2'], TWO, {autoFailback: 'legacy'})
  coldStart(legacy, 'n1', 'n2')
  legacy.event('n1', {type: 'standby', which: 'all'})
  legacy.run()
  assert.deepEqual(legacy.node('n1').operator, [{ok: false, message: 'Standby mode only implemented when nice_failback on'}])
})

test('a standby request with no answer is cancelled after its timeout', () => {
  const machine = new FailoverMachine({localNode: 'n1', nodes: ['n1', 'n2'], groups: TWO, autoFailback: 'on', stonith: false})
  machine.handle({type: 'node-status', node: 'n2', status: 'active', impl: 'hakit'}, 0)
  machine.handle({type: 'comms-up'}, 0)
  machine.handle({type: 'message', from: 'n2', msg: {t: 'resource', rsc_hold: 'local', rtype: 'full', isstable: '1', hakit_held: 'g2', hakit_failed: ''}}, 0)
  machine.handle({type: 'acquire-done', key: 'g1', ok: true}, 0)
  const asked = machine.handle({type: 'standby', which: 'all'}, 100)
  assert.ok(asked.some((a) => a.type === 'send' && a.msg.t === 'ask_resources' && a.msg.info === 'me'))
  assert.equal(machine.nextDeadline(), 10_100)
  const cancelled = machine.handle({type: 'tick'}, 10_100)
  assert.ok(cancelled.some((a) => a.type === 'log' && /Standby request cancelled/.test(a.text)))
  assert.equal(machine.snapshot().standby, 'idle')
  assert.ok(!cancelled.some((a) => a.type === 'release'))
})

test('split brain, hakit pair: on heal the non-owner releases, the owner restarts to re-announce', () => {
  const sim = new Sim(['n1', 'n2'], TWO)
  coldStart(sim, 'n1', 'n2')
  sim.partition(['n1'], ['n2'])
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n1', 'n2'], g2: ['n1', 'n2']})
  sim.heal()
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
  assert.equal(totalStarts(sim, 'n1', 'g1'), 2, 'owner restarted g1 once')
  assert.equal(totalStarts(sim, 'n2', 'g2'), 2, 'owner restarted g2 once')
  assert.ok(logged(sim, 'n2', /g1 is also held by n1: releasing it here \(n1 keeps it\)/))
  assert.ok(!sim.node('n1').sent.some((m) => m.t === 'shutdone'), 'no daemon restart')
  assert.deepEqual(sim.doubleAcquires, [])
  // stays settled
  sim.advance(5000)
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
})

test('split brain with a Heartbeat peer: it gives up and leaves, hakit keeps and re-announces', () => {
  const sim = new Sim(['n1', 'n2'], TWO, {perNode: {n2: {impl: 'heartbeat'}}})
  coldStart(sim, 'n1', 'n2')
  sim.partition(['n1'], ['n2'])
  sim.run()
  sim.heal()
  sim.run()
  // A real Heartbeat now gives everything up and restarts; model that as its shutdown.
  sim.event('n2', {type: 'shutdown'})
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n1']})
  assert.equal(totalStarts(sim, 'n1', 'g1'), 2, 'n1 restarted g1 to win the address back')
  sim.reboot('n2')
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
})

test('failed start on the owner moves the group to the peer (hakit pair)', () => {
  const sim = new Sim(['n1', 'n2'], TWO, {perNode: {n1: {failStart: ['g1']}}})
  coldStart(sim, 'n1', 'n2')
  assert.deepEqual(sim.placement(), {g1: ['n2'], g2: ['n2']})
  assert.equal(sim.node('n1').machine.snapshot().groups.find((g) => g.key === 'g1')?.failedHere, true)
  // auto_failback does not bounce it back to the node where it failed
  sim.advance(5000)
  assert.deepEqual(sim.placement(), {g1: ['n2'], g2: ['n2']})
  // an operator takeover lifts the ban (and here it fails again and goes back)
  sim.node('n1').failStart.clear()
  sim.event('n1', {type: 'takeover', which: 'local'})
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
  assert.deepEqual(sim.dualHolds, [])
})

test('failed start on the owner with a Heartbeat peer: asks it at once through standby', () => {
  const sim = new Sim(['n1', 'n2'], TWO, {perNode: {n1: {failStart: ['g1']}, n2: {impl: 'heartbeat'}}})
  coldStart(sim, 'n1', 'n2')
  assert.deepEqual(sim.placement(), {g1: ['n2'], g2: ['n2']})
  assert.ok(sim.node('n1').sent.some((m) => m.t === 'ask_resources' && m.rsc_hold === 'local' && m.info === 'me'))
})

test('failed start everywhere: nobody holds it, nobody loops', () => {
  const sim = new Sim(['n1', 'n2'], TWO, {perNode: {n1: {failStart: ['g1']}, n2: {failStart: ['g1']}}})
  coldStart(sim, 'n1', 'n2')
  sim.advance(3000)
  assert.deepEqual(sim.placement(), {g1: [], g2: ['n2']})
})

test('three nodes: when the owner dies exactly one node takes its group', () => {
  const groups = [{key: 'g1', ownerNode: 'n1'}, {key: 'g2', ownerNode: 'n2'}, {key: 'g3', ownerNode: 'n3'}]
  const sim = new Sim(['n1', 'n2', 'n3'], groups)
  coldStart(sim, 'n1', 'n2', 'n3')
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2'], g3: ['n3']})
  sim.kill('n1')
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n2'], g2: ['n2'], g3: ['n3']})
  sim.kill('n2')
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n3'], g2: ['n3'], g3: ['n3']})
  sim.reboot('n1')
  sim.run()
  assert.deepEqual(sim.dualHolds, [])
  assert.deepEqual(sim.placement().g1, ['n1'])
})

test('three nodes: a failed start goes to exactly one other node', () => {
  const groups = [{key: 'g1', ownerNode: 'n1'}]
  const sim = new Sim(['n1', 'n2', 'n3'], groups, {perNode: {n1: {failStart: ['g1']}}})
  coldStart(sim, 'n2', 'n3', 'n1')
  assert.deepEqual(sim.placement(), {g1: ['n2']})
  assert.deepEqual(sim.dualHolds, [])
})

test('STONITH: the dead node is fenced before takeover; a failing fence blocks takeover and is retried', () => {
  const sim = new Sim(['n1', 'n2'], TWO, {stonith: true})
  coldStart(sim, 'n1', 'n2')
  sim.node('n2').fenceOk = false
  sim.kill('n1')
  sim.run()
  assert.deepEqual(sim.node('n2').fenced, ['n1'])
  assert.deepEqual(sim.placement(), {g1: [], g2: ['n2']}, 'no takeover without a successful fence')
  assert.ok(logged(sim, 'n2', /STONITH of n1 failed. {2}Retrying/))
  sim.advance(4900)
  assert.equal(sim.node('n2').fenced.length, 1)
  sim.node('n2').fenceOk = true
  sim.advance(200)
  assert.equal(sim.node('n2').fenced.length, 2)
  assert.deepEqual(sim.placement(), {g1: ['n2'], g2: ['n2']})
  assert.ok(sim.node('n2').sent.some((m) => m.t === 'stonith' && m.node === 'n1' && m.result === 'OK'))
})

test('STONITH is not needed for a node that shut down cleanly', () => {
  const sim = new Sim(['n1', 'n2'], TWO, {stonith: true})
  coldStart(sim, 'n1', 'n2')
  sim.event('n1', {type: 'shutdown'})
  sim.run()
  assert.deepEqual(sim.node('n2').fenced, [])
  assert.deepEqual(sim.placement(), {g1: ['n2'], g2: ['n2']})
})

test('a stop that fails keeps the group marked held and no shutdown notice is sent', () => {
  const machine = new FailoverMachine({localNode: 'n1', nodes: ['n1', 'n2'], groups: TWO, autoFailback: 'on', stonith: false})
  machine.handle({type: 'node-status', node: 'n2', status: 'dead'}, 0)
  machine.handle({type: 'comms-up'}, 0)
  machine.handle({type: 'acquire-done', key: 'g1', ok: true}, 0)
  machine.handle({type: 'acquire-done', key: 'g2', ok: true}, 0)
  const shutdown = machine.handle({type: 'shutdown'}, 1)
  assert.deepEqual(shutdown.filter((a) => a.type === 'release').map((a) => a.type === 'release' && a.key), ['g1', 'g2'])
  machine.handle({type: 'release-done', key: 'g1', ok: true}, 2)
  const end = machine.handle({type: 'release-done', key: 'g2', ok: false}, 3)
  assert.ok(end.some((a) => a.type === 'shutdown-complete' && !a.clean))
  assert.ok(!end.some((a) => a.type === 'send' && a.msg.t === 'shutdone'))
  assert.equal(machine.snapshot().groups.find((g) => g.key === 'g2')?.state, 'stop-failed')
})

test('resource messages from a Heartbeat peer are read relative to it (rsc_hold local/foreign, OR without rtype)', () => {
  const machine = new FailoverMachine({localNode: 'n1', nodes: ['n1', 'n2'], groups: TWO, autoFailback: 'off', stonith: false})
  machine.handle({type: 'node-status', node: 'n2', status: 'active'}, 0)
  machine.handle({type: 'comms-up'}, 0)
  // n2 holds everything ("all" relative to n2): n1 must not take g1
  const actions = machine.handle({type: 'message', from: 'n2', msg: {t: 'resource', rsc_hold: 'all', rtype: 'full', isstable: '1'}}, 0)
  assert.ok(!actions.some((a) => a.type === 'acquire'))
  assert.deepEqual(machine.snapshot().peers[0]?.holds.sort(), ['g1', 'g2'])
  assert.ok(actions.some((a) => a.type === 'log' && a.text === 'Local Resource acquisition completed. (none)'))
  // none clears; then "foreign" without rtype is OR-ed in
  machine.handle({type: 'message', from: 'n2', msg: {t: 'resource', rsc_hold: 'none'}}, 1)
  assert.deepEqual(machine.snapshot().peers[0]?.holds, [])
})

test('cl_status rscstatus values: none before start, transition while busy, then the held set', () => {
  const machine = new FailoverMachine({localNode: 'n1', nodes: ['n1', 'n2'], groups: TWO, autoFailback: 'on', stonith: false})
  assert.equal(machine.snapshot().rscstatus, 'none')
  machine.handle({type: 'node-status', node: 'n2', status: 'dead'}, 0)
  machine.handle({type: 'comms-up'}, 0)
  assert.equal(machine.snapshot().rscstatus, 'transition')
  machine.handle({type: 'acquire-done', key: 'g1', ok: true}, 0)
  machine.handle({type: 'acquire-done', key: 'g2', ok: true}, 0)
  assert.equal(machine.snapshot().rscstatus, 'all')
})

test('ipfail: the node that reaches fewer ping nodes gives its resources to the peer, and gets them back when equal', () => {
  const sim = new Sim(['n1', 'n2'], TWO, {ipfail: true})
  coldStart(sim, 'n1', 'n2')
  sim.event('n1', {type: 'ping-count', count: 1})
  sim.event('n2', {type: 'ping-count', count: 1})
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
  sim.event('n1', {type: 'ping-count', count: 0})
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n2'], g2: ['n2']})
  assert.ok(logged(sim, 'n1', /ipfail: n2 reaches 1 ping nodes, we reach 0: giving up resources/))
  sim.event('n1', {type: 'ping-count', count: 1})
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
  assert.deepEqual(sim.dualHolds, [])
})

test('ipfail off: ping counts change nothing', () => {
  const sim = new Sim(['n1', 'n2'], TWO)
  coldStart(sim, 'n1', 'n2')
  sim.event('n2', {type: 'ping-count', count: 1})
  sim.event('n1', {type: 'ping-count', count: 0})
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
  assert.ok(sim.node('n1').sent.every((m) => m.t !== 'num_ping_nodes'))
})

test('groups found running at startup (daemon crash): released if the peer holds them, else kept and completed', () => {
  const sim = new Sim(['n1', 'n2'], TWO)
  coldStart(sim, 'n1', 'n2')
  // n1's daemon crashes; its resources keep running; n2 takes over after deadtime
  sim.kill('n1')
  sim.node('n1').running.add('g1')
  sim.run()
  assert.deepEqual(sim.placement().g1, ['n2'])
  // n1 restarts: it finds g1 running; n2 holds it, so n1 releases it
  sim.boot('n1', true)
  sim.node('n1').running.add('g1')
  sim.event('n1', {type: 'found-running', key: 'g1'})
  sim.event('n2', {type: 'peer-restarted', node: 'n1'})
  sim.start('n1')
  sim.run()
  assert.ok(logged(sim, 'n1', /g1 runs elsewhere too: releasing it here/))
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']}, 'auto_failback on brings it back afterwards')

  // alone: a found group is kept (acquire completes it; nothing is started twice)
  const solo = new Sim(['n1', 'n2'], TWO)
  solo.node('n1').up = true
  solo.node('n1').running.add('g1')
  solo.event('n1', {type: 'found-running', key: 'g1'})
  solo.start('n1')
  solo.run()
  assert.deepEqual(solo.placement(), {g1: ['n1'], g2: ['n1']})
  assert.deepEqual(solo.doubleAcquires, ['n1:g1'], 'the acquire only completes the already running group')
})
