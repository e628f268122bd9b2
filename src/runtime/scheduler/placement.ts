/**
 * Node scores and assignment of resources to nodes: location constraints,
 * stickiness, failure thresholds, colocations (Pacemaker's
 * pcmk_sched_allocate.c, pcmk_sched_primitive.c assign, pcmk_sched_colocation.c).
 */
import {banInsufficientCapacity, compareNodeCapacities, consumeCapacity, releaseCapacity} from './utilization.js'
import {addScores, INFINITY, numericCompare, strcmp} from './scores.js'
import {failCount, resourceLocation} from './unpack.js'
import {applyShutdownLocks} from './shutdown-lock.js'
import {remoteConnectionAssigned} from './remote.js'
import {type Colocation, type LocationRule, type Rsc, Role, type SNode, type WorkingSet} from './types.js'
import {topParent} from './resources.js'
import {glistSort, hashTableOrder} from './ghash.js'

/** Used to mark a node unusable while merging colocated scores. */
const INFINITY_HACK = INFINITY * -100

export function nodeAvailable(node: SNode, weight: number | undefined, considerScore: boolean): boolean {
  if (!node.online || node.shutdown || node.unclean || node.standby || node.maintenance) return false
  if (considerScore && (weight ?? 0) < 0) return false
  return true
}

/** A copy of a node-score table (forEach: new Map(table) walks an iterator, which allocates per entry in cold code). */
export function copyScores(scores: Map<SNode, number>): Map<SNode, number> {
  const copy = new Map<SNode, number>()
  scores.forEach((w, n) => copy.set(n, w))
  return copy
}

export function anyNodeAvailable(nodes: Map<SNode, number>): boolean {
  for (const [n, w] of nodes) if (w >= 0 && nodeAvailable(n, w, false)) return true
  return false
}

/** Current node of a resource (pe__current_node: first of running_on). */
export function currentNode(rsc: Rsc): SNode | null {
  let active: SNode | null = null
  for (const node of rsc.runningOn) {
    const happy = node.online && !node.unclean
    if (rsc.partialMigrationSource) {
      if (node === rsc.partialMigrationSource) active = node
    } else if (rsc.needs !== 'fencing') {
      if (happy && (!active || !active.online || active.unclean)) active = node
    }
    if (!active) active = node
  }
  return active
}

/** Sorts candidate nodes by preference (compare_nodes). */
export function sortNodes(nodes: Array<[SNode, number]>, active: SNode | null): Array<[SNode, number]> {
  // (indexing, not destructuring: destructuring walks an iterator, which allocates in cold code)
  const compare = (e1: [SNode, number], e2: [SNode, number]): number => {
    const n1 = e1[0]
    const w1 = e1[1]
    const n2 = e2[0]
    const w2 = e2[1]
    const a = nodeAvailable(n1, w1, false) ? w1 : -INFINITY
    const b = nodeAvailable(n2, w2, false) ? w2 : -INFINITY
    if (a > b) return -1
    if (a < b) return 1
    const strategy = n1.strategy
    if (strategy === 'minimal') return strcmp(n1.uname, n2.uname)
    if (strategy === 'balanced') {
      const c = compareNodeCapacities(n1, n2)
      if (c !== 0) return c < 0 ? -1 : 1
    }
    return compareLoadActiveName(n1, n2, active)
  }
  // the balanced strategy's capacity comparison is not transitive: the order then depends on
  // g_list_sort's merge order (any stable sort gives the same result for a total order)
  return nodes.length > 0 && nodes[0][0].strategy === 'balanced' ? sortNodesBalanced(nodes, active) : nodes.sort(compare)
}

/** compare_nodes' last steps: fewer resources first, then the resource's active node, then by name. */
function compareLoadActiveName(n1: SNode, n2: SNode, active: SNode | null): number {
  if (n1.numResources < n2.numResources) return -1
  if (n1.numResources > n2.numResources) return 1
  if (active) {
    if (active === n1) return -1
    if (active === n2) return 1
  }
  return strcmp(n1.uname, n2.uname)
}

