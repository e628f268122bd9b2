import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {FailoverSim as Sim} from '../../../src/runtime/legacy/failover-sim.js'

/**
 * Random histories of failures and operator commands on 2- and 3-node
 * clusters. After each step the cluster is left to settle; then, whenever
 * every node is up and connected:
 *  - no group runs on two nodes (safety),
 *  - every group that can run somewhere runs exactly once (liveness),
 * and at no time is a running group started again on the same node.
 * Between hakit nodes the histories also contain forged messages (an attacker
 * who can sign packets): a node told that a live peer shut down, departs,
 * holds nothing or failed everything must still end with every group held
 * exactly once while the nodes are connected.
 */
type ForgeKind = 'shutdone' | 'departing' | 'holds-nothing' | 'failed-all' | 'starting'
type Step =
  | {op: 'kill' | 'reboot' | 'shutdown' | 'standby' | 'takeover'; node: number; which?: string}
  | {op: 'partition'; node: number}
  | {op: 'heal'}
  | {op: 'wait'; ms: number}
  | {op: 'forge'; node: number; to: number; kind: ForgeKind}

/** What an attacker sends to make a node believe something false about `node`. */
function forgedMessage(kind: ForgeKind, groups: Array<{key: string}>): Record<string, string> {
  const report = {t: 'resource', rsc_hold: 'none', rtype: 'full', isstable: '1', hakit_held: ' ', hakit_failed: ' '}
  switch (kind) {
    case 'shutdone': return {t: 'shutdone', st: 'dead'}
    case 'departing': return {...report, info: 'shutdown'}
    case 'holds-nothing': return report
    case 'failed-all': return {...report, hakit_failed: groups.map((g) => g.key).join(' ')}
    case 'starting': return {t: 'starting'}
  }
}

/**
 * Runs a property a fixed number of times from a fresh random seed (or FC_SEED / FC_PATH
 * to replay one); a failure names the seed, the path and the broken invariant.
 */
function checkProperty<T>(name: string, property: fc.IProperty<T>, numRuns: number): void {
  const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31)
  const path = process.env.FC_PATH
  const details = fc.check(property, {numRuns, seed, ...(path ? {path} : {})})
  if (!details.failed) return
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
  throw new Error(
    `${name}: property failed (seed ${details.seed}, path "${details.counterexamplePath}"); ` +
      `replay with FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath}\n` +
      `counterexample: ${fc.stringify(details.counterexample)}\n${cause}`,
  )
}

const stepArb = fc.oneof(
  fc.record({op: fc.constantFrom('kill' as const, 'reboot' as const, 'shutdown' as const), node: fc.nat(2)}),
  fc.record({op: fc.constantFrom('standby' as const, 'takeover' as const), node: fc.nat(2), which: fc.constantFrom('all', 'local', 'foreign')}),
  fc.record({op: fc.constant('partition' as const), node: fc.nat(2)}),
  fc.record({op: fc.constant('heal' as const)}),
  fc.record({op: fc.constant('wait' as const), ms: fc.integer({min: 100, max: 12_000})}),
)

const forgeArb = (...kinds: ForgeKind[]) => fc.record({op: fc.constant('forge' as const), node: fc.nat(2), to: fc.nat(2), kind: fc.constantFrom(...kinds)})

/** Histories between hakit nodes: failures, operator commands and forged messages. */
const hakitStepArb = fc.oneof(stepArb, forgeArb('shutdone', 'departing', 'holds-nothing', 'failed-all', 'starting'))
/** With a Heartbeat-protocol node: only messages Heartbeat itself sends (it ignores hakit's fields). */
const mixedStepArb = fc.oneof(stepArb, forgeArb('shutdone', 'starting'))

