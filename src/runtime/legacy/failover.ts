/**
 * The failover decisions of the legacy (haresources) runtime, as a pure state
 * machine: events in (membership changes, peers' messages, results of local
 * resource actions, operator requests, clock ticks), actions out (acquire or
 * release a group, send a message, fence a node, log a line). No I/O, no
 * timers of its own: the driver feeds `tick` events at `nextDeadline()`.
 *
 * It speaks Heartbeat 3.0.6's R1 protocol (starting / resource /
 * ask_resources / hb_takeover / ip-request / shutdone) so it can pair with a
 * real Heartbeat node, and keeps Heartbeat's placements. With peers known to
 * be hakit (see `node-status.impl`) it also uses two extra fields in
 * `resource` messages, `hakit_held` (the exact group keys a node holds) and
 * `hakit_failed` (groups that failed to start there), and with them fixes
 * Heartbeat's defects on purpose:
 *  - no fixed 10 s wait (RQSTDELAY) at cold start once the peer has answered;
 *  - a healed split brain settles with the non-owner releasing (the keeper
 *    restarts the group to re-announce it) instead of both daemons restarting;
 *  - a group that fails to start on one node is taken by another node;
 *  - with three or more nodes exactly one node (the owner, else the first
 *    available node in ha.cf order) takes an orphaned group.
 */

export type AutoFailback = 'on' | 'off' | 'legacy'
export type RscHold = 'none' | 'local' | 'foreign' | 'all'
export type NodeStatus = 'init' | 'up' | 'active' | 'dead'
export type Message = Record<string, string>

export interface FailoverConfig {
  localNode: string
  /** Normal cluster nodes in ha.cf order, the local node included. */
  nodes: string[]
  /** Groups in haresources order (only key and owner matter here). */
  groups: Array<{key: string; ownerNode: string}>
  autoFailback: AutoFailback
  /** A STONITH device is configured (stonith / stonith_host). */
  stonith: boolean
  /** ipfail behaviour (ha.cf respawns ipfail): the node that sees fewer ping nodes goes standby. */
  ipfail?: boolean
  /** 'heartbeat': behave exactly like Heartbeat even with hakit peers (no extensions used). */
  compat?: 'auto' | 'heartbeat'
  timers?: Partial<FailoverTimers>
  /**
   * Start detached (`hakit run --legacy --detached`, the rollback from the CRM runtime): the
   * groups found running here are held, reported to the peers and left alone; nothing is
   * started, stopped or taken over until `hakit attach`.
   */
  startDetached?: boolean
}

export interface FailoverTimers {
  /** Fallback when a live peer never reports its resources at cold start (Heartbeat's RQSTDELAY). */
  rqstDelayMs: number
  /** How long a standby request waits for the peer's answer. */
  standbyReplyMs: number
  /** How long the accepting side of a standby waits for the requester's "done". */
  standbyOtherMs: number
  fenceRetryMs: number
  /** While a group we keep is also held by a peer, our resource report is repeated this often (a lost one must not leave both holding it). */
  conflictReportMs: number
}

const DEFAULT_TIMERS: FailoverTimers = {rqstDelayMs: 10_000, standbyReplyMs: 10_000, standbyOtherMs: 3_600_000, fenceRetryMs: 5_000, conflictReportMs: 2_000}

export type FailoverEvent =
  /** Membership: every node heard from or declared dead (initdead applied). */
  | {type: 'comms-up'}
  /** Membership: a node's status changed. `impl` comes from its heartbeat packets when known. */
  | {type: 'node-status'; node: string; status: NodeStatus; impl?: 'hakit' | 'heartbeat'}
  /** Membership: a node declared dead came back with the same generation (split brain healed). */
  | {type: 'partition-healed'; node: string}
  /** Membership: a node came back with a new generation (it restarted). */
  | {type: 'peer-restarted'; node: string}
  /** Membership: a node was still heard a dead time after its `shutdone` (the notice was forged or replayed). */
  | {type: 'notice-contradicted'; node: string}
  | {type: 'message'; from: string; msg: Message}
  | {type: 'acquire-done'; key: string; ok: boolean}
  | {type: 'release-done'; key: string; ok: boolean}
  | {type: 'fence-done'; node: string; ok: boolean}
  /** Operator: hb_standby. */
  | {type: 'standby'; which: string}
  /** Operator: hb_takeover. */
  | {type: 'takeover'; which: string}
  /** SIGTERM: give everything up and leave (when detached: leave, giving nothing up). */
  | {type: 'shutdown'}
  /**
   * Operator (`hakit detach`, the cut-over to Pacemaker): stop managing resources
   * for good. What runs keeps running and nothing is started or stopped any more
   * (no takeover, failback or standby); a later shutdown leaves without giving up
   * anything and without the shutdown notice that would make a peer take over.
   */
  | {type: 'detach'}
  /**
   * Operator (`hakit attach`): undo `detach` without a restart. The node negotiates
   * as at start-up — it says `starting`, waits for every live peer's report — keeping
   * what runs here (released only if a peer holds it too), then manages again.
   */
  | {type: 'attach'}
  | {type: 'tick'}
  /** Before comms-up: the group was found (partly) running here (a daemon restart after a crash). */
  | {type: 'found-running'; key: string}
  /** How many ping nodes / ping groups this node reaches now (ipfail). */
  | {type: 'ping-count'; count: number}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'crit'

export type FailoverAction =
  | {type: 'acquire'; key: string}
  | {type: 'release'; key: string}
  | {type: 'send'; msg: Message}
  | {type: 'fence'; node: string}
  | {type: 'log'; level: LogLevel; text: string}
  /** Answer to an operator request (standby / takeover). */
  | {type: 'operator-result'; ok: boolean; message: string}
  /** Shutdown finished: `clean` false when a stop failed (no shutdown notice was sent). */
  | {type: 'shutdown-complete'; clean: boolean}

type Phase = 'init' | 'starting' | 'stable' | 'detached' | 'shutdown' | 'stopped'

interface GroupState {
  key: string
  owner: string
  want: 'held' | 'stopped'
  /** Queued or running resource-manager operations on it. */
  busy: number
  /** It failed to start here; not taken here again until an operator takeover. */
  failedHere: boolean
  /** A stop failed for good: it may still run here, so it counts as held forever. */
  stopFailed: boolean
  /** Taken over from a dead or departed owner: auto_failback returns it. */
  failbackNeeded: boolean
}

interface PeerState {
  name: string
  status: NodeStatus
  hakit: boolean
  heardFrom: boolean
  /** A `resource` message arrived since it (re)started. */
  rscKnown: boolean
  holds: Set<string>
  failed: Set<string>
  stable: boolean
  /** It announced its shutdown (`resource info=shutdown`); gone for good after `shutdone`. */
  leaving: boolean
  shutdone: boolean
  /** Dead and waiting for STONITH: assume it holds everything. */
  fencing: boolean
  fenceRetryAt?: number
  /** It said `starting` and we have not solicited its resources since. */
  solicited: boolean
  /** It came back after a partition; what it held meanwhile may overlap with us. */
  healed: boolean
  /** Its last resource report since it (re)started said it is detached (undefined: no report yet). */
  detached?: boolean
  /** At its `shutdone`: what it held, whether it was stable, and what we took over because of it. */
  notice?: {held: Set<string>; stable: boolean; took: Set<string>}
}

