/**
 * The CRM scheduler as a pure function: CIB (configuration + status) in,
 * transition (actions, orderings, placement, summary) out. The pipeline
 * follows Pacemaker 2.1.5's pcmk__schedule_actions().
 */
import type * as M from '../../formats/cib/model.js'
import {bundleAllowedNodes, bundleNodesAfter, buildBundles, defaultNodeScore, makeBundleMethods} from './bundle.js'
import {makeCloneMethods} from './clone.js'
import {unpackConstraints} from './constraints.js'
import {scheduleFencing} from './fencing.js'
import {makeGroupMethods} from './group.js'
import {applyNodeHealth} from './health.js'
import {applyOrderings} from './ordering.js'
import {expandTemplates} from './references.js'
import {expandGuestNodes, linkContainers, linkRemoteConnections, orderRemoteConnectionActions} from './remote.js'
import {newOrdering} from './constraints.js'
import {clearFailcountsIfOrphaned, fenceNode} from './actions.js'
import {addColocatedNodeScores, applyNodeCriteria, currentNode, nodeAvailable, sortNodes} from './placement.js'
import {handleRscConfigChanges, runDeferredParamChecks} from './digests.js'
import {sortResourcesForUtilization, unpackNodeUtilization} from './utilization.js'
import {makePrimitiveMethods} from './primitive.js'
import {scheduleProbes} from './probes.js'
import {buildResources, setBundleBuilder, variantMethods} from './resources.js'
import {type SummaryAction, transitionSummary} from './summary.js'
import {type Action, O, Role, type Rsc, type WorkingSet} from './types.js'
import {orderActions} from './ordering.js'
import {failCount, setInitAllowed, setOrphanFactory, unpackNodes, unpackOptions, unpackStatus} from './unpack.js'

export type {SummaryAction} from './summary.js'
export {Role} from './types.js'

export interface ScheduleOptions {
  /** Current time in ms since the epoch (failure-timeout); defaults to Date.now(). */
  now?: number
  showScores?: boolean
  /** Collect failed operations as unpacking records them (ws.failedOps, crm_mon's Failed Resource Actions). */
  recordFailures?: boolean
}

export interface GraphAction {
  id: number
  task: string
  /** Pacemaker's operation key (rsc_task_interval; clone instances as rsc:N; stonith-NODE-reboot; set and clone pseudo-actions by name) */
  key: string
  resource: string | null
  node: string | null
  interval: number
  pseudo: boolean
  runnable: boolean
  reason?: string
  /** ids of actions that must complete first */
  after: number[]
}

export interface Placement {
  resource: string
  /** node the resource is active on now (first, if several) */
  current: string | null
  /** node it is assigned to after the transition */
  next: string | null
  role: string
  nextRole: string
}

export interface Transition {
  summary: SummaryAction[]
  summaryLines: string[]
  actions: GraphAction[]
  placement: Placement[]
  scores: string[]
  workingSet: WorkingSet
}

let current: WorkingSet | null = null
const getWs = (): WorkingSet => current!
variantMethods.primitive = makePrimitiveMethods(getWs)
variantMethods.group = makeGroupMethods(getWs)
variantMethods.clone = makeCloneMethods(getWs)
variantMethods.bundle = makeBundleMethods(getWs)
setBundleBuilder(buildBundles, bundleNodesAfter)

function initAllowed(ws: WorkingSet, rsc: Rsc): void {
  // guest connections may run wherever their container can, even in an asymmetric cluster
  const guestConnection = rsc.prim?.class === 'ocf' && rsc.prim.provider === 'pacemaker' && rsc.prim.type === 'remote' && rsc.meta.has('container')
  if (ws.options.symmetric || guestConnection) for (let i = 0; i < ws.nodes.length; i++) rsc.allowed.set(ws.nodes[i], defaultNodeScore(ws.nodes[i], ws.nodes[i].weight ?? 0))
  for (let i = 0; i < rsc.children.length; i++) initAllowed(ws, rsc.children[i])
}

