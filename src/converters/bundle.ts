/**
 * The whole conversion of one Heartbeat v1 cluster: haresources + ha.cf +
 * authkeys (+ DRBD resources) → one CIB, one corosync.conf, one authkey and
 * the findings and mappings that MIGRATION.md reports. The single model the
 * XML, crm and pcs outputs are all printed from.
 */
import type {Authkeys} from '../formats/authkeys/model.js'
import {activeKey} from '../formats/authkeys/model.js'
import type {Cib} from '../formats/cib/model.js'
import type {CorosyncConf} from '../formats/corosync/model.js'
import type {HaCf} from '../formats/hacf/model.js'
import type {Haresources} from '../formats/haresources/model.js'
import {finding, sortFindings, type Finding, type SourceLocation} from '../core/findings.js'
import {convertAuthkeys, type AuthkeyResult} from './authkeys/convert.js'
import {addConnectivityRules, convertHaCf, type DirectiveMapping} from './hacf/convert.js'
import type {AuthkeysKey} from './hacf/types.js'
import {convertHaresources, type MappingRecord, type PlacementUnit} from './haresources/convert.js'
import type {ScriptLookup} from './haresources/init-scripts.js'
import type {DrbdResourceInfo, HaresourcesLine, InitClass} from './haresources/types.js'
import {IdAllocator} from './ids.js'

export interface BundleInput {
  haresources?: Haresources
  /** haresources read only for the node names it adds to the nodelist (convert hacf). */
  extraNodesFrom?: Haresources
  hacf?: HaCf
  authkeys?: Authkeys
  drbd?: DrbdResourceInfo[]
  initClass?: InitClass
  /** Random authkey instead of one derived from the authkeys passphrase. */
  generateKey?: boolean
  locationScore?: number
  stickiness?: number
  /** Scripts found on this machine by name (see init-scripts.ts); undefined = offline. */
  scripts?: ScriptLookup
  /** The conversion is of the whole cluster (convert all / haresources): no resource at all is an error. */
  expectResources?: boolean
}

export interface Bundle {
  cib: Cib
  corosync: CorosyncConf
  authkey: AuthkeyResult
  findings: Finding[]
  mappings: MappingRecord[]
  directiveMappings: DirectiveMapping[]
  /** Placement unit per haresources line, in order: what crm_simulate should start where. */
  units: PlacementUnit[]
  nodes: string[]
  drbd: DrbdResourceInfo[]
  /** Set when the CIB is an old Pacemaker-on-Heartbeat configuration, upgraded (convert cib). */
  oldCib?: {files: string[]; dialect: string[]; nodeIds: Record<string, string>}
}

/** The key `auth N` selects, in the converters' terms. */
export function selectedAuthKey(authkeys: Authkeys | undefined): AuthkeysKey | undefined {
  const key = authkeys ? activeKey(authkeys) : undefined
  return key ? {id: key.index, method: key.method, key: key.key, location: key.location} : undefined
}

export function haresourcesLines(model: Haresources | undefined): HaresourcesLine[] {
  return (model?.groups ?? []).map((g) => ({
    node: g.node,
    location: g.location,
    comment: g.comment?.trim() || undefined,
    resources: g.resources.map((r) => ({script: r.script, args: r.args, location: r.location})),
  }))
}

