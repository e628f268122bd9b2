/**
 * Applying orderings to actions and propagating "required" and "runnable"
 * through them (pcmk_sched_ordering.c, pcmk_sched_actions.c).
 */
import {actionsWithKey, actionsWithTask, customAction, setReason} from './actions.js'
import {orderForLoad} from './primitive.js'
import {orderProbes} from './probes.js'
import {type Action, type ActionEdge, type Flags, O, type Ordering, type Rsc, Role, type SNode, type WorkingSet} from './types.js'
import {topParent} from './resources.js'

const CHANGED_THEN = 1
const CHANGED_FIRST = 2

/**
 * Adds an edge first -> then. Pacemaker prepends edges to its lists; hakit
 * appends and walks the lists backwards where the order matters.
 */
function orderActions(first: Action, then: Action, type: number): boolean {
  if (type === O.none || first === then) return false
  const after = first.after
  for (let i = 0; i < after.length; i++) if (after[i].then === then && (after[i].addedType & type) !== 0) return false
  const edge: ActionEdge = {first, then, type, addedType: type}
  after.push(edge)
  then.before.push(edge)
  return true
}

/** A list in Pacemaker's (prepended, newest first) order. */
function newestFirst<T>(list: T[]): T[] {
  return [...list].reverse()
}


function rscState(rsc: Rsc): Role {
  if (rsc.children.length === 0) return rsc.role
  let best = Role.Unknown
  for (const c of rsc.children) { const r = rscState(c); if (r > best) best = r }
  return best
}

/** Orders `first` (none: an unrunnable one) before then's action, or then's resource's actions with thenTask. */
function orderAfter(first: Action | undefined, thenRsc: Rsc, type: number, thenAction: Action | undefined, thenTask: string | undefined): void {
  // the stop that cleans up a dangling migration does not force the resource's own start
  if (first?.dangling && first.rsc === thenRsc) type &= ~O.impliesThen
  if (!first && !(type & O.impliesThen)) return
  if (thenAction) {
    if (first) orderActions(first, thenAction, type)
    else thenAction.runnable = false
    return
  }
  const thens = actionsWithTask(thenRsc, thenTask ?? '')
  for (let i = 0; i < thens.length; i++) {
    if (first) orderActions(first, thens[i], type)
    else thens[i].runnable = false
  }
}

function applyOne(ws: WorkingSet, o: Ordering): void {
  // (each field read once: this runs for every ordering, mostly in the interpreter)
  const firstRsc = o.firstRsc
  const firstAction = o.firstAction
  const thenAction = o.thenAction
  const thenRsc = o.thenRsc ?? thenAction?.rsc
  const type = o.type
  if (firstRsc) {
    if (firstAction) {
      // (one 'first' named: the common case, a probe's orderings)
      if (thenRsc) orderAfter(firstAction, thenRsc, type, thenAction, o.thenTask)
      else if (thenAction) orderActions(firstAction, thenAction, type)
      return
    }
    let firsts = actionsWithTask(firstRsc, o.firstTask ?? '')
    if (firsts.length === 0) {
      // (pcmk__new_ordering takes 'then's resource from its action when none is named)
      if (firstRsc === thenRsc) return
      const state = rscState(firstRsc)
      if (state === Role.Stopped && o.firstTask === 'stop') return
      if (state === Role.Unpromoted && o.firstTask === 'demote') return
      firsts = [customAction(ws, firstRsc, o.firstTask ?? '', null, true)]
    }
    for (let i = 0; i < firsts.length; i++) {
      if (thenRsc) orderAfter(firsts[i], thenRsc, type, thenAction, o.thenTask)
      else if (thenAction) orderActions(firsts[i], thenAction, type)
    }
    return
  }
  if (o.thenRsc) orderAfter(firstAction, o.thenRsc, type, thenAction, o.thenTask)
  else if (firstAction && thenAction) orderActions(firstAction, thenAction, type)
}

