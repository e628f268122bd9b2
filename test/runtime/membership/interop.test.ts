import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {haveCommand, isRoot} from '../../helpers/cli.js'
import type {MessagingConfig} from '../../../src/runtime/messaging/config.js'
import {haveHeartbeat, Lab, until} from './netns.js'

const haCf = ['keepalive 200ms', 'deadtime 2', 'warntime 1', 'initdead 4', 'udpport 694', 'ucast hb0 10.99.8.2', 'node n1 n2']
const authkeys = 'auth 2\n2 sha1 interop-secret\n'

function hakitConfig(lab: Lab, key: string): MessagingConfig {
  return {
    nodeName: 'n2', nodes: ['n1', 'n2'], keepaliveMs: 200, deadtimeMs: 2000, warntimeMs: 1000, initdeadMs: 4000, udpPort: 694,
    media: [{kind: 'ucast', iface: 'hb0', peer: '10.99.8.1'}],
    auth: {activeIndex: 2, keys: new Map([[2, {method: 'sha1', key}]])}, stateDir: join(lab.dir, 'n2-state'),
  }
}

test('interop with the real heartbeat 3.0.6: both active, links up, kills detected, never before deadtime', {timeout: 180_000}, async (t) => {
  if (!isRoot || !haveHeartbeat) return t.skip('needs root and heartbeat 3.0.6')
  const lab = new Lab('hkint-')
  try {
    lab.addHost('n1', '10.99.8.1')
    lab.addHost('n2', '10.99.8.2')
    const probe = lab.startProbe('n2', hakitConfig(lab, 'interop-secret'))
    const nd = lab.startHeartbeat('n1', haCf, authkeys)
    const real = (): string => lab.heartbeatLog(nd)
    assert.ok(await until(() => /Status update for node n2: status active/.test(real()), 15_000), `real heartbeat never saw n2 active:\n${real()}`)
    assert.match(real(), /Link n2:hb0 up\./)
    assert.ok(await until(() => probe.output.some((l) => /Status update for node n1: status active/.test(l)), 10_000), probe.output.join('\n'))
    assert.ok(probe.output.some((l) => /Link n1:hb0 up\./.test(l)))
    assert.doesNotMatch(real(), /authentication failed|authtoken does not match|replay/)

    // the startup deadtime bump (+2 s) lasts 5 s on both sides; wait it out, then kill hakit
    await new Promise((r) => setTimeout(r, 5500))
    const killedAt = Date.now()
    probe.kill('SIGKILL')
    assert.ok(await until(() => /node n2: is dead/.test(real()), 20_000), 'real heartbeat did not declare n2 dead')
    const realLatency = Date.now() - killedAt
    // deadtime 2 s, keepalive 200 ms: neither side may declare death before deadtime minus one keepalive
    assert.ok(realLatency >= 2000 - 200, `real detected hakit death after ${realLatency} ms`)

    // restart hakit, then power-cut the real node
    const probe2 = lab.startProbe('n2', hakitConfig(lab, 'interop-secret'))
    assert.ok(await until(() => probe2.output.some((l) => /Status update for node n1: status active/.test(l)), 10_000), probe2.output.join('\n'))
    assert.ok(await until(() => /Heartbeat restart on node n2/.test(real()), 20_000), 'real saw the restart')
    await new Promise((r) => setTimeout(r, 5500))
    const cutAt = Date.now()
    lab.killHeartbeat(nd)
    assert.ok(await until(() => probe2.output.some((l) => /node n1: is dead/.test(l)), 20_000), probe2.output.join('\n'))
    const hakitLatency = Date.now() - cutAt
    assert.ok(hakitLatency >= 2000 - 200, `hakit detected real death after ${hakitLatency} ms`)
    t.diagnostic(`detection latency: real heartbeat ${realLatency} ms, hakit ${hakitLatency} ms (deadtime 2000 ms)`)
  } finally {
    lab.close()
  }
})

