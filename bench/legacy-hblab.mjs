#!/usr/bin/env node
// hakit run --legacy against the real Heartbeat 3.0.6, same hblab scenarios, same run.
//
//   node bench/legacy-hblab.mjs            quick: coldstart, kill-primary, graceful-stop, 1 run each
//   node bench/legacy-hblab.mjs --full     every scenario (+ failback with auto_failback off)
//   node bench/legacy-hblab.mjs --runs 3   medians over N runs (interleaved hakit / heartbeat)
//   node bench/legacy-hblab.mjs --fast     keepalive 100ms / deadtime 500ms (hakit only: Heartbeat cannot go below 1 s... it can; both run)
//
// Needs root, the heartbeat package and hblab (../shared/tools/hblab); otherwise it says
// why and exits 0. Also measures the daemon's RSS and idle CPU on loopback (keepalive 1 s).
// Prints a table: hakit, Heartbeat, ratio hakit/Heartbeat (< 1: hakit is faster), placements.
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, mkdirSync, copyFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const hblab = process.env.HBLAB ?? join(root, '..', 'shared', 'tools', 'hblab', 'hblab')
const args = process.argv.slice(2)
const full = args.includes('--full')
const fast = args.includes('--fast')
const runs = Number(args[args.indexOf('--runs') + 1]) || 1
const hakitCmd = `${process.execPath} ${join(root, 'bin', 'run.js')}`

// scenario → metrics worth comparing (see hblab's BASELINE.md)
const SCENARIOS = {
  coldstart: ['resources_up_ms', 'vip_reachable_ms'],
  'kill-primary': ['detect_ms', 'takeover_ms', 'vip_reachable_ms', 'detect_to_rsc_ms'],
  'graceful-stop': ['release_ms', 'takeover_ms', 'vip_reachable_ms', 'outage_ms'],
  failback: ['takeover_ms', 'rejoin_ms', 'failback_ms', 'vip_back_ms', 'failback_outage_ms'],
  'failback-off': ['takeover_ms', 'rejoin_ms'],
  standby: ['standby_ms', 'vip_switch_ms', 'standby_outage_ms', 'takeover_back_ms', 'vip_back_ms'],
  'split-brain': ['detect_ms', 'dual_hold_ms', 'heal_seen_ms', 'settled_ms', 'heal_outage_ms'],
  'resource-fail': ['fail_ms', 'giveup_ms', 'failover_ms', 'vip_reachable_ms'],
}
const QUICK = ['coldstart', 'kill-primary', 'graceful-stop']
const chosen = full ? Object.keys(SCENARIOS) : QUICK

function skip(why) {
  console.log(`legacy-hblab: skipped (${why})`)
  process.exit(0)
}

/** Client outage after the heal: time the VIP was down after the `heal` mark (split-brain). */
function healOutage(result) {
  const heal = result.timeline.find((e) => e.source === 'harness' && e.event === 'heal')
  if (!heal) return null
  let down = null
  let total = 0
  let wasUp = true
  for (const e of result.timeline) {
    if (e.source !== 'client') continue
    if (e.event === 'vip_down') {
      if (e.t_ms >= heal.t_ms && wasUp) down = e.t_ms
      wasUp = false
    } else if (e.event === 'vip_up') {
      if (down !== null) total += e.t_ms - down
      down = null
      wasUp = true
    }
  }
  return total
}

function runScenario(impl, scenario) {
  const out = mkdtempSync(join(tmpdir(), `bench-hblab-${impl}-`))
  const name = scenario === 'failback-off' ? 'failback' : scenario
  const extra = scenario === 'failback-off' ? ['--auto-failback', 'off'] : []
  if (fast) extra.push('--keepalive', '100ms', '--deadtime', '500ms', '--warntime', '300ms', '--initdead', '2')
  const r = spawnSync(hblab, ['run', name, ...extra, '--impl', impl, '--hakit-cmd', hakitCmd, '-q', '--out', out], {
    encoding: 'utf8',
    env: {...process.env, HBLAB_PREFIX: process.env.HBLAB_PREFIX ?? 'hblabbench'},
    timeout: 400_000,
  })
  let result
  try {
    result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))
  } catch {
    result = undefined
  }
  rmSync(out, {recursive: true, force: true})
  if (!result) return {ok: false, exit: r.status, holder: '?', metrics: {}}
  const metrics = {...result.summary}
  if (scenario === 'split-brain') metrics.heal_outage_ms = healOutage(result)
  return {ok: result.summary.ok, exit: r.status, holder: result.summary.holder, metrics}
}

function median(values) {
  const v = values.filter((x) => typeof x === 'number').sort((a, b) => a - b)
  if (v.length === 0) return null
  return v.length % 2 ? v[(v.length - 1) / 2] : Math.round((v[v.length / 2 - 1] + v[v.length / 2]) / 2)
}

