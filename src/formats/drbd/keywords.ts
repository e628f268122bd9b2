/**
 * Which keyword is valid where, per drbd.conf dialect. Sources: drbd.conf(5)
 * for 8.3, 8.4 and 9.0 (installed man pages), the 0.7 sample drbd.conf, the
 * drbdadm scanner of drbd-utils 9.22 and hakit's reference (converting.md 4.2/4.3);
 * checked against drbdadm 9.22 and its bundled drbdadm-84/-83 by
 * test/formats/drbd/keywords-oracle.test.ts. 9.x means what drbd-utils 9.22 accepts.
 *
 * A support string lists dialects: `0.7 8.3 8.4 9`; a trailing `~` marks a
 * dialect whose drbdadm still accepts the keyword for compatibility (it
 * rewrites it), e.g. `syncer` in 8.4.
 */
export const DIALECTS = ['0.7', '8.3', '8.4', '9'] as const
export type Dialect = (typeof DIALECTS)[number]

export type Support = Partial<Record<Dialect, 'ok' | 'compat'>>

export function support(spec: string): Support {
  const result: Support = {}
  const words = spec === 'all' ? ['0.7', '8.3', '8.4', '9'] : spec.split(/\s+/).filter(Boolean)
  for (const word of words) {
    const compat = word.endsWith('~')
    const dialect = (compat ? word.slice(0, -1) : word) as Dialect
    if (!DIALECTS.includes(dialect)) throw new Error(`bad dialect ${word}`)
    result[dialect] = compat ? 'compat' : 'ok'
  }
  return result
}

export interface KeywordSpec {
  support: Support
  /** Every version accepts it: not evidence of any dialect. */
  universal: boolean
  /** For sections: the context their body is checked in. */
  context?: string
  /** Free-form contents (drbd-proxy, plugins): children are not checked. */
  opaque?: boolean
}

type Table = Record<string, Record<string, string | [string, string] | [string, string, 'opaque']>>

