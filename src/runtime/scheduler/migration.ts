/**
 * Live migration (pcmk_sched_migration.c): a resource with allow-migrate that moves is
 * migrated (migrate_to on the old node, migrate_from on the new one; its start becomes a
 * pseudo-action) as long as every action involved stays migratable; orderings between
 * resources get migration equivalents.
 */
import type * as M from '../../formats/cib/model.js'
import {customAction, startAction, stopAction} from './actions.js'
import {newOrdering, orderResourceActions} from './constraints.js'
import {O, type Ordering, type Rsc, Role, type SNode, type WorkingSet} from './types.js'

/** pcmk__rsc_can_migrate */
export function canMigrate(rsc: Rsc, current: SNode | null): boolean {
  if (!rsc.allowMigrate || !rsc.managed || rsc.failed || rsc.pendingNode || rsc.startPending) return false
  if (!current || current.unclean) return false
  return rsc.allocatedTo !== null && !rsc.allocatedTo.unclean
}

function orderOwn(ws: WorkingSet, rsc: Rsc, firstTask: string, thenTask: string, type: number): void {
  newOrdering(ws, {rsc, task: firstTask}, {rsc, task: thenTask}, type)
}

/** pcmk__create_migration_actions */
export function createMigrationActions(ws: WorkingSet, rsc: Rsc, current: SNode): void {
  const target = rsc.allocatedTo!
  const start = startAction(ws, rsc, target, true)
  const stop = stopAction(ws, rsc, current, true)
  const partial = rsc.partialMigrationTarget !== undefined
  const migrateTo = partial ? undefined : customAction(ws, rsc, 'migrate_to', current, true)
  const migrateFrom = customAction(ws, rsc, 'migrate_from', target, true)
  start.migrateRunnable = true
  stop.migrateRunnable = true
  start.pseudo = true
  migrateFrom.migrateRunnable = true
  if (migrateTo) {
    migrateTo.migrateRunnable = true
    migrateTo.needsNothing = start.needsNothing
    orderOwn(ws, rsc, 'monitor', 'migrate_to', O.optional)
    orderOwn(ws, rsc, 'migrate_to', 'migrate_from', O.optional | O.impliesFirstMigratable)
  } else {
    migrateFrom.needsNothing = start.needsNothing
    orderOwn(ws, rsc, 'monitor', 'migrate_from', O.optional)
  }
  orderOwn(ws, rsc, 'migrate_from', 'stop', O.optional | O.impliesFirstMigratable)
  orderOwn(ws, rsc, 'migrate_from', 'start', O.optional | O.impliesFirstMigratable | O.pseudoLeft)
}

function isParent(child: Rsc, parent: Rsc): boolean {
  for (let p = child.parent; p; p = p.parent) if (p === parent) return true
  return false
}

/** pcmk__order_migration_equivalents: what an ordering between two resources means for their migrations (called for every ordering: no closure in it, one would be made on each call). */
export function orderMigrationEquivalents(ws: WorkingSet, order: Ordering): void {
  const first = order.firstRsc ?? order.firstAction?.rsc
  const then = order.thenRsc ?? order.thenAction?.rsc
  if (!first || !then || first === then || isParent(first, then) || isParent(then, first)) return
  const firstMigratable = first.allowMigrate === true
  const thenMigratable = then.allowMigrate === true
  if (!firstMigratable && !thenMigratable) return
  const firstTask = order.firstAction?.task ?? order.firstTask
  const thenTask = order.thenAction?.task ?? order.thenTask
  if (firstTask === 'start' && thenTask === 'start') {
    let flags: number = O.optional
    if (firstMigratable && thenMigratable) orderResourceActions(ws, first, 'migrate_from', then, 'migrate_to', flags)
    if (thenMigratable) {
      if (firstMigratable) flags |= O.applyFirstNonMigratable
      orderResourceActions(ws, first, 'start', then, 'migrate_to', flags)
    }
  } else if (thenMigratable && firstTask === 'stop' && thenTask === 'stop') {
    let flags: number = O.optional
    if (firstMigratable) flags |= O.applyFirstNonMigratable
    orderResourceActions(ws, first, 'stop', then, 'migrate_to', flags)
    if (then.partialMigrationTarget) orderResourceActions(ws, first, 'stop', then, 'migrate_from', flags)
  } else if (firstTask === 'promote' && thenTask === 'start') {
    if (thenMigratable) orderResourceActions(ws, first, 'promote', then, 'migrate_to', O.optional)
  } else if (firstTask === 'demote' && thenTask === 'stop') {
    if (thenMigratable) {
      orderResourceActions(ws, first, 'demote', then, 'migrate_to', O.optional)
      if (then.partialMigrationTarget) orderResourceActions(ws, first, 'demote', then, 'migrate_from', O.optional)
    }
  }
}

