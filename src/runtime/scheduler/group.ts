/** Groups: pseudo-actions around members, implicit member ordering and colocation (pcmk_sched_group.c). */
import {newestAction, pseudoAction} from './actions.js'
import {newColocation, orderResourceActions} from './constraints.js'
import {groupApplyColocScore, groupApplyLocation, groupAssign} from './placement.js'
import {updateOrderedActions} from './ordering.js'
import {type Action, type Flags, O, type Rsc, type SNode, type VariantMethods, type WorkingSet} from './types.js'
import {INFINITY} from './scores.js'
import {topParent} from './resources.js'

export function groupCreateActions(ws: WorkingSet, rsc: Rsc): void {
  for (const m of rsc.children) m.fns.createActions(m)
  for (const t of ['start', 'running', 'stop', 'stopped']) pseudoAction(ws, rsc, t, true)
  if (rsc.promotable || rsc.parent?.promotable) for (const t of ['demote', 'demoted', 'promote', 'promoted']) pseudoAction(ws, rsc, t, true)
}

export function groupInternalConstraints(ws: WorkingSet, rsc: Rsc): void {
  orderResourceActions(ws, rsc, 'stop', rsc, 'stopped', O.runnableLeft)
  orderResourceActions(ws, rsc, 'stopped', rsc, 'start', O.optional)
  orderResourceActions(ws, rsc, 'start', rsc, 'running', O.runnableLeft)
  const promotable = topParent(rsc).promotable
  let previous: Rsc | undefined
  let lastActive: Rsc | undefined
  for (const member of rsc.children) {
    let downFlags: number = O.impliesFirstPrinted
    let postDownFlags: number = O.impliesThenPrinted
    member.fns.internalConstraints(member)
    if (!previous) {
      if (rsc.ordered) {
        downFlags |= O.optional
        postDownFlags = O.impliesThen
      }
    } else if (rsc.colocated) {
      newColocation(ws, 'group:internal_colocation', undefined, INFINITY, member, previous, undefined, undefined)
    }
    if (promotable) {
      orderResourceActions(ws, rsc, 'demote', member, 'demote', downFlags)
      orderResourceActions(ws, member, 'demote', rsc, 'demoted', postDownFlags)
      orderResourceActions(ws, member, 'promote', rsc, 'promoted', O.runnableLeft | O.impliesThen | O.impliesThenPrinted)
      orderResourceActions(ws, rsc, 'promote', member, 'promote', O.impliesFirstPrinted)
    }
    orderResourceActions(ws, rsc, 'stop', member, 'stop', downFlags)
    orderResourceActions(ws, member, 'stop', rsc, 'stopped', postDownFlags)
    orderResourceActions(ws, rsc, 'start', member, 'start', O.impliesFirstPrinted)
    orderResourceActions(ws, member, 'start', rsc, 'running', O.runnableLeft | O.impliesThen | O.impliesThenPrinted)
    if (!rsc.ordered) {
      // unordered members each start as soon as the group may
      orderResourceActions(ws, rsc, 'start', member, 'start', O.impliesThen | O.runnableLeft | O.impliesFirstPrinted)
      if (promotable) orderResourceActions(ws, rsc, 'promote', member, 'promote', O.impliesThen | O.runnableLeft | O.impliesFirstPrinted)
    } else if (!previous) {
      orderResourceActions(ws, rsc, 'start', member, 'start', O.none)
      if (promotable) orderResourceActions(ws, rsc, 'promote', member, 'promote', O.none)
    } else {
      orderResourceActions(ws, previous, 'start', member, 'start', O.impliesThen | O.runnableLeft)
      orderResourceActions(ws, member, 'stop', previous, 'stop', O.optional | O.restart)
      if (promotable) {
        orderResourceActions(ws, previous, 'promote', member, 'promote', O.impliesThen | O.runnableLeft)
        orderResourceActions(ws, member, 'demote', previous, 'demote', O.optional)
      }
    }
    if (member.runningOn.length > 0) {
      if (rsc.ordered && previous && previous.runningOn.length === 0 && lastActive && lastActive.runningOn.length > 0) {
        orderResourceActions(ws, member, 'stop', lastActive, 'stop', O.optional)
      }
      lastActive = member
    }
    previous = member
  }
}

const MEMBER_TASK: Record<string, string> = {stopped: 'stop', running: 'start', demoted: 'demote', promoted: 'promote'}

export function groupActionFlags(action: Action, node: SNode | null): Flags {
  const flags = {optional: true, runnable: true}
  const members = action.rsc!.children
  const task = MEMBER_TASK[action.task] ?? action.task
  for (let i = 0; i < members.length; i++) {
    const member = members[i]
    const ma = newestAction(member, task, node)
    if (ma) {
      const mf = member.fns.actionFlags(ma, node)
      if (flags.optional && !mf.optional) { flags.optional = false; action.optional = false }
      if (task !== action.task && flags.runnable && !mf.runnable) { flags.runnable = false; action.runnable = false }
    } else if (task !== 'stop' && task !== 'demote') {
      flags.runnable = false
    }
  }
  return flags
}

export function groupUpdateOrderedActions(ws: WorkingSet, first: Action, then: Action, node: SNode | null, flags: Flags, filter: Flags, type: number): number {
  let changed = updateOrderedActions(ws, first, then, node, flags, filter, type)
  const members = then.rsc!.children
  for (let i = 0; i < members.length; i++) {
    const ma = newestAction(members[i], then.task, node)
    if (ma) changed |= members[i].fns.updateOrderedActions(first, ma, node, flags, filter, type)
  }
  return changed
}

export function makeGroupMethods(ws: () => WorkingSet): VariantMethods {
  return {
    assign: (rsc, prefer) => groupAssign(ws(), rsc, prefer),
    createActions: (rsc) => groupCreateActions(ws(), rsc),
    internalConstraints: (rsc) => groupInternalConstraints(ws(), rsc),
    applyColocScore: groupApplyColocScore,
    applyLocation: groupApplyLocation,
    actionFlags: groupActionFlags,
    updateOrderedActions: (first, then, node, flags, filter, type) => groupUpdateOrderedActions(ws(), first, then, node, flags, filter, type),
  }
}
