import {test} from 'node:test'
import assert from 'node:assert/strict'
import {convertHaresources} from '../../src/converters/haresources/convert.js'
import {scriptMappers} from '../../src/converters/haresources/scripts/index.js'
import type {HaresourcesLine} from '../../src/converters/haresources/types.js'
import type {Clone, ColocationConstraint, Group, LocationConstraint, OrderConstraint, Primitive} from '../../src/formats/cib/model.js'
import {readdirSync} from 'node:fs'

const line = (node: string, ...tokens: string[]): HaresourcesLine => ({
  node,
  resources: tokens.map((t) => {
    const [script = '', ...args] = t.split('::')
    return {script, args}
  }),
})

function params(p: Primitive): Record<string, string> {
  return Object.fromEntries(p.instanceAttributes.flatMap((s) => s.pairs.map((x) => [x.name, x.value ?? ''])))
}

/** Converts one token on its own line and returns the primitive it became. */
function one(token: string) {
  const r = convertHaresources([line('n1', token)])
  const p = r.cib.resources.find((x): x is Primitive => x.kind === 'primitive')
  assert.ok(p, `no primitive for ${token}`)
  return {p, agent: `${p.class}:${p.provider ? `${p.provider}:` : ''}${p.type}`, params: params(p), findings: r.findings}
}

// The mapping table as implemented: token → agent + parameters.
const mappings: Array<[string, string, Record<string, string>]> = [
  ['10.0.0.1', 'ocf:heartbeat:IPaddr2', {ip: '10.0.0.1'}],
  ['IPaddr::192.168.0.1/24/eth0/192.168.0.255', 'ocf:heartbeat:IPaddr2', {ip: '192.168.0.1', cidr_netmask: '24', nic: 'eth0', broadcast: '192.168.0.255'}],
  ['IPaddr::1.2.3.4/24/eth0:1/1.2.3.255', 'ocf:heartbeat:IPaddr2', {ip: '1.2.3.4', cidr_netmask: '24', nic: 'eth0', iflabel: '1', broadcast: '1.2.3.255'}],
  ['IPaddr::192.168.60.200/24/eth0/', 'ocf:heartbeat:IPaddr2', {ip: '192.168.60.200', cidr_netmask: '24', nic: 'eth0'}],
  ['IPaddr::10.0.30.15//8/eth0:10', 'ocf:heartbeat:IPaddr2', {ip: '10.0.30.15', cidr_netmask: '8', nic: 'eth0', iflabel: '10'}],
  ['IPaddr2::10.0.0.12/255.255.255.0/eth1', 'ocf:heartbeat:IPaddr2', {ip: '10.0.0.12', cidr_netmask: '24', nic: 'eth1'}],
  ['IPv6addr::2001:0db8:0000:0000:0000:0000:0000:0010/64/eth0', 'ocf:heartbeat:IPaddr2', {ip: '2001:0db8:0000:0000:0000:0000:0000:0010', cidr_netmask: '64', nic: 'eth0'}],
  ['IPsrcaddr::10.0.0.1', 'ocf:heartbeat:IPsrcaddr', {ipaddress: '10.0.0.1'}],
  ['SendArp::10.0.0.1/eth0', 'ocf:heartbeat:SendArp', {ip: '10.0.0.1', nic: 'eth0'}],
  ['Filesystem::/dev/drbd0::/mnt/share::ext3', 'ocf:heartbeat:Filesystem', {device: '/dev/drbd0', directory: '/mnt/share', fstype: 'ext3'}],
  ['Filesystem::nfs:/export::/mnt/x::nfs::ro,hard', 'ocf:heartbeat:Filesystem', {device: 'nfs:/export', directory: '/mnt/x', fstype: 'nfs', options: 'ro,hard'}],
  ['Filesystem::-Ldata::/data', 'ocf:heartbeat:Filesystem', {device: '-Ldata', directory: '/data', fstype: 'auto'}],
  ['MailTo::a@example.com,b@example.com::Failover', 'ocf:heartbeat:MailTo', {email: 'a@example.com,b@example.com', subject: 'Failover'}],
  ['apache::/etc/apache2/apache2.conf', 'ocf:heartbeat:apache', {configfile: '/etc/apache2/apache2.conf'}],
  ['apache', 'ocf:heartbeat:apache', {}],
  ['LVM::vg0', 'ocf:heartbeat:LVM', {volgrpname: 'vg0'}],
  ['Raid1::/etc/mdadm/mdadm.conf::/dev/md0', 'ocf:heartbeat:mdraid', {mdadm_conf: '/etc/mdadm/mdadm.conf', md_dev: '/dev/md0'}],
  ['Raid1::/etc/raidtab::/dev/md0', 'ocf:heartbeat:Raid1', {raidconf: '/etc/raidtab', raiddev: '/dev/md0'}],
  ['Delay', 'ocf:heartbeat:Delay', {startdelay: '10'}],
  ['Delay::5::3', 'ocf:heartbeat:Delay', {startdelay: '5', stopdelay: '3'}],
  ['Xinetd::tftp', 'ocf:heartbeat:Xinetd', {service: 'tftp'}],
  ['portblock::tcp::80,443::block', 'ocf:heartbeat:portblock', {protocol: 'tcp', portno: '80,443', action: 'block'}],
  ['AudibleAlarm::n1::n2', 'ocf:heartbeat:AudibleAlarm', {nodelist: 'n1 n2'}],
  ['ICP::c0h0::/dev/sdb', 'ocf:heartbeat:ICP', {driveid: 'c0h0', device: '/dev/sdb'}],
  ['LinuxSCSI::0:0:2:0', 'ocf:heartbeat:LinuxSCSI', {scsi: '0:0:2:0'}],
  ['ServeRAID::1::2', 'ocf:heartbeat:ServeRAID', {serveraid: '1', mergegroup: '2'}],
  ['WAS::9080', 'ocf:heartbeat:WAS', {port: '9080'}],
  ['WAS::/opt/was/cfg.xml', 'ocf:heartbeat:WAS', {config: '/opt/was/cfg.xml'}],
  ['WinPopup::/etc/hosts.win', 'ocf:heartbeat:WinPopup', {hostfile: '/etc/hosts.win'}],
  ['db2::db2inst1', 'ocf:heartbeat:db2', {instance: 'db2inst1'}],
  ['ids::/opt/informix::srv::onconfig.srv', 'ocf:heartbeat:ids', {informixdir: '/opt/informix', informixserver: 'srv', onconfig: 'onconfig.srv'}],
  ['OCF::Dummy::one', 'ocf:heartbeat:Dummy', {}],
  ['httpd', 'lsb:httpd', {}],
  ['IProute::gw', 'lsb:IProute', {}],
]

