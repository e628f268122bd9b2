/**
 * Cluster status text in the layout of crm_simulate / crm_mon 2.1.5:
 * node list and resource list, before the transition ("Current cluster
 * status") or as it will be once every runnable action succeeded
 * ("Revised Cluster Status").
 */
import {bundleStatusLines} from './bundle.js'
import {currentNode} from './placement.js'
import {type Action, type Rsc, Role, ROLE_NAMES, type SNode, type WorkingSet} from './types.js'
import {nodeHealth} from './health.js'
import {isTrue, numericCompare} from './scores.js'
import {topParent} from './resources.js'

function allPrimitivesOf(ws: WorkingSet): Rsc[] {
  const out: Rsc[] = []
  const walk = (r: Rsc) => { if (r.variant === 'primitive') out.push(r); r.children.forEach(walk) }
  ws.resources.forEach(walk)
  return out
}

/** node_text_status */
function nodeStatus(n: SNode, unclean: boolean): string {
  if (unclean) return n.online ? 'UNCLEAN (online)' : n.pending ? 'UNCLEAN (pending)' : 'UNCLEAN (offline)'
  if (n.pending) return 'pending'
  if (n.standbyOnFail && n.online) return 'standby (on-fail)'
  if (n.standby) return n.online ? (n.running.length > 0 ? 'standby (with active resources)' : 'standby') : 'OFFLINE (standby)'
  if (n.maintenance) return n.online ? 'maintenance' : 'OFFLINE (maintenance)'
  return n.online ? 'online' : 'OFFLINE'
}

/** A node's state as unpacked, or once the transition has run. */
function nodeState(ws: WorkingSet, n: SNode, revised: boolean): {fenced: boolean; unclean: boolean; pending: boolean; online: boolean} {
  // only an executed fencing changes a node's state: an unclean node nobody fences stays unclean
  // (a guest node's "fencing" is a pseudo-action: its container's recovery)
  const fenced = revised && ws.fenceActions.some((a) => a.node === n && executes(a) && !a.pseudo && a.fenceOp !== 'on')
  // a Pacemaker Remote or guest node is up exactly when its connection runs
  // (one whose connection, and a guest's container, no executed action touches stays as it was
  // unpacked: re-unpacking the same history finds the same role and failure, e.g. an unmanaged
  // failed connection keeps its node offline: determine_remote_online_status)
  const untouched = revised && n.remoteRsc !== undefined && unchanged(ws, n.remoteRsc) && (!n.remoteRsc.container || unchanged(ws, n.remoteRsc.container))
  const connectionUp = untouched ? (n.unpackedOnline ?? n.online) : revised && n.remoteRsc ? revisedState(ws, n.remoteRsc).nodes.length > 0 : undefined
  // a remote node whose connection failed stays unclean while the connection is down, fenced or not
  // (the failure stays in the connection's history: determine_remote_online_status)
  const failedConnection = revised && !n.guest && n.remoteRsc !== undefined && n.remoteRsc.failed && failureSurvivesResults(ws, n.remoteRsc) && !unchanged(ws, n.remoteRsc)
  const unclean = connectionUp !== true && (failedConnection || (!fenced && (n.unpackedUnclean ?? n.unclean)))
  const pending = !fenced && n.pending
  // (a fenced remote node whose connection comes back is up again)
  const online = connectionUp ?? (fenced ? false : revised ? n.online : (n.unpackedOnline ?? n.online))
  return {fenced: fenced && !connectionUp && !failedConnection, unclean, pending, online}
}

/** The primitives on each node once the transition has run (each primitive's revised state found once). */
function runningAfterTransition(ws: WorkingSet): Map<SNode, Rsc[]> {
  const out = new Map<SNode, Rsc[]>()
  for (const r of allPrimitivesOf(ws)) {
    for (const n of new Set(revisedState(ws, r).nodes)) {
      const list = out.get(n)
      if (list) list.push(r)
      else out.set(n, [r])
    }
  }
  return out
}

