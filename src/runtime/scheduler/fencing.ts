/** Fencing of unclean nodes and what it implies for resources on them (pcmk_sched_fencing.c). */
import {canFence, fenceOp, shutdownAction} from './actions.js'
import {newOrdering} from './constraints.js'
import {orderNotificationsAfterFencing} from './notifications.js'
import {orderActions} from './ordering.js'
import {O, type Action, type Rsc, type SNode, type WorkingSet} from './types.js'
import {topParent} from './resources.js'

function anyManaged(r: Rsc): boolean {
  if (r.managed) return true
  return r.children.some(anyManaged)
}

function orderStopVsFencing(ws: WorkingSet, rsc: Rsc, stonith: Action): void {
  const target = stonith.node!
  // a guest node's "fencing" is its container's stop: what it implies always comes after it
  const implicit = rsc.needs === 'fencing' || (target.remote === true && target.remoteRsc?.container !== undefined)
  const top = topParent(rsc)
  // inside a bundle (pe_rsc_is_bundled), the stop itself is ordered through its parent's stop (ordering it directly makes a loop)
  const bundled = top.parent !== undefined
  const stops = rsc.actions.filter((a) => a.task === 'stop' && a.node === target && a.intervalMs === 0)
  // find_first_action walks Pacemaker's newest-first list: the stop created last
  const parentStop = top.actions.findLast((a) => a.task === 'stop' && a.intervalMs === 0)
  for (const a of stops) {
    a.pseudo = true
    a.runnable = true
    if (implicit) {
      if (!bundled) orderActions(stonith, a, O.preserve)
      if (parentStop) orderActions(stonith, parentStop, O.preserve)
    }
    if (rsc.notify) orderNotificationsAfterFencing(ws, a, rsc, stonith)
  }
  for (const a of rsc.actions.filter((x) => x.task === 'demote' && x.node === target && x.intervalMs === 0)) {
    if (!a.node!.online || a.node!.unclean || rsc.failed) {
      a.pseudo = true
      a.runnable = true
      // a bundled demote is ordered through its parent's implied stop
      if (implicit && !bundled) orderActions(stonith, a, O.preserve | O.optional)
    }
  }
}

function orderStartVsFencing(rsc: Rsc, stonith: Action): void {
  const target = stonith.node!
  for (const a of rsc.actions) {
    if (a.needsNothing) continue
    if (rsc.needs === 'fencing') orderActions(stonith, a, O.optional)
    else if (rsc.needs === 'quorum' && a.task === 'start' && rsc.allowed.has(target) && !rsc.knownOn.has(target)
      && !(rsc.parent?.variant === 'clone' && !rsc.parent.unique && rsc.parent.knownOn.has(target))) {
      orderActions(stonith, a, O.optional | O.runnableLeft)
    }
  }
}

function rscStonithOrdering(ws: WorkingSet, rsc: Rsc, stonith: Action): void {
  if (rsc.children.length > 0) {
    for (const c of rsc.children) rscStonithOrdering(ws, c, stonith)
  } else if (rsc.managed) {
    orderStartVsFencing(rsc, stonith)
    orderStopVsFencing(ws, rsc, stonith)
  }
}

/** Guest nodes can be "fenced" while their container's hosts are up or fenceable. */
function canFenceGuest(ws: WorkingSet, node: SNode): boolean {
  const container = node.remoteRsc?.container
  return !container || container.runningOn.every((n) => n.online || canFence(ws, n))
}

/** pcmk__fence_guest: a pseudo fencing action, done once the container is stopped (or its host fenced) */
function fenceGuestNode(ws: WorkingSet, node: SNode): Action {
  const container = node.remoteRsc!.container!
  const stop = container.actions.find((a) => a.task === 'stop' && a.intervalMs === 0)
  const op = container.actions.some((a) => a.task === 'start' && a.intervalMs === 0) ? 'reboot' : 'off'
  const f = fenceOp(ws, node, false, 'guest is unclean', op)
  f.pseudo = true
  f.runnable = true
  if (stop && stop.pseudo && stop.node) orderActions(fenceOp(ws, stop.node, false, undefined), f, O.runnableLeft | O.impliesThen)
  else if (stop) orderActions(stop, f, O.runnableLeft | O.impliesThen)
  else {
    const connStop = node.remoteRsc!.actions.find((a) => a.task === 'stop' && a.intervalMs === 0)
    if (connStop) orderActions(connStop, f, O.optional)
  }
  return f
}

/** Stops on a node before its shutdown, except what is in maintenance, unmanaged or blocked (pcmk__order_stops_before_shutdown). */
function orderStopsBeforeShutdown(ws: WorkingSet, node: SNode, down: Action): void {
  for (const stop of ws.actions) {
    const rsc = stop.rsc
    if (!rsc || stop.node !== node || stop.task !== 'stop') continue
    if (rsc.maintenance || node.maintenance || (!rsc.managed && !rsc.block)) continue
    stop.optional = false
    newOrdering(ws, {rsc, action: stop}, {action: down}, O.optional | O.runnableLeft)
  }
}

