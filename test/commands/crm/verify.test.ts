import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {tmpdir} from 'node:os'
import {fixturesDir, haveCommand, runCli} from '../../helpers/cli.js'

test('exit 0 for a valid configuration, 78 with errors (as crm_verify), 2 for unreadable input', () => {
  const ok = runCli(['crm', 'verify', '--cib', join(fixturesDir, 'cib', 'sample-crmsh.xml')])
  assert.equal(ok.status, 0, ok.stdout + ok.stderr)
  const dir = mkdtempSync(join(tmpdir(), 'hakit-verify-cli-'))
  try {
    const bad = join(dir, 'bad.crm')
    writeFileSync(bad, 'primitive a Dummy op monitor interval=5q\ncolocation c inf: a b\n')
    const r = runCli(['crm', 'verify', '--cib', bad])
    assert.equal(r.status, 78)
    assert.match(r.stdout, /bad\.crm:1:\d+ error invalid-interval/)
    assert.match(r.stdout, /bad\.crm:2:12 error dangling-reference colocation c refers to resource "b"/)
    assert.match(r.stdout, /no-stonith/)
    const json = JSON.parse(runCli(['crm', 'verify', '--cib', bad, '--json']).stdout)
    assert.equal(json.result.valid, false)
    assert.equal(json.exitCode, 78)
    assert.equal(json.findings.length, 3)
    const broken = join(dir, 'broken.xml')
    writeFileSync(broken, '<cib><configuration>')
    const b = runCli(['crm', 'verify', '--cib', broken])
    assert.equal(b.status, 2)
    assert.match(b.stderr, /^hakit: .*broken\.xml:1:\d+: malformed XML/)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('agents are checked against the installed OCF root by default, with a did-you-mean; --no-agent-check skips it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-verify-agents-'))
  try {
    mkdirSync(join(dir, 'resource.d', 'heartbeat'), {recursive: true})
    writeFileSync(join(dir, 'resource.d', 'heartbeat', 'IPaddr2'), '#!/bin/sh\n')
    const file = join(dir, 'c.crm')
    writeFileSync(file, 'property stonith-enabled=false\nprimitive vip ocf:heartbeat:IPadr2 params ip=10.0.0.1\n')
    const r = runCli(['crm', 'verify', '--cib', file], {env: {OCF_ROOT: dir}})
    assert.equal(r.status, 78, r.stdout + r.stderr)
    assert.match(r.stdout, /c\.crm:2:\d+ error unknown-agent vip: resource agent ocf:heartbeat:IPadr2 is not installed in .*resource\.d \(did you mean ocf:heartbeat:IPaddr2\?\)/)
    assert.equal(runCli(['crm', 'verify', '--cib', file, '--no-agent-check'], {env: {OCF_ROOT: dir}}).status, 0)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('no CIB named and no cluster on this node: one line that says neither hakit nor Pacemaker answered, exit 2', (t) => {
  if (existsSync('/run/hakit/crm.sock')) return t.skip('a hakit CRM daemon listens on /run/hakit/crm.sock here')
  if (!haveCommand('cibadmin')) return t.skip('cibadmin (Pacemaker) is not installed')
  if (spawnSync('cibadmin', ['-Q'], {env: {...process.env, CIB_file: undefined}}).status === 0) return t.skip('a Pacemaker cluster answers on this node')
  for (const argv of [['crm', 'verify'], ['crm', 'configure', 'show']]) {
    const r = runCli(argv, {env: {CIB_file: undefined, HAKIT_CRM_SOCKET: undefined}})
    assert.equal(r.status, 2, argv.join(' '))
    assert.equal(r.stderr.split('\n').length, 2, r.stderr)
    assert.match(r.stderr, /^hakit: cannot read the live CIB: no hakit CRM daemon runs here \(no socket \/run\/hakit\/crm\.sock\) and Pacemaker does not answer \(cibadmin -Q exited \d+/)
    assert.match(r.stderr, /to read a CIB file instead, name it \(see --help\)\n$/)
  }
})
