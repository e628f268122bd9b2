/**
 * Builds the scheduler's resource tree from the CIB configuration:
 * primitives, groups and clones (with their instances), meta attributes
 * merged with rsc_defaults, and per-kind behaviour attached.
 */
import type * as M from '../../formats/cib/model.js'
import {primitiveUtilization} from './utilization.js'
import {evalRule, type RuleContext} from './rules.js'
import {INFINITY, intervalMs, isFalse, isTrue, parseScoreText} from './scores.js'
import {type OpConfig, type Rsc, Role, type SNode, type Variant, type VariantMethods, type WorkingSet, roleFromText} from './types.js'

/** Filled in by index.ts to avoid import cycles. */
export const variantMethods: Record<Variant, VariantMethods> = {} as Record<Variant, VariantMethods>

/**
 * Values of nvpair sets as Pacemaker merges them: sets by score (highest
 * first; for equal scores the later set first, because the C code prepends
 * them before a stable sort), the first value of a name wins. `alwaysFirst`
 * names a set that goes first regardless (cib-bootstrap-options).
 */
export function nvsetValues(sets: M.NvSet[], into: Map<string, string> = new Map(), alwaysFirst?: string, accept?: (rule: M.Rule) => boolean): Map<string, string> {
  // most lists have no set or one (a resource's instance attributes, op_defaults): nothing to order
  const ordered = sets.length < 2 ? sets : orderedSets(sets, alwaysFirst)
  for (const set of ordered) {
    // a set whose rule does not hold contributes nothing
    if (set.rule && accept && !accept(set.rule)) continue
    for (const p of set.pairs) {
      if (p.value === undefined) continue
      // "#default" removes an explicit value instead of setting one
      if (p.value.toLowerCase() === '#default') into.delete(p.name)
      else if (!into.has(p.name)) into.set(p.name, p.value)
    }
  }
  return into
}

function orderedSets(sets: M.NvSet[], alwaysFirst: string | undefined): M.NvSet[] {
  const score = (x: M.NvSet) => (x.score === undefined ? 0 : parseScoreText(x.score, 0))
  return [...sets].reverse().map((set, i) => ({set, i})).sort((a, b) => {
    if (alwaysFirst !== undefined) {
      if (a.set.id === alwaysFirst) return -1
      if (b.set.id === alwaysFirst) return 1
    }
    return score(b.set) - score(a.set) || a.i - b.i
  }).map(({set}) => set)
}

export function newRsc(ws: WorkingSet, id: string, variant: Variant, meta: Map<string, string>, parent?: Rsc): Rsc {
  const rsc: Rsc = {
    id, variant, fns: variantMethods[variant], parent, children: [], cls: '', type: '', meta, ops: [],
    priority: parseScoreText(meta.get('priority'), 0),
    stickiness: 0, migrationThreshold: INFINITY, failureTimeoutMs: 0,
    managed: true, failed: false, stopFlag: false, block: false, orphan: false, unique: false, promotable: false,
    critical: true, isFenceDevice: false, needs: 'quorum',
    provisional: true, allocating: false, merging: false, restarting: false,
    role: Role.Stopped, nextRole: Role.Unknown, runningOn: [], knownOn: new Set(), allowed: new Map(), allocatedTo: null,
    thisWith: [], withThis: [], actions: [],
    cloneMax: 0, cloneNodeMax: 1, promotedMax: 1, promotedNodeMax: 1, interleave: false, ordered: false, colocated: true,
    promotionPriority: 0, sortIndex: 0, explicitNextRole: false, promotedLocations: [], configured: true,
    failedOn: new Set(), failureIgnored: false,
  }
  const stick = meta.get('resource-stickiness') ?? meta.get('resource_stickiness')
  rsc.stickiness = stick !== undefined && stick !== 'default' ? parseScoreText(stick, 0) : 0
  const mt = meta.get('migration-threshold')
  if (mt !== undefined) rsc.migrationThreshold = parseScoreText(mt, INFINITY)
  const ft = meta.get('failure-timeout')
  if (ft !== undefined) rsc.failureTimeoutMs = intervalMs(ft) ?? 0
  const managed = meta.get('is-managed')
  if (managed !== undefined) rsc.managed = isTrue(managed)
  if (isTrue(meta.get('critical') ?? 'true') === false) rsc.critical = false
  if (parent && !parent.managed) rsc.managed = false
  if (isTrue(meta.get('maintenance')) || ws.options.maintenanceMode) {
    rsc.managed = false
    rsc.maintenance = true
  }
  // Only clone instances can be anonymous; everything else is globally unique.
  const top = parent && topParent(parent)
  if (top?.variant === 'clone') {
    rsc.unique = isTrue(meta.get('globally-unique'))
    rsc.promotable = top.promotable
  } else if (variant !== 'clone') {
    rsc.unique = true
  } else {
    rsc.promotable = isTrue(meta.get('promotable'))
  }
  rsc.notify = isTrue(meta.get('notify'))
  rsc.allowMigrate = isTrue(meta.get('allow-migrate'))
  const multipleActive = (meta.get('multiple-active') ?? '').toLowerCase()
  rsc.recovery = multipleActive === 'stop_only' || multipleActive === 'block' || multipleActive === 'stop_unexpected' ? multipleActive : 'stop_start'
  const target = targetRole(rsc)
  if (target !== undefined) {
    rsc.nextRole = target
    rsc.explicitNextRole = true
  }
  ws.byId.set(id, rsc)
  return rsc
}

