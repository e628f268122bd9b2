import {test} from 'node:test'
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {lintDrbdPath} from '../../src/lint/drbd.js'
import {UserError} from '../../src/core/errors.js'
import {fixturesDir, sharedDir} from '../helpers/cli.js'

const fx = (name: string) => join(fixturesDir, 'drbd', name)
const ids = (findings: {id: string}[]) => findings.map((f) => f.id)
const at = (findings: {id: string; location?: {line: number}}[], id: string) => findings.filter((f) => f.id === id).map((f) => f.location?.line)

test('seed 003 (DRBD 0.7): hosts match its ha.cf nodes, no errors, flagged for upgrade', async () => {
  const findings = await lintDrbdPath(join(sharedDir, 'fixtures/seeds/003-debian-drbd07/drbd.conf'), {haNodes: ['debian-420', 'debian-566']})
  assert.equal(findings.filter((f) => f.severity === 'error').length, 0, JSON.stringify(findings))
  assert.ok(ids(findings).includes('drbd-drbd9-rejects'))
  assert.ok(!ids(findings).includes('drbd-host-not-ha-node'))
})

test('seed 003 against other node names reports both hosts', async () => {
  const findings = await lintDrbdPath(join(sharedDir, 'fixtures/seeds/003-debian-drbd07/drbd.conf'), {haNodes: ['debian-420', 'DEBIAN-566']})
  const hostFindings = findings.filter((f) => f.id === 'drbd-host-not-ha-node')
  assert.equal(hostFindings.length, 1)
  assert.match(hostFindings[0].message, /differs in case/)
  assert.equal(hostFindings[0].location?.line, 18)
})

test('clean 8.3, 8.4, 9 and include fixtures have no errors or warnings', async () => {
  for (const name of ['drbd83.conf', 'drbd84.conf', 'drbd9-mesh.res', 'include/drbd.conf', 'drbd07.conf', 'floating-stacked.conf', 'drbd9-paths.res']) {
    const findings = await lintDrbdPath(fx(name), {})
    const bad = findings.filter((f) => f.severity !== 'info')
    assert.deepEqual(bad, [], name)
  }
})

test('the mistakes fixture: each classic mistake is found on its line', async () => {
  const f = await lintDrbdPath(fx('broken/mistakes.conf'), {haNodes: ['alpha', 'beta']})
  assert.deepEqual(at(f, 'drbd-other-dialect'), [5])
  assert.deepEqual(at(f, 'drbd-fencing-no-handler'), [6])
  assert.deepEqual(at(f, 'drbd-address-hostname'), [9])
  assert.deepEqual(at(f, 'drbd-single-host'), [11])
  assert.deepEqual(at(f, 'drbd-placeholder'), [13])
  assert.deepEqual(at(f, 'drbd-duplicate-minor'), [14])
  assert.deepEqual(at(f, 'drbd-duplicate-port'), [14])
  assert.deepEqual(at(f, 'drbd-duplicate-resource'), [16])
  assert.deepEqual(at(f, 'drbd-unknown-keyword'), [17])
  assert.match(f.find((x) => x.id === 'drbd-unknown-keyword')!.message, /did you mean 'on-io-error'/)
  assert.deepEqual(at(f, 'drbd-host-not-ha-node'), [19])
})

test('syntax errors carry file:line:col and never throw', async () => {
  const f = await lintDrbdPath(fx('broken/missing-semicolon.conf'), {})
  const syntax = f.filter((x) => x.id === 'drbd-syntax')
  assert.deepEqual(syntax.map((x) => [x.location?.line, x.location?.column]), [[2, 3], [4, 5]])
  assert.ok(syntax.every((x) => x.location?.file.endsWith('missing-semicolon.conf')))
  const unclosed = await lintDrbdPath(fx('broken/unclosed.conf'), {})
  assert.ok(unclosed.some((x) => x.id === 'drbd-syntax' && /not closed/.test(x.message)))
  const pasted = await lintDrbdPath(fx('broken/pasted-shell.res'), {})
  assert.ok(pasted.some((x) => x.id === 'drbd-syntax' && x.location?.line === 1))
  // the resource after the pasted line is still read
  assert.ok(!pasted.some((x) => x.id === 'drbd-no-resources'))
})

