/**
 * `hakit crm resource force-*`: run one operation of a CIB resource here,
 * outside any cluster — what `crm_resource --force-start|--force-stop|
 * --force-check|--force-promote|--force-demote|--validate` do (Pacemaker
 * 2.1.5 tools/crm_resource_runtime.c): the resource's instance attributes,
 * its meta attributes as CRM_meta_* (crm_resource passes them; the cluster
 * does not), the configured timeout of the action (else op_defaults, else
 * 20 s), no interval, no node.
 */
import {UserError} from '../../core/errors.js'
import {closest} from '../../lint/suggest.js'
import {parseDuration} from '../../formats/cib/values.js'
import type {Cib, NvSet, Primitive, Resource} from '../../formats/cib/model.js'
import {LocalExecutor, DEFAULT_OP_TIMEOUT_MS, type LocalExecutorOptions} from './executor.js'
import {ExecStatus, RESOURCE_CLASSES, type OpRequest, type OpResult, type ResourceClass} from './types.js'

export type ForceAction = 'force-start' | 'force-stop' | 'force-check' | 'force-promote' | 'force-demote' | 'validate'

export const FORCE_ACTIONS: ForceAction[] = ['force-start', 'force-stop', 'force-check', 'force-promote', 'force-demote', 'validate']

/** crm_resource's get_action(): force-check → monitor, validate → validate-all, force-X → X. */
export function agentAction(action: ForceAction): string {
  if (action === 'validate') return 'validate-all'
  if (action === 'force-check') return 'monitor'
  return action.slice('force-'.length)
}

/** Pacemaker exit codes crm_resource uses besides the OCF ones. */
export const CRM_EX = {unimplemented: 3, usage: 64, noSuch: 105} as const

function pairs(sets: NvSet[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  // First set wins for a name, as Pacemaker unpacks nvsets (rules are not evaluated here).
  for (const set of sets ?? []) for (const p of set.pairs) if (p.value !== undefined && !(p.name in out)) out[p.name] = p.value
  return out
}

interface Found {
  primitive: Primitive
  /** Enclosing group / clone, outermost first (their meta attributes are inherited). */
  parents: Resource[]
}

function allResourceIds(resources: Resource[]): string[] {
  return resources.flatMap((r) => (r.kind === 'primitive' ? [r.id] : r.kind === 'group' ? [r.id, ...r.children.map((c) => c.id)] : [r.id, ...allResourceIds([r.child])]))
}

function find(resources: Resource[], id: string, parents: Resource[] = []): Found | Resource | undefined {
  for (const r of resources) {
    if (r.kind === 'primitive' && r.id === id) return {primitive: r, parents}
    if (r.kind === 'group') {
      if (r.id === id) return r
      const hit = find(r.children, id, [...parents, r])
      if (hit) return hit
    }
    if (r.kind === 'clone') {
      // A clone id means its first child ("in the hope it's not a group", as crm_resource says).
      if (r.id === id) return r.child.kind === 'primitive' ? {primitive: r.child, parents: [...parents, r]} : r.child
      const hit = find([r.child], id.replace(/:[0-9]+$/, ''), [...parents, r])
      if (hit) return hit
    }
  }
  return undefined
}

/** The request crm_resource would build for this resource and action. */
export function forceRequest(cib: Cib, rscId: string, action: ForceAction): OpRequest {
  const hit = find(cib.resources, rscId)
  if (!hit) {
    const suggestion = closest(rscId, allResourceIds(cib.resources))
    throw new UserError(`Resource '${rscId}' not found${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`, CRM_EX.noSuch)
  }
  if (!('primitive' in hit)) throw new UserError(`Sorry, the ${action} option doesn't support group resources`, CRM_EX.unimplemented)
  const {primitive, parents} = hit
  if (!RESOURCE_CLASSES.includes(primitive.class as ResourceClass)) {
    throw new UserError(`resource ${primitive.id}: unknown class "${primitive.class}"`, CRM_EX.unimplemented)
  }
  const name = agentAction(action)
  const params: Record<string, string> = {}
  for (const parent of parents) Object.assign(params, pairs(parent.instanceAttributes))
  Object.assign(params, pairs(primitive.instanceAttributes))
  // Meta attributes go to the agent as CRM_meta_* (crm_resource adds class, id, provider and type too).
  const meta: Record<string, string> = {}
  for (const parent of parents) Object.assign(meta, pairs(parent.metaAttributes))
  Object.assign(meta, pairs(primitive.metaAttributes))
  meta.class = primitive.class
  meta.id = primitive.id
  if (primitive.provider) meta.provider = primitive.provider
  meta.type = primitive.type
  const clone = parents.find((p) => p.kind === 'clone')
  let instanceName = primitive.id
  if (clone) {
    // The clone's unpacked meta: the instance number, and the defaults Pacemaker fills in for clones.
    const instance = /:([0-9]+)$/.exec(rscId)?.[1] ?? '0'
    meta.clone = instance
    meta['globally-unique'] ??= 'false'
    meta['resource-stickiness'] ??= '1'
    // crm_resource passes anonymous clones the name it was given (clone id, primitive id or id:N).
    instanceName = meta['globally-unique'] === 'true' ? `${primitive.id}:${instance}` : rscId
  }
  const op = primitive.operations.find((o) => o.name === name && o.attributes.timeout !== undefined)
  const timeoutText = op?.attributes.timeout ?? pairs(cib.opDefaults).timeout
  const timeoutMs = parseDuration(timeoutText) ?? DEFAULT_OP_TIMEOUT_MS
  return {
    rscId: instanceName,
    agent: {class: primitive.class as ResourceClass, provider: primitive.provider, type: primitive.type},
    action: name,
    intervalMs: 0,
    timeoutMs: timeoutMs === 0 ? DEFAULT_OP_TIMEOUT_MS : timeoutMs,
    params,
    opMeta: meta,
    // What crm_resource's own process puts into the agent's environment.
    env: {HA_debug: '0', HA_logfacility: 'none', PCMK_logfacility: 'none', OCF_TRACE_FILE: process.env.OCF_TRACE_FILE ?? '/dev/stderr'},
  }
}

export interface ForceRun {
  request: OpRequest
  result: OpResult
  /** The text crm_resource prints for the result, and whether on stderr. */
  agentLabel: string
}

/** Runs one force-* operation with a fresh executor; crm_resource refuses classes other than ocf and lsb, hakit runs them all. */
export async function runForceAction(cib: Cib, rscId: string, action: ForceAction, options: LocalExecutorOptions = {}): Promise<ForceRun> {
  const request = forceRequest(cib, rscId, action)
  const executor = new LocalExecutor({oneShot: true, ...options})
  try {
    const result = await executor.execute(request)
    // crm_resource runs agents through the services library, whose timeout text differs from execd's.
    if (result.status === ExecStatus.Timeout) result.exitReason = 'Resource agent did not exit within specified timeout'
    const {agent} = request
    return {request, result, agentLabel: `${agent.class}${agent.provider ? `:${agent.provider}` : ''}:${agent.type}`}
  } finally {
    await executor.shutdown()
  }
}
