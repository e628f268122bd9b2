/**
 * Simulated execution of a transition, as crm_simulate -S does it: the graph
 * is walked in passes (every synapse whose inputs are confirmed fires, in
 * graph order, and confirms at once), every resource action's result is
 * written into the status section as the controller would record it, fencing
 * takes the node offline and clears its history, and an action listed in
 * `failures` (crm_simulate's --op-fail) fails, which stops the transition.
 * Pure: returns a new CIB and the "Executing Cluster Transition" lines.
 */
import type * as M from '../../formats/cib/model.js'
import {recordedOpDigest} from './digests.js'
import {carriesNode} from './graph-xml.js'
import {executedResourceName, graphOperationKey, graphResourceIds} from './graph-names.js'
import type {Action, WorkingSet} from './types.js'

/** A graph action as the executor needs it: its id and the ids that must complete first. */
export interface GraphStep {
  id: number
  after: number[]
  /** the synapse priority, when above 0 */
  priority?: number
}

export interface ExecutionResult {
  /**
   * The CIB with every executed action's result recorded: built when first asked for (crm_simulate
   * -O, or a failed action's rescheduling), from the input CIB and the working set, which do not
   * change once the transition is computed. The text output does not need it.
   */
  readonly cib: M.Cib
  /** The lines of crm_simulate's "Executing Cluster Transition:" list, as it prints them. */
  lines: string[]
  /** Operation keys (rsc_task_interval@node) of the actions that were made to fail. */
  failed: string[]
  /** Actions left unexecuted because the transition stopped at a failure. */
  skipped: number
}

/** Parses a --op-fail spec RSC_TASK_INTERVAL@NODE=RC. */
export function parseOpFailSpec(spec: string): {key: string; node: string; rc: number} | undefined {
  const m = /^(.+_[a-z_-]+_\d+)@([^=]+)=(-?\d+)$/.exec(spec)
  return m ? {key: m[1], node: m[2], rc: Number(m[3])} : undefined
}

/** An executed action's effect on the status: a fencing, or a resource action's result. */
interface Outcome {
  action: Action
  rc: number
  target: number
  /** a resource action's names: the one it was listed under, and the configured one (a new history entry takes it, if none has the first) */
  name?: string
  configured?: string
}

/** Controller tasks the executor lists but records no result for. */
const UNRECORDED_TASKS = new Set(['delete', 'meta-data', 'notify', 'clear_failcount'])

export function executeTransition(input: M.Cib, ws: WorkingSet, graph: GraphStep[], opts: {failures?: string[]; now?: number} = {}): ExecutionResult {
  const byId = new Map(ws.actions.map((a) => [a.id, a]))
  const failures = (opts.failures ?? []).map((spec) => ({spec, parsed: parseOpFailSpec(spec)}))
  const now = Math.floor((opts.now ?? ws.now) / 1000)
  const lines: string[] = []
  const failed: string[] = []
  // what the executed actions write into the status, in execution order (recorded into a copy of
  // the input only when the CIB is asked for: thousands of results, each with its digest)
  const outcomes: Outcome[] = []
  let aborted = false

  const fire = (action: Action): void => {
    if (action.pseudo) {
      // crm_simulate prints the node the graph names: only a (guest node's) fencing has one
      lines.push(`  * Pseudo action:   ${graphOperationKey(action)}${action.node && carriesNode(action) ? ` on ${action.node.uname}` : ''}`)
    } else if (action.task === 'stonith') {
      const target = action.node!.uname
      lines.push(`  * Fencing ${target} (${action.fenceOp ?? 'reboot'})`)
      if (action.fenceOp !== 'on') outcomes.push({action, rc: 0, target: 0})
    } else if (action.task === 'probe_again') {
      // crm_simulate neither lists nor records a re-probe request
    } else if (!action.rsc) {
      lines.push(`  * Cluster action:  ${action.task} on ${action.node?.uname ?? ''}`)
    } else if (action.task === 'clear_failcount' || action.task === 'lrm_delete') {
      // controller tasks: listed with the resource's id as the graph names it (an anonymous instance by its base id)
      const id = graphResourceIds(action.rsc).id
      lines.push(`  * Cluster action:  ${action.task} for ${id} on ${action.node?.uname ?? ''}`)
    } else {
      // an anonymous instance by the name its history uses, as the graph gives it
      const {name, configured} = executedResourceName(ws, action.rsc)
      const node = action.node!.uname
      lines.push(`  * Resource action: ${name.padEnd(15)} ${action.task}${action.intervalMs > 0 ? `=${action.intervalMs}` : ''} on ${node}`)
      if (UNRECORDED_TASKS.has(action.task)) return
      const target = action.task === 'monitor' && action.intervalMs === 0 ? expectedProbeResult(action) : 0
      const key = `${name}_${action.task}_${action.intervalMs}`
      const failure = failures.length === 0 ? undefined : failures.find((f) => f.parsed && f.parsed.node === node && (f.parsed.key === key || f.parsed.key === `${configured}_${action.task}_${action.intervalMs}`))
      const rc = failure ? failure.parsed!.rc : target
      if (failure) lines.push(`Pretending action ${action.id} failed with rc=${rc}`)
      outcomes.push({action, rc, target, name, configured})
      // crm_simulate counts a failure unless the agent said "running" or a probe "not running"
      if (!(rc === 0 || (rc === 7 && action.intervalMs === 0))) {
        lines.push(...failCountLines(nodeStateId(input, node), name, action.task, action.intervalMs, now).map((l) => `  * ${l}`))
      }
      if (failure && rc !== target) {
        failed.push(`${key}@${node}`)
        aborted = true
      }
    }
  }

  // crm_simulate's passes over the graph: a synapse fires once all its inputs are confirmed (and is
  // confirmed at once: a later synapse of the same pass may fire on it). Each pass walks only the
  // synapses not fired yet, and each synapse counts its inputs not confirmed yet.
  const unconfirmed = new Map<number, number>()
  const waiting = new Map<number, GraphStep[]>()
  for (const step of graph) {
    const inputs = new Set(step.after)
    unconfirmed.set(step.id, inputs.size)
    for (const d of inputs) {
      const list = waiting.get(d)
      if (list) list.push(step)
      else waiting.set(d, [step])
    }
  }
  const confirmed = new Set<number>()
  let pending = graph
  let progress = true
  while (progress && !aborted) {
    progress = false
    const notFired: GraphStep[] = []
    for (const step of pending) {
      if (aborted) break
      const action = unconfirmed.get(step.id) === 0 && !confirmed.has(step.id) ? byId.get(step.id) : undefined
      if (!action) { notFired.push(step); continue }
      fire(action)
      confirmed.add(step.id)
      for (const next of waiting.get(step.id) ?? []) unconfirmed.set(next.id, unconfirmed.get(next.id)! - 1)
      progress = true
    }
    pending = notFired
  }
  let cib: M.Cib | undefined
  return {
    get cib() { return cib ??= recordOutcomes(input, ws, outcomes, now) },
    lines, failed, skipped: graph.length - confirmed.size,
  }
}

