import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtemp, mkdir, readFile, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadDrbd, parseDrbd, printDrbd} from '../../../src/formats/drbd/index.js'
import {fixturesDir, sharedDir} from '../../helpers/cli.js'
import {stripLocations} from './helpers.js'

const fx = (name: string) => join(fixturesDir, 'drbd', name)

const DIALECTS: Record<string, string> = {
  'seed-003-drbd07.conf': '0.7',
  'drbd07.conf': '0.7',
  'drbd83.conf': '8.3',
  'drbd84.conf': '8.4',
  'drbd9-mesh.res': '9',
  'include/drbd.conf': '8.4',
  'floating-stacked.conf': '8.4',
  'drbd9-paths.res': '9',
}

test('each dialect fixture is detected with evidence, and parses without findings', async () => {
  for (const [name, dialect] of Object.entries(DIALECTS)) {
    const {model, findings} = await loadDrbd(fx(name))
    assert.deepEqual(findings, [], name)
    assert.equal(model.dialect.dialect, dialect, `${name}: ${model.dialect.reason}`)
    assert.ok(model.dialect.evidence.length > 0, name)
    assert.deepEqual(model.dialect.conflicts, [], name)
  }
})

test('the shared seed 003 parses into the typed model', async () => {
  const {model, findings} = await loadDrbd(join(sharedDir, 'fixtures/seeds/003-debian-drbd07/drbd.conf'))
  assert.deepEqual(findings, [])
  assert.equal(model.dialect.dialect, '0.7')
  assert.match(model.dialect.reason, /incon-degr-cmd/)
  const [r] = model.resources
  assert.equal(r.name, 'drbd0')
  assert.equal(r.protocol?.value, 'C')
  assert.deepEqual(r.hosts.map((h) => h.names), [['debian-420'], ['debian-566']])
  const [a, b] = r.hosts
  assert.deepEqual([a.address?.host, a.address?.port, b.address?.host], ['192.168.0.95', 7789, '192.168.0.73'])
  assert.deepEqual(a.volumes.map((v) => [v.number, v.device?.minor, v.disk?.path, v.metaDisk?.kind]), [[null, 1, '/dev/sdb1', 'internal']])
  assert.deepEqual(b.volumes[0].disk?.path, '/dev/hda3')
  assert.deepEqual(a.loc, {file: join(sharedDir, 'fixtures/seeds/003-debian-drbd07/drbd.conf'), line: 11, column: 1})
})

test('device, meta-disk and address forms', () => {
  const {model, findings} = parseDrbd(`resource r {
  on a { device /dev/drbd_x minor 7; disk /dev/sda; meta-disk /dev/md[3]; address ipv6 [fe80::1%eth0]:7788; }
  on b { device minor 8; disk none; meta-disk /dev/md [4]; address sdp 10.0.0.2:7788; }
  floating 10.0.0.3:7789 { device /dev/drbd9; disk /dev/sdc; meta-disk /dev/flex; }
}`)
  assert.deepEqual(findings, [])
  const [a, b, f] = model.resources[0].hosts
  assert.deepEqual(a.volumes[0].device, {path: '/dev/drbd_x', minor: 7, loc: a.volumes[0].device!.loc})
  assert.deepEqual([a.volumes[0].metaDisk?.kind, a.volumes[0].metaDisk?.path, a.volumes[0].metaDisk?.index], ['external', '/dev/md', 3])
  assert.deepEqual([a.address?.family, a.address?.host, a.address?.port, a.address?.isHostName], ['ipv6', 'fe80::1%eth0', 7788, false])
  assert.deepEqual([b.volumes[0].device?.path, b.volumes[0].device?.minor, b.volumes[0].disk?.path], [null, 8, 'none'])
  assert.deepEqual([b.volumes[0].metaDisk?.path, b.volumes[0].metaDisk?.index, b.address?.family], ['/dev/md', 4, 'sdp'])
  assert.deepEqual([f.kind, f.address?.host, f.address?.port, f.volumes[0].metaDisk?.kind], ['floating', '10.0.0.3', 7789, 'flexible'])
})

test('resource-level volumes are inherited and overridden per host', async () => {
  const {model} = await loadDrbd(fx('drbd9-mesh.res'))
  const [r] = model.resources
  assert.deepEqual(r.hosts.map((h) => h.nodeId), [0, 1, 2])
  const n3 = r.hosts[2]
  assert.deepEqual(n3.volumes.map((v) => [v.number, v.device?.minor, v.disk?.path]), [[0, 100, '/dev/vg/r9a'], [1, 101, 'none']])
  const {model: m84} = await loadDrbd(fx('drbd84.conf'))
  assert.deepEqual(m84.resources[0].hosts.map((h) => h.names[0]), ['store-a', 'store-b'])
  assert.equal(m84.resources[0].protocol?.value, 'C', 'protocol from common net')
})

