/** Fencing of unclean nodes and what it implies for resources on them (pcmk_sched_fencing.c). */
import {canFence, fenceOp} from './actions.js'
import {orderActions} from './ordering.js'
import {O, type Action, type Rsc, type SNode, type WorkingSet} from './types.js'

function anyManaged(r: Rsc): boolean {
  if (r.managed) return true
  return r.children.some(anyManaged)
}

function orderStopVsFencing(rsc: Rsc, stonith: Action): void {
  const target = stonith.node!
  const implicit = rsc.needs === 'fencing'
  let top = rsc
  while (top.parent) top = top.parent
  const stops = rsc.actions.filter((a) => a.task === 'stop' && a.node === target && a.intervalMs === 0)
  const parentStop = top.actions.find((a) => a.task === 'stop' && a.intervalMs === 0)
  for (const a of stops) {
    a.pseudo = true
    a.runnable = true
    if (implicit) {
      orderActions(stonith, a, O.preserve)
      if (parentStop) orderActions(stonith, parentStop, O.preserve)
    }
  }
  for (const a of rsc.actions.filter((x) => x.task === 'demote' && x.node === target && x.intervalMs === 0)) {
    if (!a.node!.online || a.node!.unclean || rsc.failed) {
      a.pseudo = true
      a.runnable = true
      if (implicit) orderActions(stonith, a, O.preserve | O.optional)
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

function rscStonithOrdering(rsc: Rsc, stonith: Action): void {
  if (rsc.children.length > 0) {
    for (const c of rsc.children) rscStonithOrdering(c, stonith)
  } else if (rsc.managed) {
    orderStartVsFencing(rsc, stonith)
    orderStopVsFencing(rsc, stonith)
  }
}

export function scheduleFencing(ws: WorkingSet): void {
  const haveManaged = ws.resources.some(anyManaged)
  for (const node of ws.nodes) {
    if (haveManaged && node.unclean && canFence(ws, node)) {
      const f = fenceOp(ws, node, false, 'node is unclean')
      for (const r of ws.resources) rscStonithOrdering(r, f)
    }
  }
}

export function isFenced(ws: WorkingSet, node: SNode): boolean {
  return ws.fenceActions.some((a) => a.node === node && !a.optional)
}
