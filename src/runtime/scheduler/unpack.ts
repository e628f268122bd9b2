/**
 * Unpacking a CIB into the working set: cluster options, nodes and their
 * state, and each resource's operation history (current role, location,
 * failures) — Pacemaker's lib/pengine/unpack.c.
 */
import type * as M from '../../formats/cib/model.js'
import {canFence, clearFailcount, customAction, demoteAction, fenceNode, fenceOp, stopAction} from './actions.js'
import {orderActions} from './ordering.js'
import {type MigrationHooks, unpackMigrateFromFailure, unpackMigrateToFailure, unpackMigrateToSuccess} from './migration.js'
import {addCloneInstance, allPrimitives, isBundled, nvsetValues, targetRole, topParent} from './resources.js'
import {evalRule} from './rules.js'
import {shouldClearForParamChange} from './digests.js'
import {currentNode} from './placement.js'
import {isRemoteConnection, remoteAttributes, remoteNodeNames, remoteOnlineStatus} from './remote.js'
import {unpackShutdownLock} from './shutdown-lock.js'
import {INFINITY, intervalMs, isTrue, numericCompare, parseScoreText} from './scores.js'
import {type ClusterOptions, O, type OnFail, type Rsc, Role, type SNode, type WorkingSet} from './types.js'
import {glistSort} from './ghash.js'

export function unpackOptions(cib: M.Cib, now: number): ClusterOptions {
  const o = nvsetValues(cib.crmConfig, new Map(), 'cib-bootstrap-options', (rule) => evalRule(rule, null, {now}))
  const stonithEnabled = o.has('stonith-enabled') ? isTrue(o.get('stonith-enabled')) : true
  const haveQuorum = isTrue(cib.attributes['have-quorum'])
  let nqp = (o.get('no-quorum-policy') ?? 'stop').toLowerCase() as ClusterOptions['noQuorumPolicy']
  if (!['stop', 'ignore', 'freeze', 'suicide', 'demote'].includes(nqp)) nqp = 'stop'
  if (nqp === 'suicide' && (!stonithEnabled || (!haveQuorum && !isTrue(cib.attributes['no-quorum-panic'])))) nqp = 'stop'
  let stonithAction = o.get('stonith-action') ?? 'reboot'
  if (stonithAction === 'poweroff') stonithAction = 'off'
  return {
    stonithEnabled,
    symmetric: o.has('symmetric-cluster') ? isTrue(o.get('symmetric-cluster')) : true,
    noQuorumPolicy: nqp,
    haveQuorum,
    startFailureIsFatal: o.has('start-failure-is-fatal') ? isTrue(o.get('start-failure-is-fatal')) : true,
    stopOrphanResources: o.has('stop-orphan-resources') ? isTrue(o.get('stop-orphan-resources')) : true,
    // startup-fencing only applies when fencing is enabled
    startupFencing: stonithEnabled && (o.has('startup-fencing') ? isTrue(o.get('startup-fencing')) : true),
    stonithAction,
    // watchdog-based self-fencing (SBD) counts as a fencing device
    haveStonithResource: isTrue(o.get('have-watchdog')),
    dcUuid: cib.attributes['dc-uuid'],
    maintenanceMode: isTrue(o.get('maintenance-mode')),
    shutdownLock: isTrue(o.get('shutdown-lock')),
    stopAll: isTrue(o.get('stop-all-resources')),
    shutdownLockLimitMs: intervalMs(o.get('shutdown-lock-limit')) ?? 0,
    enableUnfencing: providesUnfencing(cib),
    placementStrategy: (o.get('placement-strategy') ?? 'default').toLowerCase(),
    concurrentFencing: isTrue(o.get('concurrent-fencing')),
    stopOrphanActions: o.has('stop-orphan-actions') ? isTrue(o.get('stop-orphan-actions')) : true,
  }
}

export function unpackNodes(ws: WorkingSet): void {
  const nodes: SNode[] = []
  for (const n of ws.cib.nodes) {
    if (n.type === 'remote' || n.type === 'ping') continue
    const attrs = nvsetValues(n.instanceAttributes, new Map(), undefined, (rule) => evalRule(rule, null, {now: ws.now}))
    // standby and maintenance are read with the node's state entry (unpack_transient_attributes):
    // a node the status does not know is neither
    const node: SNode = {
      id: n.id, uname: n.uname, attrs, online: false, unclean: ws.options.startupFencing, unseen: true,
      standby: false, standbyOnFail: false, pending: false, shutdown: false,
      expectedUp: false, numResources: 0, countByClone: new Map(), running: [], strategy: ws.options.placementStrategy,
    }
    if (n.otherAttributes?.score !== undefined) node.weight = parseScoreText(n.otherAttributes.score, 0)
    node.configured = {standby: isTrue(attrs.get('standby')), maintenance: isTrue(attrs.get('maintenance'))}
    attrs.set('#uname', n.uname)
    attrs.set('#id', n.id)
    attrs.set('#kind', 'cluster')
    attrs.set('#is_dc', ws.options.dcUuid === n.id ? 'true' : 'false')
    nodes.push(node)
  }
  for (const r of remoteNodeNames(ws.cib)) {
    const attrs = nvsetValues(r.node?.instanceAttributes ?? [], new Map(), undefined, (rule) => evalRule(rule, null, {now: ws.now}))
    const node: SNode = {
      id: r.id, uname: r.uname, attrs, online: false, unclean: false, unseen: true,
      standby: isTrue(attrs.get('standby')), standbyOnFail: false, pending: false, shutdown: false,
      expectedUp: false, numResources: 0, countByClone: new Map(), running: [], strategy: ws.options.placementStrategy, remote: true,
    }
    attrs.set('#uname', r.uname)
    attrs.set('#id', r.id)
    attrs.set('#kind', 'remote')
    attrs.set('#is_dc', 'false')
    nodes.push(node)
  }
  nodes.sort((a, b) => numericCompare(a.uname, b.uname))
  ws.nodes = nodes
  for (const n of nodes) {
    ws.nodeById.set(n.id, n)
    ws.nodeByName.set(n.uname, n)
  }
}

function findNode(ws: WorkingSet, id: string, uname: string | undefined): SNode | undefined {
  return ws.nodeById.get(id) ?? (uname !== undefined ? ws.nodeByName.get(uname) : undefined)
}

