/**
 * Clones and promotable clones: distributing instances over nodes,
 * choosing promoted instances, clone-level pseudo-actions and interleaved
 * orderings (pcmk_sched_clone.c, pcmk_sched_promotable.c, multi-update in
 * pcmk_sched_bundle.c).
 */
import {requirePromotionTickets} from './tickets.js'
import {scoreText} from './scores.js'
import {releaseCapacity} from './utilization.js'
import {newestAction, pseudoAction} from './actions.js'
import {type NotifyData, notificationPseudoOps} from './notifications.js'
import {orderResourceActions} from './constraints.js'
import {
  addColocatedNodeScores, addThisWith, colocationHasInfluence, addWithThis, applyLocation, assignResource, currentNode, logScores, finalizeAssignment, nodeAvailable, sortNodes,
} from './placement.js'
import {newestFirst, orderActions, updateActionForOrderings, updateOrderedActions} from './ordering.js'
import {addScores, INFINITY} from './scores.js'
import {type Action, type Colocation, type Flags, O, type Rsc, Role, type SNode, type VariantMethods, type WorkingSet} from './types.js'

// ------------------------------------------------------------ helpers -----

function cloneCount(clone: Rsc, node: SNode): number {
  return node.countByClone.get(clone.id) ?? 0
}

function setCloneCount(clone: Rsc, node: SNode, n: number): void {
  node.countByClone.set(clone.id, n)
}

/** A clone's instances; a bundle's are its replicas' containers (get_containers_or_children). */
export function instancesOf(rsc: Rsc): Rsc[] {
  return rsc.bundle ? rsc.bundle.replicas.map((r) => r.container) : rsc.children
}

/** The clone (or bundle) an instance belongs to: instances (and bundle containers) are its direct children. */
function owningClone(rsc: Rsc): Rsc {
  return rsc.parent ?? rsc
}

/** Node an instance is assigned to (groups: their members' common node). */
export function instanceLocation(rsc: Rsc): SNode | null {
  if (rsc.variant === 'primitive') return rsc.allocatedTo
  let node: SNode | null = null
  for (const c of rsc.children) {
    const n = instanceLocation(c)
    if (n && !node) node = n
  }
  return node
}

/** Current or next role of a resource (groups and clones: the highest of their children). */
export function rscRole(rsc: Rsc, current: boolean): Role {
  if (rsc.children.length === 0) return current ? rsc.role : rsc.nextRole
  let best = Role.Unknown
  for (const c of rsc.children) { const r = rscRole(c, current); if (r > best) best = r }
  return best
}

function commonUpdateScore(rsc: Rsc, node: SNode, score: number): void {
  if (rsc.allowed.has(node)) rsc.allowed.set(node, score)
  for (const c of rsc.children) commonUpdateScore(c, node, score)
}

function isFailed(rsc: Rsc): boolean {
  return rsc.failed || rsc.children.some(isFailed)
}

/** is_set_recursive(pe_rsc_block): the resource or anything in it is blocked */
export function isBlocked(rsc: Rsc): boolean {
  return rsc.block || rsc.children.some(isBlocked)
}

function instanceNumber(rsc: Rsc): number {
  const m = /:(\d+)$/.exec(rsc.id)
  return m ? Number(m[1]) : 0
}

export function cmpInstance(a: Rsc, b: Rsc): number {
  const n1 = a.runningOn.length
  const n2 = b.runningOn.length
  let node1 = currentNode(a)
  let node2 = currentNode(b)
  if (n1 > 0 && n2 > 0) {
    if (n1 < n2) return -1
    if (n1 > n2) return 1
  }
  // node_is_allowed(): a current node the instance may not stay on counts as no node
  const allowedOk = (r: Rsc, n: SNode | null) => n === null || (r.allowed.get(n) ?? -1) >= 0
  const can1 = allowedOk(a, node1)
  const can2 = allowedOk(b, node2)
  if (!can1) node1 = null
  if (!can2) node2 = null
  if (can1 && !can2) return -1
  if (!can1 && can2) return 1
  if (a.priority > b.priority) return -1
  if (a.priority < b.priority) return 1
  if (!node1 && !node2) return 0
  if (!node1) return 1
  if (!node2) return -1
  const av1 = nodeAvailable(node1, 0, false)
  const av2 = nodeAvailable(node2, 0, false)
  if (av1 && !av2) return -1
  if (!av1 && av2) return 1
  const clone = owningClone(a)
  node1 = clone.allowed.has(node1) ? node1 : null
  node2 = clone.allowed.has(node2) ? node2 : null
  if (!node1 && !node2) return 0
  if (!node1) return 1
  if (!node2) return -1
  const c1 = cloneCount(clone, node1)
  const c2 = cloneCount(clone, node2)
  if (c1 < c2) return -1
  if (c1 > c2) return 1
  const f1 = isFailed(a)
  const f2 = isFailed(b)
  if (!f1 && f2) return -1
  if (f1 && !f2) return 1
  const byColocation = cmpByColocation(a, currentNode(a)!, b, currentNode(b)!)
  if (byColocation !== 0) return byColocation
  return instanceNumber(a) - instanceNumber(b)
}

