// Checks hakit's per-dialect keyword table and value forms against the real
// parsers: drbdadm (9.22) and the bundled 8.4 / 8.3 compatibility parsers.
// 0.7 has no installed parser; its column comes from the 0.7 sources.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {hostname, tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseDrbd} from '../../../src/formats/drbd/index.js'
import {keywordSpec, keywordsOf, type Dialect} from '../../../src/formats/drbd/keywords.js'
import {haveCommand} from '../../helpers/cli.js'

const PARSERS: [Dialect, string][] = [
  ['9', 'drbdadm'],
  ['8.4', '/lib/drbd/drbdadm-84'],
  ['8.3', '/lib/drbd/drbdadm-83'],
]
const missing = !haveCommand('drbdadm') || !existsSync('/lib/drbd/drbdadm-84') || !existsSync('/lib/drbd/drbdadm-83')

/**
 * Known, deliberate differences: the compatibility parsers share drbd-utils 9's
 * handler list, but DRBD 8 never ran these handlers.
 */
const KNOWN = new Set(['handlers unfence-peer 8.4', 'handlers before-resync-source 8.4', 'handlers before-resync-source 8.3'])

// drbdadm-83 only reads resources defined for the local host, so one host is this machine.
const HOST = hostname()
const dir = missing ? '' : mkdtempSync(join(tmpdir(), 'hakit-drbd-oracle-'))

function accepts(bin: string, text: string): boolean {
  const file = join(dir, 'oracle.conf')
  writeFileSync(file, text)
  return spawnSync(bin, ['-c', file, 'dump', 'all'], {encoding: 'utf8'}).status === 0
}

const FLAGS = new Set(['stacked-timeouts', 'wait-after-sb', 'use-bmbv', 'no-disk-barrier', 'no-disk-flushes', 'no-disk-drain', 'no-md-flushes', 'always-asbp', 'allow-two-primaries', 'no-tcp-cork', 'use-rle', 'csums-after-crash-only', 'disable-io-hints', 'udev-always-use-vnr'])
const HANDLERS = new Set(keywordsOf('handlers'))
const VALUES: Record<string, string> = {
  'become-primary-on': HOST, 'on-io-error': 'detach', size: '10G', fencing: 'resource-only', 'disk-barrier': 'no', 'disk-flushes': 'no', 'disk-drain': 'no', 'md-flushes': 'no',
  'read-balancing': 'prefer-local', 'discard-zeroes-if-aligned': 'yes', 'disable-write-same': 'yes', 'al-updates': 'yes', bitmap: 'yes', 'cram-hmac-alg': 'sha1', 'shared-secret': 'xyz',
  'after-sb-0pri': 'disconnect', 'after-sb-1pri': 'disconnect', 'after-sb-2pri': 'disconnect', 'rr-conflict': 'disconnect', 'data-integrity-alg': 'crc32c', 'tcp-cork': 'yes',
  'on-congestion': 'block', protocol: 'C', 'verify-alg': 'sha1', 'csums-alg': 'sha1', transport: 'tcp', 'allow-remote-read': 'yes', 'on-disconnect': 'reconnect', rate: '10M',
  'resync-rate': '10M', 'on-no-data-accessible': 'io-error', quorum: 'majority', 'on-no-quorum': 'io-error', 'on-suspended-primary-outdated': 'force-secondary', 'auto-promote': 'yes',
  'usage-count': 'no', 'incon-degr-cmd': '"/bin/true"', 'congestion-extents': '127', 'max-buffers': '2048', 'max-epoch-size': '2048', 'unplug-watermark': '128', 'ping-timeout': '5',
  'al-extents': '257', 'c-fill-target': '100', 'c-max-rate': '100M', 'c-min-rate': '10M', 'minor-count': '5', minor_count: '5', 'throttle-threshold': '20', 'hold-off-threshold': '100',
  'delay-probe-volume': '16', 'peer-ack-window': '2M', 'peer-ack-delay': '100', 'twopc-timeout': '300', 'twopc-retry-timeout': '1', 'quorum-minimum-redundancy': '1',
  'auto-promote-timeout': '20', 'rs-discard-granularity': '0', 'max-bio-bvecs': '0', 'cpu-mask': '0', group: '1', 'max-io-depth': '8000',
}
const value = (k: string) => (FLAGS.has(k) ? '' : ` ${VALUES[k] ?? (HANDLERS.has(k) ? '"/bin/true"' : '10')}`)
const host = (name: string, ip: string) => `  on ${name} { device /dev/drbd0; disk /dev/sda1; address ${ip}:7788; meta-disk internal; }\n`

/** A minimal file with `keyword` in `context`, or null when the context needs more set-up than this test does. */
function fileWith(context: string, keyword: string): string | null {
  const statement = `${keyword}${value(keyword)};`
  let global = 'global { disable-ip-verification; }\n'
  let common = ''
  let resource = '  protocol C;\n'
  if (context === 'global') {
    if (keyword === 'disable-ip-verification') return null
    global = `global { disable-ip-verification; ${statement} }\n`
  } else if (context === 'common') {
    if (keyword !== 'protocol') return null
    common = `common { ${statement} }\n`
    resource = ''
  } else if (context === 'resource') {
    if (keyword !== 'incon-degr-cmd') return null
    resource += `  ${statement}\n`
  } else if (['startup', 'disk', 'net', 'syncer', 'handlers', 'options'].includes(context)) {
    if (keyword === 'after' || keyword === 'resync-after') return null // needs a second resource
    if (context === 'net' && keyword === 'protocol') resource = ''
    resource += `  ${context} { ${statement} }\n`
  } else return null
  return `${global}${common}resource r {\n${resource}${host(HOST, '10.0.0.1')}${host('peer', '10.0.0.2')}}\n`
}

