/**
 * hakit under hblab (network namespaces, real IPaddr on a virtual IP, a client
 * namespace probing HTTP on it): a power cut of the primary, and a failed
 * start on the owner, with the group's final placement checked by hblab.
 * Root and the heartbeat package's scripts are needed; skipped otherwise.
 * About 20 s. Needs `npm run build` (dist/).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {isRoot, projectRoot, sharedDir} from '../../helpers/cli.js'

const hblab = join(sharedDir, 'tools', 'hblab', 'hblab')

function runHblab(scenario: string): {status: number | null; result: {summary: Record<string, unknown>} | undefined; stderr: string} {
  const out = mkdtempSync(join(tmpdir(), `hakit-hblab-${scenario}-`))
  try {
    const r = spawnSync(hblab, ['run', scenario, '--impl', 'hakit', '--hakit-cmd', `${process.execPath} ${join(projectRoot, 'bin', 'run.js')}`, '-q', '--out', out, '--timeout', '90'], {
      encoding: 'utf8',
      env: {...process.env, HBLAB_PREFIX: `hblabt${process.pid}-`},
      timeout: 120_000,
    })
    const file = join(out, 'result.json')
    const result = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined
    return {status: r.status, result, stderr: r.stderr}
  } finally {
    rmSync(out, {recursive: true, force: true})
  }
}

const skipWhy = !isRoot ? 'needs root (network namespaces)' : !existsSync(hblab) ? 'hblab not found' : !existsSync('/etc/ha.d/resource.d/IPaddr') ? 'heartbeat resource scripts not installed' : undefined

test('hblab kill-primary with hakit: the peer serves the VIP within deadtime + 1 s', {skip: skipWhy}, () => {
  const {status, result, stderr} = runHblab('kill-primary')
  assert.ok(result, `no result: ${stderr.slice(-2000)}`)
  assert.equal(status, 0, stderr.slice(-2000))
  assert.equal(result.summary.holder, 'n2')
  const vip = result.summary.vip_reachable_ms as number
  assert.ok(vip < 5000, `client served by n2 ${vip} ms after the power cut (deadtime 4 s)`)
  assert.ok((result.summary.detect_to_rsc_ms as number) < 1000)
})

test('hblab resource-fail with hakit: a failed start on n1 moves the group to n2', {skip: skipWhy}, () => {
  const {status, result, stderr} = runHblab('resource-fail')
  assert.ok(result, `no result: ${stderr.slice(-2000)}`)
  assert.equal(result.summary.holder, 'n2', JSON.stringify(result.summary))
  assert.equal(status, 0, stderr.slice(-2000))
  assert.notEqual(result.summary.failover_ms, null)
})
