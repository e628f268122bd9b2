/**
 * From a scheduled graph action to the executor's OpRequest: the agent, its
 * instance attributes, the configured op (timeout, role, on-fail,
 * start-delay), the expected rc, clone and notification variables — what
 * Pacemaker's controller puts in a graph synapse's <attributes>.
 */
import type * as M from '../../formats/cib/model.js'
import {cloneOf, nvsetValues, resourceParams} from '../scheduler/resources.js'
import {intervalMs} from '../scheduler/scores.js'
import {type OpConfig, type Rsc, Role, type WorkingSet} from '../scheduler/types.js'
import type {NotifyInfo, NotifySet, OpRequest, ResourceClass} from '../executor/types.js'

export const DEFAULT_OP_TIMEOUT_MS = 20_000

/** The id the operation history uses: the primitive id, with `:N` only for globally unique clones. */
export function historyId(rsc: Rsc): string {
  const clone = cloneOf(rsc)
  if (clone && !clone.unique) return rsc.id.replace(/:\d+$/, '')
  return rsc.id
}

/** The configured <op> for task+interval (for monitors, the role-specific one if any). */
export function findOpConfig(rsc: Rsc, task: string, interval: number): OpConfig | undefined {
  return rsc.ops.find((o) => o.name === task && o.intervalMs === interval)
}

function findOpElement(prim: M.Primitive | undefined, task: string, interval: number): M.Operation | undefined {
  return prim?.operations.find((o) => o.name === task && (intervalMs(o.interval) ?? 0) === interval)
}

/** The operation's timeout (ms): its <op> (or op_defaults), probes the shortest recurring monitor's, else 20 s. */
export function opTimeoutMs(ws: WorkingSet, rsc: Rsc, task: string, interval: number): number {
  const own = findOpConfig(rsc, task, interval)?.timeout
  if (own !== undefined) return intervalMs(own) ?? DEFAULT_OP_TIMEOUT_MS
  if (task === 'monitor' && interval === 0) {
    const monitors = rsc.ops.filter((o) => o.name === 'monitor' && o.intervalMs > 0 && o.enabled).sort((a, b) => a.intervalMs - b.intervalMs)
    if (monitors[0]?.timeout !== undefined) return intervalMs(monitors[0].timeout) ?? DEFAULT_OP_TIMEOUT_MS
  }
  const dflt = nvsetValues(ws.cib.opDefaults).get('timeout')
  return intervalMs(dflt) ?? DEFAULT_OP_TIMEOUT_MS
}

/** The rc the controller expects: 7 for probes, 8 for role=Promoted monitors, else 0. */
export function targetRc(rsc: Rsc, task: string, interval: number): number {
  if (task === 'monitor' && interval === 0) return 7
  if (task === 'monitor' && findOpConfig(rsc, task, interval)?.role === Role.Promoted) return 8
  return 0
}

/** The on-fail that applies to a failed operation (reference §3.7). */
export function onFailFor(ws: WorkingSet, rsc: Rsc, task: string, interval: number): string {
  const own = findOpConfig(rsc, task, interval)?.onFail
  if (own !== undefined) return own === 'nothing' ? 'ignore' : own
  if (task === 'stop') return ws.options.stonithEnabled ? 'fence' : 'block'
  return 'restart'
}

/**
 * The resource's instance attributes on that node as the scheduler reads them (rules evaluated,
 * group/clone sets inherited) — the same values its op-digest check is computed from.
 */
export function instanceParams(ws: WorkingSet, rsc: Rsc, node: string): Record<string, string> {
  return Object.fromEntries(resourceParams(ws, rsc, ws.nodeByName.get(node) ?? null))
}

/** An OpRequest for a resource action of the graph. */
export function opRequest(ws: WorkingSet, rsc: Rsc, task: string, interval: number, node: string, key: string, notify?: NotifyInfo): OpRequest {
  const prim = rsc.prim
  const opEl = findOpElement(prim, task, interval)
  const opMeta: Record<string, string> = {}
  if (opEl) {
    opMeta.name = opEl.name
    for (const [k, v] of Object.entries(opEl.attributes)) if (k !== 'id' && k !== 'name' && k !== 'interval' && k !== 'timeout') opMeta[k] = v
    for (const [k, v] of nvsetValues(opEl.metaAttributes)) if (k !== 'timeout') opMeta[k] = v
  }
  // the op's own instance attributes are parameters of that operation, over the resource's
  // (Pacemaker's action->extra; OCF_CHECK_LEVEL is exported without the OCF_RESKEY_ prefix)
  const opParams = opEl ? nvsetValues(opEl.instanceAttributes) : new Map<string, string>()
  const checkLevel = opParams.get('OCF_CHECK_LEVEL')
  opParams.delete('OCF_CHECK_LEVEL')
  const startDelay = intervalMs(opMeta['start-delay'])
  const clone = cloneOf(rsc)
  const nodeId = ws.nodeByName.get(node)?.id ?? node
  const req: OpRequest = {
    rscId: historyId(rsc),
    agent: {class: (prim?.class ?? rsc.cls) as ResourceClass, ...(prim?.provider !== undefined ? {provider: prim.provider} : {}), type: prim?.type ?? rsc.type},
    action: task,
    intervalMs: interval,
    timeoutMs: opTimeoutMs(ws, rsc, task, interval),
    params: {...instanceParams(ws, rsc, node), ...Object.fromEntries(opParams)},
    node: {name: node, id: nodeId},
    transitionKey: key,
    targetRc: targetRc(rsc, task, interval),
  }
  if (startDelay !== undefined && startDelay > 0) req.startDelayMs = startDelay
  if (Object.keys(opMeta).length > 0) req.opMeta = opMeta
  if (checkLevel !== undefined) req.checkLevel = checkLevel
  if (clone) {
    req.clone = {
      instance: rsc.instance ?? Number(/:(\d+)$/.exec(rsc.id)?.[1] ?? 0), cloneMax: clone.cloneMax, cloneNodeMax: clone.cloneNodeMax,
      globallyUnique: clone.unique, notify: clone.notify === true,
      ...(clone.promotable ? {promotedMax: clone.promotedMax, promotedNodeMax: clone.promotedNodeMax} : {}),
    }
  }
  if (notify) req.notify = notify
  return req
}

