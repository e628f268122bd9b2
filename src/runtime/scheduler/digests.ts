/**
 * Configuration changes since an operation ran (pe_digest.c, pcmk__check_action_config,
 * pcmk__handle_rsc_config_changes): the parameters an operation ran with are recorded as MD5
 * digests; when today's configuration gives another digest, the resource is restarted
 * ("resource definition change"), or reloaded when its agent supports reload and no
 * restart-relevant parameter changed.
 */
import {createHash} from 'node:crypto'
import type * as M from '../../formats/cib/model.js'
import {cancelAction, clearFailcount, customAction} from './actions.js'
import {bundleRemoteName, needsBundleRemoteName} from './bundle.js'
import {failCount, historyForConfigCheck} from './unpack.js'
import {triggerUnfencing} from './fencing.js'
import {newOrdering} from './constraints.js'
import {nvsetValues, resourceParams} from './resources.js'
import {intervalMs} from './scores.js'
import {O, type Rsc, type SNode, type WorkingSet} from './types.js'

function escapeAttr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** calculate_operation_digest: MD5 of the sorted <parameters/> element as Pacemaker prints it */
export function operationDigest(params: Map<string, string>): string {
  const attrs = [...params.keys()].sort().map((k) => ` ${k}="${escapeAttr(params.get(k)!)}"`).join('')
  const text = ` <parameters${attrs}/>\n`
  // many operations share their parameters (a resource's history on every node, resources of one
  // agent): each text is hashed once
  let digest = digestMemo.get(text)
  if (digest === undefined) {
    if (digestMemo.size >= 4096) digestMemo.clear()
    digestMemo.set(text, digest = createHash('md5').update(text).digest('hex'))
  }
  return digest
}
const digestMemo = new Map<string, string>()


/** The parameters an operation is digested over (calculate_main_digest, pcmk__filter_op_for_digest). */
function digestParams(ws: WorkingSet, rsc: Rsc, node: SNode, task: string, interval: number): Map<string, string> {
  const params = resourceParams(ws, rsc, node)
  // a bundle's connection without an address of its own is reached at its container's host
  const host = bundleRemoteName(rsc)
  if (host !== undefined) params.set('addr', host)
  const opCfg = rsc.prim?.operations.find((o) => o.name === task && (intervalMs(o.interval) ?? 0) === interval)
  if (opCfg) for (const [k, v] of nvsetValues(opCfg.instanceAttributes)) params.set(k, v)
  for (const k of [...params.keys()]) if (k.startsWith('CRM_meta_')) params.delete(k)
  if (interval > 0) {
    // recurring operations keep their timeout in the digest
    const cfg = rsc.ops.find((o) => o.name === task && o.intervalMs === interval)
    const timeout = cfg?.timeout ?? nvsetValues(ws.cib.opDefaults).get('timeout') ?? '20s'
    params.set('CRM_meta_timeout', String(intervalMs(timeout) ?? 20000))
  }
  return params
}

/** The op-digest the controller records for an operation run with today's configuration. */
export function recordedOpDigest(ws: WorkingSet, rsc: Rsc, node: SNode, task: string, interval: number): string {
  return operationDigest(digestParams(ws, rsc, node, task, interval))
}

type DigestResult = 'match' | 'restart' | 'all' | 'unknown'

function versionBelow(v: string, than: string): boolean {
  const a = v.split('.').map(Number)
  const b = than.split('.').map(Number)
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0)
  }
  return false
}

/** Pacemaker's own fencing parameters (pcmk_stonith_param) */
function isFenceParam(name: string): boolean {
  if (name === 'provides' || name === 'stonith-timeout') return true
  if (!name.startsWith('pcmk_')) return false
  if (['pcmk_action_limit', 'pcmk_delay_base', 'pcmk_delay_max', 'pcmk_host_argument', 'pcmk_host_check', 'pcmk_host_list', 'pcmk_host_map'].includes(name)) return true
  const rest = name.slice(5)
  const i = rest.indexOf('_')
  return i >= 0 && ['_action', '_timeout', '_retries'].includes(rest.slice(i))
}

/**
 * calculate_secure_digest: the digest without the sensitive parameters. crm_simulate works on
 * sanitized CIBs, so a change that leaves this digest equal is no change.
 */
