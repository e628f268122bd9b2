/**
 * ha.cf (+ the authkeys selection) → corosync.conf for corosync 3 (knet),
 * CIB cluster properties, ping clones and fencing resources
 * (converting.md §3).
 */
import {emptyCib, type Cib, type Primitive, type Resource} from '../../formats/cib/model.js'
import {pair, section, type CorosyncConf, type CorosyncItem} from '../../formats/corosync/model.js'
import {finding, type Finding, type Severity, type SourceLocation} from '../../core/findings.js'
import {nvSet, primitive, type Params} from '../cib-build.js'
import {IdAllocator} from '../ids.js'
import {opsFor} from '../haresources/convert.js'
import {fakeFencing, fenceAgentEquivalent, stonithParams} from './stonith.js'
import {pacemakerDuration, parseHeartbeatTime} from './time.js'
import type {AuthkeysKey, HaCfDirective} from './types.js'

export interface HaCfOptions {
  /** Known addresses per node (from drbd.conf `on host { address … }`), used to place ucast targets. */
  addresses?: Record<string, string>
  /** Nodes that must be in the nodelist although ha.cf lacks them (named in haresources), with the line naming them. */
  extraNodes?: Array<string | {name: string; location?: SourceLocation}>
  /** The selected authkeys key; undefined = no authkeys given. */
  authkeys?: AuthkeysKey
  /** Path corosync reads the key from (default /etc/corosync/authkey). */
  keyfile?: string
  ids?: IdAllocator
  file?: string
}

export interface DirectiveMapping {
  location?: SourceLocation
  directive: string
  target: string
}

export interface HaCfConversion {
  corosync: CorosyncConf
  /** Properties, ping clones, fencing resources and their constraints. */
  cib: Cib
  nodes: string[]
  autoFailback?: {value: string; location?: SourceLocation}
  /** True when ipfail was respawned with ping nodes: add connectivity rules to every group. */
  connectivity: boolean
  /** Where ha.cf says `crm on`/`pacemaker on` (heartbeat then ignored haresources). */
  crmMode?: SourceLocation
  findings: Finding[]
  mappings: DirectiveMapping[]
}

const ignoredDirectives = new Set([
  'traditional_compression', 'hopfudge', 'realtime', 'rtprio', 'msgfmt', 'hbgenmethod', 'coredumps', 'coreroot',
  'log_badpack', 'syslogmsgfmt', 'normalpoll', 'uuidfrom', 'env', 'memreserve', 'max_rexmit_delay',
  'record_config_changes', 'record_pengine_inputs', 'enable_config_writes', 'crm_daemon_dir', 'crmd_spawns_pengine',
  'use_apphbd', 'quorum_server', 'failfast', 'compression', 'compression_threshold', 'use_logd', 'conn_logd_time',
  'debugfile', 'baud', 'udpport', 'keepalive', 'deadping', 'apiauth',
])