setInitAllowed(initAllowed)
setOrphanFactory((ws, prim, meta) => {
  const rsc: Rsc = {
    id: prim.id, variant: 'primitive', fns: variantMethods.primitive, children: [], cls: prim.class, provider: prim.provider, type: prim.type,
    prim, meta, ops: [], priority: 0, stickiness: 0, migrationThreshold: 1_000_000, failureTimeoutMs: 0, managed: true, failed: false,
    stopFlag: false, block: false, orphan: true, unique: false, promotable: false, critical: true, isFenceDevice: prim.class === 'stonith',
    needs: ws.options.stonithEnabled && prim.class !== 'stonith' ? 'fencing' : 'quorum', provisional: true, allocating: false, merging: false,
    restarting: false, role: 1, nextRole: 0, runningOn: [], knownOn: new Set(), allowed: new Map(), allocatedTo: null, thisWith: [],
    withThis: [], actions: [], cloneMax: 0, cloneNodeMax: 1, promotedMax: 1, promotedNodeMax: 1, interleave: false, ordered: false, colocated: true,
    promotionPriority: 0, sortIndex: ws.resources.length, explicitNextRole: false, promotedLocations: [], configured: false,
    failedOn: new Set(), failureIgnored: false,
  }
  ws.byId.set(rsc.id, rsc)
  initAllowed(ws, rsc)
  return rsc
})

export function newWorkingSet(cib: M.Cib, opts: ScheduleOptions = {}): WorkingSet {
  const now = opts.now ?? executionDate(cib) ?? Date.now()
  return {
    cib, now, options: unpackOptions(cib, now), nodes: [], nodeById: new Map(), nodeByName: new Map(),
    resources: [], configOrder: [], byId: new Map(), colocations: [], locations: [], orderings: [], actions: [], actionSeq: 0, orderSeq: 0,
    fenceActions: [], orphans: [], scoresLog: [], showScores: opts.showScores ?? false, errors: [],
    ...(opts.recordFailures ? {failedOps: []} : {}),
  }
}

/** crm_simulate takes "now" from the CIB's execution-date (seconds since the epoch) when it has one. */
function executionDate(cib: M.Cib): number | undefined {
  const v = cib.attributes['execution-date']
  return v !== undefined && /^\d+$/.test(v) ? Number(v) * 1000 : undefined
}

/**
 * Only the unpacking of configuration and status (cluster_status), no placement: what crm_mon
 * shows. Cheaper than schedule() on large CIBs.
 */
export function unpackCluster(input: M.Cib, opts: ScheduleOptions = {}): WorkingSet {
  const ws = workingSetFor(input, opts)
  current = ws
  try {
    unpack(ws)
    return ws
  } finally {
    current = null
  }
}

/** Templates and guest nodes expanded, then a working set for the result. */
function workingSetFor(input: M.Cib, opts: ScheduleOptions): WorkingSet {
  const expanded = expandTemplates(input)
  const ws = newWorkingSet(expandGuestNodes(expanded.cib), opts)
  ws.references = expanded.references
  return ws
}

/** What crm_mon and the scheduler both read: nodes, resources, their status, node health, constraints. */
function unpack(ws: WorkingSet): void {
  unpackNodes(ws)
  unpackNodeUtilization(ws)
  buildResources(ws)
  linkContainers(ws)
  linkRemoteConnections(ws)
  for (const r of ws.resources) initAllowed(ws, r)
  bundleAllowedNodes(ws)
  unpackStatus(ws)
  applyNodeHealth(ws)
  unpackConstraints(ws)
}

