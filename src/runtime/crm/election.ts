/**
 * DC election as Pacemaker's controllers run it (pacemaker-runtime.md §4.2),
 * as a pure state machine. A candidate broadcasts a vote with its
 * credentials; a node that finds the voter better answers `no-vote` (it
 * concedes), a node that finds itself better votes too. A candidate that
 * holds a no-vote from every other live member has won. Credentials compare:
 * higher CRM feature set, then more "uptime" (the controller process's user
 * CPU time, as Pacemaker measures it), then the node name that sorts first
 * (case-insensitive).
 *
 * Votes carry the credentials snapshotted when the vote was cast, and every
 * comparison uses snapshots, so two nodes never both conclude they are better.
 */

export interface Credentials {
  featureSet: string
  /** User CPU time of the daemon (ms). */
  uptimeMs: number
  name: string
}

export type ElectionLoss = 'Version' | 'Uptime' | 'Host name'

/**
 * A candidate that has not won sends its vote again this often. Pacemaker needs no such thing on
 * Corosync's reliable ordered delivery; Heartbeat's messaging loses what a node sends to a peer it has
 * (for the moment) declared dead, and a lost vote or no-vote would hold the election until election-timeout.
 */
export const VOTE_RESEND_MS = 2_000

function compareFeatureSets(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/** > 0 when `a` beats `b`; the reason is what decided it (for the log, as Pacemaker's). */
export function compareCredentials(a: Credentials, b: Credentials): {result: number; reason: ElectionLoss} {
  const version = compareFeatureSets(a.featureSet, b.featureSet)
  if (version !== 0) return {result: version, reason: 'Version'}
  if (a.uptimeMs !== b.uptimeMs) return {result: a.uptimeMs - b.uptimeMs, reason: 'Uptime'}
  const an = a.name.toLowerCase()
  const bn = b.name.toLowerCase()
  return {result: an < bn ? 1 : an > bn ? -1 : 0, reason: 'Host name'}
}

export type ElectionEvent =
  /** Start (or restart) an election: cast our vote. */
  | {type: 'call'; now: number; mine: Credentials; reason: string}
  | {type: 'vote'; from: string; round: number; creds: Credentials; now: number; mine: Credentials}
  | {type: 'no-vote'; from: string; round: number}
  /** The live members (ourselves included). */
  | {type: 'members'; members: string[]; now: number; mine: Credentials}
  /** A DC made itself known (its join offer arrived): the election is over for us. */
  | {type: 'dc-found'}
  | {type: 'tick'; now: number; mine: Credentials}

export type ElectionAction =
  /** Broadcast our vote; with `to`, only to that node (an answer to its losing vote). */
  | {type: 'vote'; round: number; creds: Credentials; to?: string}
  | {type: 'no-vote'; to: string; round: number}
  | {type: 'won'; round: number}
  /** We conceded to `to` (we now wait for its join offer). */
  | {type: 'lost'; to: string; round: number; reason: ElectionLoss}
  | {type: 'log'; level: 'info' | 'warn' | 'debug'; text: string}

export type ElectionPhase = 'idle' | 'candidate' | 'conceded'

export class Election {
  phase: ElectionPhase = 'idle'
  round = 0
  private mine?: Credentials
  private readonly noVotes = new Set<string>()
  /** Whom we conceded to, and its vote. */
  private winner?: {name: string; creds: Credentials}
  private members: string[]
  private deadline = Infinity
  /** Candidate: when to send the vote again (a vote lost on the way would hold the election until election-timeout). */
  private resendAt = Infinity

  constructor(
    readonly localNode: string,
    members: string[],
    /** election-timeout: a stuck election is called again after this long. */
    readonly timeoutMs = 120_000,
  ) {
    this.members = members
  }

  nextDeadline(): number {
    if (this.phase === 'idle') return Infinity
    return this.phase === 'candidate' ? Math.min(this.deadline, this.resendAt) : this.deadline
  }

  feed(e: ElectionEvent): ElectionAction[] {
    switch (e.type) {
      case 'call':
        return this.vote(e.now, e.mine)
      case 'vote':
        return this.onVote(e)
      case 'no-vote':
        if (this.phase !== 'candidate' || e.round !== this.round) return []
        this.noVotes.add(e.from)
        return this.checkWon()
      case 'members': {
        this.members = e.members
        if (this.phase === 'conceded' && this.winner && !e.members.includes(this.winner.name)) {
          return [{type: 'log', level: 'info', text: `election-DC winner ${this.winner.name} left: calling a new election`}, ...this.vote(e.now, e.mine)]
        }
        return this.checkWon()
      }
      case 'dc-found':
        this.phase = 'idle'
        this.winner = undefined
        this.noVotes.clear()
        return []
      case 'tick':
        if (this.phase === 'candidate' && this.mine && e.now >= this.resendAt && e.now < this.deadline) {
          // the same round and credentials again, to everyone: answers are idempotent
          this.resendAt = e.now + VOTE_RESEND_MS
          return [{type: 'vote', round: this.round, creds: this.mine}]
        }
        if (this.phase === 'idle' || e.now < this.deadline) return []
        return [{type: 'log', level: 'warn', text: `election-DC round ${this.round} timed out: calling it again`}, ...this.vote(e.now, e.mine)]
    }
  }

  private vote(now: number, mine: Credentials): ElectionAction[] {
    this.phase = 'candidate'
    this.round++
    this.mine = mine
    this.winner = undefined
    this.noVotes.clear()
    this.deadline = now + this.timeoutMs
    this.resendAt = now + VOTE_RESEND_MS
    return [{type: 'vote', round: this.round, creds: mine}, ...this.checkWon()]
  }

  private onVote(e: Extract<ElectionEvent, {type: 'vote'}>): ElectionAction[] {
    if (e.from === this.localNode) return []
    if (this.phase === 'conceded' && this.winner?.name === e.from) {
      // the node we conceded to voted again (a new round): it still has our vote
      this.winner = {name: e.from, creds: e.creds}
      this.deadline = e.now + this.timeoutMs
      return [{type: 'no-vote', to: e.from, round: e.round}]
    }
    // A node in an election (candidate, or conceded after voting) judges by the credentials it voted with:
    // the voter compared them with its own snapshot, and CPU time since then must not turn the verdict (a
    // conceded node that took itself for better stayed silent, and the voter waited until election-timeout).
    const own = this.phase !== 'idle' && this.mine ? this.mine : e.mine
    const {result, reason} = compareCredentials(e.creds, own)
    if (result > 0) {
      // The voter beats us; if we already conceded to someone even better, that one wins anyway: no
      // answer. (With a consistent membership the better one out-votes the voter too; in a partial
      // partition, where the two cannot hear each other, our no-vote would let both win and both count
      // us for quorum.)
      if (this.phase === 'conceded' && this.winner && compareCredentials(this.winner.creds, e.creds).result > 0) return []
      this.phase = 'conceded'
      this.mine = own // what we were judged by: later votes of this election are compared with it too
      this.winner = {name: e.from, creds: e.creds}
      this.noVotes.clear()
      this.deadline = e.now + this.timeoutMs
      return [
        {type: 'no-vote', to: e.from, round: e.round},
        {type: 'lost', to: e.from, round: this.round, reason},
        {type: 'log', level: 'info', text: `election-DC round ${this.round} (owner node ID ${e.from}) lost: vote from ${e.from} (${reason})`},
      ]
    }
    if (this.phase === 'idle') return [{type: 'log', level: 'info', text: `election-DC: vote from ${e.from} loses to us (${reason}): voting`}, ...this.vote(e.now, e.mine)]
    // A candidate out-votes a weaker voter, as Pacemaker's election_count_vote answers with a vote: our
    // own broadcast may predate the voter's round (it then waits for an answer until election-timeout).
    if (this.phase === 'candidate' && this.mine) return [{type: 'vote', round: this.round, creds: this.mine, to: e.from}]
    return []
  }

  private checkWon(): ElectionAction[] {
    if (this.phase !== 'candidate') return []
    if (!this.members.every((m) => m === this.localNode || this.noVotes.has(m))) return []
    this.phase = 'idle'
    return [
      {type: 'log', level: 'info', text: `election-DC won by local node`},
      {type: 'won', round: this.round},
    ]
  }
}
