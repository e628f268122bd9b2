import {test} from 'node:test'
import assert from 'node:assert/strict'
import {performance} from 'node:perf_hooks'
import {HeartbeatCluster} from '../../../src/runtime/membership/cluster.js'
import {type AuthConfig, signNetstring} from '../../../src/runtime/messaging/auth.js'
import {hex, HbMessage} from '../../../src/runtime/messaging/message.js'
import {loopbackConfig, randomPort, sleep, stopAll, waitFor} from './harness.js'
import {until} from './netns.js'

test('initdead: a peer that never shows up is declared dead after initdead, then comms come up', async () => {
  const a = new HeartbeatCluster(loopbackConfig(2, 0, randomPort(), {initdeadMs: 800}))
  const started = performance.now()
  const comms = waitFor(a, 'comms-up', () => true, 20_000)
  try {
    await a.start()
    assert.equal(a.localStatus, 'up')
    await waitFor(a, 'node-dead', (e: {node: string}) => e.node === 'n2', 20_000)
    const after = performance.now() - started
    // initdead is a protocol timer: never declared dead before it (how soon after is a benchmark)
    assert.ok(after >= 780, `dead after ${after} ms`)
    await comms
    assert.equal(a.localStatus, 'active')
  } finally {
    await stopAll(a)
  }
})

test('warntime: a late heartbeat is reported as a warning, the node stays active', async () => {
  const port = randomPort()
  const a = new HeartbeatCluster(loopbackConfig(2, 0, port, {deadtimeMs: 2000, initdeadMs: 2000, warntimeMs: 300, startupDeadtimeBumpMs: 0}))
  const b = new HeartbeatCluster(loopbackConfig(2, 1, port, {deadtimeMs: 2000, initdeadMs: 2000, warntimeMs: 300, startupDeadtimeBumpMs: 0}))
  try {
    await a.start()
    await b.start()
    await waitFor(a, 'node-active', (e: {node: string}) => e.node === 'n2')
    // silence b's only medium for 600 ms (more than warntime, less than deadtime)
    const medium = (b as unknown as {media: Array<{send: (p: unknown) => void}>}).media[0]!
    const send = medium.send.bind(medium)
    medium.send = () => {}
    const late = waitFor<{node: string; intervalMs: number; critical: boolean}>(a, 'late-heartbeat', () => true, 3000)
    await sleep(600)
    medium.send = send
    const warning = await late
    assert.equal(warning.node, 'n2')
    assert.equal(warning.critical, false)
    // the reported gap covers the silence; the node was never declared dead (asserted below)
    assert.ok(warning.intervalMs >= 550, `interval ${warning.intervalMs}`)
    assert.equal(a.nodeStatus('n2'), 'active')
  } finally {
    await stopAll(a, b)
  }
})

test('keys rotate one node at a time: different active keys interoperate when both are listed', async () => {
  const port = randomPort()
  const keys = new Map([[1, {method: 'sha1', key: 'old-key'}], [2, {method: 'md5', key: 'new-key'}]]) as AuthConfig['keys']
  const a = new HeartbeatCluster(loopbackConfig(2, 0, port, {auth: {activeIndex: 1, keys}}))
  const b = new HeartbeatCluster(loopbackConfig(2, 1, port, {auth: {activeIndex: 2, keys}}))
  try {
    await a.start()
    await b.start()
    await waitFor(a, 'node-active', (e: {node: string}) => e.node === 'n2')
    assert.ok(await until(() => b.nodeStatus('n1') === 'active', 20_000))
    assert.equal(a.stats.rejected['bad-signature'] ?? 0, 0)
  } finally {
    await stopAll(a, b)
  }
})

test('ping node and ping_group: replies make them `ping`, an unreachable one is declared dead after deadping', {timeout: 180_000}, async () => {
  const a = new HeartbeatCluster(loopbackConfig(1, 0, randomPort(), {
    media: [], deadpingMs: 600, initdeadMs: 1000,
    // 255.255.255.255: ping refuses it at once (no -b), so nothing leaves this host and it never answers
    pingNodes: ['127.0.0.1', '255.255.255.255'],
    pingGroups: [{name: 'group1', hosts: ['255.255.255.255', '127.0.0.3']}],
  }))
  await a.start()
  try {
    assert.ok(await until(() => a.nodeStatus('127.0.0.1') === 'ping' && a.nodeStatus('group1') === 'ping', 20_000), `${a.nodeStatus('127.0.0.1')} ${a.nodeStatus('group1')}`)
    assert.equal(a.nodeType('group1'), 'ping')
    assert.equal(a.links('127.0.0.1')[0]!.status, 'up')
    assert.ok(await until(() => a.nodeStatus('255.255.255.255') === 'dead', 20_000))
  } finally {
    await a.stop()
  }
})

