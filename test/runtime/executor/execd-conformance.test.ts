/**
 * Conformance with the real pacemaker-execd (not crm_resource): a one-node
 * Corosync + Pacemaker 2.1.5 lab runs the recording agent as a primitive
 * (probe, start, a recurring monitor with on-fail, start-delay and
 * OCF_CHECK_LEVEL) and as a promotable clone with notify=true (probe, start,
 * notifications, promote, a role=Promoted monitor). hakit's executor then
 * runs the same operations from the same inputs, and the test compares
 * every OCF_* variable the agent saw, and the digests the controller wrote
 * into the CIB's lrm_rsc_op records (op-digest, op-restart-digest,
 * op-force-restart, op-secure-params, op-secure-digest).
 *
 * What hakit is given is what the controller knows from the CIB (timeouts,
 * op attributes, clone meta, node); the notification sets (which instances
 * start, promote, …) are the scheduler's answer and are read back from what
 * execd passed.
 */
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {fixturesDir} from '../../helpers/cli.js'
import {pacemakerLabUnavailable, startPacemakerLab, type PacemakerLab} from '../../helpers/pacemaker-lab.js'
import {LocalExecutor} from '../../../src/runtime/executor/executor.js'
import type {CloneInfo, NotifyInfo, NotifySet, OpRequest, OpResult} from '../../../src/runtime/executor/types.js'
import {operationDigests} from '../../../src/runtime/executor/digest.js'
import {parseMetadata} from '../../../src/runtime/executor/metadata.js'

const unavailable = pacemakerLabUnavailable()
const provider = `hakit-execd-${process.pid}`
const ocfDir = `/usr/lib/ocf/resource.d/${provider}`

