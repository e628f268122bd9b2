/**
 * `hakit crm simulate -L`: the live CIB of two real `hakit run --crm` daemons on
 * loopback (the CrmLab of the daemon tests), status included.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand, runCli} from '../../helpers/cli.js'
import {CrmLab, crmLabUnavailable, ONE_DUMMY_CIB} from '../../runtime/crm/crm-lab.js'

const skip = crmLabUnavailable()

const crm = ONE_DUMMY_CIB

const summary = (text: string) => {
  const lines = text.split('\n')
  const out: string[] = []
  for (const l of lines.slice(lines.indexOf('Transition Summary:') + 1)) {
    if (!/^\s+\*/.test(l)) break
    out.push(l.replace(/\s+/g, ' ').trim())
  }
  return out
}

test('-L simulates on the running cluster: settled, nothing to do; a failed holder → the resource moves', {skip}, async () => {
  const lab = new CrmLab({cib: crm})
  try {
    lab.start('n1')
    lab.start('n2')
    const holder = await lab.activeOnce('d1')
    const other = holder === 'n1' ? 'n2' : 'n1'
    const socket = lab.node('n1').socket
    let settled = ''
    await lab.waitFor('the live cluster plans nothing', () => {
      const r = runCli(['crm', 'simulate', '-L', '--socket', socket, '-R'], {env: {CIB_file: ''}})
      settled = r.stdout
      return r.status === 0 && summary(r.stdout).length === 0 && new RegExp(`d1\\t\\(ocf:pacemaker:Dummy\\):\\t Started ${holder}`).test(r.stdout)
    })
    assert.match(settled, /Current cluster status:/)
    const dir = mkdtempSync(join(tmpdir(), 'hakit-simlive-'))
    try {
      const input = join(dir, 'input.xml')
      const failed = runCli(['crm', 'simulate', '-L', '--socket', socket, '-S', '-f', holder, '-I', input], {env: {CIB_file: ''}})
      assert.equal(failed.status, 0, failed.stderr)
      // without fencing the failed node's resources count as stopped: d1 starts on the survivor
      assert.deepEqual(summary(failed.stdout), [`* Start d1 ( ${other} )`], `${failed.stdout}\n${lab.describe()}`)
      assert.match(failed.stdout, new RegExp(`Revised Cluster Status:[^]*d1\\t\\(ocf:pacemaker:Dummy\\):\\t Started ${other}`))
      if (haveCommand('crm_simulate')) {
        const real = spawnSync('crm_simulate', ['-x', input, '-R'], {encoding: 'utf8'})
        assert.deepEqual(summary(real.stdout), summary(failed.stdout), 'crm_simulate on the same live CIB')
      }
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
    // a simulation changes nothing in the cluster
    assert.deepEqual(lab.placement().get('d1'), [holder])
  } finally {
    await lab.cleanup()
  }
})