/** node_list_text: nodes in a special state one per line, the others in Online/OFFLINE/Remote/Guest lists */
function nodeLines(ws: WorkingSet, revised: boolean): string[] {
  const lists = {Online: [] as string[], OFFLINE: [] as string[], RemoteOnline: [] as string[], RemoteOFFLINE: [] as string[], GuestOnline: [] as string[]}
  const out: string[] = []
  let runningAfter: Map<SNode, Rsc[]> | undefined // found when a listed node first needs it
  for (const n of ws.nodes) {
    const {fenced, unclean, pending, online} = nodeState(ws, n, revised)
    const health = nodeHealth(ws, n)
    // a fenced node is re-read without its transient attributes: standby or maintenance only as configured
    const {standby, maintenance} = fenced ? n.configured ?? {standby: false, maintenance: false} : n
    if (fenced ? standby || maintenance : unclean || pending || (n.standbyOnFail && online) || standby || maintenance || health <= 0) {
      const kind = n.guest ? 'GuestNode' : n.remote ? 'RemoteNode' : 'Node'
      // after the transition, "with active resources" means what still runs there
      const running = revised ? (runningAfter ??= runningAfterTransition(ws)).get(n) ?? [] : n.running
      const status = nodeStatus({...n, online, pending, running, standby, maintenance, standbyOnFail: fenced ? false : n.standbyOnFail}, unclean)
      out.push(`    * ${kind} ${n.uname}: ${status}${health < 0 ? ' (health is RED)' : health === 0 ? ' (health is YELLOW)' : ''}`)
    } else if (online) {
      (n.guest ? lists.GuestOnline : n.remote ? lists.RemoteOnline : lists.Online).push(n.uname)
    } else if (n.remote && !n.guest) {
      lists.RemoteOFFLINE.push(n.uname)
    } else if (!n.guest) {
      lists.OFFLINE.push(n.uname)
    }
  }
  for (const [label, names] of Object.entries(lists)) if (names.length) out.push(`    * ${label}: [ ${names.join(' ')} ]`)
  return out
}

function agent(r: Rsc): string {
  return r.cls === 'ocf' ? `ocf:${r.provider ?? ''}:${r.type}` : `${r.cls}:${r.type}`
}

/** target-role Stopped (meta attributes include what a parent sets) */
function disabled(r: Rsc): boolean {
  return /^stopped$/i.test(r.meta.get('target-role') ?? '')
}

/** An action the transition executes: required and runnable (pseudo-actions complete too). */
function executes(a: Action): boolean {
  return !a.optional && a.runnable
}

/**
 * Where a primitive is, and in which role, once the transition has run: only the actions that
 * actually execute count — a blocked start leaves it stopped, a blocked stop leaves it running.
 */
export function revisedState(ws: WorkingSet, r: Rsc): {nodes: SNode[]; role: Role} {
  // no action of an unmanaged resource runs, but fencing a node wipes its history there
  if (!r.managed) {
    const nodes = r.runningOn.filter((n) => !fencedInTransition(ws, n))
    return {nodes, role: nodes.length > 0 ? r.role : Role.Stopped}
  }
  const done = (task: string, node?: SNode) => r.actions.some((a) => a.task === task && a.intervalMs === 0 && executes(a) && (!node || a.node === node))
  // (fencing a node wipes its history: nothing runs there any more)
  const stale = staleGuestHistory(ws, r)
  const nodes = r.runningOn.filter((n) => (!done('stop', n) || duplicateHistory(ws, r, n) || stale.includes(n)) && !(done('migrate_to', n)) && !fencedInTransition(ws, n))
  for (const a of r.actions) {
    if (a.intervalMs !== 0 || !executes(a) || !a.node) continue
    if ((a.task === 'start' && !a.pseudo) || a.task === 'migrate_from') if (!nodes.includes(a.node)) nodes.push(a.node)
  }
  // a migration whose start is a pseudo-action ends on the migration target
  for (const a of r.actions) if (a.task === 'start' && a.pseudo && executes(a) && a.node && done('migrate_from', a.node) && !nodes.includes(a.node)) nodes.push(a.node)
  // a pending start or promote (call-id -1) sorts after every result and, unless a result took
  // its history entry's id, makes the resource active there again when re-unpacked
  const pending = r.pendingTask
  const pendingActive = pending?.kept === true && (pending.task === 'start' || pending.task === 'promote')
  if (pendingActive && !nodes.includes(pending.node)) nodes.push(pending.node)
  if (nodes.length === 0) return {nodes, role: Role.Stopped}
  let role = r.role <= Role.Stopped || !r.runningOn.some((n) => nodes.includes(n)) ? Role.Started : r.role
  // in execution order: a demote, a (re)start from scratch, a promote
  if (done('demote')) role = Role.Unpromoted
  if (nodes.some((n) => done('start', n))) role = Role.Started
  if (done('promote') || (pendingActive && pending.task === 'promote')) role = Role.Promoted
  // a guest's untouched history still holds the role it had there (unpack keeps the highest)
  if (stale.length > 0) role = Math.max(role, r.unpacked?.role ?? r.role)
  // a started instance of a promotable clone is shown as Unpromoted (native_displayable_role)
  if (role === Role.Started && topParent(r).promotable) role = Role.Unpromoted
  return {nodes, role}
}

