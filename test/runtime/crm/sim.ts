/**
 * A small in-memory cluster that drives the DC's controller without sockets
 * or agents: every action the controller emits is applied to simulated nodes
 * (agents that behave like ocf:pacemaker:Dummy / Stateful and fence devices),
 * results come back as events, timers fire when the clock is advanced. Used
 * by the controller scenario and property tests.
 *
 * It also watches the invariants the tests assert:
 *  - no operation for a resource on a node while another one is in flight there;
 *  - no start of a (non-clone) resource that is active on another node;
 *  - with fencing, no start of a lost node's resource before that node is fenced.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type * as M from '../../../src/formats/cib/model.js'
import {parseCibXml, printCibXml} from '../../../src/formats/cib/xml.js'
import {Controller} from '../../../src/runtime/crm/controller.js'
import type {ControllerAction, ControllerEvent, FenceLevel, OpRequest, OpResult} from '../../../src/runtime/crm/controller-types.js'
import {applyStatusChanges, nodeIdOf, setTransientAttr} from '../../../src/runtime/crm/history.js'
import {operationDigests} from '../../../src/runtime/executor/digest.js'
import {ExecStatus} from '../../../src/runtime/executor/types.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {prng as mulberry32} from '../../helpers/prng.js'

export type SimRole = 'Started' | 'Unpromoted' | 'Promoted'

interface SimMonitor {
  request: OpRequest
  lastRc: number
  lastRcChange: number
}

interface SimNode {
  name: string
  up: boolean
  /** history id → role */
  active: Map<string, SimRole>
  callId: number
  monitors: Map<string, SimMonitor>
  /** monitors cancelled while a run may still report (random mode delivers such late results) */
  cancelled: Map<string, SimMonitor>
  /** history ids with an operation in flight */
  busy: Set<string>
}

type Delivery =
  | {kind: 'op'; node: string; request: OpRequest}
  | {kind: 'monitor'; node: string; key: string}
  | {kind: 'fence'; id: string; target: string; levels: FenceLevel[]; executor: string}
  | {kind: 'cib-changed'}

export interface FailRule {
  node?: string
  rscId: string
  action: string
  intervalMs?: number
  rc?: number
  status?: ExecStatus
  /** how many times (default once; Infinity = always) */
  times?: number
}

export interface SimOptions {
  cib: M.Cib | string
  /** nodes up at the start (default: every node of the configuration) */
  up?: string[]
  now?: number
  /** pick the next delivery at random (property tests) with this seed; FIFO otherwise */
  seed?: number
  /** the DC (default: the first node up) */
  dc?: string
}


export class SimCluster {
  now: number
  readonly cib: M.Cib
  readonly controller: Controller
  readonly nodes = new Map<string, SimNode>()
  readonly dc: string
  readonly timers = new Map<string, number>()
  readonly queue: Delivery[] = []
  readonly logs: string[] = []
  readonly violations: string[] = []
  /** every operation dispatched: "node rsc action interval" */
  readonly executed: string[] = []
  /** the requests behind `executed` (operations only) */
  readonly requests: Array<{node: string; request: OpRequest}> = []
  readonly fenced: string[] = []
  readonly shutdownsSent: string[] = []
  readonly failRules: FailRule[] = []
  /** operations the node's executor loses (never reports): the controller's action timer must catch them */
  readonly lostOps: FailRule[] = []
  /** when each fencing request was sent */
  readonly fenceTimes: number[] = []
  /** fence devices that fail */
  readonly brokenDevices = new Set<string>()
  /** resources that were active on a node when it was lost, until that node is fenced */
  private readonly lostUnfenced = new Map<string, Set<string>>()
  /** nodes cut off from the DC but still running (a partition), with the history they had */
  readonly isolated = new Map<string, M.LrmResource[]>()
  private readonly random: (() => number) | undefined
  private quorate = true

