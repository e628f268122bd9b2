/**
 * Development entry point for interop tests and benches: runs ONLY the
 * messaging + membership layer of one node and logs peer/link state in
 * Heartbeat's wording on stdout.
 *
 *   node dist/runtime/messaging/cli-probe.js CONFIG.json
 *
 * CONFIG.json is a MessagingConfig with `auth.keys` as [[index, {method, key}], …].
 * SIGTERM: sends a shutdown notice, prints `stats {json}` and exits 0.
 */
import {readFileSync} from 'node:fs'
import {HeartbeatCluster} from '../membership/cluster.js'
import type {MessagingConfig} from './config.js'

const file = process.argv[2]
if (!file) {
  process.stderr.write('usage: cli-probe CONFIG.json\n')
  process.exit(2)
}
const raw = JSON.parse(readFileSync(file, 'utf8')) as MessagingConfig & {auth: {activeIndex: number; keys: Array<[number, {method: 'crc' | 'md5' | 'sha1'; key: string}]>}}
const config: MessagingConfig = {...raw, auth: {activeIndex: raw.auth.activeIndex, keys: new Map(raw.auth.keys)}}
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
