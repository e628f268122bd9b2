/** Action creation and lookup (Pacemaker's custom_action and friends). */
import {newOrdering} from './constraints.js'
import {fenceGuest} from './remote.js'
import {type Action, O, type Rsc, Role, type SNode, type WorkingSet} from './types.js'
import {failCount} from './unpack.js'

export function opKey(rscId: string, task: string, intervalMs = 0): string {
  return `${rscId}_${task}_${intervalMs}`
}


/**
 * A resource's actions by operation key, each list in creation order: findAction looks an action up
 * by key once per lookup, and big clusters ask for thousands (a probe per resource and node).
 */
const actionsByKey = new WeakMap<Rsc, Map<string, Action[]>>()

/**
 * A resource's one-off actions (interval 0) by task, each list in creation order: orderings name
 * their actions by resource and task. Kept as actions are made, and when one changes its task
 * (setActionTask: an action under a cancelled operation's key becomes the cancel).
 */
const oneOffByTask = new WeakMap<Rsc, Map<string, Action[]>>()

function addToList<K>(index: Map<K, Action[]>, key: K, a: Action): void {
  const list = index.get(key)
  if (!list) { index.set(key, [a]); return }
  // in creation order (ids grow): a retasked action goes where a scan of rsc.actions would find it
  let i = list.length
  while (i > 0 && list[i - 1].id > a.id) i--
  list.splice(i, 0, a)
}

function newAction(ws: WorkingSet, rsc: Rsc | undefined, task: string, uuid: string, node: SNode | undefined, intervalMs: number, save = true): Action {
  const a: Action = {
    id: ws.actionSeq++, rsc, task, uuid, node, intervalMs, optional: true, runnable: true, pseudo: false,
    requiresAny: false, runnableBefore: 0, requiredRunnableBefore: 0, before: [], after: [],
    // only starts and promotes need quorum or fencing (unpack_operation)
    needsNothing: !(task === 'start' || task === 'promote') || rsc?.needs === 'nothing',
    // every optional field present from the start: all actions share one shape, so the hot (and
    // mostly cold, not yet optimised) code reading them sees one object layout, not a dozen
    reason: undefined, fenceOp: undefined, migrateRunnable: undefined, dangling: undefined, printAlways: undefined,
    onDc: undefined, reschedule: undefined, notifyMeta: undefined, priority: undefined,
  }
  if (!save) return a
  ws.actions.push(a)
  if (rsc) {
    rsc.actions.push(a)
    let byKey = actionsByKey.get(rsc)
    if (!byKey) actionsByKey.set(rsc, byKey = new Map())
    const same = byKey.get(uuid)
    if (same) same.push(a)
    else byKey.set(uuid, [a])
    if (intervalMs === 0) {
      let byTask = oneOffByTask.get(rsc)
      if (!byTask) oneOffByTask.set(rsc, byTask = new Map())
      addToList(byTask, task, a)
    }
  }
  return a
}

/** A resource's one-off actions with this task, oldest first (shared: do not change). */
export function actionsWithTask(rsc: Rsc, task: string): readonly Action[] {
  return oneOffByTask.get(rsc)?.get(task) ?? NO_ACTIONS
}

/** Changes an action's task, keeping the by-task index right (the key stays). */
export function setActionTask(a: Action, task: string): void {
  if (a.task === task) return
  const byTask = a.rsc && a.intervalMs === 0 ? oneOffByTask.get(a.rsc) : undefined
  const old = byTask?.get(a.task)
  if (byTask && old?.includes(a)) {
    old.splice(old.indexOf(a), 1)
    addToList(byTask, task, a)
  }
  a.task = task
}

/**
 * pcmk__new_cancel_action: cancels a recurring operation on a node. The cancel takes the
 * operation's key, so an action already under that key (the operation itself) becomes the cancel.
 */
export function cancelAction(ws: WorkingSet, rsc: Rsc, opName: string, intervalMs: number, node: SNode): Action {
  const a = customAction(ws, rsc, 'cancel', node, false, intervalMs, true, opKey(rsc.id, opName, intervalMs))
  setActionTask(a, 'cancel')
  return a
}

/** A resource's actions with this operation key, oldest first (shared: do not change). */
export function actionsWithKey(rsc: Rsc, uuid: string): readonly Action[] {
  return actionsByKey.get(rsc)?.get(uuid) ?? NO_ACTIONS
}
/** The empty action list, shared (do not change). */
export const NO_ACTIONS: readonly Action[] = []

export function findAction(rsc: Rsc, uuid: string, node: SNode | undefined | null): Action | undefined {
  const same = actionsByKey.get(rsc)?.get(uuid)
  if (!same) return undefined
  for (let i = 0; i < same.length; i++) {
    const a = same[i]
    // no node named: any node's action under that key (find_actions ignores the node then)
    if (node === undefined || node === null) return a
    else if (a.node === node) return a
    else if (a.node === undefined && !a.pseudo) {
      // an action created without a node is taken over by the first lookup that names one (find_actions)
      a.node = node
      return a
    }
  }
  return undefined
}

