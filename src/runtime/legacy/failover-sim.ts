/**
 * A deterministic cluster of failover.ts machines: N nodes, a message bus that
 * can be partitioned, a resource manager per node whose starts succeed unless
 * told to fail, a virtual clock. Pure (no I/O). The caller drives membership
 * as the membership layer would (start, kill, reboot, partition, heal). Used by
 * the legacy runtime's tests (placements and invariants) and by `hakit convert`'s
 * behaviour check (converters/behaviour/v1.ts: every node speaking Heartbeat's
 * protocol).
 */
import {FailoverMachine, type AutoFailback, type FailoverAction, type FailoverConfig, type FailoverEvent, type Message} from './failover.js'

export interface FailoverSimNodeOptions {
  impl?: 'hakit' | 'heartbeat'
  failStart?: string[]
}

export interface FailoverSimNode {
  name: string
  impl: 'hakit' | 'heartbeat'
  machine: FailoverMachine
  running: Set<string>
  starts: Map<string, number>
  failStart: Set<string>
  up: boolean
  logs: string[]
  sent: Message[]
  operator: Array<{ok: boolean; message: string}>
  fenceOk: boolean
  fenced: string[]
  shutdownComplete?: boolean
  /** Counts (re)boots: a new daemon, a new generation. */
  boot: number
}

type Queued = {node: string; event: FailoverEvent}

export class FailoverSim {
  now = 0
  readonly nodes = new Map<string, FailoverSimNode>()
  private queue: Queued[] = []
  /** Nodes that can talk to each other: side id per node. */
  private side = new Map<string, number>()
  /** Every time a group ran on two nodes at once. */
  readonly dualHolds: string[] = []
  /** Heartbeat-protocol nodes that restart once their shutdown completes (split-brain heal). */
  private readonly restartAfterShutdown = new Set<string>()
  /** acquire issued while the group already ran there (should never happen). */
  readonly doubleAcquires: string[] = []
  /** Messages to lose on the way (each rule loses one matching message). */
  private losses: Array<{from: string; to: string; match: (msg: Message) => boolean}> = []

  constructor(
    readonly names: string[],
    readonly groups: Array<{key: string; ownerNode: string}>,
    private readonly options: {autoFailback?: AutoFailback; stonith?: boolean; ipfail?: boolean; perNode?: Record<string, FailoverSimNodeOptions>; timers?: FailoverConfig['timers']} = {},
  ) {
    for (const name of names) this.boot(name, false)
  }

  /** (Re)creates a node's daemon (fresh state); `up` false until start(). */
  boot(name: string, up = true): void {
    const options = this.options.perNode?.[name] ?? {}
    const impl = options.impl ?? 'hakit'
    const machine = new FailoverMachine({
      localNode: name,
      nodes: this.names,
      groups: this.groups,
      autoFailback: this.options.autoFailback ?? 'on',
      stonith: this.options.stonith ?? false,
      ipfail: this.options.ipfail,
      compat: impl === 'heartbeat' ? 'heartbeat' : 'auto',
      timers: this.options.timers,
    })
    const previous = this.nodes.get(name)
    this.nodes.set(name, {name, impl, machine, running: previous?.running ?? new Set(), starts: previous?.starts ?? new Map(), failStart: new Set(options.failStart ?? []), up, logs: [], sent: [], operator: [], fenceOk: true, fenced: [], boot: (previous?.boot ?? 0) + 1})
    this.side.set(name, 0)
  }

  node(name: string): FailoverSimNode {
    return this.nodes.get(name)!
  }

  /** Starts a node: it sees every other up node as active, and tells them it is active; then comms up. */
  start(name: string): void {
    const node = this.node(name)
    node.up = true
    for (const other of this.nodes.values()) {
      if (other.name === name) continue
      const reachable = other.up && this.connected(name, other.name)
      this.push(name, {type: 'node-status', node: other.name, status: reachable ? 'active' : 'dead', impl: reachable ? other.impl : undefined})
      if (reachable) this.push(other.name, {type: 'node-status', node: name, status: 'active', impl: node.impl})
    }
    this.push(name, {type: 'comms-up'})
  }

