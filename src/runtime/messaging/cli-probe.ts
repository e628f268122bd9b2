/**
 * Development entry point for interop tests and benches: runs ONLY the
 * messaging + membership layer of one node and logs peer/link state in
 * Heartbeat's wording on stdout.
 *
 *   node dist/runtime/messaging/cli-probe.js CONFIG.json
 *   node dist/runtime/messaging/cli-probe.js --config-dir /etc/ha.d --node n1 --state-dir /var/lib/heartbeat
 *
 * CONFIG.json is a MessagingConfig with `auth.keys` as [[index, {method, key}], …]; with
 * --config-dir the config comes from ha.cf + authkeys there.
 * SIGTERM: sends a shutdown notice, prints `stats {json}` and exits 0.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {HeartbeatCluster} from '../membership/cluster.js'
import type {MessagingConfig} from './config.js'

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i > 0 ? process.argv[i + 1] : undefined
}

async function loadConfig(): Promise<MessagingConfig> {
  const dir = option('--config-dir')
  if (dir) {
    const {parseHaCf} = await import('../../formats/hacf/index.js')
    const {parseAuthkeys} = await import('../../formats/authkeys/index.js')
    const {messagingConfigFrom} = await import('./from-legacy.js')
    const {hostname} = await import('node:os')
    const cf = parseHaCf(readFileSync(join(dir, 'ha.cf'), 'utf8')).model
    const keys = parseAuthkeys(readFileSync(join(dir, 'authkeys'), 'utf8')).model
    return messagingConfigFrom(cf, keys, {nodeName: option('--node') ?? hostname(), stateDir: option('--state-dir') ?? '/var/lib/heartbeat'})
  }
  const file = process.argv[2]
  if (!file || file.startsWith('--')) {
    process.stderr.write('usage: cli-probe CONFIG.json | --config-dir DIR [--node NAME] [--state-dir DIR]\n')
    process.exit(2)
  }
  const raw = JSON.parse(readFileSync(file, 'utf8')) as MessagingConfig & {auth: {activeIndex: number; keys: Array<[number, {method: 'crc' | 'md5' | 'sha1'; key: string}]>}}
  return {...raw, auth: {activeIndex: raw.auth.activeIndex, keys: new Map(raw.auth.keys)}}
}

const config = await loadConfig()
const line = (level: string, message: string): void => {
  process.stdout.write(`${new Date().toISOString()} ${level.toUpperCase() === 'INFO' ? 'info' : level.toUpperCase()}: ${message}\n`)
}
const cluster = new HeartbeatCluster(config, line)
cluster.on('message', (msg, info) => {
  if (!info.self && msg.type !== 'status') line('debug', `message ${msg.type} from ${info.from}`)
})
await cluster.start()
process.on('SIGTERM', () => {
  cluster.sendShutdownNotice()
  setTimeout(() => {
    process.stdout.write(`stats ${JSON.stringify(cluster.stats)}\n`)
    void cluster.stop().then(() => process.exit(0))
  }, 100)
})
