/**
 * The Pacemaker side of the behaviour check: hakit's port of the 2.1.5
 * scheduler (src/runtime/scheduler) on the converted CIB, with a status
 * section made for the scenario — which nodes are up or in standby, where
 * each group already runs, which start failed. Pure.
 */
import type {Cib, Primitive, Resource} from '../../formats/cib/model.js'
import {applyInjections} from '../../runtime/scheduler/inject.js'
import {CRM_FEATURE_SET} from '../../formats/cib/model.js'
import {schedule} from '../../runtime/scheduler/index.js'

export interface ClusterState {
  online: string[]
  standby?: string[]
  /** Unit id → nodes it runs on before the transition. */
  running?: Record<string, string[]>
  /** A start of the unit's first member failed on this node. */
  failedStart?: {unit: string; node: string}
  /** This partition has quorum (default: true). */
  quorum?: boolean
}

/** A fixed clock: failure-timeout and rules must not depend on when the check runs. */
const NOW = Date.UTC(2026, 0, 1)

function primitivesOf(r: Resource): Primitive[] {
  if (r.kind === 'primitive') return [r]
  if (r.kind === 'group') return r.children
  return primitivesOf(r.child)
}

/** Promotable clones a unit runs with (colocated with their Promoted instance). */
function promotedWith(cib: Cib, unit: string): Array<{clone: string; child: Primitive}> {
  const out: Array<{clone: string; child: Primitive}> = []
  for (const c of cib.constraints) {
    if (c.kind !== 'colocation' || c.rsc !== unit || !/^(Promoted|Master)$/.test(c.withRscRole ?? '')) continue
    const clone = cib.resources.find((r) => r.id === c.withRsc)
    if (clone?.kind === 'clone' && clone.promotable && clone.child.kind === 'primitive') out.push({clone: clone.id, child: clone.child})
  }
  return out
}

/** Unit id → nodes it will run on (promoted, for a promotable clone unit) after the scheduler's transition. */
export function placeWithPacemaker(cib: Cib, nodes: readonly string[], units: readonly string[], state: ClusterState): Record<string, string[]> {
  const opFail: string[] = []
  const byId = new Map(cib.resources.map((r) => [r.id, r]))
  const promotable = cib.resources.filter((r) => r.kind === 'clone' && r.promotable)
  for (const [unit, on] of Object.entries(state.running ?? {})) {
    const r = byId.get(unit)
    if (!r) continue
    for (const node of on.filter((n) => state.online.includes(n))) {
      if (r.kind === 'clone') {
        opFail.push(`${primitivesOf(r)[0]!.id}_promote_0@${node}=0`)
        continue
      }
      for (const p of primitivesOf(r)) opFail.push(`${p.id}_start_0@${node}=0`)
      for (const {child} of promotedWith(cib, unit)) opFail.push(`${child.id}_promote_0@${node}=0`)
    }
  }
  // DRBD runs (Unpromoted) on every node that is up; the agent gives each UpToDate node a promotion score.
  for (const clone of promotable) {
    const child = primitivesOf(clone)[0]!
    for (const node of state.online) if (!opFail.some((o) => o.startsWith(`${child.id}_promote_0@${node}=`))) opFail.push(`${child.id}_start_0@${node}=0`)
  }
  if (state.failedStart) {
    const r = byId.get(state.failedStart.unit)
    if (r) opFail.push(`${primitivesOf(r)[0]!.id}_start_0@${state.failedStart.node}=1`)
  }
  // as on a running cluster, whose DC stamps its feature set: fail counts are then named per
  // operation (fail-count-RSC#start_0), the naming the injected failures use
  const live = {...cib, attributes: {...cib.attributes, crm_feature_set: cib.attributes.crm_feature_set ?? CRM_FEATURE_SET}}
  const withStatus = applyInjections({...live, status: []}, {
    nodeUp: state.online,
    nodeDown: nodes.filter((n) => !state.online.includes(n)),
    standby: state.standby,
    opFail,
    quorum: state.quorum ?? true,
    now: NOW,
  })
  for (const ns of withStatus.status) {
    if (!state.online.includes(ns.uname ?? '')) continue
    if (ns.transientAttributes.length === 0) ns.transientAttributes.push({id: `status-${ns.id}`, pairs: []})
    for (const clone of promotable) {
      const child = primitivesOf(clone)[0]!
      ns.transientAttributes[0]!.pairs.push({id: `status-${ns.id}-master-${child.id}`, name: `master-${child.id}`, value: '1000'})
    }
  }
  const transition = schedule(withStatus, {now: NOW})
  const out: Record<string, string[]> = {}
  for (const unit of units) {
    const r = byId.get(unit)
    if (!r) {
      out[unit] = []
      continue
    }
    // A group runs where its first member runs; a clone unit where it is promoted.
    const first = primitivesOf(r)[0]!.id
    const base = (id: string) => id.replace(/:\d+$/, '')
    const did = (task: string, rsc: string, node: string) => transition.actions.some((a) => a.task === task && a.node === node && a.resource !== null && base(a.resource) === base(rsc) && !a.pseudo)
    const placed = transition.placement.filter((p) => base(p.resource) === first && p.next && (r.kind !== 'clone' || p.nextRole === 'Promoted'))
    // Allocated is not enough: without quorum (or when a start cannot run) the transition stops it instead.
    const endsThere = (p: (typeof placed)[number]) => {
      const node = p.next!
      if (r.kind === 'clone') return did('promote', p.resource, node) || (p.current === node && p.role === 'Promoted' && !did('demote', p.resource, node) && !did('stop', p.resource, node))
      return did('start', p.resource, node) || (p.current === node && !did('stop', p.resource, node))
    }
    out[unit] = [...new Set(placed.filter(endsThere).map((p) => p.next!))].sort()
  }
  return out
}
