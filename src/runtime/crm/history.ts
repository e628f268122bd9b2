/**
 * The status section as the DC writes it: `lrm_rsc_op` history entries,
 * node_state attributes and transient node attributes, in exactly the shape
 * Pacemaker 2.1.5 writes them (reference §3.2, §3.3, §1.9), so the scheduler,
 * `hakit crm simulate` and Pacemaker's own tools read a hakit CIB correctly.
 *
 * Everything here is pure; applyStatusChanges edits the CIB model it is given.
 */
import {createHash} from 'node:crypto'
import type * as M from '../../formats/cib/model.js'
import type {LrmResourceRef, StatusChange} from './controller-types.js'
import {CRM_FEATURE_SET} from '../../formats/cib/model.js'
import {ExecStatus, type AgentRef, type OpResult} from '../executor/types.js'

export {CRM_FEATURE_SET}

/** `<rsc>_<task>_<interval ms>` — Pacemaker's operation key. */
export function operationKey(rscId: string, task: string, intervalMs: number): string {
  return `${rscId}_${task}_${intervalMs}`
}

/** `action-id:transition-id:target-rc:controller-uuid`. */
export function transitionKey(actionId: number, transitionId: number, targetRc: number, uuid: string): string {
  return `${actionId}:${transitionId}:${targetRc}:${uuid}`
}

export function parseTransitionKey(key: string | undefined): {actionId: number; transitionId: number; targetRc: number; uuid: string} | undefined {
  const m = /^(-?\d+):(-?\d+):(-?\d+):(.*)$/.exec(key ?? '')
  if (!m) return undefined
  return {actionId: Number(m[1]), transitionId: Number(m[2]), targetRc: Number(m[3]), uuid: m[4]}
}

function escapeXmlAttr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/**
 * op-digest as Pacemaker computes it: MD5 of `" " + <parameters …/> + "\n"`, the
 * instance attributes sorted by name, plus CRM_meta_timeout for recurring ops only.
 */
export function opDigest(params: Record<string, string>, intervalMs: number, timeoutMs: number): string {
  const all: Record<string, string> = {...params}
  if (intervalMs > 0) all.CRM_meta_timeout = String(timeoutMs)
  const names = Object.keys(all).sort()
  const attrs = names.map((n) => ` ${n}="${escapeXmlAttr(all[n])}"`).join('')
  return createHash('md5').update(` <parameters${attrs}/>\n`).digest('hex')
}

/** History entry ids: `_last_0` for one-shot ops, `_<task>_<interval>` for recurring ones. */
export function historyOpId(rscId: string, task: string, intervalMs: number): string {
  return intervalMs > 0 ? operationKey(rscId, task, intervalMs) : `${rscId}_last_0`
}

export interface HistoryInput {
  rscId: string
  node: string
  task: string
  intervalMs: number
  transitionKey: string
  callId: number
  rc: number
  opStatus: number
  exitReason: string
  lastRcChange: number
  lastRun?: number
  execTimeMs: number
  queueTimeMs: number
  opDigest: string
  opRestartDigest?: string
  opForceRestart?: string
  opSecureParams?: string
  opSecureDigest?: string
}

/** One lrm_rsc_op with the attribute order Pacemaker writes. */
export function historyEntry(h: HistoryInput, id = historyOpId(h.rscId, h.task, h.intervalMs)): M.LrmOperation {
  const a: Record<string, string> = {
    id,
    operation_key: operationKey(h.rscId, h.task, h.intervalMs),
    operation: h.task,
    'crm-debug-origin': 'do_update_resource',
    crm_feature_set: CRM_FEATURE_SET,
    'transition-key': h.transitionKey,
    'transition-magic': `${h.opStatus}:${h.rc};${h.transitionKey}`,
    'exit-reason': h.exitReason,
    on_node: h.node,
    'call-id': String(h.callId),
    'rc-code': String(h.rc),
    'op-status': String(h.opStatus),
    interval: String(h.intervalMs),
    'last-rc-change': String(h.lastRcChange),
    'exec-time': String(h.execTimeMs),
    'queue-time': String(h.queueTimeMs),
    'op-digest': h.opDigest,
  }
  if (h.opForceRestart !== undefined) a['op-force-restart'] = h.opForceRestart
  if (h.opRestartDigest !== undefined) a['op-restart-digest'] = h.opRestartDigest
  if (h.opSecureParams !== undefined) a['op-secure-params'] = h.opSecureParams
  if (h.opSecureDigest !== undefined) a['op-secure-digest'] = h.opSecureDigest
  return {id, operation: h.task, attributes: a}
}