// ------------------------------------------------------------ history (unpack.c) --

function lrmResource(ws: WorkingSet, rscId: string, nodeName: string): M.LrmResource | undefined {
  const ns = ws.cib.status.find((s) => (s.uname ?? ws.nodeById.get(s.id)?.uname) === nodeName)
  return ns?.lrmResources.find((l) => l.id === rscId)
}

/** find_lrm_op: an operation of rsc on a node (for migrations: with the other end given). */
function findLrmOp(ws: WorkingSet, rscId: string, task: string, nodeName: string, other: string | undefined, targetRc: number): M.LrmOperation | undefined {
  const lrm = lrmResource(ws, rscId, nodeName)
  const op = lrm?.operations.find((o) => {
    const a = o.attributes
    if ((a.operation ?? o.operation) !== task) return false
    if (other !== undefined && task === 'migrate_to') return a.migrate_target === other
    if (other !== undefined && task === 'migrate_from') return a.migrate_source === other
    return true
  })
  if (op && targetRc >= 0 && (Number(op.attributes['rc-code'] ?? 1) !== targetRc || Number(op.attributes['op-status'] ?? 1) !== 0)) return undefined
  return op
}

function num(v: string | undefined, fallback: number): number {
  return v === undefined || v === '' ? fallback : Number(v)
}

/** pe__is_newer_op(a, b) > 0, for operations that are not pending */
function isNewerOp(a: M.LrmOperation, b: M.LrmOperation, sameNodeDefault: boolean): boolean {
  const an = a.attributes.on_node
  const bn = b.attributes.on_node
  const sameNode = an === undefined || bn === undefined ? sameNodeDefault : an === bn
  const ac = num(a.attributes['call-id'], -1)
  const bc = num(b.attributes['call-id'], -1)
  if (ac === -1 && bc === -1) return false
  if (sameNode && ac >= 0 && ac < bc) return false
  if (sameNode && bc >= 0 && ac > bc) return true
  if (ac >= 0 && bc >= 0 && (!sameNode || ac === bc)) {
    const la = num(a.attributes['last-rc-change'], -1)
    const lb = num(b.attributes['last-rc-change'], -1)
    return lb >= 0 && la > lb
  }
  // one is pending: a pending operation is the newest
  return ac === -1
}

function nonMonitorAfter(ws: WorkingSet, rscId: string, nodeName: string, op: M.LrmOperation, sameNode: boolean): boolean {
  const lrm = lrmResource(ws, rscId, nodeName)
  if (!lrm) return false
  return lrm.operations.some((o) => o !== op && ['start', 'stop', 'migrate_to', 'migrate_from'].includes(o.attributes.operation ?? o.operation) && isNewerOp(o, op, sameNode))
}

function monitorNotRunningAfter(ws: WorkingSet, rscId: string, nodeName: string, op: M.LrmOperation, sameNode: boolean): boolean {
  const monitor = findLrmOp(ws, rscId, 'monitor', nodeName, undefined, 7)
  return monitor !== undefined && isNewerOp(monitor, op, sameNode)
}

function newerStateAfterMigrate(ws: WorkingSet, rscId: string, nodeName: string, migrateTo: M.LrmOperation | undefined, migrateFrom: M.LrmOperation | undefined): boolean {
  let op = (migrateFrom ?? migrateTo)!
  const source = op.attributes.migrate_source
  const target = op.attributes.migrate_target
  let sameNode = false
  if (nodeName === target) {
    if (migrateFrom) { op = migrateFrom; sameNode = true } else op = migrateTo!
  } else if (nodeName === source) {
    if (migrateTo) { op = migrateTo; sameNode = true } else op = migrateFrom!
  }
  return nonMonitorAfter(ws, rscId, nodeName, op, sameNode) || monitorNotRunningAfter(ws, rscId, nodeName, op, sameNode)
}

