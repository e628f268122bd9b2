/**
 * Heartbeat-compatible membership: sends our status every keepalive on every
 * medium, tracks every node's packets (sequence numbers, generations,
 * retransmissions, ACKs), declares nodes and links dead after their dead
 * time, and brings communications up (init → up → active) like Heartbeat
 * 3.0.6. Other subsystems subscribe to its events and send messages with
 * `send()`.
 *
 * Timing uses the monotonic clock (performance.now). A node found silent is
 * only declared dead after one more pass of the event loop's I/O phase
 * (setImmediate), so packets that queued up while this process was stalled
 * (a loaded machine) are read before any verdict.
 */
import {EventEmitter} from 'node:events'
import {readFileSync} from 'node:fs'
import {performance} from 'node:perf_hooks'
import {openPacket, signClassic, signNetstring, type Rejection} from '../messaging/auth.js'
import {type Logger, type MessagingConfig, resolveTimings, type ResolvedTimings} from '../messaging/config.js'
import {expandCompressed} from '../messaging/codec.js'
import {hex, HbMessage, parseDecimal, parseHex} from '../messaging/message.js'
import type {Medium, OutboundPacket} from '../messaging/media/medium.js'
import {PingMedium} from '../messaging/media/ping.js'
import {SerialMedium} from '../messaging/media/serial.js'
import {UdpMedium} from '../messaging/media/udp.js'
import {loadOrCreateUuid, nextGeneration} from './generation.js'

/** Unauthenticated text for a log line: no control characters (no forged extra lines). */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?')
}

/**
 * What a packet says, identified at no cost by a signature it already carries: the inner `auth`
 * field (an HMAC of the fields, the same on a UDP medium and a serial line), else the netstring
 * trailer's digest. Two identities can be compared only when they are of the same kind.
 */
interface PacketIdentity {
  kind: 'inner' | 'outer' | 'none'
  digest: string
}

function differentPackets(a: PacketIdentity, b: PacketIdentity): boolean {
  return a.kind !== 'none' && a.kind === b.kind && a.digest !== b.digest
}

/** How many recent sequence numbers per node remember when they were first seen. */
const RECENT_SEQS = 256

export type NodeStatus = 'init' | 'up' | 'active' | 'dead' | 'ping'
export type LinkStatus = 'up' | 'dead'
export type NodeType = 'normal' | 'ping'

export interface LinkState {
  name: string
  status: LinkStatus
  lastHeard: number
}

interface PeerState {
  name: string
  type: NodeType
  status: NodeStatus
  /** Monotonic ms of the last accepted packet; undefined = never heard. */
  lastHeard?: number
  lastStatusAt?: number
  /** Advertised `dt` (ms). */
  deadtimeMs?: number
  generation?: number
  lastSeq?: number
  /** Highest seq seen in the current generation; survives a death so old packets cannot revive the node. */
  highestSeq?: number
  lastStatusSeq?: number
  missing: Map<number, NodeJS.Timeout>
  uuid?: Buffer
  links: LinkState[]
  ackTrigger: number
  /** Highest seq of ours this node acknowledged. */
  ackedSeq: number
  protocol: boolean
  /** Highest `ts` seen (seconds), to refuse stale NS_ replays. */
  lastTs: number
  /**
   * Each recent sequence number: when it was first accepted (a copy within 2 keepalives is a
   * duplicate from another medium, later a replay) and what that packet said.
   */
  firstSeen: Map<number, {at: number; identity: PacketIdentity}>
  /** Monotonic ms of its `shutdone`, while it has not died or restarted since. */
  noticeAt?: number
}

export interface MessageInfo {
  from: string
  link?: string
  /** Our own message, delivered back locally (Heartbeat processes its own messages too). */
  self?: boolean
}

export type RejectReason = Rejection | 'missing-fields' | 'unknown-node' | 'replay' | 'duplicate' | 'not-for-us' | 'stale-generation' | 'dead-node'

/**
 * The counters of dropped packets, one per reason an admin needs to tell apart
 * (`stats.rejected`, `hakit status`). Every received packet that is not accepted
 * lands in exactly one.
 */
export const REJECT_COUNTERS = [
  'malformed', // not a Heartbeat message, truncated, unsupported, required fields missing
  'oversized', // over 256 KiB, too many fields, a compressed payload that expands too far
  'no-signature',
  'bad-signature',
  'unknown-key', // names a key index we do not have
  'weak-method', // crc-signed while our method is not crc
  'replay', // an old packet of a live node, seen before
  'duplicate', // the same packet again within 2 keepalives (normal with several media)
  'stale-generation', // from an older generation of the sender (before its restart)
  'dead-node', // from a node declared dead that it cannot bring back (old, duplicate or unsequenced)
  'unknown-node', // signed correctly but from a node not in ha.cf
  'not-for-us', // addressed to another node
] as const
export type RejectCounter = (typeof REJECT_COUNTERS)[number]