/** Prefer the instance whose current node scores higher with the clone's colocations applied. */
function cmpByColocation(a: Rsc, na: SNode, b: Rsc, nb: SNode): number {
  const score = (inst: Rsc, node: SNode) => {
    // new_node_table: the current node with its own weight
    let table: Map<SNode, number> | null = new Map([[node, node.weight ?? 0]])
    const parent = inst.parent!
    for (const c of parent.thisWith) table = addColocatedNodeScores(c.primary, table, c.nodeAttribute, c.score / INFINITY, {thisWith: false, active: false, nonNegative: false}) ?? table
    for (const c of parent.withThis) table = addColocatedNodeScores(c.dependent, table, c.nodeAttribute, c.score / INFINITY, {thisWith: false, active: false, nonNegative: true}) ?? table
    return table!.get(node) ?? 0
  }
  const w1 = score(a, na)
  const w2 = score(b, nb)
  return w1 < w2 ? 1 : w1 > w2 ? -1 : 0
}

// ------------------------------------------------------------ assignment --

function canRunInstance(ws: WorkingSet, rsc: Rsc, node: SNode | null, limit: number): void {
  if (node === null) {
    for (const n of [...rsc.allowed.keys()]) canRunInstance(ws, rsc, n, limit)
    return
  }
  const clone = owningClone(rsc)
  if (nodeAvailable(node, 0, false) && !rsc.orphan && clone.allowed.has(node)) {
    const w = clone.allowed.get(node)!
    if (w >= 0 && cloneCount(clone, node) < limit) return
    if (w < 0) commonUpdateScore(rsc, node, w)
  }
  commonUpdateScore(rsc, node, -INFINITY)
}

function appendParentColocation(clone: Rsc, child: Rsc, all: boolean): void {
  for (const c of clone.thisWith) if (all || c.score < 0 || c.score === INFINITY) addThisWith(child, c)
  for (const c of clone.withThis) if (colocationHasInfluence(c, child) && (all || c.score < 0)) addWithThis(child, c)
}

function unassign(rsc: Rsc): void {
  if (rsc.variant !== 'primitive' || !rsc.allocatedTo) return
  rsc.allocatedTo.numResources--
  releaseCapacity(rsc.allocatedTo, rsc)
  rsc.allocatedTo = null
  rsc.provisional = true
}

function allocateInstance(ws: WorkingSet, rsc: Rsc, prefer: SNode | null, allColoc: boolean, limit: number): SNode | null {
  if (!rsc.provisional) return instanceLocation(rsc)
  if (rsc.allocating) return null
  const clone = owningClone(rsc)
  appendParentColocation(clone, rsc, allColoc)
  if (prefer) {
    const w = rsc.allowed.get(prefer)
    if (w === undefined || w < 0) return null
  }
  canRunInstance(ws, rsc, null, limit)
  const backup = snapshotAllowed(rsc)
  let chosen = rsc.fns.assign(rsc, prefer)
  if (chosen && prefer && chosen !== prefer) {
    restoreAllowed(rsc, backup)
    unassign(rsc)
    chosen = null
  }
  if (chosen && clone.allowed.has(chosen)) setCloneCount(clone, chosen, cloneCount(clone, chosen) + 1)
  return chosen
}

function snapshotAllowed(rsc: Rsc): Map<Rsc, Map<SNode, number>> {
  const m = new Map<Rsc, Map<SNode, number>>()
  const walk = (r: Rsc) => { m.set(r, new Map(r.allowed)); r.children.forEach(walk) }
  walk(rsc)
  return m
}

function restoreAllowed(rsc: Rsc, backup: Map<Rsc, Map<SNode, number>>): void {
  rsc.allowed = backup.get(rsc) ?? rsc.allowed
}

export function distributeChildren(ws: WorkingSet, clone: Rsc, nodes: SNode[], max: number, perHostMax: number, children = clone.children): void {
  let available = 0
  for (const n of nodes) {
    setCloneCount(clone, n, 0)
    if (nodeAvailable(n, 0, false)) available++
  }
  const allColoc = max < available
  const loopMax = Math.max(1, available ? Math.floor(max / available) : 1)
  let allocated = 0
  for (const child of children) {
    if (allocated >= max) break
    if (child.runningOn.length === 0 || !child.provisional || isFailed(child)) continue
    const childNode = currentNode(child)!
    const local = clone.allowed.has(childNode) ? childNode : null
    if (!nodeAvailable(childNode, 0, true)) continue
    if (local && cloneCount(clone, local) >= loopMax) continue
    if (allocateInstance(ws, child, childNode, allColoc, perHostMax)) allocated++
  }
  for (const child of children) {
    if (!child.provisional) continue
    if (allocated >= max) {
      banEverywhere(ws, child)
    } else if (allocateInstance(ws, child, null, allColoc, perHostMax)) allocated++
  }
}