type Standby =
  | {role: 'idle'}
  | {role: 'me'; set: string; stage: 'asked' | 'releasing' | 'done'; deadline: number; pending: Set<string>; keys: Set<string>}
  | {role: 'other'; set: string; from: string; stage: 'waiting' | 'acquiring'; deadline: number; pending: Set<string>; keys: Set<string>}

export interface FailoverSnapshot {
  node: string
  phase: Phase
  /** What `cl_status rscstatus` prints. */
  rscstatus: RscHold | 'transition'
  autoFailback: AutoFailback
  groups: Array<{key: string; owner: string; state: 'held' | 'stopped' | 'starting' | 'stopping' | 'stop-failed'; failedHere: boolean; heldBy: string[]}>
  /** `detached`: what the peer's last resource report since it (re)started said (undefined: no report; hakit cutover checks it). */
  peers: Array<{node: string; status: NodeStatus; impl: 'hakit' | 'heartbeat'; stable: boolean; holds: string[]; detached?: boolean}>
  standby: string
}

const SETS = new Set(['all', 'local', 'foreign'])

export class FailoverMachine {
  private phase: Phase = 'init'
  private readonly groups = new Map<string, GroupState>()
  private readonly peers = new Map<string, PeerState>()
  private standbyState: Standby = {role: 'idle'}
  private startDeadline?: number
  private now = 0
  private out: FailoverAction[] = []
  private lastSent = ''
  /** ip-request replies owed once a release finishes: key → requesters. */
  private readonly owedReplies = new Map<string, string[]>()
  /** Own groups asked for with ip-request (legacy) and not answered yet. */
  private readonly requested = new Set<string>()
  /** Groups found running at startup: kept (and completed) or released once we know who else holds them. */
  private readonly leftovers = new Set<string>()
  /** config.startDetached, until the first comms-up has used it (a later attach negotiates normally). */
  private startDetachedPending: boolean
  /** Conflicts (group key) already being resolved, so a keeper restarts only once. */
  private readonly conflicts = new Set<string>()
  /** When to repeat our resource report while we keep a group a peer also holds. */
  private conflictReportAt?: number
  private readonly timers: FailoverTimers
  private readonly me: string
  /** Resource set to hand to a Heartbeat peer after a failed start. */
  private pendingHandoff?: string
  /** ipfail: ping nodes we reach, and what each peer last said it reaches. */
  private pingCount?: number
  private readonly peerPing = new Map<string, number>()

  constructor(private readonly config: FailoverConfig) {
    this.me = config.localNode.toLowerCase()
    this.timers = {...DEFAULT_TIMERS, ...config.timers}
    this.startDetachedPending = config.startDetached ?? false
    for (const group of config.groups) {
      this.groups.set(group.key, {key: group.key, owner: group.ownerNode.toLowerCase(), want: 'stopped', busy: 0, failedHere: false, stopFailed: false, failbackNeeded: false})
    }
    for (const node of config.nodes.map((n) => n.toLowerCase())) {
      if (node === this.me) continue
      this.peers.set(node, {name: node, status: 'init', hakit: false, heardFrom: false, rscKnown: false, holds: new Set(), failed: new Set(), stable: false, leaving: false, shutdone: false, fencing: false, solicited: false, healed: false})
    }
  }

  /** Feeds one event; returns the actions to carry out, in order. */
  handle(event: FailoverEvent, now: number): FailoverAction[] {
    this.now = now
    this.out = []
    if (this.phase === 'detached') {
      this.whileDetached(event)
      return this.out
    }
    switch (event.type) {
      case 'comms-up': this.onCommsUp(); break
      case 'node-status': this.onNodeStatus(event.node.toLowerCase(), event.status, event.impl); break
      case 'partition-healed': this.onPartitionHealed(event.node.toLowerCase()); break
      case 'peer-restarted': this.onPeerRestarted(event.node.toLowerCase()); break
      case 'notice-contradicted': this.onNoticeContradicted(event.node.toLowerCase()); break
      case 'message': this.onMessage(event.from.toLowerCase(), event.msg); break
      case 'acquire-done': this.onAcquireDone(event.key, event.ok); break
      case 'release-done': this.onReleaseDone(event.key, event.ok); break
      case 'fence-done': this.onFenceDone(event.node.toLowerCase(), event.ok); break
      case 'standby': this.requestStandby(event.which, true); break
      case 'takeover': this.requestTakeover(event.which); break
      case 'shutdown': this.onShutdown(); break
      case 'tick': this.onTick(); break
      case 'ping-count': this.onPingCount(event.count); break
      case 'found-running': this.onFoundRunning(event.key); break
      case 'detach': this.onDetach(); break
      case 'attach': this.out.push({type: 'operator-result', ok: false, message: 'not detached'}); break
    }
    this.settle()
    return this.out
  }

  /** When the driver must send the next `tick` (undefined: no timer pending). */
  nextDeadline(): number | undefined {
    const deadlines: number[] = []
    if (this.phase === 'starting' && this.startDeadline !== undefined) deadlines.push(this.startDeadline)
    if (this.standbyState.role !== 'idle') deadlines.push(this.standbyState.deadline)
    for (const peer of this.peers.values()) if (peer.fenceRetryAt !== undefined) deadlines.push(peer.fenceRetryAt)
    if (this.conflictReportAt !== undefined) deadlines.push(this.conflictReportAt)
    return deadlines.length ? Math.min(...deadlines) : undefined
  }

  snapshot(): FailoverSnapshot {
    return {
      node: this.me,
      phase: this.phase,
      rscstatus: (this.phase === 'stable' || this.phase === 'detached') && this.standbyState.role === 'idle' && ![...this.groups.values()].some((g) => g.busy > 0) ? this.rscHold() : this.phase === 'init' || this.phase === 'stopped' ? 'none' : 'transition',
      autoFailback: this.config.autoFailback,
      groups: [...this.groups.values()].map((g) => ({
        key: g.key,
        owner: g.owner,
        state: g.stopFailed ? 'stop-failed' : g.busy > 0 ? (g.want === 'held' ? 'starting' : 'stopping') : g.want === 'held' ? 'held' : 'stopped',
        failedHere: g.failedHere,
        heldBy: [...(this.holdsHere(g) ? [this.me] : []), ...[...this.peers.values()].filter((p) => p.status !== 'dead' && p.holds.has(g.key)).map((p) => p.name)],
      })),
      peers: [...this.peers.values()].map((p) => ({node: p.name, status: p.status, impl: p.hakit ? 'hakit' : 'heartbeat', stable: p.stable, holds: [...p.holds], ...(p.detached === undefined ? {} : {detached: p.detached})})),
      standby: this.standbyState.role === 'idle' ? 'idle' : `${this.standbyState.role} [${this.standbyState.set}] ${this.standbyState.stage}`,
    }
  }

