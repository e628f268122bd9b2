/**
 * Unpacking location, colocation and order constraints (with simple
 * resource sets) into the working set.
 */
import type * as M from '../../formats/cib/model.js'
import {clusterPseudoAction} from './actions.js'
import {orderMigrationEquivalents} from './migration.js'
import {resourceParams} from './resources.js'
import {expandConstraintReferences} from './references.js'
import {evalRule} from './rules.js'
import {unpackRscTicket, unpackTicketStates} from './tickets.js'
import {addThisWith, addWithThis} from './placement.js'
import {INFINITY, isFalse, isTrue, parseScoreText} from './scores.js'
import {type Action, type Colocation, O, type Rsc, Role, roleFromText, type WorkingSet} from './types.js'

export function newOrdering(ws: WorkingSet, first: {rsc?: Rsc; task?: string; action?: Action}, then: {rsc?: Rsc; task?: string; action?: Action}, type: number): void {
  if (!first.rsc && !first.action) return
  if (!then.rsc && !then.action) return
  const order = {id: ws.orderSeq++, firstRsc: first.rsc, firstTask: first.task, firstAction: first.action,
    thenRsc: then.rsc, thenTask: then.task, thenAction: then.action, type}
  ws.orderings.push(order)
  orderMigrationEquivalents(ws, order)
}

export function orderResourceActions(ws: WorkingSet, first: Rsc, firstTask: string, then: Rsc, thenTask: string, type: number): void {
  newOrdering(ws, {rsc: first, task: firstTask}, {rsc: then, task: thenTask}, type)
}

function roleOf(text: string | undefined): Role {
  const r = roleFromText(text)
  return r === Role.Started ? Role.Unknown : r
}

/** unpack_influence: the influence option as a boolean, else (absent or invalid) the dependent's critical meta attribute */
function unpackInfluence(text: string | undefined, dependent: Rsc): boolean {
  if (isTrue(text)) return true
  if (isFalse(text)) return false
  return dependent.critical
}

/** `influence`: the constraint's influence option (a string), or a fixed value for implicit colocations */
export function newColocation(ws: WorkingSet, id: string, nodeAttribute: string | undefined, score: number, dependent: Rsc | undefined, primary: Rsc | undefined, dRole: string | undefined, pRole: string | undefined, influence?: string | boolean): void {
  if (score === 0 || !dependent || !primary) return
  const c: Colocation = {
    id, dependent, primary, score, dependentRole: roleOf(dRole), primaryRole: roleOf(pRole), nodeAttribute,
    influence: typeof influence === 'boolean' ? influence : unpackInfluence(influence, dependent),
  }
  addThisWith(dependent, c)
  addWithThis(primary, c)
  ws.colocations.push(c)
  if (score <= -INFINITY) {
    antiColocationOrder(ws, dependent, c.dependentRole, primary, c.primaryRole)
    antiColocationOrder(ws, primary, c.primaryRole, dependent, c.dependentRole)
  }
}

function antiColocationOrder(ws: WorkingSet, first: Rsc, firstRole: Role, then: Rsc, thenRole: Role): void {
  const firstTasks = firstRole === Role.Promoted ? ['demote'] : firstRole === Role.Unpromoted ? ['stop', 'promote'] : ['stop']
  const thenTasks = thenRole === Role.Promoted ? ['promote'] : thenRole === Role.Unpromoted ? ['start', 'demote'] : ['start']
  for (const ft of firstTasks) for (const tt of thenTasks) orderResourceActions(ws, first, ft, then, tt, O.antiColocation)
}

const DISCOVERY: Record<string, number> = {always: 0, never: 1, exclusive: 2}

