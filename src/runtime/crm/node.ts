/**
 * The cluster layer of one CRM node as a pure state machine: DC election,
 * join, CIB replication and quorum (pacemaker-runtime.md §4.2–4.3, §5.2–5.3).
 * Events in (membership, CRM messages, local change requests, clock ticks),
 * actions out (messages to send, CIB to persist, log lines, state changes);
 * no I/O and no clock of its own — the driver (daemon.ts) passes `now` and the
 * daemon's CPU time, and feeds a tick at `nextDeadline()`.
 *
 * Membership here means the CRM peers: nodes the messaging layer reports
 * alive that have spoken this protocol since they came up (a Heartbeat node
 * without a CRM is not a member), minus nodes that said they are leaving.
 *
 * Replication: every change goes to the DC, which applies it, bumps the
 * version and broadcasts it with the version it applies to and the digest
 * after it; a node that is not at that version, or whose digest then
 * differs, asks the DC for the whole CIB. Configuration changes are
 * persisted (the `persist` action comes before the messages that
 * acknowledge them, and the driver performs actions in order).
 */
import type {Cib, LrmOperation, LrmResource} from '../../formats/cib/model.js'
import {parseCibXml, printCibXml} from '../../formats/cib/xml.js'
import {parseInterval} from '../../formats/cib/values.js'
import {
  applyCibOp, cibDigest, cibVersion, cloneCib, clusterOption, compareVersions, ctimeString, formatVersion, nodeIdOf, setCibVersion,
  type CibOp, type CibVersion, type ChangeMeta,
} from './cib-ops.js'
import {Election, type Credentials, type ElectionAction} from './election.js'
import type {LrmResourceRef} from './controller-types.js'
import {JoinRound} from './join.js'
import type {CrmMessage, CrmState} from './protocol.js'
import {LossHold} from './loss-hold.js'
import {Quorum} from './quorum.js'

import {CRM_FEATURE_SET} from '../../formats/cib/model.js'
export const DEFAULT_DC_DEADTIME_MS = 20_000
/** The cib-bootstrap-options `cluster-infrastructure` the DC writes. */
export const CLUSTER_INFRASTRUCTURE = 'hakit'
export const DEFAULT_ELECTION_TIMEOUT_MS = 120_000

export interface CrmNodeConfig {
  localNode: string
  /** Configured nodes (ha.cf order, lowercase), the local one included. */
  nodes: string[]
  /** Written as dc-version by the DC. */
  dcVersion: string
  featureSet?: string
  /** Overrides the CIB's dc-deadtime. */
  dcDeadtimeMs?: number
  electionTimeoutMs?: number
  /**
   * The messaging layer's dead time (ms). Given, a member's loss is acted on only once the membership
   * has settled (loss-hold.ts): every member still counted heard after the lost node fell silent, or
   * lost with it in one change. The membership events then carry when each node was last heard, and
   * the dead time each peer advertises (the messaging layer declares a peer dead after its own).
   */
  peerDeadtimeMs?: number
  /** votequorum overrides (tests). */
  twoNode?: boolean
  waitForAll?: boolean
}

interface Clock {
  now: number
  /** The daemon's user CPU time (ms): the election's "uptime". */
  cpuMs: number
}

export type CrmNodeEvent = Clock &
  (
    | {type: 'start'; cib: Cib}
    /**
     * Nodes the messaging layer reports alive (the local node need not be listed). With `dead`,
     * only those nodes are taken as gone (a node not yet reported either way, but heard on this
     * protocol, stays); without it every node not listed is gone.
     */
    | {type: 'membership'; live: string[]; dead?: string[]; heard?: Record<string, number>; deadtimes?: Record<string, number>}
    /** A packet from `node` arrived (the driver feeds these while `holdingLosses`). */
    | {type: 'heard'; node: string}
    | {type: 'message'; from: string; msg: CrmMessage}
    /** A local client (controller, operator socket) asks for a change; answered by a `reply` action with the same id. */
    | {type: 'submit'; id: string; op: CibOp; client: string}
    | {type: 'tick'}
    | {type: 'shutdown'}
    /**
     * The local executor finished a one-shot operation (start, stop, promote, probe…): its history
     * entries. Until the replica records them, this node's join confirmations carry them, so a result
     * whose report was lost with a DC (the DC changed while the operation ran) still reaches the next DC.
     */
    | {type: 'executed'; resource: LrmResourceRef; ops: LrmOperation[]}
  )

export type LogLevel = 'debug' | 'info' | 'notice' | 'warn' | 'error' | 'crit'

