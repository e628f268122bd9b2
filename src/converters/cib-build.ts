/**
 * Small constructors for the CIB model (src/formats/cib/model.ts) that give
 * every attribute set, nvpair and op the crmsh-style id, so the XML, crm and
 * pcs outputs name things the same way.
 */
import type {NvSet, Operation, Primitive} from '../formats/cib/model.js'

export type Params = Array<[name: string, value: string]>

export interface OpSpec {
  name: string
  interval: string
  timeout?: string
  role?: string
}

export function nvSet(id: string, pairs: Params): NvSet {
  return {id, pairs: pairs.map(([name, value]) => ({id: `${id}-${name}`, name, value}))}
}

export function operation(rscId: string, spec: OpSpec): Operation {
  const attributes: Record<string, string> = {}
  if (spec.timeout) attributes.timeout = spec.timeout
  if (spec.role) attributes.role = spec.role
  return {
    id: `${rscId}-${spec.name}-${spec.interval}`,
    name: spec.name,
    interval: spec.interval,
    attributes,
    instanceAttributes: [],
    metaAttributes: [],
  }
}

export function primitive(
  id: string,
  agent: {class: string; provider?: string; type: string},
  params: Params,
  ops: OpSpec[],
  description?: string,
): Primitive {
  const p: Primitive = {
    kind: 'primitive',
    id,
    class: agent.class,
    type: agent.type,
    instanceAttributes: params.length > 0 ? [nvSet(`${id}-instance_attributes`, params)] : [],
    metaAttributes: [],
    utilization: [],
    operations: ops.map((op) => operation(id, op)),
  }
  if (agent.provider) p.provider = agent.provider
  if (description) p.description = description
  return p
}

/** "ocf:heartbeat:IPaddr2", "lsb:httpd". */
export function agentName(p: {class: string; provider?: string; type: string}): string {
  return p.provider ? `${p.class}:${p.provider}:${p.type}` : `${p.class}:${p.type}`
}
