import type {SourceLocation} from '../../core/findings.js'
import {directiveSpec, type HaCf, type HaCfDirective} from './model.js'
import {parseAutoFailback, parseHeartbeatBoolean, parseHeartbeatInt, parseHeartbeatTime, type AutoFailback} from './values.js'

/** Directives with this name, in file order. */
export function directivesNamed(cf: HaCf, name: string): HaCfDirective[] {
  return cf.directives.filter((d) => d.name === name)
}

/**
 * The value Heartbeat ends up with for a single-valued option directive:
 * each token of each line is applied in turn, so the last token wins.
 */
export function lastValue(cf: HaCf, name: string): {text: string; location: SourceLocation} | undefined {
  const lines = directivesNamed(cf, name)
  for (let i = lines.length - 1; i >= 0; i--) {
    const args = lines[i].args
    if (args.length > 0) return args[args.length - 1]
  }
  return undefined
}

/** Cluster node names (`node` lines), lowercased as Heartbeat stores them, without duplicates. */
export function nodeNames(cf: HaCf): string[] {
  const names: string[] = []
  for (const d of directivesNamed(cf, 'node')) {
    for (const arg of d.args) {
      const name = arg.text.toLowerCase()
      if (!names.includes(name)) names.push(name)
    }
  }
  return names
}

export type Medium =
  | {type: 'bcast'; interface: string; location: SourceLocation}
  | {type: 'serial'; device: string; location: SourceLocation}
  | {type: 'ping' | 'ping6'; host: string; location: SourceLocation}
  | {type: 'ucast' | 'ucast6'; interface: string; peer: string; location: SourceLocation}
  | {type: 'mcast' | 'mcast6'; interface: string; group: string; port: string; ttl: string; loop: string; location: SourceLocation}
  | {type: 'ping_group'; name: string; hosts: string[]; location: SourceLocation}

/** Heartbeat media in file order, one entry per medium (`bcast eth0 eth1` gives two). */
export function media(cf: HaCf): Medium[] {
  const list: Medium[] = []
  for (const d of cf.directives) {
    const a = d.args.map((x) => x.text)
    switch (d.name) {
      case 'bcast':
      case 'udp':
        for (const arg of d.args) list.push({type: 'bcast', interface: arg.text, location: arg.location})
        break
      case 'serial':
        for (const arg of d.args) list.push({type: 'serial', device: arg.text, location: arg.location})
        break
      case 'ping':
      case 'ping6':
        for (const arg of d.args) list.push({type: d.name, host: arg.text, location: arg.location})
        break
      case 'ucast':
      case 'ucast6':
        list.push({type: d.name, interface: a[0] ?? '', peer: a[1] ?? '', location: d.location})
        break
      case 'mcast':
      case 'mcast6':
        list.push({type: d.name, interface: a[0] ?? '', group: a[1] ?? '', port: a[2] ?? '', ttl: a[3] ?? '', loop: a[4] ?? '', location: d.location})
        break
      case 'ping_group':
        list.push({type: 'ping_group', name: a[0] ?? '', hosts: a.slice(1), location: d.location})
        break
    }
  }
  return list
}

/** Ping nodes (ping, ping6 hosts and ping_group names): Heartbeat counts them as nodes of type "ping". */
export function pingNodes(cf: HaCf): string[] {
  return media(cf).flatMap((m) => (m.type === 'ping' || m.type === 'ping6' ? [m.host] : m.type === 'ping_group' ? [m.name] : []))
}

function timeValue(cf: HaCf, name: string): number | undefined {
  const v = lastValue(cf, name)
  if (!v) return undefined
  const r = parseHeartbeatTime(v.text)
  return r.ok ? r.ms : undefined
}

export interface Timing {
  keepaliveMs: number
  deadtimeMs: number
  warntimeMs: number
  initdeadMs: number
  deadpingMs: number
  /** Which of the values above were written in ha.cf (the others are Heartbeat's defaults). */
  explicit: {keepalive: boolean; deadtime: boolean; warntime: boolean; initdead: boolean; deadping: boolean}
}