test('keyword table agrees with drbdadm 9.22, drbdadm-84 and drbdadm-83', {skip: missing && 'drbdadm and its compatibility parsers are not installed'}, () => {
  const base = fileWith('startup', 'wfc-timeout')!
  for (const [dialect, bin] of PARSERS) assert.ok(accepts(bin, base), `${dialect} rejects the base file`)
  const mismatches: string[] = []
  let checked = 0
  for (const context of ['global', 'common', 'resource', 'startup', 'disk', 'net', 'syncer', 'handlers', 'options']) {
    for (const keyword of keywordsOf(context)) {
      const spec = keywordSpec(context, keyword, false)
      const text = spec && fileWith(context, keyword)
      if (!spec || !text) continue
      checked++
      for (const [dialect, bin] of PARSERS) {
        if (KNOWN.has(`${context} ${keyword} ${dialect}`)) continue
        const ours = spec.support[dialect] !== undefined
        if (ours !== accepts(bin, text)) mismatches.push(`${context} ${keyword} in ${dialect}: hakit says ${ours ? 'valid' : 'invalid'}`)
      }
    }
  }
  assert.ok(checked > 80, `only ${checked} keywords checked`)
  assert.deepEqual(mismatches, [])
})

const on = (name: string, ip: string, body = 'device /dev/drbd0; disk /dev/sda1; meta-disk internal;', address = `address ${ip}:7788;`) => `on ${name} { ${body} ${address} }`
const resourceFile = (body: string, before = '') => `global { disable-ip-verification; }\n${before}resource r {\n protocol C;\n ${body}\n}\n`
const pair = (a = on(HOST, '10.0.0.1'), b = on('peer', '10.0.0.2')) => resourceFile(`${a} ${b}`)

const FORMS: Record<string, string> = {
  'device minor N': pair(on(HOST, '10.0.0.1', 'device minor 0; disk /dev/sda1; meta-disk internal;'), on('peer', '10.0.0.2', 'device minor 0; disk /dev/sda1; meta-disk internal;')),
  'meta-disk without index': pair(on(HOST, '10.0.0.1', 'device /dev/drbd0; disk /dev/sda1; meta-disk /dev/sdb1;')),
  'meta-disk with index': pair(on(HOST, '10.0.0.1', 'device /dev/drbd0; disk /dev/sda1; meta-disk /dev/sdb1[0];')),
  'flexible-meta-disk': pair(on(HOST, '10.0.0.1', 'device /dev/drbd0; disk /dev/sda1; flexible-meta-disk /dev/sdb1;')),
  'disk none': pair(undefined, on('peer', '10.0.0.2', 'device /dev/drbd0; disk none;')),
  'address ipv6': pair(on(HOST, '', undefined, 'address ipv6 [fd00::1]:7788;'), on('peer', '', undefined, 'address ipv6 [fd00::2]:7788;')),
  'on-io-error panic': resourceFile(`disk { on-io-error panic; } ${on(HOST, '10.0.0.1')} ${on('peer', '10.0.0.2')}`),
  'allow-two-primaries yes': resourceFile(`net { allow-two-primaries yes; } ${on(HOST, '10.0.0.1')} ${on('peer', '10.0.0.2')}`),
  'on with two names': pair(undefined, 'on peer peer2 { device /dev/drbd0; disk /dev/sda1; meta-disk internal; address 10.0.0.2:7788; }'),
  'volume in on': pair(on(HOST, '', 'volume 0 { device /dev/drbd0; disk /dev/sda1; meta-disk internal; } address 10.0.0.1:7788;', ''), on('peer', '', 'volume 0 { device /dev/drbd0; disk /dev/sda1; meta-disk internal; } address 10.0.0.2:7788;', '')),
  'options in common': resourceFile(`${on(HOST, '10.0.0.1')} ${on('peer', '10.0.0.2')}`, 'common { options { cpu-mask 0; } }\n'),
  'node-id': pair(on(HOST, '10.0.0.1', 'node-id 0; device /dev/drbd0; disk /dev/sda1; meta-disk internal;'), on('peer', '10.0.0.2', 'node-id 1; device /dev/drbd0; disk /dev/sda1; meta-disk internal;')),
}

test('value forms: dialect compatibility agrees with the real parsers', {skip: missing && 'drbdadm and its compatibility parsers are not installed'}, () => {
  const mismatches: string[] = []
  for (const [name, text] of Object.entries(FORMS)) {
    const {model, findings} = parseDrbd(text, 'oracle.conf')
    assert.deepEqual(findings, [], name)
    for (const [dialect, bin] of PARSERS) {
      const ours = model.dialect.compatible.includes(dialect)
      if (ours !== accepts(bin, text)) mismatches.push(`${name} in ${dialect}: hakit says ${ours ? 'valid' : 'invalid'}`)
    }
  }
  assert.deepEqual(mismatches, [])
})
