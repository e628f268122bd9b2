/**
 * haresources → CIB (converting.md §2): one placement unit per line (a group
 * for two or more resources, else the primitive), a location preference for
 * the line's node, drbddisk as ocf:linbit:drbd promotable clones with
 * colocation + order, auto_failback as resource-stickiness.
 */
import {emptyCib, type Cib, type Group, type Primitive} from '../../formats/cib/model.js'
import {finding, type Finding, type Severity, type SourceLocation} from '../../core/findings.js'
import {fallbackOps, ocfAgentOps, serviceMonitor} from '../agents.js'
import {agentName, nvSet, primitive, type OpSpec} from '../cib-build.js'
import {IdAllocator} from '../ids.js'
import {drbdPromotableClone} from '../drbd/convert.js'
import {looksLikeBareIp} from './ipaddr-shorthand.js'
import {findMapper, findMapperIgnoringCase, nearestScript, nearMissScript, type MapContext, type MappedResource} from './scripts/index.js'
import type {Agent} from './scripts/types.js'
import {checkInstalledScript, type ScriptLookup} from './init-scripts.js'
import type {DrbdResourceInfo, HaresourcesLine, HaresourcesToken, InitClass} from './types.js'

export interface HaresourcesOptions {
  /** Node names from ha.cf, in their spelling (Pacemaker names are case-sensitive). */
  nodes?: string[]
  /** ha.cf auto_failback value as written (on/off/legacy/yes/…); undefined = directive absent. */
  autoFailback?: string
  /** Where auto_failback was set, for findings. */
  autoFailbackLocation?: SourceLocation
  /** Class for init scripts and unknown scripts (default lsb). */
  initClass?: InitClass
  /** Score of the location preference for the line's node (default 100). */
  locationScore?: number
  /** resource-stickiness for auto_failback off (default 200). */
  stickiness?: number
  /** DRBD resources from drbd.conf (for bare drbddisk, clone-max, device checks). */
  drbd?: DrbdResourceInfo[]
  /** Shared id allocator when several converters fill one CIB. */
  ids?: IdAllocator
  /** File name used in findings without a token location. */
  file?: string
  /**
   * Scripts found on this machine (the configuration's resource.d, /etc/init.d), by name;
   * undefined when the conversion must not look at the machine (--offline).
   */
  scripts?: ScriptLookup
}

/** One line of the conversion report: which token became which resource. */
export interface MappingRecord {
  location?: SourceLocation
  source: string
  id: string
  target: string
  params: string
}

export interface HaresourcesConversion {
  cib: Cib
  findings: Finding[]
  mappings: MappingRecord[]
  /** Placement unit (group/primitive/clone id) of each line, in line order. */
  units: PlacementUnit[]
}

/** What one haresources line became: `line` is the line number in the file (the ordinal when unknown). */
export interface PlacementUnit {
  id: string
  node: string
  line: number
  /** 1-based position among the haresources lines (the n of grp_<node>_<n>). */
  ordinal: number
  location?: SourceLocation
}

export function convertHaresources(lines: readonly HaresourcesLine[], options: HaresourcesOptions = {}): HaresourcesConversion {
  return new HaresourcesConverter(options).run(lines)
}

class HaresourcesConverter {
  private readonly cib = emptyCib()
  private readonly findings: Finding[] = []
  private readonly mappings: MappingRecord[] = []
  private readonly units: HaresourcesConversion['units'] = []
  private readonly ids: IdAllocator
  private readonly score: string
  /** DRBD resource name → promotable clone id, so two lines share one clone. */
  private readonly drbdClones = new Map<string, string>()
  private readonly drbdInfo: Map<string, DrbdResourceInfo>
  private firstService: SourceLocation | undefined
  private usedServices = false

  constructor(private readonly options: HaresourcesOptions) {
    this.ids = options.ids ?? new IdAllocator()
    this.score = String(options.locationScore ?? 100)
    this.drbdInfo = new Map((options.drbd ?? []).map((r) => [r.name, r]))
  }

