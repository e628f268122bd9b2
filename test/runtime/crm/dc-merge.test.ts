/**
 * Two CRM node machines wired by hand, so the message order that hung the
 * loopback promotable-clone test under CPU load can be replayed exactly: the
 * non-DC misses the DC's heartbeats for a moment (a stall), declares it dead,
 * becomes DC of its own and sees it back at once; the old DC noticed nothing.
 * The old DC then meets the new one's vote, its `dc` announce and its join
 * offer, in that order. Before the fix the old DC took the offer (dropping the
 * candidacy the other side had just conceded to): no DC on either node until
 * election-timeout (2 minutes). Asserts one DC, followed by the other node,
 * within a few seconds of simulated time — far below election-timeout.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {emptyCib} from '../../../src/formats/cib/model.js'
import {CrmNode, DEFAULT_ELECTION_TIMEOUT_MS, type CrmNodeAction, type CrmNodeEvent} from '../../../src/runtime/crm/node.js'
import type {CrmMessage} from '../../../src/runtime/crm/protocol.js'
import {prng} from '../../helpers/prng.js'

type Input = CrmNodeEvent extends infer E ? (E extends unknown ? Omit<E, 'now' | 'cpuMs'> : never) : never

class Pair {
  now = 0
  readonly names = ['n1', 'n2']
  readonly machines = new Map<string, CrmNode>()
  /** per direction, in order (Heartbeat's ucast on one link keeps the order) */
  readonly links = new Map<string, CrmMessage[]>([['n1>n2', []], ['n2>n1', []]])
  readonly log: string[] = []
  /** n1 has used more CPU: it wins every election it takes part in */
  private readonly cpu: Record<string, number> = {n1: 100, n2: 50}

  constructor() {
    for (const n of this.names) {
      this.machines.set(n, new CrmNode({localNode: n, nodes: this.names, dcVersion: 'test', dcDeadtimeMs: 2000, electionTimeoutMs: DEFAULT_ELECTION_TIMEOUT_MS}, emptyCib()))
      this.feed(n, {type: 'start', cib: emptyCib()})
    }
  }

  feed(name: string, event: Input): void {
    const actions: CrmNodeAction[] = this.machines.get(name)!.feed({...event, now: this.now, cpuMs: this.cpu[name]!} as CrmNodeEvent)
    for (const a of actions) {
      if (a.type === 'send') for (const to of this.names) if (to !== name && (!a.to || a.to === to)) this.links.get(`${name}>${to}`)!.push(structuredClone(a.msg))
      if (a.type === 'log' && a.level !== 'debug') this.log.push(`${this.now} ${name}: ${a.text}`)
    }
  }

  /** Delivers everything queued on one link, in order. */
  flush(from: string, to: string): void {
    const q = this.links.get(`${from}>${to}`)!
    while (q.length > 0) this.feed(to, {type: 'message', from, msg: q.shift()!})
  }

  /** Delivers queued messages in a random interleaving of the two links (each link in order); ticks every 100 ms when idle. */
  run(ms: number, random: () => number): void {
    const until = this.now + ms
    while (this.now < until) {
      const ready = [...this.links].filter(([, q]) => q.length > 0)
      if (ready.length === 0) {
        this.now += 100
        for (const n of this.names) this.feed(n, {type: 'tick'})
        continue
      }
      this.now += 1
      const [key, q] = ready[Math.floor(random() * ready.length)]!
      const [from, to] = key.split('>') as [string, string]
      this.feed(to, {type: 'message', from, msg: q.shift()!})
    }
  }

  dcs(): string[] {
    return this.names.filter((n) => this.machines.get(n)!.state === 'dc')
  }
}

test('a DC that missed nothing meets a peer that declared it dead and came back as DC: one DC again at once, not after election-timeout', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const random = prng(seed)
    const pair = new Pair()
    pair.feed('n1', {type: 'membership', live: ['n2']})
    pair.feed('n2', {type: 'membership', live: ['n1']})
    pair.run(5000, random)
    assert.deepEqual(pair.dcs(), ['n1'], `seed ${seed}: n1 (more CPU time) is DC after the cold start\n${pair.log.join('\n')}`)

    // n2 stalls: n1 is dead to it, then alive again; n1 saw nothing
    pair.feed('n2', {type: 'membership', live: [], dead: ['n1']})
    pair.feed('n2', {type: 'membership', live: ['n1']})
    // n1 receives n2's vote, its announce as DC and its join offer before n2 hears anything from n1
    pair.flush('n2', 'n1')
    pair.run(5000, random)

    const label = `seed ${seed}\n${pair.log.join('\n')}`
    assert.equal(pair.dcs().length, 1, `one DC again well before election-timeout: ${label}`)
    const dc = pair.dcs()[0]!
    for (const n of pair.names) assert.equal(pair.machines.get(n)!.dc, dc, `${n} follows ${dc}: ${label}`)
    assert.ok(pair.machines.get(dc)!.members.length === 2, `both nodes are members: ${label}`)
  }
})
