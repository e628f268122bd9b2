/**
 * Seeded fuzz cases for every parser and every command that reads files:
 * real configuration files from test/fixtures, mutated (slices deleted or
 * repeated, hostile tokens inserted, deep nesting, includes of devices, bad
 * encodings). The same seed always gives the same cases, so a failure is
 * reproduced by its seed and index.
 */
import {readFileSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {fixturesDir} from '../helpers/cli.js'
import {prng} from '../helpers/prng.js'


export type Kind = 'hacf' | 'haresources' | 'authkeys' | 'drbd' | 'cib' | 'crm' | 'corosync'

/** One input file of a case: text, or raw bytes (bad encodings). */
export type Content = string | Buffer

export interface FuzzCase {
  index: number
  /** Command argv (with `{dir}` for the case's directory) or a parser name prefixed `parse:`. */
  target: string
  argv: string[]
  /** Files written into the case's directory before the run. */
  files: Record<string, Content>
}

export interface Limits {
  /** Largest number of copies a repeat mutation makes (the size of inputs). */
  maxRepeat: number
  /** Deepest nesting a nesting mutation makes. */
  maxDepth: number
}

/** Inputs are cut at this size: larger ones only test the 32 MiB read limit, which is tested directly. */
const MAX_CASE_CHARS = 8 * 1024 * 1024

export const SMALL: Limits = {maxRepeat: 200, maxDepth: 5000}
export const LARGE: Limits = {maxRepeat: 12000, maxDepth: 20000}

let seedCache: Record<Kind, string[]> | undefined
function seedsOnce(): Record<Kind, string[]> {
  seedCache ??= loadSeeds()
  return seedCache
}

function read(path: string): string {
  return readFileSync(path, 'utf8')
}

function filesIn(dir: string, test: (name: string) => boolean): string[] {
  return readdirSync(dir)
    .filter((n) => test(n) && statSync(join(dir, n)).isFile())
    .sort()
    .map((n) => join(dir, n))
}

/** Real files of each kind from the fixtures. */
function loadSeeds(): Record<Kind, string[]> {
  const clusters = ['example-cluster', 'convert/every-script', 'convert/fencing', 'convert/two-lines'].map((d) => join(fixturesDir, d))
  const pick = (name: string) => clusters.map((d) => join(d, name)).filter((p) => existsFile(p)).map(read)
  const xml = [join(fixturesDir, 'cib', 'sample-crmsh.xml'), ...filesIn(join(fixturesDir, 'scheduler'), (n) => n.endsWith('.xml'))].map(read)
  return {
    hacf: [...pick('ha.cf'), read(join(fixturesDir, 'hacf', 'every-directive.ha.cf'))],
    haresources: pick('haresources'),
    authkeys: pick('authkeys'),
    drbd: [...pick('drbd.conf'), ...filesIn(join(fixturesDir, 'drbd'), (n) => /\.(conf|res)$/.test(n)).map(read)],
    cib: xml,
    crm: [read(join(fixturesDir, 'cib', 'sample.crm'))],
    corosync: [COROSYNC_SEED],
  }
}

function existsFile(p: string): boolean {
  try {
    return statSync(p).isFile()
  } catch {
    return false
  }
}

const COROSYNC_SEED = `totem {
    version: 2
    cluster_name: linux-ha
    transport: knet
    crypto_cipher: aes256
    crypto_hash: sha256
    interface {
        linknumber: 0
    }
}
nodelist {
    node {
        ring0_addr: 10.0.0.1
        name: alpha
        nodeid: 1
    }
    node {
        ring0_addr: 10.0.0.2
        name: beta
        nodeid: 2
    }
}
quorum {
    provider: corosync_votequorum
    two_node: 1
}
logging {
    to_syslog: yes
}
`

/** Tokens that have broken parsers before, or could: entities, numbers, prototype keys, separators. */
const NASTY = [
  '&#x110000;', '&#0;', '&#xD800;', '&#1114111;', '&amp', '&bogus;', '<', '>', '"', "'", '\\', '\\\n', '#', '::', ':', ';', '{', '}', '(', ')', '[', ']',
  '=', '==', '/', '//', '*', '?', '$', '${x}', '%s', '\r', '\r\n', '\t', ' ', '\u00a0', '\uFEFF', '\uFFFD', '\u{1F600}', '\u0301', 'é',
  'constructor', '__proto__', 'toString', 'hasOwnProperty', 'prototype', 'valueOf',
  '0', '-0', '1e999', '-1', '99999999999999999999', '0x10', 'NaN', 'Infinity', 'INFINITY', '-INFINITY', '+INFINITY', '1.5', '10ms', '5min', '0s',
  'node', 'auth', 'resource', 'on', 'include', 'primitive', 'group', 'clone', 'ms', 'location', 'colocation', 'order', 'rule', 'property',
  'IPaddr::', 'IPaddr2::10.0.0.1/33', 'drbddisk::', 'Filesystem::::', 'MailTo::a::b::c', '10.0.0.256', '::1', '2001:db8::1/129',
  'ucast eth0 10.0.0.1', 'node alpha beta', 'auto_failback off', 'respawn hacluster /usr/lib/heartbeat/ipfail', 'ping 10.0.0.1',
  'stonith_host * null alpha', 'include "/dev/zero";', 'include "/proc/self/status";', 'include "*";', 'include "/etc/drbd.d/*.res";',
  '<primitive id="p"/>', '<rsc_location id="l" rsc="x" node="n" score="INFINITY"/>', '<rule id="r"><rule id="r2"/></rule>', '<![CDATA[x]]>', '<!-- c -->',
  'x'.repeat(5000),
]

export class CaseGenerator {
  readonly seeds = seedsOnce()
  private readonly random: () => number

  constructor(
    readonly seed: number,
    readonly limits: Limits = SMALL,
  ) {
    this.random = prng(seed)
  }

  int(n: number): number {
    return Math.floor(this.random() * n)
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!
  }

  chance(p: number): boolean {
    return this.random() < p
  }

  /** A seed of `kind`, mutated one to four times (sometimes left alone). */
  content(kind: Kind): Content {
    let text = this.pick(this.seeds[kind])
    if (this.chance(0.05)) return text
    const rounds = 1 + this.int(4)
    for (let r = 0; r < rounds; r++) text = this.mutate(text, kind).slice(0, MAX_CASE_CHARS)
    if (this.chance(0.03)) return this.badBytes(text)
    return text
  }

  private mutate(text: string, kind: Kind): string {
    const at = this.int(text.length + 1)
    switch (this.int(11)) {
      case 0:
        return text.slice(0, at) + this.pick(NASTY) + text.slice(at)
      case 1: {
        const end = at + this.int(200)
        return text.slice(0, at) + text.slice(end)
      }
      case 2: {
        const slice = text.slice(at, at + 1 + this.int(120))
        return text.slice(0, at) + slice.repeat(1 + this.int(this.limits.maxRepeat / 10)) + text.slice(at)
      }
      case 3: {
        const lines = text.split('\n')
        const i = this.int(lines.length)
        const copies = 1 + this.int(this.limits.maxRepeat)
        lines.splice(i, 0, ...Array.from({length: copies}, () => lines[i]!))
        return lines.join('\n')
      }
      case 4: {
        const other = this.pick(this.seeds[kind]).split('\n')
        const lines = text.split('\n')
        lines.splice(this.int(lines.length + 1), 0, this.pick(other))
        return lines.join('\n')
      }
      case 5: {
        const words = text.split(/(\s+)/)
        const i = this.int(words.length)
        words[i] = this.pick(NASTY)
        return words.join('')
      }
      case 6:
        return text.slice(0, at) + this.nesting(kind) + text.slice(at)
      case 7:
        return text.slice(0, at)
      case 8:
        return text.replace(/\n/g, '\r\n')
      case 9: {
        const lines = text.split('\n')
        const i = this.int(lines.length)
        const j = this.int(lines.length)
        ;[lines[i], lines[j]] = [lines[j]!, lines[i]!]
        return lines.join('\n')
      }
      default:
        return text.slice(0, at) + this.pick(NASTY).repeat(1 + this.int(this.limits.maxRepeat)) + text.slice(at)
    }
  }

  private nesting(kind: Kind): string {
    const depth = 1 + this.int(this.limits.maxDepth)
    switch (kind) {
      case 'cib':
        return `${'<a>'.repeat(depth)}${'</a>'.repeat(this.chance(0.8) ? depth : this.int(depth))}`
      case 'crm':
        return `${'('.repeat(depth)}x${')'.repeat(depth)}`
      case 'drbd':
      case 'corosync':
        return `${'s {\n'.repeat(depth)}${'}\n'.repeat(this.chance(0.8) ? depth : this.int(depth))}`
      default:
        return '\\\n'.repeat(depth)
    }
  }

  private badBytes(text: string): Buffer {
    const bytes = Buffer.from(text)
    const at = this.int(bytes.length + 1)
    const bad = this.pick([Buffer.from([0]), Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xe9, 0x0a]), Buffer.from([0xed, 0xa0, 0x80])])
    return Buffer.concat([bytes.subarray(0, at), bad, bytes.subarray(at)])
  }

  /** Case number `index` (the generator is sequential: call in order). */
  next(index: number): FuzzCase {
    const target = this.pick(TARGETS)
    return {index, target: target.name, ...target.make(this)}
  }
}