  run(lines: readonly HaresourcesLine[]): HaresourcesConversion {
    lines.forEach((line, index) => this.convertLine(line, index + 1))
    this.setStickiness()
    if (this.usedServices) {
      this.report('info', 'convert-lsb-monitor', this.firstService, 'init scripts: Heartbeat ran "status" and read its output ("running"/"OK" = running, anything else = stopped), ignoring the exit code; Pacemaker probes and monitors them with "status" and reads only the exit code (0 running, 3 stopped). A status that prints "stopped" but exits 0 looks running to Pacemaker. Disable them in the init system (systemctl disable), Pacemaker owns them now.')
    }
    const unused = [...this.drbdInfo.values()].filter((r) => !this.drbdClones.has(r.name))
    if (unused.length > 0) {
      // a resource named as the argument of a script that is not drbddisk (003's drbdisk::drbd0 typo)
      const namedBy = unused.flatMap((r) => lines.flatMap((line) => line.resources.filter((t) => t.args[0] === r.name).map((t) => `${[t.script, ...t.args].join('::')}`)))
      const hint = namedBy.length > 0 ? ` haresources names them as ${namedBy.join(', ')}: only drbddisk::NAME (and drbdupper::NAME) make a DRBD resource; a misspelt script name?` : ''
      this.report('info', 'convert-drbd-unused', unused[0]!.location, `DRBD resource(s) ${unused.map((r) => r.name).join(', ')} are not used in haresources: no Pacemaker resource was made; they were started by the drbd init script only.${hint}`)
    }

    return {cib: this.cib, findings: this.findings, mappings: this.mappings, units: this.units}
  }

  private report(severity: Severity, id: string, location: SourceLocation | undefined, message: string): void {
    const where = location ?? (this.options.file ? {file: this.options.file, line: 1, column: 1} : undefined)
    this.findings.push(finding(id, severity, where, message))
  }

  private nodesLower?: Map<string, string>

  /** ha.cf node names by lower-cased name (the first spelling wins), built once: one lookup per line. */
  private nodeByLowerName(): Map<string, string> {
    if (!this.nodesLower) {
      this.nodesLower = new Map()
      for (const n of this.options.nodes ?? []) if (!this.nodesLower.has(n.toLowerCase())) this.nodesLower.set(n.toLowerCase(), n)
    }
    return this.nodesLower
  }

  private resolveNode(line: HaresourcesLine): string {
    const nodes = this.options.nodes
    if (!nodes || nodes.length === 0) return line.node
    const match = this.nodeByLowerName().get(line.node.toLowerCase())
    if (match) return match
    this.report('warning', 'convert-node-unknown', line.location, `node '${line.node}' is not declared in ha.cf (heartbeat refused such files); the location preference uses it as written.`)
    return line.node
  }

  private convertLine(line: HaresourcesLine, ordinal: number): void {
    const node = this.resolveNode(line)
    const members: Primitive[] = []
    const drbdNames: string[] = []
    for (const token of line.resources) {
      const mapped = this.mapToken(token, node, ordinal)
      if (mapped.kind === 'drbd') {
        drbdNames.push(...this.drbdResourcesFor(mapped, token))
        continue
      }
      const p = this.makePrimitive(mapped, token)
      members.push(p)
    }
    this.checkDrbdDevices(members, drbdNames, line)
    const clones = drbdNames.map((name) => this.drbdClone(name, line.location))

    let unit: string | undefined
    if (members.length >= 2) {
      const group: Group = {kind: 'group', id: this.ids.allocate(`grp_${node}_${ordinal}`), metaAttributes: [], children: members}
      if (line.comment) group.description = line.comment
      this.cib.resources.push(group)
      unit = group.id
    } else if (members.length === 1) {
      const only = members[0]!
      if (line.comment && !only.description) only.description = line.comment
      this.cib.resources.push(only)
      unit = only.id
    }

    if (unit) {
      this.cib.constraints.push({kind: 'location', id: this.ids.allocate(`loc_${unit}_prefers_${node}`), rsc: unit, node, score: this.score, rules: []})
      for (const clone of clones) {
        this.cib.constraints.push(
          {kind: 'colocation', id: this.ids.allocate(`col_${unit}_with_${clone}`), rsc: unit, rscRole: 'Started', withRsc: clone, withRscRole: 'Promoted', score: 'INFINITY'},
          {kind: 'order', id: this.ids.allocate(`ord_${clone}_before_${unit}`), first: clone, firstAction: 'promote', then: unit, thenAction: 'start', orderKind: 'Mandatory'},
        )
      }
      this.units.push(this.placementUnit(unit, node, ordinal, line.location))
    } else if (clones.length > 0) {
      // A line of drbddisk only: prefer promoting there.
      for (const clone of clones) {
        this.cib.constraints.push({kind: 'location', id: this.ids.allocate(`loc_${clone}_prefers_${node}`), rsc: clone, role: 'Promoted', node, score: this.score, rules: []})
      }
      this.units.push(this.placementUnit(clones[0]!, node, ordinal, line.location))
    } else {
      this.report('warning', 'convert-empty-line', line.location, `line for node '${line.node}' names no resources; nothing converted.`)
    }
  }