/**
 * Timing values in milliseconds with Heartbeat's defaults applied (§2.6):
 * keepalive 1 s, deadtime 30 s, warntime deadtime/2, deadping deadtime,
 * initdead = deadtime when deadtime > 10 s, 12 s when deadtime < 6 s,
 * else twice deadtime. Invalid values count as unset.
 */
export function timing(cf: HaCf): Timing {
  const keepalive = timeValue(cf, 'keepalive')
  const deadtime = timeValue(cf, 'deadtime')
  const warntime = timeValue(cf, 'warntime')
  const initdead = timeValue(cf, 'initdead')
  const deadping = timeValue(cf, 'deadping')
  const keepaliveMs = keepalive ?? 1000
  const deadtimeMs = deadtime ?? 30000
  const defaultInitdead = deadtimeMs > 10000 ? deadtimeMs : deadtimeMs < 6000 ? 12000 : 2 * deadtimeMs
  return {
    keepaliveMs,
    deadtimeMs,
    warntimeMs: warntime ?? Math.floor(deadtimeMs / 2),
    initdeadMs: initdead ?? defaultInitdead,
    deadpingMs: deadping ?? deadtimeMs,
    explicit: {
      keepalive: keepalive !== undefined,
      deadtime: deadtime !== undefined,
      warntime: warntime !== undefined,
      initdead: initdead !== undefined,
      deadping: deadping !== undefined,
    },
  }
}

/**
 * The effective auto_failback mode: the last valid `auto_failback` value,
 * else `legacy` (Heartbeat's default). A `nice_failback` line maps to `off`
 * only when an auto_failback on/off was seen before it, else to `legacy`.
 */
export function autoFailback(cf: HaCf): AutoFailback {
  let mode: AutoFailback = 'legacy'
  let explicitOnOff = false
  for (const d of cf.directives) {
    if (d.name === 'auto_failback') {
      for (const arg of d.args) {
        const v = parseAutoFailback(arg.text)
        if (v) {
          mode = v
          explicitOnOff = v !== 'legacy'
        }
      }
    } else if (d.name === 'nice_failback' && d.args.length > 0) {
      mode = explicitOnOff ? 'off' : 'legacy'
    }
  }
  return mode
}

/**
 * True when `crm`/`pacemaker` (two names of one directive; the last one
 * written wins) is set to anything but off: Heartbeat then ignores haresources.
 */
export function pacemakerEnabled(cf: HaCf): boolean {
  const value = cf.directives.filter((d) => d.name === 'crm' || d.name === 'pacemaker').at(-1)?.args.at(-1)
  if (!value) return false
  return parseHeartbeatBoolean(value.text) !== false
}

/** The UDP port bcast/ucast use: the last valid `udpport`, else 694. */
export function udpPort(cf: HaCf): number {
  const v = lastValue(cf, 'udpport')
  const port = v ? parseHeartbeatInt(v.text) : undefined
  return port !== undefined && port > 0 && port < 65536 ? port : 694
}

/** The last value of a directive as a string (logfile, watchdog, cluster…). */
export function stringValue(cf: HaCf, name: string): string | undefined {
  return lastValue(cf, name)?.text
}

/** `respawn`/`failfast` lines as {user, command, args}. */
export function clients(cf: HaCf): {kind: 'respawn' | 'failfast'; user: string; command: string; args: string[]; location: SourceLocation}[] {
  return cf.directives
    .filter((d) => d.name === 'respawn' || d.name === 'failfast')
    .map((d) => ({
      kind: d.name as 'respawn' | 'failfast',
      user: d.args[0]?.text ?? '',
      command: d.args[1]?.text ?? '',
      args: d.args.slice(2).map((a) => a.text),
      location: d.location,
    }))
}

/** True if Heartbeat knows the directive name (case-sensitive). */
export function isKnownDirective(name: string): boolean {
  return directiveSpec(name) !== undefined
}
