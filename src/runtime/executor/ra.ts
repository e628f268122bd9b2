/**
 * The library side of `hakit crm ra`: classes, agent lists, and an agent's
 * meta-data (raw and parsed) with a did-you-mean for names that do not exist.
 */
import {UserError} from '../../core/errors.js'
import {agentName, availableClasses, listAgents, locateAgent, ocfProviders, parseAgentSpec, systemdAvailable, DEFAULT_PATHS, type AgentPaths} from './agents.js'
import {LocalExecutor} from './executor.js'
import {parseMetadata, type AgentMetadata} from './metadata.js'
import {RESOURCE_CLASSES, type AgentRef, type ResourceClass} from './types.js'
import {closest} from '../../lint/suggest.js'

/** Exit code for "no such agent/class" (Pacemaker's CRM_EX_NOSUCH). */
const NO_SUCH = 105

export interface ClassInfo {
  class: ResourceClass
  providers?: string[]
  available: boolean
  note?: string
}

/** The classes usable here, sorted as crmsh's `ra classes` prints them (plus hakit's heartbeat class). */
export function raClasses(paths: AgentPaths = DEFAULT_PATHS): ClassInfo[] {
  const available = new Set(availableClasses())
  return [...RESOURCE_CLASSES].sort().map((c) => ({
    class: c,
    providers: c === 'ocf' ? ocfProviders(paths) : undefined,
    available: available.has(c),
    note: c === 'systemd' && !systemdAvailable() ? 'unavailable: systemd is not PID 1' : undefined,
  }))
}

/** `list ocf`, `list ocf:heartbeat`, `list lsb`… */
export function raList(spec: string, paths: AgentPaths = DEFAULT_PATHS): string[] {
  const [cls, provider] = spec.split(':') as [string, string | undefined]
  if (!RESOURCE_CLASSES.includes(cls as ResourceClass)) {
    const s = closest(cls, RESOURCE_CLASSES)
    throw new UserError(`unknown resource class "${cls}"${s ? ` (did you mean "${s}"?)` : ''}`, NO_SUCH)
  }
  if (provider !== undefined && cls === 'ocf' && !ocfProviders(paths).includes(provider)) {
    const s = closest(provider, ocfProviders(paths))
    throw new UserError(`unknown OCF provider "${provider}"${s ? ` (did you mean "${s}"?)` : ''}`, NO_SUCH)
  }
  return listAgents(cls as ResourceClass, provider, paths)
}

/** crmsh accepts `Dummy` (→ ocf:heartbeat:Dummy), `pacemaker:Dummy`, `ocf:pacemaker:Dummy`, `lsb:x`, `stonith:fence_x`. */
export function resolveAgent(spec: string, paths: AgentPaths = DEFAULT_PATHS): AgentRef {
  const parts = spec.split(':')
  let agent: AgentRef
  if (parts.length === 1) {
    agent = spec.startsWith('fence_') ? {class: 'stonith', type: spec} : {class: 'ocf', provider: 'heartbeat', type: spec}
  } else if (parts.length === 2 && !RESOURCE_CLASSES.includes(parts[0] as ResourceClass) && ocfProviders(paths).includes(parts[0])) {
    agent = {class: 'ocf', provider: parts[0], type: parts[1]}
  } else {
    const parsed = parseAgentSpec(spec)
    if ('error' in parsed) throw new UserError(parsed.error, NO_SUCH)
    agent = parsed
  }
  const located = locateAgent(agent, paths)
  if (located.state === 'missing' || located.state === 'unavailable') throw new UserError(`${agentName(agent)}: ${located.detail}`, NO_SUCH)
  if (located.state === 'not-executable') throw new UserError(`${agentName(agent)}: ${located.path} is not executable`, 4)
  return agent
}

export async function raMetadata(spec: string, paths: AgentPaths = DEFAULT_PATHS): Promise<{agent: AgentRef; xml: string; metadata: AgentMetadata}> {
  const agent = resolveAgent(spec, paths)
  const executor = new LocalExecutor({paths, agentTools: false})
  let xml: string
  try {
    xml = await executor.metadata(agent)
  } catch (error) {
    throw new UserError(`${agentName(agent)}: ${(error as Error).message}`, 1)
  }
  return {agent, xml, metadata: parseMetadata(xml, agentName(agent))}
}
