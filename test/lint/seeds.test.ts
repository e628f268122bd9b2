import {test} from 'node:test'
import assert from 'node:assert/strict'
import {chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fixturesDir} from '../helpers/cli.js'
import {lintAll} from '../../src/lint/files.js'
import {fakeSystem} from './fake-system.js'

/** Copies a seed to a temp dir with authkeys at mode 600 (git keeps no modes). */
function copySeed(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `hakit-seed-${name}-`))
  for (const f of readdirSync(join(fixturesDir, 'seeds', name))) copyFileSync(join(fixturesDir, 'seeds', name, f), join(dir, f))
  chmodSync(join(dir, 'authkeys'), 0o600)
  return dir
}

async function seedFindings(name: string): Promise<string[]> {
  const dir = copySeed(name)
  const system = fakeSystem({interfaces: ['lo', 'eth0', 'eth1', 'eth2']})
  try {
    const {findings} = await lintAll(dir, {system, drbdConf: null})
    return findings.map((f) => `${f.location?.file.slice(dir.length + 1)}:${f.location?.line} ${f.id}`)
  } finally {
    system.cleanup()
    rmSync(dir, {recursive: true, force: true})
  }
}

test('000 centos: host1 is not declared (only "node host2"), crc, one node', async () => {
  assert.deepEqual(await seedFindings('000-centos-drbd-httpd'), [
    'authkeys:2 authkeys-crc',
    'ha.cf:12 hacf-one-node',
    'ha.cf:14 hacf-respawn-missing',
    'haresources:1 haresources-node-undeclared',
    'haresources:1 haresources-ipaddr-nic',
    'haresources:2 haresources-node-undeclared',
  ])
})

test('001 annotated: media before udpport (baud too, but no serial line uses it), trailing slash, crc', async () => {
  assert.deepEqual(await seedFindings('001-annotated-node1'), [
    'authkeys:2 authkeys-crc',
    'ha.cf:9 hacf-udpport-after-media',
    'ha.cf:20 hacf-respawn-missing',
    'haresources:1 haresources-ip-trailing-slash',
    'haresources:1 haresources-script-missing',
  ])
})

test('003 debian: the drbdisk typo, md5 with the sample key, initdead left at its 30 s default', async () => {
  assert.deepEqual(await seedFindings('003-debian-drbd07'), [
    'authkeys:2 authkeys-md5',
    'authkeys:2 authkeys-placeholder-key',
    'authkeys:2 authkeys-ignored-text',
    'ha.cf:5 hacf-initdead-short',
    'haresources:1 haresources-ipaddr-nic',
    'haresources:1 haresources-script-missing',
  ])
})

test('004 pacemaker: no haresources needed, placeholder sha1 key, short initdead', async () => {
  assert.deepEqual(await seedFindings('004-pacemaker-vagrant'), [
    'authkeys:2 authkeys-placeholder-key',
    'ha.cf:8 hacf-initdead-short',
    'ha.cf:20 hacf-respawn-missing',
  ])
})

test('the example cluster is clean', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-example-'))
  try {
    for (const f of ['ha.cf', 'haresources', 'authkeys']) copyFileSync(join(fixturesDir, 'example-cluster', f), join(dir, f))
    chmodSync(join(dir, 'authkeys'), 0o600)
    const system = fakeSystem({scripts: ['IPaddr2', 'Filesystem', 'drbddisk', 'webapp'], programs: ['/usr/libexec/heartbeat/dopd'], interfaces: ['eth0', 'eth1']})
    try {
      const {findings} = await lintAll(dir, {system, drbdConf: null})
      assert.deepEqual(findings, [])
    } finally {
      system.cleanup()
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('lint all includes drbd.conf and checks its hosts against the ha.cf nodes', async () => {
  const dir = copySeed('003-debian-drbd07')
  try {
    const clean = await lintAll(dir, {offline: true})
    assert.ok(clean.findings.some((f) => f.location?.file === join(dir, 'drbd.conf')), 'drbd.conf beside the Heartbeat files is linted')
    assert.ok(!clean.findings.some((f) => f.id === 'drbd-host-not-ha-node'))
    const haCf = join(dir, 'ha.cf')
    writeFileSync(haCf, readFileSync(haCf, 'utf8').replace('node debian-420 debian-566', 'node debian-420 debian-999'))
    const mismatch = await lintAll(dir, {offline: true})
    const hosts = mismatch.findings.filter((f) => f.id === 'drbd-host-not-ha-node')
    assert.equal(hosts.length, 1)
    assert.match(hosts[0].message, /debian-566/)
    const without = await lintAll(dir, {offline: true, drbdConf: null})
    assert.ok(!without.findings.some((f) => f.id.startsWith('drbd-')))
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('lint all: drbddisk::NAME must be a DRBD resource', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-example-drbd-'))
  try {
    for (const f of ['ha.cf', 'haresources', 'authkeys', 'drbd.conf']) copyFileSync(join(fixturesDir, 'example-cluster', f), join(dir, f))
    chmodSync(join(dir, 'authkeys'), 0o600)
    const ok = await lintAll(dir, {offline: true})
    assert.ok(!ok.findings.some((f) => f.id === 'haresources-drbd-resource-unknown'))
    const hr = join(dir, 'haresources')
    writeFileSync(hr, readFileSync(hr, 'utf8').replace('drbddisk::r0', 'drbddisk::r1'))
    const bad = (await lintAll(dir, {offline: true})).findings.filter((f) => f.id === 'haresources-drbd-resource-unknown')
    assert.equal(bad.length, 1)
    assert.deepEqual([bad[0].location?.line, bad[0].location?.column], [5, 4])
    assert.match(bad[0].message, /no DRBD resource "r1" \(did you mean "r0"\?\)/)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
