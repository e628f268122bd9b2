/**
 * Plain input of the messaging/membership layer. The legacy runtime fills it
 * from ha.cf + authkeys (parsed elsewhere); tests fill it directly.
 */
import type {AuthConfig} from './auth.js'

export type MediumConfig =
  /** `ucast iface peer`; localAddress overrides the interface's IPv4 address (loopback tests). */
  | {kind: 'ucast'; iface: string; peer: string; localAddress?: string; port?: number}
  | {kind: 'bcast'; iface: string; localAddress?: string; broadcast?: string; port?: number}
  | {kind: 'mcast'; iface: string; group: string; port: number; ttl: number; loop: boolean; localAddress?: string}
  /** `ucast6 iface addr` (port = udpport). */
  | {kind: 'ucast6'; iface: string; peer: string; localAddress?: string; port?: number}
  /** `mcast6 iface group port hops loop`. */
  | {kind: 'mcast6'; iface: string; group: string; port: number; hops: number; loop: boolean; localAddress?: string}
  | {kind: 'serial'; device: string; baud: number}

export interface PingGroupConfig {
  name: string
  hosts: string[]
}

export type LogLevel = 'debug' | 'info' | 'notice' | 'warn' | 'error' | 'crit'
export type Logger = (level: LogLevel, message: string) => void

export interface MessagingConfig {
  /** Local node name (lowercased like Heartbeat does). */
  nodeName: string
  /** Normal cluster nodes, local node included, in ha.cf order. */
  nodes: string[]
  keepaliveMs: number
  deadtimeMs: number
  /** Default deadtime/2. */
  warntimeMs?: number
  /** Default as Heartbeat: deadtime > 10 s → deadtime; < 6 s → 12 s; else 2×deadtime. */
  initdeadMs?: number
  /** Dead time of ping nodes; default deadtime. */
  deadpingMs?: number
  /** Default 694. */
  udpPort?: number
  media: MediumConfig[]
  pingNodes?: string[]
  pingGroups?: PingGroupConfig[]
  auth: AuthConfig
  /** Holds hb_generation and hb_uuid. */
  stateDir: string
  /** `msgfmt`: classic (default) adds the inner auth field. */
  msgfmt?: 'classic' | 'netstring'
  hopfudge?: number
  maxRexmitDelayMs?: number
  hbGenMethod?: 'file' | 'time'
  /** Extra deadtime advertised during the first 5 s, as Heartbeat does (default 2000; tests may use 0). */
  startupDeadtimeBumpMs?: number
  /**
   * Packet loss for tests, like Heartbeat's /etc/ha.d/OnlyForTesting `rcvloss`/`xmitloss` (0..1).
   * `pattern`: 'random' (default, like Heartbeat) or 'even' — drops exactly that share of packets, evenly
   * spread (0.25 → every 4th), never a retransmission, so a test sees the same losses on every run.
   */
  testLoss?: {rcv?: number; xmit?: number; pattern?: 'random' | 'even'}
  /** `log_badpack` (default true). */
  logBadPackets?: boolean
}

export interface ResolvedTimings {
  keepaliveMs: number
  deadtimeMs: number
  warntimeMs: number
  initdeadMs: number
  deadpingMs: number
  maxRexmitDelayMs: number
}

export function resolveTimings(c: MessagingConfig): ResolvedTimings {
  const d = c.deadtimeMs
  const initdead = c.initdeadMs ?? (d > 10_000 ? d : d < 6000 ? 12_000 : 2 * d)
  return {
    keepaliveMs: c.keepaliveMs,
    deadtimeMs: d,
    warntimeMs: c.warntimeMs ?? Math.floor(d / 2),
    initdeadMs: initdead,
    deadpingMs: c.deadpingMs ?? d,
    maxRexmitDelayMs: c.maxRexmitDelayMs ?? 250,
  }
}
