/**
 * crmsh's everyday resource and node commands as pure CIB edits: each takes a
 * CIB, changes a private copy, and says what it did. The same edit is applied
 * to a CIB file or submitted to a running hakit cluster (./apply.ts).
 * Reference: pacemaker-runtime.md §7.3 (what crmsh 4.4.1 / crm_resource /
 * crm_attribute write into the CIB).
 */
import type {Cib, Constraint, LocationConstraint, Node, NvSet, Primitive, Resource} from '../../../formats/cib/model.js'
import {UserError} from '../../../core/errors.js'
import type {CibOp} from '../cib-ops.js'
import {clusterOption, nodeIdOf} from '../cib-ops.js'

/** The result of an edit: the new configuration, status operations to apply after it, and crmsh-style notes. */
export interface AdminEdit {
  cib: Cib
  /** True when the configuration part changed (a file write or a replace-configuration submit). */
  configChanged: boolean
  /** Status changes (transient attributes, history deletion), applied after the configuration. */
  statusOps: CibOp[]
  /** `INFO: …` / `WARNING: …` lines, as crmsh prints them (without colours). */
  notes: string[]
}

/** crm_resource's "No such object" (105) and "already exists" (108) exit codes. */
export const EXIT_NO_SUCH_OBJECT = 105
export const EXIT_ALREADY_EXISTS = 108

// ------------------------------------------------------------------ lookups

interface Found {
  rsc: Resource | Primitive
  /** The chain of parents, outermost first. */
  parents: Resource[]
}

function findResource(cib: Cib, id: string): Found | undefined {
  const walk = (r: Resource | Primitive, parents: Resource[]): Found | undefined => {
    if (r.id === id) return {rsc: r, parents}
    if (r.kind === 'group') for (const c of r.children) {
      const f = walk(c, [...parents, r])
      if (f) return f
    }
    if (r.kind === 'clone') return walk(r.child, [...parents, r])
    return undefined
  }
  for (const r of cib.resources) {
    const f = walk(r, [])
    if (f) return f
  }
  return undefined
}

export function requireResource(cib: Cib, id: string): Found {
  const f = findResource(cib, id)
  if (!f) throw new UserError(`resource ${id} not found (No such object)`, EXIT_NO_SUCH_OBJECT)
  return f
}

function requireNode(cib: Cib, uname: string): Node {
  const n = cib.nodes.find((x) => x.uname.toLowerCase() === uname.toLowerCase())
  if (!n) throw new UserError(`node ${uname} not found in the CIB (No such object)`, EXIT_NO_SUCH_OBJECT)
  return n
}

function descendants(r: Resource | Primitive): Array<Resource | Primitive> {
  if (r.kind === 'group') return r.children.flatMap((c) => [c, ...descendants(c)])
  if (r.kind === 'clone') return [r.child, ...descendants(r.child)]
  return []
}

// ------------------------------------------------------------------ nvsets

/** The first set without a rule, created with crm_resource's id (`<owner>-<suffix>`) when missing. */
function plainSet(sets: NvSet[], owner: string, suffix: string, create: boolean): NvSet | undefined {
  let set = sets.find((s) => !s.rule && !s.idRef)
  if (!set && create) {
    set = {id: `${owner}-${suffix}`, pairs: []}
    sets.push(set)
  }
  return set
}

function setPair(sets: NvSet[], owner: string, suffix: string, name: string, value: string): void {
  // crm_resource updates the pair wherever it already is, else adds it to the first plain set
  for (const s of sets) {
    const p = s.pairs.find((x) => x.name === name)
    if (p && !s.rule) {
      p.value = value
      return
    }
  }
  const set = plainSet(sets, owner, suffix, true)!
  set.pairs.push({id: `${set.id ?? `${owner}-${suffix}`}-${name}`, name, value})
}

