/**
 * Utilization and placement strategies (pcmk_sched_utilization.c): with placement-strategy
 * utilization, minimal or balanced, nodes without the capacity a resource (and what is
 * colocated with it) needs are banned, assignment consumes node capacity, and "balanced"
 * prefers the node with the most free capacity.
 */
import {hashTableOrder} from './ghash.js'
import {nvsetValues} from './resources.js'
import {evalRule} from './rules.js'
import {INFINITY} from './scores.js'
import {type Colocation, type Rsc, type SNode, type WorkingSet} from './types.js'
import {resourceLocation} from './unpack.js'

/** utilization_value: an integer, 0 when invalid */
function value(text: string): number {
  const n = Number.parseInt(text, 10)
  return Number.isNaN(n) ? 0 : n
}

function utilizationOf(sets: Parameters<typeof nvsetValues>[0], now: number): Map<string, number> {
  const out = new Map<string, number>()
  for (const [k, v] of nvsetValues(sets, new Map(), undefined, (rule) => evalRule(rule, null, {now}))) out.set(k, value(v))
  return out
}

export function unpackNodeUtilization(ws: WorkingSet): void {
  for (const n of ws.cib.nodes) {
    const node = ws.nodeById.get(n.id)
    if (node) node.utilization = utilizationOf(n.utilization, ws.now)
  }
}

export function primitiveUtilization(ws: WorkingSet, rsc: Rsc): Map<string, number> {
  return rsc.prim ? utilizationOf(rsc.prim.utilization, ws.now) : new Map()
}

function usesUtilization(ws: WorkingSet): boolean {
  return ws.options.placementStrategy !== 'default'
}

/** pcmk__consume_node_capacity / pcmk__release_node_capacity */
function adjust(capacity: Map<string, number>, rsc: Rsc, sign: 1 | -1): void {
  for (const [k, v] of rsc.utilization ?? []) {
    const cur = capacity.get(k)
    capacity.set(k, sign > 0 ? (cur ?? 0) + v : cur === undefined ? 0 : cur - v)
  }
}

export function consumeCapacity(node: SNode, rsc: Rsc): void {
  if (node.utilization) adjust(node.utilization, rsc, -1)
}

export function releaseCapacity(node: SNode, rsc: Rsc): void {
  if (node.utilization) adjust(node.utilization, rsc, 1)
}

/** pcmk__compare_node_capacities: negative when node1 has more free capacity */
export function compareNodeCapacities(node1: SNode, node2: SNode): number {
  // (called for every pair of nodes compared while sorting, mostly as cold code: indexed loops
  // over the attribute names allocate nothing, for…of and forEach do)
  let result = 0
  const u1 = node1.utilization
  const u2 = node2.utilization
  if (u1) {
    const keys = capacityNames(u1)
    for (let i = 0; i < keys.length; i++) {
      const c1 = u1.get(keys[i])!
      const c2 = u2?.get(keys[i]) ?? 0
      if (c1 > c2) result--
      else if (c1 < c2) result++
    }
  }
  if (u2) {
    const keys = capacityNames(u2)
    for (let i = 0; i < keys.length; i++) {
      if (u1?.has(keys[i])) continue
      const c2 = u2.get(keys[i])!
      if (c2 < 0) result--
      else if (c2 > 0) result++
    }
  }
  return result
}

/**
 * A node's capacity attribute names, in the map's order. Capacities are only ever set, never
 * deleted, so the names change exactly when the size does.
 */
function capacityNames(capacity: Map<string, number>): string[] {
  let names = capacityNamesCache.get(capacity)
  if (!names || names.length !== capacity.size) capacityNamesCache.set(capacity, names = [...capacity.keys()])
  return names
}
const capacityNamesCache = new WeakMap<Map<string, number>, string[]>()

/**
 * pcmk__sort_resources (non-default strategies only): after priority, the resource with the
 * higher score on its current node, then on the nodes in preference order, is assigned first.
 */
export function sortResourcesForUtilization(ws: WorkingSet, colocatedScores: (r: Rsc) => Map<SNode, number>, current: (r: Rsc) => SNode | null, sortNodes: (nodes: SNode[]) => SNode[]): void {
  if (!usesUtilization(ws)) return
  const nodes = sortNodes([...ws.nodes])
  const scores = new Map(ws.resources.map((r) => [r, colocatedScores(r)]))
  const weight = (r: Rsc, n: SNode | null) => (n ? scores.get(r)!.get(n) ?? -INFINITY : -INFINITY)
  // each resource's sort keys computed once, not once per comparison: the same comparisons
  const keyed = ws.resources.map((r, i) => ({
    r, i, onCurrent: weight(r, r.runningOn.length > 0 ? current(r) : null), byNode: nodes.map((n) => weight(r, n)),
  }))
  ws.resources = keyed.sort((x, y) => {
    const a = x.r
    const b = y.r
    if (a.priority !== b.priority) return b.priority - a.priority
    if (x.onCurrent !== y.onCurrent) return x.onCurrent > y.onCurrent ? -1 : 1
    for (let k = 0; k < nodes.length; k++) {
      const na = x.byNode[k]
      const nb = y.byNode[k]
      if (na !== nb) return na > nb ? -1 : 1
    }
    return x.i - y.i
  }).map((x) => x.r)
}