function readEnv(file: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
    const eq = line.indexOf('=')
    if (eq > 0 && line.startsWith('OCF_')) env[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return env
}

/** The notification sets execd passed (the scheduler's answer; hakit's executor only encodes them). */
function notifySets(env: Record<string, string>): NotifyInfo['sets'] {
  const sets: NotifyInfo['sets'] = {}
  for (const [k, v] of Object.entries(env)) {
    const m = /^OCF_RESKEY_CRM_meta_notify_([a-z]+)_(resource|uname)$/.exec(k)
    if (!m || v.trim() === '') continue
    const set = (sets[m[1] as NotifySet] ??= {})
    if (m[2] === 'resource') set.resources = v.trim().split(/\s+/)
    else set.unames = v.trim().split(/\s+/)
  }
  return sets
}

describe('conformance with pacemaker-execd (real cluster)', {skip: unavailable ?? false}, () => {
  let lab: PacemakerLab
  let dir: string
  const node = {name: 'n1', id: '1'}

  before(async () => {
    mkdirSync(ocfDir, {recursive: true})
    copyFileSync(join(fixturesDir, 'executor/ocf/resource.d/hakit-test/Recorder'), join(ocfDir, 'Recorder'))
    chmodSync(join(ocfDir, 'Recorder'), 0o755)
    dir = mkdtempSync('/tmp/hakit-execd-')
    chmodSync(dir, 0o755)
    for (const sub of ['rec', 'sf', 'hakit-rec', 'hakit-sf']) mkdirSync(join(dir, sub))
    lab = await startPacemakerLab(1)
    const n1 = lab.nodes[0]
    const cib = (section: string, xml: string) => {
      const r = lab.exec(n1, ['cibadmin', '-C', '-o', section, '-X', xml])
      assert.equal(r.status, 0, r.stderr)
    }
    cib('crm_config', '<cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set>')
    assert.equal(lab.exec(n1, ['crm_attribute', '-l', 'reboot', '-N', 'n1', '-n', 'master-sf', '-v', '10']).status, 0)
    cib('resources', `<primitive id="rec" class="ocf" provider="${provider}" type="Recorder"><instance_attributes id="rec-ia">` +
      `<nvpair id="rec-d" name="dir" value="${dir}/rec"/><nvpair id="rec-t" name="tag" value="hello world"/><nvpair id="rec-s" name="secret" value="pw"/>` +
      `<nvpair id="rec-r" name="rc_monitor_0" value="7"/></instance_attributes>` +
      `<meta_attributes id="rec-m"><nvpair id="rec-st" name="resource-stickiness" value="3"/></meta_attributes><operations>` +
      `<op id="rec-start" name="start" interval="0" timeout="44s"/>` +
      `<op id="rec-mon" name="monitor" interval="7s" timeout="33s" on-fail="restart" start-delay="1s"><instance_attributes id="rec-mon-ia"><nvpair id="rec-cl" name="OCF_CHECK_LEVEL" value="10"/></instance_attributes></op>` +
      `</operations></primitive>`)
    cib('resources', `<clone id="ms"><meta_attributes id="ms-m"><nvpair id="ms-p" name="promotable" value="true"/><nvpair id="ms-n" name="notify" value="true"/>` +
      `<nvpair id="ms-cm" name="clone-max" value="1"/><nvpair id="ms-pm" name="promoted-max" value="1"/></meta_attributes>` +
      `<primitive id="sf" class="ocf" provider="${provider}" type="Recorder"><instance_attributes id="sf-ia"><nvpair id="sf-d" name="dir" value="${dir}/sf"/>` +
      `<nvpair id="sf-r" name="rc_monitor_0" value="7"/><nvpair id="sf-r2" name="rc_monitor_9000" value="8"/></instance_attributes><operations>` +
      `<op id="sf-mp" name="monitor" interval="9s" role="Promoted" timeout="21s"/><op id="sf-mu" name="monitor" interval="10s" role="Unpromoted" timeout="22s"/>` +
      `</operations></primitive></clone>`)
    // A start that outlives its timeout: execd's timeout result ends up in the CIB as slow_last_failure_0.
    cib('resources', `<primitive id="slow" class="ocf" provider="${provider}" type="Recorder"><instance_attributes id="slow-ia">` +
      `<nvpair id="slow-r" name="rc_monitor_0" value="7"/><nvpair id="slow-s" name="sleep_start" value="30"/></instance_attributes>` +
      `<operations><op id="slow-start" name="start" interval="0" timeout="2s"/></operations></primitive>`)
    await lab.waitFor('the operations to run', 90_000, () => readdirSync(join(dir, 'rec')).includes('monitor_7000.env') && readdirSync(join(dir, 'sf')).includes('monitor_9000.env'))
    // the controller records the monitor results a moment later
    await lab.waitFor('history in the CIB', 60_000, () => {
      const status = lab.exec(n1, ['cibadmin', '-Q', '-o', 'status']).stdout
      return /rec_monitor_7000[^>]*op-digest/.test(status) && /sf_monitor_9000[^>]*op-digest/.test(status) && /id="slow_last_failure_0"/.test(status)
    })
  })

  after(() => {
    lab?.stop()
    rmSync(ocfDir, {recursive: true, force: true})
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  test('a start timeout: the same rc-code, op-status, exit-reason and op-digest as execd recorded; exec-time is the time to the timeout', async () => {
    const status = lab.exec(lab.nodes[0], ['cibadmin', '-Q', '-o', 'status']).stdout
    const record = /<lrm_rsc_op id="slow_last_failure_0"[^>]*>/.exec(status)?.[0] ?? ''
    const attr = (name: string) => new RegExp(` ${name}="([^"]*)"`).exec(record)?.[1]
    const executor = new LocalExecutor({nodeName: 'n1', attributeStore: join(dir, 'attrs.json'), killGraceMs: 200})
    try {
      const r = await executor.execute({rscId: 'slow', agent: {class: 'ocf', provider, type: 'Recorder'}, action: 'start', intervalMs: 0, timeoutMs: 2000,
        params: {rc_monitor_0: '7', sleep_start: '30'}, opMeta: {name: 'start'}, node})
      assert.equal(attr('operation_key'), 'slow_start_0')
      assert.equal(String(r.rc), attr('rc-code'))
      assert.equal(String(r.status), attr('op-status'))
      assert.equal(r.exitReason, attr('exit-reason'))
      // exec-time is the time until the timeout fired, not 0: both record at least the 2 s timeout
      assert.ok(Number(attr('exec-time')) >= 2000 && r.execTimeMs >= 2000, `execd ${attr('exec-time')} ms, hakit ${r.execTimeMs} ms`)
      assert.equal(r.opDigest, attr('op-digest'))
    } finally {
      await executor.shutdown()
    }
  })

  test('same agent environment and the same lrm_rsc_op digests', async () => {
    const status = lab.exec(lab.nodes[0], ['cibadmin', '-Q', '-o', 'status']).stdout
    const executor = new LocalExecutor({nodeName: 'n1', attributeStore: join(dir, 'attrs.json')})
    const clone: CloneInfo = {instance: 0, cloneMax: 1, cloneNodeMax: 1, globallyUnique: false, notify: true, promotedMax: 1, promotedNodeMax: 1}
    const recParams = (d: string) => ({dir: join(dir, d), tag: 'hello world', secret: 'pw', rc_monitor_0: '7'})
    const sfParams = (d: string) => ({dir: join(dir, d), rc_monitor_0: '7', rc_monitor_9000: '8'})
    const agent = {class: 'ocf', provider, type: 'Recorder'} as const
    const cases: {file: string; history?: string; request: (d: string) => OpRequest}[] = [
      // probe: no <op> for it, so no CRM_meta_name; timeout of the shortest-interval monitor
      {file: 'rec/monitor_0.env', request: (d) => ({rscId: 'rec', agent, action: 'monitor', intervalMs: 0, timeoutMs: 33_000, params: recParams(d), node})},
      {file: 'rec/start_0.env', history: 'rec_last_0', request: (d) => ({rscId: 'rec', agent, action: 'start', intervalMs: 0, timeoutMs: 44_000, params: recParams(d), opMeta: {name: 'start'}, node})},
      {file: 'rec/monitor_7000.env', history: 'rec_monitor_7000', request: (d) => ({rscId: 'rec', agent, action: 'monitor', intervalMs: 7000, timeoutMs: 33_000, startDelayMs: 1000, checkLevel: '10', params: recParams(d), opMeta: {name: 'monitor', 'on-fail': 'restart'}, node})},
      {file: 'sf/monitor_0.env', request: (d) => ({rscId: 'sf', agent, action: 'monitor', intervalMs: 0, timeoutMs: 21_000, params: sfParams(d), clone, node})},
      {file: 'sf/start_0.env', request: (d) => ({rscId: 'sf', agent, action: 'start', intervalMs: 0, timeoutMs: 20_000, params: sfParams(d), clone, node, notify: {sets: notifySets(readEnv(join(dir, 'sf/start_0.env')))}})},
      {file: 'sf/notify_post_start.env', request: (d) => ({rscId: 'sf', agent, action: 'notify', intervalMs: 0, timeoutMs: 20_000, params: sfParams(d), clone, node, notify: {type: 'post', operation: 'start', sets: notifySets(readEnv(join(dir, 'sf/notify_post_start.env')))}})},
      {file: 'sf/notify_pre_promote.env', request: (d) => ({rscId: 'sf', agent, action: 'notify', intervalMs: 0, timeoutMs: 20_000, params: sfParams(d), clone, node, notify: {type: 'pre', operation: 'promote', sets: notifySets(readEnv(join(dir, 'sf/notify_pre_promote.env')))}})},
      {file: 'sf/promote_0.env', history: 'sf_last_0', request: (d) => ({rscId: 'sf', agent, action: 'promote', intervalMs: 0, timeoutMs: 20_000, params: sfParams(d), clone, node, notify: {sets: notifySets(readEnv(join(dir, 'sf/promote_0.env')))}})},
      {file: 'sf/monitor_9000.env', history: 'sf_monitor_9000', request: (d) => ({rscId: 'sf', agent, action: 'monitor', intervalMs: 9000, timeoutMs: 21_000, params: sfParams(d), clone, node, opMeta: {name: 'monitor', role: 'Promoted'}})},
    ]
    try {
      for (const c of cases) {
        const real = readEnv(join(dir, c.file))
        const result: OpResult = await executor.execute(c.request(c.file.startsWith('rec') ? 'hakit-rec' : 'hakit-sf'))
        const ours = readEnv(join(dir, `hakit-${c.file}`))
        ours.OCF_RESKEY_dir = real.OCF_RESKEY_dir
        assert.deepEqual(ours, real, c.file)
        if (!c.history) continue
        // The digests of the request with execd's own parameters (its dir), against the CIB's history record.
        const record = new RegExp(`<lrm_rsc_op id="${c.history}"[^>]*>`).exec(status)?.[0] ?? ''
        const attr = (name: string) => new RegExp(` ${name}="([^"]*)"`).exec(record)?.[1]
        const asExecd = c.request(c.file.split('/')[0])
        const again = operationDigests(asExecd, parseMetadata(await executor.metadata(agent), 'Recorder'))
        assert.equal(again.opDigest, attr('op-digest'), `${c.history} op-digest`)
        assert.equal(again.opRestartDigest, attr('op-restart-digest'), `${c.history} op-restart-digest`)
        assert.equal(again.opForceRestart, attr('op-force-restart'), `${c.history} op-force-restart`)
        assert.equal(again.opSecureParams, attr('op-secure-params'), `${c.history} op-secure-params`)
        assert.equal(again.opSecureDigest, attr('op-secure-digest'), `${c.history} op-secure-digest`)
        // and the executor's own result record carries the same digests for the same inputs
        assert.equal(result.opForceRestart, again.opForceRestart)
      }
    } finally {
      await executor.shutdown()
    }
  })
})
