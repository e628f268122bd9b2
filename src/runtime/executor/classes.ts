/**
 * How each resource class runs an operation (pure: a request and the located
 * agent in, the command line, environment and stdin out), and how the raw
 * exit of the agent becomes an OCF rc and exec status.
 * Reference §1.1–1.2 (OCF), §2.1 (LSB), §2.2 (systemd), §2.3 (heartbeat), §6.2 (fence agents).
 */
import {interpretStatusOutput, scriptEnvironment} from '../legacy/resource-manager.js'
import {lsbToOcf} from './rc.js'
import {ExecStatus, OcfRc, type NotifySet, type OpRequest} from './types.js'
import type {AgentProcessResult} from './run-agent.js'
import {CRM_FEATURE_SET} from '../../formats/cib/model.js'

export const EXIT_REASON_PREFIX = 'ocf-exit-reason:'

export interface Invocation {
  file: string
  args: string[]
  /** Variables on top of the executor's base environment. */
  env: Record<string, string>
  input?: string
  /** The class's own name for the action (LSB/heartbeat: monitor → status). */
  classAction: string
  /** Keep the head of stdout (meta-data, list) rather than the tail. */
  wantsFullOutput: boolean
}

export interface Outcome {
  rc: number
  status: ExecStatus
  exitReason: string
}

/** Sets exported with both _resource and _uname; `inactive` has only _resource, `all`/`available` only _uname (as execd 2.1.5). */
const NOTIFY_SETS: NotifySet[] = ['active', 'start', 'stop', 'promote', 'demote', 'promoted', 'unpromoted', 'master', 'slave']

const POST_KEY_OPERATION = {start: 'running', stop: 'stopped', promote: 'promoted', demote: 'demoted'} as const

/** OCF_RESKEY_CRM_meta_* values of an operation (without the OCF_RESKEY_ prefix), as the executor passes them. */
export function crmMeta(request: OpRequest): Record<string, string> {
  const meta: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.opMeta ?? {})) meta[`CRM_meta_${name.replace(/-/g, '_')}`] = value
  if (request.node) {
    meta.CRM_meta_on_node = request.node.name
    meta.CRM_meta_on_node_uuid = request.node.id
  }
  meta.CRM_meta_timeout = String(request.timeoutMs)
  if (request.intervalMs > 0) meta.CRM_meta_interval = String(request.intervalMs)
  if (request.startDelayMs) meta.CRM_meta_start_delay = String(request.startDelayMs)
  const clone = request.clone
  if (clone) {
    meta.CRM_meta_clone = String(clone.instance)
    meta.CRM_meta_clone_max = String(clone.cloneMax)
    meta.CRM_meta_clone_node_max = String(clone.cloneNodeMax)
    meta.CRM_meta_globally_unique = String(clone.globallyUnique)
    meta.CRM_meta_notify = String(clone.notify)
    if (clone.promotedMax !== undefined) {
      meta.CRM_meta_promoted_max = meta.CRM_meta_master_max = String(clone.promotedMax)
      meta.CRM_meta_promoted_node_max = meta.CRM_meta_master_node_max = String(clone.promotedNodeMax ?? 1)
    }
  }
  const notify = request.notify
  if (notify) {
    if (notify.type) meta.CRM_meta_notify_type = meta.CRM_meta_notify_key_type = notify.type
    if (notify.keyType) meta.CRM_meta_notify_key_type = notify.keyType
    if (notify.operation) {
      meta.CRM_meta_notify_operation = notify.operation
      // The key names the notification pseudo-action: post-notifications follow the "done" action (start → running).
      meta.CRM_meta_notify_key_operation = notify.keyOperation ?? (notify.type === 'post' ? POST_KEY_OPERATION[notify.operation] : notify.operation)
    }
    const list = (items: string[] | undefined) => (items && items.length > 0 ? items.join(' ') : ' ')
    const put = (name: string, items: string[] | undefined) => {
      if (items !== undefined || !notify.onlyListed) meta[`CRM_meta_notify_${name}`] = list(items)
    }
    for (const set of NOTIFY_SETS) {
      put(`${set}_resource`, notify.sets[set]?.resources)
      put(`${set}_uname`, notify.sets[set]?.unames)
    }
    put('inactive_resource', notify.sets.inactive?.resources)
    for (const set of ['all', 'available'] as const) put(`${set}_uname`, notify.sets[set]?.unames)
    if (notify.allHosts) meta.CRM_meta_notify_all_hosts = list(notify.allHosts)
  }
  return meta
}

