/**
 * Fencing decisions (pacemaker-fenced's part the DC needs), pure:
 *  - which devices can fence a node and in which order (fencing-topology
 *    levels, else every capable device as a level of its own), with the
 *    fence agent's stdin parameters (reference §6.2);
 *  - which node runs them (never the target while another member is up);
 *  - retry back-off after a failed fencing (the DC recovers nothing of that
 *    node's meanwhile: its stops are implied by the fence);
 *  - FenceRun: stepping through the levels of one request, for the driver.
 * Reference: shared/reference/pacemaker-runtime.md §6.
 */
import type * as M from '../../formats/cib/model.js'
import {parseXmlTree, type XmlElement} from '../../formats/cib/xml.js'
import {nvsetValues} from '../scheduler/resources.js'
import {intervalMs} from '../scheduler/scores.js'
import type {ResourceClass, OpRequest} from '../executor/types.js'
import type {FenceLevel} from './controller-types.js'

export interface FencingTopologyLevel {
  index: number
  /** target="n1"; target-pattern; target-attribute=name + target-value */
  target?: string
  targetPattern?: string
  targetAttribute?: string
  targetValue?: string
  devices: string[]
}

/** The fencing-topology section (kept as raw XML by the CIB model). */
export function fencingTopology(cib: M.Cib): FencingTopologyLevel[] {
  const raw = cib.otherSections.find((s) => s.name === 'fencing-topology')
  if (!raw) return []
  let root: XmlElement
  try {
    root = parseXmlTree(raw.xml, 'fencing-topology')
  } catch {
    return []
  }
  const levels: FencingTopologyLevel[] = []
  for (const el of root.children) {
    if (el.name !== 'fencing-level') continue
    const a = el.attrs
    levels.push({
      index: Number(a.index ?? 0), target: a.target, targetPattern: a['target-pattern'],
      targetAttribute: a['target-attribute'], targetValue: a['target-value'],
      devices: (a.devices ?? '').split(',').map((d) => d.trim()).filter(Boolean),
    })
  }
  return levels.sort((x, y) => x.index - y.index)
}

function stonithPrimitives(cib: M.Cib): M.Primitive[] {
  const out: M.Primitive[] = []
  const visit = (r: M.Resource): void => {
    if (r.kind === 'primitive') { if (r.class === 'stonith') out.push(r) }
    else if (r.kind === 'group') r.children.forEach(visit)
    else visit(r.child)
  }
  cib.resources.forEach(visit)
  return out
}

/** pcmk_host_map "n1:p1;n2:p2,p3" → the port(s) for a node. */
function hostMapPort(map: string | undefined, node: string): string | undefined {
  for (const entry of (map ?? '').split(/[;\s]+/)) {
    const i = entry.indexOf(':') >= 0 ? entry.indexOf(':') : entry.indexOf('=')
    if (i > 0 && entry.slice(0, i) === node) return entry.slice(i + 1)
  }
  return undefined
}

/** Can this device fence the node (pcmk_host_check)? Without a list we assume it can (dynamic-list is the agent's business). */
export function deviceCanFence(params: Map<string, string>, node: string): boolean {
  const check = params.get('pcmk_host_check')
  const list = params.get('pcmk_host_list')
  const map = params.get('pcmk_host_map')
  if (check === 'none') return true
  if (check === 'static-list' || ((list !== undefined || map !== undefined) && check === undefined)) {
    return (list ?? '').split(/[\s,;]+/).includes(node) || hostMapPort(map, node) !== undefined
  }
  return true
}

function levelMatches(level: FencingTopologyLevel, cib: M.Cib, node: string): boolean {
  if (level.target !== undefined) return level.target === node
  if (level.targetPattern !== undefined) {
    try { return new RegExp(level.targetPattern).test(node) } catch { return false }
  }
  if (level.targetAttribute !== undefined) {
    const n = cib.nodes.find((x) => x.uname === node)
    return nvsetValues(n?.instanceAttributes ?? []).get(level.targetAttribute) === level.targetValue
  }
  return false
}