/** `name` is a statement, `name{}` a section; a section entry is [support, child context]. */
const TABLE: Table = {
  top: {
    'global{}': ['all', 'global'],
    'common{}': ['8.3 8.4 9', 'common'],
    'resource{}': ['all', 'resource'],
    include: '8.3 8.4 9',
    'require-drbd-module-version-eq': '9',
    'require-drbd-module-version-ne': '9',
    'require-drbd-module-version-gt': '9',
    'require-drbd-module-version-ge': '9',
    'require-drbd-module-version-lt': '9',
    'require-drbd-module-version-le': '9',
  },
  global: {
    'minor-count': 'all',
    minor_count: '0.7',
    'dialog-refresh': 'all',
    'disable-ip-verification': 'all',
    'disable-io-hints': '0.7',
    disable_io_hints: '0.7',
    'usage-count': '8.3 8.4 9',
    'udev-always-use-vnr': '8.4 9',
    'cmd-timeout-short': '8.4 9',
    'cmd-timeout-medium': '8.4 9',
    'cmd-timeout-long': '8.4 9',
  },
  common: {
    protocol: '8.3 8.4 9',
    'startup{}': ['8.3 8.4 9', 'startup'],
    'syncer{}': ['8.3 8.4~ 9~', 'syncer'],
    'handlers{}': ['8.3 8.4 9', 'handlers'],
    'net{}': ['8.3 8.4 9', 'net'],
    'disk{}': ['8.3 8.4 9', 'disk'],
    'options{}': ['8.4 9', 'options'],
    'proxy{}': ['8.3 8.4 9', 'proxy', 'opaque'],
  },
  resource: {
    protocol: 'all',
    'incon-degr-cmd': '0.7',
    'startup{}': ['all', 'startup'],
    'syncer{}': ['0.7 8.3 8.4~ 9~', 'syncer'],
    'handlers{}': ['8.3 8.4 9', 'handlers'],
    'net{}': ['all', 'net'],
    'disk{}': ['all', 'disk'],
    'options{}': ['8.4 9', 'options'],
    'proxy{}': ['8.3 8.4 9', 'proxy', 'opaque'],
    'on{}': ['all', 'host'],
    'floating{}': ['8.3 8.4 9', 'host'],
    'stacked-on-top-of{}': ['8.3 8.4 9', 'host'],
    'volume{}': ['8.4 9', 'volume'],
    'connection{}': ['9', 'connection'],
    'connection-mesh{}': ['9', 'connection-mesh'],
    device: '8.3 8.4 9',
    disk: '8.3 8.4 9',
    'meta-disk': '8.3 8.4 9',
    'flexible-meta-disk': '8.3 8.4 9',
    'template-file': '9',
  },
  host: {
    device: 'all',
    disk: 'all',
    address: 'all',
    'meta-disk': 'all',
    'flexible-meta-disk': '8.3 8.4 9',
    'volume{}': ['8.4 9', 'volume'],
    'node-id': '9',
    'proxy{}': ['8.3 8.4 9', 'proxy', 'opaque'],
  },
  volume: {
    device: '8.4 9',
    disk: '8.4 9',
    'meta-disk': '8.4 9',
    'flexible-meta-disk': '8.4 9',
    'disk{}': ['8.4 9', 'disk'],
  },
  startup: {
    'wfc-timeout': 'all',
    'degr-wfc-timeout': 'all',
    'outdated-wfc-timeout': '8.3 8.4 9',
    'wait-after-sb': '8.3 8.4 9',
    'become-primary-on': '8.3 8.4 9',
    'stacked-timeouts': '8.3 8.4 9',
  },
  disk: {
    'on-io-error': 'all',
    size: 'all',
    fencing: '8.3 8.4',
    'use-bmbv': '8.3 8.4~',
    'max-bio-bvecs': '8.3 8.4',
    'no-disk-barrier': '8.3 8.4~ 9~',
    'no-disk-flushes': '8.3 8.4~ 9~',
    'no-disk-drain': '8.3 8.4~ 9~',
    'no-md-flushes': '8.3 8.4~ 9~',
    'disk-barrier': '8.4 9',
    'disk-flushes': '8.4 9',
    'disk-drain': '8.4 9',
    'md-flushes': '8.4 9',
    'disk-timeout': '8.3 8.4 9',
    'resync-rate': '8.4 9',
    'resync-after': '8.4 9',
    'al-extents': '8.4 9',
    'al-updates': '8.4 9',
    'c-plan-ahead': '8.4 9',
    'c-fill-target': '8.4 9',
    'c-delay-target': '8.4 9',
    'c-max-rate': '8.4 9',
    'c-min-rate': '8.4 9',
    'read-balancing': '8.4 9',
    'discard-zeroes-if-aligned': '8.4 9',
    'rs-discard-granularity': '8.4 9',
    'disable-write-same': '8.4 9',
    'bitmap': '9',
  },
  net: {
    'sndbuf-size': 'all',
    'rcvbuf-size': '8.3 8.4 9',
    timeout: 'all',
    'connect-int': 'all',
    'ping-int': 'all',
    'max-buffers': 'all',
    'max-epoch-size': 'all',
    'ko-count': 'all',
    'unplug-watermark': '0.7 8.3 8.4',
    'on-disconnect': '0.7',
    'cram-hmac-alg': '8.3 8.4 9',
    'shared-secret': '8.3 8.4 9',
    'after-sb-0pri': '8.3 8.4 9',
    'after-sb-1pri': '8.3 8.4 9',
    'after-sb-2pri': '8.3 8.4 9',
    'always-asbp': '8.3 8.4 9',
    'rr-conflict': '8.3 8.4 9',
    'allow-two-primaries': '8.3 8.4 9',
    'data-integrity-alg': '8.3 8.4 9',
    'ping-timeout': '8.3 8.4 9',
    'no-tcp-cork': '8.3 8.4~ 9~',
    'tcp-cork': '8.4 9',
    'on-congestion': '8.3 8.4 9',
    'congestion-fill': '8.3 8.4 9',
    'congestion-extents': '8.3 8.4 9',
    protocol: '8.4 9',
    'verify-alg': '8.4 9',
    'csums-alg': '8.4 9',
    'use-rle': '8.4 9',
    'socket-check-timeout': '8.4 9',
    fencing: '9',
    'csums-after-crash-only': '8.4 9',
    transport: '9',
    'allow-remote-read': '9',
  },
  syncer: {
    rate: '0.7 8.3 8.4~',
    group: '0.7',
    'al-extents': '0.7 8.3 8.4~ 9~',
    after: '8.3 8.4~ 9~',
    'use-rle': '8.3 8.4~ 9~',
    'cpu-mask': '8.3 8.4~ 9~',
    'verify-alg': '8.3 8.4~ 9~',
    'csums-alg': '8.3 8.4~ 9~',
    'on-no-data-accessible': '8.3 8.4~ 9~',
    'c-plan-ahead': '8.3 8.4~',
    'c-fill-target': '8.3 8.4~',
    'c-delay-target': '8.3 8.4~',
    'c-max-rate': '8.3 8.4~',
    'c-min-rate': '8.3 8.4~',
    'delay-probe-volume': '8.3',
    'delay-probe-interval': '8.3',
    'throttle-threshold': '8.3',
    'hold-off-threshold': '8.3',
  },
  handlers: {
    'pri-on-incon-degr': '8.3 8.4 9',
    'pri-lost-after-sb': '8.3 8.4 9',
    'pri-lost': '8.3 8.4 9',
    'fence-peer': '8.3 8.4 9',
    'outdate-peer': '8.3 8.4~ 9~',
    'local-io-error': '8.3 8.4 9',
    'initial-split-brain': '8.3 8.4 9',
    'split-brain': '8.3 8.4 9',
    'before-resync-target': '8.3 8.4 9',
    'after-resync-target': '8.3 8.4 9',
    'out-of-sync': '8.3 8.4 9',
    'unfence-peer': '9',
    'before-resync-source': '9',
    'quorum-lost': '9',
    'disconnected': '9',
  },
  options: {
    'cpu-mask': '8.4 9',
    'on-no-data-accessible': '8.4 9',
    quorum: '9',
    'on-no-quorum': '9',
    'quorum-minimum-redundancy': '9',
    'on-suspended-primary-outdated': '9',
    'auto-promote': '9',
    'auto-promote-timeout': '9',
    'peer-ack-window': '9',
    'peer-ack-delay': '9',
    'twopc-timeout': '9',
    'twopc-retry-timeout': '9',
    'max-io-depth': '9',
  },
  connection: {
    host: '9',
    'host{}': ['9', 'proxy', 'opaque'],
    'path{}': ['9', 'path'],
    'net{}': ['9', 'net'],
    'disk{}': ['9', 'disk'],
    'volume{}': ['9', 'peer-volume'],
    'peer-device-options{}': ['9', 'disk'],
  },
  path: {host: '9'},
  'peer-volume': {'disk{}': ['9', 'disk']},
  'connection-mesh': {
    hosts: '9',
    'net{}': ['9', 'net'],
  },
}

