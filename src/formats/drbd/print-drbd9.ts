import {finding, type Finding} from '../../core/findings.js'
import type {Loc, Node, Section, Statement, Word} from './ast.js'
import type {DialectReport} from './dialect.js'
import {keywordSpec} from './keywords.js'
import {sections, type DrbdHost, type DrbdModel, type DrbdResource, type DrbdVolume} from './model.js'
import {printDrbd} from './print.js'

export interface Drbd9Output {
  /** A `resource NAME { … }` in DRBD 9 syntax, ending with a newline. */
  text: string
  /** What was moved, renamed or dropped on the way (`drbd9-*` ids, located at the source statement). */
  notes: Finding[]
}

export interface Drbd9Options {
  /** Fold the options of the `common` section into the resource (default true), so the file stands alone. */
  inheritCommon?: boolean
}

/** Option sections of a DRBD 9 resource, in the order they are printed. */
const OPTION_SECTIONS = ['options', 'net', 'disk', 'startup', 'handlers'] as const
type OptionSection = (typeof OPTION_SECTIONS)[number]

interface Mapped {
  section: OptionSection
  keyword: string
  args: Word[]
}

/**
 * Prints one resource, from any dialect, as a DRBD 9 resource: protocol into
 * net, syncer options to their 8.4/9 homes (rate → resync-rate), fencing into
 * net, `no-*` flags as `* no`, explicit volumes, node-ids, and a
 * connection-mesh for more than two hosts. Options DRBD 9 no longer has are
 * dropped with a note.
 */
export function printDrbd9Resource(resource: DrbdResource, options: Drbd9Options = {}): Drbd9Output {
  const notes: Finding[] = []
  const note: Note = (loc, message, id = 'drbd9-mapped', severity = 'info') => notes.push(finding(id, severity, loc, message))
  const scopes = [options.inheritCommon === false ? undefined : resource.common, resource.section].filter((s): s is Section => s !== undefined)
  const body = optionSections(scopes, note)
  const onHosts = resource.hosts.filter((h) => h.kind === 'on')
  const used = new Set(resource.hosts.map((h) => h.nodeId).filter((id): id is number => id !== undefined))
  let nextId = 0
  const assignId = () => {
    while (used.has(nextId)) nextId++
    used.add(nextId)
    return nextId
  }
  for (const host of resource.hosts) {
    if (host.kind === 'stacked-on-top-of') {
      note(host.loc, `stacked resource on '${host.names.join(' ')}': converted, but DRBD 9 prefers more nodes over stacking; review it by hand`, 'drbd9-stacked', 'warning')
    }
    if (host.kind === 'on' && host.names.length > 1) {
      note(host.loc, `'on ${host.names.join(' ')}' (several names) is not DRBD 9 syntax; using '${host.names[0]}' only`, 'drbd9-dropped', 'warning')
    }
    body.push(hostSection(host, host.nodeId ?? assignId(), resource, note))
  }

  const connections = resource.section.body.filter(
    (n): n is Section => n.type === 'section' && (n.keyword === 'connection' || n.keyword === 'connection-mesh'),
  )
  body.push(...connections)
  if (connections.length === 0 && onHosts.length > 2) {
    body.push(section('connection-mesh', [], [statement('hosts', onHosts.map((h) => word(h.names[0])))]))
    note(resource.loc, `${onHosts.length} hosts: added a connection-mesh of all of them`)
  }
  for (const node of resource.section.body) {
    if (node.type === 'section' && node.keyword === 'proxy') note(node.loc, 'drbd-proxy section dropped; configure the proxy for DRBD 9 by hand', 'drbd9-dropped', 'warning')
  }

  const resourceNode = section('resource', [resource.section.args[0] ?? word(resource.name)], body)
  return {text: printDrbd([resourceNode]), notes}
}

/**
 * The DRBD 9 option sections (options, net, disk, startup, handlers) for the
 * given scopes, later scopes overriding earlier ones option by option.
 */
