/**
 * Pacemaker Remote nodes (unpack.c remote handling, pcmk_sched_remote.c, partially): an
 * ocf:pacemaker:remote primitive defines a remote node of the same name, which is online while
 * its connection resource runs; connections and fence devices never run on remote nodes.
 * Guest nodes (remote-node meta, and the replicas of bundles: bundle.ts) run in a container
 * resource; actions on remote and guest nodes are ordered relative to their connections.
 */
import type * as M from '../../formats/cib/model.js'
import {bundleNodeNames} from './bundle.js'
import {resourceParams} from './resources.js'
import {INFINITY, intervalMs, isTrue} from './scores.js'
import {type Action, O, type Rsc, Role, type SNode, type WorkingSet} from './types.js'

export function isRemoteConnection(p: M.Primitive): boolean {
  return p.class === 'ocf' && p.provider === 'pacemaker' && p.type === 'remote'
}

/** The remote nodes the configuration defines: <node type="remote"> entries and top-level connection primitives (guest connections included, once expanded). */
export function remoteNodeNames(cib: M.Cib): Array<{id: string; uname: string; node?: M.Node}> {
  const out: Array<{id: string; uname: string; node?: M.Node}> = []
  for (const n of cib.nodes) if (n.type === 'remote') out.push({id: n.id, uname: n.uname, node: n})
  for (const r of cib.resources) {
    if (r.kind === 'primitive' && isRemoteConnection(r) && !out.some((x) => x.uname === r.id) && !cib.nodes.some((n) => n.uname === r.id)) out.push({id: r.id, uname: r.id})
  }
  for (const name of bundleNodeNames(cib)) if (!out.some((x) => x.uname === name) && !cib.nodes.some((n) => n.uname === name)) out.push({id: name, uname: name})
  return out
}

function metaOf(p: M.Primitive): Map<string, string> {
  const m = new Map<string, string>()
  for (const set of p.metaAttributes) for (const pair of set.pairs) if (pair.value !== undefined && !m.has(pair.name)) m.set(pair.name, pair.value)
  return m
}

/**
 * expand_remote_rsc_meta: a primitive with meta remote-node=NAME runs a guest node NAME; its
 * connection is an implicit ocf:pacemaker:remote primitive added after the configured resources.
 */
export function expandGuestNodes(cib: M.Cib): M.Cib {
  const added: M.Primitive[] = []
  const consider = (p: M.Primitive) => {
    const meta = metaOf(p)
    const name = meta.get('remote-node')
    if (name === undefined) return
    const pair = (n: string, v: string | undefined) => (v === undefined ? [] : [{name: n, value: v}])
    added.push({
      kind: 'primitive', id: name, class: 'ocf', provider: 'pacemaker', type: 'remote',
      metaAttributes: [{id: `${name}-meta_attributes`, pairs: [{name: 'internal_rsc', value: 'true'}, {name: 'container', value: p.id},
        ...pair('allow-migrate', meta.get('remote-allow-migrate')), ...pair('is-managed', meta.get('is-managed'))]}],
      instanceAttributes: meta.has('remote-addr') || meta.has('remote-port')
        ? [{id: `${name}-instance_attributes`, pairs: [...pair('addr', meta.get('remote-addr')), ...pair('port', meta.get('remote-port'))]}] : [],
      utilization: [],
      operations: [
        {name: 'monitor', interval: '30s', attributes: {timeout: '30s'}, instanceAttributes: [], metaAttributes: []},
        {name: 'start', interval: '0', attributes: {timeout: meta.get('remote-connect-timeout') ?? '60s'}, instanceAttributes: [], metaAttributes: []},
      ],
    })
  }
  for (const r of cib.resources) {
    if (r.kind === 'primitive') consider(r)
    else if (r.kind === 'group') r.children.forEach(consider)
  }
  return added.length === 0 ? cib : {...cib, resources: [...cib.resources, ...added]}
}

