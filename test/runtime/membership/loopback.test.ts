import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {HeartbeatCluster} from '../../../src/runtime/membership/cluster.js'
import {HbMessage} from '../../../src/runtime/messaging/message.js'
import {loopbackConfig, randomPort, sleep, stopAll, waitFor} from './harness.js'
import {until} from './netns.js'

test('two nodes on loopback: up, active, messages, SIGKILL-like stop detected after deadtime', async () => {
  const port = randomPort()
  const a = new HeartbeatCluster(loopbackConfig(2, 0, port))
  const b = new HeartbeatCluster(loopbackConfig(2, 1, port))
  try {
    const aSeesB = waitFor(a, 'node-active', (e: {node: string}) => e.node === 'n2')
    await a.start()
    await b.start()
    await aSeesB
    await waitFor(b, 'comms-up', () => true, 3000).catch(() => undefined)
    assert.equal(b.nodeStatus('n1'), 'active')
    assert.equal(a.links('n2')[0]!.status, 'up')
    const got = waitFor<HbMessage>(b, 'message:ip-request')
    a.send({t: 'ip-request', ipaddr: 'testrsc::gamma'})
    assert.equal((await got).get('ipaddr'), 'testrsc::gamma')

    // a stops without a word (as if killed): b must declare it dead after its deadtime, not before
    // during its first 5 s a node advertises deadtime + 2 s, like Heartbeat: b applies what a advertised
    const deadline = b.deadIntervalFor('n1')
    assert.ok(deadline === 500 || deadline === 2500, `deadline ${deadline}`)
    const stoppedAt = performance.now()
    await a.stop()
    await waitFor(b, 'node-dead', (e: {node: string}) => e.node === 'n1', 20_000)
    const latency = performance.now() - stoppedAt
    // never before the advertised deadtime (how soon after it is a benchmark, not a test)
    assert.ok(latency >= deadline - 100, `detected after ${latency} ms (deadline ${deadline})`)
    assert.equal(b.links('n1')[0]!.status, 'dead')
    assert.equal(b.stats.rejected['bad-signature'] ?? 0, 0)
  } finally {
    await stopAll(a, b)
  }
})

test('three nodes: everyone active; a stopped node is seen dead by both others; shutdown notice delivered', async () => {
  const port = randomPort()
  const nodes = [0, 1, 2].map((i) => new HeartbeatCluster(loopbackConfig(3, i, port)))
  try {
    const allActive = nodes.map((n) => waitFor(n, 'comms-up', () => true, 20_000))
    for (const n of nodes) await n.start()
    await Promise.all(allActive)
    const names = ['n1', 'n2', 'n3']
    await until(() => nodes.every((n) => names.every((name) => n.nodeStatus(name) === 'active')), 20_000)
    for (const n of nodes) for (const name of names) assert.equal(n.nodeStatus(name), 'active', `${n.nodeName} sees ${name}`)
    const notice = waitFor(nodes[0]!, 'shutdown-notice')
    nodes[2]!.sendShutdownNotice()
    assert.deepEqual(await notice, {node: 'n3'})
    await nodes[2]!.stop()
    await Promise.all([0, 1].map((i) => waitFor(nodes[i]!, 'node-dead', (e: {node: string}) => e.node === 'n3', 20_000)))
    assert.equal(nodes[0]!.nodeStatus('n2'), 'active')
  } finally {
    await stopAll(...nodes)
  }
})

test('generation persists across restarts; a restart is noticed by the peer', async () => {
  const port = randomPort()
  const cfgA = loopbackConfig(2, 0, port)
  const a = new HeartbeatCluster(cfgA)
  const b = new HeartbeatCluster(loopbackConfig(2, 1, port))
  const a2 = new HeartbeatCluster(cfgA)
  try {
    await a.start()
    await b.start()
    await waitFor(b, 'node-active', (e: {node: string}) => e.node === 'n1')
    const gen1 = a.generation
    assert.equal(readFileSync(join(cfgA.stateDir, 'hb_generation'), 'latin1'), `${String(gen1).padStart(15)}\n`)
    await a.stop()
    const restart = waitFor(b, 'node-restart')
    await a2.start()
    assert.equal(a2.generation, gen1 + 1)
    assert.deepEqual(await restart, {node: 'n1', generation: gen1 + 1})
    assert.deepEqual(a2.uuid, a.uuid)
  } finally {
    await stopAll(a, a2, b)
  }
})

test('no false deaths when the event loop stalls longer than deadtime', async () => {
  const port = randomPort()
  const a = new HeartbeatCluster(loopbackConfig(2, 0, port))
  const b = new HeartbeatCluster(loopbackConfig(2, 1, port))
  try {
    await a.start()
    await b.start()
    await waitFor(a, 'node-active', (e: {node: string}) => e.node === 'n2')
    await waitFor(b, 'comms-up', () => true, 3000).catch(() => undefined)
    let deaths = 0
    a.on('node-dead', () => deaths++)
    // both nodes live in this process; simulate a stalled daemon for b only by stopping b's sender? Here the whole
    // process stalls: packets b sent before the stall and timers are all late; nobody may be declared dead.
    const stallEnd = Date.now() + 800
    while (Date.now() < stallEnd) {
      // busy
    }
    await sleep(400)
    assert.equal(deaths, 0)
    assert.equal(a.nodeStatus('n2'), 'active')
  } finally {
    await stopAll(a, b)
  }
})

test('20% loss and 300 ms delay injected at the receiver: no false death, gaps retransmitted', async () => {
  const port = randomPort()
  const aLog: string[] = []
  // n1 loses every 5th packet it receives (an even pattern, not random: every run has gaps to fill)
  const a = new HeartbeatCluster(loopbackConfig(2, 0, port, {deadtimeMs: 1000, testLoss: {rcv: 0.2, pattern: 'even'}}), (_level, text) => aLog.push(text))
  const b = new HeartbeatCluster(loopbackConfig(2, 1, port, {deadtimeMs: 1000}))
  try {
    await a.start()
    await b.start()
    await waitFor(a, 'node-active', (e: {node: string}) => e.node === 'n2')
    let deaths = 0
    a.on('node-dead', () => deaths++)
    b.on('node-dead', () => deaths++)
    // n2 gets everything 300 ms late
    const real = b.receive.bind(b)
    b.receive = (buf, i) => {
      setTimeout(() => real(buf, i), 300)
    }
    const injectedAt = performance.now()
    const lostAt = aLog.length
    // wait until a gap seen after the injection has been filled by a retransmission from n2
    const recovered = (): boolean => b.stats.retransmitted > 0 && a.stats.rexmitRequests > 0 && aLog.slice(lostAt).some((l) => /No pkts missing from n2!/.test(l))
    assert.ok(await until(recovered, 10_000), `n2 retransmitted ${b.stats.retransmitted}, n1 asked ${a.stats.rexmitRequests}\n${aLog.join('\n')}`)
    // (the gap itself may have been noticed just before the delay was switched on: loss runs from the start)
    assert.ok(aLog.some((l) => /lost packet\(s\) for \[n2\]/.test(l)))
    // and stay a while under loss and delay (well past deadtime): nobody may be declared dead
    await sleep(Math.max(0, 2500 - (performance.now() - injectedAt)))
    assert.equal(deaths, 0)
    assert.equal(a.nodeStatus('n2'), 'active')
    assert.equal(b.nodeStatus('n1'), 'active')
  } finally {
    await stopAll(a, b)
  }
})