function nodeOnline(ws: WorkingSet, ns: M.NodeState, node: SNode): boolean {
  const a = ns.attributes
  const inCcm = a.in_ccm
  const crmdOnline = (a.crmd ?? '').toLowerCase() === 'online'
  const join = a.join
  const exp = a.expected ?? 'down'
  const shutdown = node.attrs.get('shutdown')
  node.shutdown = shutdown !== undefined && shutdown !== '0'
  node.expectedUp = !node.shutdown && exp === 'member'
  if (!ws.options.stonithEnabled) {
    if (!isTrue(inCcm)) return false
    if (crmdOnline) return join === 'member'
    if (!node.expectedUp) return false
    fenceNode(ws, node, 'peer is unexpectedly down', false)
    return false
  }
  const term = node.attrs.get('terminate')
  const doTerminate = isTrue(term) || (term !== undefined && /^[1-9]/.test(term))
  let online = isTrue(inCcm)
  if (node.shutdown) {
    online = crmdOnline
  } else if (inCcm === undefined) {
    fenceNode(ws, node, 'peer has not been seen by the cluster', false)
  } else if (join === 'banned') {
    fenceNode(ws, node, 'peer failed Pacemaker membership criteria', false)
  } else if (!doTerminate && exp === 'down') {
    if (isTrue(inCcm) || crmdOnline) { node.standby = true; node.pending = true }
  } else if (doTerminate && join === 'down' && !isTrue(inCcm) && !crmdOnline) {
    online = false
  } else if (!isTrue(inCcm)) {
    fenceNode(ws, node, 'peer is no longer part of the cluster', true)
  } else if (!crmdOnline) {
    fenceNode(ws, node, 'peer process is no longer available', false)
  } else if (doTerminate) {
    fenceNode(ws, node, 'termination was requested', false)
  } else if (join === 'member') {
    // active
  } else if (join === 'pending' || join === 'down') {
    node.standby = true
    node.pending = true
  } else {
    fenceNode(ws, node, 'peer was in an unknown state', false)
  }
  return online
}

function unpackNodeState(ws: WorkingSet, ns: M.NodeState): void {
  const node = findNode(ws, ns.id, ns.uname)
  if (!node) return
  // remote nodes are unpacked with their history, once their connection's state is known
  if (node.remote) {
    node.remoteWasFenced = Number(ns.attributes.node_fenced ?? 0) !== 0
    return
  }
  for (const [k, v] of nvsetValues(ns.transientAttributes)) node.attrs.set(k, v)
  if (isTrue(node.attrs.get('standby'))) node.standby = true
  if (isTrue(node.attrs.get('maintenance'))) node.maintenance = true
  node.unclean = false
  node.unseen = false
  const online = nodeOnline(ws, ns, node)
  node.online = online
  // an offline or shutting-down node is out of contention: copies of it made from now on start at -INFINITY (determine_online_status)
  if (!online || node.shutdown) node.weight = -INFINITY
  if (!ws.options.haveQuorum && node.online && ws.options.noQuorumPolicy === 'suicide') {
    fenceNode(ws, node, 'cluster does not have quorum', false)
  }
}

// ------------------------------------------------------------ history ------

interface OpEntry {
  op: M.LrmOperation
  task: string
  callId: number
  rc: number
  status: number
  intervalMs: number
  targetRc: number
  lastRcChange: number
  key: string
}

function toEntry(op: M.LrmOperation): OpEntry {
  const a = op.attributes
  const tk = a['transition-key'] ?? a['transition-magic']?.split(';')[1]
  // the third field of action:transition:target:uuid, found without splitting the key
  let targetRc = -1
  const second = tk ? tk.indexOf(':', tk.indexOf(':') + 1) : -1
  if (tk && second >= 0) {
    const third = tk.indexOf(':', second + 1)
    targetRc = Number(third < 0 ? tk.slice(second + 1) : tk.slice(second + 1, third))
  }
  return {
    op, task: a.operation ?? op.operation, callId: Number(a['call-id'] ?? 0), rc: Number(a['rc-code'] ?? 0),
    status: Number(a['op-status'] ?? 0), intervalMs: Number(a.interval ?? 0), targetRc,
    lastRcChange: Number(a['last-rc-change'] ?? a['last-run'] ?? 0), key: a.operation_key ?? op.id,
  }
}

/** decode_transition_magic: "status:rc;action:transition:target:uuid" → transition id and uuid, or undefined. */
function transitionOf(magic: string | undefined): {uuid: string; id: number} | undefined {
  const m = /^\s*[-+]?\d+:[-+]?\d+;([-+]?\d+):([-+]?\d+):([-+]?\d+):(\S{1,36})/.exec(magic ?? '')
  return m ? {id: Number(m[2]), uuid: m[4]} : undefined
}

/**
 * pe__is_newer_op (same node by default): by call-id; entries of one operation by last change;
 * a pending entry (call-id -1) against a finished one by the transition in its magic — a
 * pending start that an older transition sent is superseded by a later stop.
 */
function compareOps(x: OpEntry, y: OpEntry): number {
  const ax = x.op.attributes
  const ay = y.op.attributes
  const sameNode = ax.on_node === undefined || ay.on_node === undefined || ax.on_node === ay.on_node || ax.on_node.toLowerCase() === ay.on_node.toLowerCase()
  if (sameNode && x.op.id === y.op.id) return 0 // duplicate entries
  const a = x.callId
  const b = y.callId
  if (a === -1 && b === -1) return 0
  if (sameNode && a >= 0 && a < b) return -1
  if (sameNode && b >= 0 && a > b) return 1
  if (a >= 0 && b >= 0 && (!sameNode || a === b)) {
    const la = ax['last-rc-change'] !== undefined ? Number(ax['last-rc-change']) : -1
    const lb = ay['last-rc-change'] !== undefined ? Number(ay['last-rc-change']) : -1
    if (la >= 0 && la < lb) return -1
    if (lb >= 0 && la > lb) return 1
    return 0
  }
  const ta = transitionOf(ax['transition-magic'])
  const tb = transitionOf(ay['transition-magic'])
  if (!ta || !tb) return 0
  if (ta.uuid.toLowerCase() !== tb.uuid.toLowerCase() || ta.id === tb.id) {
    if (b === -1) return -1
    if (a === -1) return 1
  } else if ((ta.id >= 0 && ta.id < tb.id) || tb.id === -1) return -1
  else if ((tb.id >= 0 && ta.id > tb.id) || ta.id === -1) return 1
  return 0
}

/** the transition uuid crm_simulate's injected results carry (FAKE_TE_ID), with transition id -1 */
const FAKE_TE_ID = 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx'

/**
 * Does a pending entry still come last once crm_simulate has recorded a result for the resource
 * on that node? Not if the result takes its id (<rsc>_last_0), nor if it has a call-id (the
 * result gets a higher one), nor if it names an older transition of the same fake uuid.
 */
function outlivesInjectedResult(e: OpEntry): boolean {
  if (e.callId !== -1 || /_last(_failure)?_0$/.test(e.op.id)) return false
  const t = transitionOf(e.op.attributes['transition-magic'])
  return t !== undefined && (t.uuid.toLowerCase() !== FAKE_TE_ID || t.id === -1)
}