/** The entry written before the agent runs when record-pending is on (rc 193, op-status -1, call-id -1). */
export function pendingEntry(rscId: string, node: string, task: string, intervalMs: number, key: string, digest: string, nowSec: number): M.LrmOperation {
  return historyEntry({
    rscId, node, task, intervalMs, transitionKey: key, callId: -1, rc: 193, opStatus: ExecStatus.Pending, exitReason: '',
    lastRcChange: nowSec, execTimeMs: 0, queueTimeMs: 0, opDigest: digest,
  })
}

export function entryFromResult(r: OpResult, node: string, key: string): HistoryInput {
  return {
    rscId: r.rscId, node, task: r.action, intervalMs: r.intervalMs, transitionKey: key, callId: r.callId, rc: r.rc,
    opStatus: r.status, exitReason: r.exitReason, lastRcChange: r.lastRcChange, lastRun: r.lastRun, execTimeMs: r.execTimeMs,
    queueTimeMs: r.queueTimeMs, opDigest: r.opDigest, opRestartDigest: r.opRestartDigest, opForceRestart: r.opForceRestart,
    opSecureParams: r.opSecureParams, opSecureDigest: r.opSecureDigest,
  }
}

/**
 * The history entries one result writes: its own (`rsc_last_0`, or the recurring operation's) and, when
 * it failed (not done, or not the rc the transition key expected), `rsc_last_failure_0` as well.
 */
export function resultEntries(r: OpResult, node: string, key: string, opts: {fallbackDigest?: string; extra?: Record<string, string>} = {}): M.LrmOperation[] {
  const input = entryFromResult(r, node, key)
  if (!input.opDigest) input.opDigest = opts.fallbackDigest ?? ''
  const target = r.targetRc ?? parseTransitionKey(key)?.targetRc ?? 0
  const failed = r.status !== ExecStatus.Done || normalisedRc(r.action, r.rc) !== target
  const entries = [historyEntry(input), ...(failed ? [historyEntry(input, `${r.rscId}_last_failure_0`)] : [])]
  for (const e of entries) Object.assign(e.attributes, opts.extra)
  return entries
}

/** The <lrm_resource> identity of an operation's resource: its history id and agent. */
export function lrmResourceRef(id: string, agent: AgentRef): LrmResourceRef {
  return {id, class: agent.class, ...(agent.provider !== undefined ? {provider: agent.provider} : {}), type: agent.type}
}

/** fail-count-<rsc>#<task>_<interval> and last-failure-… (reference §3.3). */
export function failCountName(rscId: string, task: string, intervalMs: number): string {
  return `fail-count-${rscId}#${task}_${intervalMs}`
}

export function lastFailureName(rscId: string, task: string, intervalMs: number): string {
  return `last-failure-${rscId}#${task}_${intervalMs}`
}

// ---------------------------------------------------------------------------
// Applying changes to a CIB model (the daemon uses this too, after replication)

export function nodeIdOf(cib: M.Cib, uname: string): string {
  return cib.nodes.find((n) => n.uname === uname)?.id ?? cib.status.find((s) => s.uname === uname)?.id ?? uname
}

export function findNodeState(cib: M.Cib, uname: string): M.NodeState | undefined {
  const id = cib.nodes.find((n) => n.uname === uname)?.id
  return cib.status.find((s) => s.uname === uname || (id !== undefined && s.id === id))
}

export function ensureNodeState(cib: M.Cib, uname: string): M.NodeState {
  let ns = findNodeState(cib, uname)
  if (!ns) {
    const id = nodeIdOf(cib, uname)
    ns = {id, uname, attributes: {id, uname}, transientAttributes: [], lrmResources: []}
    cib.status.push(ns)
  }
  return ns
}

export function getTransientAttr(cib: M.Cib, uname: string, name: string): string | undefined {
  const ns = findNodeState(cib, uname)
  if (!ns) return undefined
  for (const s of ns.transientAttributes) for (const p of s.pairs) if (p.name === name) return p.value
  return undefined
}

export function transientAttrs(cib: M.Cib, uname: string): Map<string, string> {
  const out = new Map<string, string>()
  const ns = findNodeState(cib, uname)
  for (const s of ns?.transientAttributes ?? []) for (const p of s.pairs) if (p.value !== undefined && !out.has(p.name)) out.set(p.name, p.value)
  return out
}

