import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {fixturesDir} from '../../helpers/cli.js'
import {withoutPositions} from './strip.js'
import {
  autoFailback,
  clients,
  lastValue,
  media,
  nodeNames,
  pacemakerEnabled,
  parseAutoFailback,
  parseHaCf,
  parseHeartbeatTime,
  printHaCf,
  timing,
  udpPort,
  HACF_DIRECTIVES,
} from '../../../src/formats/hacf/index.js'

const seed = (name: string) => join(fixturesDir, 'seeds', name, 'ha.cf')

test('time values are read as Heartbeat reads them', () => {
  assert.deepEqual(parseHeartbeatTime('2'), {ok: true, ms: 2000})
  assert.deepEqual(parseHeartbeatTime('1.5'), {ok: true, ms: 1500})
  assert.deepEqual(parseHeartbeatTime('500ms'), {ok: true, ms: 500})
  assert.deepEqual(parseHeartbeatTime('500 MSEC'), {ok: true, ms: 500})
  assert.deepEqual(parseHeartbeatTime('2500us'), {ok: true, ms: 3})
  assert.deepEqual(parseHeartbeatTime('.5'), {ok: true, ms: 500})
  assert.deepEqual(parseHeartbeatTime('2s'), {ok: false, reason: 'unit', unit: 's'})
  assert.deepEqual(parseHeartbeatTime('2sec'), {ok: false, reason: 'unit', unit: 'sec'})
  assert.deepEqual(parseHeartbeatTime('1e3'), {ok: false, reason: 'unit', unit: 'e3'})
  assert.deepEqual(parseHeartbeatTime('ten'), {ok: false, reason: 'syntax'})
  assert.deepEqual(parseHeartbeatTime(''), {ok: false, reason: 'syntax'})
})

test('auto_failback accepts booleans and legacy', () => {
  assert.equal(parseAutoFailback('on'), 'on')
  assert.equal(parseAutoFailback('No'), 'off')
  assert.equal(parseAutoFailback('LEGACY'), 'legacy')
  assert.equal(parseAutoFailback('maybe'), undefined)
})

test('directives keep positions, comments anywhere, option values split on commas and blanks', () => {
  const text = '# head\n  node a,b  c   # three nodes\nkeepalive 1 2\n\nrespawn hacluster /usr/lib/heartbeat/ipfail -x\nucast eth0 10.0.0.2#peer\n'
  const {model, findings} = parseHaCf(text, 'x/ha.cf')
  assert.deepEqual(findings, [])
  assert.deepEqual(
    model.entries.map((e) => e.kind),
    ['comment', 'directive', 'directive', 'blank', 'directive', 'directive'],
  )
  const node = model.directives[0]
  assert.equal(node.name, 'node')
  assert.deepEqual(node.location, {file: 'x/ha.cf', line: 2, column: 3})
  assert.deepEqual(node.args.map((a) => [a.text, a.location.column]), [['a', 8], ['b', 10], ['c', 13]])
  assert.equal(node.comment, ' three nodes')
  assert.equal(node.value, 'a,b  c')
  assert.deepEqual(nodeNames(model), ['a', 'b', 'c'])
  assert.equal(lastValue(model, 'keepalive')?.text, '2')
  assert.deepEqual(clients(model)[0], {kind: 'respawn', user: 'hacluster', command: '/usr/lib/heartbeat/ipfail', args: ['-x'], location: {file: 'x/ha.cf', line: 5, column: 1}})
  const m = media(model)
  assert.equal(m.length, 1)
  assert.deepEqual({...m[0], location: undefined}, {type: 'ucast', interface: 'eth0', peer: '10.0.0.2', location: undefined})
})

test('a carriage return ends a line, as in Heartbeat', () => {
  const {model} = parseHaCf('node a\r\nkeepalive 2\rdeadtime 10\n')
  assert.deepEqual(model.directives.map((d) => [d.name, d.value, d.location.line, d.location.column]), [
    ['node', 'a', 1, 1],
    ['keepalive', '2', 2, 1],
    ['deadtime', '10', 2, 13],
  ])
})