/** Removes every pair named `name`; true when one was removed. */
function deletePair(sets: NvSet[], name: string): boolean {
  let removed = false
  for (const s of sets) {
    const before = s.pairs.length
    s.pairs = s.pairs.filter((p) => p.name !== name)
    removed ||= s.pairs.length !== before
  }
  return removed
}

function getPair(sets: NvSet[], name: string): string | undefined {
  for (const s of sets) if (!s.rule) for (const p of s.pairs) if (p.name === name) return p.value
  return undefined
}

function edit(cib: Cib): AdminEdit {
  return {cib: structuredClone(cib), configChanged: false, statusOps: [], notes: []}
}

// ------------------------------------------------------------------ resource meta and params

export type AttrKind = 'param' | 'meta' | 'utilization'

function attrSets(r: Resource | Primitive, kind: AttrKind): {sets: NvSet[]; suffix: string} {
  if (kind === 'meta') return {sets: r.metaAttributes, suffix: 'meta_attributes'}
  if (kind === 'utilization') {
    if (r.kind !== 'primitive') throw new UserError(`${r.id} is a ${r.kind}: utilization is set on primitives`, 1)
    return {sets: r.utilization, suffix: 'utilization'}
  }
  if (r.kind === 'primitive') return {sets: r.instanceAttributes, suffix: 'instance_attributes'}
  r.instanceAttributes ??= []
  return {sets: r.instanceAttributes, suffix: 'instance_attributes'}
}

export function getResourceAttribute(cib: Cib, id: string, kind: AttrKind, name: string): string | undefined {
  const {rsc} = requireResource(cib, id)
  return getPair(attrSets(rsc, kind).sets, name)
}

export function setResourceAttribute(cib: Cib, id: string, kind: AttrKind, name: string, value: string): AdminEdit {
  const e = edit(cib)
  const {rsc} = requireResource(e.cib, id)
  const {sets, suffix} = attrSets(rsc, kind)
  setPair(sets, rsc.id, suffix, name, value)
  e.configChanged = true
  return e
}

export function deleteResourceAttribute(cib: Cib, id: string, kind: AttrKind, name: string): AdminEdit {
  const e = edit(cib)
  const {rsc} = requireResource(e.cib, id)
  e.configChanged = deletePair(attrSets(rsc, kind).sets, name)
  if (!e.configChanged) e.notes.push(`WARNING: ${rsc.id} has no ${kind} ${name}`)
  return e
}

/**
 * Sets a meta attribute the way crmsh's start/stop/manage/unmanage/maintenance
 * do (set_deep_meta_attr): on a group member itself, else on the topmost
 * resource; a clone's own child loses the attribute so the clone's value
 * takes effect. Group members keep theirs (crmsh only asks about them on a
 * terminal; non-interactively it leaves them).
 */
function setMetaOverriding(cib: Cib, id: string, name: string, value: string): AdminEdit {
  const e = edit(cib)
  const {rsc, parents} = requireResource(e.cib, id)
  const inGroup = parents.at(-1)?.kind === 'group'
  const target = rsc.kind === 'primitive' && inGroup ? rsc : (parents[0] ?? rsc)
  if (target.kind === 'clone') deletePair(target.child.metaAttributes, name)
  const existing = target.metaAttributes.flatMap((s) => s.pairs.filter((p) => p.name === name))
  if (existing.length > 0) for (const p of existing) p.value = value
  else setPair(target.metaAttributes, target.id, 'meta_attributes', name, value)
  e.configChanged = true
  return e
}

export const startResource = (cib: Cib, id: string): AdminEdit => setMetaOverriding(cib, id, 'target-role', 'Started')
export const stopResource = (cib: Cib, id: string): AdminEdit => setMetaOverriding(cib, id, 'target-role', 'Stopped')
export const manageResource = (cib: Cib, id: string): AdminEdit => setMetaOverriding(cib, id, 'is-managed', 'true')
export const unmanageResource = (cib: Cib, id: string): AdminEdit => setMetaOverriding(cib, id, 'is-managed', 'false')
export const maintenanceResource = (cib: Cib, id: string, on: boolean): AdminEdit => setMetaOverriding(cib, id, 'maintenance', on ? 'true' : 'false')

