/**
 * A CIB without <node> entries, as `hakit convert` writes it, judged by the
 * real tools: `crm simulate -S` against crm_simulate -S and `crm status`
 * against crm_mon (CIB_file). Pacemaker prints no Node List then, names a
 * clone by its configured child ("[ping]"), gives a clone without clone-max
 * one instance (clone_max is at least 1) and lists no empty clone as active.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand, projectRoot, runCli} from '../../helpers/cli.js'

const seeds = join(projectRoot, 'test', 'fixtures', 'seeds')
const skip = haveCommand('crm_simulate') && haveCommand('crm_mon') ? false : 'crm_simulate/crm_mon not installed (the judges)'
const withoutClock = (text: string) => text.split('\n').filter((l) => !l.startsWith('  * Last updated: ')).join('\n')

function judge(file: string): void {
  const real = spawnSync('crm_simulate', ['-x', file, '-S'], {encoding: 'utf8'})
  assert.equal(real.status, 0, real.stderr)
  const ours = runCli(['crm', 'simulate', '-x', file, '-S'])
  assert.equal(ours.status, 0, ours.stderr)
  assert.equal(ours.stdout, real.stdout, `crm simulate -S on ${file}`)
  for (const flags of [['-1'], ['-1', '-r'], ['-1', '-n'], ['-1', '-r', '-n']]) {
    const mon = spawnSync('crm_mon', flags, {encoding: 'utf8', env: {...process.env, CIB_file: file}})
    assert.equal(mon.status, 0, mon.stderr)
    const status = runCli(['crm', 'status', ...flags, '--cib', file])
    assert.equal(status.status, 0, status.stderr)
    assert.equal(withoutClock(status.stdout), withoutClock(mon.stdout), `crm status ${flags.join(' ')} on ${file}`)
  }
}

const seedNames = readdirSync(seeds).filter((d) => existsSync(join(seeds, d, 'haresources')) || existsSync(join(seeds, d, 'ha.cf')))

test('every seed converts to a CIB without nodes that crm simulate and crm status print as the real tools do', {skip}, () => {
  assert.ok(seedNames.length >= 4, `seeds found: ${seedNames.join(' ')}`)
  const dir = mkdtempSync(join(tmpdir(), 'hakit-nonodes-'))
  try {
    let clones = 0
    for (const name of seedNames) {
      const out = join(dir, name)
      runCli(['convert', 'all', join(seeds, name), '--out', out])
      const cib = join(out, 'cib.xml')
      assert.ok(existsSync(cib), `convert wrote ${cib}`)
      const text = readFileSync(cib, 'utf8')
      assert.doesNotMatch(text, /<node\s/, 'the converted CIB has no nodes')
      if (text.includes('<clone')) clones++
      judge(cib)
    }
    assert.ok(clones > 0, 'at least one converted CIB has a clone')
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('a clone with clone-max=0 is still named by its child, with and without nodes', {skip}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-nonodes-'))
  try {
    const cib = (nodes: string) => `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.8" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes>${nodes}</nodes>
    <resources>
      <clone id="cl_zero"><meta_attributes id="m"><nvpair id="m1" name="clone-max" value="0"/></meta_attributes>
        <primitive id="zero" class="ocf" provider="pacemaker" type="Dummy"/></clone>
      <clone id="cl_default"><primitive id="dflt" class="ocf" provider="pacemaker" type="Dummy"/></clone>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
`
    for (const [name, nodes] of [['none', ''], ['two', '<node id="1" uname="n1"/><node id="2" uname="n2"/>']] as const) {
      const file = join(dir, `${name}.xml`)
      writeFileSync(file, cib(nodes))
      judge(file)
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
