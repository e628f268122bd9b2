import {finding, type Finding} from '../../core/findings.js'
import type {DrbdConfig, DrbdHost, DrbdResource, Node, Section, Statement} from '../../formats/drbd/index.js'
import {describeSupport, type Evidence} from '../../formats/drbd/dialect.js'
import {allKeywords, contextsOf, keywordsOf} from '../../formats/drbd/keywords.js'
import {resourceOption, sections} from '../../formats/drbd/model.js'

/** Statements that may legitimately repeat inside one section. */
const REPEATABLE = new Set(['host', 'include', 'hosts'])
/** Sections that may repeat inside one parent. */
const REPEATABLE_SECTIONS = new Set(['resource', 'on', 'floating', 'stacked-on-top-of', 'volume', 'connection', 'path', 'skip', 'host'])

/** What replaces a deprecated keyword (shown with drbd-deprecated). */
const REPLACEMENTS: Record<string, string> = {
  syncer: 'rate → disk resync-rate, al-extents/after/c-* → disk, verify-alg/csums-alg → net, cpu-mask → options',
  'outdate-peer': 'fence-peer',
  'no-disk-barrier': 'disk-barrier no',
  'no-disk-flushes': 'disk-flushes no',
  'no-disk-drain': 'disk-drain no',
  'no-md-flushes': 'md-flushes no',
  'no-tcp-cork': 'tcp-cork no',
  rate: 'disk { resync-rate }',
  'use-bmbv': 'nothing (it was removed)',
}

const DIALECT_NAME: Record<string, string> = {'0.7': 'DRBD 0.7', '8.3': 'DRBD 8.0–8.3', '8.4': 'DRBD 8.4', '9': 'DRBD 9'}

export function checkDrbd(model: DrbdConfig, options: {haNodes?: string[]}): Finding[] {
  const out: Finding[] = []
  dialectRules(model, out)
  unknownKeywords(model, out)
  duplicates(model.nodes, out)
  tooLong(model.nodes, out)
  const names = new Map<string, DrbdResource>()
  const unfenced: DrbdResource[] = []
  for (const r of model.resources) {
    const first = names.get(r.name)
    if (first) {
      out.push(finding('drbd-duplicate-resource', 'error', r.loc, `resource '${r.name}' is defined twice (first at line ${first.loc.line} of ${first.loc.file})`))
    } else names.set(r.name, r)
    resourceRules(model, r, unfenced, out)
  }
  if (unfenced.length > 0) {
    const list = unfenced.slice(0, 5).map((r) => `'${r.name}'`).join(', ') + (unfenced.length > 5 ? ` and ${unfenced.length - 5} more` : '')
    out.push(
      finding(
        'drbd-no-fencing',
        'info',
        unfenced[0].loc,
        `no fencing policy for ${unfenced.length === 1 ? 'resource' : `${unfenced.length} resources:`} ${list}: under a cluster manager set 'fencing resource-only' (or resource-and-stonith) with the crm-fence-peer handlers to avoid split brain`,
      ),
    )
  }
  crossResource(model, out)
  if (options.haNodes) haNodeRules(model, options.haNodes, out)
  return out
}