/**
 * The history of one resource on one node in Pacemaker's order (unpack_lrm_resource,
 * rsc_history_as_list): the entries prepended (the last in the XML first), then sorted by
 * sort_op_by_callid — so of two entries it ranks equal (both pending, or <rsc>_last_0 and
 * <rsc>_last_failure_0 of one call) the one written first in the XML comes last.
 */
function sortedHistory(ops: M.LrmOperation[]): OpEntry[] {
  return glistSort([...ops].reverse().map(toEntry), compareOps)
}

/** The history as the configuration check walks it (rsc_history_as_list). */
export function historyForConfigCheck(ops: M.LrmOperation[]): M.LrmOperation[] {
  return sortedHistory(ops).map((e) => e.op)
}

const FAIL_RANK: Record<OnFail, number> = {ignore: 0, demote: 1, restart: 2, block: 4, stop: 5, standby: 6, fence: 7, restart_container: 8, reset_remote: 9}
const MIGRATE_RANK = 3
type FailStrategy = OnFail | 'migrate'
const rank = (f: FailStrategy) => (f === 'migrate' ? MIGRATE_RANK : FAIL_RANK[f])

/** on-fail for an operation (unpack_operation + unpack_operation_on_fail). */
export function actionOnFail(ws: WorkingSet, rsc: Rsc, task: string, interval: number): {onFail: FailStrategy; failRole: Role} {
  const conf = rsc.ops.find((o) => o.name === task && o.intervalMs === interval)
  const opDefaults = nvsetValues(ws.cib.opDefaults)
  let value = conf?.onFail ?? opDefaults.get('on-fail')
  if (task === 'stop' && value !== undefined && ['standby', 'demote', 'stop'].includes(value.toLowerCase())) value = undefined
  else if (task === 'demote' && value === undefined) {
    for (const o of rsc.ops) {
      if (!o.onFail || !o.enabled || o.name !== 'monitor' || o.role !== Role.Promoted || o.intervalMs === 0 || o.onFail === 'demote') continue
      value = o.onFail
      break
    }
  } else if (value === 'demote' && task !== 'promote' && !(task === 'monitor' && conf?.role === Role.Promoted && interval > 0)) value = undefined
  let onFail: FailStrategy | undefined
  let failRole = Role.Unknown
  switch (value?.toLowerCase()) {
    case 'block': onFail = 'block'; break
    case 'fence':
      onFail = 'fence'
      if (!ws.options.stonithEnabled) { onFail = 'stop'; failRole = Role.Stopped }
      break
    case 'standby': onFail = 'standby'; break
    case 'ignore': case 'nothing': onFail = 'ignore'; break
    case 'migrate': onFail = 'migrate'; break
    case 'stop': onFail = 'stop'; failRole = Role.Stopped; break
    case 'restart': onFail = 'restart'; break
    case 'demote': onFail = 'demote'; break
    case 'restart-container': onFail = rsc.container ? 'restart_container' : undefined; break
    default: onFail = undefined
  }
  // a resource inside a container is recovered by restarting the container
  if (onFail === undefined && rsc.container) onFail = 'restart_container'
  const isProbe = task === 'monitor' && interval === 0
  if ((onFail === undefined || !rsc.managed) && rsc.isRemoteConnection && !isProbe && task !== 'start') {
    // a lost remote connection means the remote node has to be fenced (or the connection recovered)
    if (!rsc.managed) { onFail = 'stop'; failRole = Role.Stopped } else {
      onFail = 'reset_remote'
      if ((rsc.remoteReconnectMs ?? 0) > 0) failRole = Role.Stopped
    }
  } else if ((onFail === undefined || !rsc.managed) && task === 'stop') onFail = ws.options.stonithEnabled ? 'fence' : 'block'
  else if (onFail === undefined) onFail = 'restart'
  if (failRole === Role.Unknown) failRole = task === 'promote' ? Role.Unpromoted : Role.Started
  return {onFail, failRole}
}

/** Bans a resource from a node (or all nodes) with a score (resource_location). */
export function resourceLocation(ws: WorkingSet, rsc: Rsc, node: SNode | null, score: number): void {
  const targets = node ? [node] : ws.nodes
  const apply = (r: Rsc) => {
    for (const n of targets) {
      const cur = r.allowed.get(n)
      r.allowed.set(n, addScore(cur ?? n.weight ?? 0, score))
    }
    for (const c of r.children) apply(c)
  }
  apply(rsc)
}

function addScore(a: number, b: number): number {
  if (a <= -INFINITY || b <= -INFINITY) return -INFINITY
  if (a >= INFINITY || b >= INFINITY) return INFINITY
  return Math.max(-INFINITY, Math.min(INFINITY, a + b))
}

function setActive(rsc: Rsc): void {
  const top = rsc.parent?.variant === 'clone' ? rsc.parent : rsc.parent?.parent?.variant === 'clone' ? rsc.parent.parent : undefined
  rsc.role = top?.promotable ? Role.Unpromoted : Role.Started
}

interface HistoryState {
  onFail: FailStrategy
  lastFailure?: OpEntry
}

function clearPastFailure(rsc: Rsc, st: HistoryState): void {
  if (['stop', 'fence', 'migrate', 'standby'].includes(st.onFail)) return
  // with a reconnect interval, a connection waits until its failure is cleared entirely
  if (st.onFail === 'reset_remote' && (rsc.remoteReconnectMs ?? 0) > 0) return
  st.onFail = 'ignore'
  if (!rsc.explicitNextRole) rsc.nextRole = Role.Unknown
}

function updateResourceState(ws: WorkingSet, rsc: Rsc, node: SNode, e: OpEntry, rc: number, st: HistoryState, masked: boolean): void {
  let clear = false
  if (rc === 5 || masked) rsc.role = Role.Stopped
  else if (rc === 7) clear = true
  else if (e.task === 'monitor') {
    if (st.lastFailure && st.lastFailure.key === e.key) clear = true
    if (rsc.role < Role.Started) setActive(rsc)
  } else if (e.task === 'start') { rsc.role = Role.Started; clear = true }
  else if (e.task === 'stop') { rsc.role = Role.Stopped; clear = true }
  else if (e.task === 'promote') { rsc.role = Role.Promoted; clear = true }
  else if (e.task === 'demote') {
    if (st.onFail === 'demote') clear = true
    rsc.role = Role.Unpromoted
  } else if (e.task === 'migrate_from') { rsc.role = Role.Started; clear = true }
  else if (e.task === 'migrate_to') unpackMigrateToSuccess(ws, rsc, node, e.op, migrationHooks(ws))
  else if (rsc.role < Role.Started) setActive(rsc)
  if (clear) clearPastFailure(rsc, st)
}

