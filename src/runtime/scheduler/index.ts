/**
 * The CRM scheduler as a pure function: CIB (configuration + status) in,
 * transition (actions, orderings, placement, summary) out. The pipeline
 * follows Pacemaker 2.1.5's pcmk__schedule_actions().
 */
import type * as M from '../../formats/cib/model.js'
import {bundleAllowedNodes, bundleNodesAfter, buildBundles, defaultNodeScore, makeBundleMethods} from './bundle.js'
import {makeCloneMethods} from './clone.js'
import {createNotifications} from './notifications.js'
import {unpackConstraints} from './constraints.js'
import {scheduleFencing} from './fencing.js'
import {makeGroupMethods} from './group.js'
import {applyNodeHealth} from './health.js'
import {applyOrderings} from './ordering.js'
import {expandTemplates} from './references.js'
import {expandGuestNodes, isRemoteConnection, linkContainers, linkRemoteConnections, orderRemoteConnectionActions} from './remote.js'
import {newOrdering} from './constraints.js'
import {clearFailcountsIfOrphaned, clusterPseudoAction, fenceNode} from './actions.js'
import {addColocatedNodeScores, applyNodeCriteria, currentNode, nodeAvailable, sortNodes} from './placement.js'
import {handleRscConfigChanges, runDeferredParamChecks} from './digests.js'
import {sortResourcesForUtilization, unpackNodeUtilization} from './utilization.js'
import {makePrimitiveMethods} from './primitive.js'
import {scheduleProbes} from './probes.js'
import {buildResources, setBundleBuilder, variantMethods} from './resources.js'
import {type SummaryAction, transitionSummary} from './summary.js'
import {type Action, type ActionEdge, O, type Rsc, type WorkingSet} from './types.js'
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
  /**
   * Clone notifications: the notify_* meta-attributes (CRM_meta_notify_* in Pacemaker's graph) of
   * a per-instance notify action (notify_type, notify_operation and the instance/node lists) and of
   * the starts, stops, promotions and demotions they are about (the lists).
   */
  notifyMeta?: Record<string, string>
  /**
   * The synapse priority, when above 0: the resource's `priority` meta attribute (as scheduling left
   * it), or INFINITY for what still runs once the transition is aborted: clone "post" notifications
   * and "running"/"stopped"/… pseudo-actions
   */
  priority?: number
  /** maintenance_nodes: the remote and guest nodes whose maintenance mode changes (the controller tells them) */
  maintenanceNodes?: Array<{id: string; maintenance: boolean}>
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

/** The symmetric default (or a guest connection's default) of a resource and its children; `late` when made while reading the status. */
function initAllowed(ws: WorkingSet, rsc: Rsc, late = false): void {
  // guest connections may run wherever their container can, even in an asymmetric cluster
  const guestConnection = rsc.prim?.class === 'ocf' && rsc.prim.provider === 'pacemaker' && rsc.prim.type === 'remote' && rsc.meta.has('container')
  if (ws.options.symmetric || guestConnection) {
    for (const n of ws.nodes) {
      const score = defaultNodeScore(ws, rsc, n, late)
      if (score !== undefined) rsc.allowed.set(n, score)
    }
  }
  for (const c of rsc.children) initAllowed(ws, c, late)
}

setInitAllowed((ws, rsc) => initAllowed(ws, rsc, true))
setOrphanFactory((ws, prim, meta) => {
  const rsc: Rsc = {
    id: prim.id, variant: 'primitive', fns: variantMethods.primitive, children: [], cls: prim.class, provider: prim.provider, type: prim.type,
    prim, meta, ops: [], priority: 0, stickiness: 0, migrationThreshold: 1_000_000, failureTimeoutMs: 0, managed: true, failed: false,
    stopFlag: false, block: false, orphan: true, unique: false, promotable: false, critical: true, isFenceDevice: prim.class === 'stonith',
    // unpack_requires: an orphaned connection, like a configured one, needs only quorum (its stop implied by fencing is not ordered after it)
    needs: ws.options.stonithEnabled && prim.class !== 'stonith' && !isRemoteConnection(prim) ? 'fencing' : 'quorum', provisional: true, allocating: false, merging: false,
    restarting: false, role: 1, nextRole: 0, runningOn: [], knownOn: new Set(), allowed: new Map(), allocatedTo: null, thisWith: [],
    withThis: [], actions: [], cloneMax: 0, cloneNodeMax: 1, promotedMax: 1, promotedNodeMax: 1, interleave: false, ordered: false, colocated: true,
    promotionPriority: 0, sortIndex: ws.resources.length, explicitNextRole: false, promotedLocations: [], configured: false,
    failedOn: new Set(), failureIgnored: false,
  }
  ws.byId.set(rsc.id, rsc)
  initAllowed(ws, rsc, true)
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
    let placement: Placement[] | undefined
    return {
      summary: summary.actions,
      summaryLines: summary.lines,
      // built when first asked for: the text output needs neither
      get actions() { return graph ??= graphActions(ws) },
      get placement() { return placement ??= placements(ws) },
      scores: ws.scoresLog,
      workingSet: ws,
    }
  } finally {
    current = null
  }
}

/**
 * What clone_expand does before a clone's actions go into the graph: the clone-level actions take
 * their instances' flags once more (a notification about starts none of which can run cannot run
 * either), then the per-instance notify actions are made.
 */
