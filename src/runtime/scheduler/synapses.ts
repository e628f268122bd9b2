/**
 * The order of the synapses in Pacemaker's transition graph (pcmk__create_graph), which is the
 * order crm_simulate's executor walks them in each pass, and so the order of its "Executing Cluster
 * Transition" list:
 * 1. every resource's actions, resources in the working set's order, each walked as its variant's
 *    add_actions_to_graph does: a primitive or group its own actions then its children's; a clone
 *    its instances' first, then its own (clone_expand); a bundle its clone's, then per replica the
 *    IP's, the container's and the connection's (pcmk__bundle_expand);
 * 2. then the actions without a resource (fencing, shutdowns, cluster pseudo-actions such as
 *    maintenance_nodes) and any other action not yet added.
 * Pacemaker prepends each new action to its resource's list and to the working set's, so both
 * lists are walked newest first.
 */
import type {Action, Rsc, WorkingSet} from './types.js'

/** The graph's steps (any objects with an action id) in Pacemaker's synapse order. */
export function synapseOrder<T extends {id: number}>(ws: WorkingSet, graph: T[]): T[] {
  const step = new Map(graph.map((g) => [g.id, g]))
  const out: T[] = []
  const add = (a: Action) => {
    const g = step.get(a.id)
    if (!g) return
    step.delete(a.id) // added once (pe_action_dumped)
    out.push(g)
  }
  const newestFirst = (actions: Action[]) => { for (let i = actions.length - 1; i >= 0; i--) add(actions[i]) }
  const visit = (r: Rsc): void => {
    if (r.variant === 'bundle') {
      if (r.bundle?.child) visit(r.bundle.child)
      for (const replica of r.bundle?.replicas ?? []) {
        if (replica.ip) visit(replica.ip)
        visit(replica.container)
        if (replica.remote) visit(replica.remote)
      }
      return
    }
    if (r.variant === 'clone') r.children.forEach(visit)
    newestFirst(r.actions)
    r.children.forEach(visit)
  }
  ws.resources.forEach(visit)
  if (step.size > 0) newestFirst(ws.actions)
  return out
}