for (const [token, agent, expected] of mappings) {
  test(`maps ${token} → ${agent}`, () => {
    const r = one(token)
    assert.equal(r.agent, agent)
    assert.deepEqual(r.params, expected)
    const monitor = r.p.operations.find((o) => o.name === 'monitor')
    assert.ok(monitor && monitor.attributes.timeout, 'has a monitor with a timeout')
  })
}

test('every shipped resource.d script has a mapper (and hto-mapfuncs, a library, has none)', (t) => {
  let shipped: string[]
  try {
    shipped = readdirSync('/etc/ha.d/resource.d')
  } catch {
    t.skip('/etc/ha.d/resource.d is not installed')
    return
  }
  const mapped = new Set(scriptMappers.map((m) => m.script))
  for (const s of shipped.filter((x) => x !== 'hto-mapfuncs')) assert.ok(mapped.has(s), `no mapper for ${s}`)
  assert.ok(!mapped.has('hto-mapfuncs'))
})

test('an unknown script becomes an lsb primitive with a warning, its arguments dropped with another', () => {
  const r = one('Kerberos::A::B')
  assert.equal(r.agent, 'lsb:Kerberos')
  assert.equal(r.p.id, 'svc_Kerberos')
  assert.ok(r.findings.some((f) => f.id === 'convert-custom-script' && f.severity === 'warning'))
  assert.ok(r.findings.some((f) => f.id === 'convert-custom-script-args'))
})

test('--init systemd makes systemd primitives', () => {
  const r = convertHaresources([line('n1', 'httpd')], {initClass: 'systemd'})
  const p = r.cib.resources[0] as Primitive
  assert.equal(p.class, 'systemd')
  assert.equal(p.type, 'httpd')
})

test('a misspelt script gets a "did you mean"; a case typo is mapped with a warning', () => {
  const typo = one('drbdisk::drbd0')
  // Nothing says a script `drbdisk` exists: a typo that cannot work is an error.
  const error = typo.findings.find((f) => f.id === 'convert-script-near-miss')!
  assert.equal(error.severity, 'error')
  assert.match(error.message, /did you mean the shipped script 'drbddisk'/)
  const cased = one('IPAddr::10.0.0.1')
  assert.equal(cased.agent, 'ocf:heartbeat:IPaddr2')
  assert.ok(cased.findings.some((f) => f.id === 'convert-script-case'))
})