/**
 * Does the resource's recorded failure survive crm_simulate's new results? Not when it is only
 * in a <rsc>_last_0 entry (a failed start recorded so), which the next result overwrites.
 */
function failureSurvivesResults(ws: WorkingSet, r: Rsc): boolean {
  for (const ns of ws.cib.status) {
    for (const lrm of ns.lrmResources) {
      if (lrm.id !== r.id) continue
      for (const op of lrm.operations) {
        const a = op.attributes
        const rc = Number(a['rc-code'] ?? 0)
        const targetText = (a['transition-key'] ?? '').split(':')[2]
        const target = targetText !== undefined && /^-?\d+$/.test(targetText) ? Number(targetText) : 0
        if (op.id === `${r.id}_last_failure_0` || (op.id !== `${r.id}_last_0` && a['op-status'] !== '-1' && rc !== target)) return true
      }
    }
  }
  return false
}

/**
 * A Pacemaker Remote connection with a reconnect interval keeps its failure after its stop: the
 * failed monitor stays in the history of the node that ran it (clear_past_failure leaves
 * on-fail=reset_remote alone then), so the re-unpacked connection is stopped yet FAILED — unless
 * that node is fenced, which wipes its history.
 */
function failureOutlivesStop(ws: WorkingSet, r: Rsc): boolean {
  if (!r.isRemoteConnection || r.container || !(r.remoteReconnectMs! > 0) || !r.failed || !failureSurvivesResults(ws, r)) return false
  const fenced = (n: SNode) => ws.fenceActions.some((a) => a.node === n && executes(a) && !a.pseudo && a.fenceOp !== 'on')
  return r.runningOn.length > 0 && r.runningOn.every((n) => !fenced(n) && !(n.unpackedUnclean ?? n.unclean))
}

/**
 * Two lrm_resource entries of the resource on one node (old status sections have them):
 * crm_simulate finds no single entry to record a result in and adds a third, so the entry that
 * made the resource active there still does.
 */
function duplicateHistory(ws: WorkingSet, r: Rsc, n: SNode): boolean {
  const id = r.cloneName ?? r.id
  const ns = ws.cib.status.find((x) => x.uname === n.uname)
  return (ns?.lrmResources.filter((l) => l.id === id).length ?? 0) > 1
}

/**
 * Guest nodes where the resource's history outlives the transition: a guest's "fencing" is a
 * pseudo-action (its container's recovery) that crm_simulate records nothing for, and neither
 * does it for the pseudo stop it implies, so the re-unpacked history still has the resource
 * active there unless a real stop ran there.
 */
function staleGuestHistory(ws: WorkingSet, r: Rsc): SNode[] {
  if (r.children.length > 0 || !r.managed) return []
  return r.runningOn.filter((n) => n.guest === true
    && ws.fenceActions.some((a) => a.node === n && a.pseudo && executes(a))
    && !r.actions.some((a) => a.task === 'stop' && a.node === n && a.intervalMs === 0 && !a.pseudo && executes(a)))
}

/**
 * The guest nodes that unpacking the executed history fences again because of this resource: it
 * is still active there while the guest is down (unpack fails it and fences the guest), or its
 * failure there had on-fail=fence (no later success clears that).
 */