function runHistory(nodeCount: number, autoFailback: 'on' | 'off' | 'legacy', failOn: string | undefined, steps: Step[], heartbeatNode?: string): void {
  const names = ['n1', 'n2', 'n3'].slice(0, nodeCount)
  const groups = names.map((n, i) => ({key: `g${i + 1}`, ownerNode: n}))
  const perNode: Record<string, {failStart?: string[]; impl?: 'hakit' | 'heartbeat'}> = {}
  if (failOn) perNode[failOn] = {failStart: ['g1']}
  if (heartbeatNode) perNode[heartbeatNode] = {...perNode[heartbeatNode], impl: 'heartbeat'}
  const sim = new Sim(names, groups, {autoFailback, perNode})
  for (const name of names) sim.start(name)
  sim.run()
  let partitioned = false
  for (const step of steps) {
    const name = names[('node' in step ? step.node : 0) % names.length]!
    const node = sim.node(name)
    switch (step.op) {
      case 'kill': if (node.up) sim.kill(name); break
      case 'reboot': if (!node.up) sim.reboot(name); break
      case 'shutdown': if (node.up) sim.event(name, {type: 'shutdown'}); break
      case 'standby': if (node.up) sim.event(name, {type: 'standby', which: step.which!}); break
      case 'takeover': if (node.up) sim.event(name, {type: 'takeover', which: step.which!}); break
      case 'partition':
        if (!partitioned && node.up) {
          sim.partition([name], names.filter((n) => n !== name))
          partitioned = true
        }
        break
      case 'heal':
        if (partitioned) {
          sim.heal()
          partitioned = false
        }
        break
      case 'wait': sim.advance(step.ms, 500); break
      case 'forge': if (node.up) sim.forge(name, names[step.to % names.length]!, forgedMessage(step.kind, groups)); break
    }
    sim.run()
    sim.advance(11_000, 1000) // let timers (standby replies, RQSTDELAY) run out
  }
  // end state: heal, bring everyone up, settle
  if (partitioned) sim.heal()
  sim.run()
  for (const name of names) if (!sim.node(name).up) sim.reboot(name)
  sim.run()
  sim.advance(25_000, 1000)
  const placement = sim.placement()
  const context = JSON.stringify({nodeCount, autoFailback, failOn, heartbeatNode, steps, placement})
  assert.deepEqual(sim.doubleAcquires, [], context)
  for (const {key} of groups) {
    const holders = placement[key]!
    const canRunSomewhere = !(key === 'g1' && failOn !== undefined && names.length === 1)
    assert.ok(holders.length <= 1, `${key} on ${holders.join('+')}: ${context}`)
    if (canRunSomewhere) assert.equal(holders.length, 1, `${key} held by nobody: ${context}`)
  }
}

test('random histories, 2 nodes: safe and live after settling', () => {
  checkProperty(
    '2 nodes',
    fc.property(fc.constantFrom('on' as const, 'off' as const), fc.constantFrom(undefined, 'n1', 'n2'), fc.array(hakitStepArb, {maxLength: 8}), (mode, failOn, steps) => {
      runHistory(2, mode, failOn, steps)
    }),
    150,
  )
})

test('random histories, 3 nodes: safe and live after settling', () => {
  checkProperty(
    '3 nodes',
    fc.property(fc.constantFrom('on' as const, 'off' as const), fc.constantFrom(undefined, 'n1'), fc.array(hakitStepArb, {maxLength: 8}), (mode, failOn, steps) => {
      runHistory(3, mode, failOn, steps)
    }),
    100,
  )
})

test('random histories, hakit paired with a Heartbeat-protocol node: safe and live after settling', () => {
  checkProperty(
    'hakit + Heartbeat',
    fc.property(fc.constantFrom('on' as const, 'off' as const), fc.constantFrom('n1', 'n2'), fc.array(mixedStepArb, {maxLength: 8}), (mode, heartbeatNode, steps) => {
      runHistory(2, mode, undefined, steps, heartbeatNode)
    }),
    150,
  )
})

test('regression: a peer first heard of when a partition heals gets our holdings (seeds 1640701213, 223942310)', () => {
  // n2 rebooted inside its partition never learnt n1 was hakit; on heal neither side resolved g2.
  runHistory(2, 'on', 'n2', [{op: 'partition', node: 1}, {op: 'kill', node: 1}, {op: 'reboot', node: 1}])
  // Same with three nodes: n3 rebooted next to n1 and kept g3 while n2 still thought only it held g3.
  runHistory(3, 'on', undefined, [{op: 'partition', node: 0}, {op: 'kill', node: 2}, {op: 'reboot', node: 2}])
})