/**
 * The newest one-off action of rsc for this task, on this node unless node is null. (A plain loop:
 * groups and clones ask once per member and ordering, mostly from cold code.)
 */
export function newestAction(rsc: Rsc, task: string, node: SNode | null): Action | undefined {
  const actions = rsc.actions
  for (let i = actions.length - 1; i >= 0; i--) {
    const a = actions[i]
    if (a.task === task && a.intervalMs === 0 && (node === null || a.node === node)) return a
  }
  return undefined
}

/** Actions of rsc with this task (any node, or a given node). */
export function resourceActions(rsc: Rsc, task: string, node?: SNode | null, requireNode = false): Action[] {
  return rsc.actions.filter((a) => a.task === task && a.intervalMs === 0
    && (node === undefined || node === null ? !requireNode || a.node === undefined : a.node === node))
}

export function firstAction(rsc: Rsc, task: string, node?: SNode | null): Action | undefined {
  return rsc.actions.find((a) => a.task === task && a.intervalMs === 0 && (node === undefined || node === null || a.node === node))
}

/** Why an action cannot run on its node, if it cannot (update_resource_action_runnable). */
export function updateRunnable(ws: WorkingSet, a: Action, forGraph: boolean): void {
  if (a.pseudo || !a.rsc) return
  const node = a.node
  if (!node) {
    a.runnable = false
  } else if (!a.onDc && !node.online && (!node.guest || node.remoteRequiresReset)) {
    // (a guest node that is down comes up with its container: its actions stay runnable unless it must be reset)
    a.runnable = false
    if (a.rsc.managed && forGraph && a.task === 'stop' && !node.unclean) {
      fenceNode(ws, node, 'stop is unrunnable', false)
    }
  } else if (!a.onDc && node.pending) {
    a.runnable = false
  } else if (a.needsNothing) {
    a.reason = undefined
    // nothing is needed, except that a guest node's unclean host must be fenceable for it to complete
    a.runnable = !(node.guest && !canFence(ws, node))
  } else if (effectiveQuorumPolicy(ws, a.rsc) === 'stop') {
    a.runnable = false
    setReason(a, 'no quorum', true)
  } else if (effectiveQuorumPolicy(ws, a.rsc) === 'freeze') {
    if (a.rsc.runningOn.length === 0 || a.rsc.nextRole > a.rsc.role) {
      if (a.runnable) { a.runnable = false; setReason(a, 'quorum freeze', true) }
    }
  } else {
    a.runnable = true
  }
}

/** no-quorum-policy as it applies to one resource (demote: promotable ones keep running unpromoted). */
function effectiveQuorumPolicy(ws: WorkingSet, rsc: Rsc): string {
  if (ws.options.haveQuorum) return 'ignore'
  const policy = ws.options.noQuorumPolicy
  if (policy !== 'demote') return policy
  if (rsc.role === Role.Promoted || rsc.role === Role.Unpromoted) {
    if (rsc.nextRole > Role.Unpromoted) rsc.nextRole = Role.Unpromoted
    return 'ignore'
  }
  return 'stop'
}

export function setReason(a: Action, reason: string | undefined, overwrite: boolean): void {
  if (a.reason === undefined || overwrite) a.reason = reason
}

/**
 * Finds or creates an action. `optional=false` makes an existing action required.
 * Non-recurring actions of unmanaged resources are always optional.
 */
export function customAction(ws: WorkingSet, rsc: Rsc, task: string, node: SNode | undefined | null, optional: boolean, intervalMs = 0, save = true, key?: string): Action {
  const uuid = key ?? opKey(rsc.id, task, intervalMs)
  let a = save ? findAction(rsc, uuid, node) : undefined
  if (!a) {
    a = newAction(ws, rsc, task, uuid, node ?? undefined, intervalMs, save)
    if (task === 'lrm_delete') a.onDc = true
  }
  if (a.node && !a.pseudo && !rsc.managed && intervalMs === 0) a.optional = true
  else if (!optional) a.optional = false
  updateRunnable(ws, a, save)
  return a
}

export function pseudoAction(ws: WorkingSet, rsc: Rsc, task: string, optional: boolean): Action {
  const uuid = opKey(rsc.id, task, 0)
  let a = findAction(rsc, uuid, undefined)
  if (!a) {
    a = newAction(ws, rsc, task, uuid, undefined, 0)
    a.pseudo = true
    a.runnable = true
  }
  if (!optional) a.optional = false
  return a
}