/** The meta attribute container: a resource runs inside another (guest connections inside their VM). */
export function linkContainers(ws: WorkingSet): void {
  // setup_container: primitives (group members inherit the group's meta)
  const setup = (rsc: Rsc) => {
    if (rsc.children.length > 0) { rsc.children.forEach(setup); return }
    const id = rsc.meta.get('container')
    if (id === undefined || id === rsc.id) return
    const container = ws.byId.get(id)
    if (container) {
      rsc.container = container
      ;(container.fillers ??= []).push(rsc)
    }
  }
  ws.resources.forEach(setup)
}

/** link_rsc2remotenode: the connection resource of each remote node; startup fencing applies to it */
export function linkRemoteConnections(ws: WorkingSet): void {
  for (const rsc of ws.resources) {
    if (rsc.variant !== 'primitive' || !rsc.prim || !isRemoteConnection(rsc.prim)) continue
    rsc.isRemoteConnection = true
    // reconnect_interval (a parameter) delays reconnecting: the failure has to expire first
    const reconnect = intervalMs(resourceParams(ws, rsc, null).get('reconnect_interval'))
    if (reconnect && !rsc.container) {
      rsc.remoteReconnectMs = reconnect
      rsc.failureTimeoutMs = reconnect
    }
    const node = ws.nodeByName.get(rsc.id)
    if (!node || !node.remote) continue
    node.remoteRsc = rsc
    if (rsc.container) {
      node.guest = true
      node.attrs.set('#kind', 'container')
    } else {
      node.unclean = ws.options.startupFencing
      node.unseen = true
    }
  }
}

/** determine_remote_online_status */
export function remoteOnlineStatus(node: SNode): void {
  const rsc = node.remoteRsc
  if (!rsc) { node.online = false; return }
  const container = rsc.container
  const host = container && rsc.runningOn.length === 1 ? rsc.runningOn[0] : undefined
  if (rsc.role === Role.Started) node.online = true
  if (rsc.role === Role.Started && rsc.nextRole === Role.Stopped) node.shutdown = true
  if (container?.failed) { node.online = false; node.remoteRequiresReset = true }
  else if (rsc.failed) node.online = false
  else if (rsc.role === Role.Stopped || container?.role === Role.Stopped) { node.online = false; node.remoteRequiresReset = false }
  else if (host && !host.online && host.unclean) { node.online = false; node.remoteRequiresReset = true }
}

/** unpack_handle_remote_attrs */
export function remoteAttributes(node: SNode, transient: Map<string, string>): void {
  if (!node.remoteRequiresReset) { node.unclean = false; node.unseen = false }
  for (const [k, v] of transient) node.attrs.set(k, v)
  const shutdown = node.attrs.get('shutdown')
  if (shutdown !== undefined && shutdown !== '0') node.shutdown = true
  if (isTrue(node.attrs.get('standby'))) node.standby = true
  if (isTrue(node.attrs.get('maintenance')) || (node.remoteRsc && !node.remoteRsc.managed)) node.maintenance = true
}

function avoidRemote(ws: WorkingSet, rsc: Rsc): void {
  // only nodes with a connection resource (a stale remote node entry has none)
  for (const node of ws.nodes) if (node.remote && node.remoteRsc && rsc.allowed.has(node)) rsc.allowed.set(node, -INFINITY)
}

/** Remote connections and fence devices may not run on remote nodes, nor guests' containers (rsc_avoids_remote_nodes). */
export function avoidRemoteNodes(ws: WorkingSet, rsc: Rsc): void {
  if (rsc.isRemoteConnection && rsc.container && !rsc.allowRemoteRemotes) avoidRemote(ws, rsc.container)
  if (rsc.isRemoteConnection || rsc.isFenceDevice) avoidRemote(ws, rsc)
}