export function convertBundle(input: BundleInput): Bundle {
  const ids = new IdAllocator()
  const drbd = input.drbd ?? []
  const lines = haresourcesLines(input.haresources)
  const addresses: Record<string, string> = Object.create(null) // host names such as "constructor" are keys too
  for (const r of drbd) for (const [host, addr] of Object.entries(r.addresses ?? {})) addresses[host] ??= addr
  const selected = selectedAuthKey(input.authkeys)

  const extraNodes: Array<{name: string; location?: SourceLocation}> = []
  const seenNodes = new Set<string>() // lower-cased: a Set keeps this linear in the number of lines
  for (const l of [...lines, ...haresourcesLines(input.extraNodesFrom)]) {
    const key = l.node.toLowerCase()
    if (!seenNodes.has(key)) {
      seenNodes.add(key)
      extraNodes.push({name: l.node, location: l.location})
    }
  }
  const hacf = convertHaCf(input.hacf?.directives ?? [], {addresses, extraNodes, authkeys: selected, ids, file: input.hacf?.file})
  const hares = convertHaresources(lines, {
    nodes: hacf.nodes,
    autoFailback: hacf.autoFailback?.value,
    autoFailbackLocation: hacf.autoFailback?.location,
    initClass: input.initClass,
    locationScore: input.locationScore,
    stickiness: input.stickiness,
    drbd,
    ids,
    file: input.haresources?.file,
    scripts: input.scripts,
  })
  const fileStart = (file: string | undefined): SourceLocation | undefined => (file ? {file, line: 1, column: 1} : undefined)
  const checks: Finding[] = []
  if (hacf.crmMode && lines.length > 0) {
    checks.push(finding('convert-crm-mode-haresources', 'error', hacf.crmMode, "heartbeat ran Pacemaker here (crm/pacemaker on) and ignored haresources: the configuration converted from haresources is not the one that ran. Convert the cluster's CIB (/var/lib/heartbeat/crm/cib.xml, or `crm configure show` output) with `hakit convert cib`."))
  } else if (input.expectResources && hares.units.length === 0) {
    const where = fileStart(input.haresources?.file) ?? hacf.crmMode ?? fileStart(input.hacf?.file)
    const why = hacf.crmMode
      ? "this cluster ran Pacemaker on Heartbeat (crm/pacemaker on): its resources are in the CIB; convert /var/lib/heartbeat/crm/cib.xml (or `crm configure show` output) with `hakit convert cib`."
      : input.haresources
        ? 'haresources has no resource line.'
        : 'there is no haresources file.'
    checks.push(finding('convert-no-resources', 'error', where, `the converted CIB has no resources: ${why}`))
  }
  const cib = hares.cib
  cib.crmConfig = hacf.cib.crmConfig
  cib.resources.push(...hacf.cib.resources)
  cib.constraints.push(...hacf.cib.constraints)
  if (hacf.connectivity) {
    addConnectivityRules(cib, hares.units.map((u) => u.id), ids)
    checkPingWeight(cib, hares.findings, hares.units)
  }
  // No <node> entries: Pacemaker adds them from corosync at run time (as pcs does), and in an
  // offline file with fencing on, listed nodes that were never seen count as unclean (crm_verify warns).

  const authkey = convertAuthkeys(selected, {generate: input.generateKey})
  // ha.cf's conversion already said crypto is on with a new key; keep one copy.
  const said = new Set(hacf.findings.map((f) => f.id))
  const keyFindings = authkey.findings.filter((f) => !(said.has(f.id) || (f.id === 'convert-authkey-new' && said.has('convert-auth-crc'))))
  // Findings about no particular line point at the file they are about (its first line).
  const fallback = fileStart(input.hacf?.file) ?? fileStart(input.haresources?.file)
  const located = [...hares.findings, ...hacf.findings, ...keyFindings, ...checks].map((f) => (f.location || !fallback ? f : {...f, location: fallback}))
  const findings = sortFindings(located)
  return {
    cib,
    corosync: hacf.corosync,
    authkey,
    findings,
    mappings: hares.mappings,
    directiveMappings: hacf.mappings,
    units: hares.units,
    nodes: hacf.nodes,
    drbd,
  }
}

/**
 * ipfail moved resources to the better-connected node. The ping attribute
 * (multiplier 1000 per reachable host) only wins over staying put if it
 * exceeds members × stickiness + the location score (stickiness adds up over
 * a group's members).
 */
function checkPingWeight(cib: Cib, findings: Finding[], units: readonly PlacementUnit[]): void {
  const stickiness = Number(cib.rscDefaults.flatMap((s) => s.pairs).find((p) => p.name === 'resource-stickiness')?.value ?? 0)
  if (!(stickiness > 0)) return
  for (const r of cib.resources) {
    if (r.kind !== 'group') continue
    const location = cib.constraints.find((c) => c.kind === 'location' && c.rsc === r.id && c.score !== undefined)
    const weight = r.children.length * stickiness + Number(location?.kind === 'location' ? location.score : 0)
    if (weight >= 1000) {
      findings.push(finding('convert-ping-weight', 'warning', units.find((u) => u.id === r.id)?.location, `group ${r.id}: ${r.children.length} members × stickiness ${stickiness} + location score = ${weight} ≥ the ping multiplier 1000, so losing a ping node will not move it (ipfail would have); raise the ping multiplier or lower the stickiness.`))
    }
  }
}