export type CrmNodeAction =
  | {type: 'send'; to?: string; msg: CrmMessage}
  /** Write this configuration to disk before doing the actions that follow. */
  | {type: 'persist'; cib: Cib; time: string}
  /** `daemon`: which of Pacemaker 1.x's daemons would have said it (the CIB manager, or the controller). */
  | {type: 'log'; level: LogLevel; text: string; daemon: 'cib' | 'crmd'}
  | {type: 'state'; state: CrmState; previous: CrmState; dc?: string}
  /** The local replica changed; `change`: by that one operation from `change.from` (not given for a whole CIB). */
  | {type: 'cib-changed'; configChanged: boolean; version: CibVersion; change?: {from: CibVersion; op: CibOp; meta: ChangeMeta}}
  | {type: 'reply'; id: string; ok: boolean; error?: string; version?: CibVersion}
  /** DC only: a tool deleted a resource's history (crm resource cleanup/refresh): the controller must forget and re-probe it. */
  | {type: 'history-deleted'; nodeId: string; rscId: string}
  /** DC only: a join round opened; the controller schedules nothing until the next dc-ready. */
  | {type: 'join-started'}
  /** DC only: every member has joined; the controller may schedule. */
  | {type: 'dc-ready'; members: string[]}
  /** DC only: a node confirmed its join with this executor history. */
  | {type: 'node-joined'; node: string; lrm: LrmResource[]}
  /** DC only: a member left (dead, or gone after saying it leaves). */
  | {type: 'node-lost'; node: string; clean: boolean}
  | {type: 'quorum'; have: boolean}

export class CrmNode {
  state: CrmState = 'starting'
  dc?: string
  cib: Cib
  /** CRM members, the local node included. */
  members: string[]
  readonly quorum: Quorum
  private readonly config: Required<Pick<CrmNodeConfig, 'featureSet'>> & CrmNodeConfig
  private readonly election: Election
  private live = new Set<string>()
  /** Nodes heard on the CRM protocol since they came up, with their last announced state. */
  private readonly peers = new Map<string, CrmState | 'unknown'>()
  private readonly leaving = new Set<string>()
  /** Nodes that said they leave (for node-lost's clean flag), until they come back. */
  private readonly leftCleanly = new Set<string>()
  /** DC: nodes that joined under this DC and have not left or restarted since (a re-confirmation in a later round is not a new join). */
  private readonly joined = new Set<string>()
  private dcDeadline = Infinity
  private joinCounter = 0
  private round?: JoinRound
  /** DC: requests that arrived while it was taking another node's CIB. */
  private readonly heldRequests: Array<{op: CibOp; origin: string; client: string; id?: string}> = []
  /** Our requests the DC has not answered yet, resent to a new DC. */
  private readonly pending = new Map<string, {op: CibOp; client: string}>()
  /** Member: the DC's whole CIB arrived since we accepted its offer (updates before it are skipped). */
  private synced = false
  /** Has this process confirmed a join yet? Its first confirmation reports no history (a new executor ran nothing). */
  private joinedOnce = false
  /**
   * Our history as it was when we accepted a join offer: the DC may push its CIB (with its own, possibly
   * stale, view of our node) before it asks for our confirmation, and the confirmation must report what
   * this node runs (Pacemaker's join_ack carries the executor's history, not the CIB's).
   */
  private offerHistory?: {join: number; dc: string; lrm: LrmResource[]; first: boolean}
  /** Local results the replica does not show yet, by resource id and history entry id. */
  private readonly unrecorded = new Map<string, {resource: LrmResourceRef; op: LrmOperation}>()
  private out: CrmNodeAction[] = []
  private clock: Clock = {now: 0, cpuMs: 0}
  /** Members declared dead, not acted on until the membership has settled (with `peerDeadtimeMs`). */
  private readonly lossHold?: LossHold
  /** The members the held losses last waited for (logged when it changes). */
  private awaited = ''

  constructor(config: CrmNodeConfig, cib: Cib) {
    this.config = {featureSet: CRM_FEATURE_SET, ...config}
    this.cib = cib
    this.members = [config.localNode]
    this.quorum = new Quorum({nodes: config.nodes, twoNode: config.twoNode, waitForAll: config.waitForAll})
    this.election = new Election(config.localNode, this.members, config.electionTimeoutMs ?? DEFAULT_ELECTION_TIMEOUT_MS)
    if (config.peerDeadtimeMs !== undefined) this.lossHold = new LossHold(config.peerDeadtimeMs)
  }

  /** Losses wait for the membership to settle: the driver feeds `heard` events meanwhile. */
  get holdingLosses(): boolean {
    return (this.lossHold?.size ?? 0) > 0
  }

  get localNode(): string {
    return this.config.localNode
  }

  nextDeadline(): number {
    return Math.min(this.state === 'pending' ? this.dcDeadline : Infinity, this.election.nextDeadline(), this.lossHold?.deadline() ?? Infinity)
  }