function guestsFencedAgain(ws: WorkingSet, r: Rsc): SNode[] {
  return staleGuestHistory(ws, r).filter((n) => !nodeState(ws, n, true).online || r.fencedByFailure?.has(n) === true)
}

/** Failed in the re-unpacked history: what fences its guest again. */
function revisedFailed(ws: WorkingSet, r: Rsc): boolean {
  return guestsFencedAgain(ws, r).length > 0
}

/** A container whose guest node is fenced again is failed again (pe_fence_node on a guest). */
function containerFencedAgain(ws: WorkingSet, container: Rsc): boolean {
  // only the container of a guest whose "fencing" ran (staleGuestHistory): this is asked for every
  // primitive, and the walk over every primitive is for those few
  const guests = ws.nodes.filter((n) => n.guest === true && n.remoteRsc?.container === container)
  if (!guests.some((n) => ws.fenceActions.some((a) => a.node === n && a.pseudo && executes(a)))) return false
  return allPrimitivesOf(ws).some((r) => guestsFencedAgain(ws, r).some((n) => guests.includes(n)))
}

/** An executed fencing (not a guest's container recovery) takes the node down. */
function fencedInTransition(ws: WorkingSet, n: SNode): boolean {
  return ws.fenceActions.some((a) => a.node === n && executes(a) && !a.pseudo && a.fenceOp !== 'on')
}

/** No executed action changes the resource: the revised status shows it as it was. */
function unchanged(ws: WorkingSet, r: Rsc): boolean {
  if (r.runningOn.some((n) => fencedInTransition(ws, n))) return false
  // an unmanaged resource's actions stay out of the graph, recurring monitors' cancellations aside (should_add_action_to_graph)
  if (!r.managed) return true
  return !r.actions.some((a) => a.intervalMs === 0 && executes(a) && STATE_CHANGING_TASKS.has(a.task))
}
const STATE_CHANGING_TASKS = new Set(['start', 'stop', 'promote', 'demote', 'migrate_to', 'migrate_from'])

const OCF_RESULT: Record<number, string> = {
  0: 'ok', 1: 'error', 2: 'invalid parameter', 3: 'unimplemented feature', 4: 'insufficient privileges', 5: 'not installed',
  6: 'not configured', 7: 'not running', 8: 'promoted', 9: 'promoted (failed)', 190: 'OCF_DEGRADED', 191: 'promoted (degraded)',
}

/**
 * pe__failed_probe_for_rsc: the result of a probe that found the agent missing or misconfigured
 * (a masked probe failure, recorded while unexpired on an online node) for this resource (a
 * clone's: its configured child), on a node or anywhere. Only entries naming their node (on_node)
 * can match.
 */
function failedProbeResult(ws: WorkingSet, r: Rsc, node?: SNode): string | undefined {
  let top = r
  while (top.parent) top = top.parent
  const id = top.variant === 'clone' ? (top.children[0]?.id.replace(/:\d+$/, '') ?? top.id) : r.id
  const probes = failedProbes(ws)
  for (let i = 0; i < probes.length; i++) {
    const {host, on, rc, a} = probes[i]
    if (!(host.unpackedOnline ?? host.online)) continue
    if (node && on.toLowerCase() !== node.uname.toLowerCase()) continue
    if (probes[i].rscId !== id) continue
    const changed = a['last-rc-change']
    if (r.failureTimeoutMs > 0 && changed !== undefined && ws.now >= Number(changed) * 1000 + r.failureTimeoutMs) continue
    return OCF_RESULT[rc] ?? 'unknown'
  }
  return undefined
}

/**
 * The status's masked probe failures naming their node, in status order: asked for once per
 * stopped resource, and the status of a big cluster has thousands of entries, seldom any of these.
 */