export function convertHaCf(directives: readonly HaCfDirective[], options: HaCfOptions = {}): HaCfConversion {
  const findings: Finding[] = []
  const mappings: DirectiveMapping[] = []
  const ids = options.ids ?? new IdAllocator()
  const cib = emptyCib()
  // A finding about the file as a whole (nothing on one line caused it) points at its first line.
  const fileStart: SourceLocation | undefined = options.file ? {file: options.file, line: 1, column: 1} : undefined
  const report = (severity: Severity, id: string, location: SourceLocation | undefined, message: string) =>
    findings.push(finding(id, severity, location ?? fileStart, message))
  // stonith lines hold passwords: the report names the plugin only.
  const shown = (d: HaCfDirective) => (d.name.startsWith('stonith') ? `${d.name} ${d.value.trim().split(/\s+/).slice(0, 2).join(' ')} …` : `${d.name} ${d.value}`.trim())
  const map = (d: HaCfDirective, target: string) => mappings.push({location: d.location, directive: shown(d), target})
  const words = (d: HaCfDirective) => d.value.split(/[\s,]+/).filter((w) => w !== '')
  const time = (d: HaCfDirective) => {
    const ms = parseHeartbeatTime(d.value)
    if (ms === undefined) report('error', 'convert-hacf-time', d.location, `${d.name} ${d.value}: not a heartbeat time value`)
    return ms
  }

  const nodes: string[] = []
  const nodeSet = new Set<string>() // membership in O(1): ha.cf may name thousands of nodes
  /** Where each node was declared: what a finding about the node points at. */
  const nodeLocations = new Map<string, SourceLocation | undefined>()
  let crmMode: SourceLocation | undefined
  const ucast: Array<{dev: string; target: string; location?: SourceLocation}> = []
  const pings: string[] = []
  const pingGroups: Array<{name: string; hosts: string[]; location?: SourceLocation}> = []
  const stonith: Array<{from: string; type: string; args: string[]; location?: SourceLocation; file?: string}> = []
  const ignored: string[] = []
  let clusterName = 'linux-ha'
  let deadtime: number | undefined
  let warntime: number | undefined
  let initdead: number | undefined
  let deadping: number | undefined
  let ipfail = false
  let ipfailLocation: SourceLocation | undefined
  let autoFailback: HaCfConversion['autoFailback']
  let watchdog: HaCfDirective | undefined
  const logging: CorosyncItem[] = []
  let sawMedia = false

  for (const d of directives) {
    switch (d.name) {
      case 'node':
        for (const n of words(d)) {
          if (nodeSet.has(n)) continue
          nodeSet.add(n)
          nodes.push(n)
          nodeLocations.set(n, d.location)
        }
        map(d, 'nodelist node entries')
        break
      case 'cluster':
        clusterName = d.value.trim()
        map(d, `totem.cluster_name and CIB cluster-name = ${clusterName}`)
        break
      case 'deadtime':
        deadtime = time(d)
        break
      case 'warntime':
        warntime = time(d)
        break
      case 'initdead':
        initdead = time(d)
        break
      case 'deadping':
        deadping = time(d)
        break
      case 'keepalive':
        map(d, 'informational only (knet sends its own heartbeats)')
        break
      case 'udpport':
        map(d, 'not used: knet listens on 5405 per link (set mcastport in the interface section if a firewall needs another port)')
        break
      case 'udp':
      case 'bcast':
      case 'mcast':
      case 'mcast6':
        sawMedia = true
        if (d.name === 'udp') report('warning', 'convert-hacf-udp', d.location, "'udp' is heartbeat's legacy alias of 'bcast'.")
        map(d, 'knet link 0 (unicast between the nodelist addresses; broadcast/multicast are not used)')
        break
      case 'ucast':
      case 'ucast6': {
        sawMedia = true
        const [dev = '', target = ''] = words(d)
        ucast.push({dev, target, location: d.location})
        map(d, `address ${target} on knet link of ${dev}`)
        break
      }
      case 'serial':
        sawMedia = true
        report('warning', 'convert-hacf-serial', d.location, 'serial heartbeat media have no Corosync equivalent; add a second network link (knet link 1) for redundancy.')
        break
      case 'hbaping':
        report('warning', 'convert-hacf-hbaping', d.location, 'hbaping (FC HBA ping) has no equivalent; dropped.')
        break
      case 'auto_failback':
        autoFailback = {value: d.value.trim(), location: d.location}
        break
      case 'nice_failback': {
        const on = /^(on|true|yes|y|1)$/i.test(d.value.trim())
        autoFailback = {value: on ? 'off' : 'legacy', location: d.location}
        report('warning', 'convert-hacf-nice-failback', d.location, `nice_failback is obsolete; treated as auto_failback ${on ? 'off' : 'legacy'}.`)
        break
      }
      case 'ping':
        pings.push(...words(d))
        break
      case 'ping_group': {
        const [name = 'group', ...hosts] = words(d)
        pingGroups.push({name, hosts, location: d.location})
        break
      }
      case 'respawn': {
        const [, program = ''] = d.value.trim().split(/\s+/)
        const base = program.split('/').pop() ?? ''
        if (base === 'ipfail') {
          ipfail = true
          ipfailLocation = d.location
          map(d, 'connectivity rule on pingd for every converted group')
        } else if (base === 'dopd') {
          report('warning', 'convert-hacf-dopd', d.location, 'dopd (DRBD outdate-peer daemon) does not exist any more: configure fence-peer "/usr/lib/drbd/crm-fence-peer.sh" (DRBD 9: crm-fence-peer.9.sh) and the unfence handler in drbd.conf.')
        } else if (base === 'pingd') {
          map(d, 'ocf:pacemaker:ping clone (pingd attribute)')
          ipfail = true
        } else {
          report('warning', 'convert-hacf-respawn', d.location, `respawned program ${program} is not started by Corosync/Pacemaker; run it as a systemd unit or an ocf:heartbeat:anything clone.`)
        }
        break
      }
      case 'stonith': {
        const [type = '', file] = d.value.trim().split(/\s+/)
        stonith.push({from: '*', type, args: [], location: d.location, file})
        break
      }
      case 'stonith_host': {
        const [from = '*', type = '', ...args] = d.value.trim().split(/\s+/)
        stonith.push({from, type, args, location: d.location})
        break
      }
      case 'watchdog':
        watchdog = d
        report('warning', 'convert-hacf-watchdog', d.location, `watchdog ${d.value.trim()} not enabled automatically: use corosync resources.watchdog_device or sbd (not both; sbd's diskless mode needs real quorum). A commented hint is in corosync.conf.`)
        break
      case 'crm':
      case 'pacemaker':
        if (!/^(off|no|false|n|0)$/i.test(d.value.trim())) {
          crmMode = d.location
          report('warning', 'convert-hacf-crm-mode', d.location, `${d.name} ${d.value.trim()}: this cluster ran Pacemaker on Heartbeat, its resources are in the CIB (/var/lib/heartbeat/crm/cib.xml): convert that with 'hakit convert cib'; haresources is ignored in this mode.`)
        }
        break
      case 'autojoin':
        if (d.value.trim() !== 'none') report('warning', 'convert-hacf-autojoin', d.location, `autojoin ${d.value.trim()}: Corosync needs a static nodelist; add nodes with 'pcs cluster node add' or 'crm cluster join'.`)
        break
      case 'logfacility': {
        const facility = d.value.trim()
        if (facility === 'none') logging.push(pair('to_syslog', 'no'))
        else logging.push(pair('to_syslog', 'yes'), pair('syslog_facility', facility))
        map(d, facility === 'none' ? 'logging.to_syslog: no' : `logging.syslog_facility: ${facility}`)
        break
      }
      case 'logfile':
        logging.push(pair('to_logfile', 'yes'), pair('logfile', '/var/log/corosync/corosync.log'))
        map(d, "logging.to_logfile (corosync's own log file; Pacemaker logs via PCMK_logfile in /etc/default/pacemaker)")
        break
      case 'debug':
        if (Number(d.value) > 0) logging.push(pair('debug', 'on'))
        map(d, 'logging.debug')
        break
      default:
        if (ignoredDirectives.has(d.name)) ignored.push(d.name)
        else report('warning', 'convert-hacf-unknown', d.location, `unknown ha.cf directive '${d.name}' (heartbeat refused to start with it); ignored.`)
    }
  }

  // Every directive appears in the report's table, also those only described by findings.
  const described: Record<string, string> = {
    deadtime: 'totem.token', warntime: 'totem.token_warning', initdead: 'CIB dc-deadtime (wait for peers at start-up)', deadping: 'ping resource dampen',
    auto_failback: 'rsc_defaults resource-stickiness', nice_failback: 'rsc_defaults resource-stickiness',
    ping: 'ocf:pacemaker:ping clone cl_ping', ping_group: 'ocf:pacemaker:ping clone per group',
    stonith: 'stonith primitive (parameters not converted)', stonith_host: 'stonith primitive + stonith-enabled=true',
    watchdog: 'commented hint in corosync.conf (not enabled)', serial: 'no equivalent (dropped)', hbaping: 'no equivalent (dropped)',
    crm: 'none (see findings)', pacemaker: 'none (see findings)', autojoin: 'none: static nodelist', respawn: 'not converted (see findings)',
  }
  const mappedDirectives = new Set(mappings.map((m) => m.location))
  for (const d of directives) {
    if (d.location && mappedDirectives.has(d.location)) continue
    map(d, described[d.name] ?? (ignoredDirectives.has(d.name) ? 'no equivalent (dropped)' : 'unknown directive (ignored)'))
  }
  mappings.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0))

  if (ignored.length > 0) {
    report('info', 'convert-hacf-ignored', directives.find((d) => ignored.includes(d.name))?.location, `directives without an equivalent were dropped: ${[...new Set(ignored)].join(', ')}.`)
  }
  if (!sawMedia) report('warning', 'convert-hacf-no-media', undefined, 'ha.cf declares no heartbeat medium (heartbeat refused to start); knet link 0 is used.')

  const nodesLower = new Set(nodes.map((n) => n.toLowerCase()))
  for (const entry of options.extraNodes ?? []) {
    const extra = typeof entry === 'string' ? {name: entry} : entry
    if (!nodesLower.has(extra.name.toLowerCase())) {
      nodesLower.add(extra.name.toLowerCase())
      nodes.push(extra.name)
      nodeLocations.set(extra.name, extra.location)
      report('warning', 'convert-hacf-node-added', extra.location, `node ${extra.name} is named in haresources but not declared in ha.cf; added to the nodelist.`)
    }
  }
  if (directives.length === 0 && options.file) {
    report('error', 'convert-hacf-empty', undefined, 'ha.cf has no directives (heartbeat refused to start with it): no nodes, no media; the corosync.conf written from it is not usable.')
  }
  if (nodes.length === 0) {
    report('error', 'convert-hacf-no-nodes', undefined, "no node is declared (no 'node' line in ha.cf, no haresources line): corosync.conf gets an empty nodelist and will not start; add 'node NAME' lines.")
  }

  // --- corosync.conf
  const totem: CorosyncItem[] = [pair('version', 2), pair('cluster_name', clusterName), pair('transport', 'knet')]
  if (deadtime !== undefined) {
    totem.push(pair('token', deadtime))
    report(deadtime < 1000 ? 'warning' : 'info', 'convert-hacf-token', directives.find((d) => d.name === 'deadtime')?.location,
      `token=${deadtime} ms from deadtime (corosync's default is 3000 ms${deadtime < 1000 ? '; this is very small, expect false failovers' : deadtime > 3000 ? '; consider the default for faster failover' : ''}).`)
    if (warntime !== undefined) {
      const percent = Math.round((100 * warntime) / deadtime)
      if (percent < 100 && percent > 0) totem.push(pair('token_warning', percent))
    }
  }
  const auth = options.authkeys
  totem.push(pair('crypto_cipher', 'aes256'), pair('crypto_hash', 'sha256'))
  if (options.keyfile) totem.push(pair('keyfile', options.keyfile))
  if (!auth) {
    report('warning', 'convert-authkey-new', undefined, 'no authkeys given: Corosync crypto is enabled; generate /etc/corosync/authkey (corosync-keygen) and copy it to all nodes (mode 0400).')
  } else if (auth.method === 'crc') {
    report('warning', 'convert-auth-crc', auth.location, 'heartbeat traffic was unauthenticated (crc); Corosync crypto (aes256/sha256) is enabled with a new key.')
  } else {
    report('info', 'convert-auth', auth.location, `authkeys ${auth.method}: heartbeat signed messages (no encryption); Corosync uses crypto_cipher aes256 + crypto_hash sha256 with an authkey derived from or replacing the ${auth.method} key.`)
  }

  const links = assignAddresses(nodes, ucast, options.addresses ?? {}, report, (n) => nodeLocations.get(n), firstUcastOrMedium(directives))
  const linkCount = links.length
  const interfaces = Array.from({length: linkCount}, (_, i) => section('interface', [pair('linknumber', i)]))
  totem.push(...interfaces)

  const nodelist = section('nodelist', nodes.map((name, i) => {
    const items: CorosyncItem[] = links.map((addrs, link) => pair(`ring${link}_addr`, addrs[i]!))
    items.push(pair('name', name), pair('nodeid', i + 1))
    return section('node', items)
  }))
  const quorum = section('quorum', [pair('provider', 'corosync_votequorum')])
  if (nodes.length === 2) quorum.items.push(pair('two_node', 1))
  if (!logging.some((i) => i.kind === 'pair' && i.key === 'to_syslog')) logging.push(pair('to_syslog', 'yes'))
  if (!logging.some((i) => i.kind === 'pair' && i.key === 'to_logfile')) logging.push(pair('to_logfile', 'no'))
  logging.push(pair('timestamp', 'on'))

  const corosync: CorosyncConf = {
    header: ['corosync.conf for corosync 3 (knet), converted from ha.cf by hakit.'],
    items: [section('totem', totem), nodelist, quorum, section('logging', logging)],
  }
  if (watchdog) {
    // The hint is the key itself, inside resources {} where corosync reads it; "off" keeps it disabled.
    corosync.items.push(section('resources', [pair('watchdog_device', 'off')], [
      `heartbeat used 'watchdog ${watchdog.value.trim()}'. To use it, set watchdog_device: ${watchdog.value.trim()}`,
      'below, or configure sbd (SBD_WATCHDOG_DEV) instead — never both.',
    ]))
  }

  // --- CIB properties
  const props: Params = [['stonith-enabled', stonith.length > 0 ? 'true' : 'false']]
  if (stonith.length === 0) {
    report('warning', 'convert-no-fencing', undefined, 'no fencing configured: stonith-enabled=false. With DRBD or shared storage this risks data corruption; configure a fence device.')
  }
  if (initdead !== undefined) {
    props.push(['dc-deadtime', pacemakerDuration(initdead)])
  }
  props.push(['cluster-name', clusterName])
  cib.crmConfig.push(nvSet('cib-bootstrap-options', props))

  // --- ping → ocf:pacemaker:ping clones
  const pingLocation = directives.find((d) => d.name === 'ping')?.location
  const dampen = deadping !== undefined ? pacemakerDuration(deadping) : '5s'
  const clusterAddresses = new Set([...links.flat(), ...Object.values(options.addresses ?? {})])
  if (pings.length > 0) {
    cib.resources.push(pingClone(ids, 'ping', pings, dampen, undefined))
    for (const host of pings) {
      if (clusterAddresses.has(host)) report('warning', 'convert-ping-is-node', pingLocation, `ping node ${host} is a cluster node address; it cannot tell network isolation from a dead peer.`)
    }
  }
  for (const g of pingGroups) {
    cib.resources.push(pingClone(ids, `ping_${g.name}`, g.hosts, dampen, `pingd_${g.name}`))
  }
  const connectivity = ipfail && (pings.length > 0 || pingGroups.length > 0)
  if ((pings.length > 0 || pingGroups.length > 0) && !ipfail) {
    report('warning', 'convert-ping-no-ipfail', pingLocation, 'ping nodes only affected placement through ipfail, which is not respawned; the ping clone is emitted without a connectivity rule.')
  }
  if (ipfail && pings.length === 0 && pingGroups.length === 0) {
    report('warning', 'convert-ipfail-no-ping', ipfailLocation, 'ipfail is respawned but no ping nodes are declared; no connectivity rule.')
  }
  if (pingGroups.length > 0 && connectivity) {
    report('info', 'convert-ping-group', pingGroups[0]!.location, 'ping_group attributes (pingd_<group>) are published but only the pingd attribute of the plain ping clone drives the connectivity rule; add rules for the groups if needed.')
  }

  // --- stonith → fencing resources
  for (const s of stonith) cib.resources.push(...fencingResource(ids, s, nodes, cib, report))

  return {corosync, cib, nodes, autoFailback, connectivity, crmMode, findings, mappings}
}

