/**
 * Issue 13, seed 901: a DC whose own link is cut sees its peers declared dead one by one (Heartbeat's
 * per-peer timers), a few ms apart. Acting on the first loss with the other peer still counted gave it
 * a quorum it no longer had, and it fenced a healthy node. node.ts (with loss-hold.ts) acts on a loss
 * only once the membership has settled. These tests drive the DC's machine directly (events in,
 * actions out) after a simulated cluster settled; times are the machine's clock (keepalive 200 ms,
 * deadtime 2 s, as the fault campaign runs).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import type {CrmNode, CrmNodeAction, CrmNodeEvent} from '../../../src/runtime/crm/node.js'
import {CrmSim} from './cluster-sim.js'

const KEEPALIVE_MS = 200
const DEADTIME_MS = 2000

/** A settled cluster of `size` nodes (the rule on unless `rule` is false): its DC's machine and the other nodes. */
function settledDc(size: number, rule = true, seed = 7, deadtimeMs = DEADTIME_MS): {machine: CrmNode; dc: string; others: string[]; start: number} {
  const names = Array.from({length: size}, (_, i) => `n${i + 1}`)
  const sim = new CrmSim(names, {seed, config: rule ? {peerDeadtimeMs: deadtimeMs} : {}})
  for (const n of names) sim.start(n)
  sim.run()
  const dc = names.find((n) => sim.node(n).machine!.state === 'dc')!
  const machine = sim.node(dc).machine!
  assert.deepEqual([...machine.members].sort(), names, 'every node is a member before the fault')
  assert.equal(machine.quorum.state.have, true)
  return {machine, dc, others: names.filter((n) => n !== dc), start: sim.now + 1000}
}

type Input = CrmNodeEvent extends infer E ? (E extends unknown ? Omit<E, 'now' | 'cpuMs'> : never) : never
const feed = (machine: CrmNode, now: number, event: Input): CrmNodeAction[] => machine.feed({...event, now, cpuMs: 1000} as CrmNodeEvent)
const lostIn = (actions: CrmNodeAction[]) => actions.flatMap((a) => (a.type === 'node-lost' ? [a.node] : []))
const logsOf = (actions: CrmNodeAction[]) => actions.flatMap((a) => (a.type === 'log' ? [a.text] : []))

/** Every node-lost comes with the quorum the DC has once it is lost: never with a member that is gone too. */
function assertNoStaleQuorum(actions: CrmNodeAction[], quorateBefore: boolean, quorateAfter: boolean, label: string): void {
  let quorate = quorateBefore
  for (const a of actions) {
    if (a.type === 'quorum') quorate = a.have
    if (a.type === 'node-lost') assert.equal(quorate, quorateAfter, `${label}: node-lost ${a.node} with quorum ${quorate}`)
  }
}

test('the DC\'s link is cut: its two peers declared dead 10 ms apart are lost in one change, without quorum, no loss acted on with the stale quorum', () => {
  const {machine, dc, others: [a, b], start: t} = settledDc(3)
  const heard = {[a!]: t - DEADTIME_MS, [b!]: t - DEADTIME_MS + 10}
  const first = feed(machine, t, {type: 'membership', live: [b!], dead: [a!], heard})
  assert.deepEqual(lostIn(first), [], `${a} is not acted on while ${b} was not heard since it fell silent`)
  assert.equal(first.some((x) => x.type === 'quorum'), false, 'quorum untouched')
  assert.equal(machine.members.length, 3, 'still counted while the membership settles')
  assert.equal(machine.holdingLosses, true)
  assert.ok(logsOf(first).some((l) => l.includes(`Node ${a} lost`) && l.includes(`waiting for ${b}`)), logsOf(first).join('\n'))

  const second = feed(machine, t + 10, {type: 'membership', live: [], dead: [b!], heard})
  assert.deepEqual(lostIn(second).sort(), [a, b].sort(), 'both losses in one membership change')
  assert.deepEqual(machine.members, [dc])
  assert.equal(machine.quorum.state.have, false)
  assert.equal(machine.cib.attributes['have-quorum'], '0')
  assertNoStaleQuorum(second, true, false, 'second declaration')
  assert.equal(second.filter((x) => x.type === 'quorum').length, 1, 'quorum computed once')
  assert.equal(machine.holdingLosses, false)
})

