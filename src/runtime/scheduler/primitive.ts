/** Primitive resources: actions for role changes, implicit orderings (pcmk_sched_primitive.c). */
import {cancelAction, clusterPseudoAction, customAction, demoteAction, promoteAction, resourceActions, setReason, startAction, stopAction} from './actions.js'
import {newColocation, newOrdering, orderResourceActions} from './constraints.js'
import {avoidRemoteNodes, containerConstraints} from './remote.js'
import {orderRestartVsUnfence, orderStopVsUnfence, orderVsUnfence} from './fencing.js'
import {abortDanglingMigration, canMigrate, createMigrationActions} from './migration.js'
import {applyLocation, currentNode, primitiveApplyColocScore, primitiveAssign} from './placement.js'
import {orderActions, updateOrderedActions} from './ordering.js'
import {type Action, O, type OpConfig, type Rsc, Role, type SNode, type VariantMethods, type WorkingSet} from './types.js'
import {topParent} from './resources.js'

type TransitionFn = (ws: WorkingSet, rsc: Rsc, node: SNode | null, optional: boolean) => void

// rsc_state_matrix[current][target] = immediate next role
const R = Role
const STATE_MATRIX: Role[][] = [
  [R.Unknown, R.Stopped, R.Stopped, R.Stopped, R.Stopped],
  [R.Stopped, R.Stopped, R.Started, R.Unpromoted, R.Unpromoted],
  [R.Stopped, R.Stopped, R.Started, R.Unpromoted, R.Promoted],
  [R.Stopped, R.Stopped, R.Stopped, R.Unpromoted, R.Promoted],
  [R.Stopped, R.Unpromoted, R.Unpromoted, R.Unpromoted, R.Promoted],
]

/** With multiple-active=stop_unexpected, the node where a multiply active resource stays (is_expected_node). */
function isExpectedNode(rsc: Rsc, node: SNode): boolean {
  return rsc.stopUnexpected === true && rsc.restarting && rsc.nextRole > Role.Stopped && rsc.allocatedTo === node
}

function stopResource(ws: WorkingSet, rsc: Rsc, _node: SNode | null, optionalIn: boolean): void {
  let optional = optionalIn
  for (const current of rsc.runningOn) {
    if (isExpectedNode(rsc, current)) continue
    if (rsc.partialMigrationTarget) {
      // a partial migration to the node it is still assigned to continues there
      if (current === rsc.partialMigrationTarget && current === rsc.allocatedTo) continue
      optional = false
    }
    const stop = stopAction(ws, rsc, current, optional)
    if (rsc.allocatedTo === null) setReason(stop, 'node availability', true)
    else if (rsc.restarting && rsc.stopUnexpected) setReason(stop, 'being multiply active', true)
    if (!rsc.managed) stop.runnable = false
    orderStopVsUnfence(ws, rsc, current, stop)
  }
}

function startResource(ws: WorkingSet, rsc: Rsc, node: SNode | null, optional: boolean): void {
  if (!node) return
  const start = startAction(ws, rsc, node, true)
  orderVsUnfence(ws, rsc, node, start, O.impliesThen)
  if (start.runnable && !optional) start.optional = false
  if (isExpectedNode(rsc, node)) start.pseudo = true
}

function promoteResource(ws: WorkingSet, rsc: Rsc, node: SNode | null, optional: boolean): void {
  if (!node) return
  let runnable = true
  for (const s of resourceActions(rsc, 'start', node)) if (!s.runnable) runnable = false
  if (runnable) {
    const promote = promoteAction(ws, rsc, node, optional)
    if (isExpectedNode(rsc, node)) promote.pseudo = true
  } else for (const p of resourceActions(rsc, 'promote', node)) p.runnable = false
}

function demoteResource(ws: WorkingSet, rsc: Rsc, _node: SNode | null, optional: boolean): void {
  for (const current of rsc.runningOn) if (!isExpectedNode(rsc, current)) demoteAction(ws, rsc, current, optional)
}

function roleError(): void { /* invalid transition */ }

const ACTION_MATRIX: Array<Array<TransitionFn | null>> = [
  [roleError, stopResource, roleError, roleError, roleError],
  [roleError, null, startResource, startResource, roleError],
  [roleError, stopResource, null, null, promoteResource],
  [roleError, stopResource, null, null, promoteResource],
  [roleError, demoteResource, null, demoteResource, null],
]

