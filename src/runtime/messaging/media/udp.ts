/**
 * UDP media: ucast, bcast, mcast (IPv4). Like Heartbeat, each medium sends
 * from an ephemeral port and receives on the configured port; receive
 * sockets bound to the same address:port are shared between media.
 */
import {execFileSync} from 'node:child_process'
import dgram from 'node:dgram'
import {EventEmitter} from 'node:events'
import {networkInterfaces} from 'node:os'
import type {MediumConfig} from '../config.js'
import type {Medium, OutboundPacket} from './medium.js'

interface Ipv4Info {
  address: string
  netmask: string
}

/** A global IPv6 address of an interface (link-local with %iface scope if it has no other). */
export function interfaceIpv6(iface: string): string | undefined {
  const all = networkInterfaces()[iface]?.filter((a) => a.family === 'IPv6') ?? []
  const global = all.find((a) => !a.address.startsWith('fe80'))
  if (global) return global.address
  const local = all[0]
  return local ? `${local.address}%${iface}` : undefined
}

/**
 * IPv4 address of an interface. libuv hides interfaces without carrier, so a
 * cable unplugged at start would look like a missing interface: fall back to `ip`.
 */
export function interfaceIpv4(iface: string): Ipv4Info | undefined {
  const entry = networkInterfaces()[iface]?.find((a) => a.family === 'IPv4')
  if (entry) return {address: entry.address, netmask: entry.netmask}
  try {
    const out = execFileSync('ip', ['-4', '-o', 'addr', 'show', 'dev', iface], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']})
    const m = /inet (\d+\.\d+\.\d+\.\d+)\/(\d+)/.exec(out)
    if (!m) return undefined
    const bits = Number(m[2])
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
    return {address: m[1]!, netmask: [24, 16, 8, 0].map((s) => (mask >>> s) & 255).join('.')}
  } catch {
    return undefined
  }
}

export function broadcastAddress(info: Ipv4Info): string {
  const a = info.address.split('.').map(Number)
  const m = info.netmask.split('.').map(Number)
  return a.map((x, i) => (x | (~m[i]! & 255)) & 255).join('.')
}

/** Shared, ref-counted receive sockets keyed by "address:port". */
class Receiver {
  private static readonly open = new Map<string, Receiver>()
  readonly listeners = new Set<(buf: Buffer, from: string) => void>()
  private socket!: dgram.Socket
  private ready!: Promise<void>

  static async acquire(address: string, port: number, groups: Array<{group: string; iface: string}>, onError: (e: Error) => void): Promise<Receiver> {
    const key = `${address}:${port}`
    let r = Receiver.open.get(key)
    if (!r) {
      r = new Receiver()
      Receiver.open.set(key, r)
      const socket = dgram.createSocket({type: address.includes(':') ? 'udp6' : 'udp4', reuseAddr: true, ipv6Only: address.includes(':')})
      r.socket = socket
      // several ucast lines on one interface share this socket: one delivery is enough
      socket.on('message', (buf, rinfo) => {
        const first = r!.listeners.values().next().value
        if (first) first(buf, rinfo.address)
      })
      socket.on('error', onError)
      r.ready = new Promise((resolve, reject) => {
        socket.once('error', reject)
        socket.bind({address, port, exclusive: false}, () => {
          socket.off('error', reject)
          resolve()
        })
      })
      r.ready.catch(() => Receiver.open.delete(key))
    }
    await r.ready
    for (const g of groups) r.socket.addMembership(g.group, g.iface)
    return r
  }

  release(listener: (buf: Buffer, from: string) => void): void {
    this.listeners.delete(listener)
    if (this.listeners.size > 0) return
    for (const [k, v] of Receiver.open) if (v === this) Receiver.open.delete(k)
    try {
      this.socket.close()
    } catch {
      // already closed
    }
  }
}

type UdpConfig = Extract<MediumConfig, {kind: 'ucast' | 'bcast' | 'mcast' | 'ucast6' | 'mcast6'}>

export class UdpMedium extends EventEmitter implements Medium {
  readonly name: string
  readonly kind: UdpConfig['kind']
  private sendSocket?: dgram.Socket
  private receiver?: Receiver
  private destination = ''
  private readonly port: number
  private writeErrors = 0
  private readonly onPacket = (buf: Buffer, from: string): void => {
    this.emit('packet', buf, from)
  }

  constructor(
    private readonly config: UdpConfig,
    udpPort: number,
  ) {
    super()
    this.name = config.iface
    this.kind = config.kind
    this.port = config.kind === 'mcast' || config.kind === 'mcast6' ? config.port : (config.port ?? udpPort)
  }

  describe(): string {
    return `${this.kind} ${this.config.iface} ${this.destination}:${this.port}`
  }

  async start(): Promise<void> {
    if (this.config.kind === 'ucast6' || this.config.kind === 'mcast6') return this.start6(this.config)
    const c = this.config
    const info = c.localAddress ? {address: c.localAddress, netmask: '255.255.255.255'} : interfaceIpv4(c.iface)
    if (!info) throw new Error(`IP interface [${c.iface}] does not exist`)
    const onError = (e: Error): void => void this.emit('error', e)
    let bindAddress = info.address
    const groups: Array<{group: string; iface: string}> = []
    if (c.kind === 'ucast') this.destination = c.peer
    else if (c.kind === 'bcast') {
      this.destination = c.broadcast ?? broadcastAddress(info)
      bindAddress = '0.0.0.0'
    } else {
      this.destination = c.group
      bindAddress = '0.0.0.0'
      groups.push({group: c.group, iface: info.address})
    }
    this.receiver = await Receiver.acquire(bindAddress, this.port, groups, onError)
    this.receiver.listeners.add(this.onPacket)

    const s = dgram.createSocket({type: 'udp4'})
    s.on('error', onError)
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject)
      s.bind({address: info.address, port: 0}, () => {
        s.off('error', reject)
        resolve()
      })
    })
    if (c.kind === 'bcast') s.setBroadcast(true)
    if (c.kind === 'mcast') {
      s.setMulticastInterface(info.address)
      s.setMulticastTTL(c.ttl)
      s.setMulticastLoopback(c.loop)
    }
    this.sendSocket = s
  }

  private async start6(c: Extract<UdpConfig, {kind: 'ucast6' | 'mcast6'}>): Promise<void> {
    const address = c.localAddress ?? interfaceIpv6(c.iface)
    if (!address) throw new Error(`IPv6 interface [${c.iface}] does not exist or has no IPv6 address`)
    const onError = (e: Error): void => void this.emit('error', e)
    const scope = `::%${c.iface}`
    if (c.kind === 'ucast6') {
      this.destination = c.peer
      this.receiver = await Receiver.acquire(address, this.port, [], onError)
    } else {
      this.destination = c.group
      this.receiver = await Receiver.acquire('::', this.port, [{group: c.group, iface: scope}], onError)
    }
    this.receiver.listeners.add(this.onPacket)
    const s = dgram.createSocket({type: 'udp6', ipv6Only: true})
    s.on('error', onError)
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject)
      s.bind({address, port: 0}, () => {
        s.off('error', reject)
        resolve()
      })
    })
    if (c.kind === 'mcast6') {
      s.setMulticastInterface(scope)
      s.setMulticastTTL(c.hops)
      s.setMulticastLoopback(c.loop)
    }
    this.sendSocket = s
  }

  send(packet: OutboundPacket): void {
    const s = this.sendSocket
    if (!s) return
    s.send(packet.netstring, this.port, this.destination, (error) => {
      if (error) {
        this.writeErrors++
        if (this.writeErrors <= 10) this.emit('write-error', error, this.writeErrors)
      } else this.writeErrors = 0
    })
  }

  async close(): Promise<void> {
    this.receiver?.release(this.onPacket)
    this.receiver = undefined
    const s = this.sendSocket
    this.sendSocket = undefined
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()))
  }
}