test('without the rule the same declarations act on the first loss with the stale quorum (what the rule prevents)', () => {
  const {machine, others: [a, b], start: t} = settledDc(3, false)
  const heard = {[a!]: t - DEADTIME_MS, [b!]: t - DEADTIME_MS + 10}
  const first = feed(machine, t, {type: 'membership', live: [b!], dead: [a!], heard})
  assert.deepEqual(lostIn(first), [a])
  assert.equal(machine.quorum.state.have, true, 'the isolated DC still counts quorum: the bug of seed 901')
})

test('a peer silent alone (kill -9) is lost the moment it is declared dead: no wait', () => {
  const {machine, dc, others: [a, b], start: t} = settledDc(3)
  const actions = feed(machine, t, {type: 'membership', live: [b!], dead: [a!], heard: {[a!]: t - DEADTIME_MS, [b!]: t - KEEPALIVE_MS + 30}})
  assert.deepEqual(lostIn(actions), [a])
  assert.deepEqual(machine.members, [dc, b])
  assert.equal(machine.quorum.state.have, true)
  assert.equal(machine.holdingLosses, false)
  assert.ok(!logsOf(actions).some((l) => l.includes('waiting for')), 'no wait logged')
})

test('a held loss is acted on as soon as the member it waits for is heard (a packet, or a CRM message)', () => {
  for (const via of ['packet', 'message'] as const) {
    const {machine, dc, others: [a, b], start: t} = settledDc(3)
    feed(machine, t, {type: 'membership', live: [b!], dead: [a!], heard: {[a!]: t - DEADTIME_MS, [b!]: t - DEADTIME_MS + 150}})
    assert.equal(machine.holdingLosses, true, via)
    const actions = via === 'packet'
      ? feed(machine, t + 60, {type: 'heard', node: b!})
      : feed(machine, t + 60, {type: 'message', from: b!, msg: {crm: 'announce', state: 'not-dc', dc}})
    assert.deepEqual(lostIn(actions), [a], via)
    assert.deepEqual(machine.members, [dc, b], via)
    assert.equal(machine.quorum.state.have, true, via)
    assert.ok(logsOf(actions).some((l) => l.includes(`Acting on the loss of ${a}: the membership has settled`)), via)
  }
})

test('the wait is bounded: a member neither heard nor declared dead for twice the dead time no longer holds the loss', () => {
  const {machine, dc, others: [a, b], start: t} = settledDc(3)
  feed(machine, t, {type: 'membership', live: [b!], dead: [a!], heard: {[a!]: t - DEADTIME_MS, [b!]: t - DEADTIME_MS}})
  assert.equal(machine.nextDeadline() <= t + 2 * DEADTIME_MS, true, 'a tick is asked for by the bound')
  assert.deepEqual(lostIn(feed(machine, t + 2 * DEADTIME_MS - 1, {type: 'tick'})), [], 'not before the bound')
  const actions = feed(machine, t + 2 * DEADTIME_MS, {type: 'tick'})
  assert.deepEqual(lostIn(actions), [a])
  assert.deepEqual(machine.members, [dc, b])
  assert.ok(logsOf(actions).some((l) => l.includes('although')))
})

test('a held node heard again before its loss is acted on is lost, then asked to announce itself (as if reported dead, then alive)', () => {
  const {machine, dc, others: [a, b], start: t} = settledDc(3)
  feed(machine, t, {type: 'membership', live: [b!], dead: [a!], heard: {[a!]: t - DEADTIME_MS, [b!]: t - DEADTIME_MS + 100}})
  // the messaging layer revives a (a partition that healed), then b is heard
  feed(machine, t + 20, {type: 'membership', live: [a!, b!], dead: [], heard: {[a!]: t + 20, [b!]: t - DEADTIME_MS + 100}})
  const actions = feed(machine, t + 40, {type: 'heard', node: b!})
  assert.deepEqual(lostIn(actions), [a])
  assert.deepEqual(machine.members, [dc, b])
  assert.ok(actions.some((x) => x.type === 'send' && x.msg.crm === 'announce' && x.msg.hello === true), 'a is asked to say what it is')
  // a answers: a member again
  feed(machine, t + 50, {type: 'message', from: a!, msg: {crm: 'announce', state: 'not-dc', dc}})
  assert.deepEqual([...machine.members].sort(), [a, b, dc].sort())
})