const sortStable = <T>(list: T[], cmp: (a: T, b: T) => number): T[] => list.sort(cmp)

interface BalancedKey {entry: [SNode, number]; score: number; capacities: number[]}

/**
 * compare_nodes under the balanced strategy (every node of a working set has the same strategy),
 * in g_list_sort's merge order. What a comparison reads does not change while sorting, so each
 * node's score and capacities are looked up once per sort, not once per comparison: the
 * capacities as one array over the names any of these nodes has (a name a node lacks counts as
 * 0, which is what pcmk__compare_node_capacities's two loops amount to).
 */
function sortNodesBalanced(nodes: Array<[SNode, number]>, active: SNode | null): Array<[SNode, number]> {
  const names: string[] = []
  for (let i = 0; i < nodes.length; i++) {
    nodes[i][0].utilization?.forEach((_v, name) => { if (!names.includes(name)) names.push(name) })
  }
  const keys: BalancedKey[] = []
  for (let i = 0; i < nodes.length; i++) {
    const entry = nodes[i]
    const node = entry[0]
    const capacities: number[] = []
    for (let k = 0; k < names.length; k++) capacities.push(node.utilization?.get(names[k]) ?? 0)
    keys.push({entry, score: nodeAvailable(node, entry[1], false) ? entry[1] : -INFINITY, capacities})
  }
  // with one capacity name (or none) the comparison is a total preorder (each step compares one
  // number or name), where every stable sort gives g_list_sort's result: the built-in sort then
  // does the merging as compiled code, not as cold script. With two or more names it is not
  // transitive (who has more of which), and only g_list_sort's own merge order gives Pacemaker's.
  const sort = names.length <= 1 ? sortStable : glistSort
  sort(keys, (k1, k2) => {
    if (k1.score > k2.score) return -1
    if (k1.score < k2.score) return 1
    let c = 0
    const c1 = k1.capacities
    const c2 = k2.capacities
    for (let k = 0; k < c1.length; k++) {
      if (c1[k] > c2[k]) c--
      else if (c1[k] < c2[k]) c++
    }
    if (c !== 0) return c < 0 ? -1 : 1
    return compareLoadActiveName(k1.entry[0], k2.entry[0], active)
  })
  for (let i = 0; i < keys.length; i++) nodes[i] = keys[i].entry
  return nodes
}

export function applyLocation(rsc: Rsc, loc: LocationRule): void {
  if (loc.role > Role.Unknown && loc.role !== rsc.nextRole) return
  for (const {node, score} of loc.nodes) {
    const cur = rsc.allowed.get(node)
    rsc.allowed.set(node, cur === undefined ? score : addScores(cur, score))
    const discover = loc.discover ?? 0
    if ((rsc.discoverMode?.get(node) ?? 0) < discover) {
      if (discover === 2) rsc.exclusiveDiscover = true
      ;(rsc.discoverMode ??= new Map()).set(node, discover)
    }
  }
}

/** apply_exclusive_discovery: with resource-discovery=exclusive, only the nodes named for discovery may run it */
function applyExclusiveDiscovery(rsc: Rsc, node: SNode): void {
  if (!rsc.exclusiveDiscover && !topParent(rsc).exclusiveDiscover) return
  for (const c of rsc.children) applyExclusiveDiscovery(c, node)
  if (rsc.allowed.has(node) && rsc.discoverMode?.get(node) !== 2) rsc.allowed.set(node, -INFINITY)
}

function applyStickiness(ws: WorkingSet, rsc: Rsc): void {
  if (rsc.children.length > 0) {
    for (const c of rsc.children) applyStickiness(ws, c)
    return
  }
  if (!rsc.managed || rsc.stickiness < 1 || rsc.runningOn.length !== 1) return
  const node = rsc.runningOn[0]
  if (!ws.options.symmetric && !rsc.allowed.has(node)) return
  resourceLocation(ws, rsc, node, rsc.stickiness)
}