export function applyOrderings(ws: WorkingSet): void {
  // (the lists held in locals: these loops run once, mostly in the interpreter, where every
  // property read costs; the lists are only appended to, never replaced)
  const orderings = ws.orderings
  const actions = ws.actions
  // Pacemaker prepends new orderings and reverses the list before applying: creation order.
  for (let i = 0; i < orderings.length; i++) applyOne(ws, orderings[i])
  orderForLoad(ws)
  // newest first; an action created meanwhile is appended and not visited (as over a copy)
  // (only an unrunnable action blocks anything: most are runnable, and skipped without a call)
  for (let i = actions.length - 1; i >= 0; i--) {
    const a = actions[i]
    if (!a.runnable) blockColocationDependents(ws, a)
  }
  orderProbes(ws)
  for (let i = actions.length - 1; i >= 0; i--) {
    const a = actions[i]
    // (the test updateActionForOrderings starts with, made here: most actions have no ordering into them)
    if (a.before.length > 0 || a.requiresAny) updateActionForOrderings(ws, a)
  }
}

// ------------------------------------------------------------ propagation --

function actionFlags(a: Action, node: SNode | null): Flags {
  if (!a.rsc) return {optional: a.optional, runnable: a.runnable}
  const f = a.rsc.fns.actionFlags(a, null)
  if (!node || a.rsc.variant !== 'clone') return f
  const g = a.rsc.fns.actionFlags(a, node)
  if (f.runnable && !g.runnable) g.runnable = true
  return g
}

/** Group/clone start → running, stop → stopped, … for orderings from outside. */
function actionForOrdering(a: Action): Action {
  const rsc = a.rsc
  if (!rsc || rsc.variant === 'primitive') return a
  if (a.intervalMs > 0 || a.uuid.includes('notify')) return a
  const task = ORDERING_TASK[a.task]
  if (!task) return a
  // for clones with notifications (top-level, or a bundle's), what follows waits for the notifications to be confirmed
  const notified = rsc.notify && rsc.variant === 'clone' && (!rsc.parent || rsc.parent.variant === 'bundle')
  const uuid = notified ? `${rsc.id}_confirmed-post_notify_${task}_0` : `${rsc.id}_${task}_0`
  // the newest of the resource's actions with that key (the by-key index keeps them in creation order)
  const same = actionsWithKey(rsc, uuid)
  return same.length > 0 ? same[same.length - 1] : a
}
const ORDERING_TASK: Record<string, string | undefined> = {
  stop: 'stopped', start: 'running', promote: 'promoted', demote: 'demoted', stopped: 'stopped', running: 'running', promoted: 'promoted', demoted: 'demoted',
}

function allPrimitives(list: Rsc[]): boolean {
  for (let i = 0; i < list.length; i++) if (list[i].variant !== 'primitive') return false
  return true
}

function isParent(child: Rsc, parent: Rsc): boolean {
  let p = child.parent
  while (p) { if (p === parent) return true; p = p.parent }
  return false
}

function rscLocation(rsc: Rsc): SNode | null {
  if (rsc.variant === 'primitive') return rsc.allocatedTo
  for (const c of rsc.children) { const n = rscLocation(c); if (n) return n }
  return null
}

// what an optional ordering from a primitive's action does to 'then' (see updateActionForOrderings)
const PLAIN = 0, GROUP = 1, CLONE_OF_PRIMITIVES = 2, OTHER = 3

function optionalOrderingKind(then: Action): number {
  const rsc = then.rsc
  if (!rsc || rsc.variant === 'primitive') return PLAIN
  if (rsc.variant === 'group') return GROUP
  if (rsc.variant === 'clone' && !rsc.bundle && allPrimitives(rsc.children)) return CLONE_OF_PRIMITIVES
  return OTHER
}