/** should_ignore_failure_timeout: a remote connection's monitor failure stays until its node has been fenced */
function waitForRemoteFencing(ws: WorkingSet, rsc: Rsc, e: OpEntry): boolean {
  if (!rsc.remoteReconnectMs || !ws.options.stonithEnabled || e.intervalMs === 0 || e.task !== 'monitor') return false
  const remote = ws.nodeByName.get(rsc.id)
  return remote !== undefined && remote.remote === true && !remote.remoteWasFenced
}

/**
 * A scheduled fail-count clearing; a remote connection's (with a reconnect interval, fencing
 * enabled) waits for any fencing of its remote node (order_after_remote_fencing).
 */
function clearFailure(ws: WorkingSet, rsc: Rsc, node: SNode): void {
  const clear = clearFailcount(ws, rsc, node)
  if (!ws.options.stonithEnabled || !rsc.remoteReconnectMs) return
  const remote = ws.nodeByName.get(rsc.id)
  if (remote) orderActions(fenceOp(ws, remote, true, undefined), clear, O.impliesThen)
}

/**
 * check_operation_expiry: is this (failed) history entry older than failure-timeout? A fail count
 * that has expired, a last failure of a connection with a reconnect interval, or a last failure
 * recorded under other parameters, is cleared.
 */
function isExpired(ws: WorkingSet, rsc: Rsc, node: SNode, e: OpEntry): boolean {
  let expired = false
  let unexpired = 0
  // only an entry that says when it happened can expire
  if (rsc.failureTimeoutMs > 0 && e.op.attributes['last-rc-change'] !== undefined) {
    if (ws.now >= e.lastRcChange * 1000 + rsc.failureTimeoutMs && !waitForRemoteFencing(ws, rsc, e)) expired = true
    unexpired = failCount(ws, rsc, node, true, e)
  }
  let clear = false
  if (expired) {
    if (failCount(ws, rsc, node, false, e) > 0) {
      if (unexpired === 0) clear = true // "it expired"
      else expired = false
    } else if (e.op.id.endsWith('_last_failure_0') && rsc.remoteReconnectMs) {
      clear = true // "reconnect interval is set"
    }
  }
  // a failure recorded with other parameters than today's has its fail count cleared
  // (should_clear_for_param_change; an expired entry is not checked, even a probe's kept below)
  if (!expired && e.op.id.endsWith('_last_failure_0') && shouldClearForParamChange(ws, rsc, node, e.op)) clear = true
  if (clear) clearFailure(ws, rsc, node)
  if (expired && e.intervalMs === 0 && e.task === 'monitor' && [0, 7, 8, 190, 191].includes(e.rc)) expired = false
  return expired
}

function unpackRscOp(ws: WorkingSet, rsc: Rsc, node: SNode, e: OpEntry, st: HistoryState): void {
  const task = e.task
  if (task === 'notify' || task === 'meta-data') return
  const parent = rsc.unique ? rsc : topParent(rsc)
  let rc = e.rc
  let status = e.status
  const target = e.targetRc
  const isProbe = task === 'monitor' && e.intervalMs === 0
  // check_operation_expiry, which an entry of an agent not installed skips
  const expired = status !== 7 && isExpired(ws, rsc, node, e)
  // remap_operation
  if (task === 'monitor' && (rc === 190 || rc === 191)) {
    if (!node.shutdown || node.online) recordFailedOp(ws, e.op, node, rsc)
    rc = rc === 190 ? 0 : 8
  }
  const masked = isProbe && (e.rc === 5 || e.rc === 2 || e.status === 7)
  if (masked) { status = 0; rc = 7 }
  if (status === 0 || status === 4) {
    status = target < 0 || target !== rc ? 4 : 0
    switch (rc) {
      case 0:
        if (isProbe && target === 7) status = 0
        break
      case 7:
        if (isProbe || target === rc || !rsc.managed) {
          rsc.role = Role.Stopped
          if (!rsc.explicitNextRole) rsc.nextRole = Role.Unknown
          status = 0
        }
        break
      case 8:
        if (isProbe && rc !== target) status = 0
        rsc.role = Role.Promoted
        break
      case 9: case 191:
        rsc.role = Role.Promoted
        status = 4
        break
      case 6: status = 6; break
      case 3:
        status = e.intervalMs === 0 ? 5 : 3
        checkRecoverable(ws, rsc, node, task)
        break
      case 5: case 2: case 4:
        status = 5
        checkRecoverable(ws, rsc, node, task)
        break
      default:
        // an unknown exit status is a failure even when it was the expected one
        if (status === 0) status = 4
    }
  }
  const maskedProbe = masked
  const maskable = masked
  if (expired && maskedProbe && e.rc !== e.targetRc) {
    if (rsc.role <= Role.Stopped) rsc.role = Role.Unknown
    return
  }
  if (expired && rc !== target) {
    if (e.intervalMs === 0) return
    if (node.online && !node.unclean) {
      // an expired failure of a recurring operation: reschedule it (Pacemaker forces a restart
      // digest of "calculated-failure-timeout" so that pcmk__check_action_config does)
      ;(ws.rescheduleAfterFailureTimeout ??= new Set()).add(e.op)
      return
    }
  }
  if (maskable && maskedProbe) {
    updateResourceState(ws, rsc, node, e, target, st, true)
    recordFailedOp(ws, e.op, node, rsc)
    rsc.failedOn.add(node)
    resourceLocation(ws, parent, node, -INFINITY)
    return
  }
  switch (status) {
    case 1: return // cancelled
    case -1:
      if (task === 'start') { setActive(rsc); rsc.pendingNode = node }
      else if (task === 'promote') rsc.role = Role.Promoted
      else if (task === 'migrate_to' && node.unclean) {
        // a migration in flight from a node that must be fenced: the target may hold it, stop it there
        const target = ws.nodeByName.get(e.op.attributes.migrate_target ?? '')
        if (target) stopAction(ws, rsc, target, false)
      }
      // pending probes are not shown
      if (!rsc.pendingTask && (e.intervalMs !== 0 || task !== 'monitor')) rsc.pendingTask = {task, node, kept: outlivesInjectedResult(e)}
      return
    case 0:
      updateResourceState(ws, rsc, node, e, rc, st, false)
      return
    case 7: {
      // A missing agent cannot be ignored: treat on-fail=ignore as a ban
      if (actionOnFail(ws, rsc, task, e.intervalMs).onFail === 'ignore') st.onFail = 'migrate'
      resourceLocation(ws, parent, node, -INFINITY)
      unpackFailure(ws, rsc, node, e, rc, st)
      return
    }
    default: break
  }
  const {onFail} = actionOnFail(ws, rsc, task, e.intervalMs)
  if (onFail === 'ignore' || (onFail === 'restart_container' && task === 'stop')) {
    // pretend it succeeded (a failed stop inside a container is dealt with by restarting the container)
    updateResourceState(ws, rsc, node, e, target, st, false)
    rsc.failureIgnored = true
    rsc.failedOn.add(node)
    recordFailedOp(ws, e.op, node, rsc)
    if (onFail === 'restart_container' && rank(st.onFail) <= rank('restart')) st.onFail = 'restart_container'
  } else {
    unpackFailure(ws, rsc, node, e, rc, st)
    if (status === 5) resourceLocation(ws, parent, node, -INFINITY)
    else if (status === 6) resourceLocation(ws, parent, null, -INFINITY)
  }
}

