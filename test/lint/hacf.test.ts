import {test} from 'node:test'
import assert from 'node:assert/strict'
import {parseHaCf} from '../../src/formats/hacf/parse.js'
import {lintHaCf, type HaCfLintContext} from '../../src/lint/hacf.js'
import {fakeSystem} from './fake-system.js'

/** A clean base: timing, media, two nodes, logging, auto_failback. */
const BASE = 'logfacility local0\nkeepalive 1\ndeadtime 10\nwarntime 5\ninitdead 30\nudpport 694\nucast eth0 10.0.0.2\nauto_failback on\nnode n1 n2\n'

function lint(text: string, context: HaCfLintContext = {}) {
  return lintHaCf(parseHaCf(text, 'ha.cf').model, context)
}
function ids(text: string, context: HaCfLintContext = {}): string[] {
  return lint(text, context).map((f) => `${f.id}:${f.severity}`).sort()
}

test('the base configuration is clean', () => {
  assert.deepEqual(ids(BASE), [])
})

test('unknown and misspelt directives, with did-you-mean (case-sensitive names)', () => {
  const findings = lint(`${BASE}keepalvie 2\nNode n3\n`)
  assert.deepEqual(findings.map((f) => [f.id, f.location?.line]), [
    ['hacf-unknown-directive', 10],
    ['hacf-unknown-directive', 11],
  ])
  assert.match(findings[0].message, /did you mean "keepalive"/)
  assert.match(findings[1].message, /did you mean "node"/)
})

