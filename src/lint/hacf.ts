import {basename} from 'node:path'
import type {Finding, SourceLocation} from '../core/findings.js'
import {
  BAUD_RATES,
  CRM_VALUES,
  directiveSpec,
  HACF_DIRECTIVES,
  SYSLOG_FACILITIES,
  type HaCf,
  type HaCfArg,
  type HaCfDirective,
} from '../formats/hacf/model.js'
import {autoFailback, directivesNamed, lastValue, media, nodeNames, pacemakerEnabled, pingNodes, timing} from '../formats/hacf/accessors.js'
import {formatHeartbeatTime, parseAutoFailback, parseHeartbeatBoolean, parseHeartbeatInt, parseHeartbeatTime} from '../formats/hacf/values.js'
import {report} from './rules.js'
import {didYouMean} from './suggest.js'
import {knownGroups, knownUsers, OFFLINE, programsNamed, programState, type SystemView} from './system.js'

export interface HaCfLintContext {
  /** True when a haresources file sits next to this ha.cf. */
  haresourcesPresent?: boolean
  system?: SystemView
}

const UDP_MEDIA = new Set(['bcast', 'udp', 'ucast', 'ucast6'])
const MEDIA = new Set(['bcast', 'udp', 'mcast', 'mcast6', 'ucast', 'ucast6', 'serial', 'ping', 'ping6', 'ping_group'])
/** Media that carry heartbeats between nodes (ping media only watch a target). */
const NODE_MEDIA = new Set(['bcast', 'udp', 'mcast', 'mcast6', 'ucast', 'ucast6', 'serial'])
const ONCE_ONLY = new Set(['baud', 'watchdog', 'crm', 'pacemaker'])
const DEFAULT_UDP_PORT = 694
const DEFAULT_BAUD = 19200

const secs = (ms: number) => `${formatHeartbeatTime(ms)}${ms % 1000 === 0 ? ' s' : ''}`

/** Lints an ha.cf model: directive names and values, timing relations, media, nodes, clients. */
export function lintHaCf(cf: HaCf, context: HaCfLintContext = {}): Finding[] {
  const findings: Finding[] = []
  const system = context.system ?? OFFLINE
  const top: SourceLocation = {file: cf.file, line: 1, column: 1}
  const haresourcesMode = !pacemakerEnabled(cf)

  checkDirectives(cf, findings)
  checkOrdering(cf, findings)
  checkTiming(cf, findings)
  checkMedia(cf, findings, top, system)
  checkNodes(cf, findings, top)
  checkClients(cf, findings, system)

  // auto_failback, only meaningful when Heartbeat manages haresources itself.
  if (haresourcesMode && autoFailback(cf) === 'legacy') {
    const explicit = directivesNamed(cf, 'auto_failback').at(-1)
    findings.push(
      report(
        'hacf-auto-failback-legacy',
        explicit?.location ?? top,
        explicit
          ? 'auto_failback legacy is deprecated (Heartbeat warns at start, hb_standby is refused); choose "auto_failback on" or "off"'
          : 'auto_failback is not set, so Heartbeat uses the deprecated "legacy" mode; add "auto_failback on" or "off"',
      ),
    )
  }
  const autojoin = lastValue(cf, 'autojoin')
  if (haresourcesMode && autojoin && autojoin.text !== 'none') {
    findings.push(report('hacf-autojoin-haresources', autojoin.location, `autojoin ${autojoin.text} conflicts with haresources management: Heartbeat refuses to start; unset it or use Pacemaker`))
  }
  if (!haresourcesMode && context.haresourcesPresent) {
    const crm = cf.directives.filter((d) => d.name === 'crm' || d.name === 'pacemaker').at(-1)!
    findings.push(report('hacf-crm-with-haresources', crm.location, `${crm.name} ${crm.value} makes Heartbeat ignore the haresources file next to this ha.cf; remove one of them`))
  }
  if (haresourcesMode) {
    for (const d of cf.directives) {
      if (directiveSpec(d.name)?.pacemakerOnly) findings.push(report('hacf-pacemaker-only', d.location, `${d.name} only matters with Pacemaker (crm on); it is ignored here`))
    }
  }

  // Logging: without any destination Heartbeat falls back to logd.
  if (!['logfile', 'debugfile', 'logfacility'].some((n) => directivesNamed(cf, n).length > 0)) {
    const useLogd = lastValue(cf, 'use_logd')
    if (useLogd && parseHeartbeatBoolean(useLogd.text) === false) {
      findings.push(report('hacf-no-logging', useLogd.location, 'no logfile, debugfile or logfacility and use_logd is off: Heartbeat refuses to start', 'error'))
    } else {
      findings.push(report('hacf-no-logging', top, 'no logfile, debugfile or logfacility: Heartbeat logs only through the logging daemon (logd)'))
    }
  }
  return findings
}