/** The input CIB with the executed actions' outcomes written into its status, in execution order. */
function recordOutcomes(input: M.Cib, ws: WorkingSet, outcomes: Outcome[], now: number): M.Cib {
  const cib: M.Cib = structuredClone(input)
  let callId = maxCallId(cib)
  for (const {action, rc, target, name, configured} of outcomes) {
    if (action.task === 'stonith') {
      fenceNode(cib, action.node!.uname)
      continue
    }
    const digest = recordedOpDigest(ws, action.rsc!, action.node!, action.task, action.intervalMs)
    recordResult(cib, action, {rc, target, callId: ++callId, now, digest, name: name!, configured: configured!})
  }
  return cib
}

/** A probe expects "not running" unless the resource is known to run there (as the graph's target rc says). */
function expectedProbeResult(action: Action): number {
  const rsc = action.rsc!
  if (!rsc.runningOn.includes(action.node!)) return 7
  return rsc.role === 4 ? 8 : 0
}

function maxCallId(cib: M.Cib): number {
  let max = 0
  for (const s of cib.status) for (const r of s.lrmResources) for (const o of r.operations) max = Math.max(max, Number(o.attributes['call-id'] ?? 0) || 0)
  return max
}

function nodeState(cib: M.Cib, uname: string): M.NodeState {
  let ns = cib.status.find((s) => s.uname === uname)
  if (!ns) {
    const id = cib.nodes.find((n) => n.uname === uname)?.id ?? uname
    ns = {id, uname, attributes: {id, uname, in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member'}, transientAttributes: [], lrmResources: []}
    cib.status.push(ns)
  }
  return ns
}

function fenceNode(cib: M.Cib, uname: string): void {
  const ns = nodeState(cib, uname)
  Object.assign(ns.attributes, {in_ccm: 'false', crmd: 'offline', join: 'down', expected: 'down'})
  ns.lrmResources = []
  ns.transientAttributes = []
}

/**
 * The first history entry with this id in a node's list (as find would return), through an index
 * of the list: every executed action records its result, and a node's list grows to every
 * resource probed there. Entries are only appended; the index is rebuilt if the list changed otherwise.
 */
function lrmResourceById(list: M.LrmResource[], id: string): M.LrmResource | undefined {
  let index = lrmIndex.get(list)
  if (!index || index.length !== list.length) {
    // entries appended since: index those; otherwise index the whole list again
    const from = index && index.length < list.length ? index.length : 0
    const byId = index && from > 0 ? index.byId : new Map<string, M.LrmResource>()
    for (let i = from; i < list.length; i++) if (!byId.has(list[i].id)) byId.set(list[i].id, list[i])
    lrmIndex.set(list, index = {length: list.length, byId})
  }
  return index.byId.get(id)
}
const lrmIndex = new WeakMap<M.LrmResource[], {length: number; byId: Map<string, M.LrmResource>}>()

/** Writes an action's result as the controller records it (pcmk__create_history_xml's ids). */
function recordResult(cib: M.Cib, action: Action, r: {rc: number; target: number; callId: number; now: number; digest: string; name: string; configured: string}): void {
  const rsc = action.rsc!
  const node = action.node!.uname
  const ns = nodeState(cib, node)
  // pcmk__inject_resource_history: the entry under the listed name, else under the configured name, else a new one under the latter
  let lrm = lrmResourceById(ns.lrmResources, r.name) ?? lrmResourceById(ns.lrmResources, r.configured)
  if (!lrm) {
    lrm = {id: r.configured, class: rsc.cls ?? rsc.prim?.class ?? 'ocf', provider: rsc.provider ?? rsc.prim?.provider, type: rsc.type ?? rsc.prim?.type ?? '', operations: []}
    ns.lrmResources.push(lrm)
  }
  // the result's keys name the history entry (pcmk__event_from_graph_action)
  const key = `${lrm.id}_${action.task}_${action.intervalMs}`
  const fails = r.rc !== r.target
  const ids = action.task === 'migrate_to' || action.task === 'migrate_from' ? [key]
    : fails ? (action.intervalMs === 0 ? [`${lrm.id}_last_failure_0`, `${lrm.id}_last_0`] : [`${lrm.id}_last_failure_0`])
    : action.intervalMs > 0 ? [key] : [`${lrm.id}_last_0`]
  const transitionKey = `0:${r.callId}:${r.target}:hakit-simulate`
  for (const id of ids) {
    const attributes: Record<string, string> = {
      id, operation_key: key, operation: action.task, 'crm-debug-origin': 'crm_simulate', 'transition-key': transitionKey,
      'transition-magic': `0:${r.rc};${transitionKey}`, 'exit-reason': '', on_node: node, 'call-id': String(r.callId), 'rc-code': String(r.rc),
      'op-status': '0', interval: String(action.intervalMs), 'last-rc-change': String(r.now), 'exec-time': '0', 'queue-time': '0', 'op-digest': r.digest,
    }
    if (action.task === 'migrate_to' || action.task === 'migrate_from') {
      const source = action.task === 'migrate_to' ? node : rsc.runningOn[0]?.uname
      const target = action.task === 'migrate_from' ? node : rsc.allocatedTo?.uname
      if (source) attributes.migrate_source = source
      if (target) attributes.migrate_target = target
    }
    const op = {id, operation: action.task, attributes}
    const i = lrm.operations.findIndex((o) => o.id === id)
    if (i >= 0) lrm.operations[i] = op
    else lrm.operations.push(op)
  }
  // crm_simulate counts a failure unless the agent said "running" or a probe "not running"
  if (!(r.rc === 0 || (r.rc === 7 && action.intervalMs === 0))) injectFailCount(ns, r.name, action.task, action.intervalMs, r.now)
}

/** Bumps the fail count as crm_simulate does ("value++"). */
function injectFailCount(ns: M.NodeState, rscId: string, task: string, intervalMs: number, now: number): void {
  if (ns.transientAttributes.length === 0) ns.transientAttributes.push({id: `status-${ns.id}`, pairs: []})
  const set = ns.transientAttributes[0]
  const put = (name: string, value: (old: string | undefined) => string) => {
    const p = set.pairs.find((x) => x.name === name)
    if (p) p.value = value(p.value)
    else set.pairs.push({id: `status-${ns.id}-${name}`, name, value: value(undefined)})
  }
  put(`fail-count-${rscId}#${task}_${intervalMs}`, (old) => old === 'INFINITY' ? old : String((Number(old) || 0) + 1))
  put(`last-failure-${rscId}#${task}_${intervalMs}`, () => String(now))
}

/** The fail count's injection in crm_simulate's words. */
function failCountLines(nodeId: string, rscId: string, task: string, intervalMs: number, now: number): string[] {
  return [
    `Injecting attribute fail-count-${rscId}#${task}_${intervalMs}=value++ into /node_state '${nodeId}'`,
    `Injecting attribute last-failure-${rscId}#${task}_${intervalMs}=${now} into /node_state '${nodeId}'`,
  ]
}

/** The id of a node's node_state: its entry's, else (an entry made for it) its node's, else its name. */
function nodeStateId(cib: M.Cib, uname: string): string {
  return cib.status.find((s) => s.uname === uname)?.id ?? cib.nodes.find((n) => n.uname === uname)?.id ?? uname
}
