/**
 * The names crm_simulate prints for the actions it executes, which come from the graph it reads
 * back rather than from the working set: an instance known in the history under another name (its
 * clone_name, e.g. the anonymous "rsc" for the instance rsc:1) is named that way.
 */
import type {Action, Rsc, WorkingSet} from './types.js'

/**
 * The operation key the graph gives an action (create_graph_action: clone_op_key when the resource
 * has a clone_name; a notification keyed by the notified operation, a cancel by the cancelled one).
 */
export function graphOperationKey(a: Action): string {
  const name = a.rsc?.cloneName
  if (!name) return a.uuid
  if (a.task === 'notify') return `${name}_${a.notifyMeta?.get('notify_type')}_notify_${a.notifyMeta?.get('notify_operation')}_0`
  if (a.task === 'cancel') {
    // a cancel keeps the cancelled operation's key: rsc_op_interval
    const cancelled = a.uuid.slice(a.rsc!.id.length + 1, a.uuid.length - `_${a.intervalMs}`.length)
    return `${name}_${cancelled}_${a.intervalMs}`
  }
  return `${name}_${a.task}_${a.intervalMs}`
}

/**
 * The resource name crm_simulate prints for a resource action. The graph names it (add_resource_details)
 * by an orphan instance's history name, an anonymous instance's configured id, otherwise its id,
 * with a second, long name: the orphan's id, or the anonymous instance's history name (else its
 * id). crm_simulate takes the first unless no resource answers to it (pe_find_resource: by id or
 * history name) and one answers to the long one (simulate_resource_action).
 */
export function simulatedResourceName(ws: WorkingSet, r: Rsc): string {
  const configuredId = r.prim?.id ?? r.id.replace(/:\d+$/, '')
  const [name, long] = r.orphan && r.cloneName ? [r.cloneName, r.id]
    : !r.unique ? [configuredId, r.cloneName && r.cloneName !== configuredId ? r.cloneName : r.id]
      : [r.id, undefined]
  const names = findableNames(ws)
  return !names.has(name) && long !== undefined && names.has(long) ? long : name
}

function findableNames(ws: WorkingSet): Set<string> {
  let names = findable.get(ws)
  if (!names) {
    names = new Set()
    for (const r of ws.byId.values()) {
      names.add(r.id)
      if (r.cloneName) names.add(r.cloneName)
    }
    findable.set(ws, names)
  }
  return names
}
const findable = new WeakMap<WorkingSet, Set<string>>()