function optionSections(scopes: Section[], note: Note): Section[] {
  const collected = new Map<OptionSection, Map<string, Statement>>(OPTION_SECTIONS.map((s) => [s, new Map()]))
  const put = (m: Mapped, loc: Loc) => collected.get(m.section)!.set(m.keyword, {type: 'statement', keyword: m.keyword, args: m.args, loc})
  for (const scope of scopes) {
    for (const node of scope.body) {
      if (node.type === 'statement' && node.keyword === 'protocol') {
        put({section: 'net', keyword: 'protocol', args: node.args}, node.loc)
        note(node.loc, 'protocol moved into net')
      } else if (node.type === 'statement' && node.keyword === 'incon-degr-cmd') {
        put({section: 'handlers', keyword: 'pri-on-incon-degr', args: node.args}, node.loc)
        note(node.loc, 'incon-degr-cmd (0.7) became the pri-on-incon-degr handler')
      } else if (node.type === 'section' && (['syncer', 'net', 'disk', 'startup', 'handlers', 'options'] as string[]).includes(node.keyword)) {
        for (const s of node.body) {
          if (s.type !== 'statement') continue
          const mapped = mapOption(node.keyword, s, note)
          if (mapped) put(mapped, s.loc)
        }
      }
    }
  }
  const out: Section[] = []
  for (const name of OPTION_SECTIONS) {
    const statements = [...collected.get(name)!.values()]
    if (statements.length > 0) out.push(section(name, [], statements))
  }
  return out
}

/**
 * A whole configuration in DRBD 9 syntax: the global section (options DRBD 9
 * knows), then either a converted `common` and the resources without it
 * (`inheritCommon: false`), or every resource standing alone (default).
 */
export function printDrbd9Config(model: DrbdModel & {dialect: DialectReport}, options: Drbd9Options = {}): Drbd9Output {
  const notes: Finding[] = []
  const note: Note = (loc, message, id = 'drbd9-mapped', severity = 'info') => notes.push(finding(id, severity, loc, message))
  const nodes: Node[] = []
  if (model.global) {
    const kept: Node[] = []
    for (const s of model.global.body) {
      if (s.type !== 'statement') continue
      const keyword = s.keyword === 'minor_count' ? 'minor-count' : s.keyword
      if (keywordSpec('global', keyword, false)?.support['9']) kept.push({...s, keyword})
      else note(s.loc, `global { ${s.keyword} } dropped: not a DRBD 9 option`, 'drbd9-dropped', 'warning')
    }
    nodes.push(section('global', [], kept))
  }
  const separateCommon = options.inheritCommon === false
  if (separateCommon && model.common) nodes.push(section('common', [], optionSections([model.common], note)))
  if (model.dialect.dialect !== '9' && model.resources[0]) {
    const message =
      model.dialect.dialect === '0.7'
        ? `written for DRBD 0.7, whose v07 on-disk metadata is two formats old: convert it with drbdmeta (v07 → v08 → v09) or re-create it ('drbdadm create-md') and run a full resync`
        : `written for DRBD ${model.dialect.dialect === '8.3' ? '8.0–8.3' : '8.4'}: after installing DRBD 9, run 'drbdadm create-md RESOURCE' on each node to convert the v08 on-disk metadata to v09 (it asks before converting)`
    note(model.resources[0].loc, message, 'drbd9-metadata', 'warning')
  }
  const parts = [nodes.length ? printDrbd(nodes) : '']
  for (const resource of model.resources) {
    const out = printDrbd9Resource(resource, {inheritCommon: !separateCommon})
    parts.push(out.text)
    notes.push(...out.notes)
  }
  // Notes about common's options come once per resource that inherits them: keep one.
  const seen = new Set<string>()
  const unique = notes.filter((n) => {
    const key = `${n.id}|${n.location?.file}:${n.location?.line}:${n.location?.column}|${n.message}`
    return seen.has(key) ? false : (seen.add(key), true)
  })
  return {text: parts.filter(Boolean).join('\n'), notes: unique}
}

