/**
 * Cluster status text in the layout of crm_simulate / crm_mon 2.1.5:
 * node list and resource list, before the transition ("Current cluster
 * status") or as it will be once every runnable action succeeded
 * ("Revised Cluster Status").
 */
import {currentNode} from './placement.js'
import {type Rsc, Role, ROLE_NAMES, type SNode, type WorkingSet} from './types.js'
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

function primitiveState(r: Rsc, revised: boolean): string {
  const flags: string[] = []
  if (!r.managed) flags.push('unmanaged')
  if (revised) {
    const node = r.allocatedTo ?? (!r.managed ? currentNode(r) : null)
    const role = r.managed ? r.nextRole : r.role
    if (!node || role <= Role.Stopped) return 'Stopped'
    return `${ROLE_NAMES[role === Role.Unknown ? Role.Started : role]} ${node.uname}${flags.length ? ` (${flags.join(', ')})` : ''}`
  }
  if (r.runningOn.length === 0) return r.explicitNextRole && r.nextRole === Role.Stopped ? 'Stopped (disabled)' : 'Stopped'
  if (r.block) flags.push('blocked')
  const where = r.runningOn.length > 1 ? `[ ${r.runningOn.map((n) => n.uname).join(' ')} ]` : r.runningOn[0].uname
  const state = r.failed ? 'FAILED' : ROLE_NAMES[r.role === Role.Unknown ? Role.Started : r.role]
  return `${state} ${where}${flags.length ? ` (${flags.join(', ')})` : ''}`
}

function resourceLines(r: Rsc, indent: string, revised: boolean): string[] {
  if (r.variant === 'primitive') return [`${indent}* ${r.id}\t(${agent(r)}):\t ${primitiveState(r, revised)}`]
  if (r.variant === 'group') {
    return [`${indent}* Resource Group: ${r.id}:`, ...r.children.flatMap((c) => resourceLines(c, `${indent}  `, revised))]
  }
  const child = r.children[0]
  const childId = child ? child.id.replace(/:\d+$/, '') : ''
  const head = `${indent}* Clone Set: ${r.id} [${childId}]${r.promotable ? ' (promotable)' : ''}:`
  const byState = new Map<string, SNode[]>()
  const stopped: string[] = []
  for (const inst of [...r.children].sort((a, b) => Number(a.id.split(':').pop()) - Number(b.id.split(':').pop()))) {
    const prims = inst.variant === 'group' ? inst.children : [inst]
    const p = prims[0]
    if (!p) continue
    const node = revised ? p.allocatedTo : currentNode(p)
    const role = revised ? p.nextRole : p.role
    if (!node || role <= Role.Stopped) { if (!inst.orphan) stopped.push(inst.id); continue }
    const label = p.failed && !revised ? 'FAILED' : ROLE_NAMES[role === Role.Started && r.promotable ? Role.Unpromoted : role]
    if (!byState.has(label)) byState.set(label, [])
    byState.get(label)!.push(node)
  }
  const lines = [head]
  for (const label of ['Promoted', 'Unpromoted', 'Started', 'FAILED']) {
    const nodes = byState.get(label)
    if (nodes) lines.push(`${indent}  * ${label}: [ ${nodes.map((n) => n.uname).join(' ')} ]`)
  }
  if (stopped.length) {
    const avail = ws0 ? ws0.nodes.filter((n) => ![...byState.values()].flat().includes(n)).map((n) => n.uname) : []
    lines.push(`${indent}  * Stopped: [ ${avail.join(' ')} ]`)
  }
  return lines
}

let ws0: WorkingSet | null = null

export function clusterStatus(ws: WorkingSet, revised: boolean): string[] {
  ws0 = ws
  const lines = ['  * Node List:', ...nodeLines(ws, revised), '', '  * Full List of Resources:']
  const resources = ws.resources.filter((r) => !r.orphan || (revised ? false : r.runningOn.length > 0))
  const order = [...ws.configOrder, ...resources.filter((r) => !ws.configOrder.includes(r))]
  for (const r of order) if (resources.includes(r)) lines.push(...resourceLines(r, '    ', revised))
  if (resources.length === 0) lines.push('    * No resources')
  ws0 = null
  return lines
}
