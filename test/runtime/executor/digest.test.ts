/**
 * op-digest as Pacemaker computes it, judged by crm_simulate: it records the
 * digest of every operation it simulates (start: instance attributes;
 * recurring monitor: plus CRM_meta_timeout).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand} from '../../helpers/cli.js'
import {escapeAttr, parseCibXml} from '../../../src/formats/cib/xml.js'
import {digestInput, digestOfParameters} from '../../../src/runtime/executor/digest.js'

test('known digests from a real 2.1.5 cluster (reference §1.9)', () => {
  assert.equal(digestOfParameters(digestInput({}, 0, 20_000)), 'f2317cad3d54cec5d7d7aa7d0bf35cf8')
  assert.equal(digestOfParameters(digestInput({}, 10_000, 60_000)), '873ed4f07792aa8ff18f3254244675ea')
  assert.equal(digestOfParameters(digestInput({ip: '10.77.0.100', cidr_netmask: '24'}, 0, 20_000)), 'a59c6e79e2426dd00cc16aa902157f52')
  assert.equal(digestOfParameters(digestInput({ip: '10.77.0.100', cidr_netmask: '24', CRM_meta_timeout: '5000', crm_feature_set: '3.16.1'}, 0, 20_000)), 'a59c6e79e2426dd00cc16aa902157f52')
})

const cases: Record<string, string>[] = [
  {state: '/tmp/a & <b> "q" x', fake: 'é-ü', empty: ''},
  {z: '1', a: '2', 'm-n': 'tab\there', quote: "it's"},
  {line: 'two&#10;lines', uni: 'ü', ctl: 'a\x7fb'},
  {},
]

test('op-digest equals what crm_simulate records for start and a recurring monitor', {skip: haveCommand('crm_simulate') && haveCommand('cibadmin') ? false : 'crm_simulate/cibadmin not installed'}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-digest-'))
  try {
    for (const [i, params] of cases.entries()) {
      const file = join(dir, `cib${i}.xml`)
      const env = {...process.env, CIB_file: file}
      writeFileSync(file, spawnSync('cibadmin', ['--empty'], {encoding: 'utf8'}).stdout)
      const nv = Object.entries(params).map(([n, v], k) => `<nvpair id="r-${k}" name="${n}" value="${v.includes('&#10;') ? v : escapeAttr(v)}"/>`).join('')
      for (const [section, xml] of [
        ['nodes', '<node id="1" uname="n1"/>'],
        ['crm_config', '<cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/><nvpair id="o2" name="no-quorum-policy" value="ignore"/></cluster_property_set>'],
        ['resources', `<primitive id="r" class="ocf" provider="heartbeat" type="Dummy"><instance_attributes id="r-ia">${nv}</instance_attributes><operations><op id="r-m" name="monitor" interval="10s" timeout="33s"/></operations></primitive>`],
      ]) assert.equal(spawnSync('cibadmin', ['-C', '-o', section, '-X', xml], {env, encoding: 'utf8'}).status, 0)
      // Two transitions: probe, then start + monitor.
      const out1 = join(dir, `o1-${i}.xml`)
      const out2 = join(dir, `o2-${i}.xml`)
      spawnSync('crm_simulate', ['-x', file, '--node-up', 'n1', '-S', '-O', out1], {stdio: 'ignore'})
      spawnSync('crm_simulate', ['-x', out1, '-S', '-O', out2], {stdio: 'ignore'})
      const status = readFileSync(out2, 'utf8')
      const digestOf = (key: string) => new RegExp(`operation_key="${key}"[^>]*op-digest="([0-9a-f]+)"`).exec(status)?.[1]
      // The parameters as hakit reads them back from the CIB Pacemaker wrote (its writer has quirks of its own).
      const primitive = parseCibXml(status, out2).resources[0]
      assert.ok(primitive.kind === 'primitive')
      const seen = Object.fromEntries(primitive.instanceAttributes[0].pairs.map((p) => [p.name, p.value ?? '']))
      assert.deepEqual(Object.keys(seen).sort(), Object.keys(params).sort())
      assert.equal(digestOfParameters(digestInput(seen, 0, 20_000)), digestOf('r_start_0'), `case ${i} start`)
      assert.equal(digestOfParameters(digestInput(seen, 10_000, 33_000)), digestOf('r_monitor_10000'), `case ${i} monitor`)
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