function dialectRules(model: DrbdConfig, out: Finding[]): void {
  const {dialect, conflicts, deprecated, evidence} = model.dialect
  const name = DIALECT_NAME[dialect]
  for (const e of conflicts) {
    out.push(
      finding(
        'drbd-other-dialect',
        'error',
        e.loc,
        `${e.construct} is only valid in ${describeSupport(e.support)}, but the rest of this file is ${name}, whose drbdadm rejects it`,
      ),
    )
  }
  // One warning for a deprecated section, not one per option in it.
  for (const e of deprecated.filter((d) => d.within?.[dialect] !== 'compat')) {
    const keyword = /^`([^` ]+)/.exec(e.construct)?.[1] ?? ''
    const instead = REPLACEMENTS[keyword] ? `; use ${REPLACEMENTS[keyword]}` : ''
    out.push(finding('drbd-deprecated', 'warning', e.loc, `${e.construct} is deprecated in ${name}; drbdadm only accepts it for compatibility${instead}`))
  }
  if (dialect === '8.3' || dialect === '8.4') {
    // One line per construct (the first place), so a 2 000-resource file does not print 2 000 of them.
    const rejected = new Map<string, Evidence[]>()
    for (const e of evidence.filter((x: Evidence) => !x.support['9'] && x.support[dialect])) {
      rejected.set(e.construct, [...(rejected.get(e.construct) ?? []), e])
    }
    for (const [construct, places] of rejected) {
      const more = places.length > 1 ? ` (and ${places.length - 1} more place${places.length > 2 ? 's' : ''})` : ''
      out.push(
        finding(
          'drbd-drbd9-rejects',
          'info',
          places[0].loc,
          `${construct}${more}: drbdadm 9 before drbd-utils 9.29 rejects this; rewrite it before upgrading to DRBD 9 (\`hakit convert drbd --to drbd9\`)`,
        ),
      )
    }
  }
  if (dialect === '0.7' && model.files[0]) {
    out.push(
      finding('drbd-drbd9-rejects', 'info', {file: model.files[0].file, line: 1, column: 1}, 'DRBD 0.7 syntax: no current drbdadm reads it; `hakit convert drbd --to drbd9` writes a DRBD 9 file'),
    )
  }
}

function unknownKeywords(model: DrbdConfig, out: Finding[]): void {
  for (const u of model.dialect.unknown) {
    const what = u.isSection ? `section '${u.keyword}'` : `'${u.keyword}'`
    const where = u.context === 'top' ? 'at top level' : `in ${u.context === 'host' ? 'an on' : u.context} section`
    let hint = ''
    const elsewhere = contextsOf(u.keyword, u.isSection).filter((c) => c !== u.context)
    if (u.keyword === 'include') hint = ' (include is only allowed at top level)'
    else if (elsewhere.length > 0) hint = ` (it belongs in ${elsewhere.map(contextName).join(' or ')})`
    else {
      const suggestion = didYouMean(u.keyword, keywordsOf(u.context))
      if (suggestion) hint = ` (did you mean '${suggestion}'?)`
      else {
        const anywhere = didYouMean(u.keyword, allKeywords())
        if (anywhere) hint = ` (did you mean '${anywhere}', which belongs in ${contextsOf(anywhere, false).concat(contextsOf(anywhere, true)).map(contextName).join(' or ')}?)`
      }
    }
    out.push(finding('drbd-unknown-keyword', 'error', u.loc, `unknown ${what} ${where}${hint}`))
  }
}

/** drbdadm's scanner limits bare words to 80 characters and quoted strings to 255 (all versions). */
function tooLong(nodes: readonly Node[], out: Finding[]): void {
  for (const node of nodes) {
    if (node.type === 'skip') continue
    for (const word of node.args) {
      const limit = word.quoted ? 255 : 80
      if (word.value.length > limit) {
        out.push(finding('drbd-too-long', 'error', word.loc, `${word.quoted ? 'quoted string' : 'word'} of ${word.value.length} characters; drbdadm allows at most ${limit}${word.quoted ? '' : ' (quote it: up to 255)'}`))
      }
    }
    if (node.type === 'section') tooLong(node.body, out)
  }
}

/** Options and sections given twice in one place: drbdadm refuses redefinitions. */
function duplicates(nodes: readonly Node[], out: Finding[]): void {
  const seen = new Map<string, Node>()
  for (const node of nodes) {
    if (node.type === 'skip') continue
    if (node.type === 'section') duplicates(node.body, out)
    const repeatable = node.type === 'section' ? REPEATABLE_SECTIONS.has(node.keyword) : REPEATABLE.has(node.keyword)
    if (repeatable || node.keyword === '') continue
    const key = `${node.type}:${node.keyword}`
    const first = seen.get(key)
    if (first) {
      out.push(
        finding(
          'drbd-duplicate-option',
          'error',
          node.loc,
          `'${node.keyword}'${node.type === 'section' ? ' section' : ''} given twice in the same place (first at line ${first.loc.line})`,
        ),
      )
    } else seen.set(key, node)
  }
}