  // ---------------------------------------------------------------- helpers

  private get nice(): boolean {
    return this.config.autoFailback !== 'legacy'
  }

  /** The hakit extensions are used with a peer only when it is known to be hakit. */
  private extended(peer: PeerState): boolean {
    return this.config.compat !== 'heartbeat' && peer.hakit
  }

  /** Every live peer is hakit (dead ones do not take part in the protocol). */
  private allPeersExtended(): boolean {
    return this.livePeers().every((p) => this.extended(p))
  }

  private log(level: LogLevel, text: string): void {
    this.out.push({type: 'log', level, text})
  }

  private send(msg: Message): void {
    this.out.push({type: 'send', msg})
  }

  private holdsHere(g: GroupState): boolean {
    return g.want === 'held' || g.busy > 0 || g.stopFailed
  }

  private heldKeys(): string[] {
    return [...this.groups.values()].filter((g) => this.holdsHere(g)).map((g) => g.key)
  }

  private rscHold(): RscHold {
    let local = false
    let foreign = false
    for (const g of this.groups.values()) {
      if (!this.holdsHere(g)) continue
      if (g.owner === this.me) local = true
      else foreign = true
    }
    return local && foreign ? 'all' : local ? 'local' : foreign ? 'foreign' : 'none'
  }

  /** Group keys named by a resource set, relative to `node` (local = that node's own groups). */
  private keysOf(set: string, node: string): Set<string> {
    const keys = new Set<string>()
    for (const g of this.groups.values()) {
      const own = g.owner === node
      if (set === 'all' || (set === 'local' && own) || (set === 'foreign' && !own)) keys.add(g.key)
    }
    return keys
  }

  private livePeers(): PeerState[] {
    return [...this.peers.values()].filter((p) => p.status === 'up' || p.status === 'active')
  }

  /** What a peer may hold, as far as safety goes. */
  private peerHolds(peer: PeerState, key: string): boolean {
    if (peer.fencing) return true // dead but not fenced yet: it may still run anything
    if (peer.status === 'dead' || peer.shutdone) return false
    // A departing Heartbeat says "none" before it has stopped anything: wait for its shutdone.
    if (peer.leaving && !this.extended(peer)) return true
    // Legacy Heartbeat peers report nothing: assume each holds its own groups.
    if (!this.nice && !this.extended(peer) && !peer.rscKnown) return this.groups.get(key)?.owner === peer.name
    return peer.holds.has(key)
  }

  private setWant(g: GroupState, want: 'held' | 'stopped'): void {
    if (g.want === want) return
    if (want === 'held' && g.stopFailed) return
    g.want = want
    g.busy++
    this.out.push({type: want === 'held' ? 'acquire' : 'release', key: g.key})
    if (want === 'stopped') g.failbackNeeded = false
    // Taken while its owner is away: auto_failback hands it back when the owner returns.
    const owner = this.peers.get(g.owner)
    if (want === 'held' && owner && (owner.status !== 'active' || owner.shutdone)) g.failbackNeeded = true
  }

  /** Stop and start again (to re-announce addresses after a split brain). */
  private restart(g: GroupState): void {
    if (g.want !== 'held' || g.stopFailed) return
    g.busy += 2
    this.out.push({type: 'release', key: g.key}, {type: 'acquire', key: g.key})
  }

  // ------------------------------------------------------------- placement

  /** Could this node take `g` now? */
  private availableHere(g: GroupState): boolean {
    if (this.phase !== 'stable' || g.failedHere || g.stopFailed) return false
    const standby = this.standbyState
    if (standby.role === 'me' && standby.keys.has(g.key)) return false
    return true
  }

  private availablePeer(peer: PeerState, key: string): boolean {
    if (peer.status !== 'active' || peer.leaving || peer.shutdone) return false
    if (this.extended(peer) && peer.failed.has(key)) return false
    const standby = this.standbyState
    if (standby.role === 'other' && standby.from === peer.name && standby.keys.has(key)) return false
    return true
  }

  /** The one node that should take an orphaned group: its owner, else the first available node in ha.cf order. */
  private takerFor(g: GroupState): string | undefined {
    const available = (node: string): boolean => {
      if (node === this.me) return this.availableHere(g)
      const peer = this.peers.get(node)
      return peer !== undefined && this.availablePeer(peer, g.key)
    }
    if (available(g.owner)) return g.owner
    return this.config.nodes.map((n) => n.toLowerCase()).find(available)
  }

  /** Takes every group nobody holds for which this node is the designated taker. */
  private place(): void {
    if (this.phase !== 'stable') return
    const standby = this.standbyState
    for (const g of this.groups.values()) {
      if (this.holdsHere(g)) continue
      if ([...this.peers.values()].some((p) => this.peerHolds(p, g.key))) continue
      if (standby.role !== 'idle' && standby.keys.has(g.key)) continue
      // Legacy mode: our own groups come through ip-request while the peer answers.
      if (this.requested.has(g.key)) continue
      if (this.takerFor(g) !== this.me) continue
      if (g.owner !== this.me) {
        this.log('info', `Taking over resource group ${g.key}`)
      }
      this.setWant(g, 'held')
    }
  }

  /**
   * hakit peers: whenever a group we hold is also held by a live peer (a healed split brain, or a
   * peer misled by a forged message), it stays with its owner (else the first holder in ha.cf
   * order) and the other releases it. The keeper re-announces what it holds at once, so a peer
   * with a wrong picture of it (e.g. a forged shutdown notice) learns the truth and releases.
   * A departing peer still holding the group counts too: the two may not run it together.
   */
  private resolveConflicts(): void {
    if (this.phase !== 'stable') {
      this.conflictReportAt = undefined
      return
    }
    let keeping = false
    for (const g of this.groups.values()) {
      if (!this.holdsHere(g) || g.want !== 'held') {
        this.conflicts.delete(g.key)
        continue
      }
      const others = [...this.peers.values()].filter((p) => p.status === 'active' && this.extended(p) && !p.shutdone && p.holds.has(g.key))
      if (others.length === 0) {
        this.conflicts.delete(g.key)
        continue
      }
      const holders = [this.me, ...others.map((p) => p.name)]
      const keeper = holders.includes(g.owner) ? g.owner : this.config.nodes.map((n) => n.toLowerCase()).find((n) => holders.includes(n))
      if (keeper === this.me) keeping = true
      if (this.conflicts.has(g.key)) continue
      this.conflicts.add(g.key)
      // Heartbeat's audit wording (hb_resource.c AuditResources), then what hakit does about it
      this.log('error', g.owner === this.me ? 'Both machines own our resources!' : 'Both machines own foreign resources!')
      const names = others.map((p) => p.name).join(', ')
      if (keeper === this.me) {
        this.log('warn', `Resource group ${g.key} is also held by ${names}: keeping it here and restarting it to re-announce it.`)
        this.restart(g)
        this.reportResources(true)
      } else {
        this.log('warn', `Resource group ${g.key} is also held by ${names}: releasing it here (${keeper} keeps it).`)
        this.setWant(g, 'stopped')
      }
    }
    if (!keeping) this.conflictReportAt = undefined
    else this.conflictReportAt ??= this.now + this.timers.conflictReportMs
  }