  constructor(opts: SimOptions) {
    this.cib = typeof opts.cib === 'string' ? parseCibXml(opts.cib, 'sim.xml') : structuredClone(opts.cib)
    this.now = opts.now ?? 1_800_000_000_000
    this.random = opts.seed === undefined ? undefined : mulberry32(opts.seed)
    const up = new Set(opts.up ?? this.cib.nodes.map((n) => n.uname))
    for (const n of this.cib.nodes) this.nodes.set(n.uname, {name: n.uname, up: up.has(n.uname), active: new Map(), callId: 0, monitors: new Map(), cancelled: new Map(), busy: new Set()})
    this.dc = opts.dc ?? [...up][0]
    this.controller = new Controller({localNode: this.dc, controllerUuid: 'sim-dc-uuid', timers: {fenceRetryMs: 2_000, fenceRetryMaxMs: 30_000}})
  }

  get stonithEnabled(): boolean {
    for (const s of this.cib.crmConfig) for (const p of s.pairs) if (p.name === 'stonith-enabled') return /^(true|1|yes|on)$/i.test(p.value ?? '')
    return true
  }

  upNodes(): string[] {
    return [...this.nodes.values()].filter((n) => n.up).map((n) => n.name)
  }

  private computeQuorum(): boolean {
    const total = this.nodes.size
    const up = this.upNodes().filter((n) => !this.isolated.has(n)).length
    return total === 2 ? up >= 1 : up * 2 > total
  }

  // ---------------------------------------------------------------- driving

  /** The most operations/fencings the controller had in flight at once. */
  maxInFlight = 0

  private delivering = false
  private readonly backlog: ControllerEvent[] = []

  /**
   * Feeds an event and carries out the actions. Events that arise while actions are carried out
   * (a CIB announced during an update) wait until the batch is done: the controller is never
   * re-entered, so actions are performed in the order it emitted them.
   */
  deliver(event: ControllerEvent): void {
    this.backlog.push(event)
    if (this.delivering) return
    this.delivering = true
    try {
      for (let next = this.backlog.shift(); next; next = this.backlog.shift()) {
        for (const a of this.controller.handle(next)) this.apply(a)
        this.maxInFlight = Math.max(this.maxInFlight, this.controller.snapshot().inFlight.length)
      }
    } finally {
      this.delivering = false
    }
  }

  start(): void {
    this.quorate = this.computeQuorum()
    this.deliver({type: 'became-dc', now: this.now, cib: structuredClone(this.cib), members: this.upNodes(), quorate: this.quorate})
  }

  private apply(a: ControllerAction): void {
    switch (a.type) {
      case 'log':
        this.logs.push(`${a.level}: ${a.message}`)
        break
      case 'cib-update':
        this.maybeStaleEcho()
        applyStatusChanges(this.cib, a.changes)
        this.bumpUpdates()
        break
      case 'attr-update':
        this.maybeStaleEcho()
        setTransientAttr(this.cib, a.node, a.name, a.value)
        this.bumpUpdates()
        break
      case 'set-timer':
        this.timers.set(a.timer, a.at)
        break
      case 'cancel-timer':
        this.timers.delete(a.timer)
        break
      case 'execute':
        this.dispatch(a.node, a.request)
        break
      case 'cancel-recurring': {
        const n = this.nodes.get(a.node)
        const key = `${a.rscId}_${a.action}_${a.intervalMs}`
        const m = n?.monitors.get(key)
        n?.monitors.delete(key)
        if (n && m && this.random && this.random() < 0.5) {
          // a run already under way reports after the cancel
          n.cancelled.set(key, m)
          this.queue.push({kind: 'monitor', node: n.name, key})
        }
        break
      }
      case 'fence':
        this.executed.push(`fence ${a.target}`)
        this.fenceTimes.push(this.now)
        this.queue.push({kind: 'fence', id: a.id, target: a.target, levels: a.levels, executor: a.executor})
        break
      case 'shutdown-node': {
        this.shutdownsSent.push(a.node)
        const n = this.nodes.get(a.node)
        if (n && n.active.size > 0) this.violations.push(`${a.node} told to shut down with ${[...n.active.keys()].join(',')} active`)
        if (n) {
          n.up = false
          n.monitors.clear()
          this.dropDeliveries(a.node)
          this.deliver({type: 'node-lost', now: this.now, node: a.node})
          this.updateQuorum()
        }
        break
      }
    }
  }

