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
import {isRoot, projectRoot, sharedDir} from '../../../helpers/cli.js'

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

// Latencies (served again, "dead" → group up) are measured by bench/legacy-hblab.mjs, not asserted here.
test('hblab kill-primary with hakit: the peer declares n1 dead, takes the group, the client is served by n2', {skip: skipWhy}, () => {
  const {status, result, stderr} = runHblab('kill-primary')
  assert.ok(result, `no result: ${stderr.slice(-2000)}`)
  assert.equal(status, 0, stderr.slice(-2000))
  const s = result.summary
  assert.equal(s.holder, 'n2', JSON.stringify(s))
  assert.equal(typeof s.vip_reachable_ms, 'number', `the client was never served by n2: ${JSON.stringify(s)}`)
  // deadtime 4 s, keepalive 1 s: never declared dead before deadtime minus one keepalive,
  // and the group is taken only after the death was declared
  assert.ok((s.detect_ms as number) >= 3000, `declared dead ${s.detect_ms} ms after the power cut`)
  assert.ok((s.takeover_ms as number) >= (s.detect_ms as number), JSON.stringify(s))
})

test('hblab resource-fail with hakit: a failed start on n1 moves the group to n2', {skip: skipWhy}, () => {
  const {status, result, stderr} = runHblab('resource-fail')
  assert.ok(result, `no result: ${stderr.slice(-2000)}`)
  assert.equal(result.summary.holder, 'n2', JSON.stringify(result.summary))
  assert.equal(status, 0, stderr.slice(-2000))
  assert.notEqual(result.summary.failover_ms, null)
})