function checkDirectives(cf: HaCf, findings: Finding[]): void {
  const lineCount = new Map<string, HaCfDirective>()
  for (const d of cf.directives) {
    const spec = directiveSpec(d.name)
    if (!spec) {
      findings.push(report('hacf-unknown-directive', d.location, `unknown directive "${d.name}"${didYouMean(d.name, Object.keys(HACF_DIRECTIVES))}: Heartbeat refuses to start ("Illegal directive")`))
      continue
    }
    if (d.name === 'udp') findings.push(report('hacf-deprecated', d.location, '"udp" is an old name of "bcast"; Heartbeat replaces it'))
    if (d.name === 'nice_failback') {
      findings.push(report('hacf-nice-failback', d.location, 'nice_failback is obsolete: Heartbeat logs errors and maps it to auto_failback; write "auto_failback on" or "off" instead'))
    }
    if (d.args.length === 0) {
      findings.push(report('hacf-missing-value', d.location, `${d.name} needs a value`))
      continue
    }
    if (spec.style !== 'option') continue
    for (const arg of d.args) checkValue(d, arg, findings)
    if (spec.repeatable) continue

    const earlier = lineCount.get(d.name)
    if (earlier) {
      if (ONCE_ONLY.has(d.name)) findings.push(report('hacf-duplicate-directive', d.location, `${d.name} is already set on line ${earlier.location.line}: Heartbeat refuses it twice`, 'error'))
      else findings.push(report('hacf-duplicate-directive', d.location, `${d.name} is already set on line ${earlier.location.line}; this later value wins`))
    } else lineCount.set(d.name, d)
    if (d.args.length > 1) {
      findings.push(report('hacf-multiple-values', d.args[1].location, `${d.name} has ${d.args.length} values; Heartbeat applies each in turn and keeps the last ("${d.args.at(-1)!.text}")`))
    }
  }
}

function checkValue(d: HaCfDirective, arg: HaCfArg, findings: Finding[]): void {
  const spec = directiveSpec(d.name)!
  const bad = (why: string) => findings.push(report('hacf-invalid-value', arg.location, `${d.name} ${arg.text}: ${why}`))
  switch (spec.kind) {
    case 'time': {
      const r = parseHeartbeatTime(arg.text)
      if (!r.ok && r.reason === 'unit') {
        const number = arg.text.slice(0, arg.text.length - r.unit!.length).trim()
        const hint = /^s(ec(ond)?s?)?$/i.test(r.unit!) ? `write "${d.name} ${number}" (seconds are the default) or "${d.name} ${number}000ms"` : 'units are ms and us only'
        findings.push(report('hacf-time-unit', arg.location, `${d.name} ${arg.text}: Heartbeat rejects the unit "${r.unit}" and refuses to start; ${hint}`))
      } else if (!r.ok) {
        findings.push(report('hacf-time-invalid', arg.location, `${d.name} ${arg.text}: not a time (a number of seconds, or with ms/us)`))
      } else if (r.ms <= 0 && (d.name === 'keepalive' || d.name === 'warntime')) {
        findings.push(report('hacf-time-invalid', arg.location, `${d.name} must be greater than 0: Heartbeat refuses to start`))
      }
      return
    }
    case 'boolean':
      if (parseHeartbeatBoolean(arg.text) === undefined) bad('expected a boolean (on/off, yes/no, true/false, 1/0)')
      return
    case 'auto_failback':
      if (parseAutoFailback(arg.text) === undefined) {
        findings.push(report('hacf-auto-failback-invalid', arg.location, `auto_failback ${arg.text}: expected on, off or legacy; Heartbeat refuses to start`))
      }
      return
    case 'int': {
      const n = parseHeartbeatInt(arg.text)
      if (n === undefined) bad('expected a whole number')
      else if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        bad(`expected ${spec.min ?? '…'}..${spec.max ?? '…'}`)
      }
      return
    }
    case 'port': {
      const n = parseHeartbeatInt(arg.text)
      if (n === undefined || n <= 0 || n > 65535) bad('expected a UDP port 1..65535')
      return
    }
    case 'baud':
      if (!(BAUD_RATES as readonly number[]).includes(Number(arg.text)) || !/^\d+$/.test(arg.text)) bad(`expected one of ${BAUD_RATES.join(', ')}`)
      return
    case 'facility':
      if (!(SYSLOG_FACILITIES as readonly string[]).includes(arg.text)) bad(`unknown syslog facility${didYouMean(arg.text, SYSLOG_FACILITIES)}`)
      return
    case 'enum':
      if (!spec.values!.includes(arg.text)) bad(`expected ${spec.values!.join(' or ')}${didYouMean(arg.text, spec.values!)}`)
      return
    case 'crm':
      if (!(CRM_VALUES as readonly string[]).includes(arg.text.toLowerCase())) bad(`expected on, off, respawn, minimal, manual, ccm-only or valgrind`)
      return
    case 'env':
      if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(arg.text)) bad('expected NAME=value')
      return
    default:
      return
  }
}