function resourceRules(model: DrbdConfig, r: DrbdResource, unfenced: DrbdResource[], out: Finding[]): void {
  const dialect = model.dialect.dialect
  const on = r.hosts.filter((h) => h.kind === 'on')
  const replicas = r.hosts.length
  if (r.name === '') out.push(finding('drbd-syntax', 'error', r.loc, 'resource without a name'))
  if (replicas === 0) {
    out.push(finding('drbd-no-hosts', 'error', r.loc, `resource '${r.name}' has no 'on' section: it is defined for no host`))
  } else if (replicas === 1) {
    out.push(
      finding(
        'drbd-single-host',
        dialect === '9' ? 'warning' : 'error',
        r.loc,
        `resource '${r.name}' has a single 'on' section (${r.hosts[0].names.join(' ') || 'floating'}): it replicates to no peer`,
      ),
    )
  }
  if (dialect === '0.7' && on.length > 2) {
    out.push(finding('drbd-too-many-hosts', 'error', on[2].loc, `DRBD 0.7 resources have exactly two 'on' sections; '${r.name}' has ${on.length}`))
  }
  if (!r.protocol && (dialect === '0.7' || dialect === '8.3')) {
    out.push(finding('drbd-missing-protocol', 'error', r.loc, `resource '${r.name}' sets no protocol (${DIALECT_NAME[dialect]} requires one; drbdadm says "protocol definition missing")`))
  }
  if (r.protocol && /^[AB]$/i.test(r.protocol.value)) {
    out.push(
      finding('drbd-async-protocol', 'info', r.protocol.loc, `protocol ${r.protocol.value} acknowledges writes before the peer's disk has them: a failover can lose the last writes`),
    )
  } else if (r.protocol && !/^[ABC]$/i.test(r.protocol.value)) {
    out.push(finding('drbd-bad-value', 'error', r.protocol.loc, `protocol must be A, B or C, not '${r.protocol.value}'`))
  }
  for (const host of r.hosts) hostRules(model, r, host, out)
  if (dialect === '9') drbd9Topology(r, on, out)
  fencingRules(r, dialect, unfenced, out)
  dualPrimaryRules(r, out)
  placeholders(r.section, out)
  const cram = resourceOption(r, 'net', 'cram-hmac-alg')
  if (cram && !resourceOption(r, 'net', 'shared-secret')) {
    out.push(finding('drbd-cram-without-secret', 'error', cram.loc, `cram-hmac-alg is set but no shared-secret: the peers cannot authenticate`))
  }
  if (r.hosts.some((h) => h.kind === 'stacked-on-top-of')) {
    out.push(finding('drbd-stacked', 'info', r.loc, `resource '${r.name}' is stacked on another DRBD resource: its cluster resources must be ordered after the lower one's promotion`))
  }
}

