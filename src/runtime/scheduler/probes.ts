/** Probes (one-shot monitors) of resources whose state on a node is unknown (pcmk_sched_probes.c). */
import {actionsWithTask, customAction, fenceNode, NO_ACTIONS, opKey, reprobeAction} from './actions.js'
import {currentNode} from './placement.js'
import {isFailedRemoteNode} from './remote.js'
import {bundleCreateProbe} from './bundle.js'
import {newOrdering} from './constraints.js'
import {orderVsUnfence} from './fencing.js'
import {findCompatibleChild, instanceLocation} from './clone.js'
import {orderActions} from './ordering.js'
import {isTrue} from './scores.js'
import {type Action, O, type Rsc, Role, type SNode, type WorkingSet} from './types.js'
import {topParent} from './resources.js'

/** The number after an instance id's last colon ("rsc:3" → 3), else 0. */
function instanceNumber(rsc: Rsc): number {
  // (no regular expression: asked twice per clone and node, and a match allocates)
  const id = rsc.id
  const colon = id.lastIndexOf(':')
  if (colon < 0 || colon === id.length - 1) return 0
  for (let i = colon + 1; i < id.length; i++) {
    const c = id.charCodeAt(i)
    if (c < 48 || c > 57) return 0
  }
  return Number(id.slice(colon + 1))
}

function inInstanceOrder(instances: Rsc[]): boolean {
  for (let i = 1; i < instances.length; i++) if (instanceNumber(instances[i - 1]) > instanceNumber(instances[i])) return false
  return true
}

/** pe__resource_contains_guest_node: a guest node's connection runs inside this resource */
function containsGuestNode(rsc: Rsc): boolean {
  return (rsc.fillers ?? []).some((f) => f.isRemoteConnection === true)
}

/** guest_resource_will_stop: an approximation, made before the guest's actions exist */
function guestWillStop(node: SNode, guest: Rsc): boolean {
  return node.remoteRequiresReset === true || node.unclean || guest.failed || guest.nextRole === Role.Stopped
    || (guest.role > Role.Stopped && guest.allocatedTo !== undefined && guest.allocatedTo !== null && !guest.runningOn.includes(guest.allocatedTo))
}

/** rsc_known_on: some primitive of the resource has a recorded state on the node */
function knownOn(rsc: Rsc, node: SNode): boolean {
  return rsc.children.length > 0 ? rsc.children.some((c) => knownOn(c, node)) : rsc.knownOn.has(node)
}

function probeOnNode(ws: WorkingSet, rsc: Rsc, node: SNode): boolean {
  // remote nodes run neither fence devices nor remote connections, and guest nodes no guest's container
  if (node.remote && (rsc.isFenceDevice || rsc.isRemoteConnection)) return false
  if (node.guest && containsGuestNode(rsc)) return false
  if (rsc.bundle) return bundleCreateProbe(ws, rsc, node, (part) => probeOnNode(ws, part, node))
  // a bundle's guest node is discovered for the replica's child only
  if (node.bundleReplica && rsc.children.length === 0 && rsc.discoverMode?.get(node) !== 2) return false
  // Probing a clone puts its instances back in instance-number order (clone_create_probe)
  // (a stable sort leaves sorted instances as they are: sort only when they are not)
  if (rsc.variant === 'clone' && !inInstanceOrder(rsc.children)) rsc.children.sort((a, b) => instanceNumber(a) - instanceNumber(b))
  if (rsc.variant === 'clone' && rsc.exclusiveDiscover && rsc.allowed.has(node) && rsc.discoverMode?.get(node) !== 2) {
    // not a node to discover it on: no longer one it may run on either, so its notifications leave it out of the available nodes
    rsc.allowed.delete(node)
    return false
  }
  if (rsc.variant === 'clone' && !rsc.unique) {
    // the instance probed here last time, else the one to be started here, else the first
    // (probe_anonymous_clone); members of it whose state here is known are not probed again
    const child = rsc.children.find((c) => knownOn(c, node)) ?? rsc.children.find((c) => instanceLocation(c) === node) ?? rsc.children[0]
    return child ? probeOnNode(ws, child, node) : false
  }
  if (rsc.children.length > 0) {
    let any = false
    for (const c of rsc.children) if (probeOnNode(ws, c, node)) any = true
    return any
  }
  // a resource inside a container is known through its container
  if (rsc.container && !rsc.isRemoteConnection) return false
  if (rsc.orphan) return false
  if (rsc.knownOn.has(node)) return false
  const top0 = topParent(rsc)
  if ((rsc.exclusiveDiscover || top0.exclusiveDiscover) && (!rsc.allowed.has(node) || rsc.discoverMode?.get(node) !== 2)) return false
  if (rsc.discoverMode?.get(node) === 1) return false
  const guest = node.guest ? node.remoteRsc?.container : undefined
  if (guest && guest.role === Role.Stopped) {
    // nothing is active in a stopped guest: start only once the guest's host has been probed (probe_then_start)
    if (guest.allocatedTo && !guest.knownOn.has(guest.allocatedTo)) newOrdering(ws, {rsc: guest, task: 'monitor'}, {rsc: top0, task: 'start'}, O.optional)
    return false
  }
  if (guest && guestWillStop(node, guest)) {
    // in case the guest restarts, start after its stop
    newOrdering(ws, {rsc: guest, task: 'stop'}, {rsc: top0, task: 'start'}, O.optional)
    return false
  }
  const probe = customAction(ws, rsc, 'monitor', node, false, 0, true, probeKey(rsc))
  probe.optional = false
  orderVsUnfence(ws, rsc, node, probe, O.optional)
  const top = top0.variant === 'clone' ? top0 : rsc
  let flags: number = O.optional
  if (!probe.runnable && rsc.runningOn.length === 0) flags |= O.runnableLeft
  // start or reload the parent after probing the resource
  newOrdering(ws, {rsc, action: probe}, {rsc: top, task: 'start'}, flags)
  // (an agent reload is scheduled while the history is checked, before probes: without one the
  // ordering would order nothing, and big clusters have a probe per resource and node)
  // (by task: the key rsc_reload-agent_0 is only ever a reload-agent's, and no key is built per probe)
  if (top === rsc && actionsWithTask(rsc, 'reload-agent').length > 0) newOrdering(ws, {rsc, action: probe}, {rsc, task: 'reload-agent'}, O.optional)
  return true
}