/** nvpair ids as attrd writes them: status-<node id>-<name> with '#' replaced by '.'. */
export function transientAttrId(nodeId: string, name: string): string {
  return `status-${nodeId}-${name.replace(/#/g, '.')}`
}

/** Sets (value) or deletes (null) one transient attribute in the status section. Returns whether it changed. */
export function setTransientAttr(cib: M.Cib, uname: string, name: string, value: string | null): boolean {
  const ns = value === null ? findNodeState(cib, uname) : ensureNodeState(cib, uname)
  if (!ns) return false
  if (value === null) {
    let changed = false
    for (const s of ns.transientAttributes) {
      const before = s.pairs.length
      s.pairs = s.pairs.filter((p) => p.name !== name)
      changed ||= s.pairs.length !== before
    }
    return changed
  }
  if (ns.transientAttributes.length === 0) ns.transientAttributes.push({id: `status-${ns.id}`, pairs: []})
  for (const s of ns.transientAttributes) {
    const p = s.pairs.find((x) => x.name === name)
    if (p) {
      if (p.value === value) return false
      p.value = value
      return true
    }
  }
  ns.transientAttributes[0].pairs.push({id: transientAttrId(ns.id, name), name, value})
  return true
}

function lrmResource(ns: M.NodeState, ref: LrmResourceRef): M.LrmResource {
  let r = ns.lrmResources.find((x) => x.id === ref.id)
  if (!r) {
    r = {id: ref.id, class: ref.class, ...(ref.provider !== undefined ? {provider: ref.provider} : {}), type: ref.type, operations: []}
    ns.lrmResources.push(r)
  }
  return r
}

/** Applies status changes to the CIB model in place (the DC's view, or the replicated CIB). */
export function applyStatusChanges(cib: M.Cib, changes: readonly StatusChange[]): void {
  for (const c of changes) {
    switch (c.kind) {
      case 'record-op': {
        const r = lrmResource(ensureNodeState(cib, c.node), c.resource)
        const i = r.operations.findIndex((o) => o.id === c.op.id)
        const op = structuredClone(c.op)
        if (i >= 0) r.operations[i] = op
        else r.operations.push(op)
        break
      }
      case 'delete-op': {
        const r = findNodeState(cib, c.node)?.lrmResources.find((x) => x.id === c.rscId)
        if (r) r.operations = r.operations.filter((o) => o.id !== c.opId)
        break
      }
      case 'delete-resource': {
        const ns = findNodeState(cib, c.node)
        if (ns) ns.lrmResources = ns.lrmResources.filter((x) => x.id !== c.rscId)
        break
      }
      case 'replace-history':
        ensureNodeState(cib, c.node).lrmResources = structuredClone(c.resources)
        break
      case 'node-state':
        Object.assign(ensureNodeState(cib, c.node).attributes, c.attributes)
        break
      case 'erase-attributes': {
        const ns = findNodeState(cib, c.node)
        if (ns) ns.transientAttributes = []
        break
      }
      case 'transient-attr':
        setTransientAttr(cib, c.node, c.name, c.value)
        break
      case 'erase-node': {
        const ns = findNodeState(cib, c.node)
        if (ns) {
          ns.lrmResources = []
          if (!c.keepAttributes) ns.transientAttributes = []
        }
        break
      }
    }
  }
}

/** Is this (normalised) result what the transition expected? Monitor rcs 190/191 count as 0/8. */
export function normalisedRc(task: string, rc: number): number {
  if (task === 'monitor' && rc === 190) return 0
  if (task === 'monitor' && rc === 191) return 8
  return rc
}

export type ResultVerdict =
  /** As expected (or a cancelled recurring op). */
  | 'expected'
  /** Not expected, but not a failure: a probe finding the resource active, or masked (not installed). */
  | 'unexpected'
  /** A failure: counted (except probes), recovered per on-fail. */
  | 'failed'

/** How the DC judges one result against the target rc (reference §1.5). */
export function judgeResult(task: string, intervalMs: number, rc: number, status: number, targetRc: number): ResultVerdict {
  if (status === ExecStatus.Cancelled) return 'expected'
  const isProbe = task === 'monitor' && intervalMs === 0 && targetRc === 7
  const r = normalisedRc(task, rc)
  if (status === ExecStatus.Done && r === targetRc) return 'expected'
  if (isProbe) {
    if (status === ExecStatus.NotInstalled || (status === ExecStatus.Done && (r === 0 || r === 8 || r === 2 || r === 5))) return 'unexpected'
    return 'failed'
  }
  if (status === ExecStatus.Done && task === 'stop' && r === 7) return 'expected'
  return 'failed'
}