test('a flood of garbage is counted per packet but logged at most about once a second', async () => {
  const lines: string[] = []
  const a = new HeartbeatCluster(loopbackConfig(2, 0, randomPort()), (level, text) => {
    if (level === 'error') lines.push(text)
  })
  for (let i = 0; i < 500; i++) a.receive(Buffer.from(`###\n${i}garbage`), 0)
  assert.equal(a.stats.received, 500)
  assert.equal((a.stats.rejected.malformed ?? 0) + (a.stats.rejected.truncated ?? 0), 500)
  assert.equal(lines.length, 1)
  await sleep(1050)
  a.receive(Buffer.from('x'), 0)
  assert.equal(lines.length, 2)
  assert.match(lines[1]!, /499 more suppressed/)
})

test('a dropped packet is logged with its claimed sender, on one line whatever that field holds', () => {
  const lines: string[] = []
  const a = new HeartbeatCluster(loopbackConfig(2, 0, randomPort()), (level, text) => {
    if (level === 'error') lines.push(text)
  })
  const forged = new HbMessage([['t', 'shutdone'], ['src', 'n2\nDec  6 00:00:00 n1 heartbeat: [1]: info: all is well'], ['seq', '5'], ['hg', '5'], ['ts', hex(Date.now() / 1000)]])
  a.receive(signNetstring(forged, {activeIndex: 1, keys: new Map([[1, {method: 'sha1', key: 'a guess'}]])}), 0)
  assert.equal(a.stats.rejected['bad-signature'], 1)
  assert.equal(lines.length, 1)
  assert.ok(!lines[0]!.includes('\n'), lines[0])
  assert.match(lines[0]!, /^dropped packet from n2\?Dec {2}6 .*\?: bad-signature: authtoken does not match, authtoken=[0-9a-f]{40}$/)
})

test('two different correctly signed packets with one sequence number: the later is dropped and reported as a forgery', () => {
  const lines: string[] = []
  const a = new HeartbeatCluster(loopbackConfig(2, 0, randomPort()), (level, text) => {
    if (level === 'crit') lines.push(text)
  })
  const delivered: string[] = []
  a.on('message', (m: HbMessage) => delivered.push(m.type!))
  const packet = (t: string, seq: number): Buffer =>
    signNetstring(new HbMessage([['t', t], ['src', 'n2'], ['seq', hex(seq)], ['hg', '5'], ['ts', hex(Date.now() / 1000)]]), a.config.auth)
  const genuine = packet('resource', 7)
  a.receive(genuine, 0)
  a.receive(genuine, 0) // the same packet again (another medium): a plain duplicate
  assert.deepEqual(lines, [])
  a.receive(packet('shutdone', 7), 0)
  assert.deepEqual(delivered, ['resource'])
  assert.equal(a.stats.rejected.duplicate, 2)
  assert.equal(lines.length, 1)
  assert.match(lines[0]!, /^Two different packets from n2 with seq 7: one of them is forged/)
})

test('a shutdown notice of a node still heard a dead time later is reported as contradicted; a genuine one is not', {timeout: 30_000}, async () => {
  const port = randomPort()
  const a = new HeartbeatCluster(loopbackConfig(2, 0, port))
  const b = new HeartbeatCluster(loopbackConfig(2, 1, port))
  const contradicted: string[] = []
  a.on('shutdown-notice-contradicted', (e: {node: string}) => contradicted.push(e.node))
  try {
    await a.start()
    await b.start()
    await waitFor(a, 'node-active', (e: {node: string}) => e.node === 'n2', 10_000)
    // n2 says it leaves but keeps running (what a forged or replayed shutdone looks like)
    const notice = waitFor(a, 'shutdown-notice', () => true, 10_000)
    b.sendShutdownNotice()
    await notice
    await waitFor(a, 'shutdown-notice-contradicted', () => true, 15_000)
    assert.deepEqual(contradicted, ['n2'])
    assert.equal(a.nodeStatus('n2'), 'active')
    // a genuine notice: n2 leaves right after it
    const dead = waitFor(a, 'node-dead', (e: {node: string}) => e.node === 'n2', 15_000)
    b.sendShutdownNotice()
    await sleep(50)
    await b.stop()
    await dead
    await sleep(a.deadIntervalFor('n2'))
    assert.deepEqual(contradicted, ['n2'], 'the genuine notice was not contradicted')
  } finally {
    await stopAll(a, b)
  }
})