function checkFailureThreshold(ws: WorkingSet, rsc: Rsc, node: SNode): void {
  if (rsc.children.length > 0) {
    for (const c of rsc.children) checkFailureThreshold(ws, c, node)
    return
  }
  if (rsc.migrationThreshold === 0 || rsc.failureIgnored) return
  // a fail count about to be cleared does not force the resource away
  if (rsc.failcountCleared?.has(node)) return
  // a container's fail count includes the failures of the resources inside it (pe_fc_fillers)
  let fc = failCount(ws, rsc, node)
  if (rsc.fillers) for (const filler of rsc.fillers) fc = addScores(fc, failCount(ws, filler, node))
  if (fc <= 0) return
  const ban = rsc.unique ? rsc : topParent(rsc)
  if (rsc.migrationThreshold - fc <= 0) resourceLocation(ws, ban, node, -INFINITY)
}

export function applyNodeCriteria(ws: WorkingSet): void {
  applyShutdownLocks(ws)
  for (const loc of ws.locations) loc.rsc.fns.applyLocation(loc.rsc, loc)
  for (const r of ws.resources) applyStickiness(ws, r)
  for (const node of ws.nodes) {
    for (const r of ws.resources) {
      checkFailureThreshold(ws, r, node)
      applyExclusiveDiscovery(r, node)
    }
  }
}

// ------------------------------------------------------------ colocation --

export type CoLocAffects = 'nothing' | 'location' | 'role'

export function colocationAffects(dependent: Rsc, primary: Rsc, c: Colocation, preview: boolean): CoLocAffects {
  if (!preview && primary.provisional) return 'nothing'
  if (c.dependentRole >= Role.Unpromoted && dependent.parent?.promotable && !dependent.provisional) return 'role'
  if (!preview && !dependent.provisional) return 'nothing'
  if (c.score > 0 && c.dependentRole !== Role.Unknown && c.dependentRole !== dependent.nextRole) return 'nothing'
  if (c.score > 0 && c.primaryRole !== Role.Unknown && c.primaryRole !== primary.nextRole) return 'nothing'
  if (c.score < 0 && c.dependentRole !== Role.Unknown && c.dependentRole === dependent.nextRole) return 'nothing'
  if (c.score < 0 && c.primaryRole !== Role.Unknown && c.primaryRole === primary.nextRole) return 'nothing'
  return 'location'
}

function nodeAttr(node: SNode, attr: string | undefined): string | undefined {
  return node.attrs.get(attr ?? '#uname')
}

export function applyColocToWeights(dependent: Rsc, primary: Rsc, c: Colocation): void {
  const attr = c.nodeAttribute ?? '#id'
  let value: string | undefined
  if (primary.allocatedTo) value = primary.allocatedTo.attrs.get(attr)
  else if (c.score < 0) return
  const work = copyScores(dependent.allowed)
  work.forEach((w, node) => {
    if (!primary.allocatedTo) work.set(node, addScores(-c.score, w))
    else if (node.attrs.get(attr) === value) {
      if (c.score < INFINITY) work.set(node, addScores(c.score, w))
    } else if (c.score >= INFINITY) work.set(node, addScores(-c.score, w))
  })
  if (c.score <= -INFINITY || c.score >= INFINITY || anyNodeAvailable(work)) dependent.allowed = work
}

export function applyColocToPriority(dependent: Rsc, primary: Rsc, c: Colocation): void {
  if (!dependent.allocatedTo || !primary.allocatedTo) return
  const attr = c.nodeAttribute ?? '#id'
  if (primary.allocatedTo.attrs.get(attr) !== dependent.allocatedTo.attrs.get(attr)) {
    if (c.score === INFINITY && c.dependentRole === Role.Promoted) dependent.priority = -INFINITY
    return
  }
  if (c.primaryRole !== Role.Unknown && c.primaryRole !== primary.nextRole) return
  const mult = c.dependentRole === Role.Unpromoted ? -1 : 1
  dependent.priority = addScores(mult * c.score, dependent.priority)
}

/**
 * The best score of rsc's available allowed nodes for each value of the attribute (at least
 * -INFINITY): one pass over rsc's nodes instead of one per node scored (best_node_score_matching_attr).
 */