test('regression: a forged shutdown notice of the live owner leaves the group on the owner only (issue 15)', () => {
  // Before: n2 took g1 on the notice, n1 kept it, and both ran it while exchanging heartbeats.
  for (const mode of ['on', 'off'] as const) {
    const sim = new Sim(['n1', 'n2'], [{key: 'g1', ownerNode: 'n1'}, {key: 'g2', ownerNode: 'n2'}], {autoFailback: mode})
    sim.start('n1')
    sim.start('n2')
    sim.run()
    sim.advance(12_000, 500)
    const before = sim.placement()
    assert.deepEqual(before.g1, ['n1'])
    assert.equal(before.g2!.length, 1)
    sim.forge('n1', 'n2', {t: 'shutdone', st: 'dead'})
    sim.run()
    sim.advance(5000, 500)
    // g1 stays with its owner; g2 (held by n1 when n2 started late in mode off) may move to its owner n2
    const after = sim.placement()
    assert.deepEqual(after.g1, ['n1'], mode)
    assert.equal(after.g2!.length, 1, mode)
    assert.ok(sim.node('n2').starts.get('g1'), 'the attack worked: n2 had started g1')
    assert.ok(sim.node('n1').logs.includes('error: Both machines own our resources!'), sim.node('n1').logs.join('\n'))
    assert.ok(sim.node('n2').logs.includes('error: Both machines own foreign resources!'), sim.node('n2').logs.join('\n'))
    assert.deepEqual(sim.doubleAcquires, [])
  }
})

test('forged messages never leave a group held twice between connected hakit nodes (one forgery of each kind)', () => {
  for (const kind of ['shutdone', 'departing', 'holds-nothing', 'failed-all', 'starting'] as const) {
    for (const nodeCount of [2, 3]) {
      for (let from = 0; from < nodeCount; from++) {
        for (let to = 0; to < nodeCount; to++) {
          if (from !== to) runHistory(nodeCount, 'on', undefined, [{op: 'forge', node: from, to, kind}, {op: 'wait', ms: 2000}])
        }
      }
    }
  }
})

test('the owner repeats its report while the conflict lasts: a lost report does not leave the group held twice', () => {
  // The forged shutdone took a sequence number of n1: n1's genuine packet with that number (its
  // resource report) is then dropped by n2 as a duplicate. Seen in the loopback daemon test.
  const sim = new Sim(['n1', 'n2'], [{key: 'g1', ownerNode: 'n1'}], {autoFailback: 'on'})
  sim.start('n1')
  sim.start('n2')
  sim.run()
  sim.advance(12_000, 500)
  assert.deepEqual(sim.placement(), {g1: ['n1']})
  sim.loseNext('n1', 'n2', (m) => m.t === 'resource')
  sim.forge('n1', 'n2', {t: 'shutdone', st: 'dead'})
  sim.run()
  assert.deepEqual(sim.placement().g1!.sort(), ['n1', 'n2'], 'the first report was lost: both hold it for now')
  sim.advance(5000, 500)
  assert.deepEqual(sim.placement(), {g1: ['n1']})
  // the repetition stops once the conflict is over
  const reports = (): number => sim.node('n1').sent.filter((m) => m.t === 'resource').length
  const settled = reports()
  sim.advance(10_000, 500)
  assert.equal(reports(), settled)
})

test('a forged shutdone of a live Heartbeat peer is undone once the peer is still heard a dead time later', () => {
  // Heartbeat reports what it holds only when that changes: no report corrects n2, the membership layer does
  for (const mode of ['on', 'off'] as const) {
    const sim = new Sim(['n1', 'n2'], [{key: 'g1', ownerNode: 'n1'}], {autoFailback: mode, perNode: {n1: {impl: 'heartbeat'}}})
    sim.start('n1')
    sim.start('n2')
    sim.run()
    sim.advance(12_000, 500)
    assert.deepEqual(sim.placement(), {g1: ['n1']})
    sim.forge('n1', 'n2', {t: 'shutdone', st: 'dead'})
    sim.run()
    assert.deepEqual(sim.placement().g1!.sort(), ['n1', 'n2'], 'the attack worked')
    sim.advance(Sim.DEADTIME_MS + 2000, 500)
    assert.deepEqual(sim.placement(), {g1: ['n1']}, mode)
    assert.ok(sim.node('n2').logs.includes('error: Both machines own foreign resources!'), sim.node('n2').logs.join('\n'))
    assert.deepEqual(sim.doubleAcquires, [])
    // and the peer counts as running again: a later power cut of n1 still moves g1 to n2
    sim.kill('n1')
    sim.run()
    assert.deepEqual(sim.placement(), {g1: ['n2']}, mode)
  }
})