function banEverywhere(ws: WorkingSet, rsc: Rsc): void {
  for (const n of ws.nodes) rsc.allowed.set(n, addScores(rsc.allowed.get(n) ?? 0, -INFINITY))
  rsc.children.forEach((c) => banEverywhere(ws, c))
}

export function cloneAssign(ws: WorkingSet, clone: Rsc, prefer: SNode | null): SNode | null {
  if (!clone.provisional || clone.allocating) return null
  if (clone.promotable) addPromotionScores(ws, clone)
  clone.allocating = true
  for (const c of clone.thisWith) c.primary.fns.assign(c.primary, prefer)
  for (const c of clone.withThis) {
    if (!colocationHasInfluence(c)) continue
    const merged = addColocatedNodeScores(c.dependent, clone.allowed, c.nodeAttribute, c.score / INFINITY, {thisWith: false, active: true, nonNegative: true})
    if (merged) clone.allowed = merged
  }
  if (ws.showScores) {
    logScores(ws, clone, 'pcmk__clone_allocate')
  }
  const nodes = sortNodes([...clone.allowed.entries()], null).map(([n]) => n)
  clone.children = stableSort(clone.children, cmpInstance)
  distributeChildren(ws, clone, nodes, clone.cloneMax, clone.cloneNodeMax)
  if (clone.promotable) setInstanceRoles(ws, clone)
  clone.provisional = false
  clone.allocating = false
  return null
}

export function stableSort<T>(list: T[], cmp: (a: T, b: T) => number): T[] {
  return list.map((v, i) => ({v, i})).sort((x, y) => cmp(x.v, y.v) || x.i - y.i).map((x) => x.v)
}

// ------------------------------------------------------------ promotion ---

function knownOn(rsc: Rsc): Set<SNode> {
  return rsc.knownOn
}

function promotionScoreApplies(clone: Rsc, rsc: Rsc, node: SNode): boolean {
  const allowed = () => (rsc.allowed.get(node) ?? -1) >= 0
  if (!rsc.unique) {
    const base = rsc.id.replace(/:\d+$/, '')
    const active = clone.children.flatMap((c) => (c.children.length ? c.children : [c])).find((p) => p.id.replace(/:\d+$/, '') === base && p.runningOn.includes(node))
    if (active === rsc) return allowed()
    if (!active && clone.children.flatMap((c) => (c.children.length ? c.children : [c])).some((p) => p.id.replace(/:\d+$/, '') === base && knownOn(p).has(node))) return allowed()
  }
  if (rsc.runningOn.length === 0 && rsc.knownOn.size === 0) return allowed()
  if (rsc.knownOn.has(node) || rsc.runningOn.includes(node)) return allowed()
  return false
}

function promotionScore(clone: Rsc, rsc: Rsc, node: SNode): {score: number; isDefault: boolean} {
  if (rsc.children.length > 0) {
    let score = 0
    let isDefault = true
    for (const c of rsc.children) {
      const s = promotionScore(clone, c, node)
      if (!s.isDefault) isDefault = false
      score += s.score
    }
    return {score, isDefault}
  }
  if (!promotionScoreApplies(clone, rsc, node)) return {score: 0, isDefault: true}
  let value = nodeAttribute(node, `master-${rsc.cloneName ?? rsc.id}`, rsc)
  if (value === undefined && !rsc.unique) value = nodeAttribute(node, `master-${rsc.id.replace(/:\d+$/, '')}`, rsc)
  if (value === undefined) return {score: 0, isDefault: true}
  const n = /^[+]?INFINITY$/i.test(value) ? INFINITY : /^-INFINITY$/i.test(value) ? -INFINITY : Number.parseInt(value, 10) || 0
  return {score: n, isDefault: false}
}

/**
 * pe_node_attribute_calculated: with container-attribute-target=host, a resource in a container
 * reads the attributes of the node its container runs on.
 */
function nodeAttribute(node: SNode, name: string, rsc: Rsc): string | undefined {
  if ((rsc.meta.get('container-attribute-target') ?? '').toLowerCase() !== 'host' || !node.remoteRsc?.container) return node.attrs.get(name)
  return node.remoteRsc.container.runningOn[0]?.attrs.get(name)
}

