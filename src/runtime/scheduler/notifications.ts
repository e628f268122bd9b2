/**
 * Clone notifications (Pacemaker 2.1.5 lib/pengine/pe_notif.c): the clone-level
 * pseudo-actions around a start, stop, promote or demote ("pre", "confirmed-pre",
 * "post", "confirmed-post"), the per-instance `notify` operations between them with
 * the CRM_meta_notify_* variables the agents get, and the "stonith" variant that
 * notifies the surviving instances after a fencing implied a stop.
 *
 * The pseudo-actions are made with the clone's other actions (they take part in
 * ordering); the per-instance operations only when the graph is built, as
 * Pacemaker's clone_expand makes them, from the flags the orderings left.
 */
import {customAction} from './actions.js'
import {orderActions} from './ordering.js'
import {INFINITY, numericCompare} from './scores.js'
import {type Action, O, Role, type Rsc, type SNode, type WorkingSet} from './types.js'
import {topParent} from './resources.js'

/** One instance (and where it is or goes) in a notification list. */
interface Entry {
  rsc: Rsc
  node: SNode | null
}

/** A clone's notification data for one operation (notify_data_t). */
export interface NotifyData {
  /** the operation notified about: start, stop, promote or demote */
  action: string
  pre?: Action
  preDone?: Action
  post?: Action
  postDone?: Action
  active: Entry[]
  inactive: Entry[]
  start: Entry[]
  stop: Entry[]
  promote: Entry[]
  demote: Entry[]
  promoted: Entry[]
  unpromoted: Entry[]
  allowedNodes?: Map<SNode, number>
  /** the notify_* meta-attributes every notify action (and the notified operations) carry */
  keys: Array<[string, string]>
}

/** add_hash_param: a meta-attribute is set once; later values for the same name are ignored. */
function addMeta(a: Action, name: string, value: string): void {
  const meta = (a.notifyMeta ??= new Map())
  if (!meta.has(name)) meta.set(name, value)
}

/** pcmk__notify_key */
function notifyKey(rscId: string, type: string, task: string): string {
  return `${rscId}_${type}_notify_${task}_0`
}

/** new_notify_pseudo_action: a clone-level ("notify"/"notified") pseudo-action about `action`. */
function notifyPseudo(ws: WorkingSet, rsc: Rsc, action: Action, task: 'notify' | 'notified', type: string, operation: string): Action {
  const a = customAction(ws, rsc, task, null, action.optional, 0, true, notifyKey(rsc.id, type, action.task))
  a.pseudo = true
  addMeta(a, 'notify_key_type', type)
  addMeta(a, 'notify_key_operation', action.task)
  addMeta(a, 'notify_type', type.endsWith('pre') ? 'pre' : 'post')
  addMeta(a, 'notify_operation', operation)
  return a
}

/**
 * pe__clone_notif_pseudo_ops: "pre" → "confirmed-pre" → `action` and `complete` → "post" →
 * "confirmed-post", for a resource with notify=true; undefined otherwise.
 */
export function notificationPseudoOps(ws: WorkingSet, rsc: Rsc, task: string, action: Action | undefined, complete: Action | undefined): NotifyData | undefined {
  if (!rsc.notify) return undefined
  const n: NotifyData = {action: task, active: [], inactive: [], start: [], stop: [], promote: [], demote: [], promoted: [], unpromoted: [], keys: []}
  if (action) {
    n.pre = notifyPseudo(ws, rsc, action, 'notify', 'pre', task)
    n.pre.runnable = true
    n.preDone = notifyPseudo(ws, rsc, action, 'notified', 'confirmed-pre', task)
    n.preDone.runnable = true
    orderActions(n.pre, n.preDone, O.optional)
    orderActions(n.preDone, action, O.optional)
  }
  if (complete) {
    n.post = notifyPseudo(ws, rsc, complete, 'notify', 'post', task)
    n.post.priority = INFINITY
    n.post.runnable = complete.runnable
    n.postDone = notifyPseudo(ws, rsc, complete, 'notified', 'confirmed-post', task)
    n.postDone.priority = INFINITY
    n.postDone.runnable = complete.runnable
    orderActions(complete, n.post, O.impliesThen)
    orderActions(n.post, n.postDone, O.impliesThen)
  }
  if (n.preDone && n.post) orderActions(n.preDone, n.post, O.optional)
  return n
}

