import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, existsSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fixturesDir, haveCommand, runCli} from '../../helpers/cli.js'

const fixture = (name: string) => join(fixturesDir, 'convert', name)
const work = mkdtempSync(join(tmpdir(), 'hakit-convert-cli-'))
test.after(() => rmSync(work, {recursive: true, force: true}))

test('convert all writes the bundle; the authkey is 256 bytes, mode 0400; MIGRATION.md lists every mapping', (t) => {
  const out = join(work, 'bundle')
  const r = runCli(['convert', 'all', fixture('fencing'), '--out', out])
  assert.equal(r.status, 0, r.stderr)
  for (const f of ['cib.xml', 'crm.txt', 'pcs.sh', 'corosync.conf', 'authkey', 'MIGRATION.md']) assert.ok(existsSync(join(out, f)), f)
  const key = statSync(join(out, 'authkey'))
  assert.equal(key.size, 256)
  assert.equal(key.mode & 0o777, 0o400)
  const report = readFileSync(join(out, 'MIGRATION.md'), 'utf8')
  for (const id of ['ip_10_0_0_10', 'fs_data', 'svc_nfs-kernel-server', 'ms_drbd_r0', 'ip_10_0_0_20', 'mail_beta_3']) assert.match(report, new RegExp(`\`${id}\``))
  assert.match(report, /## Cut-over steps/)
  assert.match(report, /convert-drbd-service/)
  assert.match(readFileSync(join(out, 'corosync.conf'), 'utf8'), /ring0_addr: 10\.0\.0\.1/)
  if (haveCommand('crm_verify')) assert.equal(spawnSync('crm_verify', ['-x', join(out, 'cib.xml')]).status, 0)
  else t.diagnostic('crm_verify missing: CIB not verified')
  // the same passphrase gives the same key on a second run (every node can convert its own copy)
  const again = join(work, 'bundle2')
  assert.equal(runCli(['convert', 'all', fixture('fencing'), '--out', again]).status, 0)
  assert.deepEqual(readFileSync(join(again, 'authkey')), readFileSync(join(out, 'authkey')))
})

test('convert haresources prints the CIB, crm or pcs form', () => {
  const xml = runCli(['convert', 'haresources', fixture('two-lines')])
  assert.equal(xml.status, 0, xml.stderr)
  assert.match(xml.stdout, /^<cib /)
  assert.match(xml.stdout, /<rsc_location id="loc_grp_NodeA_1_prefers_NodeA" rsc="grp_NodeA_1" node="NodeA" score="100"\/>/)
  assert.match(xml.stderr, /convert-failback-legacy/)
  const crm = runCli(['convert', 'haresources', join(fixture('two-lines'), 'haresources'), '--to', 'crm', '--init', 'systemd'])
  assert.match(crm.stdout, /primitive svc_httpd systemd:httpd/)
  const pcs = runCli(['convert', 'haresources', fixture('two-lines'), '--to', 'pcs'])
  assert.match(pcs.stdout, /pcs resource create ip_172_16_0_10 ocf:heartbeat:IPaddr2 ip=172\.16\.0\.10 cidr_netmask=24 nic=eth0/)
})

test('--out writes atomically; --json prints the findings on stdout', () => {
  const file = join(work, 'cib.xml')
  const r = runCli(['convert', 'haresources', fixture('every-script'), '--out', file, '--json'])
  assert.equal(r.status, 1, 'OCF:: without its instance file is an error finding')
  const {findings} = JSON.parse(r.stdout) as {findings: Array<{id: string; severity: string; line: number | null}>}
  assert.ok(findings.some((f) => f.id === 'convert-ocf-instance' && f.severity === 'error' && f.line === 7))
  assert.match(readFileSync(file, 'utf8'), /<cib /)
  const noOut = runCli(['convert', 'haresources', fixture('every-script'), '--json'])
  assert.equal(noOut.status, 2)
  assert.match(noOut.stderr, /--out/)
})

test('convert hacf prints corosync.conf for corosync 3', () => {
  const r = runCli(['convert', 'hacf', fixture('fencing')])
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /transport: knet/)
  assert.match(r.stdout, /two_node: 1/)
  assert.match(r.stdout, /token: 15000/)
  const props = runCli(['convert', 'hacf', fixture('fencing'), '--to', 'crm'])
  assert.match(props.stdout, /stonith-enabled=true/)
  assert.match(props.stdout, /resource-stickiness=200/)
})

test('convert authkeys writes a 0400 key; crc warns', () => {
  const out = join(work, 'authkey')
  const r = runCli(['convert', 'authkeys', join(fixture('every-script'), 'authkeys'), '--out', out])
  assert.equal(r.status, 0, r.stderr)
  assert.equal(statSync(out).mode & 0o777, 0o400)
  assert.equal(statSync(out).size, 256)
  const crc = runCli(['convert', 'authkeys', join(fixture('every-script'), 'authkeys'), '--out', join(work, 'k2'), '--generate'])
  assert.equal(crc.status, 0)
  assert.notDeepEqual(readFileSync(join(work, 'k2')), readFileSync(out))
})

test('convert authkeys: every finding names the file and a line, also those about the file as a whole', () => {
  const empty = join(work, 'empty-authkeys')
  writeFileSync(empty, '', {mode: 0o600})
  const r = runCli(['convert', 'authkeys', empty, '--out', join(work, 'k3')])
  assert.equal(r.status, 0, r.stderr)
  const lines = r.stderr.trimEnd().split('\n')
  assert.deepEqual(lines.map((l) => l.split(' ').slice(0, 3).join(' ')), [`${empty}:1:1 warning convert-authkey-new`, `${empty}:1:1 info convert-authkey-copy`])
})