test('a peer advertising a shorter dead time than ours, killed alone, is lost at its declaration: its own dead time sets the rule, not ours', () => {
  // we run with 6 s, the killed peer advertises 2 s (declared 2 s after its last packet), the healthy one 6 s
  const ours = 6000
  const {machine, dc, others: [a, b], start: t} = settledDc(3, true, 7, ours)
  const actions = feed(machine, t, {type: 'membership', live: [b!], dead: [a!], heard: {[a!]: t - 2000, [b!]: t - KEEPALIVE_MS + 30}, deadtimes: {[a!]: 2000, [b!]: ours}})
  assert.deepEqual(lostIn(actions), [a], `${b} was heard a keepalive ago, 1.8 s after ${a} fell silent: no doubt about it`)
  assert.deepEqual(machine.members, [dc, b])
  assert.equal(machine.quorum.state.have, true)
  assert.ok(!logsOf(actions).some((l) => l.includes('waiting for')), logsOf(actions).join('\n'))
})

test('our link is cut and a silent peer advertises a longer dead time than ours: the bound waits for its declaration (no stale quorum)', () => {
  // ours and a's 2 s, b's 8 s: b is declared 6 s after a, past twice OUR dead time
  const {machine, dc, others: [a, b], start: t} = settledDc(3)
  const heard = {[a!]: t - DEADTIME_MS, [b!]: t - DEADTIME_MS + 10}
  const deadtimes = {[a!]: DEADTIME_MS, [b!]: 8000}
  assert.deepEqual(lostIn(feed(machine, t, {type: 'membership', live: [b!], dead: [a!], heard, deadtimes})), [])
  assert.ok(machine.nextDeadline() > t + 6000, `the bound (${machine.nextDeadline() - t} ms) comes after b's declaration`)
  const ticked = feed(machine, t + 2 * DEADTIME_MS, {type: 'tick'})
  assert.deepEqual(lostIn(ticked), [], `${a}'s loss still waits for ${b}`)
  assert.equal(machine.quorum.state.have, true, 'quorum untouched meanwhile')
  const second = feed(machine, t + 6010, {type: 'membership', live: [], dead: [b!], heard, deadtimes})
  assert.deepEqual(lostIn(second).sort(), [a, b].sort(), 'both losses in one membership change')
  assertNoStaleQuorum(second, true, false, 'second declaration')
  assert.deepEqual(machine.members, [dc])
})

/**
 * Property: some peers fall silent at one instant (our link, a partition, or a kill), each last heard within
 * less than half a dead time of the others; the rest keep being heard every keepalive, late by up to
 * deadtime/2 − keepalive − 60 ms (the claim's bound: the dead check's 50 ms lag included). Each peer
 * advertises a dead time of 1, 2 or 3 times the base one, and so do we (Heartbeat lets them differ). Deaths
 * are declared at last-heard + the peer's dead time + up to 50 ms. Then: no loss is acted on while a silent peer is still counted; all
 * silent peers are lost in the one change at the last declaration (a lone kill: at its own declaration, no
 * wait); the survivors keep the quorum they have.
 */