function unpackLocation(ws: WorkingSet, c: M.LocationConstraint): void {
  const discover = DISCOVERY[(c.resourceDiscovery ?? 'always').toLowerCase()] ?? 0
  const targets: Rsc[] = []
  if (c.rsc) { const r = findConstraintResource(ws, c.rsc); if (r) targets.push(r) }
  if (c.rscPattern !== undefined) {
    // rsc-pattern: a regular expression over top-level resource ids, "!" inverts it
    const invert = c.rscPattern.startsWith('!')
    try {
      const re = new RegExp(invert ? c.rscPattern.slice(1) : c.rscPattern)
      for (const r of ws.resources) if (re.test(r.id) !== invert && !r.orphan) targets.push(r)
    } catch { /* an invalid pattern matches nothing */ }
  }
  for (const s of c.resourceSets ?? []) for (const id of s.resources) { const r = findConstraintResource(ws, id); if (r) targets.push(r) }
  for (const rsc of targets) {
    if (c.node !== undefined) {
      const node = ws.nodeByName.get(c.node)
      if (!node) continue
      const score = parseScoreText(c.score, 0)
      if (discover === 2) rsc.exclusiveDiscover = true
      ws.locations.push({id: c.id, rsc, role: roleOf(c.role), nodes: [{node, score}], discover})
    }
    for (const rule of c.rules) {
      const score = parseScoreText(rule.score ?? c.score, 0)
      const role = roleOf(rule.role ?? c.role)
      // score-attribute: the score is the node's value of that attribute (-INFINITY without one)
      const scoreOn = (n: typeof ws.nodes[number]) => {
        if (rule.scoreAttribute === undefined) return score
        const v = n.attrs.get(rule.scoreAttribute)
        return v === undefined ? -INFINITY : parseScoreText(v, 0)
      }
      // resource parameters are only needed for value-source="param"
      const needsParams = JSON.stringify(rule).includes('"valueSource":"param"')
      const nodes = ws.nodes.filter((n) => evalRule(rule, n, {now: ws.now, params: needsParams ? resourceParams(ws, rsc, n) : undefined, meta: rsc.meta})).map((node) => ({node, score: scoreOn(node)}))
      if (discover === 2) rsc.exclusiveDiscover = true
      ws.locations.push({id: c.id, rsc, role, nodes, discover})
    }
  }
}

/**
 * pcmk__find_constraint_resource: a resource by id, or, when the id is the name the history uses
 * for an anonymous clone instance (its clone_name), the clone it belongs to.
 */
function findConstraintResource(ws: WorkingSet, id: string): Rsc | undefined {
  const exact = ws.byId.get(id)
  if (exact) return exact
  const renamed = [...ws.byId.values()].find((r) => r.cloneName === id)
  if (!renamed) return undefined
  let top = renamed
  while (top.parent) top = top.parent
  return top
}

/** A set is sequential unless its sequential attribute is a valid false (pcmk__xe_get_bool_attr). */
function isSequential(set: M.ResourceSet): boolean {
  return !isFalse(set.sequential)
}

function unpackColocation(ws: WorkingSet, c: M.ColocationConstraint): void {
  const score = parseScoreText(c.score, 0)
  const influence = c.otherAttributes?.influence
  const sets = c.resourceSets ?? []
  if (sets.length === 0) {
    newColocation(ws, c.id, c.nodeAttribute, score, findConstraintResource(ws, c.rsc ?? ''), findConstraintResource(ws, c.withRsc ?? ''), c.rscRole, c.withRscRole, influence)
    return
  }
  let last: M.ResourceSet | undefined
  for (const set of sets) {
    const local = set.score !== undefined ? parseScoreText(set.score, 0) : score
    const rs = set.resources.map((id) => findConstraintResource(ws, id)).filter((r): r is Rsc => !!r)
    // ordering="group" (the default): each member with the one before it; "listed": each with the one after it
    const listed = (set.attributes?.ordering ?? 'group').toLowerCase() !== 'group'
    if (local !== 0 && isSequential(set)) {
      if (local > 0 && !listed) {
        let withR: Rsc | undefined
        for (const r of rs) { if (withR) newColocation(ws, set.id ?? c.id, undefined, local, r, withR, set.role, set.role, influence); withR = r }
      } else if (local > 0) {
        for (let i = 1; i < rs.length; i++) newColocation(ws, set.id ?? c.id, undefined, local, rs[i - 1], rs[i], set.role, set.role, influence)
      } else {
        // every member anti-colocated with every member before it
        for (let i = 0; i < rs.length; i++) for (let j = 0; j < i; j++) newColocation(ws, set.id ?? c.id, undefined, local, rs[i], rs[j], set.role, set.role, influence)
      }
    }
    if (last) {
      const s1 = last.resources.map((id) => findConstraintResource(ws, id)).filter((r): r is Rsc => !!r)
      const seq1 = isSequential(last)
      const seq2 = isSequential(set)
      const r1 = seq1 ? s1[0] : undefined
      const r2 = seq2 ? rs[rs.length - 1] : undefined
      if (r1 && r2) newColocation(ws, c.id, undefined, score, r1, r2, last.role, set.role, influence)
      else if (r1) for (const b of rs) newColocation(ws, c.id, undefined, score, r1, b, last.role, set.role, influence)
      else if (r2) for (const a of s1) newColocation(ws, c.id, undefined, score, a, r2, last.role, set.role, influence)
      else for (const a of s1) for (const b of rs) newColocation(ws, c.id, undefined, score, a, b, last.role, set.role, influence)
    }
    last = set
  }
}

const INVERT: Record<string, string> = {start: 'stop', stop: 'start', promote: 'demote', demote: 'promote', running: 'stopped', stopped: 'running', promoted: 'demoted', demoted: 'promoted'}

