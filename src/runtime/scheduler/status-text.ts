/**
 * Cluster status text in the layout of crm_simulate / crm_mon 2.1.5:
 * node list and resource list, before the transition ("Current cluster
 * status") or as it will be once every runnable action succeeded
 * ("Revised Cluster Status").
 */
import {currentNode} from './placement.js'
import {type Action, type Rsc, Role, ROLE_NAMES, type SNode, type WorkingSet} from './types.js'
import {isFenced} from './fencing.js'

function nodeLines(ws: WorkingSet, revised: boolean): string[] {
  const online: string[] = []
  const offline: string[] = []
  const special: string[] = []
  for (const n of ws.nodes) {
    if (revised && isFenced(ws, n)) { offline.push(n.uname); continue }
    if (n.unclean && !revised) special.push(`    * Node ${n.uname}: UNCLEAN (${n.online ? 'online' : 'offline'})`)
    else if (n.pending && !revised) special.push(`    * Node ${n.uname}: pending`)
    else if (!n.online) offline.push(n.uname)
    else if (n.shutdown) special.push(`    * Node ${n.uname}: shutting down`)
    else if (n.standby) special.push(`    * Node ${n.uname}: standby${n.standbyOnFail ? ' (on-fail)' : ''}`)
    else online.push(n.uname)
  }
  const out = [...special]
  if (online.length) out.push(`    * Online: [ ${online.join(' ')} ]`)
  if (offline.length) out.push(`    * OFFLINE: [ ${offline.join(' ')} ]`)
  return out
}

function agent(r: Rsc): string {
  return r.cls === 'ocf' ? `ocf:${r.provider ?? ''}:${r.type}` : `${r.cls}:${r.type}`
}

function disabled(r: Rsc): boolean {
  return r.explicitNextRole && r.nextRole === Role.Stopped
}

/** An action the transition executes: required and runnable (pseudo-actions complete too). */
function executes(a: Action): boolean {
  return !a.optional && a.runnable
}

/**
 * Where a primitive is, and in which role, once the transition has run: only the actions that
 * actually execute count — a blocked start leaves it stopped, a blocked stop leaves it running.
 */
export function revisedState(r: Rsc): {nodes: SNode[]; role: Role} {
  if (!r.managed) return {nodes: [...r.runningOn], role: r.role}
  const done = (task: string, node?: SNode) => r.actions.some((a) => a.task === task && a.intervalMs === 0 && executes(a) && (!node || a.node === node))
  const nodes = r.runningOn.filter((n) => !done('stop', n) && !(done('migrate_to', n)))
  for (const a of r.actions) {
    if (a.intervalMs !== 0 || !executes(a) || !a.node) continue
    if ((a.task === 'start' && !a.pseudo) || a.task === 'migrate_from') if (!nodes.includes(a.node)) nodes.push(a.node)
  }
  // a migration whose start is a pseudo-action ends on the migration target
  for (const a of r.actions) if (a.task === 'start' && a.pseudo && executes(a) && a.node && done('migrate_from', a.node) && !nodes.includes(a.node)) nodes.push(a.node)
  if (nodes.length === 0) return {nodes, role: Role.Stopped}
  let role = r.role <= Role.Stopped || !r.runningOn.some((n) => nodes.includes(n)) ? Role.Started : r.role
  if (done('demote')) role = Role.Unpromoted
  if (done('promote')) role = Role.Promoted
  if (role === Role.Started && (r.role === Role.Unpromoted || r.role === Role.Promoted || r.nextRole === Role.Unpromoted || r.nextRole === Role.Promoted)) role = Role.Unpromoted
  return {nodes, role}
}