test('wrong argument counts and bad values are errors', () => {
  assert.ok(one('Filesystem::/dev/sda1').findings.some((f) => f.id === 'convert-script-args' && f.severity === 'error'))
  assert.ok(one('IPaddr::virtual_ip/24').findings.some((f) => f.id === 'convert-ip-invalid'))
  assert.ok(one('IPaddr::10.0.0.1/255.0.255.0').findings.some((f) => f.id === 'convert-ip-netmask' && f.severity === 'error'))
  assert.ok(one('SendArp::10.0.0.1').findings.some((f) => f.id === 'convert-sendarp-nic'))
  const nicAsMask = one('IPaddr::10.0.0.1/eth0')
  assert.equal(nicAsMask.params.nic, 'eth0')
  assert.ok(nicAsMask.findings.some((f) => f.id === 'convert-ip-nic-as-mask'))
})

test('a line of several resources is one group in line order with a location preference', () => {
  const r = convertHaresources([line('host1', '192.168.0.1/24', 'Filesystem::/dev/sda1::/data::ext4', 'httpd'), line('host2', 'MailTo::root')])
  const g = r.cib.resources[0] as Group
  assert.equal(g.kind, 'group')
  assert.equal(g.id, 'grp_host1_1')
  assert.deepEqual(g.children.map((c) => c.id), ['ip_192_168_0_1', 'fs_data', 'svc_httpd'])
  const mail = r.cib.resources[1] as Primitive
  assert.equal(mail.kind, 'primitive')
  assert.equal(mail.id, 'mail_host2_2')
  const locs = r.cib.constraints.filter((c): c is LocationConstraint => c.kind === 'location')
  assert.deepEqual(locs.map((l) => [l.rsc, l.node, l.score]), [['grp_host1_1', 'host1', '100'], ['mail_host2_2', 'host2', '100']])
  assert.deepEqual(r.units.map((u) => u.id), ['grp_host1_1', 'mail_host2_2'])
})

test('drbddisk::r0 → promotable clone, colocation with Promoted, order promote → start', () => {
  const r = convertHaresources([line('a', '10.0.0.1', 'drbddisk::r0', 'Filesystem::/dev/drbd0::/srv::ext4')], {
    drbd: [{name: 'r0', hosts: ['a', 'b'], minors: [0]}],
  })
  const clone = r.cib.resources.find((x): x is Clone => x.kind === 'clone')!
  assert.equal(clone.id, 'ms_drbd_r0')
  assert.ok(clone.promotable)
  const meta = Object.fromEntries(clone.metaAttributes[0]!.pairs.map((p) => [p.name, p.value]))
  assert.equal(meta.notify, 'true')
  assert.equal(meta.promotable, 'true')
  assert.equal(meta['clone-max'], '2')
  const p = clone.child as Primitive
  assert.equal(`${p.class}:${p.provider}:${p.type}`, 'ocf:linbit:drbd')
  const monitors = p.operations.filter((o) => o.name === 'monitor')
  assert.equal(monitors.length, 2)
  assert.notEqual(monitors[0]!.interval, monitors[1]!.interval)
  assert.deepEqual(monitors.map((m) => m.attributes.role).sort(), ['Promoted', 'Unpromoted'])
  const col = r.cib.constraints.find((c): c is ColocationConstraint => c.kind === 'colocation')!
  assert.deepEqual([col.rsc, col.withRsc, col.withRscRole, col.score], ['grp_a_1', 'ms_drbd_r0', 'Promoted', 'INFINITY'])
  const ord = r.cib.constraints.find((c): c is OrderConstraint => c.kind === 'order')!
  assert.deepEqual([ord.first, ord.firstAction, ord.then, ord.thenAction], ['ms_drbd_r0', 'promote', 'grp_a_1', 'start'])
  const g = r.cib.resources.find((x): x is Group => x.kind === 'group')!
  assert.deepEqual(g.children.map((c) => c.type), ['IPaddr2', 'Filesystem'])
})

test('bare drbddisk means every DRBD resource; a Filesystem on another minor is reported', () => {
  const r = convertHaresources([line('a', 'drbddisk', 'Filesystem::/dev/drbd7::/srv::ext4', 'httpd')], {
    drbd: [{name: 'r0', hosts: ['a', 'b'], minors: [0]}, {name: 'r1', hosts: ['a', 'b', 'c'], minors: [1]}],
  })
  const clones = r.cib.resources.filter((x): x is Clone => x.kind === 'clone')
  assert.deepEqual(clones.map((c) => c.id), ['ms_drbd_r0', 'ms_drbd_r1'])
  assert.equal(clones[1]!.metaAttributes[0]!.pairs.find((p) => p.name === 'clone-max')!.value, '3')
  assert.equal(r.cib.constraints.filter((c) => c.kind === 'colocation').length, 2)
  assert.ok(r.findings.some((f) => f.id === 'convert-drbd-device-mismatch'))
})

