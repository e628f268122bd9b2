/**
 * A simulated cluster of CrmNode machines: virtual time, a network that
 * delivers each sender's messages to each receiver in order (as Heartbeat's
 * sequence numbers and retransmissions do) after a random delay, membership
 * events after a detection delay, partitions, kills, restarts from the
 * persisted CIB. No sockets, no timers: everything runs in one call.
 */
import type {Cib, LrmOperation} from '../../../src/formats/cib/model.js'
import type {LrmResourceRef} from '../../../src/runtime/crm/controller-types.js'
import {emptyCib} from '../../../src/formats/cib/model.js'
import {cibVersion, setCibVersion, type CibOp} from '../../../src/runtime/crm/cib-ops.js'
import {CrmNode, type CrmNodeAction, type CrmNodeConfig} from '../../../src/runtime/crm/node.js'
import {encodeCrmMessages, Reassembler, type CrmMessage} from '../../../src/runtime/crm/protocol.js'
import {prng} from '../../helpers/prng.js'


interface SimNode {
  name: string
  up: boolean
  machine?: CrmNode
  /** The persisted configuration (what a restart loads). */
  disk?: Cib
  cpuMs: number
  partition: number
  /** Virtual time it started: the membership layer reports it alive only a while later (Heartbeat's init → up). */
  upSince: number
  replies: Map<string, {ok: boolean; error?: string}>
  reassembler: Reassembler
  dcReady: number
  log: string[]
}

type Event =
  | {at: number; kind: 'deliver'; from: string; to: string; fields: Record<string, string>}
  | {at: number; kind: 'membership'; node: string; died?: string}
  | {at: number; kind: 'tick'; node: string}
type Pending = Event & {seq: number}

export interface SimOptions {
  seed?: number
  /** Message delay range (ms). */
  delay?: [number, number]
  /** Time for membership to notice a change (ms). */
  detectMs?: number
  config?: Partial<CrmNodeConfig>
  /** Fragment size for CRM messages (small by default, to exercise reassembly). */
  fragmentBytes?: number
  /** Initial CIB for a node's first start. */
  initialCib?: (node: string) => Cib
  /** Sees every action a node's machine gives, with that node's replica as it is after them. */
  observe?: (node: string, action: CrmNodeAction, cib: Cib) => void
}

export class CrmSim {
  now = 0
  readonly nodes = new Map<string, SimNode>()
  readonly random: () => number
  private queue: Pending[] = []
  private seq = 0
  private lastDelivery = new Map<string, number>()
  private reqSeq = 0
  private tickAt = new Map<string, number>()
  /** Every version each running node held, to check they never go backwards. */
  readonly violations: string[] = []

  constructor(
    readonly names: string[],
    readonly options: SimOptions = {},
  ) {
    this.random = prng(options.seed ?? 1)
    for (const name of names) this.nodes.set(name, {name, up: false, cpuMs: 0, partition: 0, upSince: 0, replies: new Map(), reassembler: new Reassembler(), dcReady: 0, log: []})
  }

  node(name: string): SimNode {
    return this.nodes.get(name)!
  }

  private push(p: Event): void {
    this.queue.push({...p, seq: this.seq++})
  }

  private connected(a: string, b: string): boolean {
    const x = this.node(a)
    const y = this.node(b)
    return x.up && y.up && x.partition === y.partition
  }

  live(name: string): string[] {
    return this.names.filter((n) => n !== name && this.connected(name, n))
  }

  start(name: string): void {
    const n = this.node(name)
    if (n.up) return
    n.up = true
    n.upSince = this.now
    n.reassembler = new Reassembler()
    n.cpuMs = Math.floor(this.random() * 50)
    const cib = n.disk ? structuredClone(n.disk) : (this.options.initialCib?.(name) ?? emptyCib())
    n.machine = new CrmNode({localNode: name, nodes: this.names, dcVersion: 'sim', dcDeadtimeMs: 2000, electionTimeoutMs: 5000, ...this.options.config}, cib)
    this.apply(n, n.machine.feed({type: 'start', cib, now: this.now, cpuMs: n.cpuMs}))
    this.membershipChanged()
  }

  kill(name: string): void {
    const n = this.node(name)
    if (!n.up) return
    n.up = false
    n.machine = undefined
    this.membershipChanged()
  }

  /** Graceful stop: the machine says it is leaving, then the node goes. */
  stop(name: string): void {
    const n = this.node(name)
    if (!n.up || !n.machine) return
    this.apply(n, n.machine.feed({type: 'shutdown', now: this.now, cpuMs: n.cpuMs}))
    this.run(200)
    this.kill(name)
  }

  partition(groups: string[][]): void {
    groups.forEach((g, i) => g.forEach((n) => (this.node(n).partition = i + 1)))
    this.membershipChanged()
  }

  heal(): void {
    for (const n of this.nodes.values()) n.partition = 0
    this.membershipChanged()
  }

  /**
   * `name`'s messaging layer alone declares `peer` dead (one-way loss, or `name` stalled past deadtime),
   * and sees it alive again a detection delay later; `peer` notices nothing. Messages keep flowing.
   */
  blip(name: string, peer: string): void {
    const detect = this.options.detectMs ?? 50
    this.push({at: this.now, kind: 'membership', node: name, died: peer})
    this.push({at: this.now + detect, kind: 'membership', node: name})
  }

  /** `name`'s executor finished an operation (history entries as the daemon builds them). */
  executed(name: string, resource: LrmResourceRef, ops: LrmOperation[]): void {
    const n = this.node(name)
    if (n.machine) this.apply(n, n.machine.feed({type: 'executed', resource, ops, now: this.now, cpuMs: n.cpuMs}))
  }

