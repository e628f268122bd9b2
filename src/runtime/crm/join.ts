/**
 * One join round on the DC (pacemaker-runtime.md §4.3), pure bookkeeping:
 * offers go to every live member, each answers with its CIB version, the
 * highest version wins (ties go to the DC), the DC takes that CIB if it is
 * not its own, pushes it to everybody, then collects confirmations carrying
 * each node's executor history. A node whose CIB is older never supplies it,
 * so a node rejoining with an old CIB cannot overwrite a newer one.
 *
 * Phases per node: welcomed (offered) → integrated (request received) →
 * finalized (ack sent) → confirmed.
 */
import {compareVersions, type CibVersion} from './cib-ops.js'

export type JoinPhase = 'welcomed' | 'integrated' | 'finalized' | 'confirmed'
export type RoundPhase = 'integrating' | 'syncing' | 'finalizing' | 'complete'

export class JoinRound {
  phase: RoundPhase = 'integrating'
  readonly nodes = new Map<string, JoinPhase>()
  readonly versions = new Map<string, CibVersion>()
  /** The node whose CIB everyone takes (set when integration completes). */
  source?: string

  constructor(
    readonly id: number,
    readonly dc: string,
    members: string[],
  ) {
    for (const m of members) this.nodes.set(m, 'welcomed')
  }

  /** A join request; returns true when it counts (right round, offered node). */
  request(node: string, version: CibVersion): boolean {
    if (this.phase !== 'integrating' || this.nodes.get(node) !== 'welcomed') return false
    this.nodes.set(node, 'integrated')
    this.versions.set(node, version)
    return true
  }

  /** A member left: forget it (the round goes on without it). */
  remove(node: string): void {
    this.nodes.delete(node)
    this.versions.delete(node)
  }

  integrated(): boolean {
    return this.phase === 'integrating' && [...this.nodes.values()].every((p) => p !== 'welcomed')
  }

  /** Highest CIB version among the integrated nodes; ties prefer the DC, then the first in node order. */
  best(): string {
    let best = this.dc
    let bestVersion = this.versions.get(this.dc)
    for (const [node, v] of this.versions) {
      if (!bestVersion || compareVersions(v, bestVersion) > 0) {
        best = node
        bestVersion = v
      }
    }
    return best
  }

  finalize(node: string): void {
    if (this.nodes.get(node) === 'integrated') this.nodes.set(node, 'finalized')
  }

  confirm(node: string): boolean {
    if (this.nodes.get(node) !== 'finalized') return false
    this.nodes.set(node, 'confirmed')
    return true
  }

  confirmedAll(): boolean {
    return [...this.nodes.values()].every((p) => p === 'confirmed')
  }
}