function pingClone(ids: IdAllocator, base: string, hosts: string[], dampen: string, attribute: string | undefined): Resource {
  const id = ids.allocate(base)
  const params: Params = [['host_list', hosts.join(' ')], ['multiplier', '1000'], ['dampen', dampen]]
  if (attribute) params.push(['name', attribute])
  const p = primitive(id, {class: 'ocf', provider: 'pacemaker', type: 'ping'}, params, opsFor({class: 'ocf', provider: 'pacemaker', type: 'ping'}))
  return {kind: 'clone', id: ids.allocate(`cl_${base}`), promotable: false, legacyMaster: false, metaAttributes: [], child: p}
}

function fencingResource(
  ids: IdAllocator,
  s: {from: string; type: string; args: string[]; location?: SourceLocation; file?: string},
  nodes: string[],
  cib: Cib,
  report: (severity: Severity, id: string, location: SourceLocation | undefined, message: string) => void,
): Primitive[] {
  const names = stonithParams[s.type]
  const params: Params = []
  if (s.file !== undefined) {
    report('warning', 'convert-stonith-file', s.location, `stonith ${s.type}: its parameters are in ${s.file}, which was not converted; add them to the fencing resource by hand.`)
  } else if (!names) {
    report('warning', 'convert-stonith-type', s.location, `stonith plugin '${s.type}' is unknown to cluster-glue; parameters were named arg1, arg2, ….`)
    s.args.forEach((a, i) => params.push([`arg${i + 1}`, a]))
  } else {
    names.forEach((name, i) => {
      // The last parameter takes the rest of the line (hostlists may hold several names).
      const v = i === names.length - 1 ? s.args.slice(i).join(' ') : s.args[i]
      if (v !== undefined && v !== '') params.push([name, v])
    })
    if (s.args.length < names.length) {
      report('warning', 'convert-stonith-params', s.location, `stonith_host ${s.type}: expected ${names.length} parameter(s) (${names.join(' ')}), got ${s.args.length}.`)
    }
  }
  if (fakeFencing.has(s.type)) {
    report('warning', 'convert-fake-fencing', s.location, `${s.type} does not power off a node; use a real fence device.`)
  }
  const modern = fenceAgentEquivalent[s.type]
  report('info', 'convert-stonith', s.location, `stonith ${s.type} → stonith:${s.type} (cluster-glue plugin; needs cluster-glue on every node)${modern ? `; the fence-agents equivalent is ${modern} (parameters renamed)` : ''}.`)
  const id = ids.allocate(`st_${s.type}_${s.from === '*' ? 'all' : s.from}`)
  const p = primitive(id, {class: 'stonith', type: s.type}, params, [{name: 'monitor', interval: '60s', timeout: '20s'}])
  if (s.from !== '*') {
    const host = nodes.find((n) => n.toLowerCase() === s.from.toLowerCase()) ?? s.from
    const locId = ids.allocate(`loc_${id}_on_${host}`)
    cib.constraints.push({
      kind: 'location',
      id: locId,
      rsc: id,
      rules: [{id: `${locId}-rule`, score: '-INFINITY', expressions: [{kind: 'expression', id: `${locId}-rule-expr`, attribute: '#uname', operation: 'ne', value: host}]}],
    })
  }
  return [p]
}

