import type {Loc, Node, Section, Statement, Word} from './ast.js'

/**
 * The typed view of a drbd.conf that converters and lint use. Every object
 * keeps the location of the statement or section it came from, and a link to
 * its syntax node for anything not modelled here.
 */
export interface DrbdAddress {
  /** ipv4 (default), ipv6, ssocks, sdp. */
  family: string
  host: string
  port: number | null
  /** True when `host` is not an IP literal (drbdadm refuses host names). */
  isHostName: boolean
  loc: Loc
}

export interface DrbdDevice {
  /** `/dev/drbd0`, or null for `device minor N;`. */
  path: string | null
  /** The minor: explicit `minor N`, or the number of a `/dev/drbdN` path. */
  minor: number | null
  loc: Loc
}

export interface DrbdMetaDisk {
  /** internal; external with an index (`/dev/x[0]`); flexible (8.4+ `meta-disk /dev/x;`, `flexible-meta-disk`). */
  kind: 'internal' | 'external' | 'flexible'
  path?: string
  index?: number
  loc: Loc
}

export interface DrbdVolume {
  /** The volume number; null for the implicit single volume of pre-8.4 files (drbdadm calls it 0). */
  number: number | null
  device?: DrbdDevice
  /** Backing disk; `none` means diskless (9.x). */
  disk?: {path: string; loc: Loc}
  metaDisk?: DrbdMetaDisk
  loc?: Loc
}

export interface DrbdHost {
  kind: 'on' | 'floating' | 'stacked-on-top-of'
  /** Host names of an `on` section (several in 8.x `on a b {}`); the lower resource for stacked; empty for floating. */
  names: string[]
  nodeId?: number
  address?: DrbdAddress
  /** Effective volumes: resource-level device/disk/meta-disk and volumes, overridden by the host's own. */
  volumes: DrbdVolume[]
  loc: Loc
  section: Section
}

export interface DrbdResource {
  name: string
  loc: Loc
  section: Section
  hosts: DrbdHost[]
  /** Protocol from the resource, its net section, or common (in that order); null when none is set. */
  protocol: {value: string; loc: Loc} | null
  /** Resource-level volumes (8.4+ `volume N {}` and resource-level device/disk/meta-disk). */
  volumes: DrbdVolume[]
  /** The `common` section this resource inherits from, if any. */
  common?: Section
}

export interface DrbdModel {
  global?: Section
  common?: Section
  resources: DrbdResource[]
}

export function buildModel(nodes: readonly Node[]): DrbdModel {
  const global = nodes.find((n): n is Section => n.type === 'section' && n.keyword === 'global')
  const common = nodes.find((n): n is Section => n.type === 'section' && n.keyword === 'common')
  const resources = nodes
    .filter((n): n is Section => n.type === 'section' && n.keyword === 'resource')
    .map((section) => buildResource(section, common))
  return {global, common, resources}
}

function buildResource(section: Section, common: Section | undefined): DrbdResource {
  const name = section.args[0]?.value ?? ''
  const volumes = volumesOf(section.body)
  const hosts: DrbdHost[] = []
  for (const node of section.body) {
    if (node.type !== 'section') continue
    if (node.keyword === 'on' || node.keyword === 'floating' || node.keyword === 'stacked-on-top-of') {
      hosts.push(buildHost(node, volumes))
    }
  }
  return {name, loc: section.loc, section, hosts, protocol: protocolOf(section, common), volumes, common}
}

function buildHost(section: Section, resourceVolumes: DrbdVolume[]): DrbdHost {
  const kind = section.keyword as DrbdHost['kind']
  const names = kind === 'floating' ? [] : section.args.map((a) => a.value)
  const own = volumesOf(section.body)
  const nodeIdStatement = statement(section.body, 'node-id')
  const nodeId = nodeIdStatement ? parseInteger(nodeIdStatement.args[0]?.value) : undefined
  let address: DrbdAddress | undefined
  const addressStatement = statement(section.body, 'address')
  if (addressStatement) address = parseAddress(addressStatement.args, addressStatement.loc)
  else if (kind === 'floating') address = parseAddress(section.args, section.loc)
  return {kind, names, nodeId: nodeId ?? undefined, address, volumes: mergeVolumes(resourceVolumes, own), loc: section.loc, section}
}

