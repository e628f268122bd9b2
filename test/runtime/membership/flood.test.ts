/**
 * Issue 15 item 4: every packet the membership layer drops is counted under
 * one reason. 20 000 packets of mixed kinds are sent over loopback UDP to a
 * real HeartbeatCluster (n1) by sockets playing n2 (alive), n3 (declared dead)
 * and an attacker; the test tallies what it sent and asserts every counter.
 * Sent in batches, each waited for, so the kernel's socket buffer never drops
 * one (the counts must be exact).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import dgram from 'node:dgram'
import {HeartbeatCluster, REJECT_COUNTERS, type RejectCounter} from '../../../src/runtime/membership/cluster.js'
import {type AuthConfig, signNetstring} from '../../../src/runtime/messaging/auth.js'
import {encodeNetstringBody} from '../../../src/runtime/messaging/codec.js'
import {hex, HbMessage} from '../../../src/runtime/messaging/message.js'
import {loopbackConfig, randomPort, stopAll} from './harness.js'
import {until} from './netns.js'

const TOTAL = 20_000
const BATCH = 100

const auth: AuthConfig = {activeIndex: 1, keys: new Map([[1, {method: 'sha1', key: 'flood-secret'}], [3, {method: 'crc', key: ''}]])}
const wrongKey: AuthConfig = {activeIndex: 1, keys: new Map([[1, {method: 'sha1', key: 'a guess'}]])}
const unknownIndex: AuthConfig = {activeIndex: 7, keys: new Map([[7, {method: 'sha1', key: 'flood-secret'}]])}
const crcOnly: AuthConfig = {activeIndex: 3, keys: new Map([[3, {method: 'crc', key: ''}]])}

type Kind = 'valid' | 'valid-ns' | RejectCounter
const KINDS: Kind[] = ['valid', 'valid-ns', ...REJECT_COUNTERS]

/** A deterministic pseudo-random sequence (the mix differs per seed, the counts are tallied). */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 2 ** 32
  }
}