  feed(e: CrmNodeEvent): CrmNodeAction[] {
    this.out = []
    this.clock = {now: e.now, cpuMs: e.cpuMs}
    if (this.state === 'stopping' && e.type !== 'submit') return this.out
    switch (e.type) {
      case 'start':
        this.start(e.cib)
        break
      case 'membership': {
        for (const [n, at] of Object.entries(e.heard ?? {})) this.lossHold?.noteHeard(n.toLowerCase(), at)
        for (const [n, ms] of Object.entries(e.deadtimes ?? {})) this.lossHold?.noteDeadtime(n.toLowerCase(), ms)
        const reported = e.live.map((n) => n.toLowerCase()).filter((n) => n !== this.localNode)
        const dead = e.dead?.map((n) => n.toLowerCase())
        const gone = [...this.live].filter((n) => (dead ? dead.includes(n) : !reported.includes(n)))
        const live = new Set([...(dead ? [...this.live].filter((n) => !gone.includes(n)) : []), ...reported])
        const arrived = [...live].filter((n) => !this.live.has(n))
        // a member's loss waits until the membership has settled (settleLosses); it stays counted meanwhile
        const held = this.lossHold ? gone.filter((n) => this.members.includes(n)) : []
        for (const n of held) {
          this.lossHold!.hold(n, this.clock.now)
          live.add(n)
        }
        for (const n of reported) this.lossHold?.revive(n)
        this.live = live
        for (const n of gone) if (!held.includes(n)) this.forget(n)
        // tell newly seen nodes what we are (a pending node elects once everyone says pending; a DC offers),
        // and ask them to say what they are: we forgot them when they were reported dead, and a node that
        // never noticed our side lose it (a partition seen from one side only) would not speak to us again
        if (arrived.length > 0) this.hello()
        this.settleLosses()
        this.updateMembers()
        break
      }
      case 'heard':
        this.lossHold?.noteHeard(e.node.toLowerCase(), e.now)
        this.settleLosses()
        this.updateMembers()
        break
      case 'message':
        this.message(e.from.toLowerCase(), e.msg)
        break
      case 'submit':
        this.submit(e.id, e.op, e.client)
        break
      case 'tick':
        this.settleLosses()
        this.updateMembers()
        this.tick()
        break
      case 'shutdown':
        // A DC leaving records itself expected down, as Pacemaker's DC does when it releases the role at
        // shutdown (do_dc_release): the next DC must see a clean leave, not a lost node to fence.
        // (A follower's is written by its DC when the follower's `leaving` arrives.)
        if (this.state === 'dc') this.dcApply({op: 'node-state', id: nodeIdOf(this.cib, this.localNode), uname: this.localNode, attributes: {expected: 'down'}}, this.localNode, 'crmd')
        this.send({crm: 'leaving'})
        this.setState('stopping')
        break
      case 'executed':
        for (const op of e.ops) this.unrecorded.set(`${e.resource.id}\0${op.id}`, {resource: e.resource, op})
        break
    }
    if (this.unrecorded.size > 0) this.forgetRecorded()
    return this.out
  }

  // ------------------------------------------------------------------ helpers

  private log(level: LogLevel, text: string): void {
    this.out.push({type: 'log', level, text, daemon: 'crmd'})
  }

  /** A line of the CIB manager's (replication, versions, syncs). */
  private cibLog(level: LogLevel, text: string): void {
    this.out.push({type: 'log', level, text, daemon: 'cib'})
  }

  private send(msg: CrmMessage, to?: string): void {
    this.out.push(to ? {type: 'send', to, msg} : {type: 'send', msg})
  }

  private creds(): Credentials {
    return {featureSet: this.config.featureSet, uptimeMs: this.clock.cpuMs, name: this.localNode}
  }

  private setState(state: CrmState, dc?: string): void {
    const previous = this.state
    if (previous === state && this.dc === dc) return
    this.state = state
    this.dc = dc
    this.out.push({type: 'state', state, previous, ...(dc ? {dc} : {})})
  }

  private persist(): void {
    this.out.push({type: 'persist', cib: cloneCib(this.cib), time: ctimeString(this.clock.now)})
  }

  private meta(origin: string, client: string): ChangeMeta {
    return {origin, client, time: ctimeString(this.clock.now)}
  }

  private dcDeadtimeMs(): number {
    return this.config.dcDeadtimeMs ?? parseInterval(clusterOption(this.cib, 'dc-deadtime')) ?? DEFAULT_DC_DEADTIME_MS
  }

  // ------------------------------------------------------------------ start, membership

  /** A node that died must speak the protocol again before it counts as a member. */
  private forget(node: string): void {
    this.peers.delete(node)
    this.leaving.delete(node)
  }

  private hello(): void {
    this.send({crm: 'announce', state: this.state, ...(this.dc ? {dc: this.dc} : {}), hello: true})
  }

  /**
   * Acts on the held losses once every member still counted was heard after they fell silent (or the
   * wait's bound passed); the caller then updates the membership: every loss of the batch in one change.
   */
  private settleLosses(): void {
    const hold = this.lossHold
    if (!hold || hold.size === 0) return
    const lost = hold.nodes()
    const doubt = hold.inDoubt(this.members.filter((n) => n !== this.localNode))
    const now = this.clock.now
    const ago = (n: string) => {
      const at = hold.lastHeard(n)
      return at === undefined ? 'never heard' : `last heard ${Math.round(now - at)} ms ago`
    }
    if (doubt.length > 0 && now < hold.deadline()) {
      const key = `${lost.join()}|${doubt.join()}`
      if (key !== this.awaited) {
        this.awaited = key
        this.log('notice', `Node ${lost.join(', ')} lost (${lost.map(ago).join(', ')}); waiting for ${doubt.join(', ')} (${doubt.map(ago).join(', ')}) before acting: ` +
          `${doubt.length > 1 ? 'they were' : 'it was'} not heard since, and may have fallen silent for the same reason (our own link)`)
      }
      return
    }
    if (doubt.length > 0) this.log('warn', `Acting on the loss of ${lost.join(', ')} although ${doubt.join(', ')} ${doubt.length > 1 ? 'were' : 'was'} neither heard nor declared dead within ${Math.round(hold.limitMs)} ms`)
    else if (this.awaited) this.log('notice', `Acting on the loss of ${lost.join(', ')}: the membership has settled`)
    this.awaited = ''
    const {revived} = hold.release()
    for (const n of lost) {
      this.forget(n)
      if (!revived.includes(n)) this.live.delete(n)
    }
    // a node heard again while its loss waited is lost and found again, as if reported so in turn
    if (revived.length > 0) this.hello()
  }