function unknownOn(ws: WorkingSet, rscId: string, nodeName: string): boolean {
  const lrm = lrmResource(ws, rscId, nodeName)
  return !lrm || lrm.operations.length === 0
}

export interface MigrationHooks {
  /** native_add_running */
  addRunning(rsc: Rsc, node: SNode): void
}

/** unpack_migrate_to_success */
export function unpackMigrateToSuccess(ws: WorkingSet, rsc: Rsc, node: SNode, op: M.LrmOperation, hooks: MigrationHooks): void {
  const source = op.attributes.migrate_source
  const target = op.attributes.migrate_target
  if (!source || !target || source !== node.uname) return
  const sourceNewerOp = nonMonitorAfter(ws, rsc.id, source, op, true)
  const migrateFrom = findLrmOp(ws, rsc.id, 'migrate_from', target, source, -1)
  if (sourceNewerOp && migrateFrom) return
  const targetNewerState = newerStateAfterMigrate(ws, rsc.id, target, op, migrateFrom)
  if (sourceNewerOp && targetNewerState) return
  rsc.role = Role.Started
  const targetNode = ws.nodeByName.get(target)
  const sourceNode = ws.nodeByName.get(source)
  const fromRc = num(migrateFrom?.attributes['rc-code'], 0)
  const fromStatus = num(migrateFrom?.attributes['op-status'], 0)
  if (migrateFrom && fromRc === 0 && fromStatus === 0) {
    // both halves done but never stopped on the source: a dangling migration
    rsc.role = Role.Stopped
    ;(rsc.danglingMigrations ??= []).unshift(node)
  } else if (migrateFrom && fromStatus !== -1) {
    if (!targetNewerState && targetNode?.online) hooks.addRunning(rsc, targetNode)
    else {
      rsc.failed = true
      rsc.stopFlag = true
      rsc.allowMigrate = false
    }
  } else if (!targetNewerState && targetNode?.online) {
    hooks.addRunning(rsc, targetNode)
    if (sourceNode?.online) {
      rsc.partialMigrationTarget = targetNode
      rsc.partialMigrationSource = sourceNode
    }
  } else if (!sourceNewerOp) {
    rsc.failed = true
    rsc.stopFlag = true
    rsc.allowMigrate = false
  }
}

/** unpack_migrate_to_failure */
export function unpackMigrateToFailure(ws: WorkingSet, rsc: Rsc, node: SNode, op: M.LrmOperation, hooks: MigrationHooks): void {
  const source = op.attributes.migrate_source
  const target = op.attributes.migrate_target
  if (!source || !target || source !== node.uname) return
  rsc.role = Role.Started
  const targetMigrateFrom = findLrmOp(ws, rsc.id, 'migrate_from', target, source, 0)
  if (!unknownOn(ws, rsc.id, target) && !newerStateAfterMigrate(ws, rsc.id, target, op, targetMigrateFrom)) {
    const targetNode = ws.nodeByName.get(target)
    if (targetNode?.online) hooks.addRunning(rsc, targetNode)
  } else if (!nonMonitorAfter(ws, rsc.id, source, op, true)) {
    ;(rsc.danglingMigrations ??= []).unshift(node)
  }
}

/** unpack_migrate_from_failure */
export function unpackMigrateFromFailure(ws: WorkingSet, rsc: Rsc, node: SNode, op: M.LrmOperation, hooks: MigrationHooks): void {
  const source = op.attributes.migrate_source
  const target = op.attributes.migrate_target
  if (!source || !target || target !== node.uname) return
  rsc.role = Role.Started
  const sourceMigrateTo = findLrmOp(ws, rsc.id, 'migrate_to', source, target, 0)
  if (!unknownOn(ws, rsc.id, source) && !newerStateAfterMigrate(ws, rsc.id, source, sourceMigrateTo, op)) {
    const sourceNode = ws.nodeByName.get(source)
    if (sourceNode?.online) hooks.addRunning(rsc, sourceNode)
  }
}

/** pcmk__abort_dangling_migration: stop what a completed migration left on its source. */
export function abortDanglingMigration(ws: WorkingSet, rsc: Rsc, source: SNode): void {
  const stop = stopAction(ws, rsc, source, false)
  stop.dangling = true
}