  /** auto_failback on: hand groups taken over from a node back once it is stable again. */
  private maybeFailback(): void {
    if (this.config.autoFailback !== 'on' || this.phase !== 'stable' || this.standbyState.role !== 'idle') return
    const due = [...this.groups.values()].some((g) => {
      if (!g.failbackNeeded || g.want !== 'held' || g.busy > 0) return false
      const owner = this.peers.get(g.owner)
      return owner !== undefined && owner.status === 'active' && owner.stable && !owner.leaving && !(this.extended(owner) && owner.failed.has(g.key))
    })
    if (!due) return
    if (this.allPeersExtended()) {
      // hakit peers: release each group; its owner sees it free and takes it (one message, no handshake).
      for (const g of this.groups.values()) {
        const owner = this.peers.get(g.owner)
        if (!g.failbackNeeded || g.want !== 'held' || g.busy > 0 || !owner || owner.status !== 'active' || !owner.stable || owner.failed.has(g.key)) continue
        this.log('info', `Auto failback: releasing ${g.key} to ${owner.name}.`)
        this.setWant(g, 'stopped')
      }
      return
    }
    this.requestStandby('foreign', false, 'auto_failback')
  }

  /** After a failed start with a Heartbeat peer: ask it to take the group through the standby protocol. */
  private handFailedToHeartbeatPeer(g: GroupState): void {
    if (!this.nice) {
      this.log('warn', `No failover of ${g.key}: a Heartbeat peer in auto_failback legacy mode cannot be asked to take it.`)
      return
    }
    // Heartbeat meant to do this 30 s later and asks for the wrong set; we ask at once for the right one.
    this.pendingHandoff = g.owner === this.me ? 'local' : 'foreign'
  }

  private tryHandoff(): void {
    if (!this.pendingHandoff || this.phase !== 'stable' || this.standbyState.role !== 'idle') return
    const live = this.livePeers()
    if (live.length > 0 && live.every((p) => this.extended(p))) {
      this.pendingHandoff = undefined
      return
    }
    const peers = live.filter((p) => p.status === 'active' && !p.leaving && !this.extended(p))
    // Kept until a stable Heartbeat peer is there to take it (retried after every event).
    if (!peers.some((p) => p.stable)) return
    const set = this.pendingHandoff
    this.pendingHandoff = undefined
    this.requestStandby(set, false, 'start failure')
  }

  /** Runs after every event: send our resource report when it changed, then reconsider placement. */
  private settle(): void {
    if (this.phase === 'stable') {
      this.resolveConflicts()
      this.place()
      this.maybeFailback()
      this.tryHandoff()
    }
    this.reportResources(false)
  }

  private resourceMessage(info?: string): Message {
    const stable = (this.phase === 'stable' || this.phase === 'detached') && this.standbyState.role === 'idle'
    const msg: Message = {t: 'resource', rsc_hold: this.phase === 'shutdown' ? 'none' : this.rscHold(), rtype: 'full', isstable: stable ? '1' : '0'}
    if (info) msg.info = info
    if (this.config.compat !== 'heartbeat') {
      // Space-separated keys; an empty list is sent as " " (as Heartbeat's delnodelist): empty values are not safe on its wire.
      msg.hakit_held = this.heldKeys().join(' ') || ' '
      msg.hakit_failed = [...this.groups.values()].filter((g) => g.failedHere).map((g) => g.key).join(' ') || ' '
      // hakit cutover on a peer checks that every live legacy daemon is detached before it switches
      msg.hakit_detached = this.phase === 'detached' ? '1' : '0'
    }
    return msg
  }

  /** Sends a `resource` report if anything in it changed (or when forced). */
  private reportResources(force: boolean, info?: string): void {
    if (this.phase === 'init' || this.phase === 'stopped') return
    // Heartbeat in legacy mode has no resource messages; only hakit peers get them then.
    if (!this.nice && !this.allPeersExtended()) return
    if (this.phase === 'starting' && !force) return
    const msg = this.resourceMessage(info)
    const signature = JSON.stringify({...msg, info: undefined})
    if (!force && signature === this.lastSent) return
    this.lastSent = signature
    this.send(msg)
  }

  // ---------------------------------------------------------------- startup

  private onCommsUp(): void {
    if (this.phase !== 'init') return
    if (this.startDetachedPending) return this.startDetached()
    this.phase = 'starting'
    if (this.nice) {
      this.send({t: 'starting'})
      this.startDeadline = this.now + this.timers.rqstDelayMs
    }
    this.tryStart()
  }

  /** Becomes stable once every live peer has reported what it holds (hakit: no fixed wait). */
  private tryStart(timedOut = false): void {
    if (this.phase !== 'starting') return
    if (this.nice) {
      const waiting = this.livePeers().filter((p) => !p.rscKnown)
      if (waiting.length > 0 && !timedOut) return
      this.phase = 'stable'
      this.startDeadline = undefined
      const reason = this.livePeers().length === 0 ? 'mach_down' : timedOut ? 'T_RESOURCES(us)' : 'T_RESOURCES(them)'
      this.startDeadNodes()
      this.settleLeftovers()
      this.place()
      const took = [...this.groups.values()].some((g) => g.want === 'held' && g.owner === this.me)
      this.log('info', took ? 'Local Resource acquisition completed.' : 'Local Resource acquisition completed. (none)')
      this.log('info', `Initial resource acquisition complete (${reason})`)
      this.reportResources(true, 'req_our_resources()')
      return
    }
    // Legacy: ask for our own groups if a peer is active, else take them.
    this.phase = 'stable'
    this.startDeadNodes()
    this.settleLeftovers()
    const asking = this.livePeers().some((p) => p.status === 'active')
    for (const g of this.groups.values()) {
      if (g.owner !== this.me || this.holdsHere(g)) continue
      if (asking) {
        this.requested.add(g.key)
        this.send({t: 'ip-request', ipaddr: g.key})
      }
    }
    this.place()
    this.reportResources(true)
  }

  /** Nodes already dead when comms came up: Heartbeat's startup takeover (with STONITH first if needed). */
  private startDeadNodes(): void {
    for (const peer of this.peers.values()) {
      if (peer.status !== 'dead' && peer.status !== 'init') continue
      peer.status = 'dead'
      this.deadPeer(peer)
    }
  }

  private onFoundRunning(key: string): void {
    const g = this.groups.get(key)
    if (!g || this.phase !== 'init') return
    this.log('warn', `Resource group ${key} is already (partly) running here.`)
    g.want = 'held' // we hold it as far as anyone asks, until decided
    this.leftovers.add(key)
  }