test('interop with a wrong key: neither side accepts the other', {timeout: 180_000}, async (t) => {
  if (!isRoot || !haveHeartbeat) return t.skip('needs root and heartbeat 3.0.6')
  const lab = new Lab('hkint-')
  try {
    lab.addHost('n1', '10.99.8.1')
    lab.addHost('n2', '10.99.8.2')
    const probe = lab.startProbe('n2', hakitConfig(lab, 'WRONG-secret'))
    const nd = lab.startHeartbeat('n1', haCf, authkeys)
    assert.ok(await until(() => /node n2: is dead/.test(lab.heartbeatLog(nd)), 12_000), lab.heartbeatLog(nd))
    assert.ok(await until(() => probe.output.some((l) => /node n1: is dead/.test(l)), 20_000), probe.output.join('\n'))
    assert.match(lab.heartbeatLog(nd), /authtoken does not match|authentication failed/)
    assert.doesNotMatch(lab.heartbeatLog(nd), /Status update for node n2/)
    assert.ok(probe.output.some((l) => /bad-signature/.test(l)))
    assert.ok(!probe.output.some((l) => /Status update for node n1/.test(l)))
  } finally {
    lab.close()
  }
})

test('interop over two media at once (ucast hb0 + bcast hb1): per-link status, one cable cut is not a death', {timeout: 180_000}, async (t) => {
  if (!isRoot || !haveHeartbeat) return t.skip('needs root and heartbeat 3.0.6')
  const lab = new Lab('hkint-')
  try {
    lab.addHost('n1', '10.99.8.1', '10.99.18.1')
    lab.addHost('n2', '10.99.8.2', '10.99.18.2')
    const cfg = hakitConfig(lab, 'interop-secret')
    cfg.media.push({kind: 'bcast', iface: 'hb1'})
    const probe = lab.startProbe('n2', cfg)
    const nd = lab.startHeartbeat('n1', [...haCf, 'bcast hb1'], authkeys)
    const real = (): string => lab.heartbeatLog(nd)
    const hk = (re: RegExp): boolean => probe.output.some((l) => re.test(l))
    assert.ok(await until(() => /Link n2:hb0 up\./.test(real()) && /Link n2:hb1 up\./.test(real()) && /node n2: status active/.test(real()), 15_000), real())
    assert.ok(await until(() => hk(/Link n1:hb0 up\./) && hk(/Link n1:hb1 up\./) && hk(/node n1: status active/), 20_000), probe.output.join('\n'))
    await new Promise((r) => setTimeout(r, 5000)) // past the startup deadtime bump
    lab.setCable('n2', false, 'hb1')
    assert.ok(await until(() => /Link n2:hb1 dead\./.test(real()) && hk(/Link n1:hb1 dead\./), 20_000), `${real()}\n${probe.output.join('\n')}`)
    assert.doesNotMatch(real(), /node n2: is dead/)
    assert.ok(!hk(/node n1: is dead/))
    // every packet arrives on both media: the copies are the same message, not a forgery
    assert.ok(!hk(/Two different packets/), probe.output.join('\n'))
    lab.setCable('n2', true, 'hb1')
    assert.ok(await until(() => (real().match(/Link n2:hb1 up\./g) ?? []).length >= 2 && probe.output.filter((l) => /Link n1:hb1 up\./.test(l)).length >= 2, 20_000), real())
  } finally {
    lab.close()
  }
})

test('interop over IPv6 (ucast6 + mcast6) with the real heartbeat: both active', {timeout: 180_000}, async (t) => {
  if (!isRoot || !haveHeartbeat) return t.skip('needs root and heartbeat 3.0.6')
  const lab = new Lab('hkint-')
  try {
    lab.addHost('n1', '10.99.8.1')
    lab.addHost('n2', '10.99.8.2')
    lab.addIpv6('n1', 'fd00:98::1')
    lab.addIpv6('n2', 'fd00:98::2')
    const cfg = hakitConfig(lab, 'interop-secret')
    cfg.media = [{kind: 'ucast6', iface: 'hb0', peer: 'fd00:98::1'}, {kind: 'mcast6', iface: 'hb0', group: 'ff15::695', port: 695, hops: 1, loop: false}]
    const probe = lab.startProbe('n2', cfg)
    const v6 = ['keepalive 200ms', 'deadtime 2', 'warntime 1', 'initdead 4', 'udpport 694', 'ucast6 hb0 fd00:98::2', 'mcast6 hb0 ff15::695 695 1 0', 'node n1 n2']
    const nd = lab.startHeartbeat('n1', v6, authkeys)
    assert.ok(await until(() => /node n2: status active/.test(lab.heartbeatLog(nd)) && /Link n2:hb0 up\./.test(lab.heartbeatLog(nd)), 12_000), lab.heartbeatLog(nd))
    assert.ok(await until(() => probe.output.some((l) => /node n1: status active/.test(l)), 20_000), probe.output.join('\n'))
  } finally {
    lab.close()
  }
})