test('a DRBD resource named only by a misspelt script (003: drbdisk::drbd0) is unused, and the finding names that token', () => {
  const drbd = [{name: 'drbd0', hosts: ['a', 'b'], minors: [0]}]
  const typo = convertHaresources([line('a', '10.0.0.1', 'drbdisk::drbd0')], {drbd}).findings.find((f) => f.id === 'convert-drbd-unused')
  assert.match(typo?.message ?? '', /^DRBD resource\(s\) drbd0 are not used in haresources: .* haresources names them as drbdisk::drbd0: only drbddisk::NAME/)
  const unnamed = convertHaresources([line('a', '10.0.0.1')], {drbd}).findings.find((f) => f.id === 'convert-drbd-unused')
  assert.doesNotMatch(unnamed?.message ?? 'missing', /names them|missing/)
})

test('a line holding only drbddisk prefers promoting on its node', () => {
  const r = convertHaresources([line('a', 'drbddisk::r0')])
  const loc = r.cib.constraints.find((c): c is LocationConstraint => c.kind === 'location')!
  assert.deepEqual([loc.rsc, loc.role, loc.node], ['ms_drbd_r0', 'Promoted', 'a'])
})

test('auto_failback → resource-stickiness', () => {
  const stick = (v: string | undefined) =>
    convertHaresources([line('a', 'httpd')], {autoFailback: v}).cib.rscDefaults[0]!.pairs.find((p) => p.name === 'resource-stickiness')!.value
  assert.equal(stick('on'), '0')
  assert.equal(stick('yes'), '0')
  assert.equal(stick('off'), '200')
  assert.equal(stick('FALSE'), '200')
  assert.equal(stick('legacy'), '0')
  assert.equal(stick(undefined), '0')
  assert.ok(convertHaresources([], {autoFailback: 'legacy'}).findings.some((f) => f.id === 'convert-failback-legacy'))
})

test('node names take the ha.cf spelling; unknown nodes are reported', () => {
  const r = convertHaresources([line('web_mysql_m1', 'httpd'), line('lisa', 'apache2')], {nodes: ['Web_MySQL_M1', 'other']})
  const locs = r.cib.constraints.filter((c): c is LocationConstraint => c.kind === 'location')
  assert.deepEqual(locs.map((l) => l.node), ['Web_MySQL_M1', 'lisa'])
  assert.ok(r.findings.some((f) => f.id === 'convert-node-unknown' && /lisa/.test(f.message)))
})

test('ids are unique, valid XML ids, and stable', () => {
  const lines = [line('a', '10.0.0.1', 'httpd'), line('b', '10.0.0.1', 'httpd'), line('3node', 'MailTo::x')]
  const r1 = convertHaresources(lines)
  const r2 = convertHaresources(lines)
  assert.deepEqual(r1.cib, r2.cib)
  const ids: string[] = []
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) o.forEach(walk)
    else if (o && typeof o === 'object') {
      for (const [k, v] of Object.entries(o)) {
        if (k === 'id' && typeof v === 'string') ids.push(v)
        else walk(v)
      }
    }
  }
  walk(r1.cib)
  assert.equal(new Set(ids).size, ids.length, 'ids are unique')
  for (const id of ids) assert.match(id, /^[A-Za-z_][A-Za-z0-9_.-]*$/)
  assert.ok(ids.includes('ip_10_0_0_1_2'))
})

test('init scripts get the conservative monitor; OCF agents get their advertised start/stop timeouts', () => {
  const svc = one('httpd').p
  assert.deepEqual(svc.operations.map((o) => [o.name, o.interval, o.attributes.timeout]), [['monitor', '15s', '15s']])
  const fs = one('Filesystem::/dev/sda1::/d::xfs').p
  assert.deepEqual(fs.operations.map((o) => [o.name, o.interval, o.attributes.timeout]), [
    ['monitor', '20s', '40s'],
    ['start', '0s', '60s'],
    ['stop', '0s', '60s'],
  ])
})

test('a legacy directory as a CIB source converts on the fly', async () => {
  const {heartbeatCibSource} = await import('../../src/converters/cib-source.js')
  const {join} = await import('node:path')
  const {fixturesDir} = await import('../helpers/cli.js')
  const dir = join(fixturesDir, 'convert', 'two-lines')
  assert.ok(await heartbeatCibSource.claims(dir, {isDirectory: true}))
  assert.ok(!(await heartbeatCibSource.claims(join(fixturesDir, 'convert', 'drbd'), {isDirectory: true})))
  const cib = await heartbeatCibSource.load(dir)
  assert.deepEqual(cib.resources.map((r) => r.id), ['grp_NodeA_1', 'grp_NodeB_2'])
})