/** Runs the whole pipeline on one CIB. */
export function schedule(input: M.Cib, opts: ScheduleOptions = {}): Transition {
  const ws = workingSetFor(input, opts)
  current = ws
  try {
    unpack(ws)
    applyNodeCriteria(ws)
    for (const r of ws.resources) r.fns.internalConstraints(r)
    handleRscConfigChanges(ws, (n) => nodeAvailable(n, 0, false))
    sortResourcesForUtilization(ws, (r) => addColocatedNodeScores(r, null, undefined, 1, {thisWith: true, active: false, nonNegative: false}) ?? new Map(), currentNode,
      (nodes) => sortNodes(nodes.map((n) => [n, 0] as [typeof n, number]), null).map(([n]) => n))
    // remote connections are placed first (a partial migration keeps its target)
    if (ws.nodes.some((n) => n.remote)) for (const r of ws.resources) if (r.isRemoteConnection) r.fns.assign(r, r.partialMigrationTarget ?? null)
    for (const r of ws.resources) if (!r.isRemoteConnection) r.fns.assign(r, null)
    runDeferredParamChecks(ws)
    scheduleProbes(ws)
    if (ws.options.stopOrphanResources) for (const r of ws.resources) clearFailcountsIfOrphaned(ws, r)
    for (const r of ws.resources) r.fns.createActions(r)
    orderRemoteConnectionActions(ws, {
      current: currentNode,
      order: (first, then, type) => newOrdering(ws, first, then, type),
      fence: (node, reason) => fenceNode(ws, node, reason, false),
    })
    scheduleFencing(ws)
    applyOrderings(ws)
    const summary = transitionSummary(ws)
    let graph: GraphAction[] | undefined
    return {
      summary: summary.actions,
      summaryLines: summary.lines,
      // built when first asked for: the text output does not need it
      get actions() { return graph ??= graphActions(ws) },
      placement: placements(ws),
      scores: ws.scoresLog,
      workingSet: ws,
    }
  } finally {
    current = null
  }
}

const NOTIFY_COMPLETE: Record<string, string> = {start: 'running', stop: 'stopped', promote: 'promoted', demote: 'demoted'}

function leaves(rsc: Rsc): Rsc[] {
  return rsc.children.length === 0 ? [rsc] : rsc.children.flatMap(leaves)
}

/**
 * A clone instance's recurring monitors wait for the clone's "post" notifications to be
 * confirmed, for each instance that is notified afterwards (new_post_notify_action, called when
 * Pacemaker puts a clone's notifications into the graph).
 */
function orderMonitorsAfterNotifications(clone: Rsc): void {
  const instances = leaves(clone)
  for (const [task, complete] of Object.entries(NOTIFY_COMPLETE)) {
    const postDone = clone.actions.find((a) => a.uuid === `${clone.id}_confirmed-post_notify_${complete}_0`)
    if (!postDone) continue
    // no start (promote, demote) anywhere: no notification for it
    if (task !== 'stop' && !instances.some((r) => r.actions.some((a) => a.task === task && a.intervalMs === 0 && !a.optional && a.node))) continue
    for (const rsc of instances) {
      let notified = false
      if ((task === 'stop' || task === 'demote') && rsc.role !== Role.Stopped) {
        const stop = rsc.actions.find((a) => a.task === 'stop' && a.intervalMs === 0)
        for (const node of rsc.runningOn) {
          if (stop?.pseudo && (node.unclean || node.remoteRequiresReset)) continue
          if (task === 'demote' || !stop || stop.optional) notified = true
        }
      }
      if ((task === 'start' || task === 'promote') && rsc.nextRole !== Role.Stopped && rsc.allocatedTo) notified = true
      if (!notified) continue
      for (const mon of rsc.actions) if (mon.intervalMs > 0 && mon.task !== 'cancel') orderActions(postDone, mon, O.optional)
    }
  }
}

/** Whether an action goes into the transition graph (should_add_action_to_graph). */
function inGraph(a: Action): boolean {
  if (!a.runnable || (a.optional && !a.printAlways)) return false
  // an unmanaged resource's one-off actions are not run; its monitors and cancellations are
  if (a.rsc && !a.rsc.managed && a.task !== 'monitor' && a.intervalMs === 0) return false
  if (a.pseudo || a.task === 'stonith' || a.task === 'do_shutdown') return true
  if (!a.node) return false
  if (a.onDc) return true
  if (a.node.guest && !a.node.remoteRequiresReset) return true
  return a.node.online && !a.node.unclean
}