  /**
   * In random mode, sometimes announce the CIB as it is before this update is applied — as a daemon
   * does that announces each applied change while later updates of the same batch are still being
   * submitted. It reaches the controller after the batch.
   */
  private maybeStaleEcho(): void {
    if (this.random && this.random() < 0.15) this.deliver({type: 'cib-changed', now: this.now, cib: structuredClone(this.cib)})
  }

  private bumpUpdates(): void {
    this.cib.attributes.num_updates = String(Number(this.cib.attributes.num_updates ?? 0) + 1)
  }

  private isFenceDevice(rscId: string): boolean {
    return this.agentType(rscId).cls === 'stonith'
  }

  private isCloneInstance(rscId: string): boolean {
    const visit = (r: M.Resource, inClone: boolean): boolean => {
      if (r.kind === 'primitive') return r.id === rscId.replace(/:\d+$/, '') && inClone
      if (r.kind === 'group') return r.children.some((c) => visit(c, inClone))
      return visit(r.child, true)
    }
    return this.cib.resources.some((r) => visit(r, false))
  }

  private dispatch(node: string, request: OpRequest): void {
    const n = this.nodes.get(node)
    this.executed.push(`${node} ${request.rscId} ${request.action} ${request.intervalMs}`)
    this.requests.push({node, request})
    if (!n || !n.up || this.isolated.has(node)) {
      this.violations.push(`operation ${request.rscId}_${request.action} sent to ${node}, which is ${n?.up ? 'cut off' : 'down'}`)
      return
    }
    if (request.intervalMs === 0 && request.action !== 'notify') {
      if (n.busy.has(request.rscId)) this.violations.push(`${request.rscId}_${request.action} on ${node} while another operation is in flight there`)
      n.busy.add(request.rscId)
    }
    if (request.action === 'start' && !this.isCloneInstance(request.rscId)) {
      for (const other of this.nodes.values()) {
        if (other.name !== node && !this.isolated.has(other.name) && other.active.has(request.rscId)) this.violations.push(`start of ${request.rscId} on ${node} while active on ${other.name}`)
      }
      // fence devices need only quorum: they may start before the lost node is fenced
      if (this.stonithEnabled && !this.isFenceDevice(request.rscId)) {
        for (const [lost, rscs] of this.lostUnfenced) {
          if (lost !== node && rscs.has(request.rscId)) this.violations.push(`start of ${request.rscId} on ${node} before ${lost} was fenced`)
        }
      }
    }
    if (request.intervalMs > 0) {
      const key = `${request.rscId}_${request.action}_${request.intervalMs}`
      n.monitors.set(key, {request, lastRc: -1, lastRcChange: 0})
      this.queue.push({kind: 'monitor', node, key})
      return
    }
    const lost = this.lostOps.findIndex((f) => f.rscId === request.rscId && f.action === request.action && (f.node === undefined || f.node === node))
    if (lost >= 0) {
      this.lostOps.splice(lost, 1)
      n.busy.delete(request.rscId)
      return
    }
    this.queue.push({kind: 'op', node, request})
  }