for (const [KEEPALIVE_MS, DEADTIME_MS] of [[200, 2000], [100, 500]] as const) {
  test(`property (keepalive ${KEEPALIVE_MS} ms, deadtime ${DEADTIME_MS} ms): silent peers are lost together at the last declaration, never with a silent peer counted; healthy peers cause no wait`, () => {
    const spec = fc.record({
      size: fc.constantFrom(3, 5),
      seed: fc.integer({min: 1, max: 1000}),
      silentMask: fc.integer({min: 1, max: 15}),
      spreads: fc.array(fc.integer({min: 0, max: DEADTIME_MS / 2 - 1}), {minLength: 4, maxLength: 4}),
      lags: fc.array(fc.integer({min: 0, max: 50}), {minLength: 4, maxLength: 4}),
      phases: fc.array(fc.integer({min: 0, max: KEEPALIVE_MS - 1}), {minLength: 4, maxLength: 4}),
      jitter: fc.array(fc.integer({min: 0, max: DEADTIME_MS / 2 - KEEPALIVE_MS - 60}), {minLength: 40, maxLength: 40}),
      ownFactor: fc.constantFrom(1, 2, 3),
      factors: fc.array(fc.constantFrom(1, 2, 3), {minLength: 4, maxLength: 4}),
    })
    fc.assert(fc.property(spec, ({size, seed, silentMask, spreads, lags, phases, jitter, ownFactor, factors}) => {
      const {machine, dc, others, start} = settledDc(size, true, seed, DEADTIME_MS * ownFactor)
      const deadtimes = Object.fromEntries(others.map((n, i) => [n, DEADTIME_MS * factors[i]!]))
      const silent = others.filter((_, i) => silentMask & (1 << i))
      if (silent.length === 0) return
      const healthy = others.filter((n) => !silent.includes(n))
      const cut = start + DEADTIME_MS
      const lastHeard = new Map(silent.map((n) => [n, cut - spreads[others.indexOf(n)]!]))
      // each healthy peer's packets: every keepalive, each one late by some jitter
      const beats = new Map(healthy.map((n) => {
        const times: number[] = []
        let at = start + phases[others.indexOf(n)]!
        for (let i = 0; at < cut + 4 * DEADTIME_MS; i++) {
          times.push(at)
          at += KEEPALIVE_MS + jitter[(i + others.indexOf(n) * 7) % jitter.length]!
        }
        return [n, times]
      }))
      const heardAt = (n: string, t: number) => lastHeard.get(n) ?? Math.max(...beats.get(n)!.filter((b) => b <= t))
      const declarations = silent.map((n) => ({at: lastHeard.get(n)! + deadtimes[n]! + lags[others.indexOf(n)]!, node: n})).sort((x, y) => x.at - y.at)
      const packets = healthy.flatMap((n) => beats.get(n)!.filter((b) => b > cut).map((at) => ({at, node: n})))
      const events = [...declarations.map((d) => ({...d, kind: 'dead' as const})), ...packets.map((p) => ({...p, kind: 'heard' as const}))]
        .sort((x, y) => x.at - y.at)
      const declared = new Set<string>()
      const lostAt = new Map<string, number>()
      const quorateAfter = 1 + healthy.length > size / 2
      for (const e of events) {
        let actions: CrmNodeAction[] = []
        if (e.kind === 'dead') {
          declared.add(e.node)
          const heard = Object.fromEntries(others.map((n) => [n, heardAt(n, e.at)]))
          actions = feed(machine, e.at, {type: 'membership', live: others.filter((n) => !declared.has(n)), dead: [e.node], heard, deadtimes})
        } else if (machine.holdingLosses) {
          actions = feed(machine, e.at, {type: 'heard', node: e.node}) // the daemon feeds packets only while losses wait
        }
        for (const n of lostIn(actions)) lostAt.set(n, e.at)
        if (lostIn(actions).length > 0) {
          const stale = silent.filter((n) => machine.members.includes(n))
          assert.deepEqual(stale, [], `lost ${lostIn(actions).join(',')} at ${e.at} with silent ${stale.join(',')} still counted`)
          assertNoStaleQuorum(actions, true, quorateAfter, `at ${e.at}`)
        }
      }
      const last = declarations.at(-1)!.at
      for (const n of silent) assert.equal(lostAt.get(n), last, `${n} lost at the last declaration (${last}), not ${lostAt.get(n)}`)
      assert.deepEqual([...machine.members].sort(), [dc, ...healthy].sort())
      assert.equal(machine.quorum.state.have, quorateAfter)
    }), {numRuns: 60, seed: 901})
  })
}