/** The counter a rejection reason is counted under. */
export function rejectCounter(reason: RejectReason): RejectCounter {
  return reason === 'truncated' || reason === 'unsupported' || reason === 'missing-fields' ? 'malformed' : reason
}

export interface ClusterStats {
  sent: number
  received: number
  accepted: number
  /** Dropped packets per counter (REJECT_COUNTERS, all present); see `rejectCounter`. */
  rejected: Record<string, number>
  retransmitted: number
  rexmitRequests: number
}

/**
 * Events:
 *  'node-status'  ({node, status, previous})   every change
 *  'node-up' / 'node-active' / 'node-dead'  ({node})
 *  'link-status'  ({node, link, status})
 *  'message'      (msg: HbMessage, info: MessageInfo)    every accepted message, NS_* control types excluded
 *  'message:<t>'  (msg, info)                            the same, per type (e.g. 'message:ip-request')
 *  'comms-up'     ()
 *  'shutdown-notice' ({node})                            a peer sent `shutdone`
 *  'shutdown-notice-contradicted' ({node})               …and was still heard a dead time later (the notice was forged)
 *  'node-restart' ({node, generation})
 *  'partition-healed' ({node})
 *  'late-heartbeat' ({node, intervalMs, critical})
 *  'rejected'     ({reason, counter, detail, from})          every dropped packet (`counter`: its stats.rejected key)
 */
export class HeartbeatCluster extends EventEmitter {
  readonly timings: ResolvedTimings
  readonly nodeName: string
  generation = 0
  uuid: Buffer = Buffer.alloc(16)
  localStatus: NodeStatus = 'init'
  commsUp = false
  private readonly testLossCredit = {rcv: 0, xmit: 0}
  readonly stats: ClusterStats = {sent: 0, received: 0, accepted: 0, rejected: Object.fromEntries(REJECT_COUNTERS.map((c) => [c, 0])), retransmitted: 0, rexmitRequests: 0}

  private readonly peers = new Map<string, PeerState>()
  private readonly media: Medium[] = []
  private readonly pings: PingMedium[] = []
  /** Index into a normal node's `links` for each medium. */
  private readonly linkOfMedium: number[]
  private seq = 0
  /** Sent sequenced packets (500 kept) and when each was last RE-sent: the first retransmission is never held back, as in Heartbeat. */
  private readonly history = new Map<number, {packet: OutboundPacket; lastRetransmit: number}>()
  private timers: NodeJS.Timeout[] = []
  private keepaliveTimer?: NodeJS.Timeout
  private nextKeepaliveAt = 0
  private startedAt = 0
  /** when the dead check last ran, and until when a stall of our own suspends death verdicts */
  private lastDeadCheckAt = 0
  private stallGraceUntil = 0
  private bumpUntil = 0
  private reqnodesTarget?: string
  private lastReqnodesAt = 0
  private running = false
  private readonly log: Logger
  private lastBadLogAt = -Infinity
  private suppressedBadLogs = 0
  private loadavgCache = {at: 0, text: 'n/a'}

  constructor(
    readonly config: MessagingConfig,
    log?: Logger,
  ) {
    super()
    this.timings = resolveTimings(config)
    const t = this.timings
    if (!(t.keepaliveMs > 0)) throw new Error(`keepalive must be > 0 (got ${t.keepaliveMs} ms)`)
    if (!(t.deadtimeMs > 2 * t.keepaliveMs)) throw new Error(`Dead time [${t.deadtimeMs}] is too small compared to keeplive [${t.keepaliveMs}]`)
    if (t.initdeadMs < t.deadtimeMs) throw new Error(`Initial dead time [${t.initdeadMs}] is smaller than deadtime [${t.deadtimeMs}]`)
    if (!config.auth.keys.has(config.auth.activeIndex)) throw new Error(`Auth Key [${config.auth.activeIndex}] not found`)
    this.nodeName = config.nodeName.toLowerCase()
    this.log = log ?? (() => {})
    // Heartbeat names a link after the interface (or tty): media on the same interface share one link
    const mediaNames = config.media.map((m) => (m.kind === 'serial' ? m.device : m.iface))
    const linkNames = [...new Set(mediaNames)]
    this.linkOfMedium = mediaNames.map((n) => linkNames.indexOf(n))
    for (const n of config.nodes) this.addPeer(n.toLowerCase(), 'normal', linkNames)
    for (const p of config.pingNodes ?? []) this.addPeer(p, 'ping', [p])
    for (const g of config.pingGroups ?? []) this.addPeer(g.name, 'ping', [g.name])
    if (!this.peers.has(this.nodeName)) throw new Error(`Current node [${this.nodeName}] not in configuration!`)
  }