function addPromotionScores(ws: WorkingSet, clone: Rsc): void {
  for (const child of clone.children) {
    for (const [node, w] of child.allowed) {
      if (!nodeAvailable(node, 0, false)) continue
      const {score} = promotionScore(clone, child, node)
      if (score > 0) child.allowed.set(node, addScores(w, score))
      if (score > child.priority) child.priority = score
    }
  }
}

function setNextRoleUnpromoted(rsc: Rsc): void {
  rsc.nextRole = instanceLocation(rsc) ? Role.Unpromoted : Role.Stopped
  rsc.children.forEach(setNextRoleUnpromoted)
}

function setNextRolePromoted(rsc: Rsc): void {
  if (rsc.nextRole === Role.Unknown) rsc.nextRole = Role.Promoted
  rsc.children.forEach(setNextRolePromoted)
}

function setCurrentRoleUnpromoted(rsc: Rsc): void {
  if (rsc.role === Role.Started) rsc.role = Role.Unpromoted
  rsc.children.forEach(setCurrentRoleUnpromoted)
}

function setInstancePriority(ws: WorkingSet, clone: Rsc, inst: Rsc): void {
  if (rscRole(inst, true) === Role.Started) setCurrentRoleUnpromoted(inst)
  const chosen = instanceLocation(inst)
  if (!chosen) return
  const next = rscRole(inst, false)
  if (next === Role.Started || next === Role.Unknown) {
    const s = promotionScore(clone, inst, chosen)
    inst.priority = s.isDefault ? -1 : s.score
  } else if (next === Role.Unpromoted || next === Role.Stopped) {
    inst.priority = -INFINITY
  }
  for (const loc of [...inst.promotedLocations, ...clone.promotedLocations]) {
    const hit = loc.nodes.find((x) => x.node === chosen)
    if (hit) inst.priority = addScores(inst.priority, hit.score)
  }
  for (const c of [...inst.thisWith]) inst.fns.applyColocScore(inst, c.primary, c, true)
  inst.sortIndex = next === Role.Promoted ? INFINITY : inst.priority
}

function cmpPromotable(a: Rsc, b: Rsc): number {
  if (a.sortIndex > b.sortIndex) return -1
  if (a.sortIndex < b.sortIndex) return 1
  const r1 = rscRole(a, true)
  const r2 = rscRole(b, true)
  if (r1 > r2) return -1
  if (r1 < r2) return 1
  return cmpInstance(a, b)
}

function sortPromotableInstances(ws: WorkingSet, clone: Rsc): void {
  clone.merging = true
  for (const child of clone.children) {
    if (child.sortIndex < 0) continue
    const chosen = instanceLocation(child)
    if (!chosen) continue
    clone.allowed.set(chosen, addScores(child.sortIndex, clone.allowed.get(chosen) ?? 0))
  }
  for (const c of clone.thisWith) {
    if (c.dependentRole !== Role.Promoted) continue
    const flags = c.score < INFINITY ? {thisWith: false, active: true, nonNegative: false} : {thisWith: false, active: false, nonNegative: false}
    const merged = addColocatedNodeScores(c.primary, clone.allowed, c.nodeAttribute, c.score / INFINITY, flags)
    if (merged) clone.allowed = merged
  }
  for (const c of clone.withThis) {
    if (c.primaryRole !== Role.Promoted || !colocationHasInfluence(c)) continue
    const merged = addColocatedNodeScores(c.dependent, clone.allowed, c.nodeAttribute, c.score / INFINITY, {thisWith: false, active: true, nonNegative: true})
    if (merged) clone.allowed = merged
  }
  requirePromotionTickets(ws, clone)
  for (const child of clone.children) {
    const chosen = instanceLocation(child)
    if (!child.managed && child.nextRole === Role.Promoted) child.sortIndex = INFINITY
    else if (!chosen || child.sortIndex < 0) { /* keep */ } else child.sortIndex = clone.allowed.get(chosen) ?? 0
  }
  clone.children = stableSort(clone.children, cmpPromotable)
  clone.merging = false
}

function nodeToBePromotedOn(clone: Rsc, rsc: Rsc): SNode | null {
  for (const c of rsc.children) if (!nodeToBePromotedOn(clone, c)) return null
  const node = instanceLocation(rsc)
  if (!node) return null
  if (!rsc.managed) {
    if (rscRole(rsc, true) !== Role.Promoted) return null
  } else if (rsc.priority < 0) return null
  else if (!nodeAvailable(node, 0, false)) return null
  // nor on a guest node whose container will not run
  else if (node.guest && node.remoteRsc?.container && !node.remoteRsc.container.allocatedTo) return null
  if (!clone.allowed.has(node)) return null
  if (cloneCount(clone, node) >= clone.promotedNodeMax && rsc.managed) return null
  return node
}

