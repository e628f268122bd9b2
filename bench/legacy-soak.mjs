#!/usr/bin/env node
// Sub-second timings under load (issue 7, item 8): two `hakit run --legacy`
// daemons on loopback with keepalive 100ms / deadtime 500ms, both CPUs kept
// busy by busy-loop processes, for --minutes M (default 10). Passes when no
// node was ever declared dead and the group never moved (no false failover).
// Prints the daemons' RSS and CPU. `node bench/legacy-soak.mjs --minutes 1`
// for a quick look. Only processes it started are ended, by PID.
import {spawn} from 'node:child_process'
import {chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {cpus, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : fallback
}
const minutes = Number(arg('--minutes', '10'))
const net = 100 + Math.floor(Math.random() * 150)
const port = 20_000 + Math.floor(Math.random() * 20_000)
const work = mkdtempSync(join(tmpdir(), 'hakit-soak-'))
const nodes = ['n1', 'n2'].map((name, i) => ({name, address: `127.0.${net}.${i + 2}`, dir: join(work, name)}))
const children = []
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

for (const node of nodes) {
  const etc = join(node.dir, 'ha.d')
  mkdirSync(join(etc, 'resource.d'), {recursive: true})
  writeFileSync(join(etc, 'ha.cf'), [`logfile ${join(node.dir, 'ha-log')}`, 'keepalive 100ms', 'deadtime 500ms', 'warntime 300ms',
    'initdead 2', `udpport ${port}`, ...nodes.map((n) => `ucast lo ${n.address}`), 'auto_failback on', ...nodes.map((n) => `node ${n.name}`)].join('\n') + '\n')
  writeFileSync(join(etc, 'authkeys'), 'auth 1\n1 sha1 hakit-soak-key\n', {mode: 0o600})
  chmodSync(join(etc, 'authkeys'), 0o600)
  writeFileSync(join(etc, 'haresources'), 'n1 Marker::soak\n')
  copyFileSync(join(root, 'test', 'fixtures', 'daemon', 'Marker'), join(etc, 'resource.d', 'Marker'))
  chmodSync(join(etc, 'resource.d', 'Marker'), 0o755)
}

const rssAndCpu = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  const ticks = Number(stat[11]) + Number(stat[12])
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1])
  return {cpuMs: ticks * 10, rssMb: rssKb / 1024}
}

try {
  for (const node of nodes) {
    node.proc = spawn(process.execPath, [join(root, 'bin', 'run.js'), 'run', '--legacy', '--config-dir', join(node.dir, 'ha.d'), '--node', node.name,
      '--state-dir', join(node.dir, 'state'), '--bind', node.address, '--socket', join(node.dir, 'state', 'hakit-legacy.sock')], {stdio: 'ignore'})
    children.push(node.proc)
  }
  await sleep(4000)
  const busy = cpus().map(() => spawn(process.execPath, ['-e', 'for(;;){}'], {stdio: 'ignore'}))
  children.push(...busy)
  const before = nodes.map((n) => rssAndCpu(n.proc.pid))
  const t0 = Date.now()
  console.log(`soak: keepalive 100ms / deadtime 500ms, ${busy.length} busy loops, ${minutes} min …`)
  await sleep(minutes * 60_000)
  const after = nodes.map((n) => rssAndCpu(n.proc.pid))
  const seconds = (Date.now() - t0) / 1000
  const logs = nodes.map((n) => (existsSync(join(n.dir, 'ha-log')) ? readFileSync(join(n.dir, 'ha-log'), 'utf8') : ''))
  const deaths = logs.map((l) => (l.match(/ is dead/g) ?? []).length)
  const late = logs.map((l) => (l.match(/Late heartbeat/g) ?? []).length)
  // Marker appends "EPOCH_MS NODE ACTION NAME" to <node dir>/events.log
  const events = nodes.flatMap((n) => (existsSync(join(n.dir, 'events.log')) ? readFileSync(join(n.dir, 'events.log'), 'utf8').trim().split('\n') : []))
  const starts = events.filter((e) => / start /.test(e))
  console.log('node  dead-declared  late-heartbeat-warnings  RSS MB  CPU % (under load)')
  nodes.forEach((n, i) => console.log(`${n.name}    ${deaths[i]}              ${late[i]}                        ${after[i].rssMb.toFixed(1)}    ${((after[i].cpuMs - before[i].cpuMs) / 10 / seconds).toFixed(2)}`))
  console.log(`group starts: ${starts.length} (${starts.map((s) => s.split(' ')[1]).join(', ')}) — expected exactly 1, on n1`)
  const ok = deaths.every((d) => d === 0) && starts.length === 1
  console.log(ok ? 'PASS: no false failover' : 'FAIL: false failover')
  process.exitCode = ok ? 0 : 1
} finally {
  for (const c of children) {
    try {
      process.kill(c.pid, 'SIGTERM')
    } catch {
      // already gone
    }
  }
  await sleep(1500)
  for (const c of children) {
    try {
      process.kill(c.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  rmSync(work, {recursive: true, force: true})
}