// ------------------------------------------------------------------ move, ban, clear

function removeConstraints(cib: Cib, drop: (c: Constraint) => boolean): string[] {
  const removed = cib.constraints.filter(drop).map((c) => c.id)
  cib.constraints = cib.constraints.filter((c) => !drop(c))
  return removed
}

/** `YYYY-MM-DD HH:MM:SSZ`, as crm_resource writes a lifetime's end. */
export function lifetimeEnd(now: number, isoDuration: string): string {
  const ms = parseIsoDuration(isoDuration)
  if (ms === undefined) throw new UserError(`invalid lifetime ${isoDuration}: expected an ISO 8601 duration such as PT1H or P1D`, 64)
  return new Date(now + ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')
}

function parseIsoDuration(text: string): number | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text)
  if (!m || text === 'P' || text.endsWith('T')) return undefined
  const n = (i: number) => Number(m[i] ?? 0)
  const days = n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4)
  return ((days * 24 + n(5)) * 60 + n(6)) * 60_000 + n(7) * 1000
}

function locationFor(rscId: string, id: string, node: string, score: string, lifetimeEndText: string | undefined, kind: 'prefer' | 'ban'): LocationConstraint {
  if (lifetimeEndText === undefined) return {kind: 'location', id, rsc: rscId, role: 'Started', node, score, rules: []}
  const base = kind === 'prefer' ? `cli-prefer` : `cli-ban-${rscId}-on-${node}`
  const suffix = kind === 'prefer' ? `-${rscId}` : ''
  return {
    kind: 'location', id, rsc: rscId, role: 'Started', rules: [{
      id: `${base}-rule${suffix}`, score, booleanOp: 'and', expressions: [
        {kind: 'expression', id: `${base}-expr${suffix}`, attribute: '#uname', operation: kind === 'prefer' ? 'eq' : 'eq', value: node, type: 'string'},
        {kind: 'date_expression', id: `${base}-lifetime-end${suffix}`, operation: 'lt', end: lifetimeEndText},
      ],
    }],
  }
}

export interface MoveOptions {
  /** Target node; without it, `force` bans the current node instead. */
  node?: string
  /** ISO 8601 duration (crm_resource --lifetime). */
  lifetime?: string
  force?: boolean
  /** The nodes the resource is active on now (from the status; see locateResource). */
  activeOn: string[]
  /** Milliseconds since the epoch, for the lifetime's end. */
  now: number
}

/** `crm resource move RSC [NODE] [LIFETIME] [force]` = crm_resource --move (§7.3.2). */
export function moveResource(cib: Cib, id: string, options: MoveOptions): AdminEdit {
  const e = edit(cib)
  const {rsc, parents} = requireResource(e.cib, id)
  const clone = [rsc, ...parents].find((r) => r.kind === 'clone')
  if (clone && options.node !== undefined && rsc.kind !== 'clone') {
    throw new UserError(`cannot move ${id}: it is part of clone ${clone.id}; move the clone (or ban an instance) instead`, 1)
  }
  if (!options.node) {
    if (!options.force) throw new UserError(`resource.move: No target node: Move requires either a target node or 'force'`, 1)
    return banResource(cib, id, {activeOn: options.activeOn, lifetime: options.lifetime, now: options.now, fromMove: true})
  }
  const node = requireNode(e.cib, options.node).uname
  if (options.activeOn.includes(node) && !options.force) {
    throw new UserError(`${id} is already active on ${node} (Requested item already exists)`, EXIT_ALREADY_EXISTS)
  }
  if (clone && rsc.kind === 'clone') e.notes.push(`WARNING: ${id} is a clone: the move only prefers ${node} for one instance; use ban to keep instances off a node`)
  removeConstraints(e.cib, (c) => c.id === `cli-prefer-${id}` || c.id === `cli-ban-${id}-on-${node}`)
  const end = options.lifetime === undefined ? undefined : lifetimeEnd(options.now, options.lifetime)
  e.cib.constraints.push(locationFor(id, `cli-prefer-${id}`, node, 'INFINITY', end, 'prefer'))
  if (options.force) {
    for (const current of options.activeOn.filter((n) => n !== node)) {
      removeConstraints(e.cib, (c) => c.id === `cli-ban-${id}-on-${current}`)
      e.cib.constraints.push(locationFor(id, `cli-ban-${id}-on-${current}`, current, '-INFINITY', end, 'ban'))
    }
  }
  e.configChanged = true
  if (end !== undefined) e.notes.push(`INFO: Migration will take effect until: ${end}`)
  e.notes.push(`INFO: Move constraint created for ${id} to ${node}`, `INFO: Use \`crm resource clear ${id}\` to remove this constraint`)
  return e
}