  /** At the start decision: a leftover another node holds is released; any other is completed here. */
  private settleLeftovers(): void {
    for (const key of this.leftovers) {
      const g = this.groups.get(key)!
      const elsewhere = [...this.peers.values()].some((p) => this.peerHolds(p, key))
      if (elsewhere) this.log('warn', `Resource group ${key} runs elsewhere too: releasing it here.`)
      // stop it, or acquire it to start whatever part of it is not running (running parts are skipped)
      g.want = elsewhere ? 'held' : 'stopped'
      this.setWant(g, elsewhere ? 'stopped' : 'held')
    }
    this.leftovers.clear()
  }

  // ------------------------------------------------------------- membership

  private onNodeStatus(node: string, status: NodeStatus, impl?: 'hakit' | 'heartbeat'): void {
    const peer = this.peers.get(node)
    if (!peer) return
    if (impl) peer.hakit = impl === 'hakit'
    const before = peer.status
    if (status === before) return
    peer.status = status
    if (status !== 'dead' && status !== 'init') peer.heardFrom = true
    if (status === 'dead') {
      if (this.phase === 'init') return // handled when comms come up
      this.deadPeer(peer)
      if (this.phase === 'starting') this.tryStart()
      return
    }
    if (before === 'dead') {
      // Back from the dead without a restart event: keep what we believed it held.
      peer.shutdone = false
      peer.leaving = false
    }
    if (this.phase === 'starting') this.tryStart()
  }

  private onPartitionHealed(node: string): void {
    const peer = this.peers.get(node)
    if (!peer) return
    this.log('crit', `Cluster node ${node} returning after partition.`)
    peer.status = 'active'
    peer.healed = true
    peer.fencing = false
    peer.fenceRetryAt = undefined
    // What it held during the partition is unknown until it reports; hakit peers report at once.
    peer.rscKnown = false
    if (this.extended(peer)) this.reportResources(true, 'partition')
  }

  private onPeerRestarted(node: string): void {
    const peer = this.peers.get(node)
    if (!peer) return
    peer.notice = undefined
    peer.detached = undefined
    this.log('info', `Heartbeat restart on node ${node}`)
    peer.stable = false
    peer.rscKnown = false
    peer.leaving = false
    peer.shutdone = false
    peer.fencing = false
    peer.fenceRetryAt = undefined
    peer.healed = false
    peer.solicited = false
    peer.failed.clear()
  }

  private deadPeer(peer: PeerState): void {
    peer.notice = undefined
    const wasKnownEmpty = peer.heardFrom && (peer.shutdone || ((this.nice || this.extended(peer)) && peer.rscKnown && peer.holds.size === 0 && !peer.leaving))
    peer.stable = false
    peer.rscKnown = false
    peer.leaving = false
    const standby = this.standbyState
    if ((standby.role === 'other' && standby.from === peer.name) || (standby.role === 'me' && standby.stage === 'asked')) {
      this.log('info', 'Cancelling pending standby operation')
      this.standbyState = {role: 'idle'}
    }
    if (this.phase === 'shutdown' || this.phase === 'stopped') {
      this.log('info', 'Resource takeover cancelled - shutdown in progress.')
      return
    }
    if (wasKnownEmpty) {
      this.log('info', `Dead node ${peer.name} gave up resources.`)
      this.send({t: 'stonith', node: peer.name, result: 'unneeded'})
      peer.holds.clear()
      this.takeoverFrom(peer)
      return
    }
    if (this.config.stonith) {
      peer.fencing = true
      this.out.push({type: 'fence', node: peer.name})
      return
    }
    this.send({t: 'stonith', node: peer.name, result: 'n_stnth'})
    this.log('warn', 'No STONITH device configured.')
    this.log('warn', 'Shared disks are not protected.')
    peer.holds.clear()
    this.takeoverFrom(peer)
  }

  private onFenceDone(node: string, ok: boolean): void {
    const peer = this.peers.get(node)
    if (!peer || !peer.fencing) return
    if (!ok) {
      this.log('error', `STONITH of ${node} failed.  Retrying...`)
      peer.fenceRetryAt = this.now + this.timers.fenceRetryMs
      return
    }
    this.log('info', `node ${node} now reset.`)
    this.send({t: 'stonith', node, result: 'OK'})
    peer.fencing = false
    peer.fenceRetryAt = undefined
    peer.holds.clear()
    this.takeoverFrom(peer)
  }

  private takeoverFrom(peer: PeerState): void {
    if (this.phase !== 'stable') return
    this.log('info', `Resources being acquired from ${peer.name}.`)
    this.place()
    this.log('info', `mach_down takeover complete for node ${peer.name}.`)
  }

  // --------------------------------------------------------------- messages

  private onMessage(from: string, msg: Message): void {
    if (from === this.me) return
    const peer = this.peers.get(from)
    if (!peer) return
    // First sign that a peer is hakit (e.g. one we never heard from before a partition healed): it has
    // not had our report yet, and conflict resolution needs both sides to see each other's holdings.
    const discovered = msg.hakit_held !== undefined && !peer.hakit && this.config.compat !== 'heartbeat'
    if (msg.hakit_held !== undefined) peer.hakit = true
    if (this.phase === 'init' || this.phase === 'stopped') return // resource messages only count once comms are up
    if (discovered && this.phase === 'stable') this.reportResources(true)
    switch (msg.t) {
      case 'starting': return this.onStarting(peer)
      case 'resource': return this.onResource(peer, msg)
      case 'ask_resources': return this.onAskResources(peer, msg)
      case 'hb_takeover': return this.requestStandby(mirror(msg.rsc_hold), false, `hb_takeover from ${from}`)
      case 'ip-request': return this.onIpRequest(peer, msg.ipaddr ?? '')
      case 'ip-request-resp': return this.onIpRequestResp(msg)
      case 'shutdone': return this.onShutdone(peer)
      case 'num_ping_nodes': return this.onPeerPingCount(peer, Number(msg.num_ping))
      default: return
    }
  }

  private onStarting(peer: PeerState): void {
    peer.detached = undefined
    peer.stable = false
    peer.rscKnown = false
    peer.leaving = false
    peer.shutdone = false
    if (this.phase === 'shutdown') return
    // Tell it what we hold (forced); while we start too, ask for its answer once.
    this.reportResources(true)
    if (this.config.ipfail && this.pingCount !== undefined) this.send({t: 'num_ping_nodes', num_ping: String(this.pingCount)})
    if (this.phase === 'starting' && !peer.solicited) {
      peer.solicited = true
      this.send({t: 'starting'})
    }
  }