  private start(cib: Cib): void {
    this.cib = cib
    this.setState('pending')
    this.cibLog('info', `Starting CRM on ${this.localNode} with CIB ${formatVersion(cibVersion(cib))}`)
    this.dcDeadline = this.clock.now + this.dcDeadtimeMs()
    this.send({crm: 'announce', state: 'pending'})
    this.updateMembers()
  }

  private updateMembers(): void {
    const next = [this.localNode, ...this.config.nodes.filter((n) => n !== this.localNode && this.live.has(n) && this.peers.has(n) && !this.leaving.has(n))]
    // peers not in ha.cf's node list (should not happen: the messaging layer refuses them) are ignored
    const joined = next.filter((n) => !this.members.includes(n))
    const lost = this.members.filter((n) => !next.includes(n))
    if (joined.length === 0 && lost.length === 0) return
    this.members = next
    for (const n of joined) this.log('info', `Node ${n} state is now member`)
    for (const n of lost) this.log('info', `Node ${n} state is now lost`)
    this.electionActions(this.election.feed({type: 'members', members: next, now: this.clock.now, mine: this.creds()}))
    const q = this.quorum.update(next)
    if (q.changed) this.log('notice', q.state.have ? `Quorum acquired (${q.state.totalVotes} of ${q.state.expectedVotes} votes)` : `Quorum lost${q.state.waiting ? ' (waiting for all nodes: two_node/wait_for_all)' : ''} (${q.state.totalVotes} of ${q.state.expectedVotes} votes)`)
    // a DC that gains members opens the join round before it hears of the quorum: it must not schedule
    // on the new quorum with the newcomers' histories still unknown (it would start what they run)
    if (this.state === 'dc' && joined.length > 0) this.out.push({type: 'join-started'})
    if (q.changed) this.out.push({type: 'quorum', have: q.state.have})
    if (this.dc && lost.includes(this.dc) && this.dc !== this.localNode) {
      this.log('warn', `Our DC node (${this.dc}) left the cluster`)
      this.callElection('DC lost')
      return
    }
    if (this.state === 'dc') {
      for (const n of lost) {
        this.round?.remove(n)
        this.joined.delete(n)
        this.out.push({type: 'node-lost', node: n, clean: this.leftCleanly.has(n)})
        const id = nodeIdOf(this.cib, n)
        this.dcApply({op: 'node-state', id, uname: n, attributes: {in_ccm: 'false', crmd: 'offline', join: 'down'}}, this.localNode, 'crmd')
        this.dcApply({op: 'clear-transient', id}, this.localNode, 'attrd')
      }
      if (q.changed) this.dcApply({op: 'cib-attributes', attributes: {'have-quorum': q.state.have ? '1' : '0'}}, this.localNode, 'crmd')
      if (joined.length > 0) this.startJoin(`membership change: ${joined.join(', ')} joined`)
      else this.advanceJoin()
    }
    if (this.state === 'pending') this.checkAllPending()
  }

  /** hakit elects at once when every configured node is up and pending (Pacemaker waits dc-deadtime). */
  private checkAllPending(): void {
    if (this.state !== 'pending') return
    const everyone = this.config.nodes.every((n) => n === this.localNode || (this.members.includes(n) && this.peers.get(n) === 'pending'))
    if (everyone) this.callElection(this.config.nodes.length === 1 ? 'the only node' : 'every node is up and none is DC')
  }

  private tick(): void {
    if (this.state === 'pending' && this.clock.now >= this.dcDeadline) {
      this.log('info', `Election Trigger just popped | input=I_DC_TIMEOUT time=${this.dcDeadtimeMs()}ms`)
      this.callElection('dc-deadtime')
      return
    }
    this.electionActions(this.election.feed({type: 'tick', now: this.clock.now, mine: this.creds()}))
  }

  // ------------------------------------------------------------------ election

  private callElection(reason: string): void {
    this.log('info', `Calling an election (${reason})`)
    if (this.state === 'dc') this.releaseDc()
    this.setState('election')
    this.dcDeadline = Infinity
    this.electionActions(this.election.feed({type: 'call', now: this.clock.now, mine: this.creds(), reason}))
  }

  private releaseDc(): void {
    this.log('info', `Releasing DC status on ${this.localNode}`)
    this.round = undefined
    this.joined.clear()
  }

  private electionActions(actions: ElectionAction[]): void {
    for (const a of actions) {
      switch (a.type) {
        case 'vote':
          this.send({crm: 'vote', round: a.round, creds: a.creds}, a.to)
          break
        case 'no-vote':
          this.send({crm: 'no-vote', round: a.round}, a.to)
          break
        case 'won':
          this.becomeDc()
          break
        case 'lost':
          if (this.state === 'not-dc' && this.dc && a.to !== this.dc && this.members.includes(this.dc)) {
            // A vote from another node while our DC is alive: it may be a round that is already over
            // (the vote arrived late, after a heal), and waiting for its winner's offer would leave us
            // without a DC until election-timeout. The voter has our no-vote; we keep our DC. If the
            // voter does become DC, its offer meets the two-DC rule below (discard, elect).
            this.log('info', `Conceded to ${a.to}, keeping DC ${this.dc} until ${a.to} offers`)
            this.election.feed({type: 'dc-found'})
            break
          }
          if (this.state === 'dc') this.releaseDc()
          this.setState('election')
          break
        case 'log':
          this.log(a.level, a.text)
          break
      }
    }
  }

