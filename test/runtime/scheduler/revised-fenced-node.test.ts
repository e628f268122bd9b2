/**
 * The revised status of a node the transition fences: Pacemaker reads it again without its
 * transient attributes, so it is listed on its own line ("Node X: OFFLINE (standby)") when its
 * configuration puts it in standby or maintenance, and in the OFFLINE list when only a transient
 * attribute did (node_list_text, unpack_transient_attributes). Judged by crm_simulate -S.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {renderSimulation, simulate} from '../../../src/runtime/scheduler/simulate.js'
import {sectionLines} from './summary-lines.js'

const nodeAttribute = (node: string, name: string) => `<instance_attributes id="${node}-ia"><nvpair id="${node}-ia-${name}" name="${name}" value="on"/></instance_attributes>`
const state = (node: string, inner = '') => `<node_state id="${node}" uname="${node}" in_ccm="true" crmd="online" join="member" expected="member">${inner}</node_state>`
const xml = `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1">
<configuration><crm_config><cluster_property_set id="opts"><nvpair id="opts-stonith" name="stonith-enabled" value="true"/></cluster_property_set></crm_config>
<nodes><node id="node1" uname="node1">${nodeAttribute('node1', 'standby')}</node><node id="node2" uname="node2"/>
<node id="node3" uname="node3"/><node id="node4" uname="node4">${nodeAttribute('node4', 'maintenance')}</node><node id="node5" uname="node5"/></nodes>
<resources><primitive id="fence" class="stonith" type="fence_xvm"/></resources><constraints/></configuration>
<status>${state('node1')}${state('node2')}${state('node3', '<transient_attributes id="node3"><instance_attributes id="status-node3"><nvpair id="status-node3-standby" name="standby" value="on"/></instance_attributes></transient_attributes>')}${state('node4')}${state('node5')}</status></cib>`

test('revised status: a fenced node is in standby or maintenance only as its configuration says', (t) => {
  const revisedOf = (text: string) => sectionLines(text, 'Revised Cluster Status:') ?? []
  const ours = (node: string) => revisedOf(renderSimulation(simulate(parseCibXml(xml, 'cib.xml'), {execute: true, injections: {nodeFail: [node]}})))
  assert.ok(ours('node1').includes('    * Node node1: OFFLINE (standby)'), ours('node1').join('\n'))
  assert.ok(ours('node3').some((l) => /^ +\* OFFLINE: \[ node3 \]$/.test(l)), ours('node3').join('\n'))
  if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
  const dir = mkdtempSync(join(tmpdir(), `hakit-revised-fenced-${process.pid}-`))
  try {
    writeFileSync(join(dir, 'cib.xml'), xml)
    for (const node of ['node1', 'node3', 'node4']) {
      const real = spawnSync('crm_simulate', ['-x', join(dir, 'cib.xml'), '-S', '--node-fail', node], {encoding: 'utf8', timeout: 120_000})
      assert.equal(real.status, 0, real.stderr)
      assert.ok(real.stdout.includes(`Fencing ${node} (reboot)`), real.stdout)
      assert.deepEqual(ours(node), revisedOf(real.stdout), real.stdout)
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