test('time units: 2s is rejected by Heartbeat, ms/us and bare seconds are fine', () => {
  const findings = lint(BASE.replace('keepalive 1', 'keepalive 2s'))
  assert.deepEqual(findings.map((f) => f.id), ['hacf-time-unit'])
  assert.match(findings[0].message, /keepalive 2"/)
  assert.deepEqual(findings[0].location, {file: 'ha.cf', line: 2, column: 11})
  assert.deepEqual(ids(BASE.replace('keepalive 1', 'keepalive 1000ms').replace('warntime 5', 'warntime 5000000us')), [])
  // An unreadable deadtime counts as the 30 s default, which the initdead 30 then no longer doubles.
  assert.deepEqual(ids(BASE.replace('deadtime 10', 'deadtime ten')), ['hacf-initdead-short:warning', 'hacf-time-invalid:error'])
  assert.deepEqual(ids(BASE.replace('keepalive 1', 'keepalive 0')), ['hacf-time-invalid:error'])
})

test('timing relations Heartbeat enforces or warns about', () => {
  assert.deepEqual(ids(BASE.replace('deadtime 10', 'deadtime 2').replace('warntime 5', 'warntime 1500ms').replace('initdead 30', 'initdead 12')), ['hacf-deadtime-short:error'])
  assert.deepEqual(ids(BASE.replace('initdead 30', 'initdead 5')), ['hacf-initdead-smaller:error'])
  assert.deepEqual(ids(BASE.replace('initdead 30', 'initdead 15')), ['hacf-initdead-short:warning'])
  assert.deepEqual(ids(BASE.replace('initdead 30\n', '')), [], 'deadtime 10 s: Heartbeat defaults initdead to twice that')
  assert.deepEqual(ids(BASE.replace('initdead 30\n', '').replace('deadtime 10', 'deadtime 30')), ['hacf-initdead-short:warning'], 'deadtime 30 s: the default initdead is only 30 s')
  assert.deepEqual(ids(`${BASE}deadping 2\n`), ['hacf-deadping-short:error'])
  assert.deepEqual(ids(BASE.replace('warntime 5', 'warntime 12')), ['hacf-warntime-range:warning'])
  assert.deepEqual(ids(BASE.replace('warntime 5', 'warntime 1')), ['hacf-warntime-range:warning'])
})

test('udpport and baud after media lines', () => {
  const moved = BASE.replace('udpport 694\n', '') + 'udpport 694\n'
  assert.deepEqual(ids(moved), ['hacf-udpport-after-media:warning'])
  const changed = BASE.replace('udpport 694\n', '') + 'udpport 700\n'
  assert.deepEqual(ids(changed), ['hacf-udpport-after-media:error'])
  // No serial line at all: the baud rate is unused, its position is no finding (it was noise).
  assert.deepEqual(ids(`${BASE}baud 19200\n`), [])
  assert.deepEqual(ids(`${BASE}baud 38400\n#serial /dev/ttyS0\n`), [])
  assert.deepEqual(ids(`${BASE}baud 19200\nserial /dev/ttyS0\n`), ['hacf-baud-after-media:warning'])
  assert.deepEqual(ids(`${BASE}serial /dev/ttyS0\nbaud 38400\n`), ['hacf-baud-after-media:error'])
  assert.deepEqual(ids(`baud 38400\nserial /dev/ttyS0\n${BASE}`), [])
  // mcast carries its own port: a later udpport does not matter to it.
  assert.deepEqual(ids(BASE.replace('udpport 694\nucast eth0 10.0.0.2', 'mcast eth0 225.0.0.1 694 1 0\nudpport 694')), [])
})

test('media, nodes and values', () => {
  assert.deepEqual(ids(BASE.replace('ucast eth0 10.0.0.2\n', 'ping 10.0.0.254\n')), ['hacf-no-media:error'])
  assert.match(lint(BASE.replace('ucast eth0 10.0.0.2\n', 'ping 10.0.0.254\n'))[0].message, /only ping media/)
  assert.match(lint(BASE.replace('ucast eth0 10.0.0.2\n', ''))[0].message, /refuses to start/)
  assert.deepEqual(ids(`${BASE}ucast eth1\nmcast eth0 225.0.0.1 694 5 0\nmcast eth0 10.0.0.1 694 1 0\nping_group g\n`), Array(4).fill('hacf-media-invalid:error'))
  assert.deepEqual(ids(BASE.replace('node n1 n2', '')), ['hacf-no-nodes:error'])
  assert.deepEqual(ids(BASE.replace('node n1 n2', 'node n1')), ['hacf-one-node:warning'])
  assert.deepEqual(ids(`${BASE}node N1\n`), ['hacf-duplicate-node:warning'])
  assert.deepEqual(ids(`${BASE}logfacility lokal0\nbaud 12345\nuse_logd maybe\nhbgenmethod clock\n`).filter((id) => id.startsWith('hacf-invalid-value')).length, 4)
  assert.deepEqual(ids(`${BASE}keepalive 1 2\n`), ['hacf-duplicate-directive:warning', 'hacf-multiple-values:warning'])
  assert.deepEqual(ids(`${BASE}watchdog /dev/watchdog\nwatchdog /dev/watchdog\n`), ['hacf-duplicate-directive:error'])
  assert.deepEqual(ids(`${BASE}keepalive\n`), ['hacf-missing-value:error'])
  assert.deepEqual(ids(`${BASE}udp eth1\n`), ['hacf-deprecated:info'])
})

test('auto_failback, nice_failback, autojoin, crm with haresources', () => {
  assert.deepEqual(ids(BASE.replace('auto_failback on', 'auto_failback maybe')), ['hacf-auto-failback-invalid:error', 'hacf-auto-failback-legacy:warning'])
  assert.deepEqual(ids(BASE.replace('auto_failback on', 'auto_failback legacy')), ['hacf-auto-failback-legacy:warning'])
  assert.deepEqual(ids(BASE.replace('auto_failback on\n', '')), ['hacf-auto-failback-legacy:warning'])
  assert.deepEqual(ids(`${BASE}nice_failback on\n`), ['hacf-nice-failback:warning'])
  assert.deepEqual(ids(`${BASE}autojoin any\n`), ['hacf-autojoin-haresources:error'])
  assert.deepEqual(ids(`${BASE}crm on\n`, {haresourcesPresent: true}), ['hacf-crm-with-haresources:warning'])
  assert.deepEqual(ids(`${BASE}crm on\n`, {haresourcesPresent: false}), [])
  assert.deepEqual(ids(`${BASE}crm on\ncrm on\n`), ['hacf-duplicate-directive:error'])
  assert.deepEqual(ids(`${BASE}crmd_spawns_pengine yes\n`), ['hacf-pacemaker-only:info'])
})

test('a line longer than Heartbeat reads is reported', () => {
  const {findings} = parseHaCf(`${BASE}# ${'x'.repeat(6000)}\n`, 'ha.cf')
  assert.deepEqual(findings.map((f) => [f.id, f.location?.line]), [['hacf-line-too-long', 10]])
})

test('logging: logd fallback is info, no destination with use_logd off is an error', () => {
  assert.deepEqual(ids(BASE.replace('logfacility local0\n', '')), ['hacf-no-logging:info'])
  assert.deepEqual(ids(BASE.replace('logfacility local0\n', 'use_logd off\n')), ['hacf-no-logging:error'])
})

test('respawn, apiauth and stonith lines: syntax always, programs and users on the machine', () => {
  assert.deepEqual(ids(`${BASE}respawn hacluster\nrespawn hacluster ipfail\napiauth ipfail\nstonith baytech\n`), [
    'hacf-apiauth-invalid:error',
    'hacf-respawn-invalid:error',
    'hacf-respawn-invalid:error',
    'hacf-stonith-invalid:error',
  ])
  const system = fakeSystem()
  try {
    const text = `${BASE}respawn hacluster /usr/lib/heartbeat/ipfail\nrespawn nobody9 /usr/libexec/heartbeat/ipfail\napiauth ipfail uid=hacluster gid=nogroup\n`
    const findings = lint(text, {system})
    assert.deepEqual(findings.map((f) => f.id).sort(), ['hacf-apiauth-unknown-id', 'hacf-respawn-missing', 'hacf-respawn-user'])
    assert.match(findings.find((f) => f.id === 'hacf-respawn-missing')!.message, /did you mean "\/usr\/libexec\/heartbeat\/ipfail"/)
    assert.deepEqual(ids(text), [], 'offline: nothing checked on the machine')
    const media = lint(`${BASE}bcast eht1\n`, {system: {...system, interfaces: ['lo', 'eth0', 'eth1']}})
    assert.deepEqual(media.map((f) => [f.id, f.location?.line, f.location?.column]), [['hacf-interface-missing', 10, 7]])
    assert.match(media[0].message, /did you mean "eth1"/)
  } finally {
    system.cleanup()
  }
})

test('a file using every directive with valid values gives only the udp and nice_failback notes', async () => {
  const {readFileSync} = await import('node:fs')
  const {join} = await import('node:path')
  const {fixturesDir} = await import('../helpers/cli.js')
  const {HACF_DIRECTIVES} = await import('../../src/formats/hacf/model.js')
  const text = readFileSync(join(fixturesDir, 'hacf', 'every-directive.ha.cf'), 'utf8')
  const model = parseHaCf(text, 'ha.cf').model
  const used = new Set(model.directives.map((d) => d.name))
  for (const name of Object.keys(HACF_DIRECTIVES)) if (name !== 'pacemaker') assert.ok(used.has(name), `${name} is not in the fixture`)
  assert.deepEqual(ids(text), ['hacf-deprecated:info', 'hacf-nice-failback:warning'])
})