interface Target {
  name: string
  make(g: CaseGenerator): {argv: string[]; files: Record<string, Content>}
}

/** A command over one file of `kind`, named `file` in the case directory. */
const single = (kind: Kind, file: string, argv: (g: CaseGenerator) => string[]): Target => {
  const words = argv(new CaseGenerator(0)).slice(0, 2)
  return {name: words.join(' '), make: (g) => ({argv: argv(g), files: {[file]: g.content(kind)}})}
}

/** A legacy /etc/ha.d-like directory: every file a seed, one or two of them mutated. */
function legacyDir(g: CaseGenerator): Record<string, Content> {
  const files: Record<string, Content> = {}
  const mutated = new Set([g.pick(['ha.cf', 'haresources', 'authkeys', 'drbd.conf']), g.pick(['ha.cf', 'haresources', 'authkeys', 'drbd.conf'])])
  const kinds: Record<string, Kind> = {'ha.cf': 'hacf', haresources: 'haresources', authkeys: 'authkeys', 'drbd.conf': 'drbd'}
  for (const [name, kind] of Object.entries(kinds)) {
    if (g.chance(0.1)) continue // sometimes a file is missing
    files[name] = mutated.has(name) ? g.content(kind) : g.pick(g.seeds[kind])
  }
  return files
}