/**
 * The role target-role asks for, if it restricts anything (get_target_role):
 * Started, "default" and roles above Unpromoted are no restriction; roles
 * above Started only mean something for promotable clones.
 */
export function targetRole(rsc: Rsc): Role | undefined {
  const value = rsc.meta.get('target-role')
  if (value === undefined || /^(started|default|#default)$/i.test(value)) return undefined
  const role = roleFromText(value)
  if (role === Role.Unknown) return undefined
  if (role > Role.Started) {
    if (!rsc.promotable) return undefined
    if (role > Role.Unpromoted) return undefined
  }
  return role
}

function opConfigs(prim: M.Primitive, ws: WorkingSet): OpConfig[] {
  return prim.operations.map((op) => {
    const ctx: RuleContext = {now: ws.now, rsc: {cls: prim.class, provider: prim.provider, type: prim.type}, op: {name: op.name, intervalMs: intervalMs(op.interval) ?? 0}}
    const accept = (rule: M.Rule) => evalRule(rule, null, ctx)
    const opDefaults = nvsetValues(ws.cib.opDefaults, new Map(), undefined, accept)
    const meta = nvsetValues(op.metaAttributes, new Map(), undefined, accept)
    const get = (k: string) => op.attributes[k] ?? meta.get(k) ?? opDefaults.get(k)
    return {
      name: op.name,
      intervalMs: intervalMs(op.interval) ?? 0,
      role: roleFromText(get('role')),
      ...(op.attributes.role !== undefined ? {configuredRole: roleFromText(op.attributes.role)} : {}),
      onFail: get('on-fail'),
      enabled: get('enabled') === undefined ? true : isTrue(get('enabled')),
      timeout: get('timeout'),
    }
  })
}

function setupPrimitive(ws: WorkingSet, rsc: Rsc, prim: M.Primitive): void {
  rsc.prim = prim
  rsc.cls = prim.class
  rsc.provider = prim.provider
  rsc.type = prim.type
  rsc.ops = opConfigs(prim, ws)
  rsc.utilization = primitiveUtilization(ws, rsc)
  rsc.isFenceDevice = prim.class === 'stonith'
  if (rsc.isFenceDevice) ws.options.haveStonithResource = true
  const req = rsc.meta.get('requires')
  const remoteConnection = prim.class === 'ocf' && prim.provider === 'pacemaker' && prim.type === 'remote'
  // remote connections migrate unless told otherwise, and need only quorum
  if (remoteConnection && rsc.meta.get('allow-migrate') === undefined && rsc.meta.get('container') === undefined) rsc.allowMigrate = true
  // unpack_requires: a fencing device or a connection needs quorum unless told otherwise (an explicit
  // requires=fencing, e.g. from rsc_defaults, holds for a device too; unfencing does not)
  if ((rsc.isFenceDevice || remoteConnection) && req === undefined) rsc.needs = 'quorum'
  else if (req === 'nothing') rsc.needs = 'nothing'
  else if (req === 'quorum') rsc.needs = 'quorum'
  else if (req === 'fencing') rsc.needs = 'fencing'
  else if (req === 'unfencing' || (ws.options.enableUnfencing && req === undefined)) {
    // requires=unfencing (the default once a device provides unfencing) needs fencing and unfencing
    if (ws.options.stonithEnabled && !rsc.isFenceDevice) { rsc.needs = 'fencing'; rsc.needsUnfencing = true } else rsc.needs = 'quorum'
  } else if (ws.options.stonithEnabled) rsc.needs = 'fencing'
  // without fencing and with no-quorum-policy=ignore, nothing is required to start (unpack_requires)
  else if (ws.options.noQuorumPolicy === 'ignore') rsc.needs = 'nothing'
  else rsc.needs = 'quorum'
  if (req === 'nothing') rsc.needs = 'nothing'
}

export function mergedMeta(ws: WorkingSet, sets: M.NvSet[], parentMeta?: Map<string, string>, agent?: RuleContext['rsc']): Map<string, string> {
  const accept = (rule: M.Rule) => evalRule(rule, null, {now: ws.now, rsc: agent})
  const meta = nvsetValues(sets, new Map(), undefined, accept)
  // Parent (clone/group) meta attributes are inherited by children.
  if (parentMeta) for (const [k, v] of parentMeta) if (!meta.has(k)) meta.set(k, v)
  for (const [k, v] of nvsetValues(ws.cib.rscDefaults, new Map(), undefined, accept)) if (!meta.has(k)) meta.set(k, v)
  return meta
}

export function buildPrimitive(ws: WorkingSet, prim: M.Primitive, parent: Rsc | undefined, idSuffix = ''): Rsc {
  const meta = mergedMeta(ws, prim.metaAttributes, parent?.meta, {cls: prim.class, provider: prim.provider, type: prim.type})
  const rsc = newRsc(ws, prim.id + idSuffix, 'primitive', meta, parent)
  setupPrimitive(ws, rsc, prim)
  return rsc
}

function buildGroup(ws: WorkingSet, group: M.Group, parent: Rsc | undefined, idSuffix = ''): Rsc {
  const meta = mergedMeta(ws, group.metaAttributes, parent?.meta)
  const rsc = newRsc(ws, group.id + idSuffix, 'group', meta, parent)
  rsc.instanceSets = group.instanceAttributes
  // deprecated since 2.1.5; only a valid false turns them off (set_group_flag)
  rsc.ordered = !isFalse(meta.get('ordered'))
  rsc.colocated = !isFalse(meta.get('collocated'))
  // Group stickiness and target-role apply to members through meta inheritance.
  for (const child of group.children) rsc.children.push(buildPrimitive(ws, child, rsc, idSuffix))
  return rsc
}

export function buildClone(ws: WorkingSet, clone: M.Clone, parent?: Rsc, position = ws.cib.resources.indexOf(clone)): Rsc {
  const meta = mergedMeta(ws, clone.metaAttributes, parent?.meta)
  if (clone.promotable) meta.set('promotable', 'true')
  const rsc = newRsc(ws, clone.id, 'clone', meta, parent)
  rsc.instanceSets = clone.instanceAttributes
  rsc.promotable = clone.promotable
  rsc.unique = isTrue(meta.get('globally-unique'))
  rsc.interleave = isTrue(meta.get('interleave'))
  rsc.ordered = isTrue(meta.get('ordered'))
  // clone-max defaults to the nodes known when the clone is unpacked: guest nodes of later bundles do not count yet
  const nodes = ws.nodes.length - bundleNodesAfter(ws, position)
  // (but at least 1: clone_unpack's default, so a CIB without nodes still has an instance)
  rsc.cloneMax = parseScoreText(meta.get('clone-max'), Math.max(1, nodes))
  rsc.cloneNodeMax = parseScoreText(meta.get('clone-node-max'), 1)
  rsc.promotedMax = parseScoreText(meta.get('promoted-max') ?? meta.get('master-max'), 1)
  rsc.promotedNodeMax = parseScoreText(meta.get('promoted-node-max') ?? meta.get('master-node-max'), 1)
  // pe__force_anon: only ocf and stonith agents can be globally unique clones; a clone of any other
  // class is anonymous, at most one instance per node
  const members = clone.child.kind === 'group' ? clone.child.children : [clone.child]
  if (rsc.unique && members.some((p) => !['ocf', 'stonith'].includes(p.class.toLowerCase()))) {
    rsc.unique = false
    rsc.forcedAnonymous = true
    meta.set('globally-unique', 'false')
    rsc.cloneNodeMax = 1
    rsc.cloneMax = Math.min(rsc.cloneMax, nodes)
  }
  // Clones are slightly sticky by default (clone.c), and instances inherit it.
  if (!meta.has('resource-stickiness') && !meta.has('resource_stickiness')) {
    rsc.meta.set('resource-stickiness', '1')
    rsc.stickiness = 1
  }
  for (let i = 0; i < rsc.cloneMax; i++) addCloneInstance(ws, rsc, clone, i)
  if (rsc.cloneMax === 0) {
    // even with clone-max=0 there is an (orphan) instance :0 for the history to match
    const orphan = (r: Rsc) => { r.orphan = true; r.children.forEach(orphan) }
    orphan(addCloneInstance(ws, rsc, clone, 0))
  }
  return rsc
}

export function addCloneInstance(ws: WorkingSet, rsc: Rsc, clone: M.Clone, i: number): Rsc {
  const child = clone.child.kind === 'group' ? buildGroup(ws, clone.child, rsc, `:${i}`) : buildPrimitive(ws, clone.child, rsc, `:${i}`)
  child.instance = i
  for (const m of child.children) m.instance = i
  rsc.children.push(child)
  return child
}

/** Set by index.ts: builds the bundles, each at its place among the configured resources (bundle.ts). */
export let buildBundles: (ws: WorkingSet, top: Rsc[]) => void = () => {}
/** Set by index.ts: how many guest nodes bundles configured after a resource position create (bundle.ts). */
export let bundleNodesAfter: (ws: WorkingSet, position: number) => number = () => 0
export function setBundleBuilder(build: typeof buildBundles, nodesAfter: typeof bundleNodesAfter): void {
  buildBundles = build
  bundleNodesAfter = nodesAfter
}

export function buildResources(ws: WorkingSet): void {
  const top: Rsc[] = []
  for (const r of ws.cib.resources) {
    if (r.kind === 'primitive') top.push(buildPrimitive(ws, r, undefined))
    else if (r.kind === 'group') top.push(buildGroup(ws, r, undefined))
    else top.push(buildClone(ws, r))
  }
  buildBundles(ws, top)
  top.forEach((r, i) => { r.sortIndex = i })
  // Allocation order: priority (highest first), configuration order otherwise.
  ws.resources = [...top].sort((a, b) => b.priority - a.priority || a.sortIndex - b.sortIndex)
  ws.configOrder = top
}

/**
 * uber_parent: the topmost parent below a bundle (a bundle's own child counts as the top; the
 * resource itself when it has no parent) — the clone of an instance, its group member's clone.
 */
export function topParent(rsc: Rsc): Rsc {
  let r = rsc
  while (r.parent && r.parent.variant !== 'bundle') r = r.parent
  return r
}

/** pe_rsc_is_bundled: part of a bundle */
export const isBundled = (rsc: Rsc): boolean => topParent(rsc).parent !== undefined

export function allPrimitives(rsc: Rsc): Rsc[] {
  if (rsc.variant === 'primitive') return [rsc]
  return rsc.children.flatMap(allPrimitives)
}

export function isCloneInstance(rsc: Rsc): boolean {
  return rsc.parent?.variant === 'clone' || rsc.parent?.parent?.variant === 'clone'
}

export function cloneOf(rsc: Rsc): Rsc | undefined {
  if (rsc.parent?.variant === 'clone') return rsc.parent
  if (rsc.parent?.parent?.variant === 'clone') return rsc.parent.parent
  return undefined
}

/** pe_rsc_params: a resource's instance attributes as they apply on a node, then its parents' */
export function resourceParams(ws: WorkingSet, rsc: Rsc, node: SNode | null): Map<string, string> {
  const accept = (rule: M.Rule) => evalRule(rule, node, {now: ws.now})
  const params = nvsetValues(rsc.prim?.instanceAttributes ?? rsc.instanceSets ?? [], new Map(), undefined, accept)
  for (let p = rsc.parent; p; p = p.parent) for (const [k, v] of nvsetValues(p.instanceSets ?? [], new Map(), undefined, accept)) if (!params.has(k)) params.set(k, v)
  return params
}
