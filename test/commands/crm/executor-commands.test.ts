/**
 * `hakit crm ra …` and `hakit crm resource force-*` through the built CLI:
 * output and exit codes as crmsh / crm_resource, did-you-mean, bad input.
 */
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand, runCli} from '../../helpers/cli.js'

describe('hakit crm ra', () => {
  test('classes: crmsh\'s output plus the heartbeat class', () => {
    const r = runCli(['crm', 'ra', 'classes'])
    assert.equal(r.status, 0, r.stderr)
    assert.match(r.stdout, /^ocf \/ .*\bheartbeat\b.*\bpacemaker\b/m)
    assert.match(r.stdout, /^heartbeat$/m)
    if (haveCommand('crm')) {
      const crmsh = spawnSync('crm', ['ra', 'classes'], {encoding: 'utf8', timeout: 60_000})
      if (crmsh.status === 0) assert.equal(r.stdout.replace(/^heartbeat\n/m, ''), crmsh.stdout)
    }
  })

  test('list CLASS:PROVIDER; unknown provider → 105 with a did-you-mean', () => {
    const r = runCli(['crm', 'ra', 'list', 'ocf:pacemaker'])
    assert.equal(r.status, 0)
    assert.ok(r.stdout.split('\n').includes('Stateful'))
    const bad = runCli(['crm', 'ra', 'list', 'ocf:pacemakr'])
    assert.equal(bad.status, 105)
    assert.equal(bad.stderr.trim(), 'hakit: unknown OCF provider "pacemakr" (did you mean "pacemaker"?)')
  })

  test('list CLASS PROVIDER as crmsh takes it is list CLASS:PROVIDER', () => {
    const spaced = runCli(['crm', 'ra', 'list', 'ocf', 'pacemaker'])
    assert.equal(spaced.status, 0, spaced.stderr)
    assert.equal(spaced.stdout, runCli(['crm', 'ra', 'list', 'ocf:pacemaker']).stdout)
    assert.notEqual(spaced.stdout, runCli(['crm', 'ra', 'list', 'ocf']).stdout)
    const twice = runCli(['crm', 'ra', 'list', 'ocf:pacemaker', 'pacemaker'])
    assert.equal(twice.status, 2)
    assert.equal(twice.stderr, 'hakit: give the provider once: "ocf:pacemaker" already names one\n')
  })

  test('list gives what crm_resource --list-agents gives', {skip: haveCommand('crm_resource') ? false : 'crm_resource not installed'}, () => {
    for (const spec of ['ocf:heartbeat', 'ocf:pacemaker', 'lsb', 'stonith']) {
      const ours = runCli(['crm', 'ra', 'list', spec])
      const real = spawnSync('crm_resource', ['--list-agents', spec], {encoding: 'utf8'})
      assert.equal(ours.stdout, real.stdout, spec)
    }
  })

  test('info: parameters with required mark and default, advertised timeouts', () => {
    const r = runCli(['crm', 'ra', 'info', 'ocf:heartbeat:IPaddr2'])
    assert.equal(r.status, 0, r.stderr)
    assert.match(r.stdout, /\(ocf:heartbeat:IPaddr2\)/)
    assert.match(r.stdout, /^ip\* \(string\): /m)
    assert.match(r.stdout, /^    start\s+timeout=20s$/m)
    assert.match(r.stdout, /^    monitor       depth=0 timeout=20s interval=10s$/m)
  })

  test('info: the same text as crmsh\'s crm ra info', {skip: haveCommand('crm') ? false : 'crmsh not installed'}, () => {
    for (const agent of ['ocf:heartbeat:Dummy', 'ocf:heartbeat:IPaddr2', 'ocf:pacemaker:Stateful', 'ocf:linbit:drbd', 'lsb:procps']) {
      const ours = runCli(['crm', 'ra', 'info', agent])
      const crmsh = spawnSync('crm', ['ra', 'info', agent], {encoding: 'utf8', timeout: 60_000})
      assert.equal(ours.stdout, crmsh.stdout, agent)
    }
  })

  test('unknown agent → 105 with a did-you-mean, one line', () => {
    const r = runCli(['crm', 'ra', 'info', 'ocf:heartbeat:IPadr2'])
    assert.equal(r.status, 105)
    assert.match(r.stderr, /did you mean "IPaddr2"\?/)
    assert.equal(r.stderr.trim().split('\n').length, 1)
  })

  test('meta of an LSB script is synthesized from its INIT INFO block', () => {
    const r = runCli(['crm', 'ra', 'meta', 'lsb:procps'])
    assert.equal(r.status, 0, r.stderr)
    assert.match(r.stdout, /<resource-agent name='procps'/)
    assert.match(r.stdout, /<version>1.0<\/version>/)
  })
})

