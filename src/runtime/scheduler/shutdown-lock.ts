/**
 * Shutdown locks (shutdown-lock, shutdown-lock-limit): a resource active on a node that shuts
 * down cleanly stays with that node — it is stopped and banned from every other node until the
 * node comes back or the lock expires (unpack_shutdown_lock, pcmk__primitive_shutdown_lock).
 */
import type * as M from '../../formats/cib/model.js'
import {customAction} from './actions.js'
import {INFINITY} from './scores.js'
import {type Rsc, type SNode, type WorkingSet} from './types.js'
import {resourceLocation} from './unpack.js'

/** The lock recorded on a resource's history entry (unless it expired). */
export function unpackShutdownLock(ws: WorkingSet, lrm: M.LrmResource, rsc: Rsc, node: SNode): void {
  const recorded = Number(lrm.otherAttributes?.['shutdown-lock'] ?? 0)
  if (!recorded) return
  const limitS = ws.options.shutdownLockLimitMs / 1000
  if (limitS > 0 && ws.now / 1000 > recorded + limitS) {
    // an expired lock: the node's history of the resource is forgotten (pe__clear_resource_history)
    customAction(ws, rsc, 'lrm_delete', node, false)
    return
  }
  rsc.lockNode = node
}

function lockPrimitive(ws: WorkingSet, rsc: Rsc): void {
  if (rsc.isFenceDevice || rsc.cls === '' || (rsc.cls === 'ocf' && rsc.provider === 'pacemaker' && rsc.type === 'remote')) return
  if (rsc.lockNode) {
    // locked by history but active elsewhere: leave it alone
    if (rsc.runningOn.length > 0) rsc.lockNode = undefined
  } else if (rsc.runningOn.length === 1) {
    const node = rsc.runningOn[0]
    if (node.shutdown && !node.unclean) rsc.lockNode = node
  }
  const lock = rsc.lockNode
  if (!lock) return
  for (const n of ws.nodes) if (n !== lock) resourceLocation(ws, rsc, n, -INFINITY)
}

function lockResource(ws: WorkingSet, rsc: Rsc): void {
  if (rsc.variant === 'primitive') lockPrimitive(ws, rsc)
  else if (rsc.variant === 'group') rsc.children.forEach((m) => lockResource(ws, m))
  // clone instances are not locked
}

/** apply_shutdown_locks */
export function applyShutdownLocks(ws: WorkingSet): void {
  if (!ws.options.shutdownLock) return
  for (const r of ws.resources) lockResource(ws, r)
}