/** collect_resource_data: every instance's role, and (with `activity`) its scheduled starts, stops, promotions and demotions. */
function collectResourceData(rsc: Rsc, activity: boolean, n: NotifyData): void {
  n.allowedNodes ??= rsc.allowed
  if (rsc.children.length > 0) {
    for (const child of rsc.children) collectResourceData(child, activity, n)
    return
  }
  const entry: Entry = {rsc, node: rsc.runningOn[0] ?? null}
  switch (rsc.role) {
    case Role.Stopped: n.inactive.push(entry); break
    case Role.Started: n.active.push(entry); break
    case Role.Unpromoted: n.unpromoted.push(entry); n.active.push(entry); break
    case Role.Promoted: n.promoted.push(entry); n.active.push(entry); break
    default: break
  }
  if (!activity) return
  for (const op of rsc.actions) {
    if (op.optional || !op.node || op.intervalMs !== 0) continue
    // a stop on a node that will be fenced is listed anyway (it happens, by the fencing)
    if (!(op.task === 'stop' && op.node.unclean) && !op.runnable) continue
    const e = {rsc, node: op.node}
    if (op.task === 'start') n.start.push(e)
    else if (op.task === 'stop') n.stop.push(e)
    else if (op.task === 'promote') n.promote.push(e)
    else if (op.task === 'demote') n.demote.push(e)
  }
}

const byteCompare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** compare_notify_entries: by instance id, then node id; an entry without a node last. */
function compareEntries(a: Entry, b: Entry): number {
  const byRsc = byteCompare(a.rsc.id, b.rsc.id)
  if (byRsc !== 0) return byRsc
  if (!a.node && !b.node) return 0
  if (!a.node) return 1
  if (!b.node) return -1
  return byteCompare(a.node.id, b.node.id)
}

/** notify_entries_to_strings: instance names and their node names, sorted, one entry per instance; " " when empty. */
function entryStrings(list: Entry[], withNodes: boolean): {resources: string; unames: string} {
  const resources: string[] = []
  const unames: string[] = []
  let last: string | undefined
  for (const e of [...list].sort(compareEntries)) {
    if (withNodes && !e.node) continue
    if (e.rsc.id === last) continue
    last = e.rsc.id
    resources.push(e.rsc.id)
    if (withNodes) unames.push(e.node!.uname)
  }
  return {resources: resources.join(' ') || ' ', unames: unames.join(' ') || ' '}
}

/** get_node_names: node names, or (hosts) a guest node's host instead of the guest. */
function nodeNames(nodes: SNode[], hosts: boolean): string {
  const names: string[] = []
  for (const node of nodes) {
    const host = hosts && node.guest ? node.remoteRsc?.container?.runningOn[0] : undefined
    names.push((host ?? node).uname)
  }
  return names.join(' ') || ' '
}

/** add_notif_keys: the notify_* variables; the notifications become required when the operation happens. */
function addNotifyKeys(ws: WorkingSet, rsc: Rsc, n: NotifyData): void {
  let required = false
  const add = (name: string, value: string) => n.keys.push([name, value])
  const stop = entryStrings(n.stop, true)
  if (stop.resources !== ' ' && n.action === 'stop') required = true
  add('notify_stop_resource', stop.resources)
  add('notify_stop_uname', stop.unames)
  for (const task of ['start', 'demote', 'promote'] as const) {
    if (n[task].length > 0 && n.action === task) required = true
    const s = entryStrings(n[task], true)
    add(`notify_${task}_resource`, s.resources)
    add(`notify_${task}_uname`, s.unames)
  }
  const active = entryStrings(n.active, true)
  add('notify_active_resource', active.resources)
  add('notify_active_uname', active.unames)
  // the deprecated slave/master names stay for older agents
  for (const [set, old] of [['unpromoted', 'slave'], ['promoted', 'master']] as const) {
    const s = entryStrings(n[set], true)
    for (const name of [set, old]) {
      add(`notify_${name}_resource`, s.resources)
      add(`notify_${name}_uname`, s.unames)
    }
  }
  add('notify_inactive_resource', entryStrings(n.inactive, false).resources)
  // crm_simulate sorts the available nodes by name (the daemon leaves them in hash order)
  const available = [...(n.allowedNodes ?? new Map()).keys()].sort((a, b) => numericCompare(a.uname, b.uname))
  add('notify_available_uname', nodeNames(available, false))
  if (rsc.meta.get('container-attribute-target') === 'host') add('notify_all_hosts', nodeNames(ws.nodes, true))
  add('notify_all_uname', nodeNames(ws.nodes, false))
  if (!required) return
  for (const a of [n.pre, n.preDone, n.post, n.postDone]) if (a) a.optional = false
}

/** find_remote_start: the start of the connection an action's node depends on, if it is a remote or guest node. */
function remoteStart(action: Action): Action | undefined {
  const connection = action.node?.remoteRsc
  return connection ? firstAction(connection, 'start') : undefined
}