  private addPeer(name: string, type: NodeType, links: string[]): void {
    this.peers.set(name, {
      name,
      type,
      status: 'init',
      missing: new Map(),
      links: links.map((l) => ({name: l, status: 'dead', lastHeard: 0})),
      ackTrigger: Math.floor(Math.random() * 10),
      ackedSeq: 0,
      protocol: true,
      lastTs: 0,
      firstSeen: new Map(),
    })
  }

  // ------------------------------------------------------------ lifecycle

  async start(): Promise<void> {
    const c = this.config
    const gen = await nextGeneration(c.stateDir, c.hbGenMethod)
    if (gen.fresh) this.log('warn', `No Previous generation - starting at ${gen.generation}`)
    this.generation = gen.generation
    this.log('info', `Heartbeat generation: ${this.generation}`)
    this.uuid = await loadOrCreateUuid(c.stateDir)
    for (const m of c.media) {
      const medium: Medium = m.kind === 'serial' ? new SerialMedium(m.device, m.baud) : new UdpMedium(m, c.udpPort ?? 694)
      const index = this.media.length
      medium.on('packet', (buf: Buffer) => this.receive(buf, index))
      medium.on('error', (e: Error) => this.log('error', `${medium.describe()}: ${e.message}`))
      medium.on('write-error', (e: Error, n: number) => {
        this.log('error', `write_child: write failure on ${medium.kind} ${medium.name}.: ${e.message}`)
        if (n === 10) this.log('warn', `Temporarily Suppressing write error messages`)
      })
      await medium.start()
      this.log('info', `${medium.describe()} started`)
      this.media.push(medium)
    }
    for (const node of [...(c.pingNodes ?? []).map((h) => ({name: h, hosts: [h]})), ...(c.pingGroups ?? [])]) {
      const p = new PingMedium(node.name, node.hosts, this.timings.keepaliveMs)
      p.on('reply', () => this.pingReply(node.name))
      p.on('error', (e: Error) => this.log('error', `ping ${node.name}: ${e.message}`))
      p.start()
      this.pings.push(p)
    }
    this.running = true
    const now = performance.now()
    this.startedAt = now
    this.bumpUntil = now + 5000
    this.peers.get(this.nodeName)!.lastHeard = now
    this.sendStatus()
    this.setLocalStatus('up')
    this.nextKeepaliveAt = now + this.timings.keepaliveMs
    this.scheduleKeepalive()
    // Heartbeat checks every 250 ms, which declares a peer dead up to 250 ms after its dead time;
    // Corosync's token timer is exact. Every 50 ms (a tenth of sub-second dead times) keeps the lag small.
    const shortest = Math.min(this.timings.deadtimeMs, this.timings.deadpingMs)
    const checkMs = Math.max(10, Math.min(50, Math.floor(shortest / 10)))
    this.lastDeadCheckAt = now
    this.timers.push(setInterval(() => this.deadCheck(), checkMs))
  }

  /** Stops timers and closes media. Send `sendShutdownNotice()` first for a graceful exit. */
  async stop(): Promise<void> {
    this.running = false
    if (this.keepaliveTimer) clearTimeout(this.keepaliveTimer)
    for (const t of this.timers) clearInterval(t)
    this.timers = []
    for (const p of this.peers.values()) for (const t of p.missing.values()) clearTimeout(t)
    for (const p of this.pings) p.close()
    await Promise.all(this.media.map((m) => m.close()))
    this.media.length = 0
  }

  /** `t=shutdone st=dead`: tells peers we released our resources and are leaving. */
  sendShutdownNotice(): number {
    return this.send(new HbMessage({t: 'shutdone', st: 'dead'}))
  }

  // ------------------------------------------------------------ queries

  nodeStatus(name: string): NodeStatus | undefined {
    if (name.toLowerCase() === this.nodeName) return this.localStatus
    return this.peers.get(name.toLowerCase())?.status ?? this.peers.get(name)?.status
  }

  nodeType(name: string): NodeType | undefined {
    return this.peers.get(name.toLowerCase())?.type ?? this.peers.get(name)?.type
  }

  /** All nodes in configuration order: normal nodes, then ping nodes. */
  nodeNames(): string[] {
    return [...this.peers.keys()]
  }

  links(name: string): LinkState[] {
    return (this.peers.get(name.toLowerCase()) ?? this.peers.get(name))?.links.map((l) => ({...l})) ?? []
  }

  /** When a packet from a node was last accepted (performance.now() ms); undefined = never heard. */
  lastHeardAt(name: string): number | undefined {
    return (this.peers.get(name.toLowerCase()) ?? this.peers.get(name))?.lastHeard
  }

  /** The dead interval currently applied to a node (ms). */
  deadIntervalFor(name: string): number {
    const p = this.peers.get(name)
    if (!p) return this.timings.deadtimeMs
    return this.deadInterval(p)
  }

  // ------------------------------------------------------------ sending

  private loadavg(): string {
    const now = performance.now()
    if (now - this.loadavgCache.at > 1000) {
      try {
        this.loadavgCache = {at: now, text: readFileSync('/proc/loadavg', 'latin1').split('\n')[0]!.trim()}
      } catch {
        this.loadavgCache = {at: now, text: 'n/a'}
      }
    }
    return this.loadavgCache.text
  }