/** colocated_resources: rsc and everything mandatorily colocated with it, transitively */
function colocatedResources(rsc: Rsc, orig: Rsc, list: Rsc[], affectsLocation: (d: Rsc, p: Rsc, c: Colocation) => boolean): Rsc[] {
  if (rsc.variant === 'group') {
    // the members (colocated with each other, else only the first), then what is colocated with the group itself
    const members = rsc.colocated || rsc.parent?.variant === 'clone' ? rsc.children : rsc.children.slice(0, 1)
    for (const m of members) colocatedResources(m, orig, list, affectsLocation)
  }
  if (list.includes(rsc)) return list
  list.push(rsc)
  for (const c of rsc.thisWith) {
    if (c.primary === orig) continue
    if (c.score >= INFINITY && affectsLocation(rsc, c.primary, c)) colocatedResources(c.primary, orig, list, affectsLocation)
  }
  for (const c of rsc.withThis) {
    if (c.dependent === orig) continue
    if (rsc.variant === 'clone' && c.dependent.variant !== 'clone') continue
    if (c.score >= INFINITY && affectsLocation(c.dependent, rsc, c)) colocatedResources(c.dependent, orig, list, affectsLocation)
  }
  return list
}

/** add_utilization: what still-unassigned resources in the list need */
function addUtilization(rsc: Rsc, all: Rsc[], into: Map<string, number>): void {
  if (!rsc.provisional) return
  if (rsc.variant === 'primitive') {
    for (const [k, v] of rsc.utilization ?? []) into.set(k, (into.get(k) ?? 0) + v)
  } else if (rsc.variant === 'group') {
    // every member of a colocated group ends up on the same node; otherwise only the first counts
    const members = rsc.colocated || rsc.parent?.variant === 'clone' ? rsc.children : rsc.children.slice(0, 1)
    for (const m of members) if (m.provisional && !all.includes(m)) addUtilization(m, all, into)
  } else {
    let existing = false
    for (const child of rsc.children) {
      if (all.includes(child)) existing = true
      else if (child.children.some((m) => all.includes(m))) { addUtilization(child, all, into); existing = true }
    }
    if (!existing && rsc.children.length > 0) addUtilization(rsc.children[0], all, into)
  }
}

const NO_UTILIZATION: ReadonlyMap<string, number> = new Map()

function haveEnoughCapacity(node: SNode, needed: ReadonlyMap<string, number>): boolean {
  let enough = true
  needed.forEach((v, k) => { if (v > (node.utilization?.get(k) ?? 0)) enough = false })
  return enough
}

/**
 * pcmk__ban_insufficient_capacity: bans rsc from nodes that cannot hold it (with what is
 * colocated with it, if some node can); returns the node with the most free capacity when
 * none can hold them all.
 */
export function banInsufficientCapacity(ws: WorkingSet, rsc: Rsc, available: (n: SNode, w: number) => boolean, affectsLocation: (d: Rsc, p: Rsc, c: Colocation) => boolean): SNode | null {
  if (!usesUtilization(ws)) return null
  const colocated = colocatedResources(rsc, rsc, [], affectsLocation)
  if (!colocated.includes(rsc)) colocated.push(rsc)
  const needed = new Map<string, number>()
  for (const r of colocated) addUtilization(r, colocated, needed)
  // Pacemaker's table of allowed nodes is keyed by id: it holds the last node of an id
  const byId = new Map<string, SNode>()
  rsc.allowed.forEach((_w, n) => byId.set(n.id, n))
  let anyCapable = false
  byId.forEach((node) => {
    if (!anyCapable && available(node, rsc.allowed.get(node)!) && haveEnoughCapacity(node, needed)) anyCapable = true
  })
  // the node with the most free capacity matters only when no node can hold them all
  const mostCapable = anyCapable ? null : mostCapableNode(rsc, byId, available)
  const own = rsc.utilization ?? NO_UTILIZATION
  // banning sets the score of the node being visited only (no node is added): no copy needed
  rsc.allowed.forEach((w, node) => {
    if (!available(node, w)) return
    if (!haveEnoughCapacity(node, anyCapable ? needed : own)) resourceLocation(ws, rsc, node, -INFINITY)
  })
  return mostCapable
}

function mostCapableNode(rsc: Rsc, byId: Map<string, SNode>, available: (n: SNode, w: number) => boolean): SNode | null {
  // the first of equally capable nodes wins: walk them in Pacemaker's table order
  const inTableOrder = hashTableOrder([...byId.keys()])
  let mostCapable: SNode | null = null
  for (let i = 0; i < inTableOrder.length; i++) {
    const node = byId.get(inTableOrder[i])!
    if (!available(node, rsc.allowed.get(node)!)) continue
    if (!mostCapable || compareNodeCapacities(node, mostCapable) < 0) mostCapable = node
  }
  return mostCapable
}