function failedProbes(ws: WorkingSet): FailedProbe[] {
  let list = failedProbesOf.get(ws)
  if (list) return list
  list = []
  for (const ns of ws.cib.status) {
    const host = ws.nodeByName.get(ns.uname ?? '')
    if (!host) continue
    for (const lrm of ns.lrmResources) {
      for (const op of lrm.operations) {
        const a = op.attributes
        if ((a.operation ?? op.operation) !== 'monitor' || Number(a.interval ?? 0) !== 0) continue
        const rc = Number(a['rc-code'] ?? 0)
        if (rc !== 5 && rc !== 2 && a['op-status'] !== '7') continue
        const on = a.on_node
        if (on === undefined) continue
        list.push({host, on, rc, a, rscId: (a.operation_key ?? op.id).replace(/_monitor_0$/, '')})
      }
    }
  }
  failedProbesOf.set(ws, list)
  return list
}
interface FailedProbe { host: SNode; on: string; rc: number; a: Record<string, string | undefined>; rscId: string }
const failedProbesOf = new WeakMap<WorkingSet, FailedProbe[]>()

const PENDING_STATE: Record<string, string> = {start: 'Starting', stop: 'Stopping', migrate_to: 'Migrating', migrate_from: 'Migrating', promote: 'Promoting', demote: 'Demoting'}

/** The pending operation shown for a primitive: crm_simulate shows them in the current status only. */
function pendingTask(r: Rsc, revised: boolean): string | undefined {
  return revised ? undefined : r.pendingTask?.task
}

/** `at`: the node to show (a bundle shows its child where the replica's container is). */
function primitiveState(ws: WorkingSet, r: Rsc, revised: boolean, nodesRevised = revised, showNode = true, at?: SNode | null): string {
  if (revised && unchanged(ws, r)) return primitiveState(ws, r, false, true, showNode, at)
  if (revised) {
    const state = revisedState(ws, r)
    const node = at !== undefined ? at : state.nodes[0]
    const role = state.role
    // the flags pcmk__native_output_string adds: the revised status is a re-read of the history,
    // not a scheduling, so blocked and unmanaged are as unpacking leaves them (a ticket's freeze is not)
    const was = r.unpacked ?? {managed: r.managed, block: r.block}
    const flags = [disabled(r) ? 'disabled' : '', was.block ? 'blocked' : !was.managed ? 'unmanaged' : '', r.failureIgnored ? 'failure ignored' : ''].filter(Boolean)
    const flagText = flags.length ? ` (${flags.join(', ')})` : ''
    if (revisedFailed(ws, r) || containerFencedAgain(ws, r)) {
      // pcmk__native_output_string for a failed resource: its role above Unpromoted, its node or node list
      const words = ['FAILED', ...(role > Role.Unpromoted ? [ROLE_NAMES[role]] : [])]
      if (at !== undefined) return `${[...words, ...(at ? [at.uname] : [])].join(' ')}${flagText}`
      const list = [...state.nodes].sort((a, b) => ws.nodes.indexOf(a) - ws.nodes.indexOf(b)).map((n) => n.uname)
      return list.length > 1 ? `${words.join(' ')}${flagText} [ ${list.join(' ')} ]` : `${[...words, ...list].join(' ')}${flagText}`
    }
    if (at && role <= Role.Stopped) return `Stopped ${at.uname}${flagText}`
    if (!node || role <= Role.Stopped) {
      if (failureOutlivesStop(ws, r)) return `FAILED${flagText}`
      const probe = failedProbeResult(ws, r)
      return `Stopped${probe ? ` (${probe}) ` : ''}${flagText}`
    }
    const roleText = ROLE_NAMES[role === Role.Unknown ? Role.Started : role]
    // still active on several nodes (a pending start that outlives a stop): the list, in status order
    if (at === undefined && state.nodes.length > 1) {
      const list = [...state.nodes].sort((a, b) => ws.nodes.indexOf(a) - ws.nodes.indexOf(b)).map((n) => n.uname).join(' ')
      return `${roleText}${flagText} [ ${list} ]`
    }
    return `${roleText} ${node.uname}${flagText}`
  }
  // pcmk__native_output_string
  const multiple = r.runningOn.length > 1
  const was = r.unpacked ?? {managed: r.managed, block: r.block, lockNode: r.lockNode}
  // crm_mon -n (showNode false) names no node at all: no UNCLEAN/LOCKED flag, no node list
  // pe__current_node, else where a (non-probe) operation is pending, else the lock node
  const node = multiple || !showNode ? undefined : ((at !== undefined ? at : (r.runningOn[0] ?? r.pendingTask?.node)) ?? was.lockNode)
  const words: string[] = []
  if (r.orphan) words.push('ORPHANED')
  const role = was.role ?? r.role
  if (r.failed) {
    words.push('FAILED')
    if (role > Role.Unpromoted) words.push(ROLE_NAMES[role])
  } else {
    // an operation still in progress shows as Starting, Stopping … (native_pending_state)
    const pending = pendingTask(r, nodesRevised)
    const roleText = r.runningOn.length === 0 ? 'Stopped' : ROLE_NAMES[role < Role.Stopped ? Role.Started : role === Role.Started && topParent(r).promotable ? Role.Unpromoted : role]
    words.push(PENDING_STATE[pending ?? ''] ?? roleText)
  }
  if (node) words.push(node.uname)
  const probe = r.runningOn.length === 0 ? failedProbeResult(ws, r, node) : undefined
  const flags: string[] = []
  const nodeNow = node && nodeState(ws, node, nodesRevised)
  if (nodeNow && !nodeNow.online && nodeNow.unclean) flags.push('UNCLEAN')
  if (node && node === was.lockNode) flags.push('LOCKED')
  if (pendingTask(r, nodesRevised) === 'monitor') flags.push('Monitoring')
  if (disabled(r)) flags.push('disabled')
  if (was.block) flags.push('blocked')
  else if (!was.managed) flags.push('unmanaged')
  if (r.failureIgnored) flags.push('failure ignored')
  let out = words.join(' ')
  if (probe) out += ` (${probe}) `
  if (flags.length) out += ` (${flags.join(', ')})`
  if (multiple && showNode) out += ` [ ${r.runningOn.map((n) => n.uname).join(' ')} ]`
  return out
}

