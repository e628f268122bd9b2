/**
 * The v1 side of the behaviour check: the failover machine `hakit run
 * --legacy` uses (src/runtime/legacy/failover.ts), one per node in
 * Heartbeat-compatible mode, connected by an in-memory message bus with a
 * virtual clock and a resource manager whose starts succeed unless told to
 * fail. Pure and deterministic: the scenario in, where each group ends up out.
 */
import {FailoverMachine, type AutoFailback, type FailoverAction, type FailoverEvent} from '../../runtime/legacy/failover.js'

export interface V1Cluster {
  nodes: string[]
  /** Placement units in haresources order: the key is the unit id, owner its haresources node. */
  groups: Array<{key: string; owner: string}>
  autoFailback: AutoFailback
  stonith: boolean
}

interface Member {
  name: string
  machine: FailoverMachine
  up: boolean
  running: Set<string>
  failStart: Set<string>
}

/** Heartbeat's deadtime and RQSTDELAY are covered by advancing the clock well past them. */
const SETTLE_MS = 120_000

export class V1Simulation {
  private now = 0
  private readonly members = new Map<string, Member>()
  private queue: Array<{node: string; event: FailoverEvent}> = []
  private readonly side = new Map<string, number>()

  constructor(private readonly cluster: V1Cluster, failStart: Record<string, string[]> = {}) {
    for (const name of cluster.nodes) {
      this.boot(name, false)
      for (const key of failStart[name] ?? []) this.member(name).failStart.add(key)
    }
  }

  private boot(name: string, up: boolean): void {
    const previous = this.members.get(name)
    const machine = new FailoverMachine({
      localNode: name,
      nodes: this.cluster.nodes,
      groups: this.cluster.groups.map((g) => ({key: g.key, ownerNode: g.owner})),
      autoFailback: this.cluster.autoFailback,
      stonith: this.cluster.stonith,
      compat: 'heartbeat',
    })
    this.members.set(name, {name, machine, up, running: previous?.running ?? new Set(), failStart: previous?.failStart ?? new Set()})
    this.side.set(name, 0)
  }

  private member(name: string): Member {
    return this.members.get(name)!
  }

  private connected(a: string, b: string): boolean {
    return this.side.get(a) === this.side.get(b)
  }

  private push(node: string, event: FailoverEvent): void {
    this.queue.push({node, event})
  }

  /** A node starts heartbeat: it hears every reachable node, they hear it. */
  start(name: string): void {
    const m = this.member(name)
    m.up = true
    for (const other of this.members.values()) {
      if (other.name === name) continue
      const reachable = other.up && this.connected(name, other.name)
      this.push(name, {type: 'node-status', node: other.name, status: reachable ? 'active' : 'dead', impl: reachable ? 'heartbeat' : undefined})
      if (reachable) this.push(other.name, {type: 'node-status', node: name, status: 'active', impl: 'heartbeat'})
    }
    this.push(name, {type: 'comms-up'})
  }

  /** The node dies (power cut): its resources are gone, the others declare it dead. */
  kill(name: string): void {
    const m = this.member(name)
    m.up = false
    m.running.clear()
    this.queue = this.queue.filter((q) => q.node !== name)
    for (const other of this.members.values()) if (other.up && other.name !== name) this.push(other.name, {type: 'node-status', node: name, status: 'dead'})
  }

  /** The node comes back with a fresh daemon. */
  reboot(name: string): void {
    this.boot(name, true)
    for (const other of this.members.values()) if (other.up && other.name !== name) this.push(other.name, {type: 'peer-restarted', node: name})
    this.start(name)
  }

  partition(sides: string[][]): void {
    sides.forEach((members, i) => members.forEach((m) => this.side.set(m, i)))
    for (const a of this.members.values()) {
      for (const b of this.members.values()) {
        if (a !== b && a.up && b.up && !this.connected(a.name, b.name)) this.push(a.name, {type: 'node-status', node: b.name, status: 'dead'})
      }
    }
  }

  event(name: string, event: FailoverEvent): void {
    this.push(name, event)
  }

  /** Delivers events and lets the clock run until nothing is pending. */
  settle(): void {
    this.drain()
    const end = this.now + SETTLE_MS
    while (this.now < end) {
      this.now += 500
      for (const m of this.members.values()) {
        const deadline = m.machine.nextDeadline()
        if (m.up && deadline !== undefined && deadline <= this.now) this.push(m.name, {type: 'tick'})
      }
      this.drain()
    }
  }

  private drain(): void {
    for (let i = 0; i < 100_000 && this.queue.length > 0; i++) {
      const {node, event} = this.queue.shift()!
      const m = this.member(node)
      if (!m.up) continue
      this.apply(m, m.machine.handle(event, this.now))
    }
  }

  private apply(m: Member, actions: FailoverAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case 'send':
          for (const other of this.members.values()) {
            if (other !== m && other.up && this.connected(m.name, other.name)) this.push(other.name, {type: 'message', from: m.name, msg: action.msg})
          }
          if (action.msg.t === 'shutdone') {
            m.up = false
            for (const other of this.members.values()) if (other !== m && other.up) this.push(other.name, {type: 'node-status', node: m.name, status: 'dead'})
          }
          break
        case 'acquire': {
          const ok = m.running.has(action.key) || !m.failStart.has(action.key)
          if (ok) m.running.add(action.key)
          this.push(m.name, {type: 'acquire-done', key: action.key, ok})
          break
        }
        case 'release':
          m.running.delete(action.key)
          this.push(m.name, {type: 'release-done', key: action.key, ok: true})
          break
        case 'fence':
          this.member(action.node).running.clear()
          this.push(m.name, {type: 'fence-done', node: action.node, ok: true})
          break
        default:
          break
      }
    }
  }

  /** Group key → nodes running it, sorted. */
  placement(): Record<string, string[]> {
    const out: Record<string, string[]> = {}
    for (const {key} of this.cluster.groups) out[key] = [...this.members.values()].filter((m) => m.up && m.running.has(key)).map((m) => m.name).sort()
    return out
  }
}