/** record_failed_op: once per operation key and node, online nodes only (what crm_mon lists as failed). */
function recordFailedOp(ws: WorkingSet, op: M.LrmOperation, node: SNode, rsc: Rsc): void {
  if (!ws.failedOps || !node.online) return
  const key = op.attributes.operation_key ?? op.id
  if (ws.failedOps.some((f) => f.node === node && (f.op.attributes.operation_key ?? f.op.id).toLowerCase() === key.toLowerCase())) return
  ws.failedOps.push({op, node, rsc})
}

function checkRecoverable(ws: WorkingSet, rsc: Rsc, node: SNode, task: string): void {
  if (task !== 'stop') return
  if (canFence(ws, node)) return
  rsc.managed = false
  rsc.block = true
}

function unpackFailure(ws: WorkingSet, rsc: Rsc, node: SNode, e: OpEntry, rc: number, st: HistoryState): void {
  const task = e.task
  const isProbe = task === 'monitor' && e.intervalMs === 0
  st.lastFailure = e
  rsc.failedOn.add(node)
  if (ws.options.symmetric || rc !== 5) recordFailedOp(ws, e.op, node, rsc)
  const {onFail, failRole} = actionOnFail(ws, rsc, task, e.intervalMs)
  if (rank(st.onFail) < rank(onFail)) st.onFail = onFail
  if (task === 'stop') resourceLocation(ws, rsc, node, -INFINITY)
  else if (task === 'migrate_to') unpackMigrateToFailure(ws, rsc, node, e.op, migrationHooks(ws))
  else if (task === 'migrate_from') unpackMigrateFromFailure(ws, rsc, node, e.op, migrationHooks(ws))
  else if (task === 'promote') rsc.role = Role.Promoted
  else if (task === 'demote') {
    if (onFail === 'block') { rsc.role = Role.Promoted; rsc.nextRole = Role.Stopped }
    else if (rc === 7) rsc.role = Role.Stopped
    else rsc.role = Role.Unpromoted
  }
  if (isProbe && rc === 5) rsc.role = Role.Stopped
  else if (rsc.role < Role.Started) setActive(rsc)
  if (failRole !== Role.Started && rsc.nextRole < failRole) rsc.nextRole = failRole
  if (failRole === Role.Stopped) {
    let failRsc = rsc
    const top = topParent(rsc)
    if (top.variant === 'clone' && !top.unique) failRsc = top
    const ban = (r: Rsc) => {
      r.allowed = new Map(ws.nodes.map((n) => [n, -INFINITY]))
      for (const c of r.children) ban(c)
    }
    ban(failRsc)
  }
}

function migrationHooks(ws: WorkingSet): MigrationHooks {
  return {addRunning: (rsc, node) => addRunning(ws, rsc, node)}
}

/** native_add_running: a resource (and, through it, its parents) is active on a node. */
function addRunning(ws: WorkingSet, rsc: Rsc, node: SNode): void {
  if (rsc.runningOn.includes(node)) return
  rsc.runningOn.push(node)
  if (rsc.variant === 'primitive' && !node.running.includes(rsc)) node.running.push(rsc)
  if (rsc.variant === 'primitive' && node.maintenance) rsc.managed = false
  // Unmanaged resources stay where they are, and make their parents active there only on an online
  // node — appended without checking, as Pacemaker does: a parent can list a node twice, which
  // makes it count as more multiply active when clone instances are ordered (pcmk__cmp_instance)
  if (!rsc.managed) {
    resourceLocation(ws, rsc, node, INFINITY)
    if (node.online) for (let p = rsc.parent; p; p = p.parent) p.runningOn.push(node)
    return
  }
  if (rsc.variant === 'primitive' && isMultiplyActive(rsc)) {
    if (rsc.recovery === 'stop_only') {
      // make sure it does not come up again
      rsc.allowed = new Map(ws.nodes.map((n) => [n, -INFINITY]))
    } else if (rsc.recovery === 'block') {
      const block = (r: Rsc) => { r.managed = false; r.block = true }
      block(rsc)
      if (rsc.parent?.variant === 'group' && rsc.parent.recovery === 'block') rsc.parent.children.forEach(block)
    }
  }
  // Parents (groups, clones) are active where their children are.
  if (rsc.parent) addRunning(ws, rsc.parent, node)
}

/** is_multiply_active: active on more than one node (clean nodes only, unless it needs fencing) */
function isMultiplyActive(rsc: Rsc): boolean {
  const count = rsc.needs === 'fencing' ? rsc.runningOn.length : rsc.runningOn.filter((n) => n.online && !n.unclean).length
  return count > 1
}