function hostSection(host: DrbdHost, nodeId: number, resource: DrbdResource, note: Note): Section {
  const body: Node[] = [statement('node-id', [word(String(nodeId))])]
  if (host.address) {
    const a = host.address
    const hostText = a.family === 'ipv6' ? `[${a.host}]` : a.host
    body.push(statement('address', [word(a.family), word(a.port === null ? hostText : `${hostText}:${a.port}`)]))
  }
  for (const v of host.volumes) body.push(volumeSection(v, host, resource))
  if (host.kind === 'floating') {
    note(host.loc, 'floating section kept; DRBD 9 identifies it by its address')
    return section('floating', floatingArgs(host), body.filter((n) => n.type !== 'statement' || n.keyword !== 'address'))
  }
  return section(host.kind === 'stacked-on-top-of' ? 'stacked-on-top-of' : 'on', [word(host.names[0] ?? '')], body)
}

function floatingArgs(host: DrbdHost): Word[] {
  const a = host.address
  if (!a) return []
  const hostText = a.family === 'ipv6' ? `[${a.host}]` : a.host
  return [word(a.family), word(a.port === null ? hostText : `${hostText}:${a.port}`)]
}

function volumeSection(v: DrbdVolume, host: DrbdHost, resource: DrbdResource): Section {
  const body: Node[] = []
  if (v.device) {
    const d = v.device
    const args: Word[] = []
    if (d.path) args.push(word(d.path))
    const implied = d.path !== null && /^\/dev\/drbd(\d+)$/.exec(d.path)?.[1] === String(d.minor)
    if (d.minor !== null && !implied) args.push(word('minor'), word(String(d.minor)))
    body.push(statement('device', args))
  }
  if (v.disk) body.push(statement('disk', [word(v.disk.path)]))
  if (v.metaDisk) {
    const m = v.metaDisk
    const value = m.kind === 'internal' ? 'internal' : m.kind === 'external' ? `${m.path}[${m.index}]` : (m.path ?? 'internal')
    body.push(statement('meta-disk', [word(value)]))
  } else if (v.disk && v.disk.path !== 'none') {
    body.push(statement('meta-disk', [word('internal')]))
  }
  // 8.4/9 per-volume disk options, from the resource level or the host's own volume section.
  const number = v.number ?? 0
  for (const scope of [resource.section, host.section]) {
    for (const vol of sections(scope.body, 'volume')) {
      if (Number(vol.args[0]?.value) !== number) continue
      for (const d of sections(vol.body, 'disk')) body.push(d)
    }
  }
  return section('volume', [word(String(number))], body)
}

type Note = (loc: Loc, message: string, id?: string, severity?: 'info' | 'warning') => void

const RENAMED_FLAGS: Record<string, string> = {
  'no-disk-barrier': 'disk-barrier',
  'no-disk-flushes': 'disk-flushes',
  'no-disk-drain': 'disk-drain',
  'no-md-flushes': 'md-flushes',
  'no-tcp-cork': 'tcp-cork',
}