describe('hakit crm resource force-*', () => {
  let dir: string
  let cib: string
  const rsctmp = process.env.HA_RSCTMP
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hakit-force-'))
    // the agents' state files (Delay, Dummy without a state parameter) in our own directory, not
    // /run/resource-agents: a run interrupted mid-test leaves nothing that a later run would find
    process.env.HA_RSCTMP = join(dir, 'rsctmp')
    mkdirSync(process.env.HA_RSCTMP)
    cib = join(dir, 'cib.xml')
    writeFileSync(cib, `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration><crm_config/><nodes/>
    <resources>
      <primitive id="d" class="ocf" provider="heartbeat" type="Dummy">
        <instance_attributes id="d-ia"><nvpair id="d-state" name="state" value="${join(dir, 'd.state')}"/></instance_attributes>
      </primitive>
      <group id="g"><primitive id="gd" class="ocf" provider="heartbeat" type="Dummy"/></group>
      <primitive id="slow1" class="ocf" provider="heartbeat" type="Delay">
        <instance_attributes id="s1-ia"><nvpair id="s1-d" name="startdelay" value="10"/></instance_attributes>
        <operations><op id="s1-start" name="start" interval="0" timeout="1s"/></operations>
      </primitive>
      <primitive id="slow2" class="ocf" provider="heartbeat" type="Delay">
        <instance_attributes id="s2-ia"><nvpair id="s2-d" name="startdelay" value="10"/></instance_attributes>
        <operations><op id="s2-start" name="start" interval="0" timeout="1s"/></operations>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
`)
  })
  after(() => {
    if (rsctmp === undefined) delete process.env.HA_RSCTMP
    else process.env.HA_RSCTMP = rsctmp
    rmSync(dir, {recursive: true, force: true})
  })

  test('start, check, stop, check: crm_resource wording and exit codes', () => {
    const seq: [string, number, string][] = [
      ['force-start', 0, 'Operation force-start for d (ocf:heartbeat:Dummy) returned 0 (ok)'],
      ['force-check', 0, 'Operation force-check for d (ocf:heartbeat:Dummy) returned 0 (ok)'],
      ['force-stop', 0, 'Operation force-stop for d (ocf:heartbeat:Dummy) returned 0 (ok)'],
      ['force-check', 7, 'Operation force-check for d (ocf:heartbeat:Dummy) returned 7 (not running)'],
    ]
    for (const [action, status, line] of seq) {
      const r = runCli(['crm', 'resource', action, 'd', '--cib', cib])
      assert.equal(r.status, status, `${action}: ${r.stderr}`)
      assert.equal(r.stdout.split('\n')[0], line)
      if (haveCommand('crm_resource')) {
        const real = spawnSync('crm_resource', [`--${action}`, '-r', 'd'], {encoding: 'utf8', env: {...process.env, CIB_file: cib}})
        assert.equal(real.status, status, `crm_resource ${action}`)
        assert.equal(real.stdout.split('\n')[0], line, 'same first line as crm_resource')
      }
    }
  })

  test('a start timeout: the message and exit code of crm_resource', () => {
    const r = runCli(['crm', 'resource', 'force-start', 'slow1', '--cib', cib])
    assert.equal(r.status, 1)
    const lines = r.stderr.trim().split('\n')
    assert.equal(lines[0], 'Operation force-start for slow1 (ocf:heartbeat:Delay) could not be executed (Timed Out: Resource agent did not exit within specified timeout)')
    assert.equal(lines.at(-1), 'hakit: Error performing operation: Error occurred')
    if (haveCommand('crm_resource')) {
      const real = spawnSync('crm_resource', ['--force-start', '-r', 'slow2'], {encoding: 'utf8', env: {...process.env, CIB_file: cib}})
      assert.equal(real.status, 1)
      assert.equal(real.stderr.split('\n')[0], lines[0].replace(/slow1/, 'slow2'))
    }
    for (const id of ['slow1', 'slow2']) runCli(['crm', 'resource', 'force-stop', id, '--cib', cib])
  })

  test('CIB_file is honoured like the Pacemaker tools do', () => {
    const r = runCli(['crm', 'resource', 'validate', 'd'], {env: {CIB_file: cib}})
    assert.equal(r.status, 0, r.stderr)
    assert.equal(r.stdout.trim(), 'Operation validate for d (ocf:heartbeat:Dummy) returned 0 (ok)')
  })

  test('unknown resource → 105 with a did-you-mean; group → 3', () => {
    const missing = runCli(['crm', 'resource', 'force-start', 'dd', '--cib', cib])
    assert.equal(missing.status, 105)
    assert.equal(missing.stderr.trim(), `hakit: Resource 'dd' not found (did you mean "d"?)`)
    const group = runCli(['crm', 'resource', 'force-start', 'g', '--cib', cib])
    assert.equal(group.status, 3)
    assert.match(group.stderr, /doesn't support group resources/)
  })

  test('unreadable CIB → exit 2, one line naming file:line:column', () => {
    const bad = join(dir, 'bad.xml')
    writeFileSync(bad, '<cib>\n  <configuration>\n</cib>\n')
    const r = runCli(['crm', 'resource', 'force-start', 'd', '--cib', bad])
    assert.equal(r.status, 2)
    assert.match(r.stderr.trim(), new RegExp(`^hakit: ${bad.replace(/[.]/g, '\\.')}:\\d+:\\d+: `))
    assert.equal(r.stderr.trim().split('\n').length, 1)
  })
})