const NOTIFY_SETS: ReadonlySet<string> = new Set<NotifySet>(['active', 'inactive', 'available', 'all', 'start', 'stop', 'promote', 'demote', 'promoted', 'unpromoted', 'master', 'slave'])

/**
 * The notification data of a graph action (its notify_* meta-attributes, as the scheduler made
 * them) in the executor's terms: type and operation for a notify action, the instance and node
 * lists (`notify_<set>_resource` / `_uname`, " " when empty) for every notified operation —
 * exactly the variables the graph gives, no more.
 */
export function notifyInfoFromMeta(meta: Record<string, string>): NotifyInfo {
  const sets: NotifyInfo['sets'] = {}
  for (const [name, value] of Object.entries(meta)) {
    const m = /^notify_([a-z]+)_(resource|uname)$/.exec(name)
    if (!m || !NOTIFY_SETS.has(m[1])) continue
    const set = (sets[m[1] as NotifySet] ??= {})
    const items = value.trim() === '' ? [] : value.trim().split(/\s+/)
    if (m[2] === 'resource') set.resources = items
    else set.unames = items
  }
  const info: NotifyInfo = {sets, onlyListed: true}
  const type = meta.notify_type
  const operation = meta.notify_operation
  if (type === 'pre' || type === 'post') info.type = type
  if (operation === 'start' || operation === 'stop' || operation === 'promote' || operation === 'demote') info.operation = operation
  if (meta.notify_key_type !== undefined) info.keyType = meta.notify_key_type
  if (meta.notify_key_operation !== undefined) info.keyOperation = meta.notify_key_operation
  if (meta.notify_all_hosts !== undefined) info.allHosts = meta.notify_all_hosts.trim() === '' ? [] : meta.notify_all_hosts.trim().split(/\s+/)
  return info
}

/**
 * Recurring monitors that should be running and are not: for each active
 * primitive the graph leaves in place on its node, the configured monitors
 * for its current role that the node's executor does not run. (Pacemaker's
 * scheduler makes a monitor missing from the history mandatory; hakit's
 * scheduler only schedules monitors together with a start or promote, so an
 * aborted transition could leave a resource unmonitored.)
 */
export function missingMonitors(
  ws: WorkingSet, graph: ReadonlyArray<{resource: string | null; node: string | null}>, running: (node: string, rscId: string, key: string) => boolean,
): Array<{rsc: Rsc; node: string; intervalMs: number}> {
  const touched = new Set(graph.filter((g) => g.resource && g.node).map((g) => `${g.resource}@${g.node}`))
  const out: Array<{rsc: Rsc; node: string; intervalMs: number}> = []
  for (const rsc of ws.byId.values()) {
    if (rsc.variant !== 'primitive' || !rsc.managed || rsc.block || rsc.runningOn.length !== 1) continue
    const node = rsc.runningOn[0]
    if (!node.online || node.unclean || rsc.allocatedTo !== node || touched.has(`${rsc.id}@${node.uname}`)) continue
    if (rsc.nextRole !== Role.Unknown && rsc.nextRole !== rsc.role) continue
    for (const op of rsc.ops) {
      if (op.name !== 'monitor' || op.intervalMs === 0 || !op.enabled || op.role === Role.Stopped) continue
      const fits = rsc.role === Role.Promoted ? op.role === Role.Promoted
        : rsc.role === Role.Unpromoted ? op.role === Role.Unpromoted || op.role === Role.Unknown || op.role === Role.Started
          : op.role === Role.Unknown || op.role === Role.Started
      if (!fits) continue
      if (!running(node.uname, historyId(rsc), `monitor_${op.intervalMs}`)) out.push({rsc, node: node.uname, intervalMs: op.intervalMs})
    }
  }
  return out
}