test('lexical variety: no blanks before braces or quotes, CRLF, value on next line, skip, comments', () => {
  const text = 'global{usage-count no;}\r\nresource "nn"{ # comment { not a brace\r\n handlers { fence-peer"/usr/lib/drbd/crm-fence-peer.sh"; }\r\n on h1\r\n {\r\n  device\r\n   /dev/drbd0; disk /dev/sda; address 10.0.0.1:7788; meta-disk internal; }\r\n skip { prose with { braces } inside }\r\n on h2 { device /dev/drbd0; disk /dev/sda; address 10.0.0.2:7788; meta-disk "internal"; }\r\n}\r\n'
  const {model, findings} = parseDrbd(text, 'x.conf')
  assert.deepEqual(findings, [])
  const [r] = model.resources
  assert.equal(r.name, 'nn')
  assert.deepEqual(r.hosts.map((h) => h.names[0]), ['h1', 'h2'])
  assert.equal(r.hosts[0].volumes[0].device?.minor, 0)
  const skip = r.section.body.find((n) => n.type === 'skip')
  assert.ok(skip && skip.type === 'skip' && skip.raw.startsWith('skip { prose'))
  assert.deepEqual(r.section.body[0].type === 'section' && r.section.body[0].body[0].type === 'statement' && r.section.body[0].body[0].args[0].value, '/usr/lib/drbd/crm-fence-peer.sh')
})

test('parse → print → parse gives the same tree for every fixture', async () => {
  for (const name of [...Object.keys(DIALECTS), 'broken/mistakes.conf']) {
    const text = await readFile(fx(name), 'utf8')
    const first = parseDrbd(text, name)
    const printed = printDrbd(first.model.nodes)
    const second = parseDrbd(printed, name)
    assert.deepEqual(second.findings, [], `${name}\n${printed}`)
    assert.deepEqual(stripLocations(second.model.nodes), stripLocations(first.model.nodes), name)
  }
})

test('includes: globs relative to the including file, sorted, only matching names', async () => {
  const {model, findings} = await loadDrbd(fx('include/drbd.conf'))
  assert.deepEqual(findings, [])
  assert.deepEqual(model.resources.map((r) => r.name), ['r0', 'r1'])
  assert.deepEqual(model.files.map((f) => f.file.replace(fx('include/'), '')), ['drbd.conf', 'global_common.conf', 'drbd.d/r0.res', 'drbd.d/r1.res'])
  assert.equal(model.resources[1].loc.file, fx('include/drbd.d/r1.res'))
  assert.ok(model.common, 'common from the included global_common.conf')
})

test('include problems become findings on the include line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hakit-drbd-inc-'))
  await mkdir(join(dir, 'd'))
  await writeFile(join(dir, 'main.conf'), 'include "missing.conf";\ninclude "d/*.res";\ninclude "main.conf";\nresource r { on a { } }\n')
  const {findings} = await loadDrbd(join(dir, 'main.conf'))
  assert.deepEqual(
    findings.map((f) => [f.id, f.severity, f.location?.line]),
    [
      ['drbd-include', 'error', 1],
      ['drbd-include-empty', 'info', 2],
      ['drbd-include', 'error', 3],
    ],
  )
})

test('syntax errors are findings with positions, recovery keeps later resources', () => {
  const {model, findings} = parseDrbd('resource a {\n  protocol C\n  on x { device /dev/drbd0; }\n}\n}\nresource b { "quoted" ; }\nresource c {\n', 'f.conf')
  assert.deepEqual(
    findings.map((f) => [f.location?.line, f.location?.column]),
    [[2, 3], [5, 1], [6, 14], [7, 1]],
  )
  assert.deepEqual(model.resources.map((r) => r.name), ['a', 'b', 'c'])
})

test('converter helpers: devices, dual primary, stacked', async () => {
  const {isDualPrimary, isStacked, resourceDevices} = await import('../../../src/formats/drbd/index.js')
  const {model} = await loadDrbd(fx('drbd84.conf'))
  const [data] = model.resources
  assert.deepEqual(resourceDevices(data).sort(), ['/dev/drbd/by-res/data/0', '/dev/drbd/by-res/data/1', '/dev/drbd10', '/dev/drbd11'])
  assert.equal(isDualPrimary(data), false, 'allow-two-primaries no')
  const two = parseDrbd('resource r { net { allow-two-primaries; } startup { become-primary-on both; } on a { device /dev/drbd3; disk /dev/x; address 10.0.0.1:7788; meta-disk internal; } }').model.resources[0]
  assert.equal(isDualPrimary(two), true)
  assert.deepEqual(resourceDevices(two).sort(), ['/dev/drbd/by-res/r', '/dev/drbd/by-res/r/0', '/dev/drbd3'])
  assert.equal(isStacked(two), false)
})
