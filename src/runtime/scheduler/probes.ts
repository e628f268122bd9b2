/** Probes (one-shot monitors) of resources whose state on a node is unknown (pcmk_sched_probes.c). */
import {customAction, fenceNode} from './actions.js'
import {currentNode} from './placement.js'
import {isFailedRemoteNode} from './remote.js'
import {bundleCreateProbe} from './bundle.js'
import {newOrdering} from './constraints.js'
import {orderVsUnfence} from './fencing.js'
import {O, type Rsc, type SNode, type WorkingSet} from './types.js'

function topParent(rsc: Rsc): Rsc {
  let r = rsc
  while (r.parent && r.parent.variant !== 'bundle') r = r.parent
  return r
}

function instanceNumber(rsc: Rsc): number {
  return Number(/:(\d+)$/.exec(rsc.id)?.[1] ?? 0)
}

function probeOnNode(ws: WorkingSet, rsc: Rsc, node: SNode): boolean {
  // remote nodes run neither fence devices nor remote connections
  if (node.remote && (rsc.isFenceDevice || rsc.isRemoteConnection)) return false
  if (rsc.bundle) return bundleCreateProbe(ws, rsc, node, (part) => probeOnNode(ws, part, node))
  // a bundle's guest node is discovered for the replica's child only
  if (node.bundleReplica && rsc.children.length === 0 && rsc.discoverMode?.get(node) !== 2) return false
  // Probing a clone puts its instances back in instance-number order (clone_create_probe)
  if (rsc.variant === 'clone') rsc.children.sort((a, b) => instanceNumber(a) - instanceNumber(b))
  if (rsc.variant === 'clone' && !rsc.unique) {
    for (const child of rsc.children) {
      if (child.knownOn.has(node) || child.children.some((m) => m.knownOn.has(node))) return false
    }
    const child = rsc.children.find((c) => c.runningOn.includes(node)) ?? rsc.children[0]
    return child ? probeOnNode(ws, child, node) : false
  }
  if (rsc.children.length > 0) {
    let any = false
    for (const c of rsc.children) if (probeOnNode(ws, c, node)) any = true
    return any
  }
  if (rsc.orphan) return false
  if (rsc.knownOn.has(node)) return false
  const top0 = topParent(rsc)
  if ((rsc.exclusiveDiscover || top0.exclusiveDiscover) && (!rsc.allowed.has(node) || rsc.discoverMode?.get(node) !== 2)) return false
  if (rsc.discoverMode?.get(node) === 1) return false
  const probe = customAction(ws, rsc, 'monitor', node, false, 0)
  probe.optional = false
  orderVsUnfence(ws, rsc, node, probe, O.optional)
  let top = topParent(rsc)
  if (top.variant !== 'clone') top = rsc
  let flags: number = O.optional
  if (!probe.runnable && rsc.runningOn.length === 0) flags |= O.runnableLeft
  newOrdering(ws, {rsc, action: probe}, {rsc: top, task: 'start'}, flags)
  return true
}

export function scheduleProbes(ws: WorkingSet): void {
  for (const node of ws.nodes) {
    if (!node.online) {
      if (isFailedRemoteNode(node, currentNode)) fenceNode(ws, node, 'the connection is unrecoverable', false)
      continue
    }
    if (node.unclean) continue
    const probed = node.attrs.get('probe_complete')
    if (probed !== undefined && !/^(true|yes|1|on|y)$/i.test(probed)) continue
    for (const r of ws.resources) probeOnNode(ws, r, node)
  }
}