  private onResource(peer: PeerState, msg: Message): void {
    if (msg.hakit_detached !== undefined) peer.detached = msg.hakit_detached === '1'
    const before = new Set(peer.holds)
    if (msg.hakit_held !== undefined) {
      peer.holds = new Set(msg.hakit_held.split(' ').filter(Boolean))
    } else {
      const named = this.keysOf(msg.rsc_hold ?? 'none', peer.name)
      if (msg.rsc_hold === 'none' || msg.rtype === 'full') peer.holds = named
      else for (const key of named) peer.holds.add(key)
    }
    if (peer.shutdone && peer.holds.size > 0 && msg.info !== 'shutdown') {
      // A shutdown notice is a node's last message: one that still reports holding groups is
      // running. The notice was not its own (forged or replayed): believe the report.
      this.log('warn', `${peer.name} reports holding ${[...peer.holds].join(' ')} after its shutdown notice: it is still running; ignoring the notice.`)
      peer.shutdone = false
      peer.leaving = false
      peer.notice = undefined
    } else if (peer.leaving && !peer.shutdone && msg.info !== 'shutdown' && [...peer.holds].some((key) => !before.has(key))) {
      // a departing node only gives groups up: one that reports a new group is not departing
      this.log('warn', `${peer.name} reports taking a group while departing: it is not shutting down.`)
      peer.leaving = false
    }
    if (msg.hakit_failed !== undefined) peer.failed = new Set(msg.hakit_failed.split(' ').filter(Boolean))
    peer.rscKnown = true
    if (msg.info === 'shutdown') peer.leaving = true
    if (msg.isstable !== undefined) {
      const stable = msg.isstable === '1'
      if (stable && !peer.stable) this.log('info', 'remote resource transition completed.')
      peer.stable = stable
    }
    if (this.phase === 'starting') this.tryStart()
  }

  private onShutdone(peer: PeerState): void {
    this.log('info', `Received shutdown notice from '${peer.name}'.`)
    // What it held and we hold too (a Heartbeat peer leaving after a split brain): re-announce it here.
    // (A Heartbeat peer returning from a partition first releases everything it took meanwhile.)
    const dual = [...this.groups.values()].filter((g) => g.want === 'held' && (peer.holds.has(g.key) || peer.healed))
    const notice = {held: new Set(peer.holds), stable: peer.stable, took: new Set<string>()}
    peer.healed = false
    peer.shutdone = true
    peer.leaving = true
    peer.stable = false
    peer.holds.clear()
    const standby = this.standbyState
    if (standby.role !== 'idle' && (standby.role === 'me' || standby.from === peer.name)) {
      this.log('info', 'Cancelling pending standby operation')
      this.standbyState = {role: 'idle'}
    }
    if (this.phase !== 'stable') return
    if (this.config.compat !== 'heartbeat') for (const g of dual) this.restart(g)
    const heldBefore = new Set(this.heldKeys())
    this.takeoverFrom(peer)
    for (const key of this.heldKeys()) if (!heldBefore.has(key)) notice.took.add(key)
    peer.notice = notice
  }

  /**
   * The node is still running after its `shutdone` (the membership layer heard it a dead time
   * later): the notice was not its own. Back to what it held before; what we took over because of
   * the notice and it still holds is released here (a Heartbeat peer does not report again, and
   * never gives a group up for us). A hakit peer has already corrected us with its own report.
   */
  private onNoticeContradicted(node: string): void {
    const peer = this.peers.get(node)
    const notice = peer?.notice
    if (!peer || !notice || !peer.shutdone) return
    this.log('warn', `${node} is still running after its shutdown notice: the notice was not its own; undoing the takeover.`)
    peer.notice = undefined
    peer.shutdone = false
    peer.leaving = false
    peer.stable = notice.stable
    peer.holds = new Set([...notice.held, ...peer.holds])
    if (this.phase !== 'stable' || this.extended(peer)) return
    for (const key of notice.took) {
      const g = this.groups.get(key)!
      if (g.want !== 'held' || !peer.holds.has(key)) continue
      this.log('error', g.owner === this.me ? 'Both machines own our resources!' : 'Both machines own foreign resources!')
      this.log('warn', `Resource group ${key} is still held by ${node}: releasing it here.`)
      this.setWant(g, 'stopped')
    }
  }

  private onIpRequest(peer: PeerState, key: string): void {
    const g = this.groups.get(key)
    if (!g) return
    if (this.holdsHere(g)) {
      this.owedReplies.set(key, [...(this.owedReplies.get(key) ?? []), peer.name])
      this.setWant(g, 'stopped')
      if (g.busy === 0) this.payReplies(g)
      return
    }
    this.send({t: 'ip-request-resp', dest: peer.name, ipaddr: key, weown: 'no', ok: 'OK'})
  }

  private payReplies(g: GroupState): void {
    if (this.owedReplies.has(g.key)) this.reportResources(false)
    for (const dest of this.owedReplies.get(g.key) ?? []) this.send({t: 'ip-request-resp', dest, ipaddr: g.key, weown: 'yes', ok: 'OK'})
    this.owedReplies.delete(g.key)
  }

  private onIpRequestResp(msg: Message): void {
    if ((msg.dest ?? '').toLowerCase() !== this.me) return
    const g = this.groups.get(msg.ipaddr ?? '')
    if (!g) return
    this.requested.delete(g.key)
    this.log('info', `received ip-request-resp ${g.key} ${msg.ok} ${msg.weown}`)
    if (msg.ok === 'OK' && !g.failedHere && this.phase === 'stable') this.setWant(g, 'held')
  }

  // ---------------------------------------------------------------- standby

  /**
   * Starts Heartbeat's standby protocol for resource set `which` (relative to us):
   * `ask_resources info=me`, the peer answers `other`, we release and say
   * `done`, it acquires and says `done`.
   */
  private requestStandby(which: string, operator: boolean, why?: string): void {
    const set = which === 'failback' ? 'foreign' : which === '' ? 'all' : which
    const refuse = (message: string) => {
      if (operator) this.out.push({type: 'operator-result', ok: false, message})
      else this.log('warn', message)
    }
    if (!SETS.has(set)) return refuse(`wrong resources(${which}).`)
    if (!this.nice) return refuse('Standby mode only implemented when nice_failback on')
    if (this.phase !== 'stable') return refuse(`standby [${set}] refused: local resources in flux.`)
    if (this.standbyState.role !== 'idle') return refuse('Standby in progress: new request ignored.')
    const peers = this.livePeers().filter((p) => p.status === 'active' && !p.leaving)
    if (peers.length === 0) return refuse(`standby [${set}] refused: no active peer to take the resources.`)
    if (!peers.some((p) => p.stable)) return refuse(`standby [${set}] refused: Other side is in flux.`)
    this.log('info', `Going standby [${set}].${why ? ` (${why})` : ''}`)
    this.log('info', `${this.me} wants to go standby [${set}]`)
    this.standbyState = {role: 'me', set, stage: 'asked', deadline: this.now + this.timers.standbyReplyMs, pending: new Set(), keys: this.keysOf(set, this.me)}
    this.send({t: 'ask_resources', rsc_hold: set, info: 'me'})
    if (operator) this.out.push({type: 'operator-result', ok: true, message: `Going standby [${set}].`})
  }

  private requestTakeover(which: string): void {
    const set = which === '' ? 'all' : which
    if (!SETS.has(set) && set !== 'failback') {
      this.out.push({type: 'operator-result', ok: false, message: `wrong resources(${which}).`})
      return
    }
    // An explicit takeover lifts our start-failure bans.
    for (const g of this.groups.values()) g.failedHere = false
    if (!this.livePeers().some((p) => p.status === 'active' && !p.leaving)) {
      this.out.push({type: 'operator-result', ok: false, message: 'no active peer to take resources from.'})
      return
    }
    this.send({t: 'hb_takeover', rsc_hold: set})
    this.out.push({type: 'operator-result', ok: true, message: `Asked the peer to give up its resources [${set}].`})
  }