type Kind = 'Mandatory' | 'Optional' | 'Serialize'

function orderFlags(kind: Kind, firstTask: string, symmetry: 'asymmetric' | 'symmetric' | 'inverse'): number {
  let flags: number = O.optional
  if (kind === 'Serialize') flags |= O.serializeOnly
  if (kind === 'Mandatory') {
    if (symmetry === 'asymmetric') flags |= O.asymmetrical
    else if (symmetry === 'symmetric') {
      flags |= O.impliesThen
      if (firstTask === 'start' || firstTask === 'promote') flags |= O.runnableLeft
    } else flags |= O.impliesFirst
  }
  return flags
}

function orderKind(c: M.OrderConstraint): Kind {
  const k = c.orderKind
  if (k) {
    const kind = k.charAt(0).toUpperCase() + k.slice(1).toLowerCase()
    // an invalid kind is reset to Mandatory
    return kind === 'Optional' || kind === 'Serialize' ? kind : 'Mandatory'
  }
  if (c.score !== undefined && parseScoreText(c.score, 0) === 0) return 'Optional'
  return 'Mandatory'
}

/** The deprecated restart-type=restart makes an optional ordering restart its 'then' resource. */
function restartTypeFlag(kind: Kind, then: Rsc, flag: number): number {
  return kind === 'Optional' && (then.meta.get('restart-type') ?? '').toLowerCase() === 'restart' ? flag : 0
}

function orderPair(ws: WorkingSet, first: Rsc, firstTask: string, then: Rsc, thenTask: string, kind: Kind, symmetric: boolean): void {
  orderResourceActions(ws, first, firstTask, then, thenTask, orderFlags(kind, firstTask, symmetric ? 'symmetric' : 'asymmetric') | restartTypeFlag(kind, then, O.impliesThen))
  if (symmetric) {
    const f = INVERT[thenTask]
    const t = INVERT[firstTask]
    if (f && t) orderResourceActions(ws, then, f, first, t, orderFlags(kind, f, 'inverse') | restartTypeFlag(kind, then, O.impliesFirst))
  }
}

function minimumFirstInstances(first: Rsc, c: M.OrderConstraint): number {
  const min = first.meta.get('clone-min')
  if (min !== undefined) return Math.max(0, parseScoreText(min, 0))
  if (c.requireAll !== undefined && !/^(true|yes|1|on|y)$/i.test(c.requireAll)) return 1
  return 0
}

function unpackOrder(ws: WorkingSet, c: M.OrderConstraint): void {
  const kind = orderKind(c)
  const symmetric = c.symmetrical === undefined ? kind !== 'Serialize' : /^(true|yes|1|on|y)$/i.test(c.symmetrical)
  const sets = c.resourceSets ?? []
  if (sets.length === 0) {
    const first = findConstraintResource(ws, c.first ?? '')
    const then = findConstraintResource(ws, c.then ?? '')
    if (!first || !then) return
    const fa = c.firstAction ?? 'start'
    const ta = c.thenAction ?? fa
    const minFirst = first.variant === 'clone' ? minimumFirstInstances(first, c) : 0
    if (minFirst > 0) {
      // "then" may run once enough instances of the clone can (clone-min / require-all=false)
      const met = clusterPseudoAction(ws, `clone-one-or-more:${c.id}`)
      met.requiresAny = true
      met.requiredRunnableBefore = minFirst
      for (const child of first.children) newOrdering(ws, {rsc: child, task: fa}, {action: met}, O.oneOrMore | O.impliesThenPrinted)
      newOrdering(ws, {action: met}, {rsc: then, task: ta}, orderFlags(kind, fa, symmetric ? 'symmetric' : 'asymmetric') | O.runnableLeft)
      if (symmetric) {
        const f = INVERT[ta]
        const t = INVERT[fa]
        if (f && t) orderResourceActions(ws, then, f, first, t, orderFlags(kind, f, 'inverse'))
      }
      return
    }
    orderPair(ws, first, fa, then, ta, kind, symmetric)
    return
  }
  unpackOrderSets(ws, c, sets, kind)
}

type Symmetry = 'asymmetric' | 'symmetric' | 'inverse'

/** get_ordering_symmetry: explicit symmetrical wins; Serialize orders are never symmetric. */
function orderingSymmetry(kind: Kind, symmetrical: string | undefined): Symmetry {
  if (kind === 'Serialize') return 'asymmetric'
  if (symmetrical === undefined) return 'symmetric'
  return /^(true|yes|1|on|y)$/i.test(symmetrical) ? 'symmetric' : 'asymmetric'
}

