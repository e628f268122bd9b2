/**
 * The transition graph in Pacemaker's XML (crm_simulate -G): one <synapse> per
 * scheduled action, its <inputs> the actions that must complete first.
 */
import {escapeAttr} from '../../formats/cib/xml.js'
import type {GraphStep} from './execute.js'
import {graphOperationKey, graphResourceIds} from './graph-names.js'
import type {Action, WorkingSet} from './types.js'

/**
 * Whether the graph names the action's node (create_graph_action's needs_node_info): every
 * action but a pseudo one, except a fencing, whose target is always named (a guest node's is a
 * pseudo event). A pseudo stop implied by fencing keeps its node in the working set, yet the graph
 * and crm_simulate's "Pseudo action:" line name none.
 */
export function carriesNode(a: Action): boolean {
  return !a.pseudo || a.task === 'stonith'
}

export function printTransitionGraphXml(ws: WorkingSet, graph: GraphStep[]): string {
  const byId = new Map(ws.actions.map((a) => [a.id, a]))
  const option = (name: string, fallback: string) => {
    for (const set of ws.cib.crmConfig) for (const p of set.pairs) if (p.name === name) return p.value
    return fallback
  }
  const attrs = (pairs: Record<string, string | undefined>) =>
    Object.entries(pairs).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${escapeAttr(v!)}"`).join('')
  const head = (a: Action) => {
    // create_graph_action: fencing, shutdown and the controller's clean-ups are its own events; anything
    // else that is not a pseudo action goes to the executor (a re-probe request too)
    const element = a.task === 'stonith' ? (a.pseudo ? 'pseudo_event' : 'crm_event')
      : ['do_shutdown', 'clear_failcount', 'lrm_delete'].includes(a.task) ? 'crm_event' : a.pseudo ? 'pseudo_event' : 'rsc_op'
    const on = carriesNode(a) ? {on_node: a.node?.uname, on_node_uuid: a.node?.id} : {}
    // lrm_delete is a CIB-only clean-up of the history (an expired shutdown lock): the DC does it, whatever the node's state
    const mode = a.task === 'lrm_delete' ? {mode: 'cib'} : {}
    // an anonymous instance with a history name: keyed by that name, the scheduler's key kept as internal_operation_key
    const key = graphOperationKey(a)
    const keys = key === a.uuid ? {operation_key: key} : {operation_key: key, internal_operation_key: a.uuid}
    return {element, open: `<${element}${attrs({...mode, id: String(a.id), operation: a.task, ...keys, ...on})}`}
  }
  const lines = [`<transition_graph${attrs({
    'cluster-delay': option('cluster-delay', '60s'), 'stonith-timeout': option('stonith-timeout', '60s'),
    'failed-stop-offset': 'INFINITY', 'failed-start-offset': 'INFINITY', 'batch-limit': option('batch-limit', '0'), transition_id: '0',
  })}>`]
  graph.forEach((step, i) => {
    const a = byId.get(step.id)
    if (!a) return
    const {element, open} = head(a)
    const meta: Record<string, string | undefined> = {}
    if (a.node && carriesNode(a)) meta.CRM_meta_on_node = a.node.uname
    if (a.node && carriesNode(a)) meta.CRM_meta_on_node_uuid = a.node.id
    if (a.intervalMs > 0) meta.CRM_meta_interval = String(a.intervalMs)
    if (a.task === 'stonith') meta.CRM_meta_stonith_action = a.fenceOp ?? 'reboot'
    for (const [name, value] of a.notifyMeta ?? []) meta[`CRM_meta_${name}`] = value
    lines.push(`  <synapse id="${i}"${step.priority ? ` priority="${step.priority}"` : ''}>`, '    <action_set>', `      ${open}>`)
    if (a.rsc && !a.pseudo) {
      const prim = a.rsc.prim
      const {id, longId} = graphResourceIds(a.rsc)
      lines.push(`        <primitive${attrs({id, 'long-id': longId, class: prim?.class ?? a.rsc.cls, provider: prim?.provider ?? a.rsc.provider, type: prim?.type ?? a.rsc.type})}/>`)
    }
    // attributes in name order, as Pacemaker sorts them
    const sortedMeta = Object.fromEntries(Object.entries(meta).sort(([x], [y]) => (x < y ? -1 : 1)))
    lines.push(`        <attributes${attrs(sortedMeta)}/>`)
    if (a.maintenanceNodes) {
      // add_maintenance_nodes: each remote node's new maintenance mode
      lines.push('        <maintenance>', ...a.maintenanceNodes.map((n) => `          <node${attrs({id: n.id, node_in_maintenance: n.maintenance ? '1' : '0'})}/>`), '        </maintenance>')
    }
    lines.push(`      </${element}>`, '    </action_set>')
    const inputs = step.after.map((d) => byId.get(d)).filter((d): d is Action => d !== undefined)
    if (inputs.length === 0) lines.push('    <inputs/>')
    else {
      lines.push('    <inputs>')
      for (const d of inputs) lines.push('      <trigger>', `        ${head(d).open}/>`, '      </trigger>')
      lines.push('    </inputs>')
    }
    lines.push('  </synapse>')
  })
  lines.push('</transition_graph>', '')
  return lines.join('\n')
}