  /** Power cut: the node vanishes; peers declare it dead (after their deadtime). */
  kill(name: string): void {
    const node = this.node(name)
    node.up = false
    node.running.clear()
    this.queue = this.queue.filter((q) => q.node !== name)
    for (const other of this.nodes.values()) if (other.up && other.name !== name) this.push(other.name, {type: 'node-status', node: name, status: 'dead'})
  }

  /** The node comes back as a fresh daemon with a new generation. */
  reboot(name: string): void {
    this.boot(name, true)
    for (const other of this.nodes.values()) if (other.up && other.name !== name) this.push(other.name, {type: 'peer-restarted', node: name})
    this.start(name)
  }

  /** Splits the cluster; each side declares the other dead. */
  partition(...sides: string[][]): void {
    sides.forEach((members, i) => members.forEach((m) => this.side.set(m, i)))
    for (const a of this.nodes.values()) {
      for (const b of this.nodes.values()) {
        if (a !== b && a.up && b.up && !this.connected(a.name, b.name)) this.push(a.name, {type: 'node-status', node: b.name, status: 'dead'})
      }
    }
  }

  /** Heals the partition. A Heartbeat-protocol node then does what real Heartbeat does: gives everything up and restarts. */
  heal(): void {
    const before = new Map(this.side)
    for (const name of this.names) this.side.set(name, 0)
    for (const node of this.nodes.values()) {
      const wasSplit = this.names.some((other) => before.get(other) !== before.get(node.name) && this.node(other).up)
      if (node.up && node.impl === 'heartbeat' && wasSplit) {
        this.restartAfterShutdown.add(node.name)
        this.push(node.name, {type: 'shutdown'})
      }
    }
    for (const a of this.nodes.values()) {
      for (const b of this.nodes.values()) {
        if (a !== b && a.up && b.up && before.get(a.name) !== before.get(b.name)) this.push(a.name, {type: 'partition-healed', node: b.name})
      }
    }
  }

  /**
   * An attacker's message: `to` receives `msg` as if `from` had sent it (a forged or replayed
   * packet the messaging layer accepted); `from` knows nothing of it.
   */
  forge(from: string, to: string, msg: Message): void {
    if (!this.node(to).up || from === to) return
    this.push(to, {type: 'message', from, msg})
    // the membership layer: a node still heard a dead time after its shutdone contradicts the notice
    if (msg.t === 'shutdone') this.later.push({at: this.now + FailoverSim.DEADTIME_MS, from, to, boot: this.node(from).boot})
  }

  /** The dead time the simulated membership layer applies. */
  static readonly DEADTIME_MS = 1000
  /** Forged shutdown notices to contradict once the sender has been heard a dead time later. */
  private later: Array<{at: number; from: string; to: string; boot: number}> = []

  private deliverLater(): void {
    const due = this.later.filter((l) => l.at <= this.now)
    this.later = this.later.filter((l) => l.at > this.now)
    for (const {from, to, boot} of due) {
      const sender = this.node(from)
      // only while the sender runs the same daemon (a restart is a new generation) and is heard
      if (sender.up && sender.boot === boot && this.node(to).up && this.connected(from, to)) this.push(to, {type: 'notice-contradicted', node: from})
    }
  }

  /** The next message from `from` to `to` that matches is lost (e.g. its sequence number was taken by a forged packet). */
  loseNext(from: string, to: string, match: (msg: Message) => boolean): void {
    this.losses.push({from, to, match})
  }

  private lost(from: string, to: string, msg: Message): boolean {
    const i = this.losses.findIndex((l) => l.from === from && l.to === to && l.match(msg))
    if (i < 0) return false
    this.losses.splice(i, 1)
    return true
  }

  event(name: string, event: FailoverEvent): void {
    this.push(name, event)
  }