  /**
   * Sends a message to the cluster (all media): adds Heartbeat's control
   * fields (destuuid, src, srcuuid, seq, hg, ts, ld, ttl, auth) and signs it.
   * Returns the sequence number (0 for NS_* types).
   */
  send(input: HbMessage | Record<string, string>): number {
    const msg = input instanceof HbMessage ? input.clone() : new HbMessage(input)
    const type = msg.type
    if (!type) throw new Error('message without t=')
    const noSeq = type.startsWith('NS_')
    const setOnce = (name: string, value: string | Buffer, t: 0 | 1 = 0): void => {
      if (!(noSeq && msg.has(name))) msg.set(name, value, t)
    }
    const dest = msg.get('dest')
    const destUuid = dest ? this.peers.get(dest.toLowerCase())?.uuid : undefined
    if (destUuid) msg.set('destuuid', destUuid, 1)
    setOnce('src', this.nodeName)
    setOnce('srcuuid', this.uuid, 1)
    let seq = 0
    if (!noSeq) {
      seq = ++this.seq
      msg.set('seq', hex(seq))
    }
    setOnce('hg', hex(this.generation))
    setOnce('ts', hex(Date.now() / 1000))
    if (!noSeq) msg.set('ld', this.loadavg())
    setOnce('ttl', String((this.config.hopfudge ?? 1) + this.peers.size))
    const netstring = signNetstring(msg, this.config.auth, {innerAuth: this.config.msgfmt !== 'netstring'})
    const packet: OutboundPacket = {netstring, classic: () => signClassic(msg.clone(), this.config.auth)}
    if (!noSeq) {
      this.history.set(seq, {packet, lastRetransmit: -Infinity})
      if (this.history.size > 500) this.history.delete(this.history.keys().next().value!)
    }
    this.transmit(packet)
    if (!noSeq && type !== 'status') {
      const info: MessageInfo = {from: this.nodeName, self: true}
      queueMicrotask(() => this.deliver(msg, info))
    }
    return seq
  }

  private transmit(packet: OutboundPacket, retransmission = false): void {
    if (!this.running) return
    this.stats.sent++
    if (this.testDrop('xmit', retransmission)) return
    for (const m of this.media) m.send(packet)
  }

  /**
   * Test-only packet loss (config.testLoss): random like Heartbeat's OnlyForTesting, or 'even': exactly that
   * share of packets, evenly spread (0.25 → every 4th), retransmissions spared, so every run loses the same.
   */
  private testDrop(direction: 'rcv' | 'xmit', retransmission = false): boolean {
    const rate = this.config.testLoss?.[direction]
    if (!rate) return false
    if (this.config.testLoss!.pattern !== 'even') return Math.random() < rate
    if (retransmission) return false
    this.testLossCredit[direction] += rate
    if (this.testLossCredit[direction] < 1 - 1e-9) return false
    this.testLossCredit[direction] -= 1
    return true
  }

  private advertisedDeadtime(): number {
    return this.timings.deadtimeMs + (performance.now() < this.bumpUntil ? (this.config.startupDeadtimeBumpMs ?? 2000) : 0)
  }

  private sendStatus(): void {
    const st = this.localStatus === 'dead' ? 'active' : this.localStatus
    this.send(new HbMessage([['t', 'status'], ['st', st], ['dt', hex(this.advertisedDeadtime())], ['protocol', '1']]))
  }

  private scheduleKeepalive(): void {
    if (!this.running) return
    const delay = Math.max(0, this.nextKeepaliveAt - performance.now())
    this.keepaliveTimer = setTimeout(() => {
      if (!this.running) return
      this.sendStatus()
      const now = performance.now()
      // when we were late, send on time from now on rather than in a burst
      this.nextKeepaliveAt = Math.max(this.nextKeepaliveAt + this.timings.keepaliveMs, now + this.timings.keepaliveMs / 2)
      this.scheduleKeepalive()
    }, delay)
  }

  setLocalStatus(status: 'up' | 'active'): void {
    if (this.localStatus === status) return
    const previous = this.localStatus
    this.localStatus = status
    this.peers.get(this.nodeName)!.status = status
    this.log('info', `Local status now set to: '${status}'`)
    this.emit('node-status', {node: this.nodeName, status, previous})
    if (this.running) this.sendStatus()
  }

  // ------------------------------------------------------------ receiving

