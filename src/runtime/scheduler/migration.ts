/**
 * Live migration (pcmk_sched_migration.c): a resource with allow-migrate that moves is
 * migrated (migrate_to on the old node, migrate_from on the new one; its start becomes a
 * pseudo-action) as long as every action involved stays migratable; orderings between
 * resources get migration equivalents.
 */
import {customAction, startAction, stopAction} from './actions.js'
import {newOrdering} from './constraints.js'
import {O, type Ordering, type Rsc, type SNode, type WorkingSet} from './types.js'

/** pcmk__rsc_can_migrate */
export function canMigrate(rsc: Rsc, current: SNode | null): boolean {
  if (!rsc.allowMigrate || !rsc.managed || rsc.failed || rsc.pendingNode) return false
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

/** pcmk__order_migration_equivalents: what an ordering between two resources means for their migrations. */
export function orderMigrationEquivalents(ws: WorkingSet, order: Ordering): void {
  const first = order.firstRsc ?? order.firstAction?.rsc
  const then = order.thenRsc ?? order.thenAction?.rsc
  if (!first || !then || first === then || isParent(first, then) || isParent(then, first)) return
  const firstMigratable = first.allowMigrate === true
  const thenMigratable = then.allowMigrate === true
  if (!firstMigratable && !thenMigratable) return
  const firstTask = order.firstAction?.task ?? order.firstTask
  const thenTask = order.thenAction?.task ?? order.thenTask
  const add = (fRsc: Rsc, fTask: string, tRsc: Rsc, tTask: string, type: number) => newOrdering(ws, {rsc: fRsc, task: fTask}, {rsc: tRsc, task: tTask}, type)
  if (firstTask === 'start' && thenTask === 'start') {
    let flags: number = O.optional
    if (firstMigratable && thenMigratable) add(first, 'migrate_from', then, 'migrate_to', flags)
    if (thenMigratable) {
      if (firstMigratable) flags |= O.applyFirstNonMigratable
      add(first, 'start', then, 'migrate_to', flags)
    }
  } else if (thenMigratable && firstTask === 'stop' && thenTask === 'stop') {
    let flags: number = O.optional
    if (firstMigratable) flags |= O.applyFirstNonMigratable
    add(first, 'stop', then, 'migrate_to', flags)
    if (then.partialMigrationTarget) add(first, 'stop', then, 'migrate_from', flags)
  } else if (firstTask === 'promote' && thenTask === 'start') {
    if (thenMigratable) add(first, 'promote', then, 'migrate_to', O.optional)
  } else if (firstTask === 'demote' && thenTask === 'stop') {
    if (thenMigratable) {
      add(first, 'demote', then, 'migrate_to', O.optional)
      if (then.partialMigrationTarget) add(first, 'demote', then, 'migrate_from', O.optional)
    }
  }
}
