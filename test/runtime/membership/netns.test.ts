import {test} from 'node:test'
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {isRoot} from '../../helpers/cli.js'
import type {MediumConfig, MessagingConfig} from '../../../src/runtime/messaging/config.js'
import {sha1Auth} from './harness.js'
import {Lab, until} from './netns.js'

function config(lab: Lab, name: string, names: string[], medium: MediumConfig): MessagingConfig {
  return {nodeName: name, nodes: names, keepaliveMs: 100, deadtimeMs: 1000, warntimeMs: 500, initdeadMs: 2000, udpPort: 694,
    media: [medium], auth: sha1Auth, stateDir: join(lab.dir, `${name}-state`)}
}
const sees = (out: string[], re: RegExp): boolean => out.some((l) => re.test(l))

test('bcast in namespaces: survives 20% loss and 300 ms delay, a cut cable is detected', {timeout: 180_000}, async (t) => {
  if (!isRoot) return t.skip('needs root (network namespaces)')
  const lab = new Lab('hkmsgb-')
  try {
    const names = ['n1', 'n2']
    names.forEach((n, i) => lab.addHost(n, `10.99.9.${i + 1}`))
    const [p1, p2] = names.map((n) => lab.startProbe(n, config(lab, n, names, {kind: 'bcast', iface: 'hb0'})))
    assert.ok(await until(() => sees(p1!.output, /node n2: status active/) && sees(p2!.output, /node n1: status active/), 15_000), p1!.output.join('\n'))
    assert.ok(sees(p1!.output, /Link n2:hb0 up/))
    if (lab.netem('n1', ['loss', '20%']) && lab.netem('n2', ['delay', '300ms'])) {
      await new Promise((r) => setTimeout(r, 20_000))
      assert.ok(!sees(p1!.output, /is dead/) && !sees(p2!.output, /is dead/), 'no false death under loss/delay')
      assert.ok(await until(() => sees(p1!.output, /lost packet\(s\) for \[n2\]/) || sees(p2!.output, /lost packet\(s\) for \[n1\]/), 20_000), 'loss was seen')
      lab.netem('n1', ['delay', '0ms'])
      lab.netem('n2', ['delay', '0ms'])
    } else t.diagnostic('tc netem unavailable in this kernel (no sch_netem): loss/delay covered by the loopback injection test')
    await new Promise((r) => setTimeout(r, 5500)) // past the 5 s startup deadtime bump
    const cutAt = Date.now()
    lab.setCable('n2', false)
    assert.ok(await until(() => sees(p1!.output, /node n2: is dead/), 20_000), p1!.output.join('\n'))
    // deadtime is a protocol timer: never declared dead before it (how soon after is a benchmark)
    const latency = Date.now() - cutAt
    assert.ok(latency > 700, `cut detected after ${latency} ms (deadtime 1000)`)
    assert.ok(sees(p1!.output, /Link n2:hb0 dead/))
    // healing the cut: same generation, higher seq → a healed partition, node back
    lab.setCable('n2', true)
    assert.ok(await until(() => sees(p1!.output, /Cluster node n2 returning after partition/), 20_000), p1!.output.join('\n'))
    assert.ok(await until(() => p1!.output.filter((l) => /Link n2:hb0 up/.test(l)).length >= 2, 20_000))
  } finally {
    lab.close()
  }
})

test('mcast with three nodes in namespaces: SIGKILL of one is seen by both others', {timeout: 180_000}, async (t) => {
  if (!isRoot) return t.skip('needs root (network namespaces)')
  const lab = new Lab('hkmsgm-')
  try {
    const names = ['n1', 'n2', 'n3']
    names.forEach((n, i) => lab.addHost(n, `10.99.10.${i + 1}`))
    const medium: MediumConfig = {kind: 'mcast', iface: 'hb0', group: '239.77.0.9', port: 694, ttl: 1, loop: false}
    const probes = names.map((n) => lab.startProbe(n, config(lab, n, names, medium)))
    const activeCount = (i: number): number => probes[i]!.output.filter((l) => /status active/.test(l) && !/Local/.test(l)).length
    assert.ok(await until(() => [0, 1, 2].every((i) => activeCount(i) >= 2), 15_000), probes.map((p) => p.output.join('\n')).join('\n---\n'))
    probes[2]!.kill('SIGKILL')
    assert.ok(await until(() => [0, 1].every((i) => sees(probes[i]!.output, /node n3: is dead/)), 20_000))
    assert.ok(![0, 1].some((i) => sees(probes[i]!.output, /node n[12]: is dead/)))
  } finally {
    lab.close()
  }
})

test('IPv6: ucast6 alone, then mcast6 alone, in namespaces: both nodes active; SIGKILL detected', {timeout: 180_000}, async (t) => {
  if (!isRoot) return t.skip('needs root (network namespaces)')
  const lab = new Lab('hkmsg6-')
  try {
    const names = ['n1', 'n2']
    names.forEach((n, i) => {
      lab.addHost(n, `10.99.12.${i + 1}`)
      lab.addIpv6(n, `fd00:99::${i + 1}`)
    })
    for (const kind of ['ucast6', 'mcast6'] as const) {
      const probes = names.map((n, i) => {
        const medium: MediumConfig = kind === 'ucast6'
          ? {kind, iface: 'hb0', peer: `fd00:99::${2 - i}`}
          : {kind, iface: 'hb0', group: 'ff15::694', port: 695, hops: 1, loop: false}
        const c = config(lab, n, names, medium)
        c.stateDir += kind
        return lab.startProbe(n, c)
      })
      assert.ok(await until(() => sees(probes[0]!.output, /node n2: status active/) && sees(probes[1]!.output, /node n1: status active/), 15_000),
        `${kind}\n` + probes.map((p) => p.output.join('\n')).join('\n--\n'))
      assert.ok(sees(probes[0]!.output, new RegExp(`${kind} hb0 .* started`)))
      probes[1]!.kill('SIGKILL')
      assert.ok(await until(() => sees(probes[0]!.output, /node n2: is dead/), 20_000), `${kind}: death not seen`)
      probes[0]!.kill('SIGKILL')
    }
  } finally {
    lab.close()
  }
})