export interface BanOptions {
  node?: string
  lifetime?: string
  activeOn: string[]
  now: number
  fromMove?: boolean
}

/** `crm resource ban RSC [NODE] [LIFETIME]` = crm_resource --ban: a -INFINITY cli-ban on the node (default: where it runs). */
export function banResource(cib: Cib, id: string, options: BanOptions): AdminEdit {
  const e = edit(cib)
  requireResource(e.cib, id)
  let node = options.node === undefined ? undefined : requireNode(e.cib, options.node).uname
  if (node === undefined) {
    if (options.activeOn.length !== 1) {
      throw new UserError(options.activeOn.length === 0 ? `${id} is not running: name the node to ban it from` : `${id} is active on several nodes (${options.activeOn.join(', ')}): name the node to ban it from`, 1)
    }
    node = options.activeOn[0]!
  }
  const banId = `cli-ban-${id}-on-${node}`
  removeConstraints(e.cib, (c) => c.id === banId)
  const end = options.lifetime === undefined ? undefined : lifetimeEnd(options.now, options.lifetime)
  e.cib.constraints.push(locationFor(id, banId, node, '-INFINITY', end, 'ban'))
  e.configChanged = true
  if (end !== undefined) e.notes.push(`INFO: Migration will take effect until: ${end}`)
  if (options.node === undefined) {
    e.notes.push(
      `WARNING: Creating '${banId}' rule for ${id} on ${node}`,
      `WARNING: This will prevent ${id} from running on ${node} until the constraint is removed using the clear option or by editing the CIB with an appropriate tool`,
      `WARNING: This will be the case even if ${node} is the last node in the cluster`,
    )
  }
  e.notes.push(`INFO: Use \`crm resource clear ${id}\` to remove this constraint`)
  return e
}

/** `crm resource clear RSC [NODE]` = crm_resource --clear: drops cli-prefer-RSC and cli-ban-RSC-on-* (only that node's ban when NODE is given). */
export function clearResource(cib: Cib, id: string, node?: string): AdminEdit {
  const e = edit(cib)
  requireResource(e.cib, id)
  const removed = removeConstraints(e.cib, (c) => {
    if (c.kind !== 'location') return false
    if (node !== undefined) return c.id === `cli-ban-${id}-on-${node}` || (c.id === `cli-prefer-${id}` && (c.node ?? '') === node)
    return c.id === `cli-prefer-${id}` || c.id.startsWith(`cli-ban-${id}-on-`)
  })
  e.configChanged = removed.length > 0
  for (const r of removed) e.notes.push(`INFO: Removing constraint: ${r}`)
  e.notes.push(`INFO: Removed migration constraints for ${id}`)
  return e
}

// ------------------------------------------------------------------ status: locate, fail counts, cleanup