function secureDigestMatches(ws: WorkingSet, rsc: Rsc, node: SNode, op: M.LrmOperation, all: Map<string, string>, interval: number): boolean {
  const recorded = op.attributes['op-secure-digest']
  if (recorded === undefined) return false
  const version = op.attributes.crm_feature_set ?? ws.cib.attributes.crm_feature_set ?? '3.16.2'
  const old = versionBelow(version, '3.16.0')
  const secure = old ? resourceParams(ws, rsc, node) : new Map(all)
  const list = op.attributes['op-secure-params']
  if (list !== undefined) for (const k of [...secure.keys()]) if (list.includes(` ${k} `)) secure.delete(k)
  if (old && rsc.cls === 'stonith') for (const k of [...secure.keys()]) if (isFenceParam(k)) secure.delete(k)
  for (const k of [...secure.keys()]) if (k.startsWith('CRM_meta_') && !(k === 'CRM_meta_timeout' && interval > 0 && !old)) secure.delete(k)
  return operationDigest(secure) === recorded
}

/** The parameters of the restart digest: those op-force-restart names (all of them without it). */
function restartParams(all: Map<string, string>, keep: string | undefined): Map<string, string> {
  const restart = new Map(all)
  if (keep !== undefined) for (const k of [...restart.keys()]) if (!keep.includes(` ${k} `)) restart.delete(k)
  return restart
}

/**
 * rsc_action_digest_cmp; with `sanitizedOnly`, a change only in private parameters (the secure
 * digest still matches) counts as none, as pcmk__check_action_config's only_sanitized_changed does.
 */
function compareDigests(ws: WorkingSet, rsc: Rsc, node: SNode, op: M.LrmOperation, sanitizedOnly = true): DigestResult {
  if (ws.rescheduleAfterFailureTimeout?.has(op)) return 'restart'
  const a = op.attributes
  const task = a.operation ?? op.operation
  const interval = Number(a.interval ?? 0)
  const all = digestParams(ws, rsc, node, task, interval)
  const opCfg = rsc.prim?.operations.find((o) => o.name === task && (intervalMs(o.interval) ?? 0) === interval)
  const hasExtra = interval === 0 && opCfg !== undefined && nvsetValues(opCfg.instanceAttributes).size > 0
  let result: DigestResult = 'match'
  const recordedRestart = a['op-restart-digest']
  const recorded = a['op-digest']
  if (recordedRestart !== undefined && operationDigest(restartParams(all, a['op-force-restart'])) !== recordedRestart) result = 'restart'
  else if (recorded === undefined) result = 'unknown'
  else if (recorded !== operationDigest(all)) result = hasExtra ? 'restart' : 'all'
  if (sanitizedOnly && result !== 'match' && secureDigestMatches(ws, rsc, node, op, all, interval)) return 'match'
  return result
}

/** calculate_active_ops: indexes of the last start and last successful stop */
function activeOps(ops: M.LrmOperation[]): {start: number; stop: number} {
  let start = -1
  let stop = -1
  let impliedMonitorStart = -1
  let impliedCloneStart = -1
  ops.forEach((op, i) => {
    const task = op.attributes.operation ?? op.operation
    const status = op.attributes['op-status']
    if (task === 'stop' && status === '0') stop = i
    else if (task === 'start' || task === 'migrate_from') start = i
    else if (impliedMonitorStart <= stop && task === 'monitor') {
      if (['0', '8'].includes(op.attributes['rc-code'] ?? '')) impliedMonitorStart = i
    } else if (task === 'promote' || task === 'demote') impliedCloneStart = i
  })
  if (start === -1) start = impliedCloneStart !== -1 ? impliedCloneStart : impliedMonitorStart
  return {start, stop}
}

/** pcmk__schedule_cancel: stop a recurring operation on a node, after any stop there */
function scheduleCancel(ws: WorkingSet, rsc: Rsc, task: string, interval: number, node: SNode): void {
  const cancel = cancelAction(ws, rsc, task, interval, node)
  newOrdering(ws, {rsc, task: 'stop'}, {action: cancel}, O.optional)
}

/** force_restart: the operation (a start, usually) is required again */
function forceRestart(ws: WorkingSet, rsc: Rsc, task: string, interval: number, node: SNode): void {
  const a = customAction(ws, rsc, task, null, false, interval)
  a.reason = 'resource definition change'
  triggerUnfencing(ws, rsc, node, 'Device parameters changed')
}