  private becomeDc(): void {
    this.log('info', `Taking over DC status for this partition`)
    this.joined.clear()
    this.setState('dc', this.localNode)
    this.startJoin('election won')
  }

  // ------------------------------------------------------------------ join (DC side)

  private startJoin(reason: string): void {
    const round = new JoinRound(++this.joinCounter, this.localNode, this.members)
    this.round = round
    this.out.push({type: 'join-started'})
    this.log('info', `Making join-${round.id} offers (${reason})`)
    for (const n of this.members) if (n !== this.localNode) this.send({crm: 'join-offer', join: round.id}, n)
    round.request(this.localNode, cibVersion(this.cib))
    this.advanceJoin()
  }

  private advanceJoin(): void {
    const round = this.round
    if (!round || this.state !== 'dc') return
    if (round.integrated()) {
      const best = round.best()
      if (best !== this.localNode) {
        round.phase = 'syncing'
        round.source = best
        this.cibLog('info', `Requested CIB version ${formatVersion(round.versions.get(best)!)} from ${best} (ours is ${formatVersion(cibVersion(this.cib))})`)
        this.send({crm: 'sync-request', join: round.id}, best)
        return
      }
      this.finalizeJoin()
      return
    }
    if (round.phase === 'finalizing' && round.confirmedAll()) {
      round.phase = 'complete'
      this.log('info', `join-${round.id} complete: ${round.nodes.size} node(s) confirmed`)
      this.out.push({type: 'dc-ready', members: [...this.members]})
    }
  }

  private finalizeJoin(): void {
    const round = this.round!
    this.cibLog('info', `Finalizing join-${round.id} for ${round.nodes.size} node(s) (sync'ing CIB ${formatVersion(cibVersion(this.cib))} from ${round.source ?? this.localNode})`)
    // the DC's own entries, written before the CIB goes out to everyone
    let configChanged = false
    const meta = this.meta(this.localNode, 'crmd')
    const takeover: CibOp[] = [
      {op: 'ensure-nodes', nodes: this.config.nodes.map((uname) => ({id: nodeIdOf(this.cib, uname), uname}))},
      // not "heartbeat": Pacemaker 2's schema refuses that value (its tools would reject the CIB)
      {op: 'set-cluster-options', options: {'dc-version': this.config.dcVersion, 'cluster-infrastructure': CLUSTER_INFRASTRUCTURE}},
      // crm_feature_set as Pacemaker 2.1.5's DC stamps it: without it Pacemaker's tools take the CIB for a
      // pre-1.1.17 one and count only per-resource fail counts (fail-count-RSC), not hakit's per-operation ones
      {op: 'cib-attributes', attributes: {crm_feature_set: CRM_FEATURE_SET, 'dc-uuid': nodeIdOf(this.cib, this.localNode), 'have-quorum': this.quorum.state.have ? '1' : '0'}},
    ]
    // nodes the CIB still shows but that are not members (lost while there was no DC, or before
    // this node's time): offline, and their transient attributes gone, as the old DC would have done
    for (const state of this.cib.status) {
      const uname = state.uname ?? state.attributes.uname ?? state.id
      if (this.members.includes(uname.toLowerCase())) continue
      takeover.push({op: 'node-state', id: state.id, uname, attributes: {in_ccm: 'false', crmd: 'offline', join: 'down'}}, {op: 'clear-transient', id: state.id})
    }
    for (const op of takeover) configChanged = applyCibOp(this.cib, op, meta).configChanged || configChanged
    if (configChanged) this.persist()
    round.phase = 'finalizing'
    this.send({crm: 'cib-full', join: round.id, xml: printCibXml(this.cib), digest: cibDigest(this.cib)})
    this.out.push({type: 'cib-changed', configChanged: true, version: cibVersion(this.cib)})
    for (const n of round.nodes.keys()) {
      round.finalize(n)
      if (n !== this.localNode) this.send({crm: 'join-ack', join: round.id}, n)
    }
    const first = !this.joinedOnce
    this.confirm(this.localNode, round.id, this.withUnrecorded(this.localHistory()), first)
    for (const held of this.heldRequests.splice(0)) this.dcApply(held.op, held.origin, held.client, held.id)
  }

  /**
   * The executor history this node reports at join: nothing the first time (this process ran
   * nothing yet; probes will find what runs), afterwards the replica's record of it.
   */
  private localHistory(): LrmResource[] {
    if (!this.joinedOnce) {
      this.joinedOnce = true
      return []
    }
    return structuredClone(this.ownState()?.lrmResources ?? [])
  }

  private ownState(): Cib['status'][number] | undefined {
    return this.cib.status.find((s) => s.id === nodeIdOf(this.cib, this.localNode))
  }