function processRscState(ws: WorkingSet, rsc: Rsc, node: SNode, onFailIn: FailStrategy): void {
  if (rsc.role !== Role.Unknown) {
    let it: Rsc | undefined = rsc
    while (it) {
      it.knownOn.add(node)
      if (it.unique) break
      it = it.parent
    }
  }
  if (rsc.role > Role.Stopped && !node.online && !node.maintenance && rsc.managed) {
    if (node.guest) {
      // the resource will be recovered along with the guest's container
      rsc.failed = true
      rsc.stopFlag = true
      fenceNode(ws, node, `${rsc.id} is thought to be active there`, false)
    } else if (ws.options.stonithEnabled) {
      let reason = `${rsc.id} is thought to be active there`
      if (node.remote && node.remoteRsc && !node.remoteRsc.failed) {
        // fencing happens only if the connection cannot be re-established elsewhere
        node.unseen = true
        reason = `${rsc.id} is active there (fencing will be revoked if remote connection can be re-established elsewhere)`
      }
      fenceNode(ws, node, reason, false)
    }
  }
  let onFail = onFailIn
  if (node.unclean) onFail = 'ignore'
  switch (onFail) {
    case 'ignore': break
    case 'demote':
      rsc.failed = true
      demoteAction(ws, rsc, node, false)
      break
    case 'fence':
      fenceNode(ws, node, `${rsc.id} failed there`, false)
      ;(rsc.fencedByFailure ??= new Set()).add(node)
      break
    case 'standby':
      node.standby = true
      node.standbyOnFail = true
      break
    case 'block':
      rsc.managed = false
      rsc.block = true
      break
    case 'migrate':
      resourceLocation(ws, rsc, node, -INFINITY)
      break
    case 'stop':
      rsc.nextRole = Role.Stopped
      break
    case 'restart_container':
      rsc.failed = true
      rsc.stopFlag = true
      // a bundle's connection may run elsewhere than its container: stop the container where it runs, once that is known
      if (rsc.container && isBundled(rsc)) (ws.stopNeeded ??= []).unshift(rsc.container)
      else if (rsc.container) stopAction(ws, rsc.container, node, false)
      else if (rsc.role !== Role.Stopped && rsc.role !== Role.Unknown) stopAction(ws, rsc, node, false)
      break
    case 'reset_remote': {
      rsc.failed = true
      rsc.stopFlag = true
      const remote = ws.nodeByName.get(rsc.id)
      if (ws.options.stonithEnabled && remote?.remote && !remote.remoteWasFenced) fenceNode(ws, remote, 'remote connection is unrecoverable', false)
      if (rsc.role > Role.Stopped) stopAction(ws, rsc, node, false)
      if ((rsc.remoteReconnectMs ?? 0) > 0) rsc.nextRole = Role.Stopped
      break
    }
    case 'restart':
      if (rsc.role !== Role.Stopped && rsc.role !== Role.Unknown) {
        rsc.failed = true
        rsc.stopFlag = true
        stopAction(ws, rsc, node, false)
      }
      break
  }
  if (rsc.failed && rsc.isRemoteConnection) {
    // a failed connection means its remote node is fenced even if it reconnects elsewhere
    const remote = ws.nodeByName.get(rsc.id)
    if (remote?.remote && remote.unclean) remote.unseen = false
  }
  if (rsc.role !== Role.Stopped && rsc.role !== Role.Unknown) {
    addRunning(ws, rsc, node)
    switch (onFail) {
      case 'ignore': break
      case 'demote': case 'block': rsc.failed = true; break
      default: rsc.failed = true; rsc.stopFlag = true
    }
  } else if (rsc.cloneName?.includes(':')) {
    // only old status sections name instances; a stopped one must not keep that name
    rsc.cloneName = undefined
  } else {
    for (const a of rsc.actions) if (a.task === 'stop' && a.node === node && a.intervalMs === 0) a.optional = true
  }
  // a stop on the source after migrate_to does not stop the partially migrated resource on the target
  if (rsc.role === Role.Stopped && rsc.partialMigrationSource === node && rsc.partialMigrationTarget && rsc.runningOn.length > 0) rsc.role = Role.Started
}

function unpackLrmResource(ws: WorkingSet, node: SNode, lrm: M.LrmResource): void {
  // with shutdown locks, even an entry without operations may carry a lock
  if (lrm.operations.length === 0 && !ws.options.shutdownLock) return
  let rsc = findResourceForHistory(ws, node, lrm.id)
  if (!rsc) {
    if (lrm.operations.length === 0) return
    rsc = orphanResource(ws, lrm)
  }
  if (ws.options.shutdownLock) unpackShutdownLock(ws, lrm, rsc, node)
  const saved = rsc.role
  rsc.role = Role.Unknown
  const st: HistoryState = {onFail: 'ignore'}
  const ops = sortedHistory(lrm.operations)
  for (const e of ops) unpackRscOp(ws, rsc, node, e, st)
  recordActiveRecurring(ws, rsc, node, ops)
  processRscState(ws, rsc, node, st.onFail)
  const req = targetRole(rsc)
  if (req !== undefined && (rsc.nextRole === Role.Unknown || req < rsc.nextRole)) rsc.nextRole = req
  if (saved > rsc.role) rsc.role = saved
}

/** Where the last start (or what implies one) and the last successful stop are in the sorted history (calculate_active_ops). */
function activeRange(ops: OpEntry[]): {start: number; stop: number} {
  let start = -1
  let stop = -1
  let impliedMonitorStart = -1
  let impliedCloneStart = -1
  ops.forEach((e, i) => {
    if (e.task === 'stop' && e.status === 0) stop = i
    else if (e.task === 'start' || e.task === 'migrate_from') start = i
    else if (impliedMonitorStart <= stop && e.task === 'monitor') {
      if (e.rc === 0 || e.rc === 8) impliedMonitorStart = i
    } else if (e.task === 'promote' || e.task === 'demote') impliedCloneStart = i
  })
  if (start === -1) start = impliedCloneStart !== -1 ? impliedCloneStart : impliedMonitorStart
  return {start, stop}
}

/**
 * The recurring operations the history shows active on a node (process_recurring): they make the
 * scheduler's recurring monitors optional there, and cancellable. Pacemaker creates each as an
 * optional action right here, so it is older than every scheduled action: the last one the
 * final pass over all orderings visits (that pass goes newest first), after the start it follows.
 */
function recordActiveRecurring(ws: WorkingSet, rsc: Rsc, node: SNode, ops: OpEntry[]): void {
  if (!node.online) return
  const {start, stop} = activeRange(ops)
  ops.forEach((e, i) => {
    if (start < stop && i <= stop) return
    if (i < start || e.intervalMs === 0 || e.status === -1) return
    rsc.activeRecurring ??= new Map()
    let keys = rsc.activeRecurring.get(node)
    if (!keys) rsc.activeRecurring.set(node, keys = new Set())
    keys.add(`${e.task}_${e.intervalMs}`)
    customAction(ws, rsc, e.task, node, true, e.intervalMs)
  })
}

function orphanResource(ws: WorkingSet, lrm: M.LrmResource): Rsc {
  const prim: M.Primitive = {kind: 'primitive', id: lrm.id, class: lrm.class, provider: lrm.provider, type: lrm.type, instanceAttributes: [], metaAttributes: [], utilization: [], operations: []}
  const meta = new Map<string, string>()
  for (const [k, v] of nvsetValues(ws.cib.rscDefaults)) meta.set(k, v)
  const rsc = makeOrphanPrimitive(ws, prim, meta)
  rsc.orphan = true
  rsc.configured = false
  if (!ws.options.stopOrphanResources) rsc.managed = false
  else resourceLocation(ws, rsc, null, -INFINITY)
  ws.resources.push(rsc)
  ws.orphans.push(rsc)
  if (isRemoteConnection(prim)) orphanRemoteNode(ws, rsc)
  return rsc
}