function scheduleRestartActions(ws: WorkingSet, rsc: Rsc, current: SNode | null, needStop: boolean, needPromote: boolean): void {
  let role = rsc.role
  rsc.restarting = true
  while (role !== Role.Stopped) {
    const next = STATE_MATRIX[role][Role.Stopped]
    const fn = ACTION_MATRIX[role][next]
    if (!fn) break
    fn(ws, rsc, current, !needStop)
    role = next
  }
  while (rsc.role <= rsc.nextRole && role !== rsc.role && !rsc.block) {
    let required = needStop
    const next = STATE_MATRIX[role][rsc.role]
    if (next === Role.Promoted && needPromote) required = true
    const fn = ACTION_MATRIX[role][next]
    if (!fn) break
    fn(ws, rsc, rsc.allocatedTo, !required)
    role = next
  }
  rsc.restarting = false
}

function scheduleRoleTransitionActions(ws: WorkingSet, rsc: Rsc): void {
  let role = rsc.role
  while (role !== rsc.nextRole) {
    const next = STATE_MATRIX[role][rsc.nextRole]
    const fn = ACTION_MATRIX[role][next]
    if (!fn) break
    fn(ws, rsc, rsc.allocatedTo, false)
    role = next
  }
}

export function primitiveCreateActions(ws: WorkingSet, rsc: Rsc): void {
  if (rsc.nextRole === Role.Unknown) rsc.nextRole = rsc.allocatedTo ? Role.Started : Role.Stopped
  let needStop = false
  let needPromote = false
  const current = currentNode(rsc)
  const numActive = rsc.runningOn.length
  let isMoving = false
  let allowMigrate = false
  if (current && rsc.allocatedTo && current !== rsc.allocatedTo && rsc.nextRole >= Role.Started) {
    isMoving = true
    allowMigrate = canMigrate(rsc, current)
    needStop = true
  }
  for (const source of rsc.danglingMigrations ?? []) abortDanglingMigration(ws, rsc, source)
  const cleanActive = rsc.runningOn.filter((n) => n.online && !n.unclean).length
  let multiplyActive = false
  if (rsc.partialMigrationSource && rsc.partialMigrationTarget && allowMigrate && numActive === 2
    && current === rsc.partialMigrationSource && rsc.allocatedTo === rsc.partialMigrationTarget) {
    // the partial migration continues
  } else if (rsc.partialMigrationSource || rsc.partialMigrationTarget) {
    // a partial migration that cannot continue: recover
    needStop = true
    rsc.partialMigrationSource = undefined
    rsc.partialMigrationTarget = undefined
    allowMigrate = false
  } else {
    multiplyActive = rsc.needs === 'fencing' ? numActive > 1 : cleanActive > 1
  }
  if (multiplyActive) {
    if (rsc.recovery === 'stop_start' || rsc.recovery === undefined) needStop = true
    else if (rsc.recovery === 'stop_unexpected') { needStop = true; rsc.stopUnexpected = true }
  } else {
    rsc.stopUnexpected = false
  }
  // create_pending_start: a start already pending (in the history, or after an agent change) is
  // represented by an optional start where the resource is placed, which what depends on it can require
  if ((rsc.pendingNode || rsc.startPending) && rsc.allocatedTo) startAction(ws, rsc, rsc.allocatedTo, true).printAlways = true
  if (isMoving) {
    // nothing more
  } else if (rsc.failed) {
    if (rsc.stopFlag) needStop = true
    else if (rsc.nextRole === Role.Promoted) needPromote = true
  } else if (rsc.block) {
    needStop = true
  } else if (rsc.role > Role.Started && current && rsc.allocatedTo) {
    const start = startAction(ws, rsc, rsc.allocatedTo, true)
    if (!start.optional) needStop = true
  }
  scheduleRestartActions(ws, rsc, current, needStop, needPromote)
  scheduleRoleTransitionActions(ws, rsc)
  createRecurringActions(ws, rsc)
  if (allowMigrate && current) createMigrationActions(ws, rsc, current)
}

/** Recurring operations for the role the resource will have, and for the Stopped role elsewhere (pcmk_sched_recurring.c). */
function createRecurringActions(ws: WorkingSet, rsc: Rsc): void {
  if (rsc.block || rsc.maintenance) return
  const node = rsc.allocatedTo
  // Pacemaker looks the start up again here, which re-applies "unmanaged means optional"
  const start = node && !node.maintenance && (rsc.nextRole !== Role.Stopped || !rsc.managed) ? startAction(ws, rsc, node, true) : undefined
  for (const op of rsc.ops) {
    if (!isRecurring(rsc, op)) continue
    if (start && node) recurringForActive(ws, rsc, start, node, op)
    recurringForInactive(ws, rsc, node, op)
  }
}

