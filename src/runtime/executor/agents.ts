/**
 * Where agents live, per class, and what is installed: the lookups behind
 * the executor, `hakit crm ra` and the did-you-mean of a missing agent.
 * The heartbeat class uses the v1 runtime's script lookup (findExecutable,
 * as ResourceManager.locate and the linter): the config dir's resource.d,
 * then /etc/ha.d/resource.d, then /etc/init.d.
 */
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {spawnSync} from 'node:child_process'
import {executableState, findExecutable} from '../../core/fs-probe.js'
import {STANDARD_RESOURCE_DIRS} from '../../lint/system.js'
import {closest} from '../../lint/suggest.js'
import {RESOURCE_CLASSES, type AgentRef, type ResourceClass} from './types.js'

export interface AgentPaths {
  /** OCF_ROOT (default /usr/lib/ocf). */
  ocfRoot: string
  /** LSB init scripts (default /etc/init.d). */
  initDir: string
  /** Heartbeat configuration directory whose resource.d is searched first (default /etc/ha.d). */
  heartbeatConfigDir: string
  /** Where fence agents are (default /usr/sbin). */
  fenceDir: string
}

export const DEFAULT_PATHS: AgentPaths = {ocfRoot: '/usr/lib/ocf', initDir: '/etc/init.d', heartbeatConfigDir: '/etc/ha.d', fenceDir: '/usr/sbin'}

export type Located =
  | {state: 'ok'; path: string; /** the class actually used (service → lsb/systemd; stonith → fence or glue) */ via: string}
  | {state: 'missing'; suggestion?: string; detail: string}
  | {state: 'not-executable'; path: string}
  | {state: 'unavailable'; detail: string}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => !n.startsWith('.')).sort()
  } catch {
    return []
  }
}

/** systemd can drive units only when it is PID 1 (reference §2.2: Pacemaker drops the class otherwise). */
export function systemdAvailable(): boolean {
  try {
    return readFileSync('/proc/1/comm', 'utf8').trim() === 'systemd' && statSync('/run/systemd/system').isDirectory()
  } catch {
    return false
  }
}

/** The heartbeat class's search path, in ResourceManager's order. */
export function heartbeatDirs(paths: AgentPaths): string[] {
  return [...new Set([join(resolve(paths.heartbeatConfigDir), 'resource.d'), ...STANDARD_RESOURCE_DIRS, paths.initDir])]
}

let glueTypes: string[] | undefined
/** cluster-glue STONITH plugin types (`stonith -L`), when cluster-glue is installed. */
export function glueStonithTypes(): string[] {
  if (glueTypes) return glueTypes
  const run = spawnSync('stonith', ['-L'], {encoding: 'utf8', timeout: 10_000})
  glueTypes = run.status === 0 ? run.stdout.split('\n').map((l) => l.trim()).filter(Boolean) : []
  return glueTypes
}

/** Classes usable on this machine, in crm_resource --list-standards order (plus heartbeat). */
export function availableClasses(): ResourceClass[] {
  return RESOURCE_CLASSES.filter((c) => c !== 'systemd' || systemdAvailable())
}

export function ocfProviders(paths: AgentPaths = DEFAULT_PATHS): string[] {
  return listDir(join(paths.ocfRoot, 'resource.d')).filter((p) => {
    try {
      return statSync(join(paths.ocfRoot, 'resource.d', p)).isDirectory()
    } catch {
      return false
    }
  })
}

function executablesIn(dir: string): string[] {
  return listDir(dir).filter((n) => executableState(join(dir, n)) === 'ok')
}

function systemdUnits(): string[] {
  if (!systemdAvailable()) return []
  const run = spawnSync('systemctl', ['list-unit-files', '--type=service', '--no-legend', '--no-pager'], {encoding: 'utf8', timeout: 10_000})
  return run.stdout.split('\n').map((l) => l.split(/\s+/)[0]).filter((u) => u.endsWith('.service')).map((u) => u.slice(0, -'.service'.length))
}

/** Every agent of a class (and provider, for ocf). */
export function listAgents(cls: ResourceClass, provider?: string, paths: AgentPaths = DEFAULT_PATHS): string[] {
  switch (cls) {
    case 'ocf': {
      const providers = provider ? [provider] : ocfProviders(paths)
      return [...new Set(providers.flatMap((p) => executablesIn(join(paths.ocfRoot, 'resource.d', p))))].sort()
    }
    case 'lsb': return executablesIn(paths.initDir)
    case 'systemd': return systemdUnits()
    case 'service': return [...new Set([...executablesIn(paths.initDir), ...systemdUnits()])].sort()
    case 'heartbeat': return [...new Set(heartbeatDirs(paths).flatMap(executablesIn))].sort()
    // As crm_resource --list-agents stonith: the cluster-glue plugins, then the fence agents.
    case 'stonith': return [...new Set([...[...glueStonithTypes()].sort(), ...executablesIn(paths.fenceDir).filter((n) => n.startsWith('fence_'))])]
  }
}

