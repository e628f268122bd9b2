// Messaging bench (run after `npm run build`): CPU per 1000 heartbeats with sha1
// (in-process pipeline, and hakit vs the REAL heartbeat 3.0.6 in one mixed
// two-node lab), and detection latency (SIGKILL → "is dead") minus deadtime
// for both implementations in the same run. The lab part needs root + heartbeat.
import {execFileSync, spawn} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {HeartbeatCluster} from '../dist/runtime/membership/cluster.js'
import {signNetstring} from '../dist/runtime/messaging/auth.js'
import {HbMessage, hex} from '../dist/runtime/messaging/message.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const hblab = join(root, '..', 'shared', 'tools', 'hblab', 'lib')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const rows = []

// ---- 1. in-process: build+sign a status packet, then the full receive pipeline
{
  const auth = {activeIndex: 1, keys: new Map([[1, {method: 'sha1', key: 'bench-secret'}]])}
  const state = mkdtempSync(join(tmpdir(), 'hakit-bench-'))
  const rx = new HeartbeatCluster({nodeName: 'n1', nodes: ['n1', 'n2'], keepaliveMs: 1000, deadtimeMs: 10000, media: [], auth, stateDir: state})
  const uuid = Buffer.alloc(16, 7)
  const N = 20000
  const t0 = process.cpuUsage()
  for (let i = 1; i <= N; i++) {
    const m = new HbMessage([['t', 'status'], ['st', 'active'], ['dt', '2710'], ['protocol', '1'], ['src', 'n2']])
    m.set('srcuuid', uuid, 1).set('seq', hex(i)).set('hg', '6b021e92').set('ts', hex(Date.now() / 1000)).set('ld', '0.10 0.20 0.30 1/100 999').set('ttl', '3')
    rx.receive(signNetstring(m, auth), 0)
  }
  const cpu = process.cpuUsage(t0)
  rmSync(state, {recursive: true, force: true})
  if (rx.stats.accepted !== N) throw new Error(`only ${rx.stats.accepted} of ${N} accepted`)
  rows.push(['hakit pipeline: CPU ms per 1000 heartbeats (sign + verify + track, sha1)', ((cpu.user + cpu.system) / 1000 / (N / 1000)).toFixed(2), '', ''])
}

