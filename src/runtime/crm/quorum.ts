/**
 * Quorum as Corosync's votequorum computes it for the same nodes (one vote
 * each): expected votes = the configured nodes, quorum = half + 1. With two
 * nodes, `two_node` applies: quorum is 1, and `wait_for_all` (which two_node
 * turns on) withholds it until every node has been seen at once since this
 * node started — so a node that starts alone in a two-node cluster has NO
 * quorum (and, with no-quorum-policy=stop, starts nothing) until it has seen
 * its peer; after that the survivor of a peer loss keeps quorum.
 */

export interface QuorumConfig {
  /** Configured nodes (ha.cf `node` lines). */
  nodes: string[]
  /** Override votequorum's two_node (default: on for exactly two nodes). */
  twoNode?: boolean
  /** Override wait_for_all (default: as two_node). */
  waitForAll?: boolean
}

export interface QuorumState {
  have: boolean
  expectedVotes: number
  totalVotes: number
  quorum: number
  /** wait_for_all still blocks quorum. */
  waiting: boolean
}

export class Quorum {
  private readonly nodes: Set<string>
  private readonly twoNode: boolean
  private readonly waitForAll: boolean
  private seenAll = false
  private current: QuorumState

  constructor(config: QuorumConfig) {
    this.nodes = new Set(config.nodes.map((n) => n.toLowerCase()))
    this.twoNode = config.twoNode ?? this.nodes.size === 2
    this.waitForAll = config.waitForAll ?? this.twoNode
    this.current = this.compute([])
  }

  get state(): QuorumState {
    return this.current
  }

  /** Feed the live members; returns the new state and whether `have` changed. */
  update(members: string[]): {state: QuorumState; changed: boolean} {
    const before = this.current.have
    this.current = this.compute(members)
    return {state: this.current, changed: before !== this.current.have}
  }

  private compute(members: string[]): QuorumState {
    const live = new Set(members.map((m) => m.toLowerCase()).filter((m) => this.nodes.has(m)))
    const expectedVotes = this.nodes.size
    if (live.size === expectedVotes && expectedVotes > 0) this.seenAll = true
    const quorum = this.twoNode && expectedVotes === 2 ? 1 : Math.floor(expectedVotes / 2) + 1
    const waiting = this.waitForAll && !this.seenAll
    return {have: !waiting && live.size >= quorum, expectedVotes, totalVotes: live.size, quorum, waiting}
  }
}
