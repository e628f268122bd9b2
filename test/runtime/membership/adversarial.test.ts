import {test} from 'node:test'
import assert from 'node:assert/strict'
import dgram from 'node:dgram'
import {HeartbeatCluster} from '../../../src/runtime/membership/cluster.js'
import {signNetstring} from '../../../src/runtime/messaging/auth.js'
import {decodePacket, encodeNetstringBody} from '../../../src/runtime/messaging/codec.js'
import {HbMessage} from '../../../src/runtime/messaging/message.js'
import {loopbackConfig, randomPort, sleep, stopAll, waitFor} from './harness.js'
import {until} from './netns.js'

test('forged, replayed, crc-downgraded and garbage packets are all rejected and counted', async () => {
  const port = randomPort()
  // n1 also lists a crc entry (3), which Heartbeat would let anyone use for forgeries
  const a = new HeartbeatCluster(loopbackConfig(2, 0, port, {auth: {activeIndex: 1, keys: new Map([[1, {method: 'sha1', key: 'test-secret'}], [3, {method: 'crc', key: ''}]])}}))
  const b = new HeartbeatCluster(loopbackConfig(2, 1, port))
  // record what n2 really sends, to replay it later
  const captured: Buffer[] = []
  const spy = dgram.createSocket({type: 'udp4', reuseAddr: true})
  const b2 = new HeartbeatCluster(loopbackConfig(2, 1, port, {stateDir: b.config.stateDir}))
  try {
    await a.start()
    await b.start()
    await waitFor(a, 'node-active', (e: {node: string}) => e.node === 'n2')
    await waitFor(b, 'comms-up', () => true, 3000).catch(() => undefined)
    const origReceive = a.receive.bind(a)
    a.receive = (buf: Buffer, i: number) => {
      captured.push(Buffer.from(buf))
      origReceive(buf, i)
    }
    const isSequenced = (p: Buffer): boolean => decodePacket(p).msg.has('seq')
    assert.ok(await until(() => captured.filter(isSequenced).length >= 2, 20_000), `captured ${captured.length}`)
    await b.stop()
    await waitFor(a, 'node-dead', (e: {node: string}) => e.node === 'n2', 20_000)
    a.receive = origReceive

    const accepted: string[] = []
    a.on('message', (m: HbMessage, info: {self?: boolean}) => {
      if (!info.self) accepted.push(m.type!)
    })
    const before = {...a.stats.rejected}
    const send = (buf: Buffer): Promise<void> => new Promise((r) => spy.send(buf, port, '127.0.0.1', () => r()))
    const template = decodePacket(captured.at(-1)!).msg
    const evil = template.clone().set('seq', 'fffff').set('t', 'ip-request')
    // 1. forged with a wrong key, 2. with an unknown key index, 3. crc (any attacker can compute it)
    await send(signNetstring(evil.clone(), {activeIndex: 1, keys: new Map([[1, {method: 'sha1', key: 'guess'}]])}))
    await send(signNetstring(evil.clone(), {activeIndex: 5, keys: new Map([[5, {method: 'sha1', key: 'test-secret'}]])}))
    await send(signNetstring(evil.clone(), {activeIndex: 3, keys: new Map([[3, {method: 'crc', key: ''}]])}))
    // 4. no signature, 5. garbage, 6. truncated
    await send(encodeNetstringBody(evil))
    await send(Buffer.from('\x00\xffnot heartbeat at all'))
    await send(captured[0]!.subarray(0, 40))
    // 7. replay of genuine packets: the node is dead; old status packets may not bring it back
    for (const pkt of captured) await send(pkt)
    const delta = (k: string): number => (a.stats.rejected[k] ?? 0) - (before[k] ?? 0)
    const sequenced = captured.filter(isSequenced).length
    // every packet n2 sent (sequenced or NS_*) is dropped as coming from a dead node
    const fromN2 = captured.filter((p) => decodePacket(p).msg.get('src') === 'n2').length
    const rejectedAll = (): boolean => delta('bad-signature') + delta('unknown-key') + delta('weak-method') + delta('no-signature') === 4 &&
      delta('malformed') >= 2 && delta('dead-node') >= fromN2
    await until(rejectedAll, 20_000)
    await sleep(100) // a little more, for anything wrongly accepted to show up
    assert.deepEqual(accepted, [])
    assert.equal(a.nodeStatus('n2'), 'dead')
    assert.equal(delta('bad-signature'), 1)
    assert.equal(delta('unknown-key'), 1)
    assert.equal(delta('weak-method'), 1)
    assert.equal(delta('no-signature'), 1)
    assert.equal(delta('malformed'), 2) // garbage and truncated
    assert.ok(sequenced >= 2)
    assert.equal(delta('dead-node'), fromN2, JSON.stringify({sequenced, fromN2, total: captured.length, ...a.stats.rejected}))
    assert.equal(delta('replay'), 0)

    // a replay from an older generation after the node restarted is an attack
    await b2.start()
    await waitFor(a, 'node-restart')
    const staleBefore = a.stats.rejected['stale-generation'] ?? 0
    await send(captured.at(-1)!)
    await until(() => (a.stats.rejected['stale-generation'] ?? 0) - staleBefore >= 1, 20_000)
    assert.equal((a.stats.rejected['stale-generation'] ?? 0) - staleBefore, 1)
  } finally {
    spy.close()
    await stopAll(a, b, b2)
  }
})