  private onAskResources(peer: PeerState, msg: Message): void {
    const set = msg.rsc_hold ?? 'all'
    const standby = this.standbyState
    switch (msg.info) {
      case 'me': {
        if (standby.role !== 'idle') {
          this.log('warn', `Standby in progress- new request from ${peer.name} ignored [${Math.max(0, Math.round((standby.deadline - this.now) / 1000))} seconds left]`)
          return
        }
        if (this.phase !== 'stable') return this.log('warn', `standby message [me] from ${peer.name} ignored.  local resources in flux.`)
        if (!peer.stable) return this.log('warn', `standby message [me] from ${peer.name} ignored.  Other side is in flux.`)
        this.log('info', `${peer.name} wants to go standby [${set}]`)
        this.standbyState = {role: 'other', set, from: peer.name, stage: 'waiting', deadline: this.now + this.timers.standbyOtherMs, pending: new Set(), keys: this.keysOf(set, peer.name)}
        this.send({t: 'ask_resources', rsc_hold: set, info: 'other'})
        return
      }
      case 'other': {
        if (standby.role !== 'me' || standby.stage !== 'asked') return
        this.log('info', `standby: ${peer.name} can take our ${standby.set} resources`)
        standby.stage = 'releasing'
        this.log('info', `give up ${standby.set} HA resources (standby).`)
        for (const key of standby.keys) {
          const g = this.groups.get(key)!
          if (!this.holdsHere(g)) continue
          standby.pending.add(key)
          this.setWant(g, 'stopped')
          if (g.busy === 0) standby.pending.delete(key)
        }
        if (standby.pending.size === 0) this.finishStandbyRelease()
        return
      }
      case 'done': {
        if (standby.role === 'other' && standby.from === peer.name && standby.stage === 'waiting') {
          this.log('info', `standby: acquire [${set}] resources from ${peer.name}`)
          for (const key of standby.keys) peer.holds.delete(key) // it has released them
          standby.stage = 'acquiring'
          const mirrored = mirror(set)
          this.log('info', `acquire ${mirrored} HA resources (standby).`)
          for (const key of standby.keys) {
            const g = this.groups.get(key)!
            if (this.holdsHere(g) || g.failedHere) continue
            if ([...this.peers.values()].some((p) => p.name !== peer.name && this.peerHolds(p, key))) continue
            if (this.takerFor(g) !== this.me) continue
            standby.pending.add(key)
            this.setWant(g, 'held')
          }
          if (standby.pending.size === 0) this.finishStandbyAcquire()
          return
        }
        if (standby.role === 'me' && standby.stage === 'done') {
          this.log('info', `Other node completed standby takeover of ${standby.set} resources.`)
          this.standbyState = {role: 'idle'}
          this.reportResources(true)
        }
        return
      }
      default:
        this.log('error', `Ignored standby message '${msg.info}' from ${peer.name} in state ${standby.role}`)
    }
  }

  private finishStandbyRelease(): void {
    const standby = this.standbyState
    if (standby.role !== 'me') return
    this.reportResources(false) // peers learn what we hold before they act on "done"
    this.log('info', `${standby.set} HA resource release completed (standby).`)
    this.send({t: 'ask_resources', rsc_hold: standby.set, info: 'done'})
    this.log('info', `Local standby process completed [${standby.set}].`)
    standby.stage = 'done'
    standby.deadline = this.now + this.timers.standbyOtherMs
  }

  private finishStandbyAcquire(): void {
    const standby = this.standbyState
    if (standby.role !== 'other') return
    this.reportResources(false)
    this.log('info', `${mirror(standby.set)} HA resource acquisition completed (standby).`)
    this.send({t: 'ask_resources', rsc_hold: standby.set, info: 'done'})
    this.log('info', `Standby resource acquisition done [${standby.set}].`)
    this.standbyState = {role: 'idle'}
    this.reportResources(true)
  }

  // ---------------------------------------------------------- local results

  private onAcquireDone(key: string, ok: boolean): void {
    const g = this.groups.get(key)
    if (!g) return
    g.busy = Math.max(0, g.busy - 1)
    const standby = this.standbyState
    if (!ok) {
      g.want = 'stopped'
      g.failedHere = true
      g.failbackNeeded = false
      this.log('error', `Resource group ${key} failed to start here; it will not be started here again until a takeover.`)
    }
    if (standby.role === 'other' && standby.pending.delete(key) && standby.pending.size === 0) this.finishStandbyAcquire()
    // hakit peers see `hakit_failed` in our next resource report and take it; Heartbeat peers are asked.
    if (!ok && this.phase === 'stable') this.handFailedToHeartbeatPeer(g)
  }

  private onReleaseDone(key: string, ok: boolean): void {
    const g = this.groups.get(key)
    if (!g) return
    g.busy = Math.max(0, g.busy - 1)
    if (!ok) {
      g.stopFailed = true
      this.log('crit', `Resource group ${key} could not be stopped: it stays marked as held here and no other node will start it.`)
    }
    if (g.busy === 0 && g.want === 'stopped') this.payReplies(g)
    const standby = this.standbyState
    if (standby.role === 'me' && standby.stage === 'releasing' && g.busy === 0 && standby.pending.delete(key) && standby.pending.size === 0) this.finishStandbyRelease()
    if (this.phase === 'shutdown') this.maybeFinishShutdown()
  }

  // --------------------------------------------------------------- shutdown

  private onShutdown(): void {
    if (this.phase === 'shutdown' || this.phase === 'stopped') return
    const wasUp = this.phase !== 'init'
    this.log('info', 'Heartbeat shutdown in progress.')
    if (this.standbyState.role !== 'idle') this.standbyState = {role: 'idle'}
    this.phase = 'shutdown'
    if (wasUp && (this.nice || this.allPeersExtended())) this.reportResources(true, 'shutdown')
    this.log('info', 'Giving up all HA resources.')
    for (const g of this.groups.values()) if (this.holdsHere(g) && !g.stopFailed) this.setWant(g, 'stopped')
    this.maybeFinishShutdown()
  }

  private maybeFinishShutdown(): void {
    if ([...this.groups.values()].some((g) => g.busy > 0)) return
    const failed = [...this.groups.values()].filter((g) => g.stopFailed)
    if (failed.length === 0) this.reportResources(false)
    this.phase = 'stopped'
    if (failed.length > 0) {
      this.log('crit', `Resources still running after failed stops: ${failed.map((g) => g.key).join(' ')}. No shutdown notice sent; the peer must fence this node.`)
      this.out.push({type: 'shutdown-complete', clean: false})
      return
    }
    this.log('info', 'All HA resources relinquished.')
    this.send({t: 'shutdone', st: 'dead'})
    this.out.push({type: 'shutdown-complete', clean: true})
  }