export function updateActionForOrderings(ws: WorkingSet, then: Action, depth = 0): void {
  // With no ordering into it, an action's update changes nothing (most actions on big clusters;
  // a requires-any action is the exception: the update makes it unrunnable until one input runs).
  if (depth > 2000 || (then.before.length === 0 && !then.requiresAny)) return
  let changed = 0
  const lastFlags = then.requiresAny ? flagState(then) : 0
  const wasRunnable = then.runnable
  if (then.requiresAny) {
    then.runnableBefore = 0
    if (then.requiredRunnableBefore === 0) then.requiredRunnableBefore = 1
    then.runnable = false
  }
  // (then's node, worked out once: nothing below moves a resource)
  const thenNode = then.rsc?.variant === 'group' && then.task === 'start' ? rscLocation(then.rsc) ?? then.node ?? null : then.node ?? null
  const thenKind = optionalOrderingKind(then)
  // newest first; edges added meanwhile are appended and not visited (as over a copy)
  let groupFlagsTaken = false
  for (let i = then.before.length - 1; i >= 0; i--) {
    const other = then.before[i]
    let first = other.first
    // An optional (or load) ordering between primitives, or actions of no resource, changes no
    // flags (their flag functions only read, and the primitive update ignores these types): the
    // common case on big clusters, a probe before a start or a restart's stop. Into a group's
    // action the same holds for the update (the group's and its primitive members'); only the
    // group's flag function has an effect (it takes the members' flags onto the group's action).
    // Into a clone of primitives likewise: the clone's update and its instances' are the generic
    // one, which an optional ordering leaves alone; only the clone's flag function (for no node,
    // then for first's node) has an effect. (Such an ordering is not same-node: the check below
    // cannot drop it; and first, a primitive's action, has its own node.)
    if ((other.type & ~(O.optional | O.load)) === 0 && (!first.rsc || first.rsc.variant === 'primitive')) {
      if (thenKind === PLAIN) continue
      if (thenKind === GROUP) {
        // (a group's flags ignore the node: once taken, taking them again right after changes nothing)
        if (!groupFlagsTaken) actionFlags(then, first.node ?? null)
        groupFlagsTaken = true
        continue
      }
      if (thenKind === CLONE_OF_PRIMITIVES) {
        actionFlags(then, first.node ?? null)
        continue
      }
    }
    let firstNode = first.node ?? null
    if (first.rsc?.variant === 'group' && first.task === 'start') firstNode = rscLocation(first.rsc) ?? firstNode
    if ((other.type & O.sameNode) && firstNode && thenNode && firstNode !== thenNode) { other.type = O.none; continue }
    changed &= ~CHANGED_FIRST
    groupFlagsTaken = false
    if (first.rsc && (other.type & O.thenCancelsFirst) && !then.optional) {
      // a required 'then' (a stop) cancels 'first' (an agent reload)
      other.first.optional = true
      if (first.task === 'reload-agent') first.rsc.reload = false
    }
    if (first.rsc && then.rsc && first.rsc !== then.rsc && !isParent(then.rsc, first.rsc)) first = actionForOrdering(first)
    if (first === other.first) {
      const ff = actionFlags(first, thenNode)
      const tf = actionFlags(then, firstNode)
      changed |= updateForOrderingFlags(ws, first, then, ff, tf, other)
    } else if (orderActions(first, then, other.type)) {
      changed |= CHANGED_THEN
      other.type = O.none
    }
    if (changed & CHANGED_FIRST) {
      for (let k = first.after.length - 1; k >= 0; k--) updateActionForOrderings(ws, first.after[k].then, depth + 1)
      updateActionForOrderings(ws, first, depth + 1)
    }
  }
  if (then.requiresAny) {
    if (lastFlags === flagState(then)) changed &= ~CHANGED_THEN
    else changed |= CHANGED_THEN
  }
  if (changed & CHANGED_THEN) {
    if (wasRunnable && !then.runnable) blockColocationDependents(ws, then)
    updateActionForOrderings(ws, then, depth + 1)
    for (let k = then.after.length - 1; k >= 0; k--) updateActionForOrderings(ws, then.after[k].then, depth + 1)
  }
}

