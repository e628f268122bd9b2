import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {HeartbeatCluster} from '../../../src/runtime/membership/cluster.js'
import type {AuthConfig} from '../../../src/runtime/messaging/auth.js'
import type {MessagingConfig} from '../../../src/runtime/messaging/config.js'

export const sha1Auth: AuthConfig = {activeIndex: 1, keys: new Map([[1, {method: 'sha1', key: 'test-secret'}]])}

/** Config of node i (0-based) of a loopback cluster: n1 on 127.0.0.1, n2 on 127.0.0.2, … ucast to every other node. */
export function loopbackConfig(count: number, i: number, port: number, overrides: Partial<MessagingConfig> = {}): MessagingConfig {
  const names = Array.from({length: count}, (_, k) => `n${k + 1}`)
  return {
    nodeName: names[i]!,
    nodes: names,
    keepaliveMs: 100,
    deadtimeMs: 500,
    warntimeMs: 300,
    initdeadMs: 1500,
    udpPort: port,
    media: names.filter((_, k) => k !== i).map((_, k, peers) => ({kind: 'ucast' as const, iface: 'lo', peer: `127.0.0.${names.indexOf(peers[k]!) + 1}`, localAddress: `127.0.0.${i + 1}`})),
    auth: sha1Auth,
    stateDir: mkdtempSync(join(tmpdir(), `hakit-msg-${names[i]}-`)),
    ...overrides,
  }
}

export function randomPort(): number {
  return 20000 + Math.floor(Math.random() * 30000)
}

/** Resolves with the first event payload matching `pred`, rejects after `ms`. */
export function waitFor<T = unknown>(emitter: HeartbeatCluster, event: string, pred: (p: T) => boolean = () => true, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, on)
      reject(new Error(`timeout waiting for ${event}`))
    }, ms)
    const on = (p: T): void => {
      if (!pred(p)) return
      clearTimeout(timer)
      emitter.off(event, on)
      resolve(p)
    }
    emitter.on(event, on)
  })
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Stops every node whatever state it is in. Call it in `finally`: a failed assertion must not leave
 * sockets and timers running, or the test file never exits.
 */
export async function stopAll(...nodes: HeartbeatCluster[]): Promise<void> {
  await Promise.allSettled(nodes.map((n) => n.stop()))
}
