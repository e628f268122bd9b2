import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync, chmodSync, mkdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {spawnSync} from 'node:child_process'
import {ResourceManager, interpretStatusOutput, scriptEnvironment, type LogLevel} from '../../../src/runtime/legacy/resource-manager.js'
import {groupFromFields, groupsFromModel, resourceFromToken, type LegacyGroup} from '../../../src/runtime/legacy/types.js'
import {fixturesDir, isRoot, haveCommand} from '../../helpers/cli.js'
import {processAlive as alive} from '../../helpers/daemon.js'
import {parseHaresources} from '../../../src/formats/haresources/parse.js'

const scriptsDir = join(fixturesDir, 'legacy-scripts')

function setup(options: {timeouts?: {start?: number; stop?: number; status?: number}; dirs?: string[]} = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-rm-'))
  const logs: Array<[LogLevel, string]> = []
  const rm = new ResourceManager({
    resourceDirs: options.dirs ?? [scriptsDir],
    env: {LEGACY_TEST_DIR: dir},
    timeouts: options.timeouts,
    killGraceMs: 200,
    stopRetries: 1,
    stopRetryDelayMs: 10,
    outputFile: join(dir, 'debug.log'),
    log: (level, message) => logs.push([level, message]),
  })
  const calls = () => (existsSync(join(dir, 'calls.log')) ? readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n') : [])
  const running = (name: string) => existsSync(join(dir, 'state', name))
  return {dir, rm, logs, calls, running, cleanup: () => rmSync(dir, {recursive: true, force: true})}
}

test('status output is read as Heartbeat reads it', () => {
  assert.equal(interpretStatusOutput('running\n'), true)
  assert.equal(interpretStatusOutput('apache is Running'), true)
  assert.equal(interpretStatusOutput('INFO:  Running OK'), true)
  assert.equal(interpretStatusOutput('OK'), true)
  assert.equal(interpretStatusOutput('ok'), false)
  assert.equal(interpretStatusOutput('stopped'), false)
  assert.equal(interpretStatusOutput(''), false)
  assert.equal(interpretStatusOutput('daemon is not running'), false)
  assert.equal(interpretStatusOutput('is NOT currently Running'), false)
  assert.equal(interpretStatusOutput('INFO:  Resource is stopped'), false)
})

test('tokens become scripts and arguments as in ResourceManager', () => {
  assert.deepEqual(resourceFromToken('Filesystem::/dev/sda1::/data1::ext2'), {script: 'Filesystem', args: ['/dev/sda1', '/data1', 'ext2'], token: 'Filesystem::/dev/sda1::/data1::ext2'})
  assert.deepEqual(resourceFromToken('10.0.0.5/24/eth0'), {script: 'IPaddr', args: ['10.0.0.5/24/eth0'], token: '10.0.0.5/24/eth0'})
  assert.deepEqual(resourceFromToken('httpd'), {script: 'httpd', args: [], token: 'httpd'})
  const parsed = [{node: 'N1', resources: [{raw: '10.0.0.5', script: 'IPaddr', args: ['10.0.0.5']}, {raw: 'httpd', script: 'httpd', args: []}]}]
  assert.deepEqual(groupsFromModel(parsed), [groupFromFields(['N1', '10.0.0.5', 'httpd'])])
  const group = groupFromFields(['N1', '10.0.0.5', 'httpd'])
  assert.equal(group.key, '10.0.0.5')
  assert.equal(group.ownerNode, 'n1')
})

test("the haresources parser's model maps onto the runtime's groups", () => {
  const {model} = parseHaresources('# web\nN1 10.0.0.5/24/eth0 Filesystem::/dev/sda1::/data::ext3 \\\n   httpd\nn2 MailTo::root@example.com::Failover\n')
  assert.deepEqual(groupsFromModel(model.groups), [
    {key: '10.0.0.5/24/eth0', ownerNode: 'n1', resources: [
      {script: 'IPaddr', args: ['10.0.0.5/24/eth0'], token: '10.0.0.5/24/eth0'},
      {script: 'Filesystem', args: ['/dev/sda1', '/data', 'ext3'], token: 'Filesystem::/dev/sda1::/data::ext3'},
      {script: 'httpd', args: [], token: 'httpd'},
    ]},
    {key: 'MailTo::root@example.com::Failover', ownerNode: 'n2', resources: [{script: 'MailTo', args: ['root@example.com', 'Failover'], token: 'MailTo::root@example.com::Failover'}]},
  ])
  // and it agrees with the runtime's own token reading
  for (const group of groupsFromModel(model.groups)) {
    for (const r of group.resources) assert.deepEqual(resourceFromToken(r.token!), r)
  }
})

test('a group starts left to right with status before each start, and stops right to left', async () => {
  const t = setup()
  try {
    const group = groupFromFields(['n1', 'ok::a', 'ok::b', 'slow::c::30'])
    const result = await t.rm.acquireGroup(group)
    assert.deepEqual(result, {ok: true})
    const calls = t.calls()
    assert.deepEqual(calls.slice(0, 3).sort(), ['ok status a a status', 'ok status b b status', 'slow status c c 30 status'], 'every status first (at once)')
    assert.deepEqual(calls.slice(3), ['ok start a a start', 'ok start b b start', 'slow start c c 30 start'], 'then starts in order')
    assert.ok(t.running('a') && t.running('b') && t.running('c'))
    assert.ok(t.logs.some(([, m]) => m === 'Acquiring resource group: n1 ok::a ok::b slow::c::30'))
    assert.ok(t.logs.some(([, m]) => m === `Running ${scriptsDir}/ok a start`))

    // acquiring again never starts a running resource twice
    await t.rm.acquireGroup(group)
    assert.equal(t.calls().filter((c) => c.includes(' start ')).length, 3)

    writeFileSync(join(t.dir, 'calls.log'), '')
    assert.deepEqual(await t.rm.releaseGroup(group), {ok: true})
    assert.deepEqual(t.calls().filter(Boolean), ['slow stop c c 30 stop', 'ok stop b b stop', 'ok stop a a stop'])
    assert.ok(!t.running('a') && !t.running('b') && !t.running('c'))
  } finally {
    t.cleanup()
  }
})

test('a failed start gives the whole group up, every resource stopped in reverse', async () => {
  const t = setup()
  try {
    const group = groupFromFields(['n1', 'ok::a', 'fail-start::b', 'ok::c'])
    const result = await t.rm.acquireGroup(group)
    assert.equal(result.ok, false)
    assert.equal(result.failedResource, 'fail-start::b')
    const stops = t.calls().filter((c) => c.includes(' stop '))
    assert.deepEqual(stops, ['ok stop c c stop', 'fail-start stop b b stop', 'ok stop a a stop'])
    assert.ok(!t.calls().some((c) => c.startsWith('ok start c')), 'nothing after the failed one is started')
    assert.ok(!t.running('a'))
    assert.ok(t.logs.some(([l, m]) => l === 'error' && m === `Return code 1 from ${scriptsDir}/fail-start`))
    assert.ok(t.logs.some(([l, m]) => l === 'crit' && m === 'Giving up resources due to failure of fail-start::b'))
    assert.match(readFileSync(join(t.dir, 'debug.log'), 'utf8'), /injected failure/)
  } finally {
    t.cleanup()
  }
})

test('a hung start is killed with its whole process group and the group is given up', async () => {
  const t = setup({timeouts: {start: 300}})
  try {
    const group = groupFromFields(['n1', 'ok::a', 'hang::h'])
    // the script never ends by itself: returning at all means the 300 ms start timeout ended it (logged below)
    const result = await t.rm.acquireGroup(group)
    assert.equal(result.ok, false)
    assert.equal(result.failedResource, 'hang::h')
    const child = Number(readFileSync(join(t.dir, 'state', 'h.child'), 'utf8'))
    assert.ok(child > 0)
    // the grandchild the script left in its process group is gone too
    for (let i = 0; i < 20 && alive(child); i++) await new Promise((r) => setTimeout(r, 50))
    assert.equal(alive(child), false, 'background child of the hung script was killed')
    assert.ok(!t.running('a'), 'the group was released')
    assert.ok(t.logs.some(([l, m]) => l === 'error' && /timed out after 300 ms/.test(m)))
  } finally {
    t.cleanup()
  }
})

test('sequentialStatus: status right before each start, as Heartbeat', async () => {
  const t = setup()
  try {
    const rm = new ResourceManager({resourceDirs: [scriptsDir], env: {LEGACY_TEST_DIR: t.dir}, sequentialStatus: true})
    await rm.acquireGroup(groupFromFields(['n1', 'ok::a', 'ok::b']))
    assert.deepEqual(t.calls(), ['ok status a a status', 'ok start a a start', 'ok status b b status', 'ok start b b start'])
  } finally {
    t.cleanup()
  }
})

test('group operations run one at a time, in the order asked', async () => {
  const t = setup()
  try {
    const g1 = groupFromFields(['n1', 'slow::x::80'])
    const g2 = groupFromFields(['n2', 'ok::y'])
    await Promise.all([t.rm.acquireGroup(g1), t.rm.acquireGroup(g2), t.rm.releaseGroup(g1)])
    assert.deepEqual(t.calls().filter((c) => !c.includes('status')), ['slow start x x 80 start', 'ok start y y start', 'slow stop x x 80 stop'])
    assert.ok(!t.running('x') && t.running('y'))
  } finally {
    t.cleanup()
  }
})

test('a stop that keeps failing while status says running is reported, not rebooted', async () => {
  const t = setup()
  try {
    const group = groupFromFields(['n1', 'ok::a', 'fail-stop::z'])
    assert.equal((await t.rm.acquireGroup(group)).ok, true)
    const result = await t.rm.releaseGroup(group)
    assert.deepEqual(result, {ok: false, failedResource: 'fail-stop::z', stopFailed: true})
    assert.equal(t.calls().filter((c) => c.startsWith('fail-stop stop')).length, 2, 'one retry')
    assert.ok(!t.running('a'), 'the other resources are still stopped')
    assert.ok(t.logs.some(([, m]) => m === 'Retrying failed stop operation [fail-stop::z]'))
  } finally {
    t.cleanup()
  }
})

test('scripts are looked up in order; a missing one fails the start', async () => {
  const other = mkdtempSync(join(tmpdir(), 'hakit-rm-dir-'))
  const t = setup({dirs: [other, scriptsDir]})
  try {
    writeFileSync(join(other, 'ok'), '#!/bin/sh\necho "override $*" >> "$LEGACY_TEST_DIR/calls.log"\necho stopped\n')
    chmodSync(join(other, 'ok'), 0o755)
    writeFileSync(join(other, 'fail-start'), '#!/bin/sh\nexit 0\n') // not executable: skipped
    mkdirSync(join(other, 'slow')) // a directory: skipped
    assert.equal(t.rm.locate('ok'), join(other, 'ok'))
    assert.equal(t.rm.locate('fail-start'), join(scriptsDir, 'fail-start'))
    assert.equal(t.rm.locate('slow'), join(scriptsDir, 'slow'))
    assert.equal(t.rm.locate('nosuch'), undefined)
    const result = await t.rm.acquireGroup(groupFromFields(['n1', 'nosuch::1']))
    assert.equal(result.ok, false)
    assert.ok(t.logs.some(([, m]) => m === 'Cannot locate resource script nosuch'))
  } finally {
    t.cleanup()
    rmSync(other, {recursive: true, force: true})
  }
})

test("the heartbeat package's Delay script (OCF Delay through hto-mapfuncs)", async (t) => {
  if (!existsSync('/etc/ha.d/resource.d/Delay')) return t.skip('heartbeat package not installed')
  const logs: string[] = []
  const rm = new ResourceManager({
    resourceDirs: ['/etc/ha.d/resource.d', '/etc/init.d'],
    env: {OCF_RESKEY_mondelay: '0', HA_LOGFILE: '', HA_DEBUGLOG: ''},
    timeouts: {status: 5000},
    log: (_, m) => logs.push(m),
  })
  const group: LegacyGroup = groupFromFields(['n1', 'Delay::0::0'])
  const resource = group.resources[0]!
  await rm.releaseGroup(group)
  assert.equal(await rm.status(resource), 'stopped')
  assert.deepEqual(await rm.acquireGroup(group), {ok: true})
  assert.equal(await rm.status(resource), 'running')
  assert.deepEqual(await rm.releaseGroup(group), {ok: true})
  assert.equal(await rm.status(resource), 'stopped')
  assert.ok(logs.includes('Running /etc/ha.d/resource.d/Delay 0 0 start'))

  // Without mondelay, Delay's "status" is a 30 s monitor: the timeout turns it into "unknown" quickly.
  const hung = new ResourceManager({resourceDirs: ['/etc/ha.d/resource.d'], timeouts: {status: 300}, killGraceMs: 100})
  // 'unknown' (not running/stopped) means the 300 ms status timeout ended it, not Delay's own 30 s
  assert.equal(await hung.status(resource), 'unknown')
})

for (const script of ['IPaddr2', 'IPaddr']) {
  test(`${script} puts a real address up and down inside a network namespace`, async (t) => {
    if (!isRoot) return t.skip('needs root (network namespace)')
    if (!haveCommand('ip') || !existsSync(`/etc/ha.d/resource.d/${script}`)) return t.skip('iproute2 or heartbeat scripts missing')
    if (script === 'IPaddr' && !haveCommand('ifconfig')) return t.skip('IPaddr needs net-tools')
    const ns = `hakit-lrm-${process.pid}-${script}`
    const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], {encoding: 'utf8'})
    if (sh(`ip netns add ${ns}`).status !== 0) return t.skip('cannot create a network namespace')
    const wrapDir = mkdtempSync(join(tmpdir(), 'hakit-ipaddr-'))
    try {
      sh(`ip -n ${ns} link add hk0 type veth peer name hk1 && ip -n ${ns} link set hk0 up && ip -n ${ns} link set hk1 up && ip -n ${ns} link set lo up && ip -n ${ns} addr add 10.201.0.1/24 dev hk0`)
      // Run the resource manager's scripts inside the namespace through a wrapper directory.
      writeFileSync(join(wrapDir, script), `#!/bin/sh\nexec ip netns exec ${ns} /etc/ha.d/resource.d/${script} "$@"\n`)
      chmodSync(join(wrapDir, script), 0o755)
      const rm = new ResourceManager({resourceDirs: [wrapDir], env: {HA_LOGFILE: '', HA_DEBUGLOG: '', HA_RSCTMP: wrapDir}, timeouts: {start: 20_000, stop: 20_000, status: 10_000}})
      const group = groupFromFields(['n1', `${script}::10.201.0.100/24/hk0`])
      const addrs = () => sh(`ip -n ${ns} -o -4 addr show dev hk0`).stdout
      assert.equal(await rm.status(group.resources[0]!), 'stopped')
      assert.deepEqual(await rm.acquireGroup(group), {ok: true})
      assert.match(addrs(), /10\.201\.0\.100\/24/)
      assert.equal(await rm.status(group.resources[0]!), 'running')
      await rm.acquireGroup(group) // already running: no second start, still one address
      assert.equal(addrs().match(/10\.201\.0\.100/g)?.length, 1)
      assert.deepEqual(await rm.releaseGroup(group), {ok: true})
      assert.doesNotMatch(addrs(), /10\.201\.0\.100/)
      assert.deepEqual(await rm.releaseGroup(group), {ok: true}, 'stop when stopped succeeds')
    } finally {
      sh(`ip netns del ${ns}`)
      rmSync(wrapDir, {recursive: true, force: true})
    }
  })
}

test("scripts get Heartbeat's environment (HA_DIR with its trailing slash, log files, node)", () => {
  const env = scriptEnvironment({configDir: '/etc/ha.d', node: 'n1', logfile: '/var/log/ha-log', logfacility: 'local0', debug: 1, niceFailback: true})
  assert.equal(env.HA_DIR, '/etc/ha.d/')
  assert.equal(env.HA_FUNCS, '/etc/ha.d//shellfuncs')
  assert.equal(env.HA_CURHOST, 'n1')
  assert.equal(env.HA_LOGFILE, '/var/log/ha-log')
  assert.equal(env.HA_DEBUGLOG, '')
  assert.equal(env.HA_LOGFACILITY, 'local0')
  assert.equal(env.HA_debug, '1')
  assert.equal(env.HA_NICEFAILBACK, 'yes')
  assert.equal(scriptEnvironment({configDir: '/x', node: 'n', logfacility: 'none'}).HA_LOGFACILITY, undefined)
})