function hostRules(model: DrbdConfig, r: DrbdResource, host: DrbdHost, out: Finding[]): void {
  const dialect = model.dialect.dialect
  const label = host.kind === 'floating' ? 'floating section' : `'${host.kind} ${host.names.join(' ')}'`
  // DRBD 9 may give addresses in connection { host NAME address …; } or path sections instead.
  const hasPaths = sections(r.section.body, 'connection').some(
    (c) => sections(c.body, 'path').length > 0 || c.body.some((n) => n.type !== 'skip' && n.keyword === 'host' && n.args.length > 1),
  )
  if (!host.address && !hasPaths && host.kind !== 'stacked-on-top-of') {
    out.push(finding('drbd-host-incomplete', 'error', host.loc, `${label} of resource '${r.name}' has no address`))
  } else if (host.address) {
    const a = host.address
    if (a.isHostName && !PLACEHOLDER.test(a.host)) {
      out.push(finding('drbd-address-hostname', 'error', a.loc, `address '${a.host}' is not an IP address: drbdadm accepts no host names in 'address'`))
    }
    if (a.port === null) out.push(finding('drbd-address-invalid', 'error', a.loc, `address '${a.host}' has no ':port'`))
    else if (a.port < 1 || a.port > 65535) out.push(finding('drbd-address-invalid', 'error', a.loc, `port ${a.port} is out of range (1–65535)`))
    if (a.family === 'ipv4' && a.host.includes(':') && !a.isHostName) {
      out.push(finding('drbd-address-invalid', 'error', a.loc, `IPv6 address '${a.host}' needs 'address ipv6 [${a.host}]:port'`))
    }
  }
  if (host.volumes.length === 0) {
    out.push(finding('drbd-host-incomplete', 'error', host.loc, `${label} of resource '${r.name}' defines no device, disk or volume`))
  }
  for (const v of host.volumes) {
    const vlabel = v.number === null ? '' : ` volume ${v.number}`
    const diskless = v.disk?.path === 'none'
    if (!v.device) out.push(finding('drbd-host-incomplete', 'error', v.loc ?? host.loc, `${label}${vlabel} of resource '${r.name}' has no device`))
    else if (v.device.minor === null) {
      out.push(finding('drbd-device-invalid', 'error', v.device.loc, `device '${v.device.path ?? ''}' is neither /dev/drbdN nor given with 'minor N'`))
    }
    // A stacked resource's disk is the lower resource's device.
    const stacked = host.kind === 'stacked-on-top-of'
    if (!v.disk && !stacked) out.push(finding('drbd-host-incomplete', 'error', v.loc ?? host.loc, `${label}${vlabel} of resource '${r.name}' has no disk`))
    if (!v.metaDisk && !diskless && !stacked && (dialect === '0.7' || dialect === '8.3')) {
      out.push(finding('drbd-host-incomplete', 'error', v.loc ?? host.loc, `${label}${vlabel} of resource '${r.name}' has no meta-disk`))
    }
  }
}

function drbd9Topology(r: DrbdResource, on: DrbdHost[], out: Finding[]): void {
  const withId = on.filter((h) => h.nodeId !== undefined)
  if (on.length > 2 && withId.length < on.length) {
    for (const h of on.filter((x) => x.nodeId === undefined)) {
      out.push(finding('drbd-node-id', 'error', h.loc, `'on ${h.names.join(' ')}' needs a node-id: resource '${r.name}' has more than two hosts`))
    }
  } else if (withId.length > 0 && withId.length < on.length) {
    for (const h of on.filter((x) => x.nodeId === undefined)) {
      out.push(finding('drbd-node-id', 'error', h.loc, `'on ${h.names.join(' ')}' has no node-id while other hosts of '${r.name}' have one`))
    }
  }
  const ids = new Map<number, DrbdHost>()
  for (const h of withId) {
    const id = h.nodeId as number
    if (id > 31) out.push(finding('drbd-node-id', 'error', h.loc, `node-id ${id} is out of range (0–31)`))
    const first = ids.get(id)
    if (first) out.push(finding('drbd-node-id', 'error', h.loc, `node-id ${id} is used by '${first.names.join(' ')}' too`))
    else ids.set(id, h)
  }
  const meshes = sections(r.section.body, 'connection-mesh')
  const connections = sections(r.section.body, 'connection')
  if (on.length > 2 && meshes.length === 0 && connections.length === 0) {
    out.push(finding('drbd-mesh-missing', 'error', r.loc, `resource '${r.name}' has ${on.length} hosts but no connection-mesh or connection sections`))
  }
  const known = new Set(on.flatMap((h) => h.names))
  const checkHostRef = (name: string, loc: Statement['loc']) => {
    if (!known.has(name)) out.push(finding('drbd-unknown-host', 'error', loc, `host '${name}' is not defined by an 'on' section of '${r.name}'`))
  }
  for (const mesh of meshes) {
    for (const s of mesh.body) if (s.type === 'statement' && s.keyword === 'hosts') for (const a of s.args) checkHostRef(a.value, a.loc)
  }
  for (const c of connections) {
    const hostStatements = [...c.body, ...sections(c.body, 'path').flatMap((p) => p.body)]
    for (const s of hostStatements) if (s.type === 'statement' && s.keyword === 'host' && s.args[0]) checkHostRef(s.args[0].value, s.args[0].loc)
  }
}