test('interop retransmission both ways with the real heartbeat (hakit-side test loss: every 4th packet each way)', {timeout: 180_000}, async (t) => {
  if (!isRoot || !haveHeartbeat) return t.skip('needs root and heartbeat 3.0.6')
  const lab = new Lab('hkint-')
  try {
    lab.addHost('n1', '10.99.8.1')
    lab.addHost('n2', '10.99.8.2')
    const cfg = hakitConfig(lab, 'interop-secret')
    const nd = lab.startHeartbeat('n1', haCf, authkeys)
    // an even pattern, not random: every run loses packets (retransmissions are spared), so the outcome
    // depends on retransmission working, not on luck
    const probe = lab.startProbe('n2', {...cfg, testLoss: {rcv: 0.25, xmit: 0.25, pattern: 'even'}})
    const real = (): string => lab.heartbeatLog(nd)
    const hk = (re: RegExp): boolean => probe.output.some((l) => re.test(l))
    // the real node asks hakit to retransmit what hakit "lost" on the wire, and gets it
    // (generous timeouts: startup of both daemons is slow on a loaded machine; success takes ~3 s)
    assert.ok(await until(() => /lost packet\(s\) for \[n2\]/.test(real()) && /No pkts missing from n2!/.test(real()), 30_000), real())
    // and hakit asks the real node, which retransmits
    assert.ok(await until(() => hk(/lost packet\(s\) for \[n1\]/) && hk(/No pkts missing from n1!/), 15_000), probe.output.join('\n'))
    assert.doesNotMatch(real(), /node n2: is dead|Cannot rexmit|Irretrievably/)
    assert.ok(!hk(/node n1: is dead/))
    // Heartbeat's retransmissions carry the same message as the original
    assert.ok(!hk(/Two different packets/), probe.output.join('\n'))
  } finally {
    lab.close()
  }
})

test('interop over a serial line (socat pty pair) with the real heartbeat: both active, links up', {timeout: 180_000}, async (t) => {
  if (!isRoot || !haveHeartbeat || !haveCommand('socat')) return t.skip('needs root, heartbeat 3.0.6 and socat')
  const lab = new Lab('hkint-')
  const ttyA = join(lab.dir, 'ttyA')
  const ttyB = join(lab.dir, 'ttyB')
  const socat = spawn('socat', [`pty,raw,echo=0,link=${ttyA}`, `pty,raw,echo=0,link=${ttyB}`], {stdio: 'ignore'})
  try {
    lab.addHost('n1', '10.99.8.1')
    lab.addHost('n2', '10.99.8.2')
    assert.ok(await until(() => existsSync(ttyA) && existsSync(ttyB), 20_000))
    const cfg = hakitConfig(lab, 'interop-secret')
    cfg.media = [{kind: 'serial', device: ttyB, baud: 19200}]
    const probe = lab.startProbe('n2', cfg)
    const nd = lab.startHeartbeat('n1', ['keepalive 200ms', 'deadtime 2', 'warntime 1', 'initdead 4', 'baud 19200', `serial ${ttyA}`, 'node n1 n2'], authkeys)
    const real = (): string => lab.heartbeatLog(nd)
    assert.ok(await until(() => /node n2: status active/.test(real()) && real().includes(`Link n2:${ttyA} up.`), 12_000), real())
    assert.ok(await until(() => probe.output.some((l) => /node n1: status active/.test(l)) && probe.output.some((l) => l.includes(`Link n1:${ttyB} up.`)), 20_000), probe.output.join('\n'))
  } finally {
    socat.kill('SIGKILL')
    lab.close()
  }
})
