/**
 * The transition summary: what crm_simulate prints under "Transition
 * Summary:" (pcmk_output.c rsc_action_default / rsc_action_item), as text
 * lines and as corpus-shaped action records.
 */
import {actionsWithTask} from './actions.js'
import {bundleSummaryOrder} from './bundle.js'
import {currentNode} from './placement.js'
import {type Action, type Rsc, Role, ROLE_NAMES, type SNode, type WorkingSet} from './types.js'

export interface SummaryAction {
  action: string
  resource: string | null
  node: string | null
  from: string | null
  to: string | null
  role?: string
  nextRole?: string
  reason?: string
  blocked?: true
  op?: string
}

/** A resource's line, formatted once the column widths are known. */
interface Item {
  change: string
  rscId: string
  details: string
  reason: string | undefined
}

interface Printer {
  /** fence and shutdown lines as printed, then the resources' items */
  nodeLines: string[]
  items: Item[]
  actions: SummaryAction[]
  rscWidth: number
  detailWidth: number
}

function findActions(rsc: Rsc, task: string, node: SNode | null): Action | undefined {
  // find_actions() returns matches oldest first, and gives a node-less action the node asked for
  // (the one-off actions of a task are exactly those under the key rsc_task_0: the task index
  // spares building and hashing that key, thousands of times in a big cluster)
  let found: Action | undefined
  const same = actionsWithTask(rsc, task)
  for (let i = same.length - 1; i >= 0; i--) {
    const a = same[i]
    if (node === null) found = a
    else if (a.node === undefined) { a.node = node; found = a }
    else if (a.node === node) found = a
  }
  return found
}

function item(p: Printer, change: string, rsc: Rsc, origin: SNode | null, destination: SNode | null, action: Action | undefined, sourceIn: Action | undefined): void {
  if (!action) return
  const source = sourceIn ?? action
  if (rsc.id.length > p.rscWidth) p.rscWidth = rsc.id.length + 2
  const needRole = rsc.role > Role.Started || rsc.nextRole > Role.Unpromoted
  const sameHost = origin !== null && destination !== null && origin === destination
  const sameRole = rsc.role === rsc.nextRole
  const role = ROLE_NAMES[rsc.role]
  const next = ROLE_NAMES[rsc.nextRole]
  let details: string
  const rec: SummaryAction = {action: change.toLowerCase(), resource: rsc.id, node: null, from: origin?.uname ?? null, to: destination?.uname ?? null}
  if (needRole && !origin) {
    details = `${role} -> ${next} ${destination!.uname}`
    rec.role = role; rec.nextRole = next
  } else if (!origin) {
    details = destination!.uname
  } else if (needRole && !destination) {
    details = `${role} ${origin.uname}`
    rec.role = role
  } else if (!destination) {
    details = origin.uname
  } else if (needRole && sameRole && sameHost) {
    details = `${role} ${origin.uname}`
    rec.role = role
  } else if (sameRole && sameHost) {
    details = origin.uname
  } else if (needRole && sameRole) {
    details = `${origin.uname} -> ${destination.uname} ${role}`
    rec.role = role
  } else if (sameRole) {
    details = `${origin.uname} -> ${destination.uname}`
  } else if (sameHost) {
    details = `${role} -> ${next} ${origin.uname}`
    rec.role = role; rec.nextRole = next
  } else {
    details = `${role} ${origin.uname} -> ${next} ${destination.uname}`
    rec.role = role; rec.nextRole = next
  }
  // corpus conventions: Stop has only `from`, Start only `to`, others on one host set both
  if (change === 'Recover' || change === 'Restart' || change === 'Re-promote' || change === 'Promote' || change === 'Demote') {
    if (origin && !destination) rec.to = origin.uname
  }
  if (p.detailWidth < details.length) p.detailWidth = details.length
  let reason: string | undefined
  if (source.reason && !action.runnable) { reason = `due to ${source.reason} (blocked)`; rec.reason = source.reason; rec.blocked = true }
  else if (source.reason) { reason = `due to ${source.reason}`; rec.reason = source.reason }
  else if (!action.runnable) { reason = 'blocked'; rec.blocked = true }
  rec.node = rec.from && rec.to ? (rec.from === rec.to ? rec.from : null) : (rec.from ?? rec.to)
  p.items.push({change, rscId: rsc.id, details, reason})
  p.actions.push(rec)
}