  /** Local results the replica now shows (same entry, same call) need no more reporting. */
  private forgetRecorded(): void {
    const own = this.ownState()?.lrmResources
    for (const [key, {resource, op}] of this.unrecorded) {
      const recorded = own?.find((r) => r.id === resource.id)?.operations.find((o) => o.id === op.id)
      if (recorded && recorded.attributes['call-id'] === op.attributes['call-id'] && recorded.attributes['transition-key'] === op.attributes['transition-key']) this.unrecorded.delete(key)
    }
  }

  /** A join confirmation's history: `base` with the local results no DC has recorded yet. */
  private withUnrecorded(base: LrmResource[]): LrmResource[] {
    const lrm = structuredClone(base)
    for (const {resource, op} of this.unrecorded.values()) {
      let r = lrm.find((x) => x.id === resource.id)
      if (!r) lrm.push((r = {...resource, operations: []}))
      const i = r.operations.findIndex((o) => o.id === op.id)
      if (i >= 0) r.operations[i] = structuredClone(op)
      else r.operations.push(structuredClone(op))
    }
    return lrm
  }

  private confirm(node: string, join: number, lrm: LrmResource[], first: boolean): void {
    const round = this.round
    if (!round || round.id !== join || !round.confirm(node)) return
    const id = nodeIdOf(this.cib, node)
    if (first && this.joined.has(node)) {
      // it restarted faster than anyone noticed: a new node to the controller, its attributes gone
      this.joined.delete(node)
      this.dcApply({op: 'clear-transient', id}, this.localNode, 'crmd')
    }
    // A node that joined under this DC re-confirms with what its replica showed at the offer, which can
    // lag the DC: results recorded while the round was open would be lost, and the controller (told only
    // of new joins) would no longer agree with the CIB. The DC's record of it stays.
    if (!this.joined.has(node)) this.dcApply({op: 'node-lrm', id, uname: node, lrm}, this.localNode, 'crmd')
    this.dcApply({op: 'node-state', id, uname: node, attributes: {in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member'}}, this.localNode, 'crmd')
    if (!this.joined.has(node)) {
      this.joined.add(node)
      this.out.push({type: 'node-joined', node, lrm})
    }
    this.advanceJoin()
  }

  // ------------------------------------------------------------------ replication

  /** DC: apply a change, persist it if it is configuration, broadcast it, answer the requester. */
  private dcApply(op: CibOp, origin: string, client: string, id?: string): void {
    if (this.round?.phase === 'syncing') {
      this.heldRequests.push({op, origin, client, id})
      return
    }
    const from = cibVersion(this.cib)
    let result
    try {
      result = applyCibOp(this.cib, op, this.meta(origin, client))
    } catch (error) {
      const message = (error as Error).message
      this.cibLog('warn', `Rejected ${op.op} from ${origin}/${client}: ${message}`)
      if (id) this.answer(origin, id, false, message)
      return
    }
    if (!result.changed) {
      if (id) this.answer(origin, id, true)
      return
    }
    const to = cibVersion(this.cib)
    if (result.configChanged) this.persist()
    this.cibLog('debug', `Completed ${op.op} from ${origin}/${client}: version=${formatVersion(to)}`)
    this.send({crm: 'cib-update', from, to, op, meta: this.meta(origin, client), digest: cibDigest(this.cib), ...(id ? {origin, id} : {})})
    this.out.push({type: 'cib-changed', configChanged: result.configChanged, version: to, change: {from, op, meta: this.meta(origin, client)}})
    if (op.op === 'lrm-delete') this.out.push({type: 'history-deleted', nodeId: op.id, rscId: op.resource})
    if (id && origin === this.localNode) this.out.push({type: 'reply', id, ok: true, version: to})
  }

  private answer(origin: string, id: string, ok: boolean, error?: string): void {
    if (origin === this.localNode) this.out.push({type: 'reply', id, ok, ...(error ? {error} : {}), version: cibVersion(this.cib)})
    else this.send({crm: 'cib-reply', id, ok, ...(error ? {error} : {})}, origin)
  }

  private submit(id: string, op: CibOp, client: string): void {
    if (this.state === 'dc') {
      this.dcApply(op, this.localNode, client, id)
      return
    }
    this.pending.set(id, {op, client})
    if (this.state === 'not-dc' && this.dc) this.send({crm: 'cib-request', id, op, client}, this.dc)
  }

  private applyUpdate(from: string, msg: Extract<CrmMessage, {crm: 'cib-update'}>): void {
    const mine = cibVersion(this.cib)
    if (compareVersions(mine, msg.to) >= 0) {
      this.resolvePending(msg.origin, msg.id)
      return
    }
    if (compareVersions(mine, msg.from) !== 0) {
      this.cibLog('warn', `Update ${formatVersion(msg.from)} -> ${formatVersion(msg.to)} does not apply to our ${formatVersion(mine)}: requesting the CIB from ${from}`)
      this.send({crm: 'resync-request', version: mine}, from)
      return
    }
    let configChanged = false
    try {
      configChanged = applyCibOp(this.cib, msg.op, msg.meta).configChanged
    } catch (error) {
      this.cibLog('warn', `Cannot apply ${msg.op.op} from ${from}: ${(error as Error).message}: requesting the CIB`)
      this.send({crm: 'resync-request', version: mine}, from)
      return
    }
    setCibVersion(this.cib, msg.to)
    if (cibDigest(this.cib) !== msg.digest) {
      this.cibLog('warn', `Local CIB ${formatVersion(msg.to)} differs from ${from}'s: requesting a full copy`)
      this.send({crm: 'resync-request', version: msg.from}, from)
    }
    if (configChanged) this.persist()
    this.out.push({type: 'cib-changed', configChanged, version: msg.to, change: {from: msg.from, op: msg.op, meta: msg.meta}})
    this.resolvePending(msg.origin, msg.id)
  }

  private resolvePending(origin: string | undefined, id: string | undefined): void {
    if (origin !== this.localNode || !id || !this.pending.delete(id)) return
    this.out.push({type: 'reply', id, ok: true, version: cibVersion(this.cib)})
  }

  /** A whole CIB from the DC. Never replaces a newer one: then we ask for a new join round instead. */
  private takeFull(from: string, xml: string, digest: string): void {
    let incoming: Cib
    try {
      incoming = parseCibXml(xml, `CIB from ${from}`)
    } catch (error) {
      this.cibLog('error', `Unusable CIB from ${from}: ${(error as Error).message}`)
      return
    }
    const mine = cibVersion(this.cib)
    const theirs = cibVersion(incoming)
    if (compareVersions(theirs, mine) < 0) {
      this.cibLog('warn', `Not replacing our CIB ${formatVersion(mine)} with the older ${formatVersion(theirs)} from ${from}: asking for a new join`)
      this.send({crm: 'announce', state: 'pending'})
      return
    }
    const configBefore = printCibXml({...this.cib, status: []})
    this.cib = incoming
    this.synced = true
    if (cibDigest(this.cib) !== digest) this.cibLog('warn', `CIB ${formatVersion(theirs)} from ${from} arrived with a different digest`)
    const configChanged = printCibXml({...this.cib, status: []}) !== configBefore
    if (compareVersions(theirs, mine) !== 0) this.cibLog('info', `Replaced ${formatVersion(mine)} with ${formatVersion(theirs)} from ${from}`)
    if (configChanged) this.persist()
    this.out.push({type: 'cib-changed', configChanged, version: theirs})
  }

  // ------------------------------------------------------------------ messages

  private message(from: string, msg: CrmMessage): void {
    if (from === this.localNode) return
    if (!this.config.nodes.includes(from)) return
    if (this.lossHold) {
      // a member the held losses wait for may have just spoken
      this.lossHold.noteHeard(from, this.clock.now)
      this.lossHold.revive(from)
      if (this.lossHold.size > 0) {
        this.settleLosses()
        this.updateMembers()
      }
    }
    // a node we hear from is alive, even if the messaging layer has not reported it up yet;
    // like any newly seen node it learns our state
    if (!this.live.has(from)) {
      this.live.add(from)
      this.send({crm: 'announce', state: this.state, ...(this.dc ? {dc: this.dc} : {})})
    }
    const known = this.peers.has(from)
    if (msg.crm === 'announce') {
      const previous = this.peers.get(from)
      this.leftCleanly.delete(from)
      this.peers.set(from, msg.state)
      if (this.leaving.delete(from) || !known) this.updateMembers()
      this.onAnnounce(from, msg, previous)
      return
    }
    if (!known) {
      this.peers.set(from, 'unknown')
      this.updateMembers()
    }
    switch (msg.crm) {
      case 'leaving':
        this.onLeaving(from)
        return
      case 'vote':
        this.electionActions(this.election.feed({type: 'vote', from, round: msg.round, creds: msg.creds, now: this.clock.now, mine: this.creds()}))
        return
      case 'no-vote':
        this.electionActions(this.election.feed({type: 'no-vote', from, round: msg.round}))
        return
      case 'join-offer':
        this.onOffer(from, msg.join)
        return
      case 'join-request':
        if (this.state === 'dc' && this.round?.id === msg.join && this.round.request(from, msg.version)) this.advanceJoin()
        return
      case 'sync-request':
        if (from === this.dc) this.send({crm: 'sync-reply', join: msg.join, xml: printCibXml(this.cib)}, from)
        return
      case 'sync-reply':
        this.onSyncReply(from, msg.join, msg.xml)
        return
      case 'cib-full':
        if (from === this.dc && this.state !== 'dc') this.takeFull(from, msg.xml, msg.digest)
        return
      case 'join-ack':
        if (from !== this.dc) return
        {
          const snapshot = this.offerHistory
          const current = snapshot && snapshot.join === msg.join && snapshot.dc === from ? snapshot : {first: !this.joinedOnce, lrm: this.localHistory()}
          this.send({crm: 'join-confirm', join: msg.join, lrm: this.withUnrecorded(current.lrm), ...(current.first ? {first: true as const} : {})}, from)
        }
        for (const [id, p] of this.pending) this.send({crm: 'cib-request', id, op: p.op, client: p.client}, from)
        return
      case 'join-confirm':
        if (this.state === 'dc') this.confirm(from, msg.join, msg.lrm, msg.first === true)
        return
      case 'cib-request':
        if (this.state === 'dc') this.dcApply(msg.op, from, msg.client, msg.id)
        else this.send({crm: 'cib-reply', id: msg.id, ok: false, error: `${this.localNode} is not the DC`}, from)
        return
      case 'cib-update':
        if (from === this.dc && this.state !== 'dc' && this.synced) this.applyUpdate(from, msg)
        return
      case 'cib-reply':
        if (this.pending.delete(msg.id)) this.out.push({type: 'reply', id: msg.id, ok: msg.ok, ...(msg.error ? {error: msg.error} : {})})
        return
      case 'resync-request':
        if (this.state === 'dc') {
          this.cibLog('info', `Sending the whole CIB ${formatVersion(cibVersion(this.cib))} to ${from} (it has ${formatVersion(msg.version)})`)
          this.send({crm: 'cib-full', xml: printCibXml(this.cib), digest: cibDigest(this.cib)}, from)
        }
        return
      case 'controller':
        return
    }
  }

  private onAnnounce(from: string, msg: Extract<CrmMessage, {crm: 'announce'}>, previous: CrmState | 'unknown' | undefined): void {
    const restarted = msg.state === 'pending' && previous !== undefined && previous !== 'pending' && previous !== 'starting'
    // a node that starts (or restarts faster than the messaging layer noticed) learns who is here
    // (two pending nodes answer each other once: no reply to a pending node already known as pending),
    // and so does a node that asks (hello)
    const answer = msg.hello || (msg.state === 'pending' && !(this.state === 'pending' && previous === 'pending'))
    if (answer) this.send({crm: 'announce', state: this.state, ...(this.dc ? {dc: this.dc} : {})}, from)
    if (from === this.dc && restarted) {
      this.log('warn', `Our DC node (${from}) restarted`)
      this.callElection('DC restarted')
      return
    }
    if (this.state === 'dc') {
      if (msg.state === 'dc') {
        this.log('warn', `Another DC detected: ${from}`)
        this.callElection('two DCs')
        return
      }
      if (msg.state === 'pending' && this.members.includes(from)) {
        if (restarted) {
          this.joined.delete(from)
          this.dcApply({op: 'clear-transient', id: nodeIdOf(this.cib, from)}, this.localNode, 'attrd')
        }
        this.startJoin(`${from} is pending`)
      }
      return
    }
    if (this.state === 'pending') this.checkAllPending()
  }

  private onLeaving(from: string): void {
    this.log('info', `Node ${from} is leaving the cluster (shutdown)`)
    this.leaving.add(from)
    this.leftCleanly.add(from)
    // the controller hears of the loss before any CIB change about the node: a change first would have it
    // schedule with the leaving node still a member (its attributes already dropped) and move things back there
    this.updateMembers()
    if (this.state === 'dc') this.dcApply({op: 'node-state', id: nodeIdOf(this.cib, from), uname: from, attributes: {expected: 'down'}}, this.localNode, 'crmd')
  }

  private onOffer(from: string, join: number): void {
    if (this.state === 'dc') {
      this.log('warn', `Another DC detected: ${from} (join-${join} offer)`)
      this.callElection('two DCs')
      return
    }
    if (this.election.phase === 'candidate') {
      // An offer sent before its sender saw our vote (two DCs merging after one missed the other's
      // heartbeats). Taking it would drop our candidacy while the sender concedes to us: no DC at all
      // until election-timeout. Our vote decides: the sender concedes, or out-votes us and offers again.
      this.log('info', `Ignoring join-${join} offer from ${from}: our election round ${this.election.round} is open`)
      return
    }
    if (this.state === 'not-dc' && this.dc && this.dc !== from && this.members.includes(this.dc)) {
      // Two nodes act as our DC (a heal). Taking the offer would move us between DCs (Pacemaker discards
      // it); only discarding it can leave us bound to a DC that has since lost an election we missed.
      // An election settles it: every member votes, and the winner's offer is the one we take.
      this.log('warn', `Discarding join-${join} offer from ${from} (our DC is ${this.dc}): calling an election`)
      this.callElection('join offer from a second DC')
      return
    }
    if (this.dc !== from) {
      this.log('info', `Set DC to ${from}`)
      this.synced = false
    }
    this.electionActions(this.election.feed({type: 'dc-found'}))
    this.setState('not-dc', from)
    const first = !this.joinedOnce
    this.offerHistory = {join, dc: from, lrm: this.localHistory(), first}
    this.send({crm: 'join-request', join, version: cibVersion(this.cib)}, from)
  }

  private onSyncReply(from: string, join: number, xml: string): void {
    const round = this.round
    if (this.state !== 'dc' || !round || round.id !== join || round.phase !== 'syncing' || round.source !== from) return
    let incoming: Cib
    try {
      incoming = parseCibXml(xml, `CIB from ${from}`)
    } catch (error) {
      this.cibLog('error', `Unusable CIB from ${from}: ${(error as Error).message}; keeping ours`)
      this.finalizeJoin()
      return
    }
    const mine = cibVersion(this.cib)
    const theirs = cibVersion(incoming)
    if (compareVersions(theirs, mine) > 0) {
      this.cibLog('info', `Replaced ${formatVersion(mine)} with ${formatVersion(theirs)} from ${from}`)
      // the status is the DC's: every member re-confirms its history in this round
      this.cib = {...incoming, status: this.cib.status}
      this.persist()
    }
    this.finalizeJoin()
  }
}