function fencingRules(r: DrbdResource, dialect: string, unfenced: DrbdResource[], out: Finding[]): void {
  const fencing = resourceOption(r, 'disk', 'fencing') ?? resourceOption(r, 'net', 'fencing') ?? connectionNetOption(r, 'fencing')
  const policy = fencing?.args[0]?.value
  if (!fencing || !policy || policy === 'dont-care') {
    if (dialect !== '0.7') unfenced.push(r) // 0.7 has no fencing at all; reported once per file
    return
  }
  const fencePeer = resourceOption(r, 'handlers', 'fence-peer') ?? resourceOption(r, 'handlers', 'outdate-peer')
  if (!fencePeer) {
    out.push(
      finding('drbd-fencing-no-handler', 'warning', fencing.loc, `'fencing ${policy}' without a fence-peer handler: DRBD freezes or refuses promotion with nobody to fence the peer`),
    )
    return
  }
  const command = fencePeer.args.map((a) => a.value).join(' ')
  for (const handler of [fencePeer, resourceOption(r, 'handlers', 'after-resync-target'), resourceOption(r, 'handlers', 'unfence-peer')]) {
    const text = handler?.args.map((a) => a.value).join(' ') ?? ''
    const script = /crm-(un)?fence-peer(\.9)?\.sh/.exec(text)
    if (!handler || !script) continue
    if (dialect === '9' && !script[2]) {
      out.push(finding('drbd-fence-script-version', 'warning', handler.loc, `${script[0]} is the DRBD 8 script; DRBD 9 needs ${script[0].replace(/\.sh$/, '.9.sh')}`))
    } else if (dialect !== '9' && script[2]) {
      out.push(finding('drbd-fence-script-version', 'warning', handler.loc, `${script[0]} is the DRBD 9 script; DRBD 8 needs ${script[0].replace(/\.9\.sh$/, '.sh')}`))
    }
  }
  if (/crm-fence-peer/.test(command)) {
    const unfence = [resourceOption(r, 'handlers', 'after-resync-target'), resourceOption(r, 'handlers', 'unfence-peer')].some((s) =>
      s?.args.some((a) => /unfence/.test(a.value)),
    )
    if (!unfence) {
      out.push(
        finding(
          'drbd-fencing-no-unfence',
          'warning',
          fencePeer.loc,
          `crm-fence-peer is set but no crm-unfence-peer handler (after-resync-target or unfence-peer): the location constraint it adds is never removed`,
        ),
      )
    }
  }
  if (policy === 'resource-and-stonith') {
    out.push(
      finding('drbd-resource-and-stonith', 'info', fencing.loc, `'fencing resource-and-stonith' freezes I/O until the peer is fenced: the cluster needs stonith enabled and a working fence device`),
    )
  }
}

/** A DRBD 9 net option set per connection (`connection { net {} }` or `connection-mesh { net {} }`). */
function connectionNetOption(r: DrbdResource, keyword: string): Statement | undefined {
  for (const c of [...sections(r.section.body, 'connection'), ...sections(r.section.body, 'connection-mesh')]) {
    for (const net of sections(c.body, 'net')) {
      const found = net.body.find((n): n is Statement => n.type === 'statement' && n.keyword === keyword)
      if (found) return found
    }
  }
  return undefined
}

function dualPrimaryRules(r: DrbdResource, out: Finding[]): void {
  const two = resourceOption(r, 'net', 'allow-two-primaries') ?? connectionNetOption(r, 'allow-two-primaries')
  if (two && two.args[0]?.value !== 'no') {
    out.push(
      finding('drbd-dual-primary', 'warning', two.loc, `allow-two-primaries: a Heartbeat v1 resource had one owner; dual-primary needs a cluster file system and fencing`),
    )
  }
  const become = resourceOption(r, 'startup', 'become-primary-on')
  if (become) {
    out.push(
      finding('drbd-become-primary-on', 'warning', become.loc, `become-primary-on ${become.args.map((a) => a.value).join(' ')} promotes at boot behind the cluster manager's back; let Pacemaker promote`),
    )
  }
}

const PLACEHOLDER = /^<.*>$|^(changeme|change_me|xxx+|todo|fixme)$|^(\d{1,3}\.){1,3}x+(:\d+)?$|your[-_]?(password|secret|ip|host)/i

