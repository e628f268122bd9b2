/**
 * crm resource cleanup/refresh on a running cluster: the tool deletes the history
 * in the CIB, and the DC's controller forgets it too and probes again, so the
 * status section shows the resource where it runs (found by the fault campaign:
 * the controller kept its own records, the CIB lost the running resource's
 * history, and the cluster "planned" a start that never came).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {runCli} from '../../helpers/cli.js'
import {CrmLab, crmLabUnavailable, ONE_DUMMY_CIB} from './crm-lab.js'

const skip = crmLabUnavailable()

const crm = ONE_DUMMY_CIB

test('live refresh: the history comes back through a new probe, and nothing is left to do', {skip}, async () => {
  const lab = new CrmLab({cib: crm})
  try {
    lab.start('n1')
    lab.start('n2')
    const holder = await lab.activeOnce('d1')
    const knownOnHolder = async () => {
      const cib = await lab.cib('n1')
      const t = schedule(cib)
      return t.workingSet.byId.get('d1')?.runningOn.some((n) => n.uname === holder) === true && t.summary.length === 0
    }
    await lab.waitFor('the CIB shows d1 where it runs, nothing planned', knownOnHolder)
    // the executor logged the start's result (before reporting it) with its run and queue times, as pacemaker-execd does (bench/crm-lab.mjs reads them for its timeline)
    assert.match(lab.log(holder), new RegExp(`Result of start operation for d1 on ${holder}: ok \\| rc=0 exec-time=\\d+ms queue-time=\\d+ms`))
    const r = runCli(['crm', 'resource', 'refresh', 'd1', '--socket', lab.node('n1').socket], {env: {CIB_file: ''}})
    assert.equal(r.status, 0, r.stderr)
    await lab.waitFor('d1 re-probed on its node after the refresh', async () => {
      const dc = (await lab.status('n1'))?.dc
      return !!dc && /Forgetting d1 on/.test(lab.log(dc)) && (await knownOnHolder())
    })
    assert.deepEqual(lab.placement().get('d1'), [holder], 'd1 stayed where it was')
  } finally {
    await lab.cleanup()
  }
})