function expandClones(ws: WorkingSet): void {
  const visit = (rsc: Rsc) => {
    if (rsc.variant === 'clone') {
      for (const a of [...rsc.actions].reverse()) rsc.fns.actionFlags(a, null)
      for (const n of rsc.notifications ?? []) createNotifications(ws, rsc, n)
    }
    rsc.children.forEach(visit)
    // a bundle's clone is not among its children (containers, addresses, connections) but is expanded too
    if (rsc.bundle?.child) visit(rsc.bundle.child)
  }
  ws.resources.forEach(visit)
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
 * Orderings the graph must not carry are disabled before it is built (pcmk__disable_invalid_orderings;
 * actions newest first, each one's inputs newest first):
 * - a constraint between a resource inside a guest node and the guest's own container;
 * - a load ordering into a migrate_to that closes a loop (two resources migrating past each
 *   other): of two such only the one found first goes (the other closes no loop any more).
 */
function disableInvalidOrderings(ws: WorkingSet): void {
  // (tens of thousands of orderings in a big cluster: only a resource's actions can lose one, and
  // only a migrate_to unless some node is a guest with a container)
  const guests = ws.nodes.some((n) => Boolean(n.remoteRsc?.container))
  for (let i = ws.actions.length - 1; i >= 0; i--) {
    const action = ws.actions[i]
    if (!action.rsc || (!guests && action.task !== 'migrate_to')) continue
    for (let j = action.before.length - 1; j >= 0; j--) {
      const input = action.before[j]
      const guestContainer = input.first.node?.remoteRsc?.container
      if (!(input.type & O.preserve) && input.first.rsc && action.rsc && guestContainer === action.rsc) input.type = O.none
      else if (input.type === O.load && action.rsc && action.task === 'migrate_to' && hasLoop(action, input)) input.type = O.none
    }
  }
}

/** pcmk__graph_has_loop: whether following the inputs that go into the graph from `input` leads back to `init`. */
function hasLoop(init: Action, input: ActionEdge, from: Action = init, seen = new Set<Action>()): boolean {
  if (seen.has(input.first) || !inputInGraph(from, input.first, input.type)) return false
  if (input.first === init) return true
  seen.add(input.first)
  return [...input.first.before].reverse().some((e) => hasLoop(init, e, input.first, seen))
}

/**
 * The transition graph (pcmk__create_graph): the actions to execute, each with the ids it waits
 * for, dependencies first (a topological order). An input may name an action outside the graph
 * (a required action that cannot run): 'then' then never fires, as in Pacemaker.
 */
function graphActions(ws: WorkingSet): GraphAction[] {
  disableInvalidOrderings(ws)
  expandClones(ws)
  addMaintenanceUpdate(ws)
  const nodes: GraphAction[] = []
  for (const a of ws.actions) {
    if (!inGraph(a)) continue
    // duplicate orderings between the same two actions count as one, their flags merged
    // (most actions have at most one input: no map for those)
    let after: number[]
    if (a.before.length === 0) after = []
    else if (a.before.length === 1) after = inputInGraph(a, a.before[0].first, a.before[0].type) ? [a.before[0].first.id] : []
    else {
      const merged = new Map<Action, number>()
      for (const e of a.before) merged.set(e.first, (merged.get(e.first) ?? 0) | e.type)
      after = []
      for (const [first, type] of merged) if (inputInGraph(a, first, type)) after.push(first.id)
      after.sort((x, y) => x - y)
    }
    // (the optional fields set one by one, in this order: the JSON output lists them so)
    const n: GraphAction = {
      id: a.id, task: a.task, key: a.uuid, resource: a.rsc?.id ?? null, node: a.node?.uname ?? null, interval: a.intervalMs,
      pseudo: a.pseudo, runnable: a.runnable,
    } as GraphAction
    if (a.reason) n.reason = a.reason
    n.after = after
    if (a.notifyMeta) n.notifyMeta = Object.fromEntries(a.notifyMeta)
    const priority = synapsePriority(a)
    if (priority > 0) n.priority = priority
    if (a.maintenanceNodes) n.maintenanceNodes = a.maintenanceNodes
    nodes.push(n)
  }
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const done = new Set<number>()
  const out: GraphAction[] = []
  // (one stack for every walk: each walk leaves it empty)
  const stack = new Set<number>()
  const visit = (n: GraphAction) => {
    if (done.has(n.id) || stack.has(n.id)) return
    stack.add(n.id)
    for (const d of n.after) { const dep = byId.get(d); if (dep) visit(dep) }
    stack.delete(n.id)
    done.add(n.id)
    out.push(n)
  }
  for (const n of nodes) visit(n)
  return out
}

/**
 * add_maintenance_update: when a remote or guest node's maintenance mode is not what the
 * controller last told it (node_in_maintenance), a pseudo-action in the graph carries the new
 * modes (`maintenanceNodes`) for the controller to pass on.
 */
function addMaintenanceUpdate(ws: WorkingSet): void {
  const changed = ws.nodes.filter((n) => n.remote && (n.maintenance ? 1 : 0) !== (n.remoteMaintenance ?? 0))
  if (changed.length === 0) return
  const a = clusterPseudoAction(ws, 'maintenance_nodes')
  a.optional = false
  a.printAlways = true
  a.maintenanceNodes = changed.map((n) => ({id: n.id, maintenance: n.maintenance === true}))
}

/**
 * The synapse priority (create_graph_synapse): the resource's `priority` as scheduling left it, or
 * the action's own when higher (INFINITY for what an aborted transition still completes).
 */
function synapsePriority(a: Action): number {
  return Math.max(a.rsc?.priority ?? 0, a.priority ?? 0)
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