function updateForOrderingFlags(ws: WorkingSet, first: Action, then: Action, ff: Flags, tf: Flags, edge: ActionEdge): number {
  let changed = 0
  let type = edge.type
  let node = then.node ?? null
  if (type & O.impliesThenOnNode) { type = (type & ~O.impliesThenOnNode) | O.impliesThen; node = first.node ?? null }
  // (then's update, called directly: no closure made per ordering)
  const upd = then.rsc?.fns.updateOrderedActions
  if (type & O.impliesThen) {
    if (upd) changed |= upd(first, then, node, {optional: ff.optional, runnable: false}, OPTIONAL, O.impliesThen)
    else if (!ff.optional && then.optional) { then.optional = false; changed |= CHANGED_THEN }
  }
  if ((type & O.restart) && upd) changed |= upd(first, then, node, ff, OPTIONAL_RUNNABLE, O.restart)
  if (type & O.impliesFirst) {
    if (first.rsc) changed |= first.rsc.fns.updateOrderedActions(first, then, node, ff, OPTIONAL, O.impliesFirst)
    else if (!ff.optional && first.runnable) { first.runnable = false; changed |= CHANGED_FIRST }
  }
  if ((type & O.promotedImpliesFirst) && upd) changed |= upd(first, then, node, {optional: ff.optional, runnable: false}, OPTIONAL, O.promotedImpliesFirst)
  if (type & O.oneOrMore) {
    if (upd) changed |= upd(first, then, node, ff, RUNNABLE, O.oneOrMore)
    else if (ff.runnable) {
      then.runnableBefore++
      if (then.runnableBefore >= then.requiredRunnableBefore && !then.runnable) { then.runnable = true; changed |= CHANGED_THEN }
    }
  }
  if ((type & O.probe) && upd) {
    // first is stopping: the ordering goes (out of the graph too), and nothing below applies
    if (!ff.runnable && first.rsc && first.rsc.runningOn.length > 0) edge.type = type = O.none
    else changed |= upd(first, then, node, ff, RUNNABLE, O.runnableLeft)
  }
  if (type & O.runnableLeft) {
    if (upd) changed |= upd(first, then, node, ff, RUNNABLE, O.runnableLeft)
    else if (!ff.runnable && then.runnable) { then.runnable = false; changed |= CHANGED_THEN }
  }
  if ((type & O.impliesFirstMigratable) && upd) changed |= upd(first, then, node, ff, OPTIONAL, O.impliesFirstMigratable)
  if ((type & O.pseudoLeft) && upd) changed |= upd(first, then, node, ff, OPTIONAL, O.pseudoLeft)
  if ((type & O.optional) && upd) changed |= upd(first, then, node, ff, RUNNABLE, O.optional)
  if ((type & O.asymmetrical) && upd) changed |= upd(first, then, node, ff, RUNNABLE, O.asymmetrical)
  // a required 'first' puts 'then' in the graph even when it stays optional (and the other way round)
  if (first.runnable && (edge.type & O.impliesThenPrinted) && !ff.optional) then.printAlways = true
  if ((edge.type & O.impliesFirstPrinted) && !tf.optional) first.printAlways = true
  if ((type & (O.impliesThen | O.impliesFirst | O.restart)) && first.rsc && !first.rsc.managed && first.rsc.block && !first.runnable && first.task === 'stop') {
    if (then.runnable) { then.runnable = false; changed |= CHANGED_THEN }
  }
  return changed
}

// the filters of updateOrderedActions (which flags an ordering may change), shared: never modified
const OPTIONAL: Readonly<Flags> = {optional: true, runnable: false}
const RUNNABLE: Readonly<Flags> = {optional: false, runnable: true}
const OPTIONAL_RUNNABLE: Readonly<Flags> = {optional: true, runnable: true}

function clearBecause(a: Action, flag: 'optional' | 'runnable' | 'migrateRunnable', reason: Action): void {
  if (!a[flag]) return
  a[flag] = false
  if (a.rsc !== reason.rsc) {
    const what = flag === 'optional' ? 'required' : 'unrunnable'
    setReason(a, `${what}${reason.rsc ? ` ${reason.rsc.id}` : ''} ${reason.task}`, flag === 'migrateRunnable')
  }
}

/** The flags whose change makes Pacemaker re-process an action's orderings, as one number. */
function flagState(a: Action): number {
  return (a.optional ? 1 : 0) | (a.runnable ? 2 : 0) | (a.migrateRunnable === true ? 4 : 0) | (a.pseudo ? 8 : 0)
}

function handleAsymmetric(first: Action, then: Action): void {
  if (!then.rsc) return
  const role = rscState(then.rsc)
  if (role === Role.Stopped && then.task === 'stop') return
  if (role >= Role.Started && then.optional && then.node && then.rsc.runningOn.length === 1 && then.node === then.rsc.runningOn[0] && then.task === 'start') return
  if (!first.runnable) {
    clearBecause(then, 'optional', first)
    clearBecause(then, 'runnable', first)
  }
}