/** udpport must come before bcast/ucast lines and baud before serial lines (§2.4). */
function checkOrdering(cf: HaCf, findings: Finding[]): void {
  let firstUdpMedium: HaCfDirective | undefined
  let firstMedium: HaCfDirective | undefined
  let firstSerial: HaCfDirective | undefined
  let portInUse = DEFAULT_UDP_PORT
  const hasSerial = cf.directives.some((d) => d.name === 'serial')
  for (const d of cf.directives) {
    if (UDP_MEDIA.has(d.name) && !firstUdpMedium) firstUdpMedium = d
    if (MEDIA.has(d.name) && !firstMedium) firstMedium = d
    if (d.name === 'serial' && !firstSerial) firstSerial = d
    const value = d.args.at(-1)?.text
    if (d.name === 'udpport' && value !== undefined) {
      const port = parseHeartbeatInt(value)
      if (firstUdpMedium) {
        const differs = port !== portInUse
        findings.push(
          report(
            'hacf-udpport-after-media',
            d.location,
            `udpport must precede media statements: the ${firstUdpMedium.name} line ${firstUdpMedium.location.line} above ${differs ? `keeps port ${portInUse}, not ${value}` : 'was already set up (same port, so no harm), and Heartbeat complains on every start'}; move udpport above it`,
            differs ? 'error' : 'warning',
          ),
        )
      } else if (port !== undefined) portInUse = port
    }
    // Without any serial line the baud rate is unused: its position cannot matter.
    if (d.name === 'baud' && value !== undefined && firstMedium && hasSerial) {
      const differs = Number(value) !== DEFAULT_BAUD
      const serialBefore = firstSerial !== undefined
      findings.push(
        report(
          'hacf-baud-after-media',
          d.location,
          serialBefore && differs
            ? `baud must precede media statements: the serial line ${firstSerial!.location.line} above runs at ${DEFAULT_BAUD}, not ${value}; move baud above it`
            : `baud must precede media statements (line ${firstMedium.location.line} is a ${firstMedium.name} medium); Heartbeat complains on start; move it above the media lines`,
          serialBefore && differs ? 'error' : 'warning',
        ),
      )
    }
  }
}