function instanceNumber(r: Rsc): number {
  return Number(/:(\d+)$/.exec(r.id)?.[1] ?? 0)
}

/** crm_mon -n: a primitive listed under the node it runs on, without the node name (pcmk_show_rsc_only). */
export function primitiveLineWithoutNode(ws: WorkingSet, r: Rsc, indent: string): string {
  return `${indent}* ${r.unique ? r.id : r.id.replace(/:\d+$/, '')}\t(${agent(r)}):\t ${primitiveState(ws, r, false, false, false)}`
}

/** One top-level resource as the status lists print it (crm_mon -n uses it for the inactive ones). */
export function resourceStatusLines(ws: WorkingSet, r: Rsc, indent: string): string[] {
  return resourceLines(ws, r, indent, false)
}

function resourceLines(ws: WorkingSet, r: Rsc, indent: string, revised: boolean): string[] {
  // anonymous clone instances print under their configured id (rsc_printable_id)
  // implicit resources (a guest node's connection) are not listed
  if (r.variant === 'primitive' && isTrue(r.meta.get('internal_rsc'))) return []
  if (r.bundle) {
    const where = (c: Rsc) => (revised ? revisedState(ws, c).nodes[0] : c.runningOn[0]) ?? null
    return bundleStatusLines(r, indent, (rsc, container) => `(${agent(rsc)}):\t ${primitiveState(ws, rsc, revised, revised, true, where(container))}`)
  }
  if (r.variant === 'primitive') return [`${indent}* ${r.unique ? r.id : r.id.replace(/:\d+$/, '')}\t(${agent(r)}):\t ${primitiveState(ws, r, revised)}`]
  if (r.variant === 'group') {
    const flags = [!(r.unpacked?.managed ?? r.managed) ? 'unmanaged' : '', disabled(r) ? 'disabled' : ''].filter(Boolean)
    return [`${indent}* Resource Group: ${r.id}${flags.length ? ` (${flags.join(', ')})` : ''}:`, ...r.children.flatMap((c) => resourceLines(ws, c, `${indent}  `, revised))]
  }
  const instances = [...r.children].filter((i) => !i.orphan || i.runningOn.length > 0).sort((a, b) => instanceNumber(a) - instanceNumber(b))
  // the configured child's id (every clone has at least instance :0, an orphan with clone-max=0)
  const childId = (r.children[0]?.id ?? '').replace(/:\d+$/, '')
  const tags = [r.promotable ? 'promotable' : '', r.unique ? 'unique' : '', !(r.unpacked?.managed ?? r.managed) ? 'unmanaged' : '', disabled(r) ? 'disabled' : ''].filter(Boolean)
  const lines = [`${indent}* Clone Set: ${r.id} [${childId}]${tags.length ? ` (${tags.join(', ')})` : ''}:`]
  if (r.unique) {
    for (const inst of instances) lines.push(...resourceLines(ws, inst, `${indent}  `, revised))
    return lines
  }
  // pe__clone_default: troubled instances one by one, the others as Promoted/Started lists, then Stopped nodes
  const prims = (i: Rsc): Rsc[] => (i.variant === 'group' ? i.children : [i])
  const where = (p: Rsc): SNode[] => (revised ? revisedState(ws, p).nodes : p.runningOn)
  const roleOf = (p: Rsc): Role => (revised ? revisedState(ws, p).role : p.unpacked?.role ?? p.role)
  const promoted: SNode[] = []
  const started: SNode[] = []
  const used = new Set<SNode>()
  let activeInstances = 0
  for (const inst of instances) {
    const members = prims(inst)
    // native_active: on a node that is online or unclean, or anywhere when unmanaged (a failed
    // guest node that is merely offline does not count)
    const activeOn = (m: Rsc, n: SNode) => { const st = nodeState(ws, n, revised); return st.online || st.unclean || !(m.unpacked?.managed ?? m.managed) }
    const partiallyActive = members.some((m) => where(m).some((n) => activeOn(m, n)))
    // an instance with an operation in progress is shown on its own
    if (inst.variant === 'primitive' && pendingTask(inst, revised) !== undefined) {
      for (const n of where(inst)) used.add(n)
      lines.push(...resourceLines(ws, inst, `${indent}  `, revised))
      continue
    }
    if (!partiallyActive) continue
    // (an unmanaged instance on an offline node does not count, as in native_add_running)
    for (const m of members) for (const n of where(m)) if ((m.unpacked?.managed ?? m.managed) || nodeState(ws, n, revised).online) used.add(n)
    const troubled = (!revised || members.every((m) => unchanged(ws, m))) && (members.some((m) => m.orphan || m.failed) || members.some((m) => !(m.unpacked?.managed ?? m.managed)))
    const fullyActive = members.every((m) => where(m).length > 0)
    const nodes = new Set(members.flatMap(where))
    const location = fullyActive && nodes.size === 1 ? [...nodes][0] : undefined
    const locationState = location && nodeState(ws, location, revised)
    if (!troubled && location && locationState && !(!locationState.online && locationState.unclean)) {
      const role = Math.max(...members.map(roleOf))
      if (role > Role.Unpromoted) promoted.push(location)
      else started.push(location)
    } else {
      lines.push(...resourceLines(ws, inst, `${indent}  `, revised))
    }
  }
  if (promoted.length) { lines.push(`${indent}  * Promoted: [ ${promoted.map((n) => n.uname).sort(numericCompare).join(' ')} ]`); activeInstances += promoted.length }
  if (started.length) {
    lines.push(`${indent}  * ${r.promotable ? 'Unpromoted' : 'Started'}: [ ${started.map((n) => n.uname).sort(numericCompare).join(' ')} ]`)
    activeInstances += started.length
  }
  if (r.cloneMax > activeInstances) {
    // the status is printed from the unpacked state: all nodes when symmetric, else where the clone is known
    // a bundle's guest node is never discovered: a resource has it by default only if <nodes> had it before the bundle was unpacked
    const byDefault = (n: SNode) => n.fromOrphanConnection !== true && (!n.bundleOwner || (n.bundleNodeConfigured === true && ws.configOrder.indexOf(n.bundleOwner) > ws.configOrder.indexOf(r)))
    const candidates = ws.options.symmetric ? ws.nodes.filter(byDefault) : [...r.knownOn]
    // native_add_running: an unmanaged instance on an offline node does not make the clone active there
    const clonePrimitives = instances.flatMap(prims)
    const cloneActiveOn = (n: SNode) => clonePrimitives.some((p) => p.runningOn.includes(n) && ((p.unpacked?.managed ?? p.managed) || (n.unpackedOnline ?? n.online)))
    // (once the transition has run: where an instance is left active, listed or not — e.g. in a guest's stale history)
    const revisedActiveOn = (n: SNode) => used.has(n) || clonePrimitives.some((p) => where(p).includes(n) && ((p.unpacked?.managed ?? p.managed) || nodeState(ws, n, true).online))
    const stopped = candidates.filter((n) => !(revised ? revisedActiveOn(n) : cloneActiveOn(n))).sort((a, b) => numericCompare(a.uname, b.uname))
    // one list per state, a failed probe's result naming its own (the states in order)
    const byState = new Map<string, string[]>()
    for (const n of stopped) {
      const probe = failedProbeResult(ws, r, n)
      // configured_role: the clone's target-role, else its first instance's
      const configuredStopped = r.meta.has('target-role') ? disabled(r) : !!r.children[0] && disabled(r.children[0])
      const state = probe ? `Stopped (${probe})` : configuredStopped ? 'Stopped (disabled)' : 'Stopped'
      byState.set(state, [...(byState.get(state) ?? []), n.uname])
    }
    for (const state of [...byState.keys()].sort()) lines.push(`${indent}  * ${state}: [ ${byState.get(state)!.join(' ')} ]`)
  }
  return lines
}