test('DRBD 9 topology: missing node-id, missing mesh, unknown mesh host', async () => {
  const {mkdtemp, writeFile} = await import('node:fs/promises')
  const {tmpdir} = await import('node:os')
  const dir = await mkdtemp(join(tmpdir(), 'hakit-drbd-'))
  const file = join(dir, 'r.res')
  await writeFile(
    file,
    `resource r { net { fencing resource-only; } handlers { fence-peer "/x/crm-fence-peer.9.sh"; unfence-peer "/x/crm-unfence-peer.9.sh"; }
  device minor 1; disk /dev/sdb; meta-disk internal;
  on a { node-id 0; address 10.0.0.1:7000; }
  on b { address 10.0.0.2:7000; }
  on c { node-id 0; address 10.0.0.3:7000; }
}
resource s { device minor 2; disk /dev/sdc; meta-disk internal;
  on a { node-id 0; address 10.0.0.1:7001; }
  on b { node-id 1; address 10.0.0.2:7001; }
  on c { node-id 2; address 10.0.0.3:7001; }
  connection-mesh { hosts a b d; }
}
`,
  )
  const f = await lintDrbdPath(file, {})
  assert.deepEqual(at(f, 'drbd-node-id'), [4, 5])
  assert.deepEqual(at(f, 'drbd-mesh-missing'), [1])
  assert.deepEqual(at(f, 'drbd-unknown-host'), [11])
})

test('crm-fence-peer without unfence handler is reported', async () => {
  const {parseDrbd} = await import('../../src/formats/drbd/index.js')
  const {lintDrbdModel} = await import('../../src/lint/drbd.js')
  const {model} = parseDrbd(`resource r { protocol C; disk { fencing resource-only; } handlers { fence-peer "/usr/lib/drbd/crm-fence-peer.sh"; }
  on a { device /dev/drbd0; disk /dev/sda; address 10.0.0.1:7788; meta-disk internal; }
  on b { device /dev/drbd0; disk /dev/sda; address 10.0.0.2:7788; meta-disk internal; } }`)
  const f = lintDrbdModel(model)
  assert.deepEqual(ids(f.filter((x) => x.severity === 'warning')), ['drbd-fencing-no-unfence'])
})

test('unreadable input throws UserError', async () => {
  await assert.rejects(lintDrbdPath(fx('no-such-file.conf'), {}), UserError)
  await assert.rejects(lintDrbdPath(fixturesDir, {}), UserError)
})

test('9-only keywords in an 8.4 file, and deprecated 8.3 forms, are reported once each', async () => {
  const {parseDrbd} = await import('../../src/formats/drbd/index.js')
  const {lintDrbdModel} = await import('../../src/lint/drbd.js')
  const {model} = parseDrbd(`common { disk { fencing resource-only; no-disk-flushes; } handlers { fence-peer "/x/crm-fence-peer.sh"; after-resync-target "/x/crm-unfence-peer.sh"; }
  syncer { rate 10M; al-extents 257; } }
resource r { options { quorum majority; cpu-mask 0; }
  volume 0 { device minor 0; disk /dev/sda; meta-disk internal; }
  on a { address 10.0.0.1:7788; } on b { address 10.0.0.2:7788; } }`)
  assert.equal(model.dialect.dialect, '8.4')
  const f = lintDrbdModel(model)
  assert.deepEqual(at(f, 'drbd-other-dialect'), [3])
  assert.match(f.find((x) => x.id === 'drbd-other-dialect')!.message, /`quorum` in options is only valid in 9\.x/)
  assert.deepEqual(at(f, 'drbd-deprecated'), [1, 2])
  assert.match(f.filter((x) => x.id === 'drbd-deprecated')[0].message, /disk-flushes no/)
})

test('crm-fence-peer script must match the DRBD major version', async () => {
  const {parseDrbd} = await import('../../src/formats/drbd/index.js')
  const {lintDrbdModel} = await import('../../src/lint/drbd.js')
  const {model} = parseDrbd(`resource r { net { fencing resource-only; } handlers { fence-peer "/usr/lib/drbd/crm-fence-peer.sh"; unfence-peer "/usr/lib/drbd/crm-unfence-peer.9.sh"; }
  device minor 1; disk /dev/sdb; meta-disk internal;
  on a { node-id 0; address 10.0.0.1:7000; } on b { node-id 1; address 10.0.0.2:7000; } }`)
  assert.equal(model.dialect.dialect, '9')
  const f = lintDrbdModel(model)
  assert.deepEqual(at(f, 'drbd-fence-script-version'), [1])
  assert.match(f.find((x) => x.id === 'drbd-fence-script-version')!.message, /crm-fence-peer\.9\.sh/)
})

test('words longer than drbdadm allows', async () => {
  const {parseDrbd} = await import('../../src/formats/drbd/index.js')
  const {lintDrbdModel} = await import('../../src/lint/drbd.js')
  const long = 'x'.repeat(81)
  const {model} = parseDrbd(`resource r { protocol C; handlers { split-brain "${'y'.repeat(256)}"; local-io-error "${long}"; }\n on a { device /dev/drbd0; disk /dev/${long}; address 10.0.0.1:7788; meta-disk internal; }\n on b { device /dev/drbd0; disk /dev/sda; address 10.0.0.2:7788; meta-disk internal; } }`)
  const f = lintDrbdModel(model).filter((x) => x.id === 'drbd-too-long')
  assert.deepEqual(f.map((x) => x.location?.line), [1, 2])
})