export const startAction = (ws: WorkingSet, rsc: Rsc, node: SNode | null, optional: boolean) => customAction(ws, rsc, 'start', node, optional)
export const stopAction = (ws: WorkingSet, rsc: Rsc, node: SNode | null, optional: boolean) => customAction(ws, rsc, 'stop', node, optional)
export const promoteAction = (ws: WorkingSet, rsc: Rsc, node: SNode | null, optional: boolean) => customAction(ws, rsc, 'promote', node, optional)
export const demoteAction = (ws: WorkingSet, rsc: Rsc, node: SNode | null, optional: boolean) => customAction(ws, rsc, 'demote', node, optional)

/** A pseudo-action that belongs to no resource (e.g. "enough clone instances started"). */
export function clusterPseudoAction(ws: WorkingSet, key: string): Action {
  // looked up by key: big clusters ask for load_stopped_NODE once per resource and node
  let byKey = clusterPseudoActions.get(ws)
  if (!byKey) clusterPseudoActions.set(ws, byKey = new Map())
  let a = byKey.get(key)
  if (!a) {
    a = newAction(ws, undefined, key, key, undefined, 0)
    a.pseudo = true
    a.runnable = true
    a.needsNothing = true
    byKey.set(key, a)
  }
  return a
}
const clusterPseudoActions = new WeakMap<WorkingSet, Map<string, Action>>()

/** A node's request to be probed again (probe_complete=false): the controller re-probes it, nothing waits for it. */
export function reprobeAction(ws: WorkingSet, node: SNode): Action {
  const a = newAction(ws, undefined, 'probe_again', `probe_again-${node.uname}`, node, 0)
  a.optional = false
  a.needsNothing = true
  return a
}

/** A node's clean shutdown (pcmk__new_shutdown_action); it waits for the stops there. */
export function shutdownAction(ws: WorkingSet, node: SNode): Action {
  const a = newAction(ws, undefined, 'do_shutdown', `do_shutdown-${node.uname}`, node, 0)
  a.optional = false
  a.needsNothing = true
  return a
}

/** The fencing action for a node (created on first use; the first reason wins); it becomes required only if the node can be fenced (pe_fence_op). */
export function fenceOp(ws: WorkingSet, node: SNode, optional: boolean, reason: string | undefined, op = ws.options.stonithAction): Action {
  let a = ws.fenceActions.find((f) => f.node === node && f.fenceOp === op)
  if (!a) {
    a = newAction(ws, undefined, 'stonith', `stonith-${node.uname}-${op}`, node, 0)
    a.fenceOp = op
    a.needsNothing = true
    a.runnable = true
    ws.fenceActions.push(a)
  }
  if (reason !== undefined && a.reason === undefined) a.reason = reason
  if (!optional && canFence(ws, node)) a.optional = false
  return a
}

/** Marks a node unclean and schedules (optionally) its fencing (pe_fence_node). */
export function fenceNode(ws: WorkingSet, node: SNode, reason: string, _priorityDelay: boolean): void {
  if (node.guest) {
    // a guest node is fenced by recovering its container
    fenceGuest(node)
    return
  }
  if (node.remote) {
    // a remote node is (re)marked each time; the first reason given wins
    if (!(node.remoteRsc && !node.remoteRsc.managed)) node.remoteRequiresReset = true
    node.unclean = true
    fenceOp(ws, node, true, reason)
    return
  }
  if (node.unclean) return
  node.unclean = true
  if (node.fenceReason === undefined) node.fenceReason = reason
  fenceOp(ws, node, true, reason)
}

export function canFence(ws: WorkingSet, node: SNode | null): boolean {
  // a guest node is fenced by stopping its container: possible while its host is online or fenceable
  const container = node?.guest ? node.remoteRsc?.container : undefined
  if (container) return container.runningOn.every((host) => host.online || canFence(ws, host))
  const o = ws.options
  if (!o.stonithEnabled || !o.haveStonithResource) return false
  if (o.haveQuorum || o.noQuorumPolicy === 'ignore') return true
  if (!node) return false
  return node.online
}

export function roleAfter(rsc: Rsc): Role {
  return rsc.nextRole
}

/**
 * pe__clear_failcount: a clear_failcount action for a resource on a node. While it is scheduled
 * the fail count no longer bans the resource from the node (failcount_clear_action_exists).
 */
export function clearFailcount(ws: WorkingSet, rsc: Rsc, node: SNode): Action {
  ;(rsc.failcountCleared ??= new Set()).add(node)
  return customAction(ws, rsc, 'clear_failcount', node, false)
}

/** clear_failcounts_if_orphaned: an orphan's fail counts are cleared on every online node, before it stops */
export function clearFailcountsIfOrphaned(ws: WorkingSet, rsc: Rsc): void {
  if (!rsc.orphan) return
  for (const node of ws.nodes) {
    if (!node.online || failCount(ws, rsc, node) === 0) continue
    const clear = clearFailcount(ws, rsc, node)
    newOrdering(ws, {action: clear}, {rsc, task: 'stop'}, O.optional)
  }
}