/**
 * The request for one fence device: the device's parameters as configured (the executor leaves
 * pcmk_* off the agent's stdin and passes the target as `nodename` and under pcmk_host_argument —
 * or `plug` when the agent's meta-data says so — mapped through pcmk_host_map), the target,
 * `nodeid`, and pcmk_<action>_action / pcmk_<action>_timeout applied.
 */
export function fenceRequest(device: M.Primitive, target: string, action: string, timeoutMs: number, nodeId?: string): OpRequest {
  const params: Record<string, string> = {}
  for (const [k, v] of nvsetValues(device.instanceAttributes)) params[k] = v
  if (nodeId !== undefined) params.nodeid = nodeId
  const renamed = params[`pcmk_${action}_action`] ?? action
  const perAction = intervalMs(params[`pcmk_${action}_timeout`])
  return {
    rscId: device.id, agent: {class: 'stonith' as ResourceClass, type: device.type}, action: renamed, intervalMs: 0,
    timeoutMs: perAction ?? timeoutMs, params, fenceTarget: target,
  }
}

/** The port a device uses for a node (pcmk_host_map), else the node name. */
export function fencePort(request: OpRequest): string | undefined {
  if (request.fenceTarget === undefined) return undefined
  return hostMapPort(request.params.pcmk_host_map, request.fenceTarget) ?? request.fenceTarget
}

/** The levels to try, in order, to fence `target`. Empty when no device can. */
export function fencePlan(cib: M.Cib, target: string, action: string, timeoutMs: number): FenceLevel[] {
  const devices = new Map(stonithPrimitives(cib).map((p) => [p.id, p]))
  const nodeId = cib.nodes.find((n) => n.uname === target)?.id
  const topology = fencingTopology(cib).filter((l) => levelMatches(l, cib, target))
  if (topology.length > 0) {
    return topology
      .map((l) => ({index: l.index, devices: l.devices.filter((d) => devices.has(d)).map((d) => ({device: d, request: fenceRequest(devices.get(d)!, target, action, timeoutMs, nodeId)}))}))
      .filter((l) => l.devices.length > 0)
  }
  const capable = [...devices.values()].filter((p) => deviceCanFence(nvsetValues(p.instanceAttributes), target))
  // Without a topology, the fencer tries capable devices one by one (by pcmk_priority, then configuration order).
  capable.sort((a, b) => Number(nvsetValues(b.instanceAttributes).get('pcmk_priority') ?? 0) - Number(nvsetValues(a.instanceAttributes).get('pcmk_priority') ?? 0))
  return capable.map((p, i) => ({index: i + 1, devices: [{device: p.id, request: fenceRequest(p, target, action, timeoutMs, nodeId)}]}))
}

/** The node that runs the fence devices: the DC itself unless it is the target, else the first other member. */
export function fenceExecutor(members: Iterable<string>, dc: string, target: string): string | undefined {
  if (dc !== target) return dc
  for (const m of members) if (m !== target) return m
  return undefined
}

/** Delay before fencing `target` again after `failures` consecutive failures (doubling, capped). */
export function fenceRetryDelay(failures: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, failures - 1))
}

/**
 * One fencing request, level by level: every device of a level must succeed;
 * a failing device moves on to the next level; the request fails when no
 * level is left. The driver runs `next()`'s request and reports `result()`.
 */
export class FenceRun {
  private level = 0
  private device = 0

  constructor(readonly levels: FenceLevel[]) {}

  /** The next device operation to run, or the outcome when there is none. */
  next(): {request: OpRequest; device: string; level: number} | {done: true; ok: boolean} {
    if (this.levels.length === 0) return {done: true, ok: false}
    if (this.level >= this.levels.length) return {done: true, ok: false}
    const lvl = this.levels[this.level]
    if (this.device >= lvl.devices.length) return {done: true, ok: true}
    const d = lvl.devices[this.device]
    return {request: d.request, device: d.device, level: lvl.index}
  }

  result(ok: boolean): void {
    if (ok) {
      this.device++
      return
    }
    this.level++
    this.device = 0
  }
}

/** How long a fencing nobody recorded is remembered: past an election and a join round, not longer. */
export const FENCED_NODE_MEMORY_MS = 5 * 60_000