function missing(what: string, name: string, candidates: string[]): Located {
  const suggestion = closest(name, candidates)
  return {state: 'missing', suggestion, detail: `${what} not found${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`}
}

/** Finds the executable of an agent, or says why there is none. */
export function locateAgent(agent: AgentRef, paths: AgentPaths = DEFAULT_PATHS): Located {
  const {type} = agent
  if (type === '' || type.includes('/') && agent.class !== 'stonith') return {state: 'missing', detail: `invalid agent name "${type}"`}
  switch (agent.class) {
    case 'ocf': {
      if (!agent.provider) return {state: 'missing', detail: 'ocf agents need a provider (ocf:PROVIDER:TYPE)'}
      const providers = ocfProviders(paths)
      if (!providers.includes(agent.provider)) return missing(`OCF provider "${agent.provider}"`, agent.provider, providers)
      const path = join(paths.ocfRoot, 'resource.d', agent.provider, type)
      const state = executableState(path)
      if (state === 'ok') return {state, path, via: 'ocf'}
      if (state === 'not-executable') return {state, path}
      return missing(`${path}`, type, listAgents('ocf', agent.provider, paths))
    }
    case 'lsb': {
      const path = join(paths.initDir, type)
      const state = executableState(path)
      if (state === 'ok') return {state, path, via: 'lsb'}
      if (state === 'not-executable') return {state, path}
      return missing(path, type, listAgents('lsb', undefined, paths))
    }
    case 'systemd':
      if (!systemdAvailable()) return {state: 'unavailable', detail: 'systemd is not PID 1 on this machine: the systemd class is unavailable'}
      return {state: 'ok', path: type.endsWith('.service') ? type : `${type}.service`, via: 'systemd'}
    case 'service': {
      // An LSB script wins, then a systemd unit; none: LSB (which then reports "not installed").
      const lsb = locateAgent({class: 'lsb', type}, paths)
      if (lsb.state === 'ok' || lsb.state === 'not-executable') return lsb
      if (systemdAvailable() && systemdUnits().includes(type.replace(/\.service$/, ''))) return locateAgent({class: 'systemd', type}, paths)
      return missing(join(paths.initDir, type), type, listAgents('service', undefined, paths))
    }
    case 'heartbeat': {
      const found = findExecutable(heartbeatDirs(paths), type)
      if (found.state === 'ok') return {state: 'ok', path: found.path!, via: 'heartbeat'}
      if (found.state === 'not-executable') return {state: 'not-executable', path: found.path!}
      return missing(`heartbeat resource script "${type}" (searched ${heartbeatDirs(paths).join(', ')})`, type, listAgents('heartbeat', undefined, paths))
    }
    case 'stonith': {
      // Only fence_* names: stonith:reboot must never run /usr/sbin/reboot.
      if (/^fence_[A-Za-z0-9_.-]+$/.test(type)) {
        const path = join(paths.fenceDir, type)
        const state = executableState(path)
        if (state === 'ok') return {state, path, via: 'fence'}
        if (state === 'not-executable') return {state, path}
      }
      if (glueStonithTypes().includes(type)) return {state: 'ok', path: 'stonith', via: 'glue'}
      return missing(`fence agent "${type}"`, type, listAgents('stonith', undefined, paths))
    }
  }
}

/** Parses `class[:provider]:type` (crmsh/Pacemaker spelling). */
export function parseAgentSpec(spec: string): AgentRef | {error: string} {
  const parts = spec.split(':')
  const cls = parts[0] as ResourceClass
  if (parts.length < 2) return {error: `"${spec}" is not CLASS[:PROVIDER]:TYPE`}
  if (!RESOURCE_CLASSES.includes(cls)) {
    const suggestion = closest(parts[0], RESOURCE_CLASSES)
    return {error: `unknown resource class "${parts[0]}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; classes: ${RESOURCE_CLASSES.join(', ')}`}
  }
  if (cls === 'ocf') {
    if (parts.length !== 3) return {error: `"${spec}": ocf agents are ocf:PROVIDER:TYPE`}
    return {class: cls, provider: parts[1], type: parts[2]}
  }
  return {class: cls, type: parts.slice(1).join(':')}
}

export function agentName(agent: AgentRef): string {
  return agent.provider ? `${agent.class}:${agent.provider}:${agent.type}` : `${agent.class}:${agent.type}`
}
