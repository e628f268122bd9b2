/**
 * Builds the messaging layer's input from parsed ha.cf + authkeys models
 * (src/formats/hacf, src/formats/authkeys), the way Heartbeat applies them:
 * defaults for timings and udpport, one medium per bcast/serial token,
 * `baud` for every serial line, ping/ping_group nodes. Values Heartbeat would
 * refuse are reported as errors (the linters give the user-facing findings).
 */
import {activeAuthLine, type Authkeys} from '../../formats/authkeys/index.js'
import {media, nodeNames, lastValue, stringValue, timing, udpPort, type HaCf} from '../../formats/hacf/index.js'
import {parseHeartbeatBoolean, parseHeartbeatInt} from '../../formats/hacf/values.js'
import type {AuthConfig, AuthKey} from './auth.js'
import type {MediumConfig, MessagingConfig} from './config.js'

export interface LegacyMessagingOptions {
  /** Local node name (uname -n or /etc/ha.d/nodeinfo). */
  nodeName: string
  /** Where hb_generation and hb_uuid live (Heartbeat: /var/lib/heartbeat). */
  stateDir: string
}

export function authConfigFrom(keys: Authkeys): AuthConfig {
  const active = activeAuthLine(keys)
  if (!active) throw new Error('Missing auth directive in keyfile')
  const map = new Map<number, AuthKey>()
  for (const k of keys.keys) {
    if (k.method !== 'crc' && k.method !== 'md5' && k.method !== 'sha1') continue
    if (k.method !== 'crc' && !k.key) continue
    if (k.method === 'crc' && k.key) continue
    map.set(k.index, {method: k.method, key: k.key ?? ''})
  }
  if (!map.has(active.index)) throw new Error(`Auth Key [${active.index}] not found in keyfile`)
  return {activeIndex: active.index, keys: map}
}

/**
 * Heartbeat quirk: each of the bcast/ucast/ucast6 plugins captures udpport
 * when its first medium is created, so a `udpport` line after it has no effect
 * on that plugin's media.
 */
function portFor(cf: HaCf, kind: 'bcast' | 'ucast' | 'ucast6'): number {
  const names = kind === 'bcast' ? ['bcast', 'udp'] : [kind]
  const first = cf.directives.findIndex((d) => names.includes(d.name))
  let port = 694
  for (const d of cf.directives.slice(0, first < 0 ? undefined : first)) {
    if (d.name !== 'udpport') continue
    for (const a of d.args) {
      const v = parseHeartbeatInt(a.text)
      if (v !== undefined && v > 0 && v < 65536) port = v
    }
  }
  return port
}

export function messagingConfigFrom(cf: HaCf, keys: Authkeys, options: LegacyMessagingOptions): MessagingConfig {
  const t = timing(cf)
  const port = udpPort(cf)
  const baud = parseHeartbeatInt(lastValue(cf, 'baud')?.text ?? '19200') ?? 19200
  const list: MediumConfig[] = []
  const pingNodes: string[] = []
  const pingGroups: Array<{name: string; hosts: string[]}> = []
  for (const m of media(cf)) {
    switch (m.type) {
      case 'bcast':
        list.push({kind: 'bcast', iface: m.interface, port: portFor(cf, 'bcast')})
        break
      case 'ucast':
      case 'ucast6':
        list.push({kind: m.type, iface: m.interface, peer: m.peer, port: portFor(cf, m.type)})
        break
      case 'mcast':
        list.push({kind: 'mcast', iface: m.interface, group: m.group, port: Number(m.port), ttl: Number(m.ttl), loop: m.loop === '1'})
        break
      case 'mcast6':
        list.push({kind: 'mcast6', iface: m.interface, group: m.group, port: Number(m.port), hops: Number(m.ttl), loop: m.loop === '1'})
        break
      case 'serial':
        list.push({kind: 'serial', device: m.device, baud})
        break
      case 'ping':
        pingNodes.push(m.host)
        break
      case 'ping_group':
        pingGroups.push({name: m.name, hosts: m.hosts})
        break
      case 'ping6':
        throw new Error(`ping6 ${m.host}: IPv6 ping nodes are not supported`)
    }
  }
  const maxRexmit = parseHeartbeatInt(stringValue(cf, 'max_rexmit_delay') ?? '')
  const hopfudge = parseHeartbeatInt(stringValue(cf, 'hopfudge') ?? '')
  const logBad = stringValue(cf, 'log_badpack')
  return {
    nodeName: options.nodeName.toLowerCase(),
    nodes: nodeNames(cf),
    keepaliveMs: t.keepaliveMs,
    deadtimeMs: t.deadtimeMs,
    warntimeMs: t.warntimeMs,
    initdeadMs: t.initdeadMs,
    deadpingMs: t.deadpingMs,
    udpPort: port,
    media: list,
    pingNodes,
    pingGroups,
    auth: authConfigFrom(keys),
    stateDir: options.stateDir,
    msgfmt: stringValue(cf, 'msgfmt') === 'netstring' ? 'netstring' : 'classic',
    hopfudge: hopfudge ?? 1,
    maxRexmitDelayMs: maxRexmit && maxRexmit > 0 ? maxRexmit : 250,
    hbGenMethod: stringValue(cf, 'hbgenmethod') === 'time' ? 'time' : 'file',
    logBadPackets: logBad === undefined ? true : parseHeartbeatBoolean(logBad) !== false,
  }
}