/** Whether an ordering becomes an input of 'then' in the graph (should_add_input_to_graph), given its merged flags. */
function inputInGraph(then: Action, first: Action, type: number): boolean {
  if (type === O.none) return false
  const canChange = (type & ~(O.impliesFirstPrinted | O.impliesThenPrinted | O.optional)) !== 0
  if (!first.runnable && (!canChange || (type & O.oneOrMore) || (type & O.impliesFirstMigratable))) return false
  if ((type & O.applyFirstNonMigratable) && first.migrateRunnable) return false
  if (type === O.optional && first.migrateRunnable && first.uuid.endsWith('_stop_0')) return false
  if (type === O.load) {
    // relevant only on one node: where 'then' runs (for a migrate_to, where the resource goes)
    const node = then.rsc && then.task === 'migrate_to' ? then.rsc.allocatedTo : then.node
    if (!first.node || !node || first.node !== node || first.optional) return false
  }
  if (type === O.antiColocation) {
    if (first.node && then.node && first.node !== then.node) return false
    if (first.optional) return false
  }
  if (first.rsc && first.rsc !== then.rsc && first.rsc.failed && !first.rsc.managed && first.uuid.endsWith('_stop_0') && then.rsc?.variant === 'clone') return false
  if (first.optional && !first.printAlways && !inGraph(first)) return false
  return true
}

/**
 * A load ordering into a migrate_to that closes a loop (two resources migrating past each other)
 * is dropped, as pcmk__disable_invalid_orderings does: the graph must stay acyclic.
 */
function loadLoop(then: Action, first: Action, type: number): boolean {
  if (type !== O.load || then.task !== 'migrate_to') return false
  const seen = new Set<Action>()
  const reaches = (from: Action): boolean => {
    if (from === then) return true
    if (seen.has(from)) return false
    seen.add(from)
    const merged = new Map<Action, number>()
    for (const e of from.before) merged.set(e.action, (merged.get(e.action) ?? 0) | e.type)
    for (const [input, t] of merged) if (inputInGraph(from, input, t) && reaches(input)) return true
    return false
  }
  return reaches(first)
}

/**
 * The transition graph (pcmk__create_graph): the actions to execute, each with the ids it waits
 * for, dependencies first (a topological order). An input may name an action outside the graph
 * (a required action that cannot run): 'then' then never fires, as in Pacemaker.
 */
function graphActions(ws: WorkingSet): GraphAction[] {
  for (const clone of ws.byId.values()) if (clone.variant === 'clone' && clone.notify && !clone.parent) orderMonitorsAfterNotifications(clone)
  const scheduled = ws.actions.filter(inGraph)
  const nodes = scheduled.map((a) => {
    // duplicate orderings between the same two actions count as one, their flags merged
    const merged = new Map<Action, number>()
    for (const e of a.before) merged.set(e.action, (merged.get(e.action) ?? 0) | e.type)
    const after = [...merged].filter(([first, type]) => inputInGraph(a, first, type) && !loadLoop(a, first, type)).map(([first]) => first.id)
    return {
      id: a.id, task: a.task, key: a.uuid, resource: a.rsc?.id ?? null, node: a.node?.uname ?? null, interval: a.intervalMs,
      pseudo: a.pseudo, runnable: a.runnable, ...(a.reason ? {reason: a.reason} : {}), after: after.sort((x, y) => x - y),
    }
  })
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const done = new Set<number>()
  const out: GraphAction[] = []
  const visit = (n: GraphAction, stack: Set<number>) => {
    if (done.has(n.id) || stack.has(n.id)) return
    stack.add(n.id)
    for (const d of n.after) { const dep = byId.get(d); if (dep) visit(dep, stack) }
    stack.delete(n.id)
    done.add(n.id)
    out.push(n)
  }
  for (const n of nodes) visit(n, new Set())
  return out
}

const ROLE = ['Unknown', 'Stopped', 'Started', 'Unpromoted', 'Promoted']

function placements(ws: WorkingSet): Placement[] {
  const out: Placement[] = []
  const visit = (r: Rsc) => {
    if (r.children.length > 0) { r.children.forEach(visit); return }
    out.push({resource: r.id, current: r.runningOn[0]?.uname ?? null, next: r.allocatedTo?.uname ?? null, role: ROLE[r.role], nextRole: ROLE[r.nextRole]})
  }
  ws.resources.forEach(visit)
  return out
}