/** The environment of an OCF agent (OCF 1.1 as pacemaker-execd sets it). */
export function ocfEnvironment(request: OpRequest, ocfRoot: string): Record<string, string> {
  const env: Record<string, string> = {
    OCF_ROOT: ocfRoot,
    OCF_RA_VERSION_MAJOR: '1',
    OCF_RA_VERSION_MINOR: '1',
    OCF_RESOURCE_INSTANCE: request.rscId,
    OCF_RESOURCE_TYPE: request.agent.type,
    OCF_EXIT_REASON_PREFIX: EXIT_REASON_PREFIX,
    OCF_OUTPUT_FORMAT: 'text',
  }
  if (request.agent.provider) env.OCF_RESOURCE_PROVIDER = request.agent.provider
  const params = {...request.params, crm_feature_set: CRM_FEATURE_SET, ...crmMeta(request)}
  for (const [name, value] of Object.entries(params)) env[`OCF_RESKEY_${name}`] = value
  if (request.checkLevel !== undefined) env.OCF_CHECK_LEVEL = request.checkLevel
  return env
}

/** Fence-agent stdin: `key=value` lines; Pacemaker's own pcmk_* and meta parameters stay out. */
export function fenceAgentInput(request: OpRequest, action: string, hostArgument: string): string {
  const lines = [`action=${action}`]
  for (const [name, value] of Object.entries(request.params)) {
    if (name.startsWith('pcmk_') || name.startsWith('CRM_meta_') || name === 'crm_feature_set' || name === 'action') continue
    lines.push(`${name}=${value}`)
  }
  if (request.fenceTarget !== undefined) {
    lines.push(`nodename=${request.fenceTarget}`)
    const map = parseHostMap(request.params.pcmk_host_map ?? '')
    if (hostArgument !== 'none') lines.push(`${hostArgument}=${map.get(request.fenceTarget) ?? request.fenceTarget}`)
  }
  return lines.join('\n') + '\n'
}

/** `pcmk_host_map`: `node1:port1;node2:port2,port3` (also space separated). */
export function parseHostMap(text: string): Map<string, string> {
  const map = new Map<string, string>()
  for (const entry of text.split(/[;\s]+/)) {
    const at = entry.indexOf(':')
    if (at > 0) map.set(entry.slice(0, at), entry.slice(at + 1))
  }
  return map
}

/** Fence agents are asked for device health with `monitor` (start = register + health check). */
export function fenceAction(action: string): string {
  if (action === 'start' || action === 'monitor') return 'monitor'
  if (action === 'meta-data') return 'metadata'
  return action
}

/** cluster-glue `stonith` command line for an action. */
function glueArgs(request: OpRequest): string[] {
  const params = Object.entries(request.params)
    .filter(([n]) => !n.startsWith('pcmk_') && !n.startsWith('CRM_meta_') && n !== 'crm_feature_set')
    .map(([n, v]) => `${n}=${v}`)
  const base = ['-t', request.agent.type]
  switch (fenceAction(request.action)) {
    case 'metadata': return [...base, '-m']
    case 'list': return [...base, ...params, '-l']
    case 'on': case 'off': return [...base, ...params, '-T', request.action, request.fenceTarget ?? '']
    case 'reboot': return [...base, ...params, '-T', 'reset', request.fenceTarget ?? '']
    default: return [...base, ...params, '-S']
  }
}

export interface PlanContext {
  path: string
  via: string
  ocfRoot: string
  heartbeatConfigDir: string
  nodeName: string
  /** Metadata says the fence agent takes `plug` but not `port`. */
  fenceHostArgument?: string
}

/** What to run for this request. */
export function planInvocation(request: OpRequest, ctx: PlanContext): Invocation {
  const action = request.action
  const metaLike = action === 'meta-data' || action === 'metadata' || action === 'list'
  switch (ctx.via) {
    case 'ocf':
      return {file: ctx.path, args: [action], env: ocfEnvironment(request, ctx.ocfRoot), classAction: action, wantsFullOutput: metaLike}
    case 'lsb': {
      const lsbAction = action === 'monitor' ? 'status' : action
      return {file: ctx.path, args: [lsbAction], env: {}, classAction: lsbAction, wantsFullOutput: metaLike}
    }
    case 'heartbeat': {
      // v1 scripts: positional arguments from instance attributes named 1, 2, ... then the action.
      const positional: string[] = []
      for (let i = 1; request.params[String(i)] !== undefined; i++) positional.push(request.params[String(i)])
      const hbAction = action === 'monitor' ? 'status' : action
      const env = scriptEnvironment({configDir: ctx.heartbeatConfigDir, node: ctx.nodeName})
      return {file: ctx.path, args: [...positional, hbAction], env, classAction: hbAction, wantsFullOutput: metaLike}
    }
    case 'systemd': {
      const unit = ctx.path
      const verb = action === 'monitor' ? 'is-active' : action
      return {file: 'systemctl', args: [verb, unit], env: {}, classAction: verb, wantsFullOutput: false}
    }
    case 'fence': {
      const fa = fenceAction(action)
      return {file: ctx.path, args: [], env: {}, input: fenceAgentInput(request, fa, ctx.fenceHostArgument ?? 'port'), classAction: fa, wantsFullOutput: metaLike}
    }
    case 'glue':
      return {file: 'stonith', args: glueArgs(request), env: {}, classAction: fenceAction(action), wantsFullOutput: metaLike}
    default:
      throw new Error(`no invocation for ${ctx.via}`)
  }
}

