import type {SourceLocation} from '../../core/findings.js'

/**
 * The typed model of a Heartbeat `haresources` file, as ResourceManager
 * reads it: one logical line (after `\` continuation) is one resource group,
 * its first word the preferred node, the rest resources started left to
 * right.
 *
 * `entries` keeps groups, comment lines and blank lines in file order for
 * the printer; `groups` is the same group objects alone.
 */
export interface Haresources {
  file: string
  entries: HaresourcesEntry[]
  groups: HaresourcesGroup[]
}

export type HaresourcesEntry =
  | {kind: 'group'; group: HaresourcesGroup}
  | {kind: 'comment'; text: string; location: SourceLocation}
  | {kind: 'blank'; location: SourceLocation}

export interface HaresourcesGroup {
  /** Preferred node as written (Heartbeat compares it case-insensitively). */
  node: string
  /** Position of the node name: the group's position. */
  location: SourceLocation
  resources: HaresourcesResource[]
  /** Comment text after `#` on the group's first line, without the `#`. */
  comment?: string
  /** Last physical line of the group (> location.line when continued with `\`). */
  endLine: number
}

export interface HaresourcesResource {
  /** The token as written, e.g. `Filesystem::/dev/drbd0::/data::ext3` or `10.0.0.5/24`. */
  raw: string
  /** Script name: `IPaddr` for a bare IP address, else the text before the first `::`. */
  script: string
  /** Arguments passed before the action (`start`/`stop`/`status`). */
  args: string[]
  /** True when the token is a bare IP address (ResourceManager's `IPaddr` shorthand). */
  ipShorthand: boolean
  location: SourceLocation
}

/** ResourceManager's isip(): the glob `[0-9]*.[0-9]*.[0-9]*.[0-9]*`. */
export function isIpLike(token: string): boolean {
  return /^[0-9][^]*\.[0-9][^]*\.[0-9][^]*\.[0-9][^]*$/.test(token)
}

/** Splits a resource token into script and arguments the way ResourceManager does. */
export function resourceFromToken(raw: string, location: SourceLocation): HaresourcesResource {
  if (isIpLike(raw)) return {raw, script: 'IPaddr', args: [raw], ipShorthand: true, location}
  const sep = raw.indexOf('::')
  if (sep < 0) return {raw, script: raw, args: [], ipShorthand: false, location}
  const args = raw
    .slice(sep + 2)
    .split('::')
    .filter((a) => a !== '')
  return {raw, script: raw.slice(0, sep), args, ipShorthand: false, location}
}

/** The group key: its first resource, the name Heartbeat uses for the whole group. */
export function groupKey(group: HaresourcesGroup): string | undefined {
  return group.resources[0]?.raw
}

/** Distinct preferred nodes, lowercased, in order of appearance. */
export function preferredNodes(model: Haresources): string[] {
  const nodes: string[] = []
  for (const g of model.groups) {
    const n = g.node.toLowerCase()
    if (!nodes.includes(n)) nodes.push(n)
  }
  return nodes
}

/** Groups whose preferred node is `node` (case-insensitive). */
export function groupsOf(model: Haresources, node: string): HaresourcesGroup[] {
  const lower = node.toLowerCase()
  return model.groups.filter((g) => g.node.toLowerCase() === lower)
}

export interface IpaddrSpec {
  ip: string
  /** CIDR bits or dotted netmask, as written. */
  netmask?: string
  nic?: string
  broadcast?: string
  /** The spec ended with `/` (IPaddr ignores it). */
  trailingSlash: boolean
}

/**
 * Splits an IPaddr/IPaddr2 argument `ip[/netmask[/nic][/broadcast]]` like the
 * IPaddr wrapper script: the third field is a broadcast address when it
 * starts with a digit, else a nic followed by an optional broadcast.
 */
export function parseIpaddrSpec(spec: string): IpaddrSpec {
  const trailingSlash = spec.endsWith('/')
  const parts = spec.split('/')
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop()
  const result: IpaddrSpec = {ip: parts[0], trailingSlash}
  if (parts.length > 1 && parts[1] !== '') result.netmask = parts[1]
  const third = parts[2]
  if (third !== undefined && third !== '') {
    if (/^[0-9]/.test(third)) result.broadcast = third
    else {
      result.nic = third
      if (parts[3]) result.broadcast = parts[3]
    }
  }
  return result
}
