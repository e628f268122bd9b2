/**
 * How the transition graph names an action's resource and operation, and which name crm_simulate's
 * executor then uses. An anonymous clone instance is known by its configured id ("rsc1") and by the
 * name its operation history uses (Pacemaker's clone_name, e.g. "rsc1:1" where the scheduler calls
 * it "rsc1:0"): the graph carries both (add_resource_details, clone_op_key in
 * pcmk_graph_producer.c), and crm_simulate prints and records the first one it can find among the
 * scheduler's resources (simulate_resource_action in pcmk_simulate.c).
 */
import {topParent} from './resources.js'
import type {Action, Rsc, WorkingSet} from './types.js'

/** The <primitive> element's id and long-id in the graph (add_resource_details). */
export function graphResourceIds(rsc: Rsc): {id: string; longId?: string} {
  if (rsc.orphan && rsc.cloneName) return {id: rsc.cloneName, longId: rsc.id}
  if (!anonymousInstance(rsc)) return {id: rsc.id}
  const configured = rsc.prim?.id ?? rsc.id.replace(/:\d+$/, '')
  return {id: configured, longId: rsc.cloneName && rsc.cloneName !== configured ? rsc.cloneName : rsc.id}
}

/** Only clone instances are anonymous: Pacemaker sets pe_rsc_unique on everything else. */
function anonymousInstance(rsc: Rsc): boolean {
  const top = topParent(rsc)
  if (top.variant !== 'clone') return false
  if (!top.forcedAnonymous) return !rsc.unique
  // A globally-unique clone of an agent class that cannot be unique: each member of that class, as
  // it is unpacked, clears the flag on itself, the clone and the instances unpacked before its own
  // (native_unpack), not on the meta attribute the next instances inherit. The last instance's
  // members of other classes keep it.
  const capable = ['ocf', 'stonith'].includes((rsc.prim?.class ?? rsc.cls ?? '').toLowerCase())
  return !(capable && rsc.instance === top.cloneMax - 1)
}

/**
 * operation_key: an anonymous instance with a history name is keyed by that name (clone_op_key): a
 * notification by its notify_type and notify_operation, a cancellation by the operation it cancels
 * (the action's own key names it), anything else by its task ("rsc1_notified_0"). Other actions
 * keep their own key.
 */
export function graphOperationKey(a: Action): string {
  const rsc = a.rsc
  if (!rsc?.cloneName || !anonymousInstance(rsc)) return a.uuid
  const type = a.notifyMeta?.get('notify_type')
  const operation = a.notifyMeta?.get('notify_operation')
  if (a.task === 'notify' && type && operation) return `${rsc.cloneName}_${type}_notify_${operation}_0`
  if (a.task === 'cancel' && a.uuid.startsWith(`${rsc.id}_`)) return `${rsc.cloneName}${a.uuid.slice(rsc.id.length)}`
  return `${rsc.cloneName}_${a.task}_${a.intervalMs}`
}

/**
 * The name crm_simulate lists a resource action under and records its result with: the graph's
 * id when a resource of the scheduler has that id or history name (pe_find_resource), else its
 * long-id when one has that, else the id.
 */
export function executedResourceName(ws: WorkingSet, rsc: Rsc): {name: string; configured: string} {
  const {id, longId} = graphResourceIds(rsc)
  const known = (name: string) => ws.byId.has(name) || historyNames(ws).has(name)
  const name = known(id) ? id : longId !== undefined && known(longId) ? longId : id
  return {name, configured: id}
}

/** Every history name (clone_name) of the working set's resources, gathered once per working set. */
function historyNames(ws: WorkingSet): Set<string> {
  let names = historyNamesOf.get(ws)
  if (!names) historyNamesOf.set(ws, names = new Set([...ws.byId.values()].flatMap((r) => (r.cloneName ? [r.cloneName] : []))))
  return names
}
const historyNamesOf = new WeakMap<WorkingSet, Set<string>>()