/** find_first_action: Pacemaker's action lists are newest first. */
function firstAction(rsc: Rsc, task: string): Action | undefined {
  return rsc.actions.findLast((a) => a.task === task && a.intervalMs === 0)
}

/** new_notify_action: one instance's notify operation on a node, between the clone's notification pseudo-actions. */
function newNotifyAction(ws: WorkingSet, rsc: Rsc, node: SNode, op: Action | undefined, done: Action | undefined, n: NotifyData): Action | undefined {
  if (!op || !done || !node.online || !op.runnable) return undefined
  const type = op.notifyMeta?.get('notify_type') ?? ''
  const task = op.notifyMeta?.get('notify_operation') ?? ''
  const a = customAction(ws, rsc, op.task, node, op.optional, 0, true, notifyKey(rsc.id, type, task))
  for (const [name, value] of op.notifyMeta ?? []) addMeta(a, name, value)
  for (const [name, value] of n.keys) addMeta(a, name, value)
  orderActions(op, a, O.optional)
  orderActions(a, done, O.optional)
  return a
}

/** new_post_notify_action: a "post" notification, and the instance's recurring operations after all of them. */
function newPostNotifyAction(ws: WorkingSet, rsc: Rsc, node: SNode, n: NotifyData): void {
  const a = newNotifyAction(ws, rsc, node, n.post, n.postDone, n)
  if (a) a.priority = INFINITY
  if (!n.postDone) return
  for (const mon of rsc.actions) if (mon.intervalMs > 0 && mon.task !== 'cancel') orderActions(n.postDone, mon, O.optional)
}

/** create_notify_actions: the notify operations of every instance, and the notify variables on the operations notified about. */
function createNotifyActions(ws: WorkingSet, rsc: Rsc, n: NotifyData): void {
  if (rsc.children.length > 0) {
    for (const child of rsc.children) createNotifyActions(ws, child, n)
    return
  }
  for (const op of rsc.actions) {
    if (op.optional || !op.node || op.intervalMs !== 0) continue
    if (['start', 'stop', 'promote', 'demote'].includes(op.task)) for (const [name, value] of n.keys) addMeta(op, name, value)
  }
  // no notification about an operation that happens nowhere (a stop may be implied by fencing: always)
  if (n.action !== 'stop' && n[n.action as 'start' | 'promote' | 'demote'].length === 0) return
  if (rsc.role !== Role.Stopped && (n.action === 'stop' || n.action === 'demote')) {
    const stop = firstAction(rsc, 'stop')
    for (const node of rsc.runningOn) {
      // a stop implied by fencing: the fenced node is not notified
      if (stop?.pseudo && (node.unclean || node.remoteRequiresReset)) continue
      newNotifyAction(ws, rsc, node, n.pre, n.preDone, n)
      if (n.action === 'demote' || !stop || stop.optional) newPostNotifyAction(ws, rsc, node, n)
    }
  }
  if (rsc.nextRole !== Role.Stopped && (n.action === 'start' || n.action === 'promote')) {
    const start = firstAction(rsc, 'start')
    // behind a remote connection that cannot start, nothing is notified
    if (start) { const connection = remoteStart(start); if (connection && !connection.runnable) return }
    if (!rsc.allocatedTo) return
    if (n.action !== 'start' || !start || start.optional) newNotifyAction(ws, rsc, rsc.allocatedTo, n.pre, n.preDone, n)
    newPostNotifyAction(ws, rsc, rsc.allocatedTo, n)
  }
}

/** pe__create_notifications: a clone's notification data and actions for one operation (graph time). */
export function createNotifications(ws: WorkingSet, clone: Rsc, n: NotifyData | undefined): void {
  if (!n) return
  collectResourceData(clone, true, n)
  addNotifyKeys(ws, clone, n)
  createNotifyActions(ws, clone, n)
}

/**
 * pe__order_notifs_after_fencing: a stop implied by fencing gets its own "post" notifications
 * (`<instance>_post_notify_stonith_0` after the fencing), so the surviving instances learn of it
 * even when nothing else of the clone stops.
 */
export function orderNotificationsAfterFencing(ws: WorkingSet, stop: Action, rsc: Rsc, stonith: Action): void {
  const n = notificationPseudoOps(ws, rsc, 'stop', undefined, stonith)
  if (!n) return
  collectResourceData(rsc, false, n)
  n.keys.push(['notify_stop_resource', rsc.id], ['notify_stop_uname', stop.node!.uname])
  createNotifyActions(ws, topParent(rsc), n)
}