function setInstanceRoles(ws: WorkingSet, clone: Rsc): void {
  for (const n of clone.allowed.keys()) setCloneCount(clone, n, 0)
  for (const c of clone.children) setInstancePriority(ws, clone, c)
  sortPromotableInstances(ws, clone)
  let promoted = 0
  for (const inst of clone.children) {
    // show_promotion_score
    if (ws.showScores) ws.scoresLog.push(`${inst.id} promotion score on ${instanceLocation(inst)?.uname ?? 'none'}: ${scoreText(inst.sortIndex)}`)
    let chosen: SNode | null = null
    if (inst.sortIndex < 0) {
      // cannot be promoted
    } else if (promoted < clone.promotedMax || !clone.managed) {
      chosen = nodeToBePromotedOn(clone, inst)
    }
    if (!chosen) { setNextRoleUnpromoted(inst); continue }
    if (inst.role < Role.Promoted && !ws.options.haveQuorum && ws.options.noQuorumPolicy === 'freeze') {
      setNextRoleUnpromoted(inst)
      continue
    }
    setCloneCount(clone, chosen, cloneCount(clone, chosen) + 1)
    setNextRolePromoted(inst)
    promoted++
  }
}

// ------------------------------------------------------------ colocation --

/** node_list_exclude: nodes not in the list get -INFINITY (merging the list's weights if asked), listed nodes missing get -INFINITY too */
export function nodeListExclude(allowed: Map<SNode, number>, list: Array<{node: SNode; weight: number}>, merge: boolean): void {
  for (const [node, w] of allowed) {
    const other = list.find((x) => x.node === node)
    if (!other) allowed.set(node, -INFINITY)
    else if (merge) allowed.set(node, addScores(w, other.weight))
  }
  for (const x of list) if (!allowed.has(x.node)) allowed.set(x.node, -INFINITY)
}

/**
 * find_compatible_child (a bundle's compatible_replica too): the instance (a bundle's container)
 * on `local`'s node, or on the first of its allowed nodes that has one; blocked instances and,
 * with a filter, other roles do not count.
 */
export function findCompatibleChild(local: Rsc, clone: Rsc, filter: Role, current: boolean): Rsc | undefined {
  const localNode = current ? currentNode(local) : instanceLocation(local)
  const byNode = (node: SNode) => instancesOf(clone).find((c) => {
    const n = isBlocked(c) ? null : current ? currentNode(c) : instanceLocation(c)
    if (filter !== Role.Unknown && rscRole(c, current) !== filter) return false
    return n === node
  })
  if (localNode) return byNode(localNode)
  for (const [n] of sortNodes([...local.allowed.entries()], null)) {
    const pair = byNode(n)
    if (pair) return pair
  }
  return undefined
}

function cloneApplyColocScore(ws: WorkingSet, dependent: Rsc, primary: Rsc, c: Colocation, forDependent: boolean): void {
  if (forDependent) {
    // A clone is never processed as the dependent directly: its instances carry the colocation.
    return
  }
  if (primary.promotable) {
    if (primary.provisional) return
    if (c.primaryRole !== Role.Unknown) {
      if (dependent.provisional) {
        const affected: Array<{node: SNode; weight: number}> = []
        for (const inst of primary.children) {
          const node = instanceLocation(inst)
          if (!node) continue
          if (rscRole(inst, false) === c.primaryRole) {
            if (c.score < INFINITY) {
              const attr = c.nodeAttribute ?? '#uname'
              const value = node.attrs.get(attr)
              for (const [n, w] of dependent.allowed) if (n.attrs.get(attr) === value) dependent.allowed.set(n, addScores(w, c.score))
            }
            affected.push({node, weight: allocatedWeight(inst)})
          }
        }
        if (c.score >= INFINITY && (c.dependentRole !== Role.Promoted || c.primaryRole !== Role.Promoted)) nodeListExclude(dependent.allowed, affected, true)
        return
      } else if (c.dependentRole === Role.Promoted) {
        const pi = findCompatibleChild(dependent, primary, c.primaryRole, false)
        if (pi) dependent.priority = addScores(dependent.priority, c.score)
        else if (c.score >= INFINITY) dependent.priority = -INFINITY
        return
      }
    }
  }
  const depClone = c.dependent
  let interleave = false
  if (depClone.variant === 'clone' && depClone.interleave) {
    interleave = depClone.cloneNodeMax === primary.cloneNodeMax
  }
  if (primary.provisional) return
  if (interleave) {
    const pi = findCompatibleChild(dependent, primary, Role.Unknown, false)
    if (pi) dependent.fns.applyColocScore(dependent, pi, c, true)
    // no instance to pair with: the dependent is stopped ("Cannot pair")
    else if (c.score >= INFINITY) assignResource(ws, dependent, null, true)
    return
  }
  if (c.score >= INFINITY) {
    const affected: Array<{node: SNode; weight: number}> = []
    for (const child of primary.children) {
      const chosen = instanceLocation(child)
      if (chosen && !isBlocked(child)) affected.push({node: chosen, weight: 0})
    }
    nodeListExclude(dependent.allowed, affected, false)
    return
  }
  for (const child of primary.children) child.fns.applyColocScore(dependent, child, c, false)
}

