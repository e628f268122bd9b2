import type {EventEmitter} from 'node:events'

/** What the cluster layer hands every medium: the signed datagram, and a classic rendering for ttys. */
export interface OutboundPacket {
  netstring: Buffer
  classic: () => Buffer
}

/**
 * One heartbeat medium (a "link"). Emits
 *   'packet' (buf: Buffer, from: string)   a raw received message
 *   'error' (e: Error), 'write-error' (e: Error, consecutive: number)
 */
export interface Medium extends EventEmitter {
  /** Link name as Heartbeat shows it: interface, tty path. */
  readonly name: string
  readonly kind: string
  describe(): string
  start(): Promise<void>
  send(packet: OutboundPacket): void
  close(): Promise<void>
}