function bestNodeScoresByAttr(rsc: Rsc, attr: string): Map<string, number> {
  const best = new Map<string, number>()
  rsc.allowed.forEach((w, node) => {
    if (!nodeAvailable(node, w, false)) return
    const value = node.attrs.get(attr)
    if (value === undefined) return
    const b = best.get(value) ?? -INFINITY
    if (w > b) best.set(value, w)
  })
  return best
}

function addNodeScoresMatchingAttr(nodes: Map<SNode, number>, rsc: Rsc, attr: string | undefined, factor: number, onlyPositive: boolean): void {
  const a = attr ?? '#uname'
  const bestByValue = bestNodeScoresByAttr(rsc, a)
  // (forEach: only the entry being visited is set, which is what for…of over the map did)
  nodes.forEach((w, node) => {
    const value = nodeAttr(node, a)
    const score = value === undefined ? -INFINITY : bestByValue.get(value) ?? -INFINITY
    if (factor < 0 && score < 0) return
    if (w === INFINITY_HACK) return
    const f = factor * score
    let weight = Math.trunc(f < 0 ? f - 0.5 : f + 0.5)
    if (weight === 0 && score !== 0) weight = factor > 0 ? 1 : factor < 0 ? -1 : 0
    const ns = addScores(weight, w)
    if (onlyPositive && ns < 0 && w > 0) { nodes.set(node, INFINITY_HACK); return }
    if (onlyPositive && ns < 0 && w === 0) return
    nodes.set(node, ns)
  })
}

export interface MergeFlags {
  thisWith: boolean
  active: boolean
  nonNegative: boolean
}

/** pcmk__add_colocated_node_scores */
export function addColocatedNodeScores(rsc: Rsc, nodes: Map<SNode, number> | null, attr: string | undefined, factor: number, flags: MergeFlags): Map<SNode, number> | null {
  if (rsc.merging) return nodes
  rsc.merging = true
  let work: Map<SNode, number> | null
  if (rsc.variant === 'group') {
    if (rsc.children.length === 0) { rsc.merging = false; return nodes }
    const member = nodes === null ? rsc.children[rsc.children.length - 1] : rsc.children[0]
    work = addColocatedNodeScores(member, nodes === null ? null : copyScores(nodes), attr, factor, flags)
    if (work === null) { rsc.merging = false; return nodes }
  } else if (nodes === null) {
    work = copyScores(rsc.allowed)
  } else {
    work = copyScores(nodes)
    addNodeScoresMatchingAttr(work, rsc, attr, factor, flags.nonNegative)
  }
  if (anyNodeAvailable(work)) {
    const multiplier = factor < 0 ? -1 : 1
    let list: Colocation[]
    if (flags.thisWith) list = rsc.thisWith
    else if (rsc.variant === 'group') list = rsc.children[rsc.children.length - 1].withThis
    else list = rsc.withThis
    for (const c of list) {
      if (!flags.thisWith && !colocationHasInfluence(c)) continue
      const other = flags.thisWith ? c.primary : c.dependent
      const f = multiplier * c.score / INFINITY
      work = addColocatedNodeScores(other, work, c.nodeAttribute, f, {...flags, active: true}) ?? work
    }
  } else if (flags.active) {
    rsc.merging = false
    return nodes
  }
  if (flags.nonNegative) for (const [n, w] of work) if (w === INFINITY_HACK) work.set(n, 1)
  rsc.merging = false
  return work
}

// ------------------------------------------------------------ primitives --

/**
 * pcmk__finalize_assignment. The chosen node's weight is kept as Pacemaker's copy of the chosen
 * node has it: the resource's score there when chosen from its allowed nodes, `chosenWeight`
 * when the node comes from elsewhere (an unmanaged resource's current node).
 */