/** schedule_reload */
function scheduleReload(ws: WorkingSet, rsc: Rsc, node: SNode): void {
  if (!rsc.managed || rsc.failed) return
  if (rsc.pendingNode || rsc.startPending) {
    customAction(ws, rsc, 'stop', node, false)
    return
  }
  rsc.reload = true
  const reload = customAction(ws, rsc, 'reload-agent', node, false)
  if (reload.reason === undefined) reload.reason = 'resource definition change'
  newOrdering(ws, {action: reload}, {rsc, task: 'stop'}, O.optional | O.thenCancelsFirst)
  newOrdering(ws, {action: reload}, {rsc, task: 'demote'}, O.optional | O.thenCancelsFirst)
}

/** Whether pcmk__check_action_config reports a change: a recurring operation no longer configured, or other digests. */
function definitionChanged(ws: WorkingSet, rsc: Rsc, node: SNode, op: M.LrmOperation): boolean {
  const task = op.attributes.operation ?? op.operation
  const interval = Number(op.attributes.interval ?? 0)
  if (interval > 0 && !rsc.ops.some((o) => o.name === task && o.intervalMs === interval && o.enabled)) return true
  return compareDigests(ws, rsc, node, op) !== 'match'
}

/** pcmk__check_action_config */
function checkActionConfig(ws: WorkingSet, rsc: Rsc, node: SNode, op: M.LrmOperation): void {
  const task = op.attributes.operation ?? op.operation
  const interval = Number(op.attributes.interval ?? 0)
  if (interval > 0 && !rsc.ops.some((o) => o.name === task && o.intervalMs === interval && o.enabled)) {
    // a recurring operation no longer configured (or disabled) is cancelled
    if (ws.options.stopOrphanActions) scheduleCancel(ws, rsc, task, interval, node)
    return
  }
  const digestTask = interval === 0 && ['monitor', 'migrate_from', 'promote'].includes(task) ? 'start' : task
  switch (compareDigests(ws, rsc, node, op)) {
    case 'restart':
      forceRestart(ws, rsc, digestTask, interval, node)
      break
    case 'all': case 'unknown':
      if (interval > 0) {
        // recurring operations are just rescheduled, so that the next run uses the new parameters
        triggerUnfencing(ws, rsc, node, 'Device parameters changed (reschedule)')
        customAction(ws, rsc, task, node, true, interval).reschedule = true
        break
      }
      if (op.attributes['op-restart-digest'] !== undefined) {
        triggerUnfencing(ws, rsc, node, 'Device parameters changed (reload)')
        scheduleReload(ws, rsc, node)
      }
      else forceRestart(ws, rsc, digestTask, interval, node)
      break
    default:
  }
}

/** pcmk__rsc_agent_changed: a resource whose class, provider or type changed is restarted */
function agentChanged(ws: WorkingSet, rsc: Rsc, node: SNode, lrm: M.LrmResource, active: boolean): boolean {
  if (rsc.cls === lrm.class && (rsc.provider ?? '') === (lrm.provider ?? '') && rsc.type === lrm.type) return false
  triggerUnfencing(ws, rsc, node, 'Device definition changed')
  if (!active) return true
  customAction(ws, rsc, 'stop', node, false)
  rsc.startPending = true
  return true
}

/** pcmk__schedule_cleanup: forget the resource's history on a node (the executor's delete), after its stop there, before a start */
function scheduleCleanup(ws: WorkingSet, rsc: Rsc, node: SNode): void {
  if (rsc.failed || node.unclean || !node.online) return
  customAction(ws, rsc, 'delete', node, false)
  newOrdering(ws, {rsc, task: 'stop'}, {rsc, task: 'delete'}, O.optional)
  newOrdering(ws, {rsc, task: 'delete'}, {rsc, task: 'start'}, O.optional)
}

function processRscHistory(ws: WorkingSet, rsc: Rsc, node: SNode, lrm: M.LrmResource): void {
  if (rsc.orphan) {
    // an orphan's history is cleaned up, except an anonymous clone instance's
    let top = rsc
    while (top.parent) top = top.parent
    if (!(top.variant === 'clone' && !top.unique)) scheduleCleanup(ws, rsc, node)
    return
  }
  if (!rsc.runningOn.includes(node)) {
    if (agentChanged(ws, rsc, node, lrm, false)) scheduleCleanup(ws, rsc, node)
    return
  }
  if (agentChanged(ws, rsc, node, lrm, true)) scheduleCleanup(ws, rsc, node)
  const ops = historyForConfigCheck(lrm.operations)
  const {start, stop} = activeOps(ops)
  if (start < stop) return
  ops.forEach((op, i) => {
    if (i < start) return
    const task = op.attributes.operation ?? op.operation
    const interval = Number(op.attributes.interval ?? 0)
    if (interval > 0 && (rsc.maintenance || node.maintenance)) {
      // maintenance mode cancels recurring operations
      scheduleCancel(ws, rsc, task, interval, node)
      return
    }
    if (interval > 0 || ['monitor', 'start', 'promote', 'migrate_from'].includes(task)) {
      // the host's name is known only once resources are assigned
      if (needsBundleRemoteName(ws, rsc)) (ws.deferredParamChecks ??= []).push({rsc, node, op})
      else checkActiveOp(ws, rsc, node, op)
    }
  })
}