/** A resource in a container starts after it, stops before it and runs with it (guest connections, fillers). */
export function containerConstraints(ws: WorkingSet, rsc: Rsc, hooks: {order(f: Rsc, ft: string, t: Rsc, tt: string, type: number): void; colocate(d: Rsc, p: Rsc, score: number): void}): void {
  const container = rsc.container
  if (!container) return
  if (rsc.isRemoteConnection) hooks.order(container, 'monitor', rsc, 'stop', O.optional)
  else {
    // container=<remote connection> or <a guest's container>: the resource must run on that remote/guest node
    const conn = container.isRemoteConnection ? container : ws.resources.find((r) => r.isRemoteConnection && r.container === container)
    if (conn) {
      for (const node of rsc.allowed.keys()) if (node.remoteRsc !== conn) rsc.allowed.set(node, -INFINITY)
      return
    }
  }
  hooks.order(container, 'start', rsc, 'start', O.impliesThen | O.runnableLeft)
  hooks.order(rsc, 'stop', container, 'stop', O.impliesFirst)
  // a bundle's connection only prefers its container's host (it may be nested on a remote node)
  hooks.colocate(rsc, container, rsc.allowRemoteRemotes ? 10000 : INFINITY)
}

/** pe_fence_node for a guest node: it is "fenced" by recovering its container */
export function fenceGuest(node: SNode): void {
  const container = node.remoteRsc?.container
  if (!container || container.failed || !container.managed) return
  node.remoteRequiresReset = true
  container.failed = true
  container.stopFlag = true
}

/** remote_connection_assigned: a remote node whose connection is placed will be online, otherwise it shuts down */
export function remoteConnectionAssigned(ws: WorkingSet, rsc: Rsc): void {
  const node = ws.nodeByName.get(rsc.id)
  if (!node?.remote) return
  if (rsc.allocatedTo && rsc.nextRole !== Role.Stopped) {
    node.online = true
    // no need to fence a node we are about to connect to
    if (node.unseen) node.unclean = false
  } else {
    node.shutdown = true
  }
}

type RemoteState = 'alive' | 'resting' | 'failed' | 'stopped' | 'unknown'

/** get_remote_node_state */
function remoteNodeState(node: SNode, current: (r: Rsc) => SNode | null): RemoteState {
  const conn = node.remoteRsc!
  const clusterNode = current(conn)
  if (conn.nextRole === Role.Stopped || !conn.allocatedTo) {
    if (clusterNode?.unclean) return 'failed'
    if (!conn.failed) return 'stopped'
    const shutdown = node.attrs.get('shutdown')
    if (conn.nextRole === Role.Stopped && (conn.remoteReconnectMs ?? 0) > 0 && node.remoteWasFenced && (shutdown === undefined || shutdown === '0')) return 'unknown'
    return 'failed'
  }
  if (!clusterNode) return 'unknown'
  if (clusterNode.unclean || !clusterNode.online) return 'resting'
  if (conn.runningOn.length > 1 && conn.partialMigrationSource && conn.partialMigrationTarget) return 'resting'
  return 'alive'
}

/** pcmk__is_failed_remote_node: a remote (not guest) node whose connection cannot be recovered */
export function isFailedRemoteNode(node: SNode, current: (r: Rsc) => SNode | null): boolean {
  return node.remote === true && !node.guest && node.remoteRsc !== undefined && remoteNodeState(node, current) === 'failed'
}

export interface RemoteOrderingHooks {
  current(r: Rsc): SNode | null
  order(first: {rsc?: Rsc; task?: string; action?: Action}, then: {rsc?: Rsc; task?: string; action?: Action}, type: number): void
  fence(node: SNode, reason: string): void
}