/**
 * Keeps a fenced target's entry until the target is seen out of the membership and then back in it:
 * a node that came back is not fenced any more. Called with the current members whenever they may
 * have changed.
 */
function forgetReturnedTargets(entries: Map<string, {seenGone: boolean}>, members: ReadonlySet<string>): void {
  for (const [target, entry] of entries) {
    if (!members.has(target)) entry.seenGone = true
    else if (entry.seenGone) entries.delete(target)
  }
}

/**
 * Successful fencings this node learnt of while it was not DC (Pacemaker's stonith cleanup list,
 * fed by the fencer's result broadcast). A DC that fenced itself, or that died before it recorded a
 * fencing it ordered, never writes the result to the CIB: the next DC would see the node lost
 * uncleanly and fence it again. The new DC takes this list and marks those nodes cleanly down.
 * An entry is only good until the next DC is in place, so it is forgotten when the target is seen
 * gone and back, when this node follows another DC than the one it followed when it heard the
 * result (that DC heard the same broadcast), and after FENCED_NODE_MEMORY_MS.
 */
export class FencedNodes {
  private readonly targets = new Map<string, {at: number; dc: string | undefined; seenGone: boolean}>()

  /** `dc`: the DC this node follows as it hears the result (undefined: none). */
  record(target: string, now: number, dc: string | undefined): void {
    this.targets.set(target, {at: now, dc, seenGone: false})
  }

  /** Called with the current members whenever they may have changed. */
  membership(members: ReadonlySet<string>): void {
    forgetReturnedTargets(this.targets, members)
  }

  /** This node now follows `dc` (another node): it records what it heard of before it, if anything needs it. */
  following(dc: string): void {
    for (const [target, entry] of this.targets) if (entry.dc !== dc) this.targets.delete(target)
  }

  /** On becoming DC: the fenced nodes that are not members now; the list is emptied (the DC records them). */
  takeover(members: ReadonlySet<string>, now: number): string[] {
    const fenced = [...this.targets].filter(([t, e]) => !members.has(t) && now - e.at <= FENCED_NODE_MEMORY_MS).map(([t]) => t).sort()
    this.targets.clear()
    return fenced
  }
}

/** Actions that power a node down: a success of either leaves it without its resources. */
const isPowerDown = (action: string): boolean => action === 'reboot' || action === 'off'

export type FencerEvent =
  /** A DC asks this node to fence `target` (its `fence` action, or the wire message from the DC). */
  | {type: 'request'; id: string; target: string; action: string; now: number}
  /** This node's own run of request `id` ended. */
  | {type: 'run-done'; id: string; ok: boolean; reason?: string; now: number}
  /** A fencing result another node broadcast. */
  | {type: 'heard'; id: string; target: string; action?: string; ok: boolean; executedBy: string; now: number}
  /** The current members, whenever they may have changed. */
  | {type: 'membership'; members: ReadonlySet<string>}

export type FencerAction =
  /** Run the request's fence devices (then report `run-done`). */
  | {type: 'run'; id: string; target: string}
  /** The request's result: broadcast it with the request's id. `answeredFrom`: the request or fencing whose result it is. */
  | {type: 'answer'; id: string; target: string; ok: boolean; reason?: string; executedBy: string; answeredFrom: string}
  | {type: 'log'; level: 'notice' | 'info'; text: string}

interface FencerRequest {
  id: string
  target: string
  action: string
  /** this node runs its devices; otherwise it waits for `mergedInto`'s run */
  running: boolean
  mergedInto?: string
}

interface FencerSuccess {
  id: string
  action: string
  executedBy: string
  at: number
  /** the target was seen out of the membership since: its return means it is not fenced any more */
  seenGone: boolean
}

/**
 * This node's fencer (pacemaker-fenced's duplicate handling), pure: it never powers a node down twice
 * for one loss. A request for a target whose fencing already succeeded — the target not a member now,
 * not seen back since, within FENCED_NODE_MEMORY_MS — is answered from that result (a new DC that
 * asks again for what the previous DC's request did); a request for a target this node is already
 * fencing waits for that run and takes its result, success or failure (Pacemaker's merge of duplicate
 * requests); a success another node reports for the target of a request still running here answers
 * it at once (the devices not started yet are not run). Deliberate difference: Pacemaker merges only
 * while the first request's originator is alive; here the first run is this node's own, so its result
 * is certain to come whoever asked for it.
 */