/** Volumes declared directly in a body: `volume N {}` sections plus an implicit one from loose device/disk/meta-disk. */
export function volumesOf(body: readonly Node[]): DrbdVolume[] {
  const volumes: DrbdVolume[] = []
  const implicit = volumeFields(body)
  if (implicit.device || implicit.disk || implicit.metaDisk) volumes.push({number: null, ...implicit})
  for (const node of body) {
    if (node.type === 'section' && node.keyword === 'volume') {
      volumes.push({number: parseInteger(node.args[0]?.value), ...volumeFields(node.body), loc: node.loc})
    }
  }
  return volumes
}

function volumeFields(body: readonly Node[]): Omit<DrbdVolume, 'number'> {
  const fields: Omit<DrbdVolume, 'number'> = {}
  for (const node of body) {
    if (node.type !== 'statement') continue
    if (node.keyword === 'device') fields.device = parseDevice(node)
    else if (node.keyword === 'disk') fields.disk = {path: node.args[0]?.value ?? '', loc: node.loc}
    else if (node.keyword === 'meta-disk' || node.keyword === 'flexible-meta-disk') fields.metaDisk = parseMetaDisk(node)
  }
  return fields
}

/** Host volumes override resource-level ones field by field; the implicit volume is volume 0. */
function mergeVolumes(resourceLevel: DrbdVolume[], own: DrbdVolume[]): DrbdVolume[] {
  const key = (v: DrbdVolume) => v.number ?? 0
  const merged = new Map<number, DrbdVolume>()
  for (const v of resourceLevel) merged.set(key(v), {...v})
  for (const v of own) {
    const base = merged.get(key(v))
    merged.set(key(v), base ? {...base, ...definedFields(v), number: v.number ?? base.number} : {...v})
  }
  return [...merged.values()].sort((a, b) => key(a) - key(b))
}

function definedFields(v: DrbdVolume): Partial<DrbdVolume> {
  return Object.fromEntries(Object.entries(v).filter(([, value]) => value !== undefined))
}

export function parseDevice(node: Statement): DrbdDevice {
  const words = node.args.map((a) => a.value)
  let path: string | null = null
  let minor: number | null = null
  for (let i = 0; i < words.length; i++) {
    if (words[i] === 'minor') {
      minor = parseInteger(words[i + 1])
      i++
    } else if (path === null) path = words[i]
  }
  if (minor === null && path) {
    const m = /^\/dev\/drbd(\d+)$/.exec(path)
    if (m) minor = Number(m[1])
  }
  return {path, minor, loc: node.loc}
}

/** `internal`, `/dev/x[0]`, `/dev/x [0]`, `/dev/x;` (flexible), `flexible-meta-disk /dev/x;`. */
export function parseMetaDisk(node: Statement): DrbdMetaDisk {
  const text = node.args.map((a) => a.value).join(' ')
  if (text === 'internal') return {kind: 'internal', loc: node.loc}
  if (node.keyword === 'flexible-meta-disk') return {kind: 'flexible', path: text, loc: node.loc}
  const m = /^(.*?)\s*\[\s*(\d+)\s*\]$/.exec(text)
  if (m) return {kind: 'external', path: m[1], index: Number(m[2]), loc: node.loc}
  return {kind: 'flexible', path: text, loc: node.loc}
}

const ADDRESS_FAMILIES = new Set(['ipv4', 'ipv6', 'ssocks', 'sdp', 'sci'])