  private dropDeliveries(node: string): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const d = this.queue[i]
      if ((d.kind === 'op' || d.kind === 'monitor') && d.node === node) this.queue.splice(i, 1)
    }
  }

  // ----------------------------------------------------------------- agents

  /** The agent behind a history id; `promotable` when it is in a promotable clone (then it behaves like Stateful). */
  private agentType(rscId: string): {cls: string; type: string; promotable: boolean} {
    const id = rscId.replace(/:\d+$/, '')
    let found: M.Primitive | undefined
    let promotable = false
    const visit = (r: M.Resource, inPromotable: boolean): void => {
      if (r.kind === 'primitive') {
        if (r.id === id) { found = r; promotable = inPromotable }
      } else if (r.kind === 'group') {
        r.children.forEach((c) => visit(c, inPromotable))
      } else {
        const metaPromotable = r.metaAttributes.some((set) => set.pairs.some((p) => p.name === 'promotable' && /^(true|1|yes|on)$/i.test(p.value ?? '')))
        visit(r.child, r.promotable || metaPromotable)
      }
    }
    this.cib.resources.forEach((r) => visit(r, false))
    return {cls: found?.class ?? 'ocf', type: found?.type ?? 'Dummy', promotable}
  }

  private takeFailRule(node: string, request: OpRequest): FailRule | undefined {
    const i = this.failRules.findIndex((f) => f.rscId === request.rscId && f.action === request.action && (f.node === undefined || f.node === node)
      && (f.intervalMs === undefined || f.intervalMs === request.intervalMs))
    if (i < 0) return undefined
    const rule = this.failRules[i]
    const times = (rule.times ?? 1) - 1
    if (times <= 0) this.failRules.splice(i, 1)
    else rule.times = times
    return rule
  }

  private setPromotionScore(node: string, rscId: string, value: string | null): void {
    // crm_master -l reboot: a transient attribute through attrd, which the DC sees as a CIB change
    setTransientAttr(this.cib, node, `master-${rscId.replace(/:\d+$/, '')}`, value)
    this.bumpUpdates()
    this.queue.push({kind: 'cib-changed'})
  }

  /** Runs one operation on a simulated agent: its rc, and the effect on the node. */
  private runAgent(n: SimNode, request: OpRequest): {rc: number; status: ExecStatus} {
    const rule = this.takeFailRule(n.name, request)
    const agent = this.agentType(request.rscId)
    const stateful = agent.type === 'Stateful' || agent.promotable
    const role = n.active.get(request.rscId)
    if (request.action === 'monitor') {
      if (rule) return {rc: rule.rc ?? 1, status: rule.status ?? ExecStatus.Done}
      if (!role) return {rc: 7, status: ExecStatus.Done}
      return {rc: role === 'Promoted' ? 8 : 0, status: ExecStatus.Done}
    }
    if (rule) {
      // a failed start leaves the agent in an unknown state; model it as not running
      if (request.action === 'start') n.active.delete(request.rscId)
      return {rc: rule.rc ?? 1, status: rule.status ?? ExecStatus.Done}
    }
    // ocf:pacemaker:ping sets its attribute (default pingd) to multiplier × reachable hosts: here all of them
    const ping = agent.type === 'ping'
    const pingAttr = request.params.name ?? 'pingd'
    const pingValue = String(Number(request.params.multiplier ?? 1) * (request.params.host_list ?? '').split(/\s+/).filter(Boolean).length)
    switch (request.action) {
      case 'start':
        n.active.set(request.rscId, stateful ? 'Unpromoted' : 'Started')
        if (stateful) this.setPromotionScore(n.name, request.rscId, '5')
        if (ping) this.setAttribute(n.name, pingAttr, pingValue)
        break
      case 'stop':
        n.active.delete(request.rscId)
        if (stateful) this.setPromotionScore(n.name, request.rscId, null)
        if (ping) this.setAttribute(n.name, pingAttr, null)
        break
      case 'migrate_to':
        // the source keeps running it until the stop that follows migrate_from
        break
      case 'migrate_from':
        n.active.set(request.rscId, 'Started')
        break
      case 'promote':
        n.active.set(request.rscId, 'Promoted')
        this.setPromotionScore(n.name, request.rscId, '10')
        break
      case 'demote':
        n.active.set(request.rscId, 'Unpromoted')
        this.setPromotionScore(n.name, request.rscId, '5')
        break
    }
    return {rc: 0, status: ExecStatus.Done}
  }

  private result(n: SimNode, request: OpRequest, rc: number, status: ExecStatus, lastRcChange: number): OpResult {
    n.callId++
    return {
      rscId: request.rscId, action: request.action, intervalMs: request.intervalMs, operationKey: `${request.rscId}_${request.action}_${request.intervalMs}`,
      callId: n.callId, rc, status, exitReason: '', execTimeMs: 1, queueTimeMs: 0, lastRun: Math.floor(this.now / 1000), lastRcChange,
      opDigest: operationDigests(request).opDigest, transitionKey: request.transitionKey, targetRc: request.targetRc ?? 0,
      classification: {class: rc === (request.targetRc ?? 0) ? 'ok' : 'soft', failed: rc !== (request.targetRc ?? 0), text: String(rc)},
      stdoutTail: '', stderrTail: '',
    }
  }

  /** Recurring monitors report only when their rc changes (as pacemaker-execd does for the controller). */
  private rerunMonitors(): void {
    for (const n of this.nodes.values()) {
      if (!n.up || this.isolated.has(n.name)) continue
      for (const [key, m] of n.monitors) {
        const role = n.active.get(m.request.rscId)
        const rc = !role ? 7 : role === 'Promoted' ? 8 : 0
        if (m.lastRc !== -1 && rc !== m.lastRc && !this.queue.some((d) => d.kind === 'monitor' && d.node === n.name && d.key === key)) {
          this.queue.push({kind: 'monitor', node: n.name, key})
        }
      }
    }
  }

  private process(d: Delivery): void {
    switch (d.kind) {
      case 'cib-changed':
        this.deliver({type: 'cib-changed', now: this.now, cib: structuredClone(this.cib)})
        return
      case 'op': {
        const n = this.nodes.get(d.node)!
        n.busy.delete(d.request.rscId)
        const {rc, status} = this.runAgent(n, d.request)
        const lastRcChange = Math.floor(this.now / 1000)
        this.deliver({type: 'op-result', now: this.now, node: d.node, result: this.result(n, d.request, rc, status, lastRcChange)})
        return
      }
      case 'monitor': {
        const n = this.nodes.get(d.node)!
        const late = n.monitors.has(d.key) ? undefined : n.cancelled.get(d.key)
        if (late) {
          n.cancelled.delete(d.key)
          const rc = !n.active.get(late.request.rscId) ? 7 : n.active.get(late.request.rscId) === 'Promoted' ? 8 : 0
          this.deliver({type: 'op-result', now: this.now, node: d.node, result: this.result(n, late.request, rc, ExecStatus.Done, Math.floor(this.now / 1000))})
          return
        }
        const m = n.monitors.get(d.key)
        if (!m) return
        const {rc, status} = this.runAgent(n, m.request)
        if (rc === m.lastRc) return
        m.lastRc = rc
        m.lastRcChange = Math.floor(this.now / 1000)
        this.deliver({type: 'op-result', now: this.now, node: d.node, result: this.result(n, m.request, rc, status, m.lastRcChange)})
        return
      }
      case 'fence': {
        const ok = d.levels.some((l) => l.devices.every((dev) => !this.brokenDevices.has(dev.device)))
        if (ok) {
          this.fenced.push(d.target)
          this.lostUnfenced.delete(d.target)
        }
        this.deliver({type: 'fence-result', now: this.now, id: d.id, target: d.target, ok, executedBy: d.executor, ...(ok ? {} : {reason: 'Agent returned error'})})
        const n = this.nodes.get(d.target)
        if (ok && n && this.isolated.delete(d.target)) {
          n.up = false
          n.active.clear()
          n.monitors.clear()
        } else if (ok && n?.up) {
          this.powerOff(n)
        }
        return
      }
    }
  }

  private powerOff(n: SimNode): void {
    n.up = false
    n.active.clear()
    n.monitors.clear()
    n.cancelled.clear()
    n.busy.clear()
    this.dropDeliveries(n.name)
    this.deliver({type: 'node-lost', now: this.now, node: n.name})
    this.updateQuorum()
  }

  private updateQuorum(): void {
    const q = this.computeQuorum()
    if (q !== this.quorate) {
      this.quorate = q
      this.deliver({type: 'quorum', now: this.now, quorate: q})
    }
  }

  /** One delivery, or the next timer due before `until`; false when there is nothing to do. */
  step(until: number): boolean {
    this.rerunMonitors()
    if (this.queue.length > 0) {
      const i = this.random ? Math.floor(this.random() * this.queue.length) : 0
      const [d] = this.queue.splice(i, 1)
      this.now += 1
      this.process(d)
      return true
    }
    let next: [string, number] | undefined
    for (const t of this.timers) if (!next || t[1] < next[1]) next = t
    if (!next || next[1] > until) return false
    this.timers.delete(next[0])
    this.now = Math.max(this.now, next[1])
    this.deliver({type: 'timer-fired', now: this.now, timer: next[0]})
    return true
  }

  /** Processes deliveries (and timers due within `horizonMs`) until nothing is left. */
  run(horizonMs = 120_000, maxSteps = 20_000): void {
    const until = this.now + horizonMs
    for (let step = 0; step < maxSteps; step++) if (!this.step(until)) return
    throw new Error(`simulation did not settle in ${maxSteps} steps; last logs:\n${this.logs.slice(-30).join('\n')}`)
  }

  /** At most `steps` deliveries (an event may then arrive mid-transition). */
  runSteps(steps: number, horizonMs = 120_000): void {
    const until = this.now + horizonMs
    for (let i = 0; i < steps; i++) if (!this.step(until)) return
  }

  // ----------------------------------------------------------------- events

  /** Power cut of a node (an unclean loss). */
  crash(node: string): void {
    const n = this.nodes.get(node)!
    if (this.isolated.delete(node)) {
      n.up = false
      n.active.clear()
      n.monitors.clear()
      return
    }
    if (this.stonithEnabled && n.active.size > 0) this.lostUnfenced.set(node, new Set(n.active.keys()))
    this.powerOff(n)
  }

  /** The node loses contact with the DC but keeps running what it runs (no fencing: both sides act). */
  partition(node: string): void {
    const n = this.nodes.get(node)!
    this.isolated.set(node, structuredClone(this.cib.status.find((ns) => ns.uname === node)?.lrmResources ?? []))
    this.dropDeliveries(node)
    n.busy.clear()
    if (this.stonithEnabled && n.active.size > 0) this.lostUnfenced.set(node, new Set(n.active.keys()))
    this.deliver({type: 'node-lost', now: this.now, node})
    this.updateQuorum()
  }

  /** The partition heals: the node joins again and reports the history its executor kept. */
  heal(node: string): void {
    const history = this.isolated.get(node)
    if (!history) return
    this.isolated.delete(node)
    if (!this.nodes.get(node)!.up) return
    // the DC sees its resources again and stops what must not run there
    this.lostUnfenced.delete(node)
    this.deliver({type: 'node-joined', now: this.now, node, history})
    this.updateQuorum()
  }

  /** The node's resource dies (the next monitor sees it). */
  kill(node: string, rscId: string): void {
    this.nodes.get(node)!.active.delete(rscId)
  }

  join(node: string): void {
    const n = this.nodes.get(node)!
    n.up = true
    n.callId = 0
    // it came back empty (a fresh executor): recovering its resources elsewhere is safe now
    this.lostUnfenced.delete(node)
    this.deliver({type: 'node-joined', now: this.now, node, history: []})
    this.updateQuorum()
  }

  shutdown(node: string): void {
    this.deliver({type: 'shutdown-request', now: this.now, node})
  }

  /** A transient attribute set on a node by an agent or attrd_updater (ocf:pacemaker:ping's pingd, …). */
  setAttribute(node: string, name: string, value: string | null): void {
    setTransientAttr(this.cib, node, name, value)
    this.bumpUpdates()
    this.queue.push({kind: 'cib-changed'})
  }

  /** Replaces the configuration (as a configuration change replicated from another node would). */
  reconfigure(edit: (cib: M.Cib) => void): void {
    edit(this.cib)
    this.cib.attributes.epoch = String(Number(this.cib.attributes.epoch ?? 0) + 1)
    this.cib.attributes.num_updates = '0'
    this.queue.push({kind: 'cib-changed'})
  }

  // ------------------------------------------------------------- inspection

  /** Where each resource (history id) is active, from the simulated nodes: "rsc" → ["n1:Started"]. */
  placements(): Map<string, string[]> {
    const out = new Map<string, string[]>()
    for (const n of this.nodes.values()) {
      for (const [rsc, role] of n.active) out.set(rsc, [...(out.get(rsc) ?? []), `${n.name}:${role}`].sort())
    }
    return out
  }

  activeOn(rscId: string): string[] {
    return [...this.nodes.values()].filter((n) => n.active.has(rscId)).map((n) => n.name)
  }

  roleOn(node: string, rscId: string): SimRole | undefined {
    return this.nodes.get(node)?.active.get(rscId)
  }

  /** The recorded CIB as the scheduler would read it (quorum and DC as the cluster has them). */
  recordedCib(): M.Cib {
    const cib = structuredClone(this.cib)
    // as the daemon keeps the live CIB: the cluster's feature set, quorum and DC
    cib.attributes.crm_feature_set = '3.16.1'
    cib.attributes['have-quorum'] = this.quorate ? '1' : '0'
    cib.attributes['dc-uuid'] = nodeIdOf(cib, this.dc)
    return cib
  }

  /** What hakit's scheduler would still do with the recorded CIB (empty once settled): runnable graph actions. */
  pendingActions(): string[] {
    // do_shutdown: the controller sends a leaving node's shutdown itself, once nothing runs there
    return schedule(this.recordedCib(), {now: this.now}).actions.filter((a) => !a.pseudo && a.task !== 'do_shutdown').map((a) => `${a.task} ${a.resource ?? ''} ${a.interval} ${a.node ?? ''}`)
  }
}