/** The first `ocf-exit-reason:` line of stderr (what ocf_exit_reason prints). */
export function exitReasonFrom(stderr: string): string {
  const at = stderr.indexOf(EXIT_REASON_PREFIX)
  if (at < 0) return ''
  const rest = stderr.slice(at + EXIT_REASON_PREFIX.length)
  const end = rest.indexOf('\n')
  return (end < 0 ? rest : rest.slice(0, end)).trim()
}

/** pcmk__readable_interval(): 20000 → "20s", 1000 → "1000ms", 1500 → "1.500s". */
export function readableInterval(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm']]
  let out = ''
  let rest = ms
  for (const [size, unit] of units) {
    if (rest > size) {
      out += `${Math.floor(rest / size)}${unit}`
      rest %= size
    }
  }
  if (rest > 1000) {
    const s = Math.floor(rest / 1000)
    const frac = rest % 1000
    out += frac ? `${s}.${String(frac).padStart(3, '0')}s` : `${s}s`
  } else if (rest > 0 || out === '') out += rest === 0 ? '0s' : `${rest}ms`
  return out
}

/** How the agent's exit becomes the operation's outcome, per class. */
export function interpretExit(request: OpRequest, via: string, invocation: Invocation, run: AgentProcessResult): Outcome {
  if (run.cancelled) return {rc: OcfRc.ErrGeneric, status: ExecStatus.Cancelled, exitReason: ''}
  if (run.timedOut) {
    return {rc: OcfRc.ErrGeneric, status: ExecStatus.Timeout, exitReason: `Resource agent did not complete within ${readableInterval(request.timeoutMs)}`}
  }
  if (run.spawnError !== undefined) {
    if (run.spawnError === 'ENOENT') return {rc: OcfRc.ErrInstalled, status: ExecStatus.NotInstalled, exitReason: `${invocation.file}: No such file or directory`}
    return {rc: OcfRc.ErrPerm, status: ExecStatus.Done, exitReason: 'Child process was unable to execute file'}
  }
  if (run.exitCode === null) {
    return {rc: OcfRc.ErrGeneric, status: ExecStatus.Error, exitReason: `Resource agent terminated by ${run.signal ?? 'a signal'}`}
  }
  const code = run.exitCode
  const reason = exitReasonFrom(run.stderr)
  switch (via) {
    case 'ocf':
      return {rc: code, status: ExecStatus.Done, exitReason: reason}
    case 'lsb':
      return {rc: lsbToOcf(invocation.classAction, code), status: ExecStatus.Done, exitReason: reason}
    case 'heartbeat':
      // Heartbeat reads `status` output, not its exit code; other actions map like LSB.
      if (invocation.classAction === 'status') return {rc: interpretStatusOutput(run.stdout) ? OcfRc.Ok : OcfRc.NotRunning, status: ExecStatus.Done, exitReason: ''}
      return {rc: lsbToOcf(invocation.classAction, code), status: ExecStatus.Done, exitReason: reason}
    case 'systemd':
      if (invocation.classAction === 'is-active') return {rc: code === 0 ? OcfRc.Ok : OcfRc.NotRunning, status: ExecStatus.Done, exitReason: ''}
      return {rc: code === 0 ? OcfRc.Ok : OcfRc.ErrGeneric, status: ExecStatus.Done, exitReason: code === 0 ? '' : run.stderr.trim().split('\n').pop() ?? ''}
    case 'fence':
    case 'glue': {
      // Fence agents: 0 = success; status of a powered-off port is 2; the device is "not running" only for our stop logic.
      if (code === 0) return {rc: OcfRc.Ok, status: ExecStatus.Done, exitReason: ''}
      if (invocation.classAction === 'status' && code === 2) return {rc: OcfRc.NotRunning, status: ExecStatus.Done, exitReason: ''}
      const last = run.stderr.trim().split('\n').filter(Boolean).pop() ?? ''
      return {rc: OcfRc.ErrGeneric, status: ExecStatus.Error, exitReason: reason || last}
    }
    default:
      return {rc: code, status: ExecStatus.Done, exitReason: reason}
  }
}