function allocatedWeight(inst: Rsc): number {
  if (inst.variant === 'primitive') return inst.allocatedWeight ?? 0
  return inst.children[0] ? allocatedWeight(inst.children[0]) : 0
}

// ------------------------------------------------------------ actions -----

export function instanceStatus(rsc: Rsc, st: {stopping: boolean; starting: boolean; active: boolean}): void {
  if (rsc.children.length > 0) { rsc.children.forEach((c) => instanceStatus(c, st)); return }
  if (rsc.runningOn.length > 0) st.active = true
  for (const a of rsc.actions) {
    if (st.starting && st.stopping) return
    if (a.optional) continue
    if (!a.pseudo && !a.runnable) continue
    if (a.task === 'stop') st.stopping = true
    else if (a.task === 'start' && a.runnable) st.starting = true
  }
}

function roleChange(rsc: Rsc, st: {promoting: boolean; demoting: boolean}): void {
  if (rsc.children.length > 0) { rsc.children.forEach((c) => roleChange(c, st)); return }
  for (const a of rsc.actions) {
    if (a.optional) continue
    if (a.task === 'demote') st.demoting = true
    else if (a.task === 'promote') st.promoting = true
  }
}

export function newPseudo(ws: WorkingSet, rsc: Rsc, task: string, optional: boolean, runnable: boolean): Action {
  const a = pseudoAction(ws, rsc, task, optional)
  a.optional = optional
  a.runnable = runnable
  return a
}

export function cloneCreateActions(ws: WorkingSet, clone: Rsc): void {
  const st = {stopping: false, starting: false, active: false}
  // migrations of resources ordered after this clone can go ahead unless an instance restarts
  let allowDependentMigrations = true
  for (const child of clone.children) {
    child.fns.createActions(child)
    const s = {stopping: false, starting: false, active: false}
    instanceStatus(child, s)
    if (s.stopping && s.starting) allowDependentMigrations = false
    st.stopping ||= s.stopping
    st.starting ||= s.starting
    st.active ||= s.active
  }
  const start = newPseudo(ws, clone, 'start', !st.starting, true)
  const started = newPseudo(ws, clone, 'running', !st.starting, false)
  // the graph's "complete" points keep firing after an abort (synapse priority INFINITY)
  started.priority = INFINITY
  if (st.active || st.starting) started.runnable = true
  const startNotify = notificationPseudoOps(ws, clone, 'start', start, started)
  const stop = newPseudo(ws, clone, 'stop', !st.stopping, true)
  if (allowDependentMigrations) stop.migrateRunnable = true
  const stopped = newPseudo(ws, clone, 'stopped', !st.stopping, true)
  stopped.priority = INFINITY
  const stopNotify = notificationPseudoOps(ws, clone, 'stop', stop, stopped)
  if (startNotify && stopNotify) orderActions(stopNotify.postDone!, startNotify.pre!, O.optional)
  let promoteNotify: NotifyData | undefined
  let demoteNotify: NotifyData | undefined
  if (clone.ordered) {
    let lastStop: Action | undefined
    let lastStart: Action | undefined
    for (const child of [...clone.children].sort((a, b) => instanceNumber(a) - instanceNumber(b))) {
      const stop = uniqueRequired(child, 'stop')
      if (stop) { if (lastStop) orderActions(stop, lastStop, O.optional); lastStop = stop }
      const start = uniqueRequired(child, 'start')
      if (start) { if (lastStart) orderActions(lastStart, start, O.optional); lastStart = start }
    }
  }
  if (clone.promotable) {
    const rc = {promoting: false, demoting: false}
    for (const child of clone.children) { child.fns.createActions(child); roleChange(child, rc) }
    const promote = newPseudo(ws, clone, 'promote', !rc.promoting, true)
    const promoted = newPseudo(ws, clone, 'promoted', !rc.promoting, true)
    promoted.priority = INFINITY
    promoteNotify = notificationPseudoOps(ws, clone, 'promote', promote, promoted)
    const demote = newPseudo(ws, clone, 'demote', !rc.demoting, true)
    const demoted = newPseudo(ws, clone, 'demoted', !rc.demoting, true)
    demoted.priority = INFINITY
    demoteNotify = notificationPseudoOps(ws, clone, 'demote', demote, demoted)
    if (promoteNotify && demoteNotify && startNotify && stopNotify) {
      // one notification round after the other: stops, starts and demotions before promotions (pe__create_promotable_pseudo_ops)
      orderActions(stopNotify.postDone!, promoteNotify.pre!, O.optional)
      orderActions(startNotify.postDone!, promoteNotify.pre!, O.optional)
      orderActions(demoteNotify.postDone!, promoteNotify.pre!, O.optional)
      orderActions(demoteNotify.postDone!, startNotify.pre!, O.optional)
      orderActions(demoteNotify.postDone!, stopNotify.pre!, O.optional)
    }
    for (const child of clone.children) child.priority = clone.priority
  }
  // the per-instance notify actions are made when the graph is built (clone_expand)
  if (clone.notify) clone.notifications = [startNotify, stopNotify, promoteNotify, demoteNotify].filter((n) => n !== undefined)
}

