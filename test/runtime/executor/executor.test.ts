/**
 * The executor on test agents: results, environment, classes, and the bad
 * cases that must never wedge it (hang, megabytes of output, a daemon that
 * keeps stdout open, missing or non-executable agents), plus queueing,
 * start-delay and recurring monitors with cancel.
 */
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {LocalExecutor} from '../../../src/runtime/executor/executor.js'
import {ExecStatus, type OpRequest, type OpResult} from '../../../src/runtime/executor/types.js'
import {FileAttributeStore} from '../../../src/runtime/executor/attribute-store.js'
import {fixturesDir} from '../../helpers/cli.js'

const fx = join(fixturesDir, 'executor')
const recorder = {class: 'ocf', provider: 'hakit-test', type: 'Recorder'} as const

function readEnv(file: string): {argv: string; env: Map<string, string>} {
  const [first, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n')
  const env = new Map<string, string>()
  for (const line of lines) {
    const eq = line.indexOf('=')
    if (eq > 0) env.set(line.slice(0, eq), line.slice(eq + 1))
  }
  return {argv: first.replace(/^ARGV: /, ''), env}
}

/** Running (a zombie waiting for a busy init to reap it counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('LocalExecutor', () => {
  let dir: string
  let executor: LocalExecutor
  const req = (action: string, params: Record<string, string> = {}, extra: Partial<OpRequest> = {}): OpRequest => ({
    rscId: 'rec', agent: recorder, action, intervalMs: 0, timeoutMs: 20_000, params: {dir, ...params}, ...extra,
  })

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hakit-exec-'))
    executor = new LocalExecutor({
      paths: {ocfRoot: join(fx, 'ocf'), initDir: join(fx, 'init.d'), heartbeatConfigDir: join(fx, 'ha.d')},
      nodeName: 'n1', nodeId: '1', attributeStore: join(dir, 'attrs.json'), killGraceMs: 300,
    })
  })
  after(async () => {
    await executor.shutdown()
    rmSync(dir, {recursive: true, force: true})
  })

  test('OCF environment as pacemaker-execd sets it', async () => {
    const result = await executor.execute(req('monitor', {'tag': 'hello world'}, {
      intervalMs: 10_000, timeoutMs: 33_000, checkLevel: '10', node: {name: 'n1', id: '1'}, opMeta: {name: 'monitor', 'on-fail': 'block'},
      clone: {instance: 1, cloneMax: 2, cloneNodeMax: 1, globallyUnique: false, notify: false, promotedMax: 1, promotedNodeMax: 1},
    }))
    assert.equal(result.rc, 0)
    const {argv, env} = readEnv(join(dir, 'monitor.env'))
    assert.equal(argv, 'monitor')
    const expected: Record<string, string> = {
      OCF_ROOT: join(fx, 'ocf'), OCF_RA_VERSION_MAJOR: '1', OCF_RA_VERSION_MINOR: '1', OCF_RESOURCE_INSTANCE: 'rec',
      OCF_RESOURCE_TYPE: 'Recorder', OCF_RESOURCE_PROVIDER: 'hakit-test', OCF_EXIT_REASON_PREFIX: 'ocf-exit-reason:',
      OCF_RESKEY_tag: 'hello world', OCF_RESKEY_crm_feature_set: '3.16.1', OCF_RESKEY_CRM_meta_timeout: '33000',
      OCF_RESKEY_CRM_meta_interval: '10000', OCF_RESKEY_CRM_meta_name: 'monitor', OCF_RESKEY_CRM_meta_on_fail: 'block',
      OCF_RESKEY_CRM_meta_on_node: 'n1', OCF_RESKEY_CRM_meta_on_node_uuid: '1', OCF_CHECK_LEVEL: '10',
      OCF_RESKEY_CRM_meta_clone: '1', OCF_RESKEY_CRM_meta_clone_max: '2', OCF_RESKEY_CRM_meta_promoted_max: '1', OCF_RESKEY_CRM_meta_master_max: '1',
    }
    for (const [k, v] of Object.entries(expected)) assert.equal(env.get(k), v, k)
    assert.ok(!env.has('OCF_RESKEY_OCF_CHECK_LEVEL'))
    assert.ok(env.get('PATH')!.split(':')[0] === env.get('HA_SBIN_DIR'), 'hakit tools first on PATH and in HA_SBIN_DIR')
  })

  test('probe has no CRM_meta_interval; not running on a probe is not a failure', async () => {
    const result = await executor.execute(req('monitor', {rc: '7'}))
    assert.equal(result.rc, 7)
    assert.equal(result.classification.class, 'not-running')
    assert.equal(result.classification.failed, false)
    assert.ok(!readEnv(join(dir, 'monitor.env')).env.has('OCF_RESKEY_CRM_meta_interval'))
    const recurring = await executor.execute(req('monitor', {rc: '7'}, {intervalMs: 5000}))
    assert.equal(recurring.classification.failed, true, 'a recurring monitor finding it stopped is a failure')
  })

  test('exit reason from stderr; rc classes', async () => {
    const cases: [string, string, boolean][] = [['1', 'soft', true], ['2', 'hard', true], ['5', 'hard', true], ['6', 'fatal', true], ['190', 'soft', true]]
    for (const [rc, cls, failed] of cases) {
      const r = await executor.execute(req('start', {rc}))
      assert.equal(r.rc, Number(rc))
      assert.equal(r.exitReason, `asked to return ${rc}`)
      assert.equal(r.classification.class, cls, `rc ${rc}`)
      assert.equal(r.classification.failed, failed)
    }
    const degraded = await executor.execute(req('monitor', {rc: '190'}, {intervalMs: 1000}))
    assert.equal(degraded.classification.class, 'degraded')
    assert.equal(degraded.classification.failed, false)
  })

  test('history record: call ids increase, digests as Pacemaker (restart digest for a reload-agent agent, secure digest)', async () => {
    const a = await executor.execute(req('start', {secret: 'pw'}))
    const b = await executor.execute(req('stop', {secret: 'pw'}))
    assert.ok(b.callId > a.callId)
    assert.equal(a.operationKey, 'rec_start_0')
    assert.match(a.opDigest, /^[0-9a-f]{32}$/)
    assert.equal(a.opForceRestart, '  secret dir  ', 'reverse document order, as controld lists them')
    assert.equal(a.opSecureParams, '  secret  ')
    assert.ok(a.opRestartDigest && a.opSecureDigest)
    assert.equal(b.opRestartDigest, undefined, 'no restart digest for stop')
  })

  test('timeout: TERM then KILL of the whole process group, Timed Out', async () => {
    const r = await executor.execute(req('start', {mode: 'hang'}, {timeoutMs: 1000}))
    assert.equal(r.status, ExecStatus.Timeout)
    assert.equal(r.rc, 1)
    assert.ok(r.execTimeMs >= 1000, 'exec time runs to the timeout, as execd records it')
    assert.equal(r.exitReason, 'Resource agent did not complete within 1000ms')
    assert.equal(r.classification.failed, true)
    const child = Number(readFileSync(join(dir, 'hang.child'), 'utf8'))
    await until(() => !alive(child))
  })

  test('megabytes of output: bounded capture, the run completes', async () => {
    const r = await executor.execute(req('start', {mode: 'chatty', mb: '16'}))
    assert.equal(r.status, ExecStatus.Done)
    assert.equal(r.rc, 0)
    assert.equal(r.exitReason, 'printed a lot')
    assert.ok(r.stdoutTail.length <= 4096)
    assert.match(r.hint ?? '', /bytes dropped/)
  })

  test('a daemon holding stdout open does not wedge the executor', async () => {
    const r = await executor.execute(req('start', {mode: 'daemon'}, {timeoutMs: 15_000}))
    assert.equal(r.status, ExecStatus.Done, 'finished before its timeout')
    assert.equal(r.rc, 0)
    const child = Number(readFileSync(join(dir, 'daemon.child'), 'utf8'))
    assert.ok(alive(child), 'the daemon keeps running')
    process.kill(child, 'SIGKILL')
  })

  test('missing agent: not installed with a did-you-mean; non-executable: insufficient privileges', async () => {
    const missing = await executor.execute({...req('start'), agent: {class: 'ocf', provider: 'hakit-test', type: 'Recordr'}})
    assert.equal(missing.status, ExecStatus.NotInstalled)
    assert.equal(missing.rc, 5)
    assert.equal(missing.exitReason, 'Recordr: No such file or directory')
    assert.match(missing.hint ?? '', /did you mean "Recorder"/)
    const probe = await executor.execute({...req('monitor'), agent: {class: 'ocf', provider: 'hakit-test', type: 'Recordr'}})
    assert.equal(probe.classification.failed, false, 'a probe of a missing agent is masked')
    const provider = await executor.execute({...req('start'), agent: {class: 'ocf', provider: 'hakit-tst', type: 'Recorder'}})
    assert.match(provider.hint ?? '', /did you mean "hakit-test"/)
    const noexec = await executor.execute({...req('start'), agent: {class: 'ocf', provider: 'hakit-test', type: 'NotExecutable'}})
    assert.equal(noexec.rc, 4)
    assert.equal(noexec.exitReason, 'Child process was unable to execute file')
  })

  test('in-flight collision: one operation at a time per resource, in submission order', async () => {
    writeFileSync(join(dir, 'timeline'), '')
    const start = executor.execute(req('start', {sleep: '0.4'}))
    const monitor = executor.execute(req('monitor'))
    const other = executor.execute({...req('monitor', {dir: mkdtempSync(join(dir, 'o-'))}), rscId: 'other'})
    const [s, m, o] = await Promise.all([start, monitor, other])
    const lines = readFileSync(join(dir, 'timeline'), 'utf8').trim().split('\n').map((l) => l.split(' ')[0] + ' ' + l.split(' ')[1])
    assert.deepEqual(lines, ['begin start', 'end start', 'begin monitor', 'end monitor'])
    assert.ok(m.callId > s.callId)
    assert.ok(m.queueTimeMs >= 300, 'the monitor waited behind the start')
    assert.ok(o.queueTimeMs < m.queueTimeMs, 'another resource did not wait')
  })

  test('start-delay is passed and honoured; a recurring op waits only before its first run but keeps the variable', async () => {
    const r = await executor.execute(req('monitor', {}, {startDelayMs: 300, intervalMs: 1000}))
    assert.equal(readEnv(join(dir, 'monitor.env')).env.get('OCF_RESKEY_CRM_meta_start_delay'), '300')
    assert.ok(r.queueTimeMs >= 250, `queued ${r.queueTimeMs} ms (timers may round a millisecond early)`)
    const results: OpResult[] = []
    const handle = executor.startRecurring(req('monitor', {}, {startDelayMs: 300, intervalMs: 50}), (x) => results.push(x))
    await until(() => results.length >= 3)
    await executor.cancel(handle)
    assert.ok(results[0].queueTimeMs >= 250)
    // later runs do not wait the start-delay again: each is queued for less than the first was
    assert.ok(results[1].queueTimeMs < results[0].queueTimeMs && results[2].queueTimeMs < results[0].queueTimeMs, `queue times: ${results.map((x) => x.queueTimeMs)}`)
    assert.equal(readEnv(join(dir, 'monitor.env')).env.get('OCF_RESKEY_CRM_meta_start_delay'), '300')
  })

  test('recurring monitor: repeated results, last-rc-change kept while rc is unchanged, cancel stops it (in-flight run killed)', async () => {
    const results: OpResult[] = []
    const handle = executor.startRecurring(req('monitor', {}, {intervalMs: 100}), (r) => results.push(r))
    await until(() => results.length >= 3)
    assert.ok(results.every((r) => r.rc === 0 && r.operationKey === 'rec_monitor_100'))
    assert.equal(results[2].lastRcChange, results[0].lastRcChange)
    await executor.cancel(handle)
    const count = results.length
    assert.equal(results.at(-1)!.status, ExecStatus.Cancelled)
    await new Promise((r) => setTimeout(r, 400))
    assert.equal(results.length, count, 'no result after cancel')

    const slow: OpResult[] = []
    const h2 = executor.startRecurring(req('monitor', {mode: 'hang'}, {intervalMs: 100, timeoutMs: 60_000}), (r) => slow.push(r))
    await until(() => existsSync(join(dir, 'hang.child')) && alive(Number(readFileSync(join(dir, 'hang.child'), 'utf8'))))
    const child = Number(readFileSync(join(dir, 'hang.child'), 'utf8'))
    await executor.cancel(h2)
    assert.deepEqual(slow.map((r) => r.status), [ExecStatus.Cancelled])
    await until(() => !alive(child))
  })

  test('recurring monitor with changesOnly: reported when rc changes, last-rc-change moves with it', async () => {
    const rcFile = join(dir, 'rc-file')
    writeFileSync(rcFile, '')
    const results: OpResult[] = []
    let runs = 0
    const handle = executor.startRecurring(req('monitor', {rc_file: rcFile}, {rscId: 'chg', intervalMs: 50}), (r) => results.push(r), {changesOnly: true})
    await until(() => results.length === 1)
    // let it run a few more times unchanged
    const timeline = () => readFileSync(join(dir, 'timeline'), 'utf8').split('\n').filter((l) => l.startsWith('end monitor')).length
    runs = timeline()
    await until(() => timeline() >= runs + 3)
    assert.equal(results.length, 1, 'unchanged results are not reported')
    writeFileSync(rcFile, '7')
    await until(() => results.length === 2)
    await until(() => timeline() >= runs + 8)
    await executor.cancel(handle)
    assert.deepEqual(results.map((r) => [r.rc, r.status]), [[0, ExecStatus.Done], [7, ExecStatus.Done], [0, ExecStatus.Cancelled]])
    assert.ok(results[1].lastRcChange >= results[0].lastRcChange)
    assert.equal(results[1].lastRcChange, results[1].lastRun, 'a new rc starts its last-rc-change')
  })

  test('cancel of a recurring op queued behind a long operation of its resource returns at once and it never runs', async () => {
    writeFileSync(join(dir, 'timeline'), '')
    const start = executor.execute(req('start', {sleep: '1'}))
    let startDone = false
    void start.then(() => (startDone = true))
    const results: OpResult[] = []
    const handle = executor.startRecurring(req('monitor', {}, {intervalMs: 100}), (r) => results.push(r))
    await new Promise((r) => setTimeout(r, 100))
    await executor.cancel(handle)
    assert.equal(startDone, false, 'cancel did not wait for the start')
    assert.deepEqual(results.map((r) => r.status), [ExecStatus.Cancelled])
    assert.equal((await start).rc, 0, 'the start was not disturbed')
    await new Promise((r) => setTimeout(r, 200))
    const actions = readFileSync(join(dir, 'timeline'), 'utf8').trim().split('\n').map((l) => l.split(' ')[1])
    assert.deepEqual(actions, ['start', 'start'], 'the monitor never ran')
  })

  test('LSB: monitor runs status; status 3 is not running; meta-data synthesized from INIT INFO', async () => {
    const state = join(dir, 'lsb.state')
    const lsb = (action: string): OpRequest => ({rscId: 'l', agent: {class: 'lsb', type: 'hakit-lsb'}, action, intervalMs: 0, timeoutMs: 20_000, params: {}, env: {HAKIT_LSB_STATE: state}})
    assert.equal((await executor.execute(lsb('monitor'))).rc, 7)
    assert.equal((await executor.execute(lsb('start'))).rc, 0)
    assert.equal((await executor.execute(lsb('monitor'))).rc, 0)
    assert.equal((await executor.execute(lsb('stop'))).rc, 0)
    const md = await executor.execute(lsb('meta-data'))
    assert.match(md.output ?? '', /<shortdesc lang='en'> *hakit LSB test service\n<\/shortdesc>/)
  })

  test('heartbeat class: positional arguments, status read from output, found in the config dir resource.d', async () => {
    const state = join(dir, 'hb.state')
    const hb = (action: string): OpRequest => ({rscId: 'h', agent: {class: 'heartbeat', type: 'hbstate'}, action, intervalMs: 0, timeoutMs: 20_000, params: {'1': state}})
    assert.equal((await executor.execute(hb('monitor'))).rc, 7, '"stopped" with exit 0 is not running')
    assert.equal((await executor.execute(hb('start'))).rc, 0)
    assert.equal(readFileSync(state, 'utf8').trim(), 'n1', 'HA_CURHOST passed')
    assert.equal((await executor.execute(hb('monitor'))).rc, 0)
    assert.equal((await executor.execute(hb('stop'))).rc, 0)
    assert.ok(!existsSync(state))
  })

  test('recurring monitor and cancel for every class that has one (lsb, heartbeat, stonith)', async () => {
    const requests: OpRequest[] = [
      {rscId: 'l2', agent: {class: 'lsb', type: 'hakit-lsb'}, action: 'monitor', intervalMs: 100, timeoutMs: 20_000, params: {}, env: {HAKIT_LSB_STATE: join(dir, 'lsb2.state')}},
      {rscId: 'h2', agent: {class: 'heartbeat', type: 'hbstate'}, action: 'monitor', intervalMs: 100, timeoutMs: 20_000, params: {'1': join(dir, 'hb2.state')}},
    ]
    if (existsSync('/usr/sbin/fence_dummy')) requests.push({rscId: 'f2', agent: {class: 'stonith', type: 'fence_dummy'}, action: 'monitor', intervalMs: 100, timeoutMs: 20_000, params: {type: 'file'}})
    for (const request of requests) {
      if (request.agent.class === 'stonith') assert.equal((await executor.execute({...request, action: 'start', intervalMs: 0})).rc, 0)
      const results: OpResult[] = []
      const handle = executor.startRecurring(request, (r) => results.push(r))
      await until(() => results.length >= 2)
      await executor.cancel(handle)
      const count = results.length
      const expected = request.agent.class === 'stonith' ? 0 : 7
      assert.ok(results.slice(0, -1).every((r) => r.rc === expected && r.status === ExecStatus.Done), `${request.agent.class}: ${results.map((r) => r.rc)}`)
      assert.equal(results.at(-1)!.status, ExecStatus.Cancelled)
      await new Promise((r) => setTimeout(r, 300))
      assert.equal(results.length, count, `${request.agent.class}: nothing after cancel`)
    }
  })

  test('stonith: a fence agent gets key=value on stdin; cluster-glue plugins run through stonith(8); only fence_* names are fence agents', async (t) => {
    const reboot = await executor.execute({rscId: 'x', agent: {class: 'stonith', type: 'reboot'}, action: 'start', intervalMs: 0, timeoutMs: 20_000, params: {}})
    assert.equal(reboot.status, ExecStatus.NotInstalled, 'stonith:reboot does not run /usr/sbin/reboot')
    if (!existsSync('/usr/sbin/stonith')) return t.skip('cluster-glue stonith not installed')
    const glue = (action: string, extra: Partial<OpRequest> = {}): Promise<OpResult> =>
      executor.execute({rscId: 'g', agent: {class: 'stonith', type: 'null'}, action, intervalMs: 0, timeoutMs: 20_000, params: {hostlist: 'n1 n2', pcmk_host_check: 'static-list'}, ...extra})
    assert.equal((await glue('start')).rc, 0)
    assert.equal((await glue('monitor')).rc, 0)
    const list = await glue('list')
    assert.equal(list.rc, 0)
    assert.deepEqual(list.output?.trim().split('\n'), ['n1', 'n2'])
    assert.equal((await glue('reboot', {fenceTarget: 'n2'})).rc, 0)
    assert.match((await glue('meta-data')).output ?? '', /<resource-agent name="null"/)
  })

  test('systemd without systemd as PID 1: a clear unavailable result', async (t) => {
    if (readFileSync('/proc/1/comm', 'utf8').trim() === 'systemd') return t.skip('systemd is PID 1 here')
    const r = await executor.execute({rscId: 's', agent: {class: 'systemd', type: 'sshd'}, action: 'start', intervalMs: 0, timeoutMs: 20_000, params: {}})
    assert.equal(r.status, ExecStatus.NotInstalled)
    assert.match(r.exitReason, /systemd is not PID 1/)
  })

  test('agent-facing tools: Stateful sets its promotion score through hakit crm_attribute', async () => {
    const store = new FileAttributeStore(join(dir, 'attrs.json'))
    const stateful = (action: string): OpRequest => ({rscId: 'st', agent: {class: 'ocf', provider: 'pacemaker', type: 'Stateful'}, action, intervalMs: 0, timeoutMs: 20_000, params: {state: join(dir, 'st.state')}})
    const ex = new LocalExecutor({nodeName: 'n1', attributeStore: join(dir, 'attrs.json')})
    try {
      assert.equal((await ex.execute(stateful('start'))).rc, 0)
      assert.equal(store.getSync('n1', 'master-st', 'reboot'), '5')
      assert.equal((await ex.execute(stateful('promote'))).rc, 0)
      assert.equal(store.getSync('n1', 'master-st', 'reboot'), '10')
      assert.equal((await ex.execute(stateful('monitor'))).rc, 8)
      assert.equal((await ex.execute(stateful('demote'))).rc, 0)
      assert.equal((await ex.execute(stateful('stop'))).rc, 0)
      assert.equal(store.getSync('n1', 'master-st', 'reboot'), undefined, 'stop removes the score')
    } finally {
      await ex.shutdown()
    }
  })
})