export function finalizeAssignment(ws: WorkingSet, rsc: Rsc, chosen: SNode | null, force: boolean, chosenWeight?: number): boolean {
  if (!force && chosen) {
    const w = rsc.allowed.get(chosen) ?? 0
    // the graph may assume that a guest node's connection will come up
    if (w < 0 || (!nodeAvailable(chosen, w, true) && !chosen.guest)) {
      rsc.nextRole = Role.Stopped
      chosen = null
    }
  }
  unassign(rsc)
  rsc.provisional = false
  if (!chosen) {
    rsc.nextRole = Role.Stopped
    for (const a of rsc.actions) {
      if (a.task === 'stop' && a.intervalMs === 0) a.optional = false
      else if (a.task === 'start' && a.intervalMs === 0) a.runnable = false
      else if (a.intervalMs > 0) a.runnable = false
    }
    return false
  }
  rsc.allocatedTo = chosen
  rsc.allocatedWeight = chosenWeight ?? rsc.allowed.get(chosen) ?? 0
  chosen.numResources++
  consumeCapacity(chosen, rsc)
  return true
}

/** pcmk__assign_resource: assigns a resource (each primitive under it) to a node, or to none (stopped). */
export function assignResource(ws: WorkingSet, rsc: Rsc, node: SNode | null, force: boolean): void {
  if (rsc.children.length === 0) finalizeAssignment(ws, rsc, node, force)
  else for (const child of rsc.children) assignResource(ws, child, node, force)
}

function unassign(rsc: Rsc): void {
  if (rsc.allocatedTo) {
    rsc.allocatedTo.numResources--
    releaseCapacity(rsc.allocatedTo, rsc)
    rsc.allocatedTo = null
  }
}

/**
 * The allowed nodes in the order g_hash_table_get_values lists them (the table's order, reversed:
 * it prepends), which decides the balanced strategy's non-transitive sort; other strategies sort
 * to a total order, where the table order does not matter.
 */
function allowedInTableOrder(rsc: Rsc): Array<[SNode, number]> {
  const entries: Array<[SNode, number]> = []
  rsc.allowed.forEach((w, n) => entries.push([n, w])) // (no iterator results, unlike a spread)
  if (entries.length === 0 || entries[0][0].strategy !== 'balanced') return entries
  const byId = new Map(entries.map((e) => [e[0].id, e]))
  if (byId.size < entries.length) return entries // (two nodes of one id: no table order to follow)
  return hashTableOrder([...byId.keys()]).map((id) => byId.get(id)!).reverse()
}

function assignBestNode(ws: WorkingSet, rsc: Rsc, preferIn: SNode | null): boolean {
  const mostFree = banInsufficientCapacity(ws, rsc, (n, w) => nodeAvailable(n, w, true), (d, p, c) => colocationAffects(d, p, c, true) === 'location')
  const prefer = preferIn ?? mostFree
  if (!rsc.provisional) return rsc.allocatedTo !== null
  const nodes = sortNodes(allowedInTableOrder(rsc), currentNode(rsc))
  const best = nodes[0]
  let chosen: [SNode, number] | undefined
  if (prefer && best) {
    const w = rsc.allowed.get(prefer)
    if (w !== undefined && w >= best[1] && nodeAvailable(prefer, w, true)) chosen = [prefer, w]
  }
  if (!chosen && best) {
    chosen = best
    const parentUnique = rsc.parent?.variant === 'clone' && rsc.parent.unique
    if (!parentUnique && chosen[1] > 0 && nodeAvailable(chosen[0], chosen[1], false)) {
      const running = currentNode(rsc)
      if (running && nodeAvailable(running, rsc.allowed.get(running), true)) {
        for (let i = 1; i < nodes.length; i++) {
          if (nodes[i][1] !== chosen[1]) break
          if (nodes[i][0] === running) chosen = nodes[i]
        }
      }
    }
  }
  return finalizeAssignment(ws, rsc, chosen ? chosen[0] : null, false)
}

function applyThisWith(ws: WorkingSet, rsc: Rsc, c: Colocation): void {
  const other = c.primary
  const archive = c.dependentRole >= Role.Promoted || (c.score < 0 && c.score > -INFINITY) ? new Map(rsc.allowed) : null
  other.fns.assign(other, null)
  rsc.fns.applyColocScore(rsc, other, c, true)
  if (archive && !anyNodeAvailable(rsc.allowed)) rsc.allowed = archive
}

