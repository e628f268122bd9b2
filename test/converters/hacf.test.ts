import {test} from 'node:test'
import assert from 'node:assert/strict'
import {convertHaCf} from '../../src/converters/hacf/convert.js'
import {parseHeartbeatTime, pacemakerDuration} from '../../src/converters/hacf/time.js'
import {parseHaCf} from '../../src/formats/hacf/index.js'
import {sections, value, type CorosyncSection} from '../../src/formats/corosync/model.js'
import {checkCorosyncConf} from '../../src/formats/corosync/check.js'
import type {Clone, LocationConstraint, Primitive} from '../../src/formats/cib/model.js'

const hacf = (text: string) => parseHaCf(text, 'ha.cf').model.directives

function totem(r: ReturnType<typeof convertHaCf>): CorosyncSection {
  return sections(r.corosync, 'totem')[0]!
}

function nodes(r: ReturnType<typeof convertHaCf>) {
  return sections(sections(r.corosync, 'nodelist')[0]!, 'node').map((n) => ({
    name: value(n, 'name'),
    nodeid: value(n, 'nodeid'),
    ring0: value(n, 'ring0_addr'),
    ring1: value(n, 'ring1_addr'),
  }))
}

test('heartbeat time values', () => {
  assert.equal(parseHeartbeatTime('30'), 30000)
  assert.equal(parseHeartbeatTime('200ms'), 200)
  assert.equal(parseHeartbeatTime('0.5'), 500)
  assert.equal(parseHeartbeatTime('1500us'), 2)
  assert.equal(parseHeartbeatTime('x'), undefined)
  assert.equal(pacemakerDuration(120000), '120s')
  assert.equal(pacemakerDuration(1500), '1500ms')
})

test('deadtime → token, warntime → token_warning, initdead → dc-deadtime, two nodes → two_node', () => {
  const r = convertHaCf(hacf('deadtime 30\nwarntime 10\ninitdead 120\nbcast eth0\nnode host1 host2\n'))
  assert.equal(value(totem(r), 'token'), '30000')
  assert.equal(value(totem(r), 'token_warning'), '33')
  assert.equal(value(totem(r), 'version'), '2')
  assert.equal(value(totem(r), 'transport'), 'knet')
  assert.equal(value(sections(r.corosync, 'quorum')[0], 'two_node'), '1')
  const props = Object.fromEntries(r.cib.crmConfig[0]!.pairs.map((p) => [p.name, p.value]))
  assert.deepEqual(props, {'stonith-enabled': 'false', 'dc-deadtime': '120s', 'cluster-name': 'linux-ha'})
  assert.deepEqual(nodes(r).map((n) => [n.name, n.nodeid]), [['host1', '1'], ['host2', '2']])
  assert.ok(r.findings.some((f) => f.id === 'convert-no-fencing'))
  assert.deepEqual(checkCorosyncConf(r.corosync).filter((f) => f.severity === 'error'), [])
})

test('three nodes: no two_node; a tiny deadtime is flagged', () => {
  const r = convertHaCf(hacf('deadtime 200ms\nbcast eth0\nnode a,b c\n'))
  assert.equal(nodes(r).length, 3)
  assert.equal(value(sections(r.corosync, 'quorum')[0], 'two_node'), undefined)
  assert.ok(r.findings.some((f) => f.id === 'convert-hacf-token' && f.severity === 'warning'))
})

test('ucast targets are placed by the known (drbd) addresses; the local node is found by elimination', () => {
  const r = convertHaCf(hacf('ucast eth0 192.168.0.3\nucast eth1 10.0.0.3\nnode host1 host2\n'), {
    addresses: {host1: '192.168.0.2', host2: '192.168.0.3'},
  })
  assert.deepEqual(nodes(r).map((n) => [n.name, n.ring0, n.ring1]), [
    ['host1', '192.168.0.2', undefined],
    ['host2', '192.168.0.3', undefined],
  ])
  // eth1 only names host2's address: link 1 cannot be completed, and that is said.
  assert.ok(r.findings.some((f) => f.id === 'convert-node-addr' && /link 1/.test(f.message)))
})

test('identical ha.cf listing every node on two interfaces gives two knet links', () => {
  const r = convertHaCf(
    hacf('ucast eth0 10.0.0.1\nucast eth0 10.0.0.2\nucast eth1 10.1.0.1\nucast eth1 10.1.0.2\nnode a b\n'),
    {addresses: {a: '10.0.0.1', b: '10.0.0.2'}},
  )
  assert.deepEqual(nodes(r).map((n) => n.ring0), ['10.0.0.1', '10.0.0.2'])
  // link 1 targets cannot be matched to nodes without more information
  assert.ok(r.findings.some((f) => f.id === 'convert-node-addr'))
})

test('no address → node name, with a warning', () => {
  const r = convertHaCf(hacf('bcast eth0\nnode a b\n'))
  assert.deepEqual(nodes(r).map((n) => n.ring0), ['a', 'b'])
  assert.equal(r.findings.filter((f) => f.id === 'convert-node-addr').length, 2)
})