  private placementUnit(id: string, node: string, ordinal: number, location: SourceLocation | undefined): PlacementUnit {
    return location ? {id, node, line: location.line, ordinal, location} : {id, node, line: ordinal, ordinal}
  }

  private mapToken(token: HaresourcesToken, node: string, ordinal: number): MappedResource {
    const text = [token.script, ...token.args].join('::')
    const ctx: MapContext = {
      token: text,
      node,
      line: ordinal,
      report: (severity, id, message) => this.report(severity, id, token.location, message),
    }
    if (token.args.length === 0 && looksLikeBareIp(token.script)) {
      ctx.report('info', 'convert-ipaddr', `${text}: a bare IP means the IPaddr script; converted to ocf:heartbeat:IPaddr2.`)
      return findMapper('IPaddr2')!.map([token.script], ctx)
    }
    const exact = findMapper(token.script)
    if (exact) return exact.map(token.args, ctx)
    const caseless = findMapperIgnoringCase(token.script)
    if (caseless) {
      ctx.report('warning', 'convert-script-case', `${text}: '${token.script}' is spelled '${caseless.script}' in resource.d; heartbeat's lookup is case-sensitive, so this line failed in v1. Converted as ${caseless.script}.`)
      return caseless.map(token.args, ctx)
    }
    return this.mapService(token, ctx)
  }

  /** Init scripts and custom resource.d scripts: lsb (or systemd/service) primitives, never dropped. */
  private mapService(token: HaresourcesToken, ctx: MapContext): MappedResource {
    const cls = this.options.initClass ?? 'lsb'
    this.usedServices = true
    this.firstService ??= token.location
    const hint = nearestScript(token.script)
    const typo = nearMissScript(token.script)
    const installed = this.options.scripts?.get(token.script)
    if (typo && !installed) {
      // A typo of a shipped script that is not an installed script either: v1 failed this group
      // ("Cannot locate resource script"), and the lsb: resource would fail its probe.
      ctx.report('error', 'convert-script-near-miss', `${ctx.token}: '${token.script}' is not a resource script${this.options.scripts ? ' and no such script is installed here' : ''}; did you mean the shipped script '${typo}'? Heartbeat could not start this group; emitted as ${cls}:${token.script}, which cannot work. Fix the name in haresources and convert again.`)
    } else {
      const didYouMean = hint ? ` Did you mean the shipped script '${hint}'?` : ''
      ctx.report('warning', 'convert-custom-script', `${ctx.token}: '${token.script}' is not a shipped resource script: emitted as ${cls}:${token.script}. It must be an ${cls === 'lsb' ? 'LSB init script' : `${cls} service`} on every node (install custom resource.d scripts as init scripts, or replace them).${didYouMean}`)
      for (const problem of checkInstalledScript(token.script, installed, cls)) {
        this.report(problem.severity, problem.id, problem.location ?? token.location, problem.message)
      }
    }
    if (token.args.length > 0) {
      ctx.report('warning', 'convert-custom-script-args', `${ctx.token}: arguments ${token.args.join(' ')} cannot be passed to an ${cls} resource and were dropped; bake them into the script.`)
    }
    return {kind: 'primitive', idBase: `svc_${token.script}`, agent: {class: cls, type: token.script}, params: []}
  }

  private makePrimitive(mapped: Extract<MappedResource, {kind: 'primitive'}>, token: HaresourcesToken): Primitive {
    const id = this.ids.allocate(mapped.idBase)
    const p = primitive(id, mapped.agent, mapped.params, opsFor(mapped.agent))
    this.mappings.push({
      location: token.location,
      source: [token.script, ...token.args].join('::'),
      id,
      target: agentName(mapped.agent),
      params: mapped.params.map(([k, v]) => `${k}=${v}`).join(' '),
    })
    return p
  }