function checkTiming(cf: HaCf, findings: Finding[]): void {
  const t = timing(cf)
  const at = (name: string) => lastValue(cf, name)?.location ?? {file: cf.file, line: 1, column: 1}
  if (t.deadtimeMs <= 2 * t.keepaliveMs) {
    findings.push(
      report('hacf-deadtime-short', at(t.explicit.deadtime ? 'deadtime' : 'keepalive'), `deadtime ${secs(t.deadtimeMs)} must be more than twice keepalive ${secs(t.keepaliveMs)}: Heartbeat refuses to start ("Dead time is too small")`),
    )
  }
  if (t.explicit.deadping && t.deadpingMs <= 2 * t.keepaliveMs) {
    findings.push(report('hacf-deadping-short', at('deadping'), `deadping ${secs(t.deadpingMs)} must be more than twice keepalive ${secs(t.keepaliveMs)}: Heartbeat refuses to start`))
  }
  if (t.initdeadMs < t.deadtimeMs) {
    findings.push(report('hacf-initdead-smaller', at('initdead'), `initdead ${secs(t.initdeadMs)} is smaller than deadtime ${secs(t.deadtimeMs)}: Heartbeat refuses to start`))
  } else if (t.initdeadMs < 2 * t.deadtimeMs || t.initdeadMs < 10000) {
    const where = t.explicit.initdead ? at('initdead') : at('deadtime')
    const what = t.explicit.initdead ? `initdead ${secs(t.initdeadMs)}` : `initdead is not set, so Heartbeat uses ${secs(t.initdeadMs)}; that`
    findings.push(
      report('hacf-initdead-short', where, `${what} is less than ${t.initdeadMs < 10000 ? '10 s' : `twice deadtime (${secs(2 * t.deadtimeMs)})`}: a peer that boots slowly is declared dead; set initdead to at least ${secs(Math.max(2 * t.deadtimeMs, 10000))}`),
    )
  }
  if (t.explicit.warntime && t.warntimeMs > 0) {
    if (t.warntimeMs >= t.deadtimeMs) {
      findings.push(report('hacf-warntime-range', at('warntime'), `warntime ${secs(t.warntimeMs)} is not below deadtime ${secs(t.deadtimeMs)}: no late-heartbeat warning comes before a node is declared dead`))
    } else if (t.warntimeMs <= t.keepaliveMs) {
      findings.push(report('hacf-warntime-range', at('warntime'), `warntime ${secs(t.warntimeMs)} is not above keepalive ${secs(t.keepaliveMs)}: every heartbeat would be reported late`))
    }
  }
}

function checkMedia(cf: HaCf, findings: Finding[], top: SourceLocation, system: SystemView): void {
  const list = media(cf)
  if (list.length === 0) {
    findings.push(report('hacf-no-media', top, 'no heartbeat medium (bcast, mcast, ucast or serial): Heartbeat refuses to start ("No heartbeat media defined")'))
  } else if (!list.some((m) => NODE_MEDIA.has(m.type))) {
    findings.push(report('hacf-no-media', list[0].location, 'only ping media: the nodes have no path to exchange heartbeats and each will declare the others dead; add a bcast, mcast, ucast or serial line'))
  }
  if (list.length > 64) findings.push(report('hacf-too-many-media', list[64].location, `${list.length} media; Heartbeat allows at most 64`))
  const bad = (loc: SourceLocation, message: string) => findings.push(report('hacf-media-invalid', loc, message))
  const interfaces = system.offline ? undefined : system.interfaces
  for (const m of list) {
    if (interfaces && (m.type === 'bcast' || m.type === 'ucast' || m.type === 'ucast6' || m.type === 'mcast' || m.type === 'mcast6') && m.interface && !interfaces.includes(m.interface)) {
      findings.push(
        report('hacf-interface-missing', m.location, `interface ${m.interface} does not exist on this machine${didYouMean(m.interface, interfaces)}: Heartbeat refuses to start ("IP interface [${m.interface}] does not exist")`),
      )
    }
    switch (m.type) {
      case 'ucast':
      case 'ucast6':
        if (!m.peer) bad(m.location, `${m.type} needs an interface and a peer address ("${m.type} eth0 10.0.0.2")`)
        break
      case 'mcast':
      case 'mcast6': {
        if (!m.loop) {
          bad(m.location, `${m.type} needs five fields: interface group port ttl loop ("${m.type} eth0 225.0.0.1 694 1 0")`)
          break
        }
        if (m.type === 'mcast' && !/^(22[4-9]|23\d)\.\d+\.\d+\.\d+$/.test(m.group)) bad(m.location, `mcast group ${m.group} is not a multicast address (224.0.0.0/4)`)
        const port = parseHeartbeatInt(m.port)
        if (port === undefined || port <= 0 || port > 65535) bad(m.location, `${m.type} port ${m.port} is not a UDP port`)
        const ttl = parseHeartbeatInt(m.ttl)
        if (ttl === undefined || ttl < 0 || ttl > 4) bad(m.location, `${m.type} ttl ${m.ttl} must be 0..4: Heartbeat refuses larger values`)
        if (m.loop !== '0' && m.loop !== '1') bad(m.location, `${m.type} loop ${m.loop} must be 0 or 1`)
        break
      }
      case 'ping_group':
        if (m.hosts.length === 0) bad(m.location, 'ping_group needs a name and at least one host')
        break
      default:
        break
    }
  }
}