/** check_params(pe_check_active): the configuration check, and a fail count from before an operation's definition changed is cleared */
function checkActiveOp(ws: WorkingSet, rsc: Rsc, node: SNode, op: M.LrmOperation): void {
  checkActionConfig(ws, rsc, node, op)
  if (failCount(ws, rsc, node) !== 0 && definitionChanged(ws, rsc, node, op)) clearFailcount(ws, rsc, node)
}

/** The checks deferred until resources are assigned (pe__foreach_param_check, check_params). */
export function runDeferredParamChecks(ws: WorkingSet): void {
  for (const {rsc, node, op, lastFailure} of ws.deferredParamChecks ?? []) {
    if (!lastFailure) checkActiveOp(ws, rsc, node, op)
    else if (lastFailureParamsChanged(ws, rsc, node, op)) clearFailcount(ws, rsc, node)
  }
  ws.deferredParamChecks = []
}

function primitives(rsc: Rsc, out: Rsc[] = []): Rsc[] {
  if (rsc.variant === 'primitive') out.push(rsc)
  for (const c of rsc.children) primitives(c, out)
  return out
}

/** pcmk__handle_rsc_config_changes */
export function handleRscConfigChanges(ws: WorkingSet, nodeAvailable: (n: SNode) => boolean): void {
  // pcmk__rscs_matching_id: by id or by the id the history uses (clone_name)
  const byHistoryId = new Map<string, Rsc[]>()
  const add = (id: string, r: Rsc) => { const l = byHistoryId.get(id); if (l) { if (!l.includes(r)) l.push(r) } else byHistoryId.set(id, [r]) }
  for (const rsc of ws.resources.flatMap((r) => primitives(r))) {
    add(rsc.id, rsc)
    if (rsc.cloneName) add(rsc.cloneName, rsc)
  }
  const statusByNode = new Map<string, M.NodeState>()
  for (const s of ws.cib.status) { statusByNode.set(s.id, s); if (s.uname) statusByNode.set(s.uname, s) }
  for (const node of ws.nodes) {
    if (!node.maintenance && !nodeAvailable(node)) continue
    const ns = statusByNode.get(node.id) ?? statusByNode.get(node.uname)
    for (const lrm of ns?.lrmResources ?? []) {
      if (lrm.operations.length === 0) continue
      for (const rsc of byHistoryId.get(lrm.id) ?? []) processRscHistory(ws, rsc, node, lrm)
    }
  }
}


/** should_clear_for_param_change: a start or monitor failure recorded with other parameters */
export function lastFailureParamsChanged(ws: WorkingSet, rsc: Rsc, node: SNode, op: M.LrmOperation): boolean {
  const task = op.attributes.operation ?? op.operation
  if (task !== 'start' && task !== 'monitor') return false
  // rsc_action_digest_cmp alone: the sanitized-only allowance is pcmk__check_action_config's, not check_operation_expiry's
  const result = compareDigests(ws, rsc, node, op, false)
  return result === 'restart' || result === 'all'
}

/**
 * Whether a last failure's fail count is to be cleared now (should_clear_for_param_change); a
 * bundle connection addressed by its host's name is checked once resources are assigned
 * (runDeferredParamChecks), and answers false here.
 */
export function shouldClearForParamChange(ws: WorkingSet, rsc: Rsc, node: SNode, op: M.LrmOperation): boolean {
  const task = op.attributes.operation ?? op.operation
  if (task !== 'start' && task !== 'monitor') return false
  if (needsBundleRemoteName(ws, rsc)) {
    (ws.deferredParamChecks ??= []).push({rsc, node, op, lastFailure: true})
    return false
  }
  return lastFailureParamsChanged(ws, rsc, node, op)
}