  private reject(reason: RejectReason, detail: string, from = '?'): void {
    const counter = rejectCounter(reason)
    this.stats.rejected[counter] = (this.stats.rejected[counter] ?? 0) + 1
    this.emit('rejected', {reason, counter, detail, from})
    // duplicates are normal with several media, and packets for another node with broadcast media
    if (reason === 'duplicate' || reason === 'not-for-us' || this.config.logBadPackets === false) return
    // rate limit: at most one line per second, with a count of what was skipped
    const now = performance.now()
    if (now - this.lastBadLogAt < 1000) {
      this.suppressedBadLogs++
      return
    }
    const skipped = this.suppressedBadLogs ? ` (${this.suppressedBadLogs} more suppressed)` : ''
    this.lastBadLogAt = now
    this.suppressedBadLogs = 0
    this.log('error', `dropped packet from ${from}: ${reason}: ${detail}${skipped}`)
  }

  /** One raw packet from medium `mediumIndex`. Never throws. */
  receive(buf: Buffer, mediumIndex: number): void {
    if (this.testDrop('rcv')) return
    try {
      this.receiveUnsafe(buf, mediumIndex)
    } catch (error) {
      this.reject('malformed', `internal: ${(error as Error).message}`)
    }
  }

  private receiveUnsafe(buf: Buffer, mediumIndex: number): void {
    this.stats.received++
    const opened = openPacket(buf, this.config.auth)
    // the claimed sender is unauthenticated, but tells an admin which node (or impostor) to look at
    if (!opened.ok) return this.reject(opened.reason, opened.detail, opened.claimedSrc === undefined ? '?' : `${printable(opened.claimedSrc.slice(0, 64))}?`)
    let msg = opened.packet.msg
    try {
      msg = expandCompressed(msg)
    } catch (error) {
      const e = error as {kind?: RejectReason; message: string}
      return this.reject(e.kind ?? 'malformed', e.message)
    }
    const type = msg.type
    const src = msg.get('src')?.toLowerCase()
    const ts = parseHex(msg.get('ts'))
    if (!type || !src || msg.get('ts') === undefined) return this.reject('missing-fields', 'process_clustermsg: missing from/ts/type', src)
    if (!ts) return this.reject('missing-fields', 'bad ts', src)
    const noSeq = type.startsWith('NS_')
    const seq = parseHex(msg.get('seq'))
    if (!noSeq && seq === undefined) return this.reject('missing-fields', 'missing or bad seqno', src)
    const gen = parseHex(msg.get('hg'))
    if (gen === undefined) return this.reject('missing-fields', 'missing or bad hg', src)

    const peer = this.peers.get(src)
    if (!peer || peer.type !== 'normal') return this.reject('unknown-node', `bad node [${src}] in message`, src)
    const now = performance.now()
    const linkName = this.media[mediumIndex]?.name

    if (src === this.nodeName) {
      // our own broadcast/multicast coming back: it only proves the link works
      if (gen === this.generation && linkName) this.refreshLink(peer, this.linkOfMedium[mediumIndex]!, now)
      return
    }
    const dest = msg.get('dest')?.toLowerCase()
    const uuid = msg.getBinary('srcuuid')
    if (uuid?.length === 16) peer.uuid = Buffer.from(uuid)

    if (noSeq) {
      if (peer.generation !== undefined && gen < peer.generation) return this.reject('stale-generation', `NS message with old generation ${gen} < ${peer.generation}`, src)
      if (ts + 60 < peer.lastTs) return this.reject('replay', `stale NS message ts ${ts}`, src)
      if (dest && dest !== this.nodeName) return this.reject('not-for-us', `dest ${dest}`, src)
      // unsequenced packets cannot be told from replays: they never revive a dead node, nor act for it
      if (peer.status === 'dead') return this.reject('dead-node', `${type} from a dead node`, src)
      this.stats.accepted++
      this.alive(peer, mediumIndex, now)
      this.handleControl(msg, peer, type)
      return
    }

    // sequenced message: generation / replay / order filter
    if (peer.generation !== undefined && gen < peer.generation) {
      return this.reject('stale-generation', `should_drop_message: attempted replay attack [${src}]? [gen = ${gen}, curgen = ${peer.generation}]`, src)
    }
    if (peer.generation === undefined || gen > peer.generation) {
      if (peer.generation !== undefined) {
        this.log('info', `Heartbeat restart on node ${src}`)
        this.emit('node-restart', {node: src, generation: gen})
      }
      peer.generation = gen
      this.resetTracking(peer)
    } else if (peer.status === 'dead' && type === 'status') {
      if (peer.lastStatusSeq !== undefined && seq! <= peer.lastStatusSeq) return this.reject('dead-node', 'stale status of a dead node', src)
      if (peer.lastStatusSeq !== undefined) {
        this.log('crit', `Cluster node ${src} returning after partition.`)
        this.emit('partition-healed', {node: src})
      }
    }
    const inner = opened.packet.msg.get('auth')
    const trailer = opened.packet.trailer
    const identity: PacketIdentity = inner !== undefined ? {kind: 'inner', digest: inner} : trailer ? {kind: 'outer', digest: trailer.digest} : {kind: 'none', digest: ''}
    const verdict = this.trackSequence(peer, seq!, src)
    if (verdict === 'duplicate') {
      // the same packet on another medium refreshes that link; an old copy is a replay
      const firstSeen = peer.firstSeen.get(seq!)
      if (firstSeen && differentPackets(firstSeen.identity, identity)) {
        // Two different, correctly signed packets with one sequence number: someone else holds our key
        // (or replays an older incarnation). The later one is dropped, as Heartbeat does: say so loudly.
        this.log('crit', `Two different packets from ${src} with seq ${seq}: one of them is forged (is the cluster key known outside the cluster?); the later one was dropped.`)
      }
      const fresh = peer.status !== 'dead' && firstSeen !== undefined && now - firstSeen.at < this.timings.keepaliveMs * 2
      if (linkName && fresh) this.refreshLink(peer, this.linkOfMedium[mediumIndex]!, now)
      return this.reject(fresh ? 'duplicate' : peer.status === 'dead' ? 'dead-node' : 'replay', `seq ${seq}`, src)
    }
    if (ts > peer.lastTs) peer.lastTs = ts
    peer.firstSeen.set(seq!, {at: now, identity})
    if (peer.firstSeen.size > RECENT_SEQS) peer.firstSeen.delete(peer.firstSeen.keys().next().value!)
    if (dest && dest !== this.nodeName) return this.reject('not-for-us', `dest ${dest}`, src)
    this.stats.accepted++
    if (type === 'status') this.handleStatus(msg, peer, seq!, now)
    this.alive(peer, mediumIndex, now)
    this.handleSequenced(msg, peer, type)
    this.deliver(msg, {from: src, link: linkName})
  }