/** An orphaned remote connection still defines its remote node, which is shutting down (create_fake_resource). */
function orphanRemoteNode(ws: WorkingSet, rsc: Rsc): void {
  let node = ws.nodeByName.get(rsc.id)
  if (!node) {
    const attrs = new Map<string, string>([['#uname', rsc.id], ['#id', rsc.id], ['#kind', 'remote'], ['#is_dc', 'false']])
    node = {
      id: rsc.id, uname: rsc.id, attrs, online: false, unclean: false, unseen: true, standby: false, standbyOnFail: false, pending: false,
      shutdown: false, expectedUp: false, numResources: 0, countByClone: new Map(), running: [], strategy: ws.options.placementStrategy, remote: true,
      fromOrphanConnection: true,
    }
    ws.nodes.push(node)
    ws.nodes.sort((a, b) => numericCompare(a.uname, b.uname))
    ws.nodeById.set(node.id, node)
    ws.nodeByName.set(node.uname, node)
  }
  rsc.isRemoteConnection = true
  node.remoteRsc = rsc
  node.unclean = ws.options.startupFencing
  node.unseen = true
  node.shutdown = true
}

/** Set by index.ts (needs resources.ts internals). */
export let makeOrphanPrimitive: (ws: WorkingSet, prim: M.Primitive, meta: Map<string, string>) => Rsc
export function setOrphanFactory(f: typeof makeOrphanPrimitive): void { makeOrphanPrimitive = f }

function cloneLocations(child: Rsc): SNode[] {
  return child.runningOn
}

function findInInstance(inst: Rsc, base: string): Rsc | undefined {
  for (const p of allPrimitives(inst)) if (p.id.replace(/:\d+$/, '') === base) return p
  return undefined
}

function findAnonymousClone(ws: WorkingSet, node: SNode, parent: Rsc, base: string): Rsc {
  let rsc: Rsc | undefined
  let inactive: Rsc | undefined
  let skipInactive = false
  for (const child of parent.children) {
    if (rsc) break
    const locs = cloneLocations(child)
    if (locs.length > 0) {
      if (locs[0] === node) {
        const r = findInInstance(child, base)
        if (r) {
          if (r.runningOn.length > 0) { skipInactive = true } else rsc = r
        }
      }
    } else if (!skipInactive && !inactive && !child.block) {
      inactive = findInInstance(child, base)
      if (inactive?.pendingNode && inactive.pendingNode !== node) inactive = undefined
    }
  }
  if (!rsc && !skipInactive && inactive) rsc = inactive
  // Without fencing, an unclean node should not use up an instance number (unless there is one per node anyway)
  if (rsc && rsc.needs !== 'fencing' && (!node.online || node.unclean) && parent.cloneMax !== ws.nodes.length) rsc = undefined
  if (!rsc) {
    // (its configuration looked up only here: history entries of clones are many, new instances few)
    const cloneCfg = ws.cib.resources.find((r) => r.id === parent.id) as M.Clone
    const inst = addCloneInstance(ws, parent, cloneCfg, parent.children.length)
    const mark = (r: Rsc) => { r.orphan = true; for (const c of r.children) mark(c) }
    if (parent.children.length > parent.cloneMax) mark(inst)
    initAllowed(ws, inst)
    rsc = findInInstance(inst, base)!
  }
  return rsc
}

/** Set by index.ts: fills allowed nodes for a newly created resource. */
export let initAllowed: (ws: WorkingSet, rsc: Rsc) => void = () => {}
export function setInitAllowed(f: typeof initAllowed): void { initAllowed = f }

function findResourceForHistory(ws: WorkingSet, node: SNode, id: string): Rsc | undefined {
  let rsc = ws.byId.get(id)
  let parent: Rsc | undefined
  if (!rsc || rsc.orphan && !rsc.configured) {
    const base = id.replace(/:\d+$/, '')
    const zero = ws.byId.get(`${base}:0`)
    // only an anonymous clone's instance stands for every instance number (unpack_find_resource)
    const top = zero && topParent(zero)
    if (zero && top?.variant === 'clone' && !top.unique) {
      rsc = zero
      parent = top
    } else if (!rsc) return undefined
  } else if (rsc.variant !== 'primitive') {
    return undefined
  } else {
    parent = topParent(rsc)
  }
  if (parent && parent.variant === 'clone' && !parent.unique && parent.parent?.bundle) {
    // a bundle's child: the instance of the replica whose guest node this is
    rsc = parent.parent.bundle.replicas.find((r) => r.node === node)?.child
    if (rsc && rsc.variant !== 'primitive') rsc = findInInstance(rsc, id.replace(/:\d+$/, ''))
    if (!rsc) return undefined
  } else if (parent && parent.variant === 'clone' && !parent.unique) {
    rsc = findAnonymousClone(ws, node, parent, id.replace(/:\d+$/, ''))
  }
  if (rsc && rsc.id !== id) rsc.cloneName = id
  return rsc
}

/**
 * handle_orphaned_container_fillers: an orphan whose history names its container (the
 * lrm_resource's container attribute) runs inside it; an orphaned connection that does makes its
 * remote node a guest node.
 */
function mapOrphanedContainerFillers(ws: WorkingSet, lrms: M.LrmResource[]): void {
  for (const lrm of lrms) {
    const containerId = lrm.otherAttributes?.container
    if (containerId === undefined) continue
    const container = ws.byId.get(containerId)
    const rsc = ws.orphans.find((r) => r.id === lrm.id)
    if (!container || !rsc || rsc.container) continue
    rsc.container = container
    ;(container.fillers ??= []).push(rsc)
    const node = rsc.isRemoteConnection ? ws.nodeByName.get(rsc.id) : undefined
    if (node?.remoteRsc === rsc) {
      node.guest = true
      node.attrs.set('#kind', 'container')
    }
  }
}

