import {test} from 'node:test'
import assert from 'node:assert/strict'
import {parseHaresources} from '../../src/formats/haresources/parse.js'
import {lintHaresources, type HaresourcesLintContext} from '../../src/lint/haresources.js'
import {fakeSystem} from './fake-system.js'

function lint(text: string, context: HaresourcesLintContext = {}) {
  const {model, findings} = parseHaresources(text, 'haresources')
  return [...findings, ...lintHaresources(model, context)]
}
const ids = (text: string, context: HaresourcesLintContext = {}) => lint(text, context).map((f) => `${f.id}:${f.severity}`).sort()

test('a plain group is clean offline', () => {
  assert.deepEqual(ids('n1 10.0.0.10/24/eth0 Filesystem::/dev/drbd0::/srv::ext4 httpd\n', {haNodes: ['n1', 'n2']}), [])
})

test('preferred node must be declared in ha.cf (case-insensitive), with did-you-mean', () => {
  const findings = lint('Host1 10.0.0.10\nhost3 10.0.0.11\n', {haNodes: ['host1', 'host2']})
  assert.deepEqual(findings.map((f) => [f.id, f.location?.line]), [['haresources-node-undeclared', 2]])
  assert.match(findings[0].message, /did you mean "host1"|did you mean "host2"/)
})

test('IP addresses, netmasks and broadcasts are checked; trailing slash is info', () => {
  assert.deepEqual(ids('n1 10.0.0.300\n'), ['haresources-ip-invalid:error'])
  assert.deepEqual(ids('n1 IPaddr::10.0.0.1/33\n'), ['haresources-ip-invalid:error'])
  assert.deepEqual(ids('n1 IPaddr2::10.0.0.1/255.255.0.255\n'), ['haresources-ip-invalid:error'])
  assert.deepEqual(ids('n1 IPaddr::10.0.0.1/255.255.255.0/eth0/10.0.0.2555\n'), ['haresources-ip-invalid:error'])
  assert.deepEqual(ids('n1 IPaddr::10.0.0.1/24/eth0/\n'), ['haresources-ip-trailing-slash:info'])
  assert.deepEqual(ids('n1 IPaddr\n'), ['haresources-ipaddr-args:error'])
  assert.deepEqual(ids('n1 IPaddr::10.0.0.1::extra\n'), ['haresources-ipaddr-args:error'])
})

test('a resource (or address) in two places', () => {
  assert.deepEqual(ids('n1 10.0.0.1 httpd\nn2 IPaddr::10.0.0.1/24 httpd\n'), ['haresources-duplicate-resource:error', 'haresources-duplicate-resource:error'])
})

test('scripts are looked up in resource.d then init.d, with did-you-mean; nic advice on multi-homed hosts', () => {
  const system = fakeSystem({interfaces: ['eth0', 'eth1']})
  try {
    const findings = lint('n1 10.0.0.1/24/eth0 drbdisk::r0 httpd notexec 10.0.0.2\n', {system})
    assert.deepEqual(findings.map((f) => `${f.id}:${f.location?.column}`), [
      'haresources-script-missing:21',
      'haresources-script-not-executable:39',
      'haresources-ipaddr-nic:47',
    ])
    assert.match(findings[0].message, /did you mean "drbddisk"/)
  } finally {
    system.cleanup()
  }
})

test('a CRLF file: the CR in an address is shown as \\r, not printed raw', () => {
  const findings = lint('n1 10.0.0.1\r\nn2 IPaddr::10.0.0.2/24/eth0/10.0.0.255\r\n')
  const ip = findings.filter((f) => f.id === 'haresources-ip-invalid')
  assert.equal(ip.length, 2)
  for (const f of ip) {
    assert.ok(!f.message.includes('\r'), `raw CR in: ${JSON.stringify(f.message)}`)
    assert.match(f.message, /\\r" is not an? (IPv4|broadcast) address/)
    assert.match(f.message, /DOS line ending/)
  }
})

test('--offline still recognises a near-miss of a shipped script (drbdisk), but not another program (apache2, nfs)', () => {
  const findings = lint('n1 10.0.0.1 drbdisk::r0 apache2 nfs Filesystem::/dev/drbd0::/srv::ext4\n')
  assert.deepEqual(findings.map((f) => `${f.id}:${f.location?.column}`), ['haresources-script-near-miss:13'])
  assert.match(findings[0]!.message, /did you mean "drbddisk"/)
})

test('a haresources with no group (empty, or comments only) is a warning: Heartbeat manages nothing', () => {
  for (const text of ['', '# node1 10.0.0.1 httpd\n\n']) {
    const {model, findings} = parseHaresources(text, 'haresources')
    const all = [...findings, ...lintHaresources(model)]
    assert.deepEqual(all.map((f) => `${f.location?.line}:${f.location?.column} ${f.severity} ${f.id}`), ['1:1 warning haresources-no-groups'])
  }
  const {model} = parseHaresources('node1 10.0.0.1\n', 'haresources')
  assert.ok(!lintHaresources(model).some((f) => f.id === 'haresources-no-groups'))
})

test('a line longer than Heartbeat reads (5118 bytes) is an error when the rest holds a word, even a comment\'s; blanks are not', () => {
  const tokens = Array.from({length: 700}, (_, i) => `svc${String(i).padStart(4, '0')}`) // 700 × 8 bytes with blanks
  const long = `node1 ${tokens.join(' ')}\n`
  const found = lint(long).filter((f) => f.id === 'haresources-line-too-long')
  assert.equal(found.length, 1)
  assert.deepEqual(found[0]!.location, {file: 'haresources', line: 1, column: 1})
  // byte 5118 falls inside a word: the rest of it is what Heartbeat takes for a node name
  const word = Buffer.from(long).subarray(5118).toString().split(' ')[0]
  assert.match(found[0]!.message, new RegExp(`^line is ${Buffer.byteLength(long) - 1} bytes long: .* first word "${word}" is no node name \\("Bad nodename"\\)`))
  assert.ok(!lint(`node1 ${tokens.slice(0, 600).join(' ')}\n`).some((f) => f.id === 'haresources-line-too-long'), '4 806 bytes')
  // Heartbeat strips nothing before it splits: the rest of a long comment is a word too
  assert.ok(lint(`node1 10.0.0.1 #${'x'.repeat(6000)}\n`).some((f) => f.id === 'haresources-line-too-long'))
  assert.ok(!lint(`node1 10.0.0.1${' '.repeat(6000)}\n`).some((f) => f.id === 'haresources-line-too-long'), 'blanks only')
})