/** `[family] ip:port`, IPv6 as `[addr]:port` (optionally `%scope`); args may be split at spaces. */
export function parseAddress(args: readonly Word[], loc: Loc): DrbdAddress | undefined {
  const words = args.map((a) => a.value)
  if (words.length === 0) return undefined
  let family = 'ipv4'
  if (ADDRESS_FAMILIES.has(words[0])) family = words.shift() as string
  const text = words.join('')
  let host: string
  let port: number | null = null
  const v6 = /^\[([^\]]*)\](?::(\d+))?$/.exec(text)
  if (v6) {
    host = v6[1]
    port = v6[2] !== undefined ? Number(v6[2]) : null
  } else {
    const colon = text.lastIndexOf(':')
    if (colon >= 0 && /^\d+$/.test(text.slice(colon + 1))) {
      host = text.slice(0, colon)
      port = Number(text.slice(colon + 1))
    } else host = text
  }
  return {family, host, port, isHostName: !isIpLiteral(host), loc}
}

function isIpLiteral(host: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(host)) return host.split('.').every((p) => Number(p) <= 255)
  return host.includes(':') && /^[0-9a-fA-F:.]+(%[\w.-]+)?$/.test(host)
}

export function parseInteger(text: string | undefined): number | null {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : null
}

export function statement(body: readonly Node[], keyword: string): Statement | undefined {
  return body.find((n): n is Statement => n.type === 'statement' && n.keyword === keyword)
}

export function section(body: readonly Node[], keyword: string): Section | undefined {
  return body.find((n): n is Section => n.type === 'section' && n.keyword === keyword)
}

export function sections(body: readonly Node[], keyword: string): Section[] {
  return body.filter((n): n is Section => n.type === 'section' && n.keyword === keyword)
}

function protocolOf(resource: Section, common: Section | undefined): DrbdResource['protocol'] {
  for (const scope of [resource, common]) {
    if (!scope) continue
    const direct = statement(scope.body, 'protocol') ?? statement(section(scope.body, 'net')?.body ?? [], 'protocol')
    if (direct?.args[0]) return {value: direct.args[0].value, loc: direct.loc}
  }
  return null
}

/**
 * An option as drbdadm would see it for a resource: the resource's own
 * `sectionName { keyword … }` first, then common's.
 */
export function resourceOption(resource: DrbdResource, sectionName: string, keyword: string): Statement | undefined {
  for (const scope of [resource.section, resource.common]) {
    if (!scope) continue
    for (const s of sections(scope.body, sectionName)) {
      const found = statement(s.body, keyword)
      if (found) return found
    }
  }
  return undefined
}

/** The host names of a resource's `on` sections. */
export function hostNames(resource: DrbdResource): string[] {
  return resource.hosts.filter((h) => h.kind === 'on').flatMap((h) => h.names)
}

/** Dual-primary intent: `allow-two-primaries` (not `no`) or `become-primary-on both`. */
export function isDualPrimary(resource: DrbdResource): boolean {
  const two = resourceOption(resource, 'net', 'allow-two-primaries')
  const become = resourceOption(resource, 'startup', 'become-primary-on')
  return (two !== undefined && two.args[0]?.value !== 'no') || become?.args[0]?.value === 'both'
}

/** Stacked resources (`stacked-on-top-of`), driven by drbdupper in Heartbeat v1. */
export function isStacked(resource: DrbdResource): boolean {
  return resource.hosts.some((h) => h.kind === 'stacked-on-top-of')
}

/**
 * The block devices a resource provides, over all hosts and volumes, without
 * duplicates: the `/dev/drbdN` names (also when only `minor N` is given) and any
 * explicit device path, plus udev's `/dev/drbd/by-res/NAME[/VOL]` links. For
 * matching a Filesystem `device=` to the DRBD resource it sits on.
 */
export function resourceDevices(resource: DrbdResource): string[] {
  const out = new Set<string>()
  const volumes = resource.hosts.flatMap((h) => h.volumes)
  for (const v of volumes) {
    if (v.device?.path) out.add(v.device.path)
    if (v.device?.minor != null) out.add(`/dev/drbd${v.device.minor}`)
    out.add(`/dev/drbd/by-res/${resource.name}/${v.number ?? 0}`)
  }
  if (volumes.length <= 1) out.add(`/dev/drbd/by-res/${resource.name}`)
  return [...out]
}