  // ------------------------------------------------------------------ detach

  private onDetach(): void {
    const refuse = (why: string): void => void this.out.push({type: 'operator-result', ok: false, message: `not detached: ${why}`})
    if (this.phase === 'shutdown' || this.phase === 'stopped') return refuse('shutdown in progress')
    if (this.phase !== 'stable') return refuse('the start-up resource negotiation is not finished; try again in a moment')
    const busy = [...this.groups.values()].filter((g) => g.busy > 0).map((g) => g.key)
    if (busy.length > 0) return refuse(`resource activity in progress (${busy.join(' ')}); try again in a moment`)
    if (this.standbyState.role !== 'idle') return refuse('a standby is in progress; try again in a moment')
    const failed = [...this.groups.values()].filter((g) => g.stopFailed).map((g) => g.key)
    if (failed.length > 0) return refuse(`a stop failed for ${failed.join(' ')}: settle that first`)
    // Peers must know what we hold while we no longer act (and that we are detached): it is the last report until we leave.
    this.phase = 'detached'
    this.reportResources(true)
    const held = this.heldKeys()
    const text = `Detached: no resource is started or stopped here any more; ${held.length > 0 ? `${held.join(' ')} keep running here` : 'this node holds no group'}. Stopping the daemon now leaves them running and sends no shutdown notice.`
    this.log('info', text)
    this.out.push({type: 'operator-result', ok: true, message: text})
  }

  /** Comms up with startDetached: hold what was found running, tell the peers, manage nothing. */
  private startDetached(): void {
    this.startDetachedPending = false
    this.leftovers.clear()
    this.phase = 'detached'
    this.reportResources(true)
    const held = this.heldKeys()
    this.log('info', `Started detached: ${held.length > 0 ? `${held.join(' ')} found running here and left alone` : 'no group runs here'}; nothing is started, stopped or taken over until "hakit attach".`)
  }

  private onAttach(): void {
    const held = this.heldKeys()
    // What we hold is kept like groups found running at start-up; peers are asked again what they hold.
    for (const key of held) this.leftovers.add(key)
    for (const peer of this.peers.values()) {
      peer.rscKnown = false
      peer.solicited = false
      peer.stable = false
    }
    this.phase = 'init'
    this.log('info', `Attached again: ${held.length > 0 ? `keeping ${held.join(' ')}` : 'holding no group'}; asking the peers what they hold.`)
    this.out.push({type: 'operator-result', ok: true, message: `attached: resources are managed here again${held.length > 0 ? ` (keeping ${held.join(' ')})` : ''}`})
    this.onCommsUp()
    this.settle()
  }

  /** Detached: only the shutdown, attach and a peer's start-up question get an answer; nothing is acquired or released. */
  private whileDetached(event: FailoverEvent): void {
    switch (event.type) {
      case 'shutdown': {
        this.phase = 'stopped'
        const held = this.heldKeys()
        this.log('info', `Leaving the cluster detached: ${held.length > 0 ? `${held.join(' ')} left running` : 'no group held'}; no shutdown notice sent.`)
        this.out.push({type: 'shutdown-complete', clean: true})
        return
      }
      case 'detach':
        this.out.push({type: 'operator-result', ok: true, message: 'already detached'})
        return
      case 'attach':
        this.onAttach()
        return
      case 'standby':
      case 'takeover':
        this.out.push({type: 'operator-result', ok: false, message: 'detached: this node no longer moves resources'})
        return
      case 'node-status': {
        const peer = this.peers.get(event.node.toLowerCase())
        if (peer) peer.status = event.status
        return
      }
      case 'peer-restarted': {
        const peer = this.peers.get(event.node.toLowerCase())
        if (peer) peer.detached = undefined
        return
      }
      case 'message': {
        const peer = this.peers.get(event.from.toLowerCase())
        if (peer && event.msg.t === 'resource' && event.msg.hakit_detached !== undefined) peer.detached = event.msg.hakit_detached === '1'
        if (peer && event.msg.t === 'starting') peer.detached = undefined
        // a restarted peer asks who holds what: tell it, so it does not start what runs here
        if (event.msg.t === 'starting' && this.peers.has(event.from.toLowerCase())) this.send(this.resourceMessage())
        return
      }
      default:
        return
    }
  }

  // ------------------------------------------------------------------ ipfail

  private onPingCount(count: number): void {
    if (!this.config.ipfail || count === this.pingCount) return
    this.pingCount = count
    if (this.phase === 'init' || this.phase === 'stopped') return
    this.send({t: 'num_ping_nodes', num_ping: String(count)})
    this.compareConnectivity()
  }

  private onPeerPingCount(peer: PeerState, count: number): void {
    if (!this.config.ipfail || !Number.isFinite(count)) return
    this.peerPing.set(peer.name, count)
    this.compareConnectivity()
  }

  /**
   * ipfail: fewer ping nodes than the peer → give everything to it (standby all);
   * equal again with auto_failback on → hand foreign groups back to their owners.
   */
  private compareConnectivity(): void {
    if (this.pingCount === undefined || this.phase !== 'stable' || this.standbyState.role !== 'idle') return
    for (const peer of this.livePeers()) {
      const theirs = this.peerPing.get(peer.name)
      if (theirs === undefined || peer.status !== 'active') continue
      if (this.pingCount < theirs && this.heldKeys().length > 0) {
        this.log('info', `ipfail: ${peer.name} reaches ${theirs} ping nodes, we reach ${this.pingCount}: giving up resources.`)
        this.requestStandby('all', false, 'ipfail')
        return
      }
      if (this.pingCount === theirs && this.config.autoFailback === 'on') {
        for (const g of this.groups.values()) if (g.owner === peer.name && g.want === 'held') g.failbackNeeded = true
      }
    }
  }

  // ------------------------------------------------------------------ timers

  private onTick(): void {
    if (this.phase === 'starting' && this.startDeadline !== undefined && this.now >= this.startDeadline) this.tryStart(true)
    if (this.conflictReportAt !== undefined && this.now >= this.conflictReportAt) {
      // the peer still holds what we keep: say again what we hold (our last report may have been lost)
      this.conflictReportAt = this.now + this.timers.conflictReportMs
      this.reportResources(true)
    }
    for (const peer of this.peers.values()) {
      if (peer.fenceRetryAt !== undefined && this.now >= peer.fenceRetryAt && peer.fencing) {
        peer.fenceRetryAt = undefined
        this.out.push({type: 'fence', node: peer.name})
      }
    }
    const standby = this.standbyState
    if (standby.role !== 'idle' && this.now >= standby.deadline) {
      if (standby.role === 'me' && standby.stage === 'releasing') return // our own releases are still running
      this.log('warn', 'No reply to standby request.  Standby request cancelled.')
      this.standbyState = {role: 'idle'}
    }
  }
}

/** hb_takeover's mapping: what the peer must give up for us to get `set`. */
function mirror(set: string | undefined): string {
  return set === 'local' ? 'foreign' : set === 'foreign' ? 'local' : 'all'
}