function section(lines: string[], title: string): string[] {
  const start = lines.findIndex((l) => l.startsWith(title))
  const out: string[] = []
  for (let i = start + 1; start >= 0 && i < lines.length; i++) {
    if (lines[i].trim() === '' || /^[A-Z]/.test(lines[i])) break
    out.push(lines[i].trim())
  }
  return out
}

/**
 * Runs the real crm_simulate on a CIB: its Transition Summary and the actions it would execute
 * (recurring monitors included), or undefined if it is not installed.
 */
export function crmSimulate(cib: M.Cib, extraArgs: string[] = []): {summary: string[]; executing: string[]; output: string} | undefined {
  if (spawnSync('sh', ['-c', 'command -v crm_simulate'], {encoding: 'utf8'}).status !== 0) return undefined
  const dir = mkdtempSync(join(tmpdir(), 'hakit-crm2-'))
  try {
    const file = join(dir, 'cib.xml')
    writeFileSync(file, printCibXml(cib))
    const r = spawnSync('crm_simulate', ['-x', file, '-S', ...extraArgs], {encoding: 'utf8', timeout: 60_000})
    const lines = r.stdout.split('\n')
    return {summary: section(lines, 'Transition Summary:'), executing: section(lines, 'Executing Cluster Transition:'), output: r.stdout + r.stderr}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

/** crm_verify -x on a CIB: exit status and output (undefined when it is not installed). */
export function crmVerify(cib: M.Cib): {status: number | null; output: string} | undefined {
  if (spawnSync('sh', ['-c', 'command -v crm_verify'], {encoding: 'utf8'}).status !== 0) return undefined
  const dir = mkdtempSync(join(tmpdir(), 'hakit-crm2-'))
  try {
    const file = join(dir, 'cib.xml')
    writeFileSync(file, printCibXml(cib))
    const r = spawnSync('crm_verify', ['-x', file, '-V'], {encoding: 'utf8', timeout: 60_000})
    return {status: r.status, output: r.stdout + r.stderr}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