  private connected(a: string, b: string): boolean {
    return this.side.get(a) === this.side.get(b)
  }

  private push(node: string, event: FailoverEvent): void {
    this.queue.push({node, event})
  }

  /** Delivers everything queued (and what that causes) until quiet. */
  run(limit = 10_000): void {
    for (let i = 0; i < limit && this.queue.length > 0; i++) {
      const {node: name, event} = this.queue.shift()!
      const node = this.node(name)
      if (!node.up) continue
      this.apply(node, node.machine.handle(event, this.now))
      this.checkDual()
    }
    if (this.queue.length > 0) throw new Error('simulation did not settle')
    for (const name of [...this.restartAfterShutdown]) {
      if (this.node(name).up) continue
      this.restartAfterShutdown.delete(name)
      this.reboot(name)
      this.run(limit)
    }
  }

  /** Moves the clock, delivering ticks to machines whose deadline passed. */
  advance(ms: number, step = 100): void {
    const end = this.now + ms
    while (this.now < end) {
      this.now = Math.min(end, this.now + step)
      for (const node of this.nodes.values()) {
        const deadline = node.machine.nextDeadline()
        if (node.up && deadline !== undefined && deadline <= this.now) this.push(node.name, {type: 'tick'})
      }
      this.deliverLater()
      this.run()
    }
  }

  private apply(node: FailoverSimNode, actions: FailoverAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case 'log': node.logs.push(`${action.level}: ${action.text}`); break
        case 'operator-result': node.operator.push({ok: action.ok, message: action.message}); break
        case 'shutdown-complete': node.shutdownComplete = action.clean; break
        case 'send': {
          node.sent.push(action.msg)
          for (const other of this.nodes.values()) {
            if (other !== node && other.up && this.connected(node.name, other.name) && !this.lost(node.name, other.name, action.msg)) this.push(other.name, {type: 'message', from: node.name, msg: action.msg})
          }
          if (action.msg.t === 'shutdone') {
            // the daemon exits after its notice; peers declare it dead later
            node.up = false
            for (const other of this.nodes.values()) if (other !== node && other.up) this.push(other.name, {type: 'node-status', node: node.name, status: 'dead'})
          }
          break
        }
        case 'acquire': {
          // the resource manager checks status first: a running group is not started again
          if (node.running.has(action.key)) {
            this.doubleAcquires.push(`${node.name}:${action.key}`)
            this.push(node.name, {type: 'acquire-done', key: action.key, ok: true})
          } else if (node.failStart.has(action.key)) {
            this.push(node.name, {type: 'acquire-done', key: action.key, ok: false})
          } else {
            node.running.add(action.key)
            node.starts.set(action.key, (node.starts.get(action.key) ?? 0) + 1)
            this.push(node.name, {type: 'acquire-done', key: action.key, ok: true})
          }
          break
        }
        case 'release':
          node.running.delete(action.key)
          this.push(node.name, {type: 'release-done', key: action.key, ok: true})
          break
        case 'fence':
          node.fenced.push(action.node)
          if (node.fenceOk) {
            const victim = this.node(action.node)
            victim.running.clear()
          }
          this.push(node.name, {type: 'fence-done', node: action.node, ok: node.fenceOk})
          break
      }
    }
  }

  private checkDual(): void {
    for (const {key} of this.groups) {
      const holders = [...this.nodes.values()].filter((n) => n.up && n.running.has(key)).map((n) => n.name)
      if (holders.length > 1 && this.connectedAll(holders)) this.dualHolds.push(`${key}@${holders.join('+')}`)
    }
  }

  private connectedAll(names: string[]): boolean {
    return names.every((n) => this.connected(n, names[0]!))
  }

  /** key → nodes running it. */
  placement(): Record<string, string[]> {
    const result: Record<string, string[]> = {}
    for (const {key} of this.groups) result[key] = [...this.nodes.values()].filter((n) => n.up && n.running.has(key)).map((n) => n.name)
    return result
  }
}