const compiled = new Map<string, Map<string, KeywordSpec>>()
for (const [context, entries] of Object.entries(TABLE)) {
  const map = new Map<string, KeywordSpec>()
  for (const [key, value] of Object.entries(entries)) {
    const s = support(typeof value === 'string' ? value : value[0])
    const universal = DIALECTS.every((d) => s[d] === 'ok')
    if (typeof value === 'string') map.set(key, {support: s, universal})
    else map.set(key, {support: s, universal, context: value[1], opaque: value[2] === 'opaque'})
  }
  compiled.set(context, map)
}

/** The spec of `keyword` as a statement or section (`isSection`) in `context`, if drbd knows it there. */
export function keywordSpec(context: string, keyword: string, isSection: boolean): KeywordSpec | undefined {
  return compiled.get(context)?.get(isSection ? `${keyword}{}` : keyword)
}

/** Every keyword (statement or section) known in `context`, for did-you-mean. */
export function keywordsOf(context: string): string[] {
  return [...(compiled.get(context)?.keys() ?? [])].map((k) => k.replace(/\{\}$/, ''))
}

/** Contexts where the keyword is known, to say "belongs in net {}" and the like. */
export function contextsOf(keyword: string, isSection: boolean): string[] {
  const key = isSection ? `${keyword}{}` : keyword
  return [...compiled.entries()].filter(([, map]) => map.has(key)).map(([context]) => context)
}

/** The section keywords that may open a section in `context` (parser's missing-`;` recovery). */
export function isKnownKeyword(context: string, keyword: string): boolean {
  const map = compiled.get(context)
  return map !== undefined && (map.has(keyword) || map.has(`${keyword}{}`))
}

export function describeSupport(s: Support): string {
  const ok = DIALECTS.filter((d) => s[d])
  return ok.length === 0 ? 'no DRBD version' : ok.map((d) => (d === '0.7' ? '0.7' : d === '9' ? '9.x' : d === '8.3' ? '8.0–8.3' : d)).join(', ')
}

/** Every keyword of every context (did-you-mean across sections). */
export function allKeywords(): string[] {
  return [...new Set([...compiled.keys()].flatMap(keywordsOf))]
}