/** Where each resource is active now, from the status section (via the scheduler's unpacking). */
export async function locateResource(cib: Cib, id: string): Promise<Array<{node: string; role: string}>> {
  const {rsc} = requireResource(cib, id)
  const {schedule} = await import('../../scheduler/index.js')
  const ws = schedule(cib).workingSet
  const out: Array<{node: string; role: string}> = []
  const seen = new Set<string>()
  const ids = rsc.kind === 'group' ? rsc.children.map((c) => c.id) : [rsc.id]
  for (const r of ws.resources.flatMap(function all(x): typeof ws.resources { return [x, ...x.children.flatMap(all)] })) {
    const base = r.id.replace(/:\d+$/, '')
    if (!ids.includes(base) && !(rsc.kind === 'clone' && descendants(rsc).some((d) => d.id === base))) continue
    if (r.children.length > 0) continue
    for (const n of r.runningOn) {
      const role = r.role === 4 ? 'Promoted' : ''
      const key = `${n.uname} ${role}`
      if (seen.has(key)) continue
      seen.add(key)
      out.push({node: n.uname, role})
    }
  }
  return out
}

interface FailEntry {
  node: string
  nodeId: string
  name: string
  value: string
}

function primitiveIds(r: Resource | Primitive): string[] {
  return [r, ...descendants(r)].filter((x) => x.kind === 'primitive').map((x) => x.id)
}