/**
 * pcmk__colocation_has_influence: a bundle's connection does not move its clean, active
 * container (moving the container interrupts the service, moving the connection does not);
 * otherwise the dependent influences the primary if the colocation says so (influence, else the
 * dependent's critical) or the primary is not active yet.
 */
export function colocationHasInfluence(c: Colocation, rsc: Rsc = c.primary): boolean {
  if (c.dependent.allowRemoteRemotes && !rsc.failed && rsc.runningOn.length === 1) return false
  return c.influence || rsc.runningOn.length === 0
}

function applyWithThis(rsc: Rsc, c: Colocation): void {
  if (!colocationHasInfluence(c)) return
  const other = c.dependent
  const factor = c.score / INFINITY
  const merged = addColocatedNodeScores(other, rsc.allowed, c.nodeAttribute, factor, {thisWith: false, active: true, nonNegative: false})
  if (merged) rsc.allowed = merged
}

export function primitiveAssign(ws: WorkingSet, rsc: Rsc, prefer: SNode | null): SNode | null {
  if (rsc.parent && !rsc.parent.allocating) rsc.parent.fns.assign(rsc.parent, prefer)
  if (!rsc.provisional) return rsc.allocatedTo
  if (rsc.allocating) return null
  rsc.allocating = true
  for (const c of [...rsc.thisWith]) applyThisWith(ws, rsc, c)
  for (const c of [...rsc.withThis]) applyWithThis(rsc, c)
  if (rsc.nextRole === Role.Stopped) {
    resourceLocation(ws, rsc, null, -INFINITY)
  } else if (rsc.nextRole > rsc.role && !ws.options.haveQuorum && ws.options.noQuorumPolicy === 'freeze') {
    rsc.nextRole = rsc.role
  }
  // the scores crm_simulate shows are those after the target-role ban
  logScores(ws, rsc)
  if (ws.options.stonithEnabled && !ws.options.haveStonithResource) rsc.managed = false
  if (!rsc.managed) {
    rsc.nextRole = rsc.role
    // pe__current_node: the node itself, with its own weight
    const current = currentNode(rsc)
    finalizeAssignment(ws, rsc, current, true, current?.weight ?? 0)
  } else if (ws.options.stopAll) {
    finalizeAssignment(ws, rsc, null, true)
  } else if (rsc.provisional && assignBestNode(ws, rsc, prefer)) {
    // assigned
  }
  rsc.allocating = false
  if (rsc.isRemoteConnection) remoteConnectionAssigned(ws, rsc)
  return rsc.allocatedTo
}

export function logScores(ws: WorkingSet, rsc: Rsc, fn = 'pcmk__primitive_assign'): void {
  // no scores are shown for orphans (pe__show_node_weights_as)
  if (!ws.showScores || rsc.orphan) return
  // sorted by name as pe__cmp_node_name does (pcmk__numeric_strcasecmp)
  const sorted = [...rsc.allowed.entries()].sort(([a], [b]) => numericCompare(a.uname, b.uname))
  for (const [n, w] of sorted) ws.scoresLog.push(`${fn}: ${rsc.id} allocation score on ${n.uname}: ${w >= INFINITY ? 'INFINITY' : w <= -INFINITY ? '-INFINITY' : w}`)
  // and the same for every descendant, depth first
  for (const child of rsc.children) logScores(ws, child, fn)
}

export function primitiveApplyColocScore(dependent: Rsc, primary: Rsc, c: Colocation, forDependent: boolean): void {
  if (forDependent) {
    primary.fns.applyColocScore(dependent, primary, c, false)
    return
  }
  const f = colocationAffects(dependent, primary, c, false)
  if (f === 'role') applyColocToPriority(dependent, primary, c)
  else if (f === 'location') applyColocToWeights(dependent, primary, c)
}

// ------------------------------------------------------------ groups ------

