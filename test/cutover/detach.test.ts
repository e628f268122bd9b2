/**
 * `hakit detach` in the pure failover machine: a detached node starts and
 * stops nothing, and leaves without giving anything up or sending the
 * shutdown notice, so a cut-over to Pacemaker keeps every group running.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {FailoverMachine, type FailoverAction} from '../../src/runtime/legacy/failover.js'
import {runDetachCommand, startOperatorServer, type OperatorBackend, type StatusReport} from '../../src/runtime/legacy/operator.js'
import {FailoverSim as Sim} from '../../src/runtime/legacy/failover-sim.js'

const TWO = [{key: 'g1', ownerNode: 'n1'}, {key: 'g2', ownerNode: 'n2'}]

function stableCluster(): Sim {
  const sim = new Sim(['n1', 'n2'], TWO)
  sim.start('n1')
  sim.start('n2')
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
  return sim
}

/** The daemon exits without a word: peers only notice its silence (dead after deadtime). */
function exitQuietly(sim: Sim, name: string): void {
  sim.event(name, {type: 'shutdown'})
  sim.run()
  sim.node(name).up = false
  for (const other of sim.nodes.values()) if (other.up) sim.event(other.name, {type: 'node-status', node: name, status: 'dead'})
  sim.run()
}

const lastReply = (sim: Sim, name: string) => sim.node(name).operator.at(-1)

test('detach every node, then stop every daemon: every group keeps running where it was, nothing started or stopped', () => {
  const sim = stableCluster()
  const startsBefore = JSON.stringify([...sim.nodes.values()].map((n) => [...n.starts]))
  for (const name of ['n1', 'n2']) {
    sim.event(name, {type: 'detach'})
    sim.run()
    assert.equal(lastReply(sim, name)?.ok, true, `${name} detached`)
    assert.equal(sim.node(name).machine.snapshot().phase, 'detached')
  }
  assert.equal(sim.node('n1').machine.snapshot().rscstatus, 'local', 'detached node still reports what it holds')
  exitQuietly(sim, 'n1')
  assert.equal(sim.node('n1').shutdownComplete, true)
  assert.ok(!sim.node('n1').sent.some((m) => m.t === 'shutdone'), 'no shutdown notice')
  assert.deepEqual([...sim.node('n2').running], ['g2'], 'n2 took nothing over')
  exitQuietly(sim, 'n2')
  assert.deepEqual([...sim.node('n1').running], ['g1'], 'g1 left running on n1')
  assert.deepEqual([...sim.node('n2').running], ['g2'], 'g2 left running on n2')
  assert.equal(JSON.stringify([...sim.nodes.values()].map((n) => [...n.starts])), startsBefore, 'no start during the cut-over')
  assert.deepEqual(sim.dualHolds, [])
})

test('a peer that is not detached takes over a detached node that left (why every node is detached first)', () => {
  const sim = stableCluster()
  sim.event('n1', {type: 'detach'})
  sim.run()
  exitQuietly(sim, 'n1')
  // n1 left g1 running; n2, still managing, sees n1 dead and starts g1 too
  assert.ok(sim.node('n1').running.has('g1'))
  assert.ok(sim.node('n2').running.has('g1'))
})

test('a detached node ignores deaths, standby and takeover requests of peers', () => {
  const sim = stableCluster()
  sim.event('n2', {type: 'detach'})
  sim.run()
  sim.event('n2', {type: 'standby', which: 'all'})
  sim.run()
  assert.equal(lastReply(sim, 'n2')?.ok, false)
  sim.event('n2', {type: 'takeover', which: 'all'})
  sim.run()
  assert.equal(lastReply(sim, 'n2')?.ok, false)
  sim.event('n2', {type: 'detach'})
  sim.run()
  assert.deepEqual(lastReply(sim, 'n2'), {ok: true, message: 'already detached'})
  // n1 asks n2 to take everything (hb_standby on n1): n2 does not answer, n1 keeps g1
  sim.event('n1', {type: 'standby', which: 'all'})
  sim.run()
  sim.advance(15_000)
  assert.deepEqual([...sim.node('n1').running], ['g1'])
  assert.deepEqual([...sim.node('n2').running], ['g2'])
  // n1 is powered off: the detached n2 does not take g1
  sim.kill('n1')
  sim.run()
  assert.deepEqual([...sim.node('n2').running], ['g2'])
})