  private resetTracking(peer: PeerState): void {
    peer.firstSeen.clear()
    peer.noticeAt = undefined
    peer.lastSeq = undefined
    peer.highestSeq = undefined
    peer.lastStatusSeq = undefined
    peer.lastStatusAt = undefined
    peer.lastTs = 0
    for (const t of peer.missing.values()) clearTimeout(t)
    peer.missing.clear()
  }

  /** Heartbeat's per-sender sequence check; schedules retransmission requests for gaps. */
  private trackSequence(peer: PeerState, seq: number, src: string): 'in-order' | 'recovered' | 'duplicate' {
    const last = peer.lastSeq
    if (last === undefined && peer.highestSeq !== undefined && seq <= peer.highestSeq) return 'duplicate'
    if (peer.highestSeq === undefined || seq > peer.highestSeq) peer.highestSeq = seq
    if (last === undefined || seq === last + 1) {
      peer.lastSeq = seq
      this.maybeAck(peer, seq)
      return 'in-order'
    }
    if (seq === last) return 'duplicate'
    if (seq > last) {
      const lost = seq - last - 1
      this.log('warn', `${lost} lost packet(s) for [${src}] [${last}:${seq}]`)
      if (lost > 250) {
        this.log('error', 'lost a lot of packets!')
        for (const t of peer.missing.values()) clearTimeout(t)
        peer.missing.clear()
      } else for (let s = last + 1; s < seq; s++) this.scheduleRexmit(peer, s)
      peer.lastSeq = seq
      return 'in-order'
    }
    const timer = peer.missing.get(seq)
    if (!timer) return 'duplicate'
    clearTimeout(timer)
    peer.missing.delete(seq)
    if (peer.missing.size === 0) this.log('info', `No pkts missing from ${src}!`)
    return 'recovered'
  }

  private maybeAck(peer: PeerState, seq: number): void {
    if (!peer.protocol || peer.missing.size > 0 || seq % 10 !== peer.ackTrigger) return
    this.send(new HbMessage([['t', 'NS_ackmsg'], ['dest', peer.name], ['ackseq', hex(seq)]]))
  }

  private scheduleRexmit(peer: PeerState, seq: number): void {
    const max = this.timings.maxRexmitDelayMs
    const min = max < 100 ? 0 : 50
    const fire = (): void => {
      if (!this.running || !peer.missing.has(seq)) return
      if (peer.status === 'up' || peer.status === 'active') {
        this.stats.rexmitRequests++
        this.send(new HbMessage([['t', 'NS_rexmit'], ['dest', peer.name], ['firstseq', String(seq)], ['lastseq', String(seq)]]))
      }
      peer.missing.set(seq, setTimeout(fire, max))
    }
    peer.missing.set(seq, setTimeout(fire, min + Math.random() * (max - min)))
  }