function uniqueRequired(rsc: Rsc, task: string): Action | undefined {
  const list = rsc.actions.filter((a) => a.task === task && a.intervalMs === 0 && !a.optional)
  return list.length === 1 ? list[0] : undefined
}

export function cloneInternalConstraints(ws: WorkingSet, clone: Rsc): void {
  orderResourceActions(ws, clone, 'stopped', clone, 'start', O.optional)
  orderResourceActions(ws, clone, 'start', clone, 'running', O.runnableLeft)
  orderResourceActions(ws, clone, 'stop', clone, 'stopped', O.runnableLeft)
  if (clone.promotable) {
    orderResourceActions(ws, clone, 'demoted', clone, 'stop', O.optional)
    orderResourceActions(ws, clone, 'running', clone, 'promote', O.runnableLeft)
  }
  const children = clone.ordered ? [...clone.children].sort((a, b) => instanceNumber(a) - instanceNumber(b)) : clone.children
  let last: Rsc | undefined
  for (const child of children) {
    child.fns.internalConstraints(child)
    orderResourceActions(ws, clone, 'start', child, 'start', O.runnableLeft | O.impliesFirstPrinted)
    orderResourceActions(ws, child, 'start', clone, 'running', O.impliesThenPrinted)
    if (clone.ordered && last) orderResourceActions(ws, last, 'start', child, 'start', O.optional)
    orderResourceActions(ws, clone, 'stop', child, 'stop', O.impliesFirstPrinted)
    orderResourceActions(ws, child, 'stop', clone, 'stopped', O.impliesThenPrinted)
    if (clone.ordered && last) orderResourceActions(ws, child, 'stop', last, 'stop', O.optional)
    last = child
  }
  if (clone.promotable) {
    promotableRestartOrdering(ws, clone)
    let prev: Rsc | undefined
    for (const child of clone.children) {
      orderResourceActions(ws, child, 'demote', child, 'promote', O.optional)
      orderResourceActions(ws, clone, 'promote', child, 'promote', O.optional)
      orderResourceActions(ws, child, 'promote', clone, 'promoted', O.optional)
      if (prev && clone.ordered) orderResourceActions(ws, prev, 'promote', child, 'promote', O.optional)
      orderResourceActions(ws, clone, 'demote', child, 'demote', O.impliesFirstPrinted)
      orderResourceActions(ws, child, 'demote', clone, 'demoted', O.impliesThenPrinted)
      if (prev && clone.ordered) orderResourceActions(ws, child, 'demote', prev, 'demote', O.optional)
      prev = child
    }
  }
}

/** pcmk__promotable_restart_ordering: the clone-level pseudo-actions of a restart, in order */
function promotableRestartOrdering(ws: WorkingSet, clone: Rsc): void {
  orderResourceActions(ws, clone, 'stopped', clone, 'start', O.optional)
  orderResourceActions(ws, clone, 'stopped', clone, 'promote', O.optional)
  orderResourceActions(ws, clone, 'demoted', clone, 'stop', O.optional)
  orderResourceActions(ws, clone, 'demoted', clone, 'start', O.optional)
  orderResourceActions(ws, clone, 'demoted', clone, 'promote', O.optional)
  orderResourceActions(ws, clone, 'running', clone, 'promote', O.optional)
  orderResourceActions(ws, clone, 'demote', clone, 'demoted', O.optional)
}

const CHILD_TASK: Record<string, string> = {running: 'start', stopped: 'stop', promoted: 'promote', demoted: 'demote'}

export function childTask(clone: Rsc, task: string, uuid?: string): string {
  const child = clone.children[0]
  // notifications name the operation they are about inside their key
  if ((task === 'notify' || task === 'notified') && uuid) task = /_notify_([a-z]+)_0$/.exec(uuid)?.[1] ?? task
  if (child && child.variant === 'primitive') return CHILD_TASK[task] ?? task
  return task
}

export function cloneActionFlags(action: Action, node: SNode | null): Flags {
  const clone = action.rsc!
  return summaryActionFlags(action, clone.children, node, childTask(clone, action.task, action.uuid))
}