/**
 * resource_list skips a collective resource that is partially active yet runs nowhere: its only
 * active members are unmanaged (blocked) on nodes that are not online, where native_add_running
 * does not make the parent active.
 */
function activeOnlyUnmanaged(ws: WorkingSet, r: Rsc, revised: boolean): boolean {
  if (r.variant === 'primitive' || r.bundle) return false
  const members: Rsc[] = []
  const walk = (x: Rsc) => (x.variant === 'primitive' ? members.push(x) : x.children.forEach(walk))
  walk(r)
  const where = (m: Rsc) => (revised ? revisedState(ws, m).nodes : m.runningOn)
  const managed = (m: Rsc) => m.unpacked?.managed ?? m.managed
  // native_active: on an unclean node, an online one, or anywhere when unmanaged
  const active = members.some((m) => where(m).some((n) => { const s = nodeState(ws, n, revised); return s.unclean || s.online || !managed(m) }))
  const parentActive = members.some((m) => where(m).some((n) => managed(m) || nodeState(ws, n, revised).online))
  return active && !parentActive
}

export function clusterStatus(ws: WorkingSet, revised: boolean): string[] {
  // node_list's header is printed only with a node to list: a CIB without nodes has no Node List
  const nodeList = nodeLines(ws, revised)
  const lines = [...(nodeList.length > 0 ? ['  * Node List:', ...nodeList, ''] : []), '  * Full List of Resources:']
  // the implicit connections of guest nodes (meta internal_rsc) are not listed
  // (an orphan is listed while it is active: once the transition ran, only where it could not be stopped)
  const orphanActive = (r: Rsc) => (revised ? r.variant === 'primitive' && revisedState(ws, r).nodes.some((n) => { const st = nodeState(ws, n, true); return st.online || st.unclean || !r.managed }) : r.runningOn.length > 0)
  const resources = ws.resources.filter((r) => (!r.orphan || orphanActive(r)) && r.meta.get('internal_rsc') !== 'true')
  // crm_simulate lists resources as unpacked: by priority (stable), then orphans
  const byPriority = ws.configOrder.map((r, i) => ({r, i})).sort((a, b) => b.r.priority - a.r.priority || a.i - b.i).map((x) => x.r)
  // (sets: a thousand resources looked up in lists of a thousand is a million comparisons)
  const configured = new Set(ws.configOrder)
  const listed = new Set(resources)
  const order = [...byPriority, ...resources.filter((r) => !configured.has(r))]
  for (const r of order) if (listed.has(r) && !activeOnlyUnmanaged(ws, r, revised)) lines.push(...resourceLines(ws, r, '    ', revised))
  if (resources.length === 0) lines.push('    * No resources')
  return lines
}