test('a restarted peer asking who holds what is told by the detached node, so it does not start those groups', () => {
  const sim = stableCluster()
  sim.event('n2', {type: 'detach'})
  sim.run()
  const sentBefore = sim.node('n2').sent.length
  sim.event('n2', {type: 'message', from: 'n1', msg: {t: 'starting'}})
  sim.run()
  const answer = sim.node('n2').sent.slice(sentBefore).find((m) => m.t === 'resource')
  assert.equal(answer?.hakit_held, 'g2')
  assert.equal(answer?.isstable, '1')
})

test('detach is refused while a group is starting, and accepted once it runs', () => {
  const machine = new FailoverMachine({localNode: 'n1', nodes: ['n1', 'n2'], groups: TWO, autoFailback: 'on', stonith: false})
  machine.handle({type: 'node-status', node: 'n2', status: 'dead'}, 0)
  const started = machine.handle({type: 'comms-up'}, 0)
  assert.ok(started.some((a) => a.type === 'acquire' && a.key === 'g1'))
  const reply = (actions: FailoverAction[]) => actions.find((a) => a.type === 'operator-result')
  const refused = reply(machine.handle({type: 'detach'}, 1))
  assert.equal(refused?.type === 'operator-result' && refused.ok, false)
  assert.match(refused?.type === 'operator-result' ? refused.message : '', /resource activity in progress/)
  machine.handle({type: 'acquire-done', key: 'g1', ok: true}, 2)
  machine.handle({type: 'acquire-done', key: 'g2', ok: true}, 2)
  const accepted = reply(machine.handle({type: 'detach'}, 3))
  assert.equal(accepted?.type === 'operator-result' && accepted.ok, true)
  // nothing moves any more, whatever happens
  const later = [
    ...machine.handle({type: 'node-status', node: 'n2', status: 'active'}, 4),
    ...machine.handle({type: 'message', from: 'n2', msg: {t: 'ask_resources', rsc_hold: 'foreign', info: 'me'}}, 5),
    ...machine.handle({type: 'tick'}, 60_000),
  ]
  assert.ok(!later.some((a) => a.type === 'acquire' || a.type === 'release' || a.type === 'fence'))
  const shutdown = machine.handle({type: 'shutdown'}, 61_000)
  assert.ok(!shutdown.some((a) => a.type === 'release' || (a.type === 'send' && a.msg.t === 'shutdone')))
  assert.deepEqual(shutdown.filter((a) => a.type === 'shutdown-complete'), [{type: 'shutdown-complete', clean: true}])
})