function checkNodes(cf: HaCf, findings: Finding[], top: SourceLocation): void {
  const seen = new Map<string, number>()
  for (const d of directivesNamed(cf, 'node')) {
    for (const arg of d.args) {
      const name = arg.text.toLowerCase()
      const line = seen.get(name)
      if (line !== undefined) findings.push(report('hacf-duplicate-node', arg.location, `node ${arg.text} is already declared on line ${line}`))
      else seen.set(name, arg.location.line)
    }
  }
  const names = nodeNames(cf)
  const autojoinAny = lastValue(cf, 'autojoin')?.text === 'any'
  if (names.length === 0 && !autojoinAny) findings.push(report('hacf-no-nodes', top, 'no node line: Heartbeat refuses to start ("no nodes defined"); list every cluster node by its uname -n'))
  else if (names.length === 1) {
    findings.push(report('hacf-one-node', directivesNamed(cf, 'node')[0].location, `only one node (${names[0]}) is declared: there is nothing to fail over to; add a node line for each cluster member`))
  }
  const total = names.length + pingNodes(cf).length
  if (total > 100) findings.push(report('hacf-too-many-nodes', top, `${total} nodes including ping nodes; Heartbeat allows at most 100`))
}

function checkClients(cf: HaCf, findings: Finding[], system: SystemView): void {
  const users = system.offline ? undefined : knownUsers(system)
  const groups = system.offline ? undefined : knownGroups(system)
  for (const d of cf.directives) {
    const a = d.args.map((x) => x.text)
    if (d.name === 'respawn' || d.name === 'failfast') {
      if (a.length < 2) {
        findings.push(report('hacf-respawn-invalid', d.location, `${d.name} needs a user and a program ("${d.name} hacluster /usr/lib/heartbeat/ipfail")`))
        continue
      }
      const [user, program] = a
      if (!program.startsWith('/')) {
        findings.push(report('hacf-respawn-invalid', d.args[1].location, `${program} is not a full path name: Heartbeat refuses to start`))
        continue
      }
      if (system.offline) continue
      if (users && !users.has(user)) findings.push(report('hacf-respawn-user', d.args[0].location, `user ${user} does not exist on this machine: Heartbeat refuses to start ("Invalid uid")`))
      const state = programState(system, program)
      if (state !== 'ok') {
        const elsewhere = programsNamed(system, basename(program)).filter((p) => p !== program)
        const hint = elsewhere.length > 0 ? ` (did you mean "${elsewhere[0]}"?)` : ''
        findings.push(
          report('hacf-respawn-missing', d.args[1].location, `${program} ${state === 'missing' ? 'does not exist' : 'is not executable'} on this machine${hint}: Heartbeat refuses to start`),
        )
      }
    } else if (d.name === 'apiauth') {
      const [client, ...rest] = d.args
      const ids = rest.filter((x) => /^(uid|gid)=/.test(x.text))
      if (!client || ids.length === 0 || ids.length !== rest.length) {
        findings.push(report('hacf-apiauth-invalid', d.location, 'apiauth needs a client name and uid=… and/or gid=… lists ("apiauth ipfail uid=hacluster")'))
        continue
      }
      if (system.offline) continue
      for (const id of ids) {
        const [kind, list] = id.text.split('=', 2)
        const known = kind === 'uid' ? users : groups
        if (!known) continue
        for (const name of list.split(',').filter(Boolean)) {
          if (!known.has(name) && !/^\d+$/.test(name)) {
            findings.push(report('hacf-apiauth-unknown-id', id.location, `${kind === 'uid' ? 'user' : 'group'} ${name} does not exist on this machine`))
          }
        }
      }
    } else if (d.name === 'stonith' && a.length < 2) {
      findings.push(report('hacf-stonith-invalid', d.location, 'stonith needs a device type and a configuration file ("stonith baytech /etc/ha.d/conf/stonith.baytech")'))
    } else if (d.name === 'stonith_host' && a.length < 2) {
      findings.push(report('hacf-stonith-invalid', d.location, 'stonith_host needs a host (or *) and a device type, then its parameters'))
    }
  }
}