function primitiveState(r: Rsc, revised: boolean): string {
  if (revised) {
    const state = revisedState(r)
    const node = state.nodes[0]
    const role = state.role
    if (!node || role <= Role.Stopped) return disabled(r) ? 'Stopped (disabled)' : 'Stopped'
    const flags = [disabled(r) ? 'disabled' : '', !r.managed ? 'unmanaged' : ''].filter(Boolean)
    return `${ROLE_NAMES[role === Role.Unknown ? Role.Started : role]} ${node.uname}${flags.length ? ` (${flags.join(', ')})` : ''}`
  }
  if (r.runningOn.length === 0) return disabled(r) ? 'Stopped (disabled)' : 'Stopped'
  const flags: string[] = []
  if (r.runningOn.some((n) => n.unclean)) flags.push('UNCLEAN')
  if (disabled(r)) flags.push('disabled')
  if (r.block) flags.push('blocked')
  else if (!r.managed) flags.push('unmanaged')
  const where = r.runningOn.length > 1 ? `[ ${r.runningOn.map((n) => n.uname).join(' ')} ]` : r.runningOn[0].uname
  const state = r.failed ? 'FAILED' : ROLE_NAMES[r.role === Role.Unknown ? Role.Started : r.role]
  return `${state} ${where}${flags.length ? ` (${flags.join(', ')})` : ''}`
}

function instanceNumber(r: Rsc): number {
  return Number(/:(\d+)$/.exec(r.id)?.[1] ?? 0)
}

function resourceLines(ws: WorkingSet, r: Rsc, indent: string, revised: boolean): string[] {
  if (r.variant === 'primitive') return [`${indent}* ${r.id}\t(${agent(r)}):\t ${primitiveState(r, revised)}`]
  if (r.variant === 'group') {
    return [`${indent}* Resource Group: ${r.id}${disabled(r) ? ' (disabled)' : ''}:`, ...r.children.flatMap((c) => resourceLines(ws, c, `${indent}  `, revised))]
  }
  const instances = [...r.children].filter((i) => !i.orphan || i.runningOn.length > 0).sort((a, b) => instanceNumber(a) - instanceNumber(b))
  const childId = instances[0] ? instances[0].id.replace(/:\d+$/, '') : ''
  const tags = [r.promotable ? 'promotable' : '', r.unique ? 'unique' : '', disabled(r) ? 'disabled' : ''].filter(Boolean)
  const lines = [`${indent}* Clone Set: ${r.id} [${childId}]${tags.length ? ` (${tags.join(', ')})` : ''}:`]
  if (r.unique) {
    for (const inst of instances) lines.push(...resourceLines(ws, inst, `${indent}  `, revised))
    return lines
  }
  const byState = new Map<string, string[]>()
  const used = new Set<SNode>()
  for (const group of instances) {
    const inst = group.variant === 'group' ? group.children[0] : group
    if (!inst) continue
    const after = revised ? revisedState(inst) : undefined
    const node = after ? after.nodes[0] ?? null : currentNode(inst)
    const role = after ? after.role : inst.role
    if (!node || role <= Role.Stopped) continue
    used.add(node)
    const label = inst.failed && !revised ? 'FAILED' : ROLE_NAMES[role === Role.Started && r.promotable ? Role.Unpromoted : role === Role.Unknown ? Role.Started : role]
    if (!byState.has(label)) byState.set(label, [])
    byState.get(label)!.push(node.uname)
  }
  for (const label of ['Promoted', 'Unpromoted', 'Started', 'FAILED']) {
    const nodes = byState.get(label)
    if (nodes) lines.push(`${indent}  * ${label}: [ ${nodes.join(' ')} ]`)
  }
  const stopped = ws.nodes.filter((n) => !used.has(n)).map((n) => n.uname)
  const first = (i: Rsc) => (i.variant === 'group' ? i.children[0] : i)
  if (stopped.length && instances.some((i) => (revised ? first(i) && revisedState(first(i)!).nodes.length === 0 : i.runningOn.length === 0))) {
    lines.push(`${indent}  * Stopped${disabled(r) ? ' (disabled)' : ''}: [ ${stopped.join(' ')} ]`)
  }
  return lines
}

export function clusterStatus(ws: WorkingSet, revised: boolean): string[] {
  const lines = ['  * Node List:', ...nodeLines(ws, revised), '', '  * Full List of Resources:']
  const resources = ws.resources.filter((r) => !r.orphan || (revised ? false : r.runningOn.length > 0))
  const order = [...ws.configOrder, ...resources.filter((r) => !ws.configOrder.includes(r))]
  for (const r of order) if (resources.includes(r)) lines.push(...resourceLines(ws, r, '    ', revised))
  if (resources.length === 0) lines.push('    * No resources')
  return lines
}