function rscAction(p: Printer, rsc: Rsc, current: SNode | null, next: SNode | null): void {
  if (!rsc.managed || (!current && !next)) return
  const moving = current !== null && next !== null && current !== next
  const start = findActions(rsc, 'start', next)
  const startNode = !start || !start.runnable ? null : current
  let stop = findActions(rsc, 'stop', startNode)
  // multiple-active=stop_unexpected: the stop is elsewhere than where it stays
  if (!stop && rsc.stopUnexpected) stop = findActions(rsc, 'stop', null)
  const promote = findActions(rsc, 'promote', next)
  const demote = findActions(rsc, 'demote', next)
  if (rsc.role === rsc.nextRole) {
    if (!next) return
    const migrateFrom = findActions(rsc, 'migrate_from', next)
    if (migrateFrom && current && migrateFrom.runnable) {
      item(p, 'Migrate', rsc, current, next, start, undefined)
    } else if (rsc.reload) {
      item(p, 'Reload', rsc, current, next, start, undefined)
    } else if (!start || start.optional) {
      if (demote && promote && !demote.optional && !promote.optional) item(p, 'Re-promote', rsc, current, next, promote, demote)
    } else if (!start.runnable) {
      item(p, 'Stop', rsc, current, null, stop, stop?.reason ? stop : start)
    } else if (moving && current) {
      item(p, rsc.failed ? 'Recover' : 'Move', rsc, current, next, stop, undefined)
    } else if (rsc.failed) {
      item(p, 'Recover', rsc, current, null, stop, undefined)
    } else {
      item(p, 'Restart', rsc, current, next, start, undefined)
    }
    return
  }
  if (stop && (rsc.nextRole === Role.Stopped || (start && !start.runnable))) {
    for (const node of rsc.runningOn) {
      const stopOp = findActions(rsc, 'stop', node)
      item(p, 'Stop', rsc, node, null, stopOp, stopOp?.reason ? stopOp : start)
    }
  } else if (stop && rsc.failed && rsc.stopFlag) {
    item(p, 'Recover', rsc, current, next, stop, start)
  } else if (moving) {
    item(p, 'Move', rsc, current, next, stop, undefined)
  } else if (rsc.reload) {
    item(p, 'Reload', rsc, current, next, start, undefined)
  } else if (stop && !stop.optional) {
    item(p, 'Restart', rsc, current, next, start, undefined)
  } else if (rsc.role === Role.Promoted) {
    item(p, 'Demote', rsc, current, next, demote, undefined)
  } else if (rsc.nextRole === Role.Promoted) {
    item(p, 'Promote', rsc, current, next, promote, undefined)
  } else if (rsc.role === Role.Stopped && rsc.nextRole > Role.Stopped) {
    item(p, 'Start', rsc, current, next, start, undefined)
  }
}

function outputActions(p: Printer, rsc: Rsc): void {
  if (rsc.children.length > 0) {
    for (const c of rsc.bundle ? bundleSummaryOrder(rsc) : rsc.children) outputActions(p, c)
    return
  }
  const next = rsc.allocatedTo
  let current: SNode | null = null
  if (rsc.runningOn.length > 0) {
    current = currentNode(rsc)
    if (rsc.role === Role.Stopped) rsc.role = Role.Started
  }
  if (!current && rsc.orphan) return
  rscAction(p, rsc, current, next)
}

export function transitionSummary(ws: WorkingSet): {lines: string[]; actions: SummaryAction[]} {
  // crm_simulate's column widths are static variables that only grow, and the scheduler logs every
  // action (log_all_actions) before the summary is printed: the printed lines use the widths that
  // pass reached, its final ones (no line can widen them further). One pass, formatted at the end,
  // gives those lines: the second pass met the same items (its lookups find what the first one's did).
  const p = collectSummary(ws, {nodeLines: [], items: [], actions: [], rscWidth: 5, detailWidth: 5})
  const lines = p.nodeLines
  for (const {change, rscId, details, reason} of p.items) {
    lines.push(`  * ${change.padEnd(8)}   ${rscId.padEnd(p.rscWidth)}   ( ${details.padStart(p.detailWidth)} )${reason ? `  ${reason}` : ''}`)
  }
  return {lines, actions: p.actions}
}

function collectSummary(ws: WorkingSet, p: Printer): Printer {
  // Node actions: Pacemaker prepends to its action list, so the newest comes first.
  // (a loop, not filter: no callback per action, and big clusters have tens of thousands)
  const nodeActions: Action[] = []
  for (let i = ws.actions.length - 1; i >= 0; i--) {
    const a = ws.actions[i]
    if (!a.rsc && !a.optional && (a.task === 'stonith' || a.task === 'do_shutdown')) nodeActions.push(a)
  }
  for (const a of nodeActions) {
    if (a.task === 'stonith') {
      const op = a.fenceOp ?? 'reboot'
      const container = a.node!.guest ? a.node!.remoteRsc?.container : undefined
      const target = container ? `${a.node!.uname} (resource: ${container.id})` : a.node!.uname
      if (a.reason) p.nodeLines.push(`  * Fence (${op}) ${target} '${a.reason}'`)
      p.actions.push({action: 'fence', resource: null, node: a.node!.uname, from: null, to: null, op, ...(a.reason ? {reason: a.reason} : {})})
    } else if (a.reason) {
      p.nodeLines.push(`  * Shutdown ${a.node!.uname} '${a.reason}'`)
      p.actions.push({action: 'shutdown', resource: null, node: a.node!.uname, from: null, to: null, reason: a.reason})
    }
  }
  for (const r of ws.resources) outputActions(p, r)
  return p
}