test('ping + ipfail → ping clone and connectivity; ping_group → its own clone; ping node = cluster node warned', () => {
  const r = convertHaCf(
    hacf('ucast eth0 192.168.0.3\nping 192.168.0.3 10.0.0.1\nping_group gw 10.0.0.2 10.0.0.3\ndeadping 20\nrespawn hacluster /usr/lib/heartbeat/ipfail\nnode h1 h2\n'),
    {addresses: {h1: '192.168.0.2', h2: '192.168.0.3'}},
  )
  assert.ok(r.connectivity)
  const clones = r.cib.resources as Clone[]
  assert.deepEqual(clones.map((c) => c.id), ['cl_ping', 'cl_ping_gw'])
  const p = clones[0]!.child as Primitive
  assert.equal(`${p.class}:${p.provider}:${p.type}`, 'ocf:pacemaker:ping')
  const ps = Object.fromEntries(p.instanceAttributes[0]!.pairs.map((x) => [x.name, x.value]))
  assert.deepEqual(ps, {host_list: '192.168.0.3 10.0.0.1', multiplier: '1000', dampen: '20s'})
  const g = clones[1]!.child as Primitive
  assert.equal(g.instanceAttributes[0]!.pairs.find((x) => x.name === 'name')!.value, 'pingd_gw')
  assert.ok(r.findings.some((f) => f.id === 'convert-ping-is-node'))
})

test('ping without ipfail: clone but no rule', () => {
  const r = convertHaCf(hacf('bcast eth0\nping 10.0.0.1\nnode a b\n'))
  assert.equal(r.connectivity, false)
  assert.equal(r.cib.resources.length, 1)
  assert.ok(r.findings.some((f) => f.id === 'convert-ping-no-ipfail'))
})

test('stonith_host → stonith primitives with positional parameters, placement, stonith-enabled', () => {
  const r = convertHaCf(hacf('bcast eth0\nnode a b\nstonith_host a external/ipmi b 10.0.0.9 admin pw lan\nstonith_host * ssh a b\n'))
  const [ipmi, ssh] = r.cib.resources as Primitive[]
  assert.equal(ipmi!.class, 'stonith')
  assert.equal(ipmi!.type, 'external/ipmi')
  const ps = Object.fromEntries(ipmi!.instanceAttributes[0]!.pairs.map((x) => [x.name, x.value]))
  assert.deepEqual(ps, {hostname: 'b', ipaddr: '10.0.0.9', userid: 'admin', passwd: 'pw', interface: 'lan'})
  assert.equal(ssh!.instanceAttributes[0]!.pairs[0]!.value, 'a b')
  const loc = r.cib.constraints[0] as LocationConstraint
  assert.equal(loc.rsc, ipmi!.id)
  assert.equal(loc.rules[0]!.score, '-INFINITY')
  assert.equal(r.cib.crmConfig[0]!.pairs.find((p) => p.name === 'stonith-enabled')!.value, 'true')
  assert.ok(r.findings.some((f) => f.id === 'convert-fake-fencing'))
})

test('watchdog, serial, crm mode, unknown and ignored directives are all reported', () => {
  const r = convertHaCf(hacf('serial /dev/ttyS0\nbaud 19200\nwatchdog /dev/watchdog\ncrm yes\nhopfudge 1\nfrobnicate 1\nnode a b\n'))
  const ids = new Set(r.findings.map((f) => f.id))
  for (const id of ['convert-hacf-serial', 'convert-hacf-watchdog', 'convert-hacf-crm-mode', 'convert-hacf-ignored', 'convert-hacf-unknown']) {
    assert.ok(ids.has(id), id)
  }
  const resources = sections(r.corosync, 'resources')[0]!
  assert.ok(resources.comments?.some((c) => c.includes('watchdog_device: /dev/watchdog')))
  // The hint is the key itself, inside resources {}, switched off: the watchdog is not enabled silently.
  assert.deepEqual(resources.items, [{kind: 'pair', key: 'watchdog_device', value: 'off'}])
})

test('crypto always on with knet; crc gets a warning', () => {
  const crc = convertHaCf(hacf('bcast eth0\nnode a b\n'), {authkeys: {id: 1, method: 'crc'}})
  assert.equal(value(totem(crc), 'crypto_cipher'), 'aes256')
  assert.equal(value(totem(crc), 'crypto_hash'), 'sha256')
  assert.ok(crc.findings.some((f) => f.id === 'convert-auth-crc'))
})

test('a big sticky group outweighs the ping attribute: warned', async () => {
  const {convertBundle} = await import('../../src/converters/bundle.js')
  const {parseHaresources} = await import('../../src/formats/haresources/index.js')
  const cf = 'bcast eth0\nauto_failback off\nnode a b\nping 10.9.9.9\nrespawn hacluster /usr/lib/heartbeat/ipfail\n'
  const big = convertBundle({haresources: parseHaresources('a 10.0.0.1 s1 s2 s3 s4\n', 'h').model, hacf: parseHaCf(cf, 'c').model})
  assert.ok(big.findings.some((f) => f.id === 'convert-ping-weight'))
  const small = convertBundle({haresources: parseHaresources('a 10.0.0.1 s1\n', 'h').model, hacf: parseHaCf(cf, 'c').model})
  assert.ok(!small.findings.some((f) => f.id === 'convert-ping-weight'))
})