export function unpackStatus(ws: WorkingSet): void {
  for (const ns of ws.cib.status) unpackNodeState(ws, ns)
  const done = new Set<SNode>()
  // unpack_node_history: a remote node's history waits until its connection is known to run
  const pass = (fence: boolean): boolean => {
    let progress = false
    for (const ns of ws.cib.status) {
      const node = findNode(ws, ns.id, ns.uname)
      if (!node || done.has(node)) continue
      if (fence) { /* every remaining node */ } else if (node.guest) {
        if (node.remoteRsc?.role !== Role.Started || node.remoteRsc.container?.role !== Role.Started) continue
      } else if (node.remote) {
        if (!node.remoteRsc || (!ws.options.shutdownLock && node.remoteRsc.role !== Role.Started)) continue
      } else if (!ws.options.stonithEnabled && !ws.options.shutdownLock && !node.online) continue
      if (node.remote) {
        remoteOnlineStatus(node)
        node.remoteMaintenance = Math.max(0, parseInt(ns.attributes.node_in_maintenance ?? '0', 10) || 0)
        remoteAttributes(node, nvsetValues(ns.transientAttributes))
      }
      done.add(node)
      for (const lrm of ns.lrmResources) unpackLrmResource(ws, node, lrm)
      mapOrphanedContainerFillers(ws, ns.lrmResources)
      progress = true
    }
    return progress
  }
  while (pass(false)) { /* another pass: remote histories may depend on this one */ }
  pass(ws.options.stonithEnabled)
  for (const container of ws.stopNeeded ?? []) {
    const node = currentNode(container)
    if (node) stopAction(ws, container, node, false)
  }
  ws.stopNeeded = []
  for (const node of ws.nodes) {
    if (!node.remote) continue
    if (node.shutdown && node.remoteRsc) node.remoteRsc.nextRole = Role.Stopped
    if (!done.has(node)) remoteOnlineStatus(node)
  }
  for (const node of ws.nodes) { node.unpackedOnline = node.online; node.unpackedUnclean = node.unclean }
  // (the role too: printing the transition summary turns an active yet Stopped resource Started, as LogActions does)
  const snapshot = (r: Rsc) => { r.unpacked = {managed: r.managed, block: r.block, lockNode: r.lockNode, role: r.role}; r.children.forEach(snapshot) }
  ws.resources.forEach(snapshot)
}

// ------------------------------------------------------------ fail counts --

/**
 * Whether a failure of this resource on the node is one of an operation
 * with on-fail=block (such failures never expire: Pacemaker then drops the
 * resource's failure-timeout).
 */
function blockFailure(ws: WorkingSet, rsc: Rsc, node: SNode, e?: OpEntry): boolean {
  const base = rsc.id.replace(/:\d+$/, '')
  const matched = (conf: {name: string; intervalMs: number}, op: OpEntry) => {
    if (conf.intervalMs !== op.intervalMs || conf.name !== op.task) return false
    if (op.op.id === `${base}_last_failure_0`) return true
    return op.op.id === `${base}_${conf.name}_${conf.intervalMs}` && op.rc !== op.targetRc
  }
  for (const conf of rsc.prim?.operations ?? []) {
    if (conf.attributes['on-fail'] !== 'block') continue
    const c = {name: conf.name, intervalMs: intervalMs(conf.interval) ?? 0}
    if (e) {
      if (matched(c, e)) return true
      continue
    }
    const ns = ws.cib.status.find((x) => x.uname === node.uname)
    for (const lrm of ns?.lrmResources ?? []) {
      if (lrm.id !== base) continue
      for (const op of lrm.operations) if (op.operation === c.name && matched(c, toEntry(op))) return true
    }
  }
  return false
}

/** Sum of a resource's fail counts on a node (pe_get_failcount); `effective` drops expired ones. */
/** A node's fail-count and last-failure attribute names (most nodes have none: failCount is asked for every resource on every node). */
const failureKeysCache = new WeakMap<Map<string, string>, {size: number; keys: string[]}>()
function failureKeys(node: SNode): string[] {
  let cached = failureKeysCache.get(node.attrs)
  if (!cached || cached.size !== node.attrs.size) {
    cached = {size: node.attrs.size, keys: [...node.attrs.keys()].filter((k) => k.startsWith('fail-count-') || k.startsWith('last-failure-'))}
    failureKeysCache.set(node.attrs, cached)
  }
  return cached.keys
}

export function failCount(ws: WorkingSet, rsc: Rsc, node: SNode, effective = true, e?: OpEntry): number {
  const keys = failureKeys(node)
  if (keys.length === 0) return 0
  const base = rsc.unique ? rsc.id : rsc.id.replace(/:\d+$/, '')
  const attrs = keys.filter((k) => k.includes(base)).map((k): [string, string] => [k, node.attrs.get(k) ?? ''])
  if (attrs.length === 0) return 0
  let total = 0
  let lastFailure = 0
  const suffix = rsc.unique ? '' : '(:\\d+)?'
  const re = new RegExp(`^fail-count-${escapeRe(base)}${suffix}${operationPattern(ws)}$`)
  const lre = new RegExp(`^last-failure-${escapeRe(base)}${suffix}${operationPattern(ws)}$`)
  // The single per-resource fail count of Pacemaker <= 1.1.16 counts only for old CIBs
  const old = featureSetBefore(ws.cib.attributes.crm_feature_set, [3, 0, 13])
  const legacy = old ? new RegExp(`^fail-count-${escapeRe(base)}${suffix}$`) : null
  const legacyLast = old ? new RegExp(`^last-failure-${escapeRe(base)}${suffix}$`) : null
  for (const [k, v] of attrs) {
    if (re.test(k) || legacy?.test(k)) total = addScore(total, parseScoreText(v, 0))
    else if (lre.test(k) || legacyLast?.test(k)) lastFailure = Math.max(lastFailure, Number(v) || 0)
  }
  if (total > 0 && rsc.failureTimeoutMs > 0 && blockFailure(ws, rsc, node, e)) rsc.failureTimeoutMs = 0
  if (effective && total > 0 && lastFailure > 0 && rsc.failureTimeoutMs > 0 && ws.now > lastFailure * 1000 + rsc.failureTimeoutMs) return 0
  return total
}

/**
 * The operation part of fail-count/last-failure attribute names (generate_fail_regex): DCs before
 * crm_feature_set 3.0.13 kept one count per resource (no part), later ones one per operation —
 * only the naming of the CIB's feature set counts.
 */
function operationPattern(ws: WorkingSet): string {
  return featureSetBefore(ws.cib.attributes.crm_feature_set, [3, 0, 13]) ? '' : '#.+_\\d+'
}

function featureSetBefore(v: string | undefined, ref: number[]): boolean {
  if (!v) return true
  const p = v.split('.').map((x) => Number(x) || 0)
  for (let i = 0; i < ref.length; i++) {
    if ((p[i] ?? 0) !== ref[i]) return (p[i] ?? 0) < ref[i]
  }
  return false
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}


/** Any meta attribute provides=unfencing in the resources or rsc_defaults enables unfencing (XPATH_ENABLE_UNFENCING). */
function providesUnfencing(cib: M.Cib): boolean {
  const inSets = (sets: M.NvSet[]) => sets.some((s) => s.pairs.some((p) => p.name === 'provides' && p.value === 'unfencing'))
  const inResource = (r: M.Resource): boolean => inSets(r.metaAttributes)
    || (r.kind === 'group' && r.children.some(inResource)) || (r.kind === 'clone' && inResource(r.child))
  return cib.resources.some(inResource) || inSets(cib.rscDefaults)
    || cib.otherSections.some((s) => s.name === 'template' && /name="provides"\s+value="unfencing"|value="unfencing"\s+name="provides"/.test(s.xml))
}