test('convert drbd: one promotable clone per resource in every dialect', () => {
  for (const [file, name, hosts] of [['v07.conf', 'drbd0', 2], ['v83.conf', 'r0', 2], ['v84.res', 'data', 2], ['v9.res', 'r9', 3]] as const) {
    const r = runCli(['convert', 'drbd', join(fixture('drbd'), file), '--to', 'crm'])
    assert.equal(r.status, 0, `${file}: ${r.stderr}`)
    assert.match(r.stdout, new RegExp(`clone ms_drbd_${name} drbd_${name}`))
    assert.match(r.stdout, new RegExp(`clone-max=${hosts}`))
    assert.match(r.stdout, /notify=true/)
  }
})

test('unreadable input: one line naming the file, exit 2, no stack', () => {
  const r = runCli(['convert', 'haresources', join(work, 'missing')])
  assert.equal(r.status, 2)
  assert.match(r.stderr, /^hakit: .*missing: no such file or directory\n$/)
  const dir = runCli(['convert', 'all', join(work, 'missing'), '--out', join(work, 'x')])
  assert.equal(dir.status, 2)
  assert.doesNotMatch(dir.stderr, /\n\s+at /)
})

test('MIGRATION.md lists every ha.cf directive and never prints secrets', () => {
  const out = join(work, 'every')
  const r = runCli(['convert', 'all', fixture('every-script'), '--out', out])
  assert.equal(r.status, 1, 'the fixture has an OCF:: error finding')
  const report = readFileSync(join(out, 'MIGRATION.md'), 'utf8')
  const hacf = readFileSync(join(fixture('every-script'), 'ha.cf'), 'utf8').trim().split('\n')
  for (let i = 1; i <= hacf.length; i++) assert.match(report, new RegExp(`ha\\.cf:${i}:1 \\|`), `ha.cf line ${i} in the table`)
  assert.doesNotMatch(report, /secret/)
  assert.doesNotMatch(report, /CorrectHorseBatteryStaple/)
  assert.match(readFileSync(join(out, 'crm.txt'), 'utf8'), /passwd=secret/, 'the fencing parameters themselves are converted')
})

test('convert drbd --to drbd9: drbdadm 9 accepts what it rejected before', (t) => {
  if (!haveCommand('drbdadm')) {
    t.skip('drbd-utils not installed')
    return
  }
  for (const file of ['v07.conf', 'v83.conf', 'v84.res', 'v9.res']) {
    const out = join(work, `${file}.drbd9`)
    const r = runCli(['convert', 'drbd', join(fixture('drbd'), file), '--to', 'drbd9', '--out', out])
    assert.equal(r.status, 0, `${file}: ${r.stderr}`)
    const dump = spawnSync('drbdadm', ['-c', out, 'dump', 'all'], {encoding: 'utf8'})
    assert.equal(dump.status, 0, `${file}: ${dump.stderr}`)
  }
  // the 0.7 and 8.3 originals are refused by drbdadm 9.22 (incon-degr-cmd, syncer rate, disk fencing)
  for (const file of ['v07.conf', 'v83.conf']) {
    assert.notEqual(spawnSync('drbdadm', ['-c', join(fixture('drbd'), file), 'dump', 'all'], {encoding: 'utf8'}).status, 0, file)
  }
})

test('convert all on a directory without haresources or ha.cf refuses (exit 2)', () => {
  const r = runCli(['convert', 'all', fixture('drbd'), '--out', join(work, 'nothing')])
  assert.equal(r.status, 2)
  assert.match(r.stderr, /neither haresources nor ha\.cf/)
  assert.ok(!existsSync(join(work, 'nothing')))
  // a directory that is not there is said so; a file where the directory was expected too
  const missing = join(work, 'no-such-ha.d')
  assert.equal(runCli(['convert', 'all', missing, '--out', join(work, 'nothing')]).stderr, `hakit: ${missing}: no such directory\n`)
  const file = join(fixture('two-lines'), 'ha.cf')
  assert.equal(runCli(['convert', 'all', file, '--out', join(work, 'nothing')]).stderr, `hakit: ${file}: not a directory (give the Heartbeat configuration directory, e.g. /etc/ha.d)\n`)
})

test('a haresources saved with DOS line ends converts as meant: no CR in any output, the same resources, a warning (not an error)', () => {
  const dir = mkdtempSync(join(work, 'crlf-'))
  copyFileSync(join(fixture('two-lines'), 'ha.cf'), join(dir, 'ha.cf'))
  const unix = readFileSync(join(fixture('two-lines'), 'haresources'), 'utf8')
  writeFileSync(join(dir, 'haresources'), unix.replace(/\n/g, '\r\n'))
  for (const to of ['cib', 'crm', 'pcs']) {
    const dos = runCli(['convert', 'haresources', dir, '--to', to, '--offline'])
    const plain = runCli(['convert', 'haresources', fixture('two-lines'), '--to', to, '--offline'])
    assert.equal(dos.status, 0, dos.stderr)
    assert.ok(!dos.stdout.includes('\r'), `${to}: a CR in the output`)
    assert.equal(dos.stdout.replaceAll(dir, 'DIR'), plain.stdout.replaceAll(fixture('two-lines'), 'DIR'), to)
  }
  const r = runCli(['convert', 'haresources', dir, '--offline'])
  // the CR of line 1 ends "httpd", at column 32
  assert.match(r.stderr, new RegExp(`^${join(dir, 'haresources')}:1:32 warning convert-haresources-crlf `, 'm'))
  assert.doesNotMatch(r.stderr, / error /)
})
