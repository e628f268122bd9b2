/** Primitive resources: actions for role changes, implicit orderings (pcmk_sched_primitive.c). */
import {customAction, demoteAction, promoteAction, resourceActions, setReason, startAction, stopAction} from './actions.js'
import {newColocation, orderResourceActions} from './constraints.js'
import {avoidRemoteNodes, containerConstraints} from './remote.js'
import {orderRestartVsUnfence, orderStopVsUnfence, orderVsUnfence} from './fencing.js'
import {abortDanglingMigration, canMigrate, createMigrationActions} from './migration.js'
import {applyLocation, currentNode, primitiveApplyColocScore, primitiveAssign} from './placement.js'
import {updateOrderedActions} from './ordering.js'
import {type Action, O, type Rsc, Role, type SNode, type VariantMethods, type WorkingSet} from './types.js'

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

/** Recurring monitors for the role the resource will have (pcmk_sched_recurring.c, simplified). */
function createRecurringActions(ws: WorkingSet, rsc: Rsc): void {
  if (rsc.block) return
  const node = rsc.allocatedTo
  // Pacemaker looks the start up again here, which re-applies "unmanaged means optional"
  const start = node && (rsc.nextRole !== Role.Stopped || !rsc.managed) ? startAction(ws, rsc, node, true) : undefined
  if (!start || !node) return
  for (const op of rsc.ops) {
    if (op.name !== 'monitor' || op.intervalMs === 0 || !op.enabled) continue
    if (op.role === Role.Stopped) continue
    const wantRole = rsc.nextRole === Role.Promoted ? Role.Promoted : Role.Unknown
    if (op.role !== Role.Unknown && op.role !== Role.Started && op.role !== wantRole && !(op.role === Role.Unpromoted && rsc.nextRole === Role.Unpromoted)) continue
    const mon = customAction(ws, rsc, 'monitor', node, start.optional, op.intervalMs)
    if (!start.runnable) mon.runnable = false
  }
}

export function primitiveInternalConstraints(ws: WorkingSet, rsc: Rsc): void {
  if (!rsc.managed) return
  orderResourceActions(ws, rsc, 'stop', rsc, 'start', O.optional | O.impliesThen | O.restart)
  orderRestartVsUnfence(ws, rsc)
  containerConstraints(ws, rsc, {
    order: (f, ft, t, tt, type) => orderResourceActions(ws, f, ft, t, tt, type),
    colocate: (d, p, score) => newColocation(ws, 'resource-with-container', undefined, score, d, p, undefined, undefined),
  })
  avoidRemoteNodes(ws, rsc)
  let top = rsc
  while (top.parent && top.parent.variant !== 'bundle') top = top.parent
  if (top.promotable || rsc.role > Role.Unpromoted) {
    orderResourceActions(ws, rsc, 'demote', rsc, 'stop', O.promotedImpliesFirst)
    orderResourceActions(ws, rsc, 'start', rsc, 'promote', O.runnableLeft)
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