  private handleStatus(msg: HbMessage, peer: PeerState, seq: number, now: number): void {
    const dt = parseHex(msg.get('dt'))
    if (dt) peer.deadtimeMs = dt
    peer.protocol = msg.has('protocol')
    if (peer.lastStatusAt !== undefined) {
      const interval = Math.round(now - peer.lastStatusAt)
      const deadline = this.deadInterval(peer)
      if (interval > deadline) {
        this.log('crit', `Late heartbeat: Node ${peer.name}: interval ${interval} ms (> deadtime)`)
        this.emit('late-heartbeat', {node: peer.name, intervalMs: interval, critical: true})
        if (peer.status !== 'dead') this.declareDead(peer)
      } else if (interval > this.timings.warntimeMs) {
        this.log('warn', `Late heartbeat: Node ${peer.name}: interval ${interval} ms`)
        this.emit('late-heartbeat', {node: peer.name, intervalMs: interval, critical: false})
      }
    }
    peer.lastStatusAt = now
    peer.lastStatusSeq = seq
    const st = msg.get('st')
    if (st === 'init' || st === 'up' || st === 'active') this.setPeerStatus(peer, st)
  }

  private setPeerStatus(peer: PeerState, status: NodeStatus): void {
    if (peer.status === status) return
    const previous = peer.status
    peer.status = status
    this.log('info', `Status update for node ${peer.name}: status ${status}`)
    this.emit('node-status', {node: peer.name, status, previous})
    if (status === 'up') this.emit('node-up', {node: peer.name})
    if (status === 'active') this.emit('node-active', {node: peer.name})
    if (status === 'ping') this.emit('node-up', {node: peer.name})
  }

  /** Any accepted packet: the node is alive, its link is up. */
  private alive(peer: PeerState, mediumIndex: number, now: number): void {
    // a dead node stays dead until its next status message says what it is
    peer.lastHeard = now
    this.refreshLink(peer, this.linkOfMedium[mediumIndex]!, now)
  }

  private refreshLink(peer: PeerState, linkIndex: number, now: number): void {
    const link = peer.links[linkIndex]
    if (!link) return
    link.lastHeard = now
    if (link.status !== 'up') {
      link.status = 'up'
      this.log('info', `Link ${peer.name}:${link.name} up.`)
      this.emit('link-status', {node: peer.name, link: link.name, status: 'up'})
    }
  }

  private pingReply(name: string): void {
    const peer = this.peers.get(name)
    if (!peer || !this.running) return
    const now = performance.now()
    peer.lastHeard = now
    this.refreshLink(peer, 0, now)
    this.setPeerStatus(peer, 'ping')
  }

  private handleControl(msg: HbMessage, peer: PeerState, type: string): void {
    if (type === 'NS_ackmsg') {
      const ack = parseHex(msg.get('ackseq'))
      if (ack !== undefined && ack > peer.ackedSeq && ack <= this.seq) peer.ackedSeq = ack
    } else if (type === 'NS_rexmit') {
      const first = parseDecimal(msg.get('firstseq'))
      const last = parseDecimal(msg.get('lastseq'))
      if (first !== undefined && last !== undefined) this.retransmit(peer, first, Math.min(last, first + 49))
    } else if (type === 'NS_nak_rexmit') {
      const seq = parseHex(msg.get('firstseq'))
      if (seq !== undefined && peer.missing.has(seq)) {
        this.log('error', `Irretrievably lost packet: node ${peer.name} seq ${seq}`)
        clearTimeout(peer.missing.get(seq)!)
        peer.missing.delete(seq)
      }
    }
  }

  private retransmit(peer: PeerState, first: number, last: number): void {
    const oldest = this.history.keys().next().value ?? this.seq + 1
    for (let s = first; s <= last; s++) {
      if (s <= peer.ackedSeq) continue
      if (s > this.seq) {
        this.log('warn', `Rexmit of seq ${s} requested. ${this.seq} is max.`)
        continue
      }
      const entry = this.history.get(s)
      if (!entry) {
        const info = s < oldest ? 'seqno too low' : 'seqno not found'
        this.log('error', `Cannot rexmit pkt ${s} for ${peer.name}: ${info}`)
        this.send(new HbMessage([['t', 'NS_nak_rexmit'], ['firstseq', hex(s)], ['dest', peer.name], ['info', info]]))
        continue
      }
      const now = performance.now()
      if (now - entry.lastRetransmit < this.timings.maxRexmitDelayMs - 10) continue
      entry.lastRetransmit = now
      this.stats.retransmitted++
      this.transmit(entry.packet, true)
    }
  }

  private handleSequenced(msg: HbMessage, peer: PeerState, type: string): void {
    const dest = msg.get('dest')?.toLowerCase()
    if (type === 'reqnodes' && dest === this.nodeName) {
      const normal = [...this.peers.values()].filter((p) => p.type === 'normal').map((p) => p.name)
      this.send(new HbMessage([['t', 'repnodes'], ['dest', peer.name], ['nodelist', normal.map((n) => `${n} `).join('')], ['delnodelist', ' ']]))
    } else if (type === 'repnodes' && dest === this.nodeName && !this.commsUp) {
      this.commsNowUp()
    } else if (type === 'shutdone') {
      this.log('info', `Received shutdown notice from '${peer.name}'.`)
      peer.noticeAt = performance.now()
      this.emit('shutdown-notice', {node: peer.name})
    }
  }