const CANNOT_RECUR = new Set(['stop', 'start', 'demote', 'promote', 'reload-agent', 'migrate_to', 'migrate_from'])

/** is_recurring_history: an enabled recurring operation, configured once for its name and interval */
function isRecurring(rsc: Rsc, op: OpConfig): boolean {
  if (op.intervalMs === 0 || CANNOT_RECUR.has(op.name)) return false
  if (rsc.ops.filter((o) => o.name === op.name && o.intervalMs === op.intervalMs).length > 1) return false
  return op.enabled
}

/** The recurring operation already runs there (from the history, or an action asked for earlier). */
function recurringActions(rsc: Rsc, key: string, node: SNode): Action[] {
  return rsc.actions.filter((a) => a.uuid === key && a.node === node)
}

function activeOnNode(rsc: Rsc, op: OpConfig, node: SNode): boolean {
  return rsc.activeRecurring?.get(node)?.has(`${op.name}_${op.intervalMs}`) === true
}

function recurringForActive(ws: WorkingSet, rsc: Rsc, start: Action, node: SNode, op: OpConfig): void {
  if (op.role === Role.Stopped) return
  const key = `${rsc.id}_${op.name}_${op.intervalMs}`
  const existing = recurringActions(rsc, key, node)
  const optional = !rsc.fns.actionFlags(start, null).optional ? false
    : !activeOnNode(rsc, op, node) && existing.length === 0 ? false
      : !existing.some((a) => a.reschedule)
  const roleMismatch = op.configuredRole !== undefined ? rsc.nextRole !== op.configuredRole : rsc.nextRole === Role.Promoted
  if (roleMismatch) {
    if (optional) {
      // it runs for the role the resource leaves: cancel it before that change
      const cancel = cancelAction(ws, rsc, op.name, op.intervalMs, node)
      const after = rsc.role === Role.Promoted ? 'demote'
        : rsc.role === Role.Started || rsc.role === Role.Unpromoted ? (rsc.nextRole === Role.Promoted ? 'promote' : rsc.nextRole === Role.Stopped ? 'stop' : undefined)
          : undefined
      if (after) newOrdering(ws, {action: cancel}, {rsc, task: after}, O.runnableLeft)
    }
    return
  }
  const mon = customAction(ws, rsc, op.name, node, optional, op.intervalMs)
  if (!start.runnable || !node.online || node.unclean) mon.runnable = false
  if (rsc.managed) {
    newOrdering(ws, {rsc, task: 'start'}, {action: mon}, O.impliesThen | O.runnableLeft)
    newOrdering(ws, {rsc, task: 'reload-agent'}, {action: mon}, O.impliesThen | O.runnableLeft)
    if (rsc.nextRole === Role.Promoted) newOrdering(ws, {rsc, task: 'promote'}, {action: mon}, O.optional | O.runnableLeft)
    else if (rsc.role === Role.Promoted) newOrdering(ws, {rsc, task: 'demote'}, {action: mon}, O.optional | O.runnableLeft)
  }
}

function recurringForInactive(ws: WorkingSet, rsc: Rsc, node: SNode | null, op: OpConfig): void {
  if (op.configuredRole !== Role.Stopped || !rsc.unique) return
  const key = `${rsc.id}_${op.name}_${op.intervalMs}`
  for (const stopNode of ws.nodes) {
    if (node === stopNode) {
      // where it will run, a Stopped-role monitor still running is cancelled before the start
      if (activeOnNode(rsc, op, node) || recurringActions(rsc, key, node).length > 0) {
        const cancel = cancelAction(ws, rsc, op.name, op.intervalMs, node)
        if (rsc.nextRole === Role.Started || rsc.nextRole === Role.Unpromoted) newOrdering(ws, {action: cancel}, {rsc, task: 'start'}, O.runnableLeft)
      }
      continue
    }
    const optional = activeOnNode(rsc, op, stopNode) || recurringActions(rsc, key, stopNode).length > 0
    const mon = customAction(ws, rsc, op.name, stopNode, optional, op.intervalMs)
    if (rsc.managed) for (const probe of rsc.actions.filter((a) => a.task === 'monitor' && a.intervalMs === 0 && a.node === stopNode)) orderActions(probe, mon, O.runnableLeft)
    // not before the resource has stopped there
    for (const stop of rsc.actions.filter((a) => a.task === 'stop' && a.intervalMs === 0 && a.node === stopNode)) {
      if (!stop.optional && !mon.optional && !rsc.managed) mon.optional = true
      if (!stop.runnable) mon.runnable = false
      if (rsc.managed) newOrdering(ws, {rsc, task: 'stop', action: stop}, {action: mon}, O.impliesThen | O.runnableLeft)
    }
    if (!stopNode.online || stopNode.unclean) mon.runnable = false
  }
}

