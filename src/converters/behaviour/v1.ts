/**
 * The v1 side of the behaviour check: the failover machine `hakit run
 * --legacy` uses (src/runtime/legacy/failover.ts), one per node in
 * Heartbeat-compatible mode, on the legacy runtime's simulated cluster
 * (src/runtime/legacy/failover-sim.ts: an in-memory message bus, a virtual
 * clock, starts that succeed). Pure and deterministic: the scenario in, where
 * each group ends up out.
 */
import type {AutoFailback} from '../../runtime/legacy/failover.js'
import {FailoverSim} from '../../runtime/legacy/failover-sim.js'

export interface V1Cluster {
  nodes: string[]
  /** Placement units in haresources order: the key is the unit id, owner its haresources node. */
  groups: Array<{key: string; owner: string}>
  autoFailback: AutoFailback
  stonith: boolean
}

/** Heartbeat's deadtime and RQSTDELAY are covered by advancing the clock well past them. */
const SETTLE_MS = 120_000

export class V1Simulation extends FailoverSim {
  constructor(cluster: V1Cluster) {
    super(cluster.nodes, cluster.groups.map((g) => ({key: g.key, ownerNode: g.owner})), {
      autoFailback: cluster.autoFailback,
      stonith: cluster.stonith,
      // every node speaks Heartbeat 3.0.6's protocol, as in the cluster being converted
      perNode: Object.fromEntries(cluster.nodes.map((n) => [n, {impl: 'heartbeat' as const}])),
    })
  }

  /** Delivers what is queued, then lets the clock run (500 ms steps) until nothing more is pending. */
  settle(): void {
    this.run()
    this.advance(SETTLE_MS, 500)
  }

  /** Group key → nodes running it, sorted. */
  override placement(): Record<string, string[]> {
    return Object.fromEntries(Object.entries(super.placement()).map(([key, nodes]) => [key, [...nodes].sort()]))
  }
}