/** fail-count-RSC#op_interval (and the legacy fail-count-RSC) transient attributes of the resource's primitives. */
export function failCounts(cib: Cib, id: string, node?: string): FailEntry[] {
  const {rsc} = requireResource(cib, id)
  const prims = primitiveIds(rsc)
  const out: FailEntry[] = []
  for (const s of cib.status) {
    const uname = s.uname ?? s.attributes.uname ?? s.id
    if (node !== undefined && uname.toLowerCase() !== node.toLowerCase()) continue
    for (const set of s.transientAttributes) for (const p of set.pairs) {
      const m = /^fail-count-(.+?)(#.*)?$/.exec(p.name)
      if (m && prims.includes(m[1]!.replace(/:\d+$/, ''))) out.push({node: uname, nodeId: s.id, name: p.name, value: p.value ?? ''})
    }
  }
  return out
}

/** `crm resource failcount RSC delete NODE`: removes the fail counts and last-failure times of the resource on the node. */
export function deleteFailCount(cib: Cib, id: string, node: string): AdminEdit {
  const e = edit(cib)
  const {rsc} = requireResource(e.cib, id)
  e.statusOps.push(...failAttributeDeletions(e.cib, primitiveIds(rsc), node))
  return e
}

function failAttributeDeletions(cib: Cib, prims: string[], node?: string): CibOp[] {
  const ops: CibOp[] = []
  for (const s of cib.status) {
    const uname = s.uname ?? s.attributes.uname ?? s.id
    if (node !== undefined && uname.toLowerCase() !== node.toLowerCase()) continue
    const attributes: Record<string, undefined> = {}
    for (const set of s.transientAttributes) for (const p of set.pairs) {
      const m = /^(?:fail-count|last-failure)-(.+?)(#.*)?$/.exec(p.name)
      if (m && prims.includes(m[1]!.replace(/:\d+$/, ''))) attributes[p.name] = undefined
    }
    if (Object.keys(attributes).length > 0) ops.push({op: 'transient-attributes', id: s.id, uname, attributes})
  }
  return ops
}

/** A recorded failure: a last_failure entry, an unexpected rc (7 is expected only from a probe), or an execution error. */
function isFailedOp(o: {id: string; attributes: Record<string, string>}): boolean {
  if (o.id.endsWith('_last_failure_0')) return true
  const rc = o.attributes['rc-code'] ?? '0'
  const probe = (o.attributes.interval ?? '0') === '0' && o.attributes.operation === 'monitor'
  if (!(rc === '0' || rc === '8' || (rc === '7' && probe))) return true
  return !['0', '-1'].includes(o.attributes['op-status'] ?? '0')
}

/**
 * `crm resource cleanup|refresh [RSC] [NODE]` (§7.3.5): works on the top-level
 * parent, clears fail counts, and deletes the history of members that have a
 * failed operation (refresh: of every member), so the cluster re-probes them.
 */
export function cleanupResource(cib: Cib, id: string | undefined, node: string | undefined, refresh: boolean): AdminEdit {
  const e = edit(cib)
  let prims: string[]
  if (id === undefined) prims = e.cib.resources.flatMap(primitiveIds)
  else {
    const {rsc, parents} = requireResource(e.cib, id)
    prims = primitiveIds(parents[0] ?? rsc)
  }
  if (node !== undefined) requireNode(e.cib, node)
  e.statusOps.push(...failAttributeDeletions(e.cib, prims, node))
  for (const s of e.cib.status) {
    const uname = s.uname ?? s.attributes.uname ?? s.id
    if (node !== undefined && uname.toLowerCase() !== node.toLowerCase()) continue
    for (const lrm of s.lrmResources) {
      const base = lrm.id.replace(/:\d+$/, '')
      if (!prims.includes(base)) continue
      const failed = lrm.operations.some((o) => isFailedOp({id: o.id, attributes: {...o.attributes, operation: o.operation}}))
      if (refresh || failed) e.statusOps.push({op: 'lrm-delete', id: s.id, resource: lrm.id})
      e.notes.push(`Cleaned up ${lrm.id} on ${uname}`)
    }
  }
  if (id === undefined) e.notes.push(`Cleaned up all resources on ${node ?? 'all nodes'}`)
  return e
}

// ------------------------------------------------------------------ nodes

export type Lifetime = 'forever' | 'reboot'

/** A node attribute: permanent (nodes section, lifetime forever) or transient (status, lifetime reboot), as crm_attribute writes them. */
export function setNodeAttribute(cib: Cib, uname: string, name: string, value: string | undefined, lifetime: Lifetime = 'forever', set: 'instance_attributes' | 'utilization' = 'instance_attributes'): AdminEdit {
  const e = edit(cib)
  const node = requireNode(e.cib, uname)
  if (lifetime === 'reboot') {
    e.statusOps.push({op: 'transient-attributes', id: node.id, uname: node.uname, attributes: {[name]: value}})
    return e
  }
  const sets = set === 'utilization' ? node.utilization : node.instanceAttributes
  if (value === undefined) e.configChanged = deletePair(sets, name)
  else {
    // crm_attribute names a node's set nodes-<id>
    const owner = `nodes-${node.id}`
    const existing = plainSet(sets, owner, set, false)
    if (!existing && set === 'utilization') sets.push({id: `${owner}-utilization`, pairs: []})
    setPair(sets, owner, set === 'utilization' ? 'utilization' : 'instance_attributes', name, value)
    e.configChanged = true
  }
  return e
}

export function getNodeAttribute(cib: Cib, uname: string, name: string, lifetime: Lifetime = 'forever', set: 'instance_attributes' | 'utilization' = 'instance_attributes'): string | undefined {
  const node = requireNode(cib, uname)
  if (lifetime === 'reboot') {
    const state = cib.status.find((s) => s.id === node.id)
    return state ? getPair(state.transientAttributes, name) : undefined
  }
  return getPair(set === 'utilization' ? node.utilization : node.instanceAttributes, name)
}

/** `crm node standby NODE [reboot|forever]`: standby=on with that lifetime; the other lifetime's standby is removed (§7.3.7). */
export function standbyNode(cib: Cib, uname: string, lifetime: Lifetime = 'forever'): AdminEdit {
  const e = setNodeAttribute(cib, uname, 'standby', 'on', lifetime)
  const node = requireNode(e.cib, uname)
  if (lifetime === 'reboot') e.configChanged = deletePair(node.instanceAttributes, 'standby')
  else if (getNodeAttribute(e.cib, uname, 'standby', 'reboot') !== undefined) e.statusOps.push({op: 'transient-attributes', id: node.id, uname: node.uname, attributes: {standby: undefined}})
  e.notes.push(`INFO: standby node ${node.uname}`)
  return e
}

/**
 * `crm node fence NODE`: crmsh sets the transient attribute terminate=true (crm_attribute -t status);
 * the DC's scheduler then fences the node ("termination was requested") with its fencer, and the
 * fencing erases the node's transient attributes again. With stonith-enabled=false the scheduler
 * ignores the request, so it is refused here instead of being silently dropped.
 */
export function fenceNode(cib: Cib, uname: string): AdminEdit {
  const e = edit(cib)
  const node = requireNode(e.cib, uname)
  const enabled = clusterOption(e.cib, 'stonith-enabled')
  if (enabled !== undefined && /^(false|no|off|0|n)$/i.test(enabled)) throw new UserError(`stonith-enabled is false: the cluster cannot fence ${node.uname}`, 1)
  e.statusOps.push({op: 'transient-attributes', id: node.id, uname: node.uname, attributes: {terminate: 'true'}})
  e.notes.push(`INFO: fencing of ${node.uname} requested (terminate=true)`)
  return e
}

/** `crm node online NODE`: every existing standby attribute of the node becomes off (not deleted). */
export function onlineNode(cib: Cib, uname: string): AdminEdit {
  const e = edit(cib)
  const node = requireNode(e.cib, uname)
  if (getPair(node.instanceAttributes, 'standby') !== undefined) {
    setPair(node.instanceAttributes, `nodes-${node.id}`, 'instance_attributes', 'standby', 'off')
    e.configChanged = true
  }
  if (getNodeAttribute(e.cib, uname, 'standby', 'reboot') !== undefined) e.statusOps.push({op: 'transient-attributes', id: node.id, uname: node.uname, attributes: {standby: 'off'}})
  if (!e.configChanged && e.statusOps.length === 0) {
    setPair(node.instanceAttributes, `nodes-${node.id}`, 'instance_attributes', 'standby', 'off')
    e.configChanged = true
  }
  e.notes.push(`INFO: online node ${node.uname}`)
  return e
}

/** `crm node maintenance NODE` / `crm node ready NODE`: the node's maintenance attribute on/off. */
export function nodeMaintenance(cib: Cib, uname: string, on: boolean): AdminEdit {
  return setNodeAttribute(cib, uname, 'maintenance', on ? 'on' : 'off')
}

/** `crm node clearstate NODE`: forget the node's status (history and transient attributes), as after it was fenced. */
export function clearNodeState(cib: Cib, uname: string): AdminEdit {
  const e = edit(cib)
  const node = requireNode(e.cib, uname)
  const state = e.cib.status.find((s) => s.id === node.id)
  if (state) {
    e.statusOps.push({op: 'node-state', id: node.id, uname: node.uname, attributes: {in_ccm: 'false', crmd: 'offline', join: 'down', expected: 'down'}})
    e.statusOps.push({op: 'node-lrm', id: node.id, uname: node.uname, lrm: []})
    e.statusOps.push({op: 'clear-transient', id: node.id})
  }
  return e
}

export {nodeIdOf}

/** `crm node show`'s lines: `n1(1): member` then `\tstandby=on` per permanent attribute, and the node's state. */
export function describeNodes(cib: Cib): string[] {
  const lines: string[] = []
  for (const n of cib.nodes) {
    const state = cib.status.find((s) => s.id === n.id)
    const online = state?.attributes.crmd === 'online' && state.attributes.in_ccm !== 'false'
    lines.push(`${n.uname}(${n.id}): ${n.type ?? 'member'}${state ? (online ? '' : ' (offline)') : ''}`)
    for (const set of n.instanceAttributes) for (const p of set.pairs) lines.push(`\t${p.name}=${p.value ?? ''}`)
    for (const set of n.utilization) for (const p of set.pairs) lines.push(`\tutilization ${p.name}=${p.value ?? ''}`)
  }
  return lines
}