export function groupAssign(ws: WorkingSet, rsc: Rsc, prefer: SNode | null): SNode | null {
  if (!rsc.provisional) return rsc.allocatedTo
  if (rsc.allocating) return null
  if (rsc.children.length === 0) { rsc.provisional = false; return null }
  rsc.allocating = true
  const first = rsc.children[0]
  rsc.role = first.role
  // "group with R" becomes "first member with R"; "R with group" becomes "R with last member".
  for (const c of rsc.thisWith) addThisWith(first, c)
  let anyUnmanaged = !first.managed
  for (const member of rsc.children.slice(1)) {
    if (anyUnmanaged) {
      for (const c of rsc.thisWith) if (c.score === INFINITY) addThisWith(member, c)
    } else if (!member.managed) anyUnmanaged = true
  }
  rsc.thisWith = []
  if (ws.showScores) {
    logScores(ws, rsc, 'pcmk__group_assign')
  }
  const last = rsc.children[rsc.children.length - 1]
  for (const c of rsc.withThis) addWithThis(last, c)
  rsc.withThis = []
  // the group's node is the first node any member is assigned to (a member placed nowhere is skipped)
  let firstNode: SNode | null = null
  for (const member of rsc.children) {
    const node = member.fns.assign(member, prefer)
    firstNode ??= node
  }
  rsc.nextRole = first.nextRole
  rsc.allocating = false
  rsc.provisional = false
  // members of a non-colocated group may each end up anywhere
  rsc.allocatedTo = rsc.colocated ? firstNode : null
  return rsc.allocatedTo
}

export function groupApplyColocScore(dependent: Rsc, primary: Rsc, c: Colocation, forDependent: boolean): void {
  if (forDependent) {
    if (dependent.children.length === 0) return
    // colocated: the first member (the internal colocations do the rest); otherwise each member
    // (a mandatory colocation of a non-colocated group is a configuration error, ignored)
    if (dependent.colocated) dependent.children[0].fns.applyColocScore(dependent.children[0], primary, c, true)
    else if (c.score < INFINITY) for (const member of dependent.children) member.fns.applyColocScore(member, primary, c, true)
    return
  }
  // dependent is a primitive, colocated with this group
  if (primary.provisional) return
  if (!primary.colocated) {
    if (c.score < INFINITY) for (const member of primary.children) member.fns.applyColocScore(dependent, member, c, false)
    return
  }
  const member = c.score >= INFINITY ? primary.children[primary.children.length - 1] : primary.children[0]
  if (!member) return
  member.fns.applyColocScore(dependent, member, c, false)
}

export function groupApplyLocation(rsc: Rsc, loc: LocationRule): void {
  applyLocation(rsc, loc)
  // only the first member of a colocated group gets the scores; later ones follow it
  let reset = rsc.colocated
  for (const member of rsc.children) {
    member.fns.applyLocation(member, reset ? loc : {...loc, nodes: loc.nodes.map((x) => ({node: x.node, score: 0}))})
    if (reset) reset = false
  }
}

// ------------------------------------------------------------ lists -------

function cmpPriority(a: Rsc, b: Rsc): number {
  if (a.priority > b.priority) return -1
  if (a.priority < b.priority) return 1
  const va = a.variant === 'clone' ? 2 : a.variant === 'group' ? 1 : 0
  const vb = b.variant === 'clone' ? 2 : b.variant === 'group' ? 1 : 0
  if (va > vb) return -1
  if (va < vb) return 1
  if (a.variant === 'clone' && a.promotable !== b.promotable) return a.promotable ? -1 : 1
  return strcmp(a.id, b.id)
}

function insertSorted(list: Colocation[], c: Colocation, key: (c: Colocation) => Rsc): void {
  let i = 0
  while (i < list.length && cmpPriority(key(c), key(list[i])) > 0) i++
  list.splice(i, 0, c)
}

export function addThisWith(rsc: Rsc, c: Colocation): void {
  insertSorted(rsc.thisWith, c, (x) => x.primary)
}

export function addWithThis(rsc: Rsc, c: Colocation): void {
  insertSorted(rsc.withThis, c, (x) => x.dependent)
}