/** Where an option of `from { … }` lives in DRBD 9, or undefined (dropped, with a note). */
function mapOption(from: string, s: Statement, note: Note): Mapped | undefined {
  const k = s.keyword
  const args = s.args
  const drop = (why: string) => {
    note(s.loc, `${from} { ${k} } dropped: ${why}`, 'drbd9-dropped', 'warning')
    return undefined
  }
  if (from === 'syncer') {
    switch (k) {
      case 'rate':
        note(s.loc, `syncer rate → disk resync-rate; DRBD 9's dynamic resync controller only starts at this rate (set c-max-rate to cap it, or c-plan-ahead 0 for a fixed rate)`)
        return {section: 'disk', keyword: 'resync-rate', args}
      case 'group':
        return drop('resync groups are gone; order resyncs with disk { resync-after OTHER-RESOURCE; }')
      case 'after':
        note(s.loc, 'syncer after → disk resync-after')
        return {section: 'disk', keyword: 'resync-after', args}
      case 'al-extents':
      case 'c-plan-ahead':
      case 'c-fill-target':
      case 'c-delay-target':
      case 'c-max-rate':
      case 'c-min-rate':
        note(s.loc, `syncer ${k} → disk ${k}`)
        return {section: 'disk', keyword: k, args}
      case 'verify-alg':
      case 'csums-alg':
      case 'use-rle':
        note(s.loc, `syncer ${k} → net ${k}`)
        return {section: 'net', keyword: k, args}
      case 'cpu-mask':
      case 'on-no-data-accessible':
        note(s.loc, `syncer ${k} → options ${k}`)
        return {section: 'options', keyword: k, args}
      default:
        return drop('no DRBD 9 equivalent')
    }
  }
  if (from === 'disk') {
    if (k === 'fencing') {
      note(s.loc, 'disk fencing → net fencing (DRBD 9 moved it)')
      return {section: 'net', keyword: 'fencing', args}
    }
    if (k === 'on-io-error' && args[0]?.value === 'panic') {
      note(s.loc, `on-io-error panic is gone in DRBD 9: using detach`, 'drbd9-mapped', 'warning')
      return {section: 'disk', keyword: k, args: [word('detach')]}
    }
  }
  if (RENAMED_FLAGS[k]) {
    note(s.loc, `${k} → ${RENAMED_FLAGS[k]} no`)
    return {section: from === 'net' ? 'net' : 'disk', keyword: RENAMED_FLAGS[k], args: [word('no')]}
  }
  if (from === 'handlers') {
    const command = args.map((a) => a.value).join(' ')
    if (k === 'outdate-peer' || k === 'fence-peer') {
      if (k === 'outdate-peer') note(s.loc, 'outdate-peer handler → fence-peer')
      return {section: 'handlers', keyword: 'fence-peer', args: upgradeCrmScript(args, s, note)}
    }
    if (k === 'after-resync-target' && /crm-unfence-peer/.test(command)) {
      note(s.loc, 'after-resync-target crm-unfence-peer → unfence-peer crm-unfence-peer.9.sh')
      return {section: 'handlers', keyword: 'unfence-peer', args: upgradeCrmScript(args, s, note)}
    }
  }
  if (from === 'net' && k === 'on-disconnect') return drop('DRBD 9 always reconnects (0.7 on-disconnect has no equivalent)')
  const spec = keywordSpec(from, k, false)
  if (spec?.support['9']) return {section: from as OptionSection, keyword: k, args}
  if (!spec) return drop('not a known DRBD option')
  return drop('not a DRBD 9 option')
}

/** crm-fence-peer.sh / crm-unfence-peer.sh are the DRBD 8 scripts; DRBD 9 ships *.9.sh. */
function upgradeCrmScript(args: Word[], s: Statement, note: Note): Word[] {
  return args.map((a) => {
    const upgraded = a.value.replace(/crm-(un)?fence-peer\.sh/, (m) => m.replace(/\.sh$/, '.9.sh'))
    if (upgraded !== a.value) {
      note(s.loc, `${a.value} → ${upgraded} (the DRBD 9 version of the script)`)
      return {...a, value: upgraded}
    }
    return a
  })
}

const NOWHERE: Loc = {file: '', line: 0, column: 0}

function word(value: string): Word {
  return {value, quoted: false, loc: NOWHERE}
}

function statement(keyword: string, args: Word[]): Statement {
  return {type: 'statement', keyword, args, loc: NOWHERE}
}

function section(keyword: string, args: Word[], body: Node[]): Section {
  return {type: 'section', keyword, args, body, loc: NOWHERE}
}