test('hakit detach over the operator socket: the answer, a refusal, an older daemon, no daemon', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-detach-'))
  const socket = join(dir, 'op.sock')
  const status = (): StatusReport => ({node: 'n1', version: 'test', nodes: [], rscstatus: 'local', clients: [], parameters: {}})
  let answer = {ok: true, message: 'Detached: g1 keep running here.'}
  const backend: OperatorBackend = {standby: () => answer, takeover: () => answer, status, detach: () => answer}
  try {
    let server = await startOperatorServer(socket, backend)
    assert.deepEqual(await runDetachCommand(socket), {stdout: 'Detached: g1 keep running here.\n', stderr: '', exitCode: 0})
    answer = {ok: false, message: 'not detached: resource activity in progress (g1); try again in a moment'}
    const refused = await runDetachCommand(socket)
    assert.equal(refused.exitCode, 1)
    assert.equal(refused.stderr, 'hakit detach: not detached: resource activity in progress (g1); try again in a moment\n')
    server.close()
    server = await startOperatorServer(socket, {standby: () => answer, takeover: () => answer, status})
    assert.deepEqual(await runDetachCommand(socket), {stdout: '', stderr: 'hakit detach: this daemon cannot detach\n', exitCode: 1})
    server.close()
    await new Promise((r) => setTimeout(r, 50))
    const none = await runDetachCommand(socket)
    assert.equal(none.exitCode, 1)
    assert.match(none.stderr, /^hakit detach: hakit is not running/)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

const startsOf = (sim: Sim) => JSON.stringify([...sim.nodes.values()].map((n) => [n.name, [...n.starts]]))

test('hakit attach undoes detach without a restart: the groups stay where they run, nothing is started again', () => {
  const sim = stableCluster()
  const before = startsOf(sim)
  for (const name of ['n1', 'n2']) sim.event(name, {type: 'detach'})
  sim.run()
  sim.event('n1', {type: 'attach'})
  sim.run()
  assert.equal(lastReply(sim, 'n1')?.ok, true)
  assert.equal(sim.node('n1').machine.snapshot().phase, 'stable', 'n1 negotiated with the detached n2 at once (n2 answered)')
  sim.event('n2', {type: 'attach'})
  sim.run()
  assert.equal(sim.node('n2').machine.snapshot().phase, 'stable')
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
  assert.equal(startsOf(sim), before, 'no group started again')
  assert.deepEqual(sim.dualHolds, [])
  // managed again: a power cut of n2 moves g2 to n1
  sim.kill('n2')
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n1']})
  sim.event('n1', {type: 'attach'})
  sim.run()
  assert.equal(lastReply(sim, 'n1')?.ok, false, 'attach on a node that is not detached is refused')
})

test('rollback when a detached daemon was already stopped: start it first (it adopts), then attach the others', () => {
  const sim = stableCluster()
  const before = startsOf(sim)
  for (const name of ['n1', 'n2']) sim.event(name, {type: 'detach'})
  sim.run()
  exitQuietly(sim, 'n2')
  assert.ok(sim.node('n2').running.has('g2'), 'left running')
  // n2's daemon starts again: it finds g2 running before comms come up
  sim.boot('n2', true)
  sim.event('n2', {type: 'found-running', key: 'g2'})
  sim.start('n2')
  sim.run()
  assert.equal(sim.node('n2').machine.snapshot().phase, 'stable')
  sim.event('n1', {type: 'attach'})
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
  assert.equal(startsOf(sim), before)
  assert.deepEqual(sim.dualHolds, [])
})

/** The node's daemon restarted with `--detached` (the rollback from the CRM runtime): a fresh machine that finds `found` running. */
function bootDetached(sim: Sim, name: string, found: string[]): void {
  sim.boot(name, true)
  sim.node(name).machine = new FailoverMachine({localNode: name, nodes: sim.names, groups: sim.groups, autoFailback: 'on', stonith: false, startDetached: true})
  for (const key of found) sim.event(name, {type: 'found-running', key})
}

test('rollback from the CRM runtime: legacy daemons started --detached one at a time adopt nothing, take over nothing; attach then manages in place', () => {
  const sim = stableCluster()
  const before = startsOf(sim)
  // the CRM runtime ran the groups; its daemons are gone (the legacy machines with them)
  for (const name of ['n1', 'n2']) sim.node(name).up = false
  // n1's legacy daemon starts detached while n2 has none yet: it does not take g2
  bootDetached(sim, 'n1', ['g1'])
  sim.start('n1')
  sim.run()
  assert.equal(sim.node('n1').machine.snapshot().phase, 'detached')
  assert.deepEqual(sim.node('n1').machine.snapshot().groups.filter((g) => g.state === 'held').map((g) => g.key), ['g1'])
  assert.deepEqual([...sim.node('n1').running], ['g1'], 'n1 took nothing')
  assert.ok(sim.node('n2').running.has('g2'), 'n2 still runs g2 without a daemon')
  bootDetached(sim, 'n2', ['g2'])
  sim.start('n2')
  sim.run()
  for (const name of ['n1', 'n2']) {
    sim.event(name, {type: 'attach'})
    sim.run()
    assert.equal(sim.node(name).machine.snapshot().phase, 'stable', `${name} manages again`)
  }
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n2']})
  assert.equal(startsOf(sim), before, 'nothing started again')
  assert.deepEqual(sim.dualHolds, [])
  sim.kill('n2')
  sim.run()
  assert.deepEqual(sim.placement(), {g1: ['n1'], g2: ['n1']}, 'managed again: n2 lost, g2 moves to n1')
})

test('why --detached: a legacy daemon started normally while its peer runs no legacy daemon takes the peer\'s group too', () => {
  const sim = stableCluster()
  for (const name of ['n1', 'n2']) sim.node(name).up = false
  sim.boot('n1', true)
  sim.event('n1', {type: 'found-running', key: 'g1'})
  sim.start('n1')
  sim.run()
  assert.ok(sim.node('n1').running.has('g2') && sim.node('n2').running.has('g2'), 'g2 now runs twice')
})

test('peers learn who is detached (hakit cutover refuses while a live peer still manages): from the report, reset by a restart', () => {
  const sim = stableCluster()
  const seen = (by: string, peer: string) => sim.node(by).machine.snapshot().peers.find((p) => p.node === peer)?.detached
  assert.equal(seen('n1', 'n2'), false, 'a managing peer says so in its reports')
  sim.event('n2', {type: 'detach'})
  sim.run()
  assert.equal(seen('n1', 'n2'), true)
  // a detached node still learns about the others
  sim.event('n1', {type: 'detach'})
  sim.run()
  assert.equal(seen('n2', 'n1'), true)
  // n1 restarts as another daemon (the CRM runtime): nothing is known about it any more
  sim.event('n2', {type: 'peer-restarted', node: 'n1'})
  sim.run()
  assert.equal(seen('n2', 'n1'), undefined)
})