export function primitiveInternalConstraints(ws: WorkingSet, rsc: Rsc): void {
  if (!rsc.managed) return
  orderResourceActions(ws, rsc, 'stop', rsc, 'start', O.optional | O.impliesThen | O.restart)
  orderRestartVsUnfence(ws, rsc)
  containerConstraints(ws, rsc, {
    order: (f, ft, t, tt, type) => orderResourceActions(ws, f, ft, t, tt, type),
    colocate: (d, p, score) => newColocation(ws, 'resource-with-container', undefined, score, d, p, undefined, undefined, true),
  })
  avoidRemoteNodes(ws, rsc)
  if ((rsc.utilization?.size ?? 0) > 0 && ws.options.placementStrategy !== 'default') utilizationConstraints(ws, rsc)
  if (topParent(rsc).promotable || rsc.role > Role.Unpromoted) {
    orderResourceActions(ws, rsc, 'demote', rsc, 'stop', O.promotedImpliesFirst)
    orderResourceActions(ws, rsc, 'start', rsc, 'promote', O.runnableLeft)
  }
}

/**
 * With a placement strategy, stops on a node come before starts (and migrations) that need its
 * capacity: stop -> load_stopped_NODE -> start (pcmk__create_utilization_constraints). The
 * pseudo-actions are made here; their edges, which only shape the graph and only count on one
 * node, are added when orderings are applied (orderForLoad), one per node instead of one per
 * allowed node.
 */
function utilizationConstraints(ws: WorkingSet, rsc: Rsc): void {
  // (a node named twice is made once: loadStopped makes each node's pseudo-action on its first call)
  for (let i = 0; i < rsc.runningOn.length; i++) loadStopped(ws, rsc.runningOn[i])
  rsc.allowed.forEach((_w, node) => loadStopped(ws, node))
  ws.loadOrdered ??= []
  ws.loadOrdered.push(rsc)
}

function loadStopped(ws: WorkingSet, node: SNode): Action {
  // (by node: asked for once per resource and allowed node, a key built each time cost more)
  let a = loadStoppedOf.get(node)
  if (a) return a
  a = clusterPseudoAction(ws, `load_stopped_${node.uname}`)
  if (!a.node) { a.node = node; a.optional = false }
  loadStoppedOf.set(node, a)
  return a
}
const loadStoppedOf = new WeakMap<SNode, Action>()

/** The load orderings' edges, on the node each is about (graph-only: they change no flags). */
export function orderForLoad(ws: WorkingSet): void {
  for (const rsc of ws.loadOrdered ?? []) {
    for (const a of rsc.actions) {
      if (a.intervalMs !== 0 || !a.node) continue
      if (a.task === 'stop' && rsc.runningOn.includes(a.node)) orderActions(a, loadStopped(ws, a.node), O.load)
      else if (a.task === 'start' && rsc.allowed.has(a.node)) orderActions(loadStopped(ws, a.node), a, O.load)
      else if (a.task === 'migrate_to' && rsc.allocatedTo && rsc.allowed.has(rsc.allocatedTo)) orderActions(loadStopped(ws, rsc.allocatedTo), a, O.load)
    }
  }
}

export function makePrimitiveMethods(ws: () => WorkingSet): VariantMethods {
  return {
    assign: (rsc, prefer) => primitiveAssign(ws(), rsc, prefer),
    createActions: (rsc) => primitiveCreateActions(ws(), rsc),
    internalConstraints: (rsc) => primitiveInternalConstraints(ws(), rsc),
    applyColocScore: primitiveApplyColocScore,
    applyLocation,
    actionFlags: (a: Action) => ({optional: a.optional, runnable: a.runnable, migrateRunnable: a.migrateRunnable}),
    updateOrderedActions: (first, then, node, flags, filter, type) => updateOrderedActions(ws(), first, then, node, flags, filter, type),
  }
}