test('timing applies Heartbeat defaults', () => {
  const none = timing(parseHaCf('').model)
  assert.deepEqual([none.keepaliveMs, none.deadtimeMs, none.warntimeMs, none.initdeadMs, none.deadpingMs], [1000, 30000, 15000, 30000, 30000])
  const short = timing(parseHaCf('deadtime 5\n').model)
  assert.equal(short.initdeadMs, 12000)
  const mid = timing(parseHaCf('deadtime 8\nkeepalive 500ms\n').model)
  assert.deepEqual([mid.keepaliveMs, mid.initdeadMs, mid.warntimeMs], [500, 16000, 4000])
  assert.equal(timing(parseHaCf('keepalive 2s\n').model).keepaliveMs, 1000, 'an invalid value counts as unset')
})

test('auto_failback, nice_failback, pacemaker and udpport accessors', () => {
  assert.equal(autoFailback(parseHaCf('').model), 'legacy')
  assert.equal(autoFailback(parseHaCf('auto_failback yes\n').model), 'on')
  assert.equal(autoFailback(parseHaCf('auto_failback off\nnice_failback on\n').model), 'off')
  assert.equal(autoFailback(parseHaCf('nice_failback on\n').model), 'legacy')
  assert.equal(pacemakerEnabled(parseHaCf('crm respawn\n').model), true)
  assert.equal(pacemakerEnabled(parseHaCf('pacemaker off\n').model), false)
  assert.equal(pacemakerEnabled(parseHaCf('').model), false)
  assert.equal(udpPort(parseHaCf('udpport 695\n').model), 695)
  assert.equal(udpPort(parseHaCf('').model), 694)
})

test('every seed ha.cf parses with the expected nodes and media', () => {
  const expected: Record<string, {nodes: string[]; media: string[]}> = {
    '000-centos-drbd-httpd': {nodes: ['host2'], media: ['ucast', 'ping']},
    '001-annotated-node1': {nodes: ['node1', 'node2'], media: ['bcast', 'ping']},
    '003-debian-drbd07': {nodes: ['debian-420', 'debian-566'], media: ['ucast']},
    '004-pacemaker-vagrant': {nodes: ['s1', 's2'], media: ['ucast', 'ucast', 'ping']},
  }
  for (const [name, want] of Object.entries(expected)) {
    const {model} = parseHaCf(readFileSync(seed(name), 'utf8'), seed(name))
    assert.deepEqual(nodeNames(model), want.nodes, name)
    assert.deepEqual(media(model).map((m) => m.type), want.media, name)
    const again = parseHaCf(printHaCf(model), seed(name)).model
    assert.deepEqual(withoutPositions(again), withoutPositions(model), `${name} round trip`)
  }
  const annotated = parseHaCf(readFileSync(seed('001-annotated-node1'), 'utf8')).model
  assert.equal(lastValue(annotated, 'logfile')?.text, '/var/log/ha-log', 'trailing comment removed from the value')
})

const directiveName = fc.oneof(fc.constantFrom(...Object.keys(HACF_DIRECTIVES)), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/))
const word = fc.stringMatching(/^[A-Za-z0-9_./:=-]{1,12}$/)
const hacfLine = fc.oneof(
  fc.tuple(directiveName, fc.array(word, {maxLength: 4}), fc.constantFrom(' ', '\t', ', ', '  '), fc.option(fc.stringMatching(/^[^\n\r]{0,20}$/))).map(
    ([name, args, sep, comment]) => `${name}${args.length ? ' ' + args.join(sep) : ''}${comment === null ? '' : ' #' + comment}`,
  ),
  fc.stringMatching(/^[^\n\r]{0,20}$/).map((c) => `#${c}`),
  fc.constant(''),
)

test('property: parse → print → parse gives the same model (generated files)', () => {
  fc.assert(
    fc.property(fc.array(hacfLine, {maxLength: 15}), (lines) => {
      const first = parseHaCf(lines.join('\n')).model
      const second = parseHaCf(printHaCf(first)).model
      assert.deepEqual(withoutPositions(second), withoutPositions(first))
    }),
    {numRuns: 300},
  )
})

test('property: any text parses without throwing and round-trips', () => {
  fc.assert(
    fc.property(fc.string({unit: 'binary', maxLength: 200}), (text) => {
      const first = parseHaCf(text).model
      const second = parseHaCf(printHaCf(first)).model
      assert.deepEqual(withoutPositions(second), withoutPositions(first))
      timing(first)
      media(first)
      autoFailback(first)
    }),
    {numRuns: 500},
  )
})