function handleRestart(first: Action, then: Action, filter: Flags): void {
  let reason = false
  if (filter.optional && !then.optional) reason = true
  if (filter.runnable && !then.runnable && then.rsc?.managed && first.rsc === then.rsc) reason = true
  if (!reason) return
  if (first.runnable) clearBecause(first, 'optional', then)
  if (!then.optional) clearBecause(first, 'optional', then)
  if (!then.migrateRunnable) clearBecause(first, 'migrateRunnable', then)
  if (!first.optional && !first.runnable) clearBecause(then, 'runnable', first)
}

/** pcmk__update_ordered_actions: the generic (primitive) flag update. */
export function updateOrderedActions(ws: WorkingSet, first: Action, then: Action, _node: SNode | null, flags: Flags, filter: Flags, type: number): number {
  let changed = 0
  const thenBefore = flagState(then)
  const firstBefore = flagState(first)
  const thenOptional0 = then.optional
  if (type & O.asymmetrical) handleAsymmetric(first, then)
  if ((type & O.impliesFirst) && !thenOptional0) {
    if (filter.optional && !flags.optional && first.optional) clearBecause(first, 'optional', then)
    if (flags.migrateRunnable && !then.migrateRunnable) clearBecause(first, 'migrateRunnable', then)
  }
  if ((type & O.promotedImpliesFirst) && then.rsc && then.rsc.role === Role.Promoted && filter.optional && !then.optional) {
    clearBecause(first, 'optional', then)
    if (first.migrateRunnable && !then.migrateRunnable) clearBecause(first, 'migrateRunnable', then)
  }
  if ((type & O.impliesFirstMigratable) && filter.optional) {
    if (!(then.migrateRunnable && then.runnable)) clearBecause(first, 'runnable', then)
    if (!then.optional) clearBecause(first, 'optional', then)
  }
  if ((type & O.pseudoLeft) && filter.optional && !first.runnable) {
    clearBecause(then, 'migrateRunnable', first)
    then.pseudo = false
  }
  if ((type & O.runnableLeft) && filter.runnable && then.runnable && !flags.runnable) {
    clearBecause(then, 'runnable', first)
    clearBecause(then, 'migrateRunnable', first)
  }
  if ((type & O.impliesThen) && filter.optional && then.optional && !flags.optional && !first.migrateRunnable) clearBecause(then, 'optional', first)
  if (type & O.restart) handleRestart(first, then, filter)
  if (thenBefore !== flagState(then)) {
    changed |= CHANGED_THEN
    if (then.rsc?.parent) updateActionForOrderings(ws, then)
  }
  if (firstBefore !== flagState(first)) changed |= CHANGED_FIRST
  return changed
}

// ------------------------------------------------------------ colocation blocking --

function findFirstAction(rsc: Rsc, task: string): Action | undefined {
  return rsc.actions.findLast((a) => a.task === task && a.intervalMs === 0)
}

function markActionBlocked(ws: WorkingSet, rsc: Rsc, task: string, reason: Rsc): void {
  for (const a of newestFirst(rsc.actions)) {
    if (a.runnable && a.task === task && a.intervalMs === 0) {
      a.runnable = false
      setReason(a, `colocation with ${reason.id}`, false)
      blockColocationDependents(ws, a)
      updateActionForOrderings(ws, a)
    }
  }
  for (const c of rsc.children) markActionBlocked(ws, c, task, reason)
}

export function blockColocationDependents(ws: WorkingSet, action: Action): void {
  if (action.runnable) return
  const isStart = action.task === 'start'
  if (!isStart && action.task !== 'promote') return
  if (!action.rsc) return
  let rsc = topParent(action.rsc)
  // a bundle's part: the bundle as a whole must be unable to start
  if (rsc.parent) rsc = rsc.parent
  if (rsc.withThis.length === 0) return
  for (const child of rsc.children) {
    const ca = findFirstAction(child, action.task)
    if (!ca || ca.runnable) return
  }
  for (const c of rsc.withThis) {
    if (c.score < 1_000_000) continue
    if (!isStart && c.primaryRole !== Role.Promoted) continue
    markActionBlocked(ws, c.dependent, c.dependentRole === Role.Promoted ? 'promote' : 'start', action.rsc)
  }
}

export {orderActions, newestFirst}