test('a flood of 20 000 mixed packets: every dropped packet is counted under its reason', {timeout: 180_000}, async () => {
  const port = randomPort()
  // keepalive 1 s: a copy within 2 s is a duplicate, an older one a replay (robust on a loaded machine)
  const a = new HeartbeatCluster(loopbackConfig(3, 0, port, {auth, keepaliveMs: 1000, deadtimeMs: 5000, warntimeMs: 4000, initdeadMs: 5000}))
  const n2 = dgram.createSocket('udp4')
  const n3 = dgram.createSocket('udp4')
  const messages: string[] = []
  a.on('message', (m: HbMessage, info: {self?: boolean}) => {
    if (!info.self) messages.push(`${m.get('src')}:${m.type}`)
  })
  try {
    await a.start()
    await Promise.all([
      new Promise<void>((r) => n2.bind(0, '127.0.0.2', () => r())),
      new Promise<void>((r) => n3.bind(0, '127.0.0.3', () => r())),
    ])
    const send = (socket: dgram.Socket, packet: Buffer): Promise<void> => new Promise((r) => socket.send(packet, port, '127.0.0.1', () => r()))
    const ts = (): string => hex(Date.now() / 1000)
    const gen2 = 5000
    const gen3 = 7000
    let seq2 = 0
    const fromN2 = (fields: Array<[string, string]>, options: {seq?: number; gen?: number; key?: AuthConfig; src?: string} = {}): Buffer => {
      const msg = new HbMessage([...fields, ['src', options.src ?? 'n2'], ['seq', hex(options.seq ?? ++seq2)], ['hg', hex(options.gen ?? gen2)], ['ts', ts()]])
      return signNetstring(msg, options.key ?? auth)
    }
    const statusOf = (src: string, seq: number, gen: number, dt: number): Buffer =>
      signNetstring(new HbMessage([['t', 'status'], ['st', 'active'], ['dt', hex(dt)], ['protocol', '1'], ['src', src], ['seq', hex(seq)], ['hg', hex(gen)], ['ts', ts()]]), auth)

    // n2 says it is active (it advertises a long dead time, so it stays alive through the flood) and answers reqnodes;
    // n3 sends two status packets advertising 200 ms, then falls silent and is declared dead
    await send(n2, fromN2([['t', 'status'], ['st', 'active'], ['dt', hex(120_000)], ['protocol', '1']]))
    await send(n3, statusOf('n3', 1, gen3, 200))
    await send(n3, statusOf('n3', 2, gen3, 200))
    await send(n2, fromN2([['t', 'repnodes'], ['dest', 'n1'], ['nodelist', 'n1 n2 n3 '], ['delnodelist', ' ']]))
    assert.ok(await until(() => a.commsUp, 10_000), 'comms up')
    assert.ok(await until(() => a.nodeStatus('n3') === 'dead', 10_000), `n3 ${a.nodeStatus('n3')}`)
    // genuine packets of n2 that will be replayed once they are old
    const old: Buffer[] = []
    for (let i = 0; i < 20; i++) {
      const packet = fromN2([['t', 'flood-probe']])
      old.push(packet)
      await send(n2, packet)
    }
    assert.ok(await until(() => a.stats.accepted >= 22, 10_000))
    await new Promise((r) => setTimeout(r, 2500)) // now older than 2 keepalives

    const before = {...a.stats, rejected: {...a.stats.rejected}}
    const messagesBefore = messages.length
    const sentCount = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>
    const random = prng(Number(process.env.FLOOD_SEED ?? 15))
    let lastValid: Buffer | undefined
    let sent = 0
    const started = performance.now()
    while (sent < TOTAL) {
      const batch = Math.min(BATCH, TOTAL - sent)
      for (let i = 0; i < batch; i++) {
        let kind = KINDS[Math.floor(random() * KINDS.length)]!
        if (kind === 'duplicate' && !lastValid) kind = 'valid' // nothing to duplicate yet
        let packet: Buffer
        let socket = n2
        switch (kind) {
          case 'valid':
            packet = fromN2([['t', 'flood-probe']])
            lastValid = packet
            break
          case 'valid-ns': packet = signNetstring(new HbMessage([['t', 'NS_ackmsg'], ['dest', 'n1'], ['ackseq', '0'], ['src', 'n2'], ['hg', hex(gen2)], ['ts', ts()]]), auth); break
          case 'malformed': packet = Buffer.from(`\x00\xff garbage ${sent + i}`); break
          case 'oversized': packet = Buffer.from('###\n9999999:(0)t=status,%%%\n'); break
          case 'no-signature': packet = encodeNetstringBody(new HbMessage([['t', 'ip-request'], ['src', 'n2'], ['seq', hex(seq2 + 1)], ['hg', hex(gen2)], ['ts', ts()]])); break
          case 'bad-signature': packet = fromN2([['t', 'shutdone'], ['st', 'dead']], {seq: seq2 + 1, key: wrongKey}); break
          case 'unknown-key': packet = fromN2([['t', 'shutdone'], ['st', 'dead']], {seq: seq2 + 1, key: unknownIndex}); break
          case 'weak-method': packet = fromN2([['t', 'shutdone'], ['st', 'dead']], {seq: seq2 + 1, key: crcOnly}); break
          case 'replay': packet = old[Math.floor(random() * old.length)]!; break
          case 'duplicate': packet = lastValid!; break
          case 'stale-generation': packet = fromN2([['t', 'shutdone'], ['st', 'dead']], {seq: seq2 + 1, gen: gen2 - 1}); break
          case 'dead-node':
            socket = n3
            packet = statusOf('n3', 1 + Math.floor(random() * 2), gen3, 200) // its old status: cannot revive it
            break
          case 'unknown-node': packet = fromN2([['t', 'shutdone'], ['st', 'dead']], {src: 'n9', seq: 1}); break
          case 'not-for-us': packet = fromN2([['t', 'ip-request'], ['dest', 'n3'], ['ipaddr', '10.0.0.1']]); break
        }
        sentCount[kind]++
        await send(socket, packet)
      }
      sent += batch
      const expected = before.received + sent
      assert.ok(await until(() => a.stats.received >= expected, 30_000), `batch ending at ${sent}: received ${a.stats.received - before.received}`)
    }
    const elapsedMs = performance.now() - started

    const got = (k: string): number => a.stats.rejected[k]! - before.rejected[k]!
    const figures = {received: a.stats.received - before.received, accepted: a.stats.accepted - before.accepted, sent: sentCount, rejected: Object.fromEntries(REJECT_COUNTERS.map((k) => [k, got(k)]))}
    const context = JSON.stringify(figures)
    console.log(`flood: ${TOTAL} packets in ${Math.round(elapsedMs)} ms; ${context}`)
    assert.equal(figures.received, TOTAL, context)
    for (const counter of REJECT_COUNTERS) {
      assert.ok(sentCount[counter] > 0, `the mix sent no ${counter} packet`)
      assert.equal(got(counter), sentCount[counter], `${counter}: ${context}`)
    }
    assert.equal(figures.accepted, sentCount.valid + sentCount['valid-ns'], context)
    const rejectedTotal = REJECT_COUNTERS.reduce((sum, k) => sum + got(k), 0)
    assert.equal(rejectedTotal + figures.accepted, TOTAL, 'every packet accepted or counted once')
    // only n2's genuine probes reached the layers above; n2 is alive, n3 still dead
    assert.deepEqual(new Set(messages.slice(messagesBefore)), new Set(['n2:flood-probe']))
    assert.equal(messages.length - messagesBefore, sentCount.valid)
    assert.equal(a.nodeStatus('n2'), 'active')
    assert.equal(a.nodeStatus('n3'), 'dead')
  } finally {
    n2.close()
    n3.close()
    await stopAll(a)
  }
})
