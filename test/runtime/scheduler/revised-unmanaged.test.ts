/**
 * The revised status of an unmanaged resource: its actions stay out of the graph (the scheduler
 * still wants to recover a failed one: should_add_action_to_graph keeps only the cancellation of
 * its recurring monitors), so crm_simulate shows it as it was, FAILED included. Judged by
 * crm_simulate -S on a suite case (a resource active on two nodes, one with a failed monitor) put
 * in maintenance, as is and with one of its nodes failed.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand, sharedDir} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {renderSimulation, simulate} from '../../../src/runtime/scheduler/simulate.js'
import {sectionLines} from './summary-lines.js'

const suiteCase = join(sharedDir, 'corpus', 'scheduler-full', 'stopped-monitor-10.xml')

test('revised status: an unmanaged failed resource stays FAILED (its recovery is not in the graph)', (t) => {
  if (!existsSync(suiteCase)) return t.skip('scheduler-full corpus not present')
  const original = readFileSync(suiteCase, 'utf8')
  const open = /<primitive [^>]*id="rsc1"[^>]*>/.exec(original)!
  const xml = original.replace(open[0], `${open[0]}<meta_attributes id="rsc1-m"><nvpair id="rsc1-m-maintenance" name="maintenance" value="true"/></meta_attributes>`)
  const revisedOf = (text: string) => sectionLines(text, 'Revised Cluster Status:') ?? []
  const hakit = (failed: string[]) => renderSimulation(simulate(parseCibXml(xml, 'cib.xml'), {execute: true, injections: {nodeFail: failed}}))
  assert.ok(revisedOf(hakit([])).includes('    * rsc1\t(ocf:pacemaker:Dummy):\t FAILED (unmanaged) [ node1 node2 ]'), revisedOf(hakit([])).join('\n'))
  if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
  const dir = mkdtempSync(join(tmpdir(), `hakit-revised-unmanaged-${process.pid}-`))
  try {
    writeFileSync(join(dir, 'cib.xml'), xml)
    for (const failed of [[], ['node1'], ['node2']]) {
      const real = spawnSync('crm_simulate', ['-x', join(dir, 'cib.xml'), '-S', ...failed.flatMap((n) => ['--node-fail', n])], {encoding: 'utf8', timeout: 120_000})
      assert.equal(real.status, 0, real.stderr)
      assert.deepEqual(revisedOf(hakit(failed)), revisedOf(real.stdout), `--node-fail ${failed.join(' ')}: ${real.stdout}`)
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
