/**
 * Acting on a node loss only once the membership has settled (issue 13, seed 901).
 *
 * Heartbeat's messaging layer declares each peer dead on its own timer; Corosync forms a new
 * membership in one step. A node whose own link is cut sees its peers die one by one, a few
 * milliseconds apart: acting on the first loss with the others still counted gives it a quorum it
 * no longer has (an isolated DC then fenced a healthy node). Acting on the losses together needs
 * no consensus round, only this rule:
 *
 *   X was last heard at L and declared dead after its dead time D(X) (the one X advertises, which
 *   the messaging layer applies to it). A member M still counted vouches for the connectivity only
 *   if it was heard at or after L + D(X)/2: M's packets then got through well after X's stopped, so
 *   whatever silenced X did not silence M. A member not heard since is "in doubt": X's loss waits
 *   until M is heard (then X's loss is applied alone) or M is declared dead too (then both go in
 *   one membership change, and quorum is computed once, without the stale member).
 *
 * Half of X's dead time is the point between the two cases it tells apart: when X alone stops
 * (kill -9) and is declared dead at L + D(X), every healthy member was heard within about a keepalive
 * before that; when our link is cut, every peer fell silent within about a keepalive after L. It
 * costs nothing in the first case while members' packets arrive less than D(X)/2 − keepalive late
 * (800 ms with keepalive 200 ms / deadtime 2 s, 150 ms in sub-second mode 100 ms / 500 ms). The dead
 * time is X's, not ours: with ours, a peer advertising a shorter one than ours (2 s against our 6 s)
 * made every kill -9 of it wait a second past its declaration, for members heard after L + 3 s.
 * The wait is bounded by the in-doubt member's own dead time. `limitMs` bounds it anyway (a stall
 * of our own suspends death verdicts for a while; the losses must still be acted on some time): twice
 * the longest dead time in play, ours or any peer's, so that the bound never acts before a silent
 * member with a longer dead time than the lost node's is declared dead too (with twice OUR dead time,
 * 2 s, a member advertising 8 s could be still counted when the bound acted on a loss: a stale quorum).
 *
 * Pure: the caller passes the times (its clock) and decides what a release means.
 */
export class LossHold {
  /** The last time each node was heard (the caller's clock). */
  private readonly heard = new Map<string, number>()
  /** The dead time each peer advertises (ms), as the messaging layer applies it. */
  private readonly deadtimes = new Map<string, number>()
  /** Losses declared but not acted on yet: when the node was last heard, its dead time, when it was declared dead. */
  private readonly held = new Map<string, {lastHeard: number; deadtimeMs: number; declaredAt: number}>()
  /** Held nodes heard again after their declaration: on release they are lost and found again. */
  private readonly revived = new Set<string>()

  constructor(
    /** Our own dead time (ms): a peer's until it advertises one. */
    readonly deadtimeMs: number,
  ) {}

  /** The longest a loss waits for the membership to settle (ms after its declaration): twice the longest dead time. */
  get limitMs(): number {
    return 2 * Math.max(this.deadtimeMs, ...this.deadtimes.values())
  }

  /** `node` advertises a dead time of `ms` (its peers declare it dead that long after its last packet). */
  noteDeadtime(node: string, ms: number): void {
    this.deadtimes.set(node, ms)
  }

  get size(): number {
    return this.held.size
  }

  isHeld(node: string): boolean {
    return this.held.has(node)
  }

  /** The held losses, in the order declared. */
  nodes(): string[] {
    return [...this.held.keys()]
  }

  /** A packet from `node` arrived at `at`. */
  noteHeard(node: string, at: number): void {
    if (at > (this.heard.get(node) ?? -Infinity)) this.heard.set(node, at)
  }

  /** A held node is alive again (the messaging layer reports it, or it spoke): it is lost and found again on release. */
  revive(node: string): void {
    if (this.held.has(node)) this.revived.add(node)
  }

  lastHeard(node: string): number | undefined {
    return this.heard.get(node)
  }

  /** The messaging layer declared `node` dead at `now`. */
  hold(node: string, now: number): void {
    // declared again after it came back: a new silence; otherwise the first declaration stands
    if (this.held.has(node) && !this.revived.has(node)) return
    this.held.set(node, {lastHeard: this.heard.get(node) ?? -Infinity, deadtimeMs: this.deadtimes.get(node) ?? this.deadtimeMs, declaredAt: now})
    this.revived.delete(node)
  }

  /** Up to when the losses wait for a member to be heard: for each, its last packet plus half its dead time; the latest. */
  threshold(): number {
    return Math.max(...[...this.held.values()].map((h) => h.lastHeard + h.deadtimeMs / 2))
  }

  /** The members (held ones left out) not heard since the threshold: the held losses wait for them. */
  inDoubt(members: string[]): string[] {
    if (this.held.size === 0) return []
    const threshold = this.threshold()
    return members.filter((m) => !this.held.has(m) && (this.heard.get(m) ?? -Infinity) < threshold)
  }

  /** When the oldest held loss must be acted on whatever the members say. */
  deadline(): number {
    return this.held.size === 0 ? Infinity : Math.min(...[...this.held.values()].map((h) => h.declaredAt)) + this.limitMs
  }

  /** Empties the hold: which of its nodes were heard again meanwhile. */
  release(): {revived: string[]} {
    const revived = [...this.revived]
    this.held.clear()
    this.revived.clear()
    return {revived}
  }
}
