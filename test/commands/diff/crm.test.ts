import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {tmpdir} from 'node:os'
import {fixturesDir, haveCommand, runCli, sharedDir} from '../../helpers/cli.js'

const sampleCrm = join(fixturesDir, 'cib', 'sample.crm')
const sampleXml = join(fixturesDir, 'cib', 'sample-crmsh.xml')

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-diffcli-'))
  try {
    fn(dir)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

test('same configuration in two formats: exit 0, no output', () => {
  const r = runCli(['diff', 'crm', sampleCrm, sampleXml])
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout, '')
})

test('a changed parameter: exit 1, summary then unified diff', () => {
  withDir((dir) => {
    const changed = join(dir, 'changed.crm')
    writeFileSync(changed, readFileSync(sampleCrm, 'utf8').replace('ip=192.168.10.10', 'ip=192.168.10.99'))
    const r = runCli(['diff', 'crm', sampleXml, changed])
    assert.equal(r.status, 1, r.stderr)
    assert.match(r.stdout, /^changed primitive vip\n {4}params ip: 192\.168\.10\.10 → 192\.168\.10\.99\n\n--- .*sample-crmsh\.xml\n\+\+\+ .*changed\.crm\n/)
    assert.match(r.stdout, /^\+\tparams cidr_netmask=24 ip=192\.168\.10\.99 \\$/m)
    assert.doesNotMatch(r.stdout, /\x1b\[/)
    const colour = runCli(['diff', 'crm', sampleXml, changed], {env: {NO_COLOR: '', FORCE_COLOR: '1'}})
    assert.match(colour.stdout, /\x1b\[33mchanged/)
  })
})

test('--json gives the structured changes; stdin works as -', () => {
  const text = readFileSync(sampleCrm, 'utf8').replace('migration-threshold=3', 'migration-threshold=5')
  const r = runCli(['diff', 'crm', sampleXml, '-', '--json'], {input: text})
  assert.equal(r.status, 1, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.equal(out.hakit, 'json/1')
  assert.equal(out.command, 'diff crm')
  assert.equal(out.result.equal, false)
  assert.equal(out.result.b.format, 'crm')
  assert.deepEqual(out.result.changes, [{kind: 'rsc_defaults', id: 'rsc-options', change: 'changed', fields: [{field: 'migration-threshold', old: '3', new: '5'}]}])
})

test('--strict counts spellings and ids', () => {
  const r = runCli(['diff', 'crm', '--strict', sampleCrm, sampleXml])
  assert.equal(r.status, 1)
  assert.match(r.stdout, /changed/)
})

test('trouble exits 2 with one line naming file:line:col', () => {
  withDir((dir) => {
    const bad = join(dir, 'bad.xml')
    writeFileSync(bad, '<cib>\n<configuration>\n</cib>\n')
    const r = runCli(['diff', 'crm', sampleCrm, bad])
    assert.equal(r.status, 2)
    assert.match(r.stderr, /^hakit: .*bad\.xml:3:\d+: malformed XML/)
    assert.equal(r.stderr.trim().split('\n').length, 1)
    const badCrm = join(dir, 'bad.crm')
    writeFileSync(badCrm, 'primitive a Dummy\nprimitive b\n')
    const r2 = runCli(['diff', 'crm', sampleCrm, badCrm])
    assert.equal(r2.status, 2)
    assert.match(r2.stderr, /bad\.crm:2:13: expected a resource agent/)
    assert.equal(runCli(['diff', 'crm', sampleCrm, dir]).status, 2)
    assert.equal(runCli(['diff', 'crm', sampleCrm]).status, 2)
    assert.equal(runCli(['diff', 'crm', sampleCrm, join(dir, 'missing')]).status, 2)
  })
})

test('--live reads the CIB through cibadmin -Q (CIB_file)', {skip: !haveCommand('cibadmin') && 'cibadmin not installed'}, () => {
  withDir((dir) => {
    const live = join(dir, 'live.xml')
    writeFileSync(live, readFileSync(sampleXml))
    const same = runCli(['diff', 'crm', '--live', sampleCrm], {env: {CIB_file: live}})
    assert.equal(same.status, 0, same.stderr)
    const r = runCli(['diff', 'crm', '--live', sampleCrm, '--json'], {env: {CIB_file: join(dir, 'nope.xml')}})
    assert.equal(r.status, 2)
    assert.match(r.stderr, /^hakit: cannot read the live CIB/)
    const envelope = JSON.parse(r.stdout)
    assert.deepEqual([envelope.ok, envelope.exitCode, envelope.result], [false, 2, null])
    assert.match(envelope.error.message, /^cannot read the live CIB/)
  })
})

test('a legacy Heartbeat directory is compared as the converter would write it', () => {
  const legacy = join(sharedDir, 'fixtures', 'seeds', '000-centos-drbd-httpd')
  const same = runCli(['diff', 'crm', legacy, legacy])
  assert.equal(same.status, 0, same.stderr)
  const r = runCli(['diff', 'crm', legacy, sampleCrm, '--json'])
  assert.equal(r.status, 1, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.equal(out.result.a.format, 'heartbeat')
  assert.ok(out.result.changes.some((c: {change: string}) => c.change === 'removed'))
})