const PARSERS: Kind[] = ['hacf', 'haresources', 'authkeys', 'drbd', 'cib', 'crm', 'corosync']

export const TARGETS: Target[] = [
  ...PARSERS.map((kind): Target => ({name: `parse:${kind}`, make: (g) => ({argv: [], files: {input: g.content(kind)}})})),
  single('authkeys', 'authkeys', () => ['lint', 'authkeys', '{dir}/authkeys']),
  single('hacf', 'ha.cf', () => ['lint', 'hacf', '{dir}/ha.cf']),
  single('haresources', 'haresources', () => ['lint', 'haresources', '{dir}/haresources']),
  single('drbd', 'drbd.conf', () => ['lint', 'drbd', '{dir}/drbd.conf']),
  {name: 'lint all', make: (g) => ({argv: ['lint', 'all', '{dir}', '--drbd-conf', '{dir}/drbd.conf'], files: legacyDir(g)})},
  single('haresources', 'haresources', (g) => ['convert', 'haresources', '{dir}/haresources', '--to', g.pick(['cib', 'crm', 'pcs'])]),
  {name: 'convert haresources', make: (g) => ({argv: ['convert', 'haresources', '{dir}', '--to', g.pick(['cib', 'crm', 'pcs'])], files: legacyDir(g)})},
  {name: 'convert hacf', make: (g) => ({argv: ['convert', 'hacf', '{dir}', '--to', g.pick(['corosync', 'cib', 'crm', 'pcs'])], files: legacyDir(g)})},
  single('authkeys', 'authkeys', () => ['convert', 'authkeys', '{dir}/authkeys', '--out', '{dir}/authkey.out']),
  single('drbd', 'drbd.conf', (g) => ['convert', 'drbd', '{dir}/drbd.conf', '--to', g.pick(['cib', 'crm', 'pcs', 'drbd9'])]),
  {name: 'convert all', make: (g) => ({argv: ['convert', 'all', '{dir}', '--out', '{dir}/out'], files: legacyDir(g)})},
  {name: 'crm verify', make: (g) => ({argv: ['crm', 'verify', '--cib', '{dir}/cib'], files: {cib: g.content(g.pick(['cib', 'crm']))}})},
  {name: 'crm configure show', make: (g) => ({argv: ['crm', 'configure', 'show', '--cib', '{dir}/cib', ...(g.chance(0.5) ? ['--xml'] : [])], files: {cib: g.content(g.pick(['cib', 'crm']))}})},
  {name: 'crm simulate', make: (g) => ({argv: ['crm', 'simulate', '-x', '{dir}/cib.xml', ...(g.chance(0.3) ? ['--node-fail', g.pick(['node1', 'alpha', 'nobody'])] : [])], files: {'cib.xml': g.content('cib')}})},
  {
    name: 'diff crm',
    make: (g) => ({argv: ['diff', 'crm', '{dir}/a', '{dir}/b'], files: {a: g.content(g.pick(['cib', 'crm'])), b: g.content(g.pick(['cib', 'crm']))}}),
  },
]
