/**
 * `convert all --apply` against a CIB file (CIB_file makes cibadmin work on a
 * file instead of a running cluster, which a test machine cannot host safely).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fixturesDir, haveCommand, runCli} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {diffCibs} from '../../../src/cib/diff.js'

const work = mkdtempSync(join(tmpdir(), 'hakit-apply-'))
test.after(() => rmSync(work, {recursive: true, force: true}))

test('--apply --dry-run shows the difference and changes nothing; --apply loads it; again is a no-op', (t) => {
  if (!haveCommand('cibadmin') || !haveCommand('crm_verify')) {
    t.skip('pacemaker-cli-utils not installed')
    return
  }
  const cib = join(work, 'live.xml')
  writeFileSync(cib, spawnSync('cibadmin', ['--empty'], {encoding: 'utf8'}).stdout)
  const before = readFileSync(cib, 'utf8')
  const env = {CIB_file: cib}
  const fixture = join(fixturesDir, 'convert', 'fencing')

  const dry = runCli(['convert', 'all', fixture, '--out', join(work, 'out'), '--apply', '--dry-run'], {env})
  assert.equal(dry.status, 0, dry.stderr)
  assert.match(dry.stderr, /added group grp_alpha_1/)
  assert.match(dry.stderr, /dry run: nothing changed/)
  assert.equal(readFileSync(cib, 'utf8'), before)

  const apply = runCli(['convert', 'all', fixture, '--out', join(work, 'out'), '--apply'], {env})
  assert.equal(apply.status, 0, apply.stderr)
  assert.match(apply.stderr, /applied to the live CIB/)
  assert.equal(spawnSync('crm_verify', ['-x', cib]).status, 0)
  const loaded = parseCibXml(readFileSync(cib, 'utf8'), cib)
  const converted = parseCibXml(readFileSync(join(work, 'out', 'cib.xml'), 'utf8'), 'cib.xml')
  const d = diffCibs(converted, loaded)
  assert.ok(d.equal, d.unified)

  const again = runCli(['convert', 'all', fixture, '--out', join(work, 'out'), '--apply'], {env})
  assert.equal(again.status, 0, again.stderr)
  assert.match(again.stderr, /already has this configuration/)
})

test('--apply refuses when the conversion has error findings', (t) => {
  if (!haveCommand('cibadmin')) {
    t.skip('pacemaker-cli-utils not installed')
    return
  }
  const cib = join(work, 'live2.xml')
  writeFileSync(cib, spawnSync('cibadmin', ['--empty'], {encoding: 'utf8'}).stdout)
  const before = readFileSync(cib, 'utf8')
  const r = runCli(['convert', 'all', join(fixturesDir, 'convert', 'every-script'), '--out', join(work, 'o2'), '--apply'], {env: {CIB_file: cib}})
  assert.equal(r.status, 1)
  assert.match(r.stderr, /not applying/)
  assert.equal(readFileSync(cib, 'utf8'), before)
})