function placeholders(section: Section, out: Finding[]): void {
  for (const node of section.body) {
    if (node.type === 'skip') continue
    if (node.type === 'section') placeholders(node, out)
    for (const arg of node.args) {
      if (PLACEHOLDER.test(arg.value)) {
        out.push(finding('drbd-placeholder', 'error', arg.loc, `'${arg.value}' looks like a template placeholder, not a real value`))
      }
    }
  }
}

/** Minors, addresses and backing disks used twice on one host. */
function crossResource(model: DrbdConfig, out: Finding[]): void {
  const minors = new Map<string, string>()
  const addresses = new Map<string, string>()
  const disks = new Map<string, string>()
  for (const r of model.resources) {
    for (const host of r.hosts) {
      const hostKey = host.kind === 'floating' ? `floating:${host.address?.host ?? ''}` : host.names.join(' ')
      for (const v of host.volumes) {
        const what = `resource '${r.name}'${v.number === null ? '' : ` volume ${v.number}`}`
        if (v.device?.minor != null) {
          const key = `${hostKey}\0${v.device.minor}`
          const first = minors.get(key)
          if (first && first !== what) {
            out.push(finding('drbd-duplicate-minor', 'error', v.device.loc, `minor ${v.device.minor} on ${hostKey} is also used by ${first}`))
          } else minors.set(key, what)
        }
        if (v.disk && v.disk.path !== 'none') {
          const key = `${hostKey}\0disk\0${v.disk.path}`
          const first = disks.get(key)
          if (first && first !== what) out.push(finding('drbd-duplicate-disk', 'error', v.disk.loc, `disk ${v.disk.path} on ${hostKey} is also used by ${first}`))
          else disks.set(key, what)
        }
        if (v.metaDisk?.kind === 'external' && v.metaDisk.path) {
          const key = `${hostKey}\0meta\0${v.metaDisk.path}[${v.metaDisk.index}]`
          const first = disks.get(key)
          if (first && first !== what) {
            out.push(finding('drbd-duplicate-disk', 'error', v.metaDisk.loc, `meta-disk ${v.metaDisk.path}[${v.metaDisk.index}] on ${hostKey} is also used by ${first}`))
          } else disks.set(key, what)
        }
      }
      if (host.address && host.address.port !== null) {
        const key = `${host.address.host}:${host.address.port}`
        const first = addresses.get(key)
        const what = `resource '${r.name}'`
        if (first && first !== what) {
          out.push(finding('drbd-duplicate-port', 'error', host.address.loc, `address ${key} is also used by ${first}: each resource needs its own port`))
        } else if (first === what) {
          out.push(finding('drbd-duplicate-port', 'error', host.address.loc, `address ${key} is used twice in ${what}`))
        } else addresses.set(key, what)
      }
    }
  }
}

function haNodeRules(model: DrbdConfig, haNodes: string[], out: Finding[]): void {
  const exact = new Set(haNodes)
  const lower = new Map(haNodes.map((n) => [n.toLowerCase(), n]))
  for (const r of model.resources) {
    for (const host of r.hosts) {
      if (host.kind !== 'on') continue
      for (const name of host.names) {
        if (exact.has(name)) continue
        const other = lower.get(name.toLowerCase())
        if (other) {
          out.push(finding('drbd-host-not-ha-node', 'warning', host.loc, `host '${name}' of resource '${r.name}' differs in case from cluster node '${other}' (names must match uname -n exactly)`))
        } else {
          out.push(
            finding('drbd-host-not-ha-node', 'warning', host.loc, `host '${name}' of resource '${r.name}' is not a cluster node (${haNodes.join(', ') || 'none declared'})`),
          )
        }
      }
    }
  }
}

function contextName(context: string): string {
  return context === 'top' ? 'the top level' : context === 'host' ? 'on' : context === 'peer-volume' ? 'connection volume' : context
}

function didYouMean(word: string, candidates: string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const c of candidates) {
    const d = editDistance(word, c)
    if (d < bestDistance) {
      bestDistance = d
      best = c
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined
}

function editDistance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = cur
    }
  }
  return row[b.length]
}