// ---- 2. mixed lab: real heartbeat n1 + hakit n2
const isRoot = process.getuid?.() === 0
if (!isRoot || !existsSync('/usr/libexec/heartbeat/heartbeat')) {
  rows.push(['mixed lab (needs root + heartbeat 3.0.6)', 'skipped', '', ''])
} else {
  const P = 'hkbench-'
  const ip = (...a) => execFileSync('ip', a, {encoding: 'utf8'})
  const dir = mkdtempSync(join(tmpdir(), 'hakit-bench-lab-'))
  const kids = []
  const keepalive = 100, deadtime = 1000
  try {
    ip('netns', 'add', `${P}n1`); ip('netns', 'add', `${P}n2`)
    ip('link', 'add', 'hb0', 'netns', `${P}n1`, 'type', 'veth', 'peer', 'name', 'hb0', 'netns', `${P}n2`)
    for (const [n, a] of [['n1', '10.99.11.1'], ['n2', '10.99.11.2']]) {
      ip('-n', P + n, 'addr', 'add', `${a}/24`, 'dev', 'hb0'); ip('-n', P + n, 'link', 'set', 'hb0', 'up'); ip('-n', P + n, 'link', 'set', 'lo', 'up')
    }
    const nd = join(dir, 'n1')
    for (const d of ['etc', 'run', 'lib']) mkdirSync(join(nd, d), {recursive: true})
    cpSync('/etc/ha.d', join(nd, 'etc'), {recursive: true})
    for (const f of ['ha.cf', 'authkeys']) rmSync(join(nd, 'etc', f), {force: true})
    writeFileSync(join(nd, 'etc', 'haresources'), '')
    writeFileSync(join(nd, 'etc', 'ha.cf'), `logfile ${nd}/ha-log\nkeepalive ${keepalive}ms\ndeadtime 1\nwarntime 500ms\ninitdead 2\nudpport 694\nucast hb0 10.99.11.2\nnode n1 n2\n`)
    writeFileSync(join(nd, 'etc', 'authkeys'), 'auth 1\n1 sha1 bench-secret\n'); chmodSync(join(nd, 'etc', 'authkeys'), 0o600)
    const cfg = join(dir, 'n2.json')
    writeFileSync(cfg, JSON.stringify({nodeName: 'n2', nodes: ['n1', 'n2'], keepaliveMs: keepalive, deadtimeMs: deadtime, warntimeMs: 500, initdeadMs: 2000, udpPort: 694,
      startupDeadtimeBumpMs: 0, media: [{kind: 'ucast', iface: 'hb0', peer: '10.99.11.1'}], auth: {activeIndex: 1, keys: [[1, {method: 'sha1', key: 'bench-secret'}]]}, stateDir: join(dir, 'n2-state')}))
    const startProbe = () => {
      const c = spawn('ip', ['netns', 'exec', `${P}n2`, process.execPath, join(root, 'dist/runtime/messaging/cli-probe.js'), cfg], {stdio: ['ignore', 'pipe', 'inherit']})
      c.out = ''
      c.stdout.on('data', (d) => (c.out += d))
      kids.push(c)
      return c
    }
    const until = async (pred, ms) => { const end = Date.now() + ms; while (Date.now() < end) { if (pred()) return Date.now(); await sleep(10) } return undefined }
    const log = () => { try { return readFileSync(join(nd, 'ha-log'), 'utf8') } catch { return '' } }
    // CPU time in ns of every thread of a process (schedstat: far finer than the 10 ms stat ticks)
    const cpuNs = (pid) => { try { return readdirSync(`/proc/${pid}/task`).reduce((sum, tid) => { try { return sum + Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) } catch { return sum } }, 0) } catch { return undefined } }
    // CPU used between two samples by the processes alive at both (short-lived children are skipped)
    const sample = (pids) => new Map(pids.map((p) => [p, cpuNs(p)]))
    const used = (a, b) => [...a].reduce((sum, [p, v]) => (v !== undefined && b.get(p) !== undefined ? sum + b.get(p) - v : sum), 0)
    const hbPids = () => ip('netns', 'pids', `${P}n1`).trim().split('\n').filter((p) => { try { return readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'heartbeat' } catch { return false } })

    const startReal = () => kids.push(spawn('ip', ['netns', 'exec', `${P}n1`, 'unshare', '--mount', '--uts', '--pid', '--fork', '--propagation', 'private', 'python3', join(hblab, 'nsinit.py'),
      '--node', 'n1', '--nodedir', nd, '--blocker', join(hblab, 'blocked.sh'), '--', '/usr/libexec/heartbeat/heartbeat', '-f'], {stdio: 'ignore'}))
    const count = (text, re) => (text.match(re) ?? []).length
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

    let probe = startProbe()
    startReal()
    if (!(await until(() => /node n2: status active/.test(log()) && /node n1: status active/.test(probe.out), 20000))) throw new Error('mixed cluster did not come up\n' + probe.out + '\n' + log())
    // CPU over a quiet window: each side sends and receives one heartbeat per keepalive
    const window = 4000
    const pids = hbPids()
    const c0 = {hb: sample(pids), hk: sample([probe.pid])}
    await sleep(window)
    const c1 = {hb: sample(pids), hk: sample([probe.pid])}
    const perK = (dt) => dt / 1e6 / ((2 * window) / keepalive / 1000) // ms per 1000 heartbeats sent+received
    const hbCpu = perK(used(c0.hb, c1.hb)), hkCpu = perK(used(c0.hk, c1.hk))
    rows.push([`mixed lab: CPU ms per 1000 heartbeats sent+received (sha1, keepalive ${keepalive} ms, all processes/threads)`, hkCpu.toFixed(1), hbCpu.toFixed(1), hbCpu ? (hkCpu / hbCpu).toFixed(2) : 'n/a'])
    await sleep(1500) // past the 5 s startup deadtime bump of the real node

    const rounds = 3
    const realLat = [], hakitLat = []
    // the real heartbeat detects SIGKILLs of hakit (hakit restarts without the +2 s startup bump)
    for (let r = 0; r < rounds; r++) {
      const deaths = count(log(), /node n2: is dead/g)
      const t = Date.now()
      probe.kill('SIGKILL')
      const seen = await until(() => count(log(), /node n2: is dead/g) > deaths, 5000)
      if (seen) realLat.push(seen - t - deadtime)
      const actives = count(log(), /node n2: status active/g)
      probe = startProbe()
      await until(() => count(log(), /node n2: status active/g) > actives && /node n1: status active/.test(probe.out), 10000)
      await sleep(1000)
    }
    // hakit detects power cuts of the real node (it advertises +2 s during its first 5 s)
    for (let r = 0; r < rounds; r++) {
      await sleep(5500)
      const deaths = count(probe.out, /node n1: is dead/g)
      const t = Date.now()
      process.kill(Number(readFileSync(join(nd, 'init.pid'), 'utf8')), 'SIGKILL')
      const seen = await until(() => count(probe.out, /node n1: is dead/g) > deaths, 5000)
      if (seen) hakitLat.push(seen - t - deadtime)
      const actives = count(probe.out, /node n1: status active/g)
      await sleep(300)
      startReal()
      await until(() => count(probe.out, /node n1: status active/g) > actives, 15000)
    }
    const real = median(realLat), hakit = median(hakitLat)
    rows.push([`detection latency minus deadtime, median of ${rounds} SIGKILLs (ms, deadtime ${deadtime} ms; samples hakit ${hakitLat.join('/')}, heartbeat ${realLat.join('/')})`,
      String(hakit), String(real), real > 0 ? (hakit / real).toFixed(2) : 'n/a'])
  } finally {
    try { process.kill(Number(readFileSync(join(dir, 'n1', 'init.pid'), 'utf8')), 'SIGKILL') } catch {}
    for (const k of kids) try { k.kill('SIGKILL') } catch {}
    for (const n of ['n1', 'n2']) try { ip('netns', 'del', P + n) } catch {}
    rmSync(dir, {recursive: true, force: true})
  }
}

console.log('messaging bench')
console.log(['metric', 'hakit', 'heartbeat 3.0.6', 'ratio hakit/heartbeat'].join(' | '))
for (const r of rows) console.log(r.join(' | '))