/** schedule_fencing_and_shutdowns: fence unclean nodes, shut down the ones leaving, the DC last. */
export function scheduleFencing(ws: WorkingSet): void {
  const haveManaged = ws.resources.some(anyManaged)
  let dcDown: Action | undefined
  // newest first, as Pacemaker prepends
  const fencingOps: Action[] = []
  const shutdownOps: Action[] = []
  for (const node of ws.nodes) {
    if (node.guest) {
      if (node.remoteRequiresReset && haveManaged && canFenceGuest(ws, node)) {
        const f = fenceGuestNode(ws, node)
        for (const r of ws.resources) rscStonithOrdering(ws, r, f)
      }
      continue
    }
    const isDc = ws.options.dcUuid === node.id
    if (haveManaged && node.unclean && canFence(ws, node)) {
      const f = fenceOp(ws, node, false, 'node is unclean')
      for (const r of ws.resources) rscStonithOrdering(ws, r, f)
      if (isDc) dcDown = f
      else {
        // without concurrent fencing, one fencing after the other
        if (!ws.options.concurrentFencing && fencingOps.length > 0) orderActions(fencingOps[0], f, O.optional)
        fencingOps.unshift(f)
      }
    } else if (!node.remote && node.online && node.shutdown) {
      const down = shutdownAction(ws, node)
      orderStopsBeforeShutdown(ws, node, down)
      if (isDc) dcDown = down
      else shutdownOps.unshift(down)
    }
  }
  if (!dcDown) return
  // the DC goes last: no repeated elections
  if (dcDown.task === 'do_shutdown') for (const s of shutdownOps) orderActions(s, dcDown, O.optional)
  if (ws.options.concurrentFencing) for (const f of fencingOps) orderActions(f, dcDown, O.optional)
  else if (fencingOps.length > 0) orderActions(fencingOps[0], dcDown, O.optional)
}

export function isFenced(ws: WorkingSet, node: SNode): boolean {
  return ws.fenceActions.some((a) => a.node === node && !a.optional && a.fenceOp !== 'on')
}

// ------------------------------------------------------------ unfencing --

/** #node-unfenced: unset or "0" means the node was never unfenced (pcmk__node_unfenced) */
function nodeUnfenced(node: SNode): boolean {
  const v = node.attrs.get('#node-unfenced')
  return v !== undefined && v !== '0'
}

/** trigger_unfencing: unfence a node (or every node a fence device may run on) */
export function triggerUnfencing(ws: WorkingSet, rsc: Rsc | null, node: SNode | null, reason: string): void {
  if (!ws.options.enableUnfencing) return
  if (rsc && !rsc.isFenceDevice) return
  if (node && node.online && !node.unclean && !node.shutdown) {
    fenceOp(ws, node, false, reason, 'on')
  } else if (rsc) {
    for (const n of rsc.allowed.keys()) if (n.online && !n.unclean && !n.shutdown) triggerUnfencing(ws, rsc, n, reason)
  }
}

function usesUnfencing(ws: WorkingSet, rsc: Rsc): boolean {
  return (rsc.isFenceDevice && ws.options.enableUnfencing) || rsc.needsUnfencing === true
}

/** pcmk__order_vs_unfence: probes and starts wait for the node's unfencing, which is required if it never happened */
export function orderVsUnfence(ws: WorkingSet, rsc: Rsc, node: SNode, action: Action, type: number): void {
  if (!usesUnfencing(ws, rsc)) return
  const unfence = fenceOp(ws, node, true, undefined, 'on')
  orderActions(unfence, action, type)
  if (!nodeUnfenced(node)) triggerUnfencing(ws, null, node, `required by ${rsc.id} ${action.task}`)
}

/** pcmk__order_restart_vs_unfence: stops before a node's unfencing, starts after it */
export function orderRestartVsUnfence(ws: WorkingSet, rsc: Rsc): void {
  if (rsc.isFenceDevice || !ws.options.enableUnfencing || !rsc.needsUnfencing) return
  for (const node of rsc.allowed.keys()) {
    const unfence = fenceOp(ws, node, true, undefined, 'on')
    newOrdering(ws, {rsc, task: 'stop'}, {action: unfence}, O.optional | O.sameNode)
    newOrdering(ws, {action: unfence}, {rsc, task: 'start'}, O.impliesThenOnNode | O.sameNode)
  }
}

/** Orders a stop of a resource that needs unfencing before the node's unfencing. */
export function orderStopVsUnfence(ws: WorkingSet, rsc: Rsc, node: SNode, stop: Action): void {
  if (!rsc.needsUnfencing) return
  orderActions(stop, fenceOp(ws, node, true, undefined, 'on'), O.impliesFirst)
}