/** RSS and CPU of one hakit daemon idling in a two-node loopback cluster (keepalive 1 s). */
async function idleCost() {
  const work = mkdtempSync(join(tmpdir(), 'bench-idle-'))
  const net = 100 + Math.floor(Math.random() * 100)
  const port = 30_000 + Math.floor(Math.random() * 20_000)
  const procs = []
  try {
    const nodes = ['n1', 'n2'].map((n, i) => ({name: n, address: `127.0.${net}.${i + 2}`, dir: join(work, n)}))
    for (const node of nodes) {
      const etc = join(node.dir, 'ha.d')
      mkdirSync(join(etc, 'resource.d'), {recursive: true})
      writeFileSync(join(etc, 'ha.cf'), ['keepalive 1', 'deadtime 4', 'initdead 8', `udpport ${port}`, ...nodes.map((n) => `ucast lo ${n.address}`), 'auto_failback on', `logfile ${join(node.dir, 'ha-log')}`, ...nodes.map((n) => `node ${n.name}`)].join('\n') + '\n')
      writeFileSync(join(etc, 'authkeys'), 'auth 1\n1 sha1 bench-idle-key-0123456789\n')
      chmodSync(join(etc, 'authkeys'), 0o600)
      writeFileSync(join(etc, 'haresources'), 'n1 Marker::alpha\n')
      copyFileSync(join(root, 'test', 'fixtures', 'daemon', 'Marker'), join(etc, 'resource.d', 'Marker'))
      chmodSync(join(etc, 'resource.d', 'Marker'), 0o755)
      procs.push(spawn(process.execPath, [join(root, 'bin', 'run.js'), 'run', '--legacy', '--config-dir', etc, '--node', node.name, '--state-dir', join(node.dir, 'state'), '--bind', node.address, '--socket', join(node.dir, 'sock')], {stdio: 'ignore'}))
    }
    await new Promise((r) => setTimeout(r, 8000))
    const pid = procs[0].pid
    const ticks = () => {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
      return Number(f[11]) + Number(f[12])
    }
    const hz = Number(spawnSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).stdout) || 100
    const before = ticks()
    const window = 20_000
    await new Promise((r) => setTimeout(r, window))
    const cpu = ((ticks() - before) / hz) / (window / 1000) * 100
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024
    return {rss, cpu}
  } finally {
    for (const p of procs) p.kill('SIGKILL')
    await new Promise((r) => setTimeout(r, 100))
    rmSync(work, {recursive: true, force: true})
  }
}

if (!existsSync(join(root, 'dist', 'commands', 'run.js'))) skip('dist/ not built: npm run build')
const idle = await idleCost()
console.log(`hakit daemon idle (2-node loopback, keepalive 1 s, 20 s window): RSS ${idle.rss.toFixed(1)} MB (target < 80), CPU ${idle.cpu.toFixed(2)} % (target < 1)`)

if (process.getuid?.() !== 0) skip('hblab needs root')
if (!existsSync(hblab)) skip(`no hblab at ${hblab}`)
if (!existsSync('/usr/libexec/heartbeat/heartbeat')) skip('heartbeat package not installed')

const results = {}
for (const scenario of chosen) {
  results[scenario] = {hakit: [], heartbeat: []}
  for (let i = 0; i < runs; i++) {
    for (const impl of ['hakit', 'heartbeat']) {
      const t0 = Date.now()
      const r = runScenario(impl, scenario)
      results[scenario][impl].push(r)
      process.stderr.write(`  ${scenario} ${impl} run ${i + 1}: holder ${r.holder}${r.ok ? '' : ` (expectation failed, exit ${r.exit})`} in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`)
    }
  }
}

const rows = [['scenario', 'metric (ms)', 'hakit', 'heartbeat', 'hakit/heartbeat']]
for (const scenario of chosen) {
  const hk = results[scenario].hakit
  const hb = results[scenario].heartbeat
  rows.push([scenario, 'final placement', hk.map((r) => r.holder).join(','), hb.map((r) => r.holder).join(','), hk.every((r, i) => r.holder === hb[i]?.holder) ? 'same' : 'DIFFERENT'])
  for (const metric of SCENARIOS[scenario]) {
    const a = median(hk.map((r) => r.metrics[metric]))
    const b = median(hb.map((r) => r.metrics[metric]))
    const ratio = a !== null && b !== null && b > 0 ? (a / b).toFixed(2) : a !== null && b === null ? 'hb never' : '–'
    rows.push(['', metric, a ?? 'never', b ?? 'never', ratio])
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)))
console.log(`\nhblab scenarios${fast ? ' (keepalive 100ms, deadtime 500ms)' : ' (keepalive 1, deadtime 4)'}, median of ${runs} run(s) each, host load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`)
for (const row of rows) console.log(row.map((c, i) => String(c).padEnd(widths[i])).join('  '))
