/**
 * Reading an agent's meta-data XML (OCF 1.1 resource-agent schema, and the
 * fence-agent flavour): parameters with their flags and defaults, advertised
 * actions and timeouts. Reference §1.6.
 */
import {parseXmlTree, type XmlElement} from '../../formats/cib/xml.js'

export interface AgentParameter {
  name: string
  required: boolean
  unique: boolean
  reloadable: boolean
  /** Pacemaker's op-secure-params (CIB secrets). */
  private: boolean
  type?: string
  default?: string
  shortdesc?: string
  longdesc?: string
  deprecated: boolean
  options?: string[]
}

export interface AgentAction {
  name: string
  timeout?: string
  interval?: string
  depth?: string
  role?: string
  startDelay?: string
}

export interface AgentMetadata {
  name: string
  /** OCF API version the agent follows (`<version>`), 1.0 when absent. */
  ocfVersion: string
  /** The agent's own version attribute. */
  version?: string
  shortdesc?: string
  longdesc?: string
  parameters: AgentParameter[]
  actions: AgentAction[]
  /** OCF ≥ 1.1 and advertises reload-agent. */
  supportsReloadAgent: boolean
  /** Advertises the pre-1.1 `reload`. */
  supportsLegacyReload: boolean
}

function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name)
}

function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : []
}

function description(el: XmlElement, name: string): string | undefined {
  const d = children(el, name)
  const en = d.find((x) => (x.attrs.lang ?? 'en') === 'en') ?? d[0]
  const text = en?.text?.trim()
  // fence agents carry shortdesc as an attribute of <resource-agent>
  return text || undefined
}

const truthy = (v: string | undefined) => v === '1' || v === 'true' || v === 'yes'

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = version.split('.').map((x) => Number.parseInt(x, 10))
  return (a ?? 0) > major || ((a ?? 0) === major && (b ?? 0) >= minor)
}

/** Parses meta-data XML; throws a UserError naming `source` when it is not XML. */
export function parseMetadata(xml: string, source: string): AgentMetadata {
  const root = parseXmlTree(xml, source)
  const agent = root.name === 'resource-agent' ? root : (root.children.find((c) => c.name === 'resource-agent') ?? root)
  const parameters: AgentParameter[] = children(child(agent, 'parameters'), 'parameter').map((p) => {
    const content = child(p, 'content')
    const options = children(content, 'option').map((o) => o.attrs.value).filter((v): v is string => v !== undefined)
    return {
      name: p.attrs.name ?? '',
      required: truthy(p.attrs.required),
      unique: truthy(p.attrs.unique),
      reloadable: truthy(p.attrs.reloadable),
      private: truthy(p.attrs.private),
      type: content?.attrs.type,
      default: content?.attrs.default,
      shortdesc: description(p, 'shortdesc'),
      longdesc: description(p, 'longdesc'),
      deprecated: truthy(p.attrs.deprecated) || child(p, 'deprecated') !== undefined,
      options: options.length > 0 ? options : undefined,
    }
  })
  const actions: AgentAction[] = children(child(agent, 'actions'), 'action').map((a) => ({
    name: a.attrs.name ?? '',
    timeout: a.attrs.timeout,
    interval: a.attrs.interval,
    depth: a.attrs.depth,
    role: a.attrs.role,
    startDelay: a.attrs['start-delay'],
  }))
  const ocfVersion = child(agent, 'version')?.text?.trim() || '1.0'
  return {
    name: agent.attrs.name ?? '',
    ocfVersion,
    version: agent.attrs.version,
    shortdesc: description(agent, 'shortdesc') ?? agent.attrs.shortdesc,
    longdesc: description(agent, 'longdesc'),
    parameters,
    actions,
    supportsReloadAgent: versionAtLeast(ocfVersion, 1, 1) && actions.some((a) => a.name === 'reload-agent'),
    supportsLegacyReload: actions.some((a) => a.name === 'reload'),
  }
}
