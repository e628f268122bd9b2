/**
 * Serial medium: classic text frames (`>>>\n … <<<\n`) on a tty at the
 * configured baud, through the serialport package, as Heartbeat's serial
 * plugin does (netstring messages are re-encoded in classic form).
 */
import {EventEmitter} from 'node:events'
import {CLASSIC_END, CLASSIC_START, MAX_MESSAGE_BYTES} from '../codec.js'
import type {Medium, OutboundPacket} from './medium.js'

/** Splits a byte stream into classic frames; junk between frames is skipped and counted. */
export class ClassicFramer {
  private buf: Buffer = Buffer.alloc(0)
  skippedBytes = 0

  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk
    const frames: Buffer[] = []
    for (;;) {
      const start = this.buf.indexOf(CLASSIC_START)
      if (start < 0) {
        // keep a possible partial ">>>" at the end
        const keep = Math.min(this.buf.length, CLASSIC_START.length - 1)
        this.skippedBytes += this.buf.length - keep
        this.buf = this.buf.subarray(this.buf.length - keep)
        return frames
      }
      if (start > 0) {
        this.skippedBytes += start
        this.buf = this.buf.subarray(start)
      }
      const end = this.buf.indexOf(CLASSIC_END, CLASSIC_START.length)
      if (end < 0) {
        if (this.buf.length > MAX_MESSAGE_BYTES) {
          this.skippedBytes += this.buf.length
          this.buf = Buffer.alloc(0)
        }
        return frames
      }
      // a new ">>>" before the end marker means the previous frame was cut
      const restart = this.buf.indexOf(CLASSIC_START, CLASSIC_START.length)
      if (restart >= 0 && restart < end) {
        this.skippedBytes += restart
        this.buf = this.buf.subarray(restart)
        continue
      }
      const stop = end + CLASSIC_END.length
      frames.push(Buffer.from(this.buf.subarray(0, stop)))
      this.buf = this.buf.subarray(stop)
    }
  }
}

export class SerialMedium extends EventEmitter implements Medium {
  readonly kind = 'serial'
  readonly name: string
  private port?: import('serialport').SerialPort
  private readonly framer = new ClassicFramer()

  constructor(
    private readonly device: string,
    private readonly baud: number,
  ) {
    super()
    this.name = device
  }

  describe(): string {
    return `serial ${this.device} ${this.baud}`
  }

  async start(): Promise<void> {
    const {SerialPort} = await import('serialport')
    const port = new SerialPort({path: this.device, baudRate: this.baud, autoOpen: false})
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())))
    port.on('data', (chunk: Buffer) => {
      for (const frame of this.framer.push(chunk)) this.emit('packet', frame, this.device)
    })
    port.on('error', (e) => this.emit('error', e))
    this.port = port
  }

  send(packet: OutboundPacket): void {
    this.port?.write(packet.classic(), (e) => {
      if (e) this.emit('write-error', e, 1)
    })
  }

  async close(): Promise<void> {
    const p = this.port
    this.port = undefined
    if (p?.isOpen) await new Promise<void>((resolve) => p.close(() => resolve()))
  }
}