/**
 * A resource's probe key (rsc_monitor_0), made once per resource: all its probes (one per node)
 * share the one string, and the by-key index hashes it once. (From the id, which never changes.)
 */
const probeKeys = new WeakMap<Rsc, string>()
function probeKey(rsc: Rsc): string {
  let key = probeKeys.get(rsc)
  if (key === undefined) probeKeys.set(rsc, key = opKey(rsc.id, 'monitor', 0))
  return key
}

export function scheduleProbes(ws: WorkingSet): void {
  for (const node of ws.nodes) {
    if (!node.online) {
      if (isFailedRemoteNode(node, currentNode)) fenceNode(ws, node, 'the connection is unrecoverable', false)
      continue
    }
    if (node.unclean) continue
    // resource-discovery-enabled=false counts on guest nodes, and on remote nodes when fencing is enabled (unpack_handle_remote_attrs)
    const discovery = node.attrs.get('resource-discovery-enabled')
    if (node.remote && discovery !== undefined && !isTrue(discovery) && (node.guest || ws.options.stonithEnabled)) continue
    const probed = node.attrs.get('probe_complete')
    if (probed !== undefined && !/^(true|yes|1|on|y)$/i.test(probed)) {
      reprobeAction(ws, node)
      continue
    }
    for (const r of ws.resources) probeOnNode(ws, r, node)
  }
}

// ------------------------------------------------------------ probe orderings (pcmk__order_probes) --

/** A resource's probes (its one-off monitors), oldest first, from the by-task index. */
function probesOf(rsc: Rsc): readonly Action[] {
  return actionsWithTask(rsc, 'monitor')
}

/** Probes on a node come after its unfencing, and only the node's own probes before its shutdown. */
function probeNeededBefore(probe: Action, then: Action): boolean {
  if (then.task === 'stonith' && probe.node && then.node === probe.node && then.fenceOp === 'on') return false
  if (then.task === 'do_shutdown' && probe.node && then.node && probe.node !== then.node) return false
  return true
}

/** "A stop then B": A's probes come before B too (add_probe_orderings_for_stops). */
function addProbeOrderingsForStops(ws: WorkingSet): void {
  // (indexed: tens of thousands of orderings, looked at by cold code)
  for (let i = 0; i < ws.orderings.length; i++) {
    const o = ws.orderings[i]
    // (pcmk__new_ordering takes a side's resource from its action when none is given)
    const firstRsc = o.firstRsc ?? o.firstAction?.rsc
    const thenRsc = o.thenRsc ?? o.thenAction?.rsc
    if (o.type === O.none || !firstRsc || firstRsc === thenRsc) continue
    if ((o.firstAction?.task ?? o.firstTask) !== 'stop' || (o.firstAction && o.firstAction.intervalMs !== 0)) continue
    if (thenRsc && firstRsc.container === thenRsc && (o.thenAction?.task ?? o.thenTask) === 'stop') continue
    let flags: number = O.optional | (o.type & (O.applyFirstNonMigratable | O.sameNode))
    if (o.type === O.antiColocation) flags = o.type
    const probes = probesOf(firstRsc)
    if (probes.length === 0) continue
    if (o.thenAction) {
      for (let p = 0; p < probes.length; p++) if (probeNeededBefore(probes[p], o.thenAction)) orderActions(probes[p], o.thenAction, flags)
      continue
    }
    // (no action is created meanwhile: the index's list stays as it is while it is walked)
    const thens = thenRsc && o.thenTask !== undefined ? actionsWithTask(thenRsc, o.thenTask) : NO_ACTIONS
    for (let p = 0; p < probes.length; p++) {
      for (let t = 0; t < thens.length; t++) if (probeNeededBefore(probes[p], thens[t])) orderActions(probes[p], thens[t], flags)
    }
  }
}