/** Orderings within and between resource sets (unpack_order_set, order_rsc_sets). */
function unpackOrderSets(ws: WorkingSet, c: M.OrderConstraint, sets: M.ResourceSet[], kind: Kind): void {
  const members = (set: M.ResourceSet) => set.resources.map((id) => findConstraintResource(ws, id)).filter((r): r is Rsc => !!r)
  const symmetry = orderingSymmetry(kind, c.symmetrical)
  let last: M.ResourceSet | undefined
  for (const set of sets) {
    const setKind = set.attributes?.kind !== undefined || set.score !== undefined ? orderKind({...c, orderKind: set.attributes?.kind, score: set.score}) : kind
    const setSymmetry = orderingSymmetry(setKind, set.attributes?.symmetrical ?? c.symmetrical)
    const action = set.action ?? 'start'
    const sequential = set.sequential === undefined || /^(true|yes|1|on|y)$/i.test(set.sequential)
    const rs = members(set)
    if (rs.length > 1 && setKind === 'Serialize') {
      // each member before every later one, however the set is marked sequential
      const flags = orderFlags(setKind, action, setSymmetry)
      for (let i = 0; i < rs.length; i++) for (let j = i + 1; j < rs.length; j++) orderResourceActions(ws, rs[i], action, rs[j], action, flags)
    } else if (rs.length > 1 && sequential) {
      const flags = orderFlags(setKind, action, setSymmetry)
      for (let i = 1; i < rs.length; i++) orderResourceActions(ws, rs[i - 1], action, rs[i], action, flags)
      const inverse = INVERT[action]
      if (setSymmetry !== 'asymmetric' && inverse) {
        const iflags = orderFlags(setKind, inverse, 'inverse')
        for (let i = 1; i < rs.length; i++) orderResourceActions(ws, rs[i], inverse, rs[i - 1], inverse, iflags)
      }
    }
    if (last) {
      orderRscSets(ws, last, set, kind, symmetry, members)
      if (symmetry === 'symmetric') orderRscSets(ws, set, last, kind, 'inverse', members)
    }
    last = set
  }
}

function orderRscSets(ws: WorkingSet, set1: M.ResourceSet, set2: M.ResourceSet, kind: Kind, symmetry: Symmetry, members: (s: M.ResourceSet) => Rsc[]): void {
  let action1 = set1.action ?? 'start'
  let action2 = set2.action ?? 'start'
  if (symmetry === 'inverse') {
    action1 = INVERT[action1] ?? action1
    action2 = INVERT[action2] ?? action2
  }
  const flags = orderFlags(kind, action2, symmetry)
  const r1 = members(set1)
  const r2 = members(set2)
  // require-all=false: set2 may start once any member of set1 can (only while starting or promoting)
  const requireAll = set1.requireAll === undefined || /^(true|yes|1|on|y)$/i.test(set1.requireAll) || action1 === 'stop' || action1 === 'demote'
  if (!requireAll) {
    const any = clusterPseudoAction(ws, `one-or-more:${set1.id ?? ''}`)
    any.requiresAny = true
    for (const a of r1) newOrdering(ws, {rsc: a, task: action1}, {action: any}, O.oneOrMore | O.impliesThenPrinted)
    for (const b of r2) newOrdering(ws, {action: any}, {rsc: b, task: action2}, flags | O.runnableLeft)
    return
  }
  // only an explicit sequential="true" picks one end of the set here
  const explicit = (s: M.ResourceSet) => s.sequential !== undefined && /^(true|yes|1|on|y)$/i.test(s.sequential)
  const rsc1 = explicit(set1) ? (symmetry === 'inverse' ? r1[0] : r1[r1.length - 1]) : undefined
  const rsc2 = explicit(set2) ? (symmetry === 'inverse' ? r2[r2.length - 1] : r2[0]) : undefined
  if (rsc1 && rsc2) orderResourceActions(ws, rsc1, action1, rsc2, action2, flags)
  else if (rsc1) for (const b of r2) orderResourceActions(ws, rsc1, action1, b, action2, flags)
  else if (rsc2) for (const a of r1) orderResourceActions(ws, a, action1, rsc2, action2, flags)
  else for (const a of r1) for (const b of r2) orderResourceActions(ws, a, action1, b, action2, flags)
}

export function unpackConstraints(ws: WorkingSet): void {
  const tickets = unpackTicketStates(ws)
  const lookup = (id: string): Rsc[] => { const r = findConstraintResource(ws, id); return r ? [r] : [] }
  for (const c of expandConstraintReferences(ws.cib.constraints, ws.references ?? new Map())) {
    if (c.kind === 'ticket') unpackRscTicket(ws, tickets, c, lookup)
    if (c.kind === 'location') unpackLocation(ws, c)
    else if (c.kind === 'colocation') unpackColocation(ws, c)
    else if (c.kind === 'order') unpackOrder(ws, c)
  }
}