/** apply_remote_ordering: an action on a remote node relative to the node's connection */
function applyRemoteOrdering(action: Action, hooks: RemoteOrderingHooks): void {
  const node = action.node!
  const conn = node.remoteRsc!
  const state = remoteNodeState(node, hooks.current)
  const startThen = (extra: number) => hooks.order({rsc: conn, task: 'start'}, {rsc: action.rsc, action}, O.preserve | O.runnableLeft | extra)
  const thenStop = (extra: number) => hooks.order({rsc: action.rsc, action}, {rsc: conn, task: 'stop'}, O.preserve | extra)
  const task = action.task === 'migrate_to' || action.task === 'migrate_from' ? 'stop' : action.task
  if (task === 'start' || task === 'promote') {
    startThen(state === 'failed' ? O.impliesThen : O.none)
  } else if (task === 'stop') {
    if (state === 'alive') thenStop(O.impliesFirst)
    else if (state === 'failed') hooks.fence(node, 'resources are active but connection is unrecoverable')
    else if (conn.nextRole === Role.Stopped) thenStop(O.impliesFirst)
    else startThen(O.none)
  } else if (task === 'demote') {
    if (state === 'resting' || state === 'unknown') startThen(O.none)
  } else if (action.intervalMs > 0) {
    startThen(O.impliesThen)
  } else {
    const clusterNode = hooks.current(conn)
    if (task === 'monitor' && state === 'failed') hooks.fence(node, 'resources are in unknown state and connection is unrecoverable')
    if (clusterNode && state === 'stopped') thenStop(O.runnableLeft)
    else startThen(O.none)
  }
}

/** apply_container_ordering: an action on a guest node relative to its connection and container */
function applyContainerOrdering(action: Action, hooks: RemoteOrderingHooks): void {
  const node = action.node!
  const conn = node.remoteRsc!
  const container = conn.container!
  if (container.failed) hooks.fence(node, 'container failed')
  const task = action.task === 'migrate_to' || action.task === 'migrate_from' ? 'stop' : action.task
  const startThen = (first: Rsc, extra: number) => hooks.order({rsc: first, task: 'start'}, {rsc: action.rsc, action}, O.preserve | O.runnableLeft | extra)
  if (task === 'start' || task === 'promote') {
    startThen(container, O.impliesThen)
    startThen(conn, O.none)
  } else if (task === 'stop' || task === 'demote') {
    if (!container.failed) hooks.order({rsc: action.rsc, action}, {rsc: conn, task: 'stop'}, O.preserve)
  } else if (action.intervalMs > 0) {
    // Pacemaker skips recurring actions whose task it has no enum value for (a monitor's cancel):
    // ordered after the connection's start, a cancel before a demote would block the demote
    if (KNOWN_TASKS.has(task)) startThen(conn, O.impliesThen)
  } else {
    startThen(conn, O.none)
  }
}

// the tasks text2task knows; any other maps to no_action
const KNOWN_TASKS = new Set(['stop', 'stopped', 'start', 'running', 'do_shutdown', 'stonith', 'monitor', 'notify', 'notified', 'promote', 'demote', 'promoted', 'demoted'])

/** pcmk__order_remote_connection_actions (remote nodes; guest containers are not modelled) */
export function orderRemoteConnectionActions(ws: WorkingSet, hooks: RemoteOrderingHooks): void {
  if (!ws.nodes.some((n) => n.remote)) return
  // Pacemaker walks its (newest-first) action list
  for (const action of [...ws.actions].reverse()) {
    // a connection's fail count is cleared before it starts again in this transition
    if (action.rsc?.isRemoteConnection && action.task === 'clear_failcount') {
      hooks.order({rsc: action.rsc, action}, {rsc: action.rsc, task: 'start'}, O.optional)
      continue
    }
    if (!action.rsc || !action.node || !action.node.remote || action.pseudo) continue
    const conn = action.node.remoteRsc
    if (!conn) continue
    if (action.task === 'start') {
      for (const other of action.rsc.actions) {
        if (other.node !== action.node && other.task === 'stop') hooks.order({rsc: conn, task: 'start'}, {rsc: action.rsc, action: other}, O.optional)
      }
    }
    if (conn.container) applyContainerOrdering(action, hooks)
    else applyRemoteOrdering(action, hooks)
  }
}