/** summary_action_flags: a clone or bundle action is optional/runnable as its instances' actions are */
export function summaryActionFlags(action: Action, children: Rsc[], node: SNode | null, task: string): Flags {
  const flags = {optional: true, runnable: true}
  let anyRunnable = false
  for (const child of children) {
    const ca = newestAction(child, task, child.children.length > 0 ? null : node)
    if (!ca) continue
    const cf = child.fns.actionFlags(ca, node)
    if (flags.optional && !cf.optional) { flags.optional = false; action.optional = false }
    if (cf.runnable) anyRunnable = true
  }
  if (!anyRunnable) {
    flags.runnable = false
    if (node === null) action.runnable = false
  }
  return flags
}

function canInterleave(first: Action, then: Action): boolean {
  if (!first.rsc || !then.rsc || first.rsc === then.rsc) return false
  const multi = (r: Rsc) => r.variant === 'clone' || r.variant === 'bundle'
  if (!multi(first.rsc) || !multi(then.rsc)) return false
  const rsc = then.uuid.endsWith('_stop_0') || then.uuid.endsWith('_demote_0') ? first.rsc : then.rsc
  return rsc.interleave
}

export function cloneUpdateOrderedActions(ws: WorkingSet, first: Action, then: Action, node: SNode | null, flags: Flags, filter: Flags, type: number): number {
  let changed = 0
  if (canInterleave(first, then)) {
    const current = first.uuid.endsWith('_stopped_0') || first.uuid.endsWith('_demoted_0')
    for (const thenChild of instancesOf(then.rsc!)) {
      const firstChild = findCompatibleChild(thenChild, first.rsc!, Role.Unknown, current)
      if (!firstChild) {
        if (!current && (type & (O.runnableLeft | O.impliesThen))) {
          // Inhibit this instance from being active: unassign it
          for (const p of thenChild.variant === 'primitive' ? [thenChild] : thenChild.children) {
            const was = p.allocatedTo
            finalizeAssignment(ws, p, null, true)
            if (was) changed |= 1
          }
        }
        continue
      }
      const task = childTask(first.rsc!, first.task, first.uuid)
      // bundles: a stop waits for the child inside the container, and promote/demote happen on the child
      const firstReplica = replicaOfContainer(first.rsc!, firstChild, node)
      const thenReplica = replicaOfContainer(then.rsc!, thenChild, node)
      const firstRsc = first.task.includes('stop') && firstReplica?.child ? firstReplica.child : firstChild
      const thenRsc = then.task.includes('mote') && thenReplica?.child ? thenReplica.child : thenChild
      const fa = newestAction(firstRsc, task, node)
      const ta = newestAction(thenRsc, then.task, node)
      if (!fa || !ta) continue
      if (orderActions(fa, ta, type)) changed |= 3
      changed |= thenChild.fns.updateOrderedActions(fa, ta, node, firstChild.fns.actionFlags(fa, node), filter, type)
    }
    return changed
  }
  changed |= updateOrderedActions(ws, first, then, node, flags, filter, type)
  for (const child of instancesOf(then.rsc!)) {
    const ca = newestAction(child, then.task, node)
    if (!ca) continue
    let cc = 0
    if (child.fns.actionFlags(ca, node).runnable) cc = child.fns.updateOrderedActions(first, ca, node, flags, filter, type)
    changed |= cc
    if (cc & 1) for (const e of newestFirst(ca.after)) updateActionForOrderings(ws, e.then)
  }
  return changed
}

/** replica_for_container: the replica of a bundle with this container and a child, whose guest node is `node` */
function replicaOfContainer(rsc: Rsc, container: Rsc, node: SNode | null) {
  return node === null ? undefined : rsc.bundle?.replicas.find((r) => r.child && r.container === container && r.node === node)
}

export function cloneApplyLocation(rsc: Rsc, loc: Parameters<typeof applyLocation>[1]): void {
  if (loc.role === Role.Promoted) {
    rsc.promotedLocations.push(loc)
    return
  }
  applyLocation(rsc, loc)
  for (const c of rsc.children) c.fns.applyLocation(c, loc)
}

export function makeCloneMethods(ws: () => WorkingSet): VariantMethods {
  return {
    assign: (rsc, prefer) => cloneAssign(ws(), rsc, prefer),
    createActions: (rsc) => cloneCreateActions(ws(), rsc),
    internalConstraints: (rsc) => cloneInternalConstraints(ws(), rsc),
    applyColocScore: (d, p, c, f) => cloneApplyColocScore(ws(), d, p, c, f),
    applyLocation: cloneApplyLocation,
    actionFlags: cloneActionFlags,
    updateOrderedActions: (first, then, node, flags, filter, type) => cloneUpdateOrderedActions(ws(), first, then, node, flags, filter, type),
  }
}