/**
 * "Probe then X" where X is a start or promote of another primitive: the probe also comes before
 * that primitive's stop or demote (a restart), followed through groups and clones
 * (add_restart_orderings_for_probe).
 */
function addRestartOrderingsForProbe(probe: Action, after: Action, tracking: Set<Action>): void {
  if (!probe.rsc || probe.rsc.variant !== 'primitive' || probe.task !== 'monitor' || tracking.has(after)) return
  tracking.add(after)
  if (after.task === 'monitor' && after.intervalMs === 0) walkSawProbe = true
  const afterRsc = after.rsc
  if (afterRsc && afterRsc.variant === 'primitive' && probe.rsc !== afterRsc) {
    const task = after.task === 'start' ? 'stop' : after.task === 'promote' ? 'demote' : undefined
    // (every action is looked at first, as over a filtered copy: orderActions adds edges, not actions)
    const actions = afterRsc.actions
    if (task) {
      for (let i = 0; i < actions.length; i++) {
        const then = actions[i]
        if (then.task === task && then.intervalMs === 0 && !then.pseudo) {
          orderActions(probe, then, O.optional)
          walkOrdered.push(then)
        }
      }
    }
  }
  let compatible: Rsc | undefined
  const interleave = afterRsc?.variant === 'clone' && afterRsc.interleave
  if (interleave) compatible = findCompatibleChild(probe.rsc, afterRsc!, Role.Unknown, false)
  // newest first; edges added meanwhile are appended and not visited (as over a copy)
  for (let i = after.after.length - 1; i >= 0; i--) {
    const e = after.after[i]
    if (!(e.addedType & O.impliesThen)) {
      // only into the members of a group or (non-interleaved, or the compatible instance of an interleaved) clone
      const next = e.then.rsc
      if (!afterRsc || afterRsc.variant === 'primitive' || probe.rsc.parent === afterRsc || !next || next.variant !== 'primitive' && next.variant !== 'group'
        || afterRsc !== next.parent) continue
      if (afterRsc.variant === 'clone' && interleave && (!compatible || compatible !== next)) continue
    }
    addRestartOrderingsForProbe(probe, e.then, tracking)
  }
}

const tracking = new Set<Action>()
/** What the current walk ordered after its probe, and whether it passed through a probe. */
let walkOrdered: Action[] = []
let walkSawProbe = false

/**
 * The walks of a resource's probes (one per node) from the same action take the same path and
 * order the probe before the same actions: the walk reads only the resource, and the edges out of
 * the actions it passes, and adds edges out of its own probe only. So the first walk from an
 * action is recorded and replayed for the resource's other probes — unless it passed through a
 * probe, whose edges the other walks change.
 */
function addRestartOrderingsForRsc(rsc: Rsc): void {
  if (rsc.variant !== 'primitive') {
    for (const c of rsc.children) addRestartOrderingsForRsc(c)
    return
  }
  const recorded = new Map<Action, Action[]>()
  for (const probe of probesOf(rsc)) {
    for (let i = probe.after.length - 1; i >= 0; i--) {
      const from = probe.after[i].then
      const known = recorded.get(from)
      if (known) {
        for (let k = 0; k < known.length; k++) orderActions(probe, known[k], O.optional)
        continue
      }
      // one walk per edge (the set is reused: thousands of walks on big clusters)
      tracking.clear()
      walkOrdered = []
      walkSawProbe = false
      addRestartOrderingsForProbe(probe, from, tracking)
      if (!walkSawProbe) recorded.set(from, walkOrdered)
    }
  }
}

/** pcmk__order_probes */
export function orderProbes(ws: WorkingSet): void {
  try {
    for (const r of ws.resources) addRestartOrderingsForRsc(r)
    addProbeOrderingsForStops(ws)
  } finally {
    tracking.clear()
    walkOrdered = []
  }
}