  private drbdResourcesFor(mapped: Extract<MappedResource, {kind: 'drbd'}>, token: HaresourcesToken): string[] {
    const source = [token.script, ...token.args].join('::')
    if (mapped.resource !== undefined) {
      if (this.drbdInfo.size > 0 && !this.drbdInfo.has(mapped.resource)) {
        this.report('warning', 'convert-drbd-unknown', token.location, `${source}: DRBD resource '${mapped.resource}' is not defined in the drbd configuration given.`)
      }
      this.mappings.push({location: token.location, source, id: `ms_drbd_${mapped.resource}`, target: 'ocf:linbit:drbd (promotable clone)', params: `drbd_resource=${mapped.resource}`})
      return [mapped.resource]
    }
    if (this.drbdInfo.size === 0) {
      this.report('error', 'convert-drbd-all', token.location, `${source}: bare drbddisk means every DRBD resource, but no drbd.conf was given; emitted drbd_resource=all as a placeholder, which ocf:linbit:drbd cannot start — convert with the drbd configuration (--drbd) or write drbddisk::NAME.`)
      this.mappings.push({location: token.location, source, id: 'ms_drbd_all', target: 'ocf:linbit:drbd (promotable clone)', params: 'drbd_resource=all (placeholder)'})
      return ['all']
    }
    const names = [...this.drbdInfo.keys()]
    for (const name of names) {
      this.mappings.push({location: token.location, source, id: `ms_drbd_${name}`, target: 'ocf:linbit:drbd (promotable clone)', params: `drbd_resource=${name}`})
    }
    return names
  }

  /** The promotable clone for DRBD resource `name`, made on first use. */
  private drbdClone(name: string, location: SourceLocation | undefined): string {
    const existing = this.drbdClones.get(name)
    if (existing) {
      this.report('warning', 'convert-drbd-shared', location, `DRBD resource '${name}' is used by more than one haresources line; every such group is colocated with its one Promoted instance.`)
      return existing
    }
    const info = this.drbdInfo.get(name)
    const clone = drbdPromotableClone(name, info?.hosts.length ?? 2, this.ids)
    const cloneId = clone.id
    if (info?.dualPrimary) {
      this.report('warning', 'convert-drbd-dual-primary', info.location ?? location, `DRBD resource '${name}': dual-primary settings ignored (promoted-max=1, haresources had one owner); remove become-primary-on.`)
    }
    if (this.drbdClones.size === 0) {
      this.report('warning', 'convert-drbd-service', location, 'disable the drbd init/systemd service: Pacemaker now starts and promotes DRBD. Configure DRBD fencing (fencing resource-only + crm-fence-peer handlers) and a real fence device.')
    }
    this.drbdClones.set(name, cloneId)
    this.cib.resources.push(clone)
    return cloneId
  }

  /** Filesystem on /dev/drbdN whose minor is not one of the line's DRBD resources. */
  private checkDrbdDevices(members: Primitive[], drbdNames: string[], line: HaresourcesLine): void {
    if (drbdNames.length === 0) return
    const minors = new Set(drbdNames.flatMap((n) => this.drbdInfo.get(n)?.minors ?? []))
    if (minors.size === 0) return
    for (const p of members) {
      if (p.type !== 'Filesystem') continue
      const device = p.instanceAttributes[0]?.pairs.find((pair) => pair.name === 'device')?.value ?? ''
      const m = /^\/dev\/drbd([0-9]+)$/.exec(device)
      if (m && !minors.has(Number(m[1]))) {
        this.report('warning', 'convert-drbd-device-mismatch', line.location, `${p.id}: device ${device} does not belong to DRBD resource(s) ${drbdNames.join(', ')} on this line.`)
      }
    }
  }

  private setStickiness(): void {
    const value = (this.options.autoFailback ?? '').toLowerCase()
    const loc = this.options.autoFailbackLocation
    let stickiness = '0'
    if (['off', 'false', 'no', 'n', '0'].includes(value)) {
      stickiness = String(this.options.stickiness ?? 200)
      this.report('info', 'convert-failback', loc, `auto_failback off → resource-stickiness=${stickiness} (above the location score ${this.score}, so resources stay where they run).`)
    } else if (['on', 'true', 'yes', 'y', '1'].includes(value)) {
      this.report('info', 'convert-failback', loc, 'auto_failback on → resource-stickiness=0 (resources move back to their preferred node).')
    } else {
      this.report('warning', 'convert-failback-legacy', loc, `auto_failback ${value === '' ? 'unset' : value}: treated as 'on' (resource-stickiness=0).`)
    }
    this.cib.rscDefaults.push(nvSet('rsc-options', [['resource-stickiness', stickiness]]))
  }
}

/** monitor/start/stop with the agent's advertised timeouts; a conservative monitor for init scripts. */
export function opsFor(agent: Agent): OpSpec[] {
  if (agent.class !== 'ocf') return [{name: 'monitor', ...serviceMonitor}]
  const ops = ocfAgentOps[`${agent.provider}:${agent.type}`] ?? fallbackOps
  return [
    {name: 'monitor', ...ops.monitor},
    {name: 'start', interval: '0s', timeout: ops.start},
    {name: 'stop', interval: '0s', timeout: ops.stop},
  ]
}