/**
 * Node addresses per knet link. ucast lines give peer addresses without
 * saying whose: a target is matched to a node by the known (drbd.conf)
 * address, or — two nodes, one unmatched target, one unmatched node — by
 * elimination. Nodes left without an address on link 0 use their name.
 */
function assignAddresses(
  nodes: string[],
  ucast: Array<{dev: string; target: string; location?: SourceLocation}>,
  known: Record<string, string>,
  report: (severity: Severity, id: string, location: SourceLocation | undefined, message: string) => void,
  nodeLocation: (node: string) => SourceLocation | undefined,
  mediumLocation: SourceLocation | undefined,
): string[][] {
  // Maps and per-node lookups computed once, so thousands of nodes or ucast lines stay linear.
  const byDev = new Map<string, Array<{target: string; location?: SourceLocation}>>()
  for (const u of ucast) {
    const list = byDev.get(u.dev) ?? []
    list.push(u)
    byDev.set(u.dev, list)
  }
  const devs = [...byDev.keys()]
  const knownLower = new Map<string, string>()
  for (const [k, v] of Object.entries(known)) if (!knownLower.has(k.toLowerCase())) knownLower.set(k.toLowerCase(), v)
  const knownOf = (n: string) => (Object.hasOwn(known, n) ? known[n] : knownLower.get(n.toLowerCase()))
  const knownPerNode = nodes.map(knownOf)
  const nodeByKnown = new Map<string, number>()
  knownPerNode.forEach((a, i) => {
    if (a !== undefined && !nodeByKnown.has(a)) nodeByKnown.set(a, i)
  })
  const links: Array<Array<string | undefined>> = []
  for (const dev of devs.length > 0 ? devs : ['']) {
    const addrs: Array<string | undefined> = nodes.map(() => undefined)
    const entries = byDev.get(dev) ?? []
    const targets = new Set(entries.map((u) => u.target))
    const unmatched: string[] = []
    for (const t of targets) {
      const i = nodeByKnown.get(t) ?? -1
      if (i >= 0) addrs[i] = t
      else unmatched.push(t)
    }
    // A node whose known address is not among the targets is the local node of this ha.cf.
    if (unmatched.length > 0 && links.length === 0) {
      for (const [i, k] of knownPerNode.entries()) if (addrs[i] === undefined && k !== undefined && !targets.has(k)) addrs[i] = k
    }
    const free = addrs.flatMap((a, i) => (a === undefined ? [i] : []))
    if (unmatched.length === 1 && free.length === 1) addrs[free[0]!] = unmatched[0]
    else if (unmatched.length > 0) {
      report('warning', 'convert-node-addr', entries.find((u) => u.target === unmatched[0])?.location, `cannot tell which node owns ucast address(es) ${unmatched.join(', ')}; set ring addresses by hand.`)
    }
    links.push(addrs)
  }
  const result: string[][] = []
  links.forEach((addrs, link) => {
    if (link === 0) {
      result.push(addrs.map((a, i) => {
        if (a !== undefined) return a
        const k = knownPerNode[i]
        if (k !== undefined) return k
        report('warning', 'convert-node-addr', nodeLocation(nodes[i]!), `no address known for ${nodes[i]}; ring0_addr set to the node name (it must resolve).`)
        return nodes[i]!
      }))
    } else if (addrs.every((a) => a !== undefined)) {
      result.push(addrs as string[])
    } else {
      report('warning', 'convert-node-addr', ucast.find((u) => u.dev === devs[link])?.location ?? mediumLocation, `ucast on ${devs[link]} does not give every node an address; knet link ${link} was left out — add ring${link}_addr for every node by hand.`)
    }
  })
  return result
}

/** Adds the ipfail-style "prefer the better connected node" rule for each placement unit. */
export function addConnectivityRules(cib: Cib, units: readonly string[], ids: IdAllocator): void {
  for (const unit of units) {
    const id = ids.allocate(`loc_${unit}_connectivity`)
    cib.constraints.push({
      kind: 'location',
      id,
      rsc: unit,
      rules: [{id: `${id}-rule`, scoreAttribute: 'pingd', expressions: [{kind: 'expression', id: `${id}-rule-expr`, attribute: 'pingd', operation: 'defined'}]}],
    })
  }
}

/** The first ucast line, else the first medium line: where findings about link addresses point. */
function firstUcastOrMedium(directives: readonly HaCfDirective[]): SourceLocation | undefined {
  const media = ['ucast', 'ucast6', 'bcast', 'mcast', 'mcast6', 'udp', 'serial']
  return (directives.find((d) => d.name === 'ucast' || d.name === 'ucast6') ?? directives.find((d) => media.includes(d.name)))?.location
}