export class Fencer {
  private readonly requests = new Map<string, FencerRequest>()
  private readonly successes = new Map<string, FencerSuccess>()
  private members: ReadonlySet<string> = new Set()

  constructor(readonly localNode: string) {}

  /** Is the request still waiting for its result (a run may stop between devices when not)? */
  open(id: string): boolean {
    return this.requests.has(id)
  }

  feed(e: FencerEvent): FencerAction[] {
    switch (e.type) {
      case 'request': return this.request(e)
      case 'run-done': return this.runDone(e)
      case 'heard': return this.heard(e)
      case 'membership': this.membership(e.members); return []
    }
  }

  private request(e: Extract<FencerEvent, {type: 'request'}>): FencerAction[] {
    if (this.requests.has(e.id)) return []
    const done = this.successes.get(e.target)
    if (done && isPowerDown(e.action) && !this.members.has(e.target) && e.now - done.at <= FENCED_NODE_MEMORY_MS) {
      return [
        {type: 'log', level: 'notice', text: `Operation ${e.action} targeting ${e.target} (${e.id}): answered from ${done.id} (${done.action} by ${done.executedBy}, ${Math.round((e.now - done.at) / 1000)}s ago; not back since)`},
        {type: 'answer', id: e.id, target: e.target, ok: true, executedBy: done.executedBy, answeredFrom: done.id},
      ]
    }
    const running = isPowerDown(e.action) ? [...this.requests.values()].find((r) => r.running && r.target === e.target && isPowerDown(r.action)) : undefined
    if (running) {
      this.requests.set(e.id, {id: e.id, target: e.target, action: e.action, running: false, mergedInto: running.id})
      return [{type: 'log', level: 'notice', text: `Merging fencing action '${e.action}' targeting ${e.target} (${e.id}) with the request in progress ${running.id}`}]
    }
    this.requests.set(e.id, {id: e.id, target: e.target, action: e.action, running: true})
    return [{type: 'run', id: e.id, target: e.target}]
  }

  private runDone(e: Extract<FencerEvent, {type: 'run-done'}>): FencerAction[] {
    const run = this.requests.get(e.id)
    if (!run) return [{type: 'log', level: 'info', text: `Fencing run ${e.id} ended after its request was answered`}]
    if (e.ok) this.succeeded(run.target, e.id, run.action, this.localNode, e.now)
    return this.answerWith(run, e.ok, e.reason, this.localNode, e.id)
  }

  private heard(e: Extract<FencerEvent, {type: 'heard'}>): FencerAction[] {
    if (!e.ok) return []
    this.succeeded(e.target, e.id, e.action ?? 'reboot', e.executedBy, e.now)
    const run = [...this.requests.values()].find((r) => r.running && r.target === e.target && isPowerDown(r.action))
    if (!run) return []
    return [
      {type: 'log', level: 'notice', text: `${e.target} was fenced by ${e.executedBy} (${e.id}) while ${run.id} was in progress: answering it from that result`},
      ...this.answerWith(run, true, undefined, e.executedBy, e.id),
    ]
  }

  /** Answers `run` and every request merged into it with one result. */
  private answerWith(run: FencerRequest, ok: boolean, reason: string | undefined, executedBy: string, from: string): FencerAction[] {
    const answered = [run, ...[...this.requests.values()].filter((r) => r.mergedInto === run.id)]
    for (const r of answered) this.requests.delete(r.id)
    return answered.map((r) => ({type: 'answer', id: r.id, target: r.target, ok, ...(reason ? {reason} : {}), executedBy, answeredFrom: from}))
  }

  private succeeded(target: string, id: string, action: string, executedBy: string, now: number): void {
    if (!isPowerDown(action)) return
    this.successes.set(target, {id, action, executedBy, at: now, seenGone: !this.members.has(target)})
  }

  private membership(members: ReadonlySet<string>): void {
    this.members = members
    forgetReturnedTargets(this.successes, members)
  }
}