  private deliver(msg: HbMessage, info: MessageInfo): void {
    const type = msg.type!
    if (type.startsWith('NS_')) return
    this.emit('message', msg, info)
    this.emit(`message:${type}`, msg, info)
  }

  // ------------------------------------------------------------ timers

  private deadInterval(peer: PeerState): number {
    if (!this.commsUp) return this.timings.initdeadMs
    if (peer.type === 'ping') return this.timings.deadpingMs
    return peer.deadtimeMs ?? this.timings.deadtimeMs
  }

  private deadCheck(): void {
    if (!this.running) return
    const now = performance.now()
    // A check that runs half a deadtime late means this process (or the whole host) was stalled:
    // peers stalled with it have had no chance to send. Hear them for one more deadtime first.
    const stalledMs = now - this.lastDeadCheckAt
    this.lastDeadCheckAt = now
    if (stalledMs > this.timings.deadtimeMs / 2) {
      this.stallGraceUntil = now + this.timings.deadtimeMs
      this.log('warn', `local stall of ${Math.round(stalledMs)} ms: no node declared dead for the next ${this.timings.deadtimeMs} ms`)
    }
    if (now < this.stallGraceUntil) return
    const suspects: PeerState[] = []
    for (const peer of this.peers.values()) {
      if (peer.name === this.nodeName) continue
      this.checkNotice(peer)
      const deadline = this.deadInterval(peer)
      const since = peer.lastHeard ?? this.startedAt
      if (peer.status !== 'dead' && now - since > deadline) suspects.push(peer)
      for (const link of peer.links) {
        if (link.status === 'up' && now - link.lastHeard > deadline) {
          // links also get the I/O-drain grace below
          setImmediate(() => {
            if (link.status === 'up' && performance.now() - link.lastHeard > deadline) {
              link.status = 'dead'
              this.log('info', `Link ${peer.name}:${link.name} dead.`)
              this.emit('link-status', {node: peer.name, link: link.name, status: 'dead'})
            }
          })
        }
      }
    }
    if (suspects.length > 0) {
      // let the poll phase read whatever arrived while we were busy, then decide
      setImmediate(() => {
        if (!this.running) return
        const later = performance.now()
        for (const peer of suspects) {
          const since = peer.lastHeard ?? this.startedAt
          if (peer.status !== 'dead' && later - since > this.deadInterval(peer)) this.declareDead(peer)
        }
        this.checkCommsUp()
      })
    } else this.checkCommsUp()
  }

  /**
   * A node that sent `shutdone` stops: it is declared dead one dead time after its last packet.
   * Still heard a whole dead time after its notice, it is running: the notice was not its own
   * (forged or replayed). Said once; the failover layer undoes what it did on the notice.
   */
  private checkNotice(peer: PeerState): void {
    if (peer.noticeAt === undefined || peer.status === 'dead' || peer.lastHeard === undefined) return
    if (peer.lastHeard - peer.noticeAt <= this.deadInterval(peer)) return
    peer.noticeAt = undefined
    this.log('warn', `${peer.name} is still running a dead time after its shutdown notice: the notice was not its own.`)
    this.emit('shutdown-notice-contradicted', {node: peer.name})
  }

  private declareDead(peer: PeerState): void {
    const previous = peer.status
    peer.status = 'dead'
    peer.noticeAt = undefined
    this.log('warn', `node ${peer.name}: is dead`)
    // sequence tracking restarts with its next packet
    peer.lastSeq = undefined
    for (const t of peer.missing.values()) clearTimeout(t)
    peer.missing.clear()
    this.emit('node-status', {node: peer.name, status: 'dead', previous})
    this.emit('node-dead', {node: peer.name})
    for (const link of peer.links) {
      if (link.status === 'up') {
        link.status = 'dead'
        this.log('info', `Link ${peer.name}:${link.name} dead.`)
        this.emit('link-status', {node: peer.name, link: link.name, status: 'dead'})
      }
    }
  }

  /** Heartbeat: comms are up once every node was heard from or is dead; then reqnodes/repnodes. */
  private checkCommsUp(): void {
    if (this.commsUp || !this.running) return
    for (const p of this.peers.values()) if (p.lastHeard === undefined && p.status !== 'dead') return
    const target = [...this.peers.values()].find((p) => p.type === 'normal' && p.name !== this.nodeName && p.status !== 'dead')
    if (!target) return this.commsNowUp()
    const now = performance.now()
    if (target.name !== this.reqnodesTarget || now - this.lastReqnodesAt >= 1000) {
      this.reqnodesTarget = target.name
      this.lastReqnodesAt = now
      this.send(new HbMessage([['t', 'reqnodes'], ['dest', target.name]]))
    }
  }

  private commsNowUp(): void {
    if (this.commsUp) return
    this.commsUp = true
    this.log('info', 'Comm_now_up(): updating status to active')
    this.setLocalStatus('active')
    this.emit('comms-up')
  }
}
