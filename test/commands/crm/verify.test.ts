import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {tmpdir} from 'node:os'
import {fixturesDir, runCli} from '../../helpers/cli.js'

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
    assert.equal(json.result.findings.length, 3)
    const broken = join(dir, 'broken.xml')
    writeFileSync(broken, '<cib><configuration>')
    const b = runCli(['crm', 'verify', '--cib', broken])
    assert.equal(b.status, 2)
    assert.match(b.stderr, /^hakit: .*broken\.xml:1:\d+: malformed XML/)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