  /** A message from `from` to `to` that the network delivered late (after everything already queued on that link). */
  inject(from: string, to: string, msg: CrmMessage): void {
    for (const fields of encodeCrmMessages(msg, to, this.options.fragmentBytes ?? 400)) this.queueDelivery(from, to, fields, 1)
  }

  /** Queues one datagram on a link, after everything already queued there (each link keeps its order). */
  private queueDelivery(from: string, to: string, fields: Record<string, string>, delay: number): void {
    const key = `${from}>${to}`
    const at = Math.max(this.now + delay, this.lastDelivery.get(key) ?? 0)
    this.lastDelivery.set(key, at)
    this.push({at, kind: 'deliver', from, to, fields})
  }

  private membershipChanged(): void {
    const detect = this.options.detectMs ?? 50
    for (const n of this.names) {
      if (!this.node(n).up) continue
      this.push({at: this.now + detect + Math.floor(this.random() * detect), kind: 'membership', node: n})
      // and once more after a newly started node counts as up
      this.push({at: this.now + 3 * detect + Math.floor(this.random() * detect), kind: 'membership', node: n})
    }
  }

  /** Membership as the messaging layer reports it: nodes up for a while are live, unreachable ones dead, new ones neither. */
  private membershipOf(name: string): {live: string[]; dead: string[]} {
    const lag = 2 * (this.options.detectMs ?? 50)
    const others = this.names.filter((n) => n !== name)
    return {
      live: others.filter((n) => this.connected(name, n) && this.now - this.node(n).upSince >= lag),
      dead: others.filter((n) => !this.connected(name, n)),
    }
  }

  submit(name: string, op: CibOp): string {
    const n = this.node(name)
    const id = `r${++this.reqSeq}`
    if (n.machine) this.apply(n, n.machine.feed({type: 'submit', id, op, client: 'sim', now: this.now, cpuMs: n.cpuMs}))
    return id
  }

  private apply(n: SimNode, actions: CrmNodeAction[]): void {
    const [lo, hi] = this.options.delay ?? [1, 5]
    for (const a of actions) {
      if (this.options.observe && n.machine) this.options.observe(n.name, a, n.machine.cib)
      switch (a.type) {
        case 'send': {
          // small fragments, so whole CIBs travel in pieces as large ones do on real media
          for (const fields of encodeCrmMessages(a.msg, a.to, this.options.fragmentBytes ?? 400)) {
            for (const to of this.names) {
              if (to === n.name || (a.to && a.to !== to) || !this.connected(n.name, to)) continue
              this.queueDelivery(n.name, to, fields, lo + Math.floor(this.random() * (hi - lo + 1)))
            }
          }
          break
        }
        case 'persist': {
          const disk = structuredClone(a.cib)
          disk.status = []
          setCibVersion(disk, {...cibVersion(disk), numUpdates: 0})
          delete disk.attributes['dc-uuid']
          n.disk = disk
          break
        }
        case 'reply':
          n.replies.set(a.id, {ok: a.ok, ...(a.error ? {error: a.error} : {})})
          break
        case 'dc-ready':
          n.dcReady++
          break
        case 'log':
          n.log.push(`${this.now} ${a.level} ${a.text}`)
          break
        default:
          break
      }
    }
    if (n.machine) {
      const deadline = Math.max(n.machine.nextDeadline(), this.now)
      if (Number.isFinite(deadline) && this.tickAt.get(n.name) !== deadline) {
        this.tickAt.set(n.name, deadline)
        this.push({at: deadline, kind: 'tick', node: n.name})
      }
    }
  }

  /** Processes events for `ms` of virtual time (or until nothing is left). */
  run(ms = 30_000): void {
    const until = this.now + ms
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq)
      const next = this.queue[0]
      if (!next || next.at > until) break
      this.queue.shift()
      this.now = Math.max(this.now, next.at)
      const target = this.node(next.kind === 'deliver' ? next.to : next.node)
      if (!target.up || !target.machine) continue
      target.cpuMs += 1 + Math.floor(this.random() * 3)
      const before = cibVersion(target.machine.cib)
      const clock = {now: this.now, cpuMs: target.cpuMs}
      if (next.kind === 'deliver') {
        if (!this.connected(next.from, next.to)) continue
        const msg = target.reassembler.accept(next.from, (k) => next.fields[k])
        if (msg) this.apply(target, target.machine.feed({type: 'message', from: next.from, msg, ...clock}))
      } else if (next.kind === 'membership') {
        const membership = this.membershipOf(target.name)
        if (next.died) membership.live = membership.live.filter((n) => n !== next.died)
        this.apply(target, target.machine.feed({type: 'membership', live: membership.live, dead: next.died ? [next.died] : membership.dead, ...clock}))
      } else {
        if (this.tickAt.get(target.name) === next.at) this.tickAt.delete(target.name)
        if (target.machine.nextDeadline() > this.now) continue
        this.apply(target, target.machine.feed({type: 'tick', ...clock}))
      }
      if (!target.machine) continue
      const after = cibVersion(target.machine.cib)
      const back = after.adminEpoch < before.adminEpoch || (after.adminEpoch === before.adminEpoch && (after.epoch < before.epoch || (after.epoch === before.epoch && after.numUpdates < before.numUpdates)))
      if (back) this.violations.push(`${target.name}: CIB went back from ${JSON.stringify(before)} to ${JSON.stringify(after)} at ${this.now}`)
    }
    this.now = Math.max(this.now, until)
  }

  up(): SimNode[] {
    return [...this.nodes.values()].filter((n) => n.up)
  }
}
