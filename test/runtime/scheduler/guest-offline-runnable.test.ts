/**
 * An action on a guest node that is down is not unrunnable for that alone: the guest comes up with
 * its container, unless the guest must be reset (update_resource_action_runnable). With the
 * bundles' only host failed, their children's starts stay runnable until a colocation blocks them,
 * which gives the reason crm_simulate prints ("due to colocation with ... (blocked)"). Judged by
 * crm_simulate -S --node-fail on a suite case.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {haveCommand, sharedDir} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {simulate} from '../../../src/runtime/scheduler/simulate.js'
import {transitionSummaryLines} from './summary-lines.js'

const suiteCase = join(sharedDir, 'corpus', 'scheduler-full', 'bundle-order-partial-stop.xml')

test('a down guest node\'s actions stay runnable until something blocks them: the blocked starts say why', (t) => {
  if (!existsSync(suiteCase)) return t.skip('scheduler-full corpus not present')
  const ours = simulate(parseCibXml(readFileSync(suiteCase, 'utf8'), suiteCase), {injections: {nodeFail: ['undercloud']}}).transition.summaryLines
  assert.ok(ours.some((l) => /^ +\* Start +rabbitmq:0 +\( rabbitmq-bundle-0 \) +due to colocation with haproxy-bundle-docker-0 \(blocked\)$/.test(l)), ours.join('\n'))
  if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
  const real = spawnSync('crm_simulate', ['-x', suiteCase, '-S', '--node-fail', 'undercloud'], {encoding: 'utf8', timeout: 120_000})
  assert.equal(real.status, 0, real.stderr)
  assert.deepEqual(ours, transitionSummaryLines(real.stdout))
})
