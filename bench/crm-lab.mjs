#!/usr/bin/env node
// hakit's CRM runtime against real Corosync 3 + Pacemaker 2.1.5, same hblab scenarios, same run
// (issue 13 item 1). Both stacks run the same CIB (hblab's lib/pcmk.py: group of IPaddr2 +
// ocf:hblab:Probe alpha, beta + ocf:hblab:HttpVip, location 100 on n1) and agents, in network
// namespaces with a client probing HTTP on the virtual IP; hakit through bench/hblab-crm-shim.sh.
// The same detection timeout on both: hakit deadtime = Corosync token + consensus.
//
//   npm run bench -- crm-lab                 coldstart, kill-primary, graceful-stop, standby, monitor-fail, 1 run each
//   node bench/crm-lab.mjs --full            + resource-fail, split-brain
//   node bench/crm-lab.mjs --runs 3          medians over N runs (interleaved hakit / pacemaker)
//   node bench/crm-lab.mjs --token 1000      Corosync token (ms; consensus 1.2 × token); hakit deadtime follows
//   node bench/crm-lab.mjs --baseline DIR    also runs the hakit of another checkout (DIR/bench/hblab-crm-shim.sh,
//                                            built) in the same run: a before/after column
//   node bench/crm-lab.mjs --idle-seconds 60 RSS/CPU at idle window (default 30; 0: no idle measurement)
//   node bench/crm-lab.mjs --only idle       just the idle measurement (--only kill-primary,standby: those scenarios)
//   node bench/crm-lab.mjs --no-timeline     without the per-scenario timelines under the table
//   CRM_LAB_KEEP=1 node bench/crm-lab.mjs    keep every run's hblab out dir (its path is printed)
//
// Under the table, for graceful-stop, standby and monitor-fail: where the outage's time goes, per
// stack (bench/lib/crm-timeline.mjs): every agent run from the fault until the group's last member
// is started again, and the window split into before the first run / in agents / between runs.
//
// monitor-fail is hakit's own scenario (bench/hblab-scenarios/): the shared hblab is read-only, so
// the bench runs a private copy of its script with the shared lib/ and scenarios plus ours.
//
// Needs root, corosync + pacemaker and hblab (../shared/tools/hblab); otherwise it says why and exits 0.
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {FAULTS, formatTimelines, medianTimeline, runTimeline} from './lib/crm-timeline.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const hblab = process.env.HBLAB ?? join(root, '..', 'shared', 'tools', 'hblab', 'hblab')
const args = process.argv.slice(2)
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const full = args.includes('--full')
const runs = Number(flag('--runs', 1))
const token = Number(flag('--token', 3000))
const consensus = Math.round(token * 1.2)
const deadtimeMs = token + consensus
const shim = join(root, 'bench', 'hblab-crm-shim.sh')
const baseline = flag('--baseline', undefined)
const IMPLS = baseline ? ['hakit', 'baseline', 'pacemaker'] : ['hakit', 'pacemaker']

// scenario → metrics worth comparing (hblab's scenario files name them)
const SCENARIOS = {
  coldstart: ['resources_up_ms', 'vip_reachable_ms'],
  // dead_to_served_ms: node declared dead (hakit) / membership without it (Corosync) → client served
  // dead_to_dispatch_ms (hakit only): declared dead → first start dispatched, from the survivor's ha-log
  'kill-primary': ['detect_ms', 'takeover_ms', 'vip_reachable_ms', 'detect_to_rsc_ms', 'dead_to_served_ms', 'dead_to_dispatch_ms'],
  // service_gap_ms: the HTTP server stopped (found dead) → its start begun where it comes back, from
  // the agents' own ms stamps (the client's outage comes in steps of its 100 ms probe period)
  'graceful-stop': ['release_ms', 'takeover_ms', 'vip_reachable_ms', 'outage_ms', 'service_gap_ms'],
  standby: ['standby_ms', 'vip_switch_ms', 'standby_outage_ms', 'service_gap_ms'],
  // failed_to_served_ms: the failed monitor (the agent's own log line) → client served again
  'monitor-fail': ['detect_ms', 'restart_ms', 'kill_to_served_ms', 'failed_to_served_ms', 'service_gap_ms'],
  'resource-fail': ['fail_ms', 'failover_ms', 'vip_reachable_ms'],
  'split-brain': ['detect_ms', 'dual_hold_ms', 'settled_ms'],
}
const QUICK = ['coldstart', 'kill-primary', 'graceful-stop', 'standby', 'monitor-fail']
// the monitor's interval in the monitor-fail scenario (both stacks): the kill lands at a random
// point of it, so a short one keeps the run short; the other scenarios keep hblab's 10 s
const MONITOR_FAIL_INTERVAL = '2s'
const only = flag('--only', undefined)
const chosen = only ? (only === 'idle' ? [] : only.split(',')) : full ? Object.keys(SCENARIOS) : QUICK
for (const s of chosen) if (!SCENARIOS[s]) {
  console.error(`crm-lab: unknown scenario ${s} (${Object.keys(SCENARIOS).join(', ')})`)
  process.exit(2)
}
const idleSeconds = Number(flag('--idle-seconds', 30))
const timelines = !args.includes('--no-timeline')

function skip(why) {
  console.log(`crm-lab: skipped (${why})`)
  process.exit(0)
}

// A private hblab: its script copied (it finds lib/ and scenarios/ beside itself), the shared lib/
// linked, the shared scenarios and bench/hblab-scenarios/*.sh linked into scenarios/.
function privateHblab() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-crmlab-hblab-'))
  const shared = dirname(hblab)
  copyFileSync(hblab, join(dir, 'hblab'))
  chmodSync(join(dir, 'hblab'), 0o755)
  symlinkSync(join(shared, 'lib'), join(dir, 'lib'))
  mkdirSync(join(dir, 'scenarios'))
  const ours = join(root, 'bench', 'hblab-scenarios')
  for (const from of [join(shared, 'scenarios'), ours]) {
    for (const f of readdirSync(from)) if (f.endsWith('.sh')) symlinkSync(join(from, f), join(dir, 'scenarios', f))
  }
  return dir
}

function runScenario(impl, scenario) {
  const out = mkdtempSync(join(tmpdir(), `bench-crmlab-${impl}-`))
  // heartbeat syntax for hakit's ha.cf; for Pacemaker they only size hblab's waits
  const timing = ['--keepalive', `${Math.max(100, Math.round(token / 4))}ms`, '--deadtime', `${deadtimeMs}ms`, '--warntime', `${Math.round(deadtimeMs / 2)}ms`, '--initdead', String(Math.ceil((2 * deadtimeMs) / 1000))]
  const implArgs = impl === 'pacemaker' ? ['--impl', 'pacemaker', '--token', String(token), '--consensus', String(consensus)] : ['--impl', 'hakit', '--hakit-cmd', impl === 'baseline' ? join(baseline, 'bench', 'hblab-crm-shim.sh') : shim]
  const monitorFail = scenario === 'monitor-fail'
  if (monitorFail && impl === 'pacemaker') implArgs.push('--monitor-interval', MONITOR_FAIL_INTERVAL)
  const prefix = process.env.HBLAB_PREFIX ?? 'hblabcrm'
  // the daemons' CPU during the run, for the timeline (bench/lib/cpu-sampler.mjs)
  const sampler = FAULTS[scenario] && timelines ? spawn(process.execPath, [join(root, 'bench', 'lib', 'cpu-sampler.mjs'), '--prefix', prefix, '--out', join(out, 'cpu.tsv')], {stdio: 'ignore'}) : undefined
  const r = spawnSync(join(labDir, 'hblab'), ['run', scenario, ...timing, ...implArgs, '-q', '--out', out], {
    encoding: 'utf8',
    env: {...process.env, HBLAB_PREFIX: prefix, ...(monitorFail ? {HBLAB_CRM_MONITOR: MONITOR_FAIL_INTERVAL} : {})},
    timeout: 600_000,
  })
  if (sampler) stopSampler(sampler, join(out, 'cpu.tsv'))
  let result
  try {
    result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))
  } catch {
    result = undefined
  }
  const dispatch = impl === 'pacemaker' ? null : deadToDispatch(out)
  const timeline = FAULTS[scenario] ? runTimeline(out, impl === 'pacemaker' ? 'pacemaker' : 'hakit', scenario) : null
  if (process.env.CRM_LAB_KEEP) process.stderr.write(`  kept ${out}\n`)
  else rmSync(out, {recursive: true, force: true})
  if (!result) return {ok: false, exit: r.status, holder: '?', metrics: {}, timeline, why: r.stderr.split('\n').slice(-3).join(' ')}
  const metrics = {...result.summary}
  if (typeof metrics.detect_ms === 'number' && typeof metrics.vip_reachable_ms === 'number') metrics.dead_to_served_ms = metrics.vip_reachable_ms - metrics.detect_ms
  if (dispatch !== null) metrics.dead_to_dispatch_ms = dispatch
  const gap = serviceGap(result.timeline ?? [], scenario)
  if (gap !== null) metrics.service_gap_ms = gap
  return {ok: result.summary.ok, exit: r.status, holder: result.summary.holder, metrics, timeline}
}

/** SIGTERM to the sampler this run started, then (synchronously: the bench blocks on hblab) until it wrote its end mark. */
function stopSampler(sampler, file) {
  try {
    process.kill(sampler.pid, 'SIGTERM')
  } catch {
    return
  }
  const until = Date.now() + 3000
  const pause = new Int32Array(new SharedArrayBuffer(4))
  while (Date.now() < until) {
    if (existsSync(file) && readFileSync(file, 'utf8').endsWith('#end\n')) return
    Atomics.wait(pause, 0, 0, 20)
  }
}

// hakit's own reaction time (issue 13: under 50 ms): in a survivor's ha-log (hblab stamps each
// line with ms), from the peer declared dead to the first start dispatched after it
function deadToDispatch(out) {
  for (const node of ['n2', 'n1']) {
    let lines
    try {
      lines = readFileSync(join(out, 'nodes', node, 'ha-log.ts'), 'utf8').split('\n').filter((l) => !l.includes('[stdout]'))
    } catch {
      continue
    }
    const dead = lines.find((l) => /: node \S+: is dead/.test(l))
    if (!dead) continue
    const t0 = Number(dead.split(' ')[0])
    const start = lines.find((l) => Number(l.split(' ')[0]) >= t0 && /Initiating start operation/.test(l))
    if (start) return Number(start.split(' ')[0]) - t0
  }
  return null
}

// From the scenario's action (standby, SIGTERM, the kill) on: the HTTP server stopped, or its monitor
// found it dead → its start begun on the node that serves next (probe.log events, the agents' stamps)
function serviceGap(timeline, scenario) {
  const action = {standby: 'standby', 'graceful-stop': 'sigterm', 'monitor-fail': 'service_kill'}[scenario]
  if (!action) return null
  const anchor = timeline.find((e) => e.source === 'harness' && e.event === action)
  const isHttp = (e, event, detail = 'http') => e.source === 'probe' && e.event === event && e.detail.startsWith(detail)
  const gone = anchor && timeline.find((e) => e.t_ms >= anchor.t_ms && (scenario === 'monitor-fail' ? isHttp(e, 'monitor', 'http stopped') : isHttp(e, 'stop')))
  const back = gone && timeline.find((e) => e.t_ms >= gone.t_ms && isHttp(e, 'start'))
  return back ? back.t_ms - gone.t_ms : null
}

function median(values) {
  const v = values.filter((x) => typeof x === 'number').sort((a, b) => a - b)
  if (v.length === 0) return null
  return v.length % 2 ? v[(v.length - 1) / 2] : Math.round((v[v.length / 2 - 1] + v[v.length / 2]) / 2)
}

if (process.getuid?.() !== 0) skip('hblab needs root')
if (!existsSync(hblab)) skip(`no hblab at ${hblab}`)
if (!existsSync(join(root, 'dist', 'bundle'))) skip('dist/ not built: npm run build')
for (const bin of ['/usr/sbin/corosync', '/usr/sbin/pacemakerd']) if (!existsSync(bin)) skip(`${bin} missing (corosync and pacemaker packages)`)

const labDir = privateHblab()
process.on('exit', () => rmSync(labDir, {recursive: true, force: true}))
const results = {}
for (const scenario of chosen) {
  results[scenario] = Object.fromEntries(IMPLS.map((impl) => [impl, []]))
  for (let i = 0; i < runs; i++) {
    for (const impl of IMPLS) {
      const t0 = Date.now()
      const r = runScenario(impl, scenario)
      results[scenario][impl].push(r)
      process.stderr.write(`  ${scenario} ${impl} run ${i + 1}: holder ${r.holder}${r.ok ? '' : ` (expectation failed, exit ${r.exit}${r.why ? `: ${r.why}` : ''})`} in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`)
    }
  }
}

const rows = [['scenario', 'metric (ms)', 'hakit', 'pacemaker', 'hakit/pacemaker', ...(baseline ? ['baseline hakit', 'baseline/pacemaker'] : [])]]
const ratio = (a, b) => (a !== null && b !== null && b > 0 ? (a / b).toFixed(2) : '–')
for (const scenario of chosen) {
  const hk = results[scenario].hakit
  const pm = results[scenario].pacemaker
  const bl = results[scenario].baseline ?? []
  const holders = (list) => list.map((r) => r.holder).join(',')
  rows.push([scenario, 'final placement', holders(hk), holders(pm), hk.every((r, i) => r.holder === pm[i]?.holder) ? 'same' : 'DIFFERENT', ...(baseline ? [holders(bl), ''] : [])])
  for (const metric of SCENARIOS[scenario]) {
    const a = median(hk.map((r) => r.metrics[metric]))
    const b = median(pm.map((r) => r.metrics[metric]))
    const c = median(bl.map((r) => r.metrics[metric]))
    rows.push(['', metric, a ?? 'never', b ?? 'never', ratio(a, b), ...(baseline ? [c ?? 'never', ratio(c, b)] : [])])
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)))
console.log(`\ncrm-lab: hblab scenarios, hakit CRM vs Corosync + Pacemaker${baseline ? ` (baseline: ${baseline})` : ''}, median of ${runs} run(s) each; detection: Corosync token ${token} ms + consensus ${consensus} ms = hakit deadtime ${deadtimeMs} ms${chosen.includes('monitor-fail') ? `; monitor-fail: monitor interval ${MONITOR_FAIL_INTERVAL} on both` : ''}; host load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`)
for (const row of rows) console.log(row.map((c, i) => String(c).padEnd(widths[i])).join('  '))
if (timelines) {
  for (const scenario of chosen) {
    if (!FAULTS[scenario]) continue
    const byStack = Object.fromEntries(IMPLS.map((impl) => [impl, medianTimeline(results[scenario][impl].map((r) => r.timeline))]))
    for (const line of formatTimelines(scenario, byStack, runs)) console.log(line)
  }
}

// RSS and CPU at idle of both stacks: two nodes, the same Dummy group, measured after it runs
if (idleSeconds > 0) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'crm-lab-idle.ts'), '--seconds', String(idleSeconds)], {cwd: root, encoding: 'utf8', timeout: 600_000})
  let idle
  try {
    idle = JSON.parse(r.stdout.trim().split('\n').pop())
  } catch {
    console.log(`\nidle: measurement failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`)
  }
  if (idle) {
    console.log(`\nidle, ${idle.seconds} s, 2 nodes, group of 3 ocf:pacemaker:Dummy with 10 s monitors (per node; Pacemaker: corosync + pacemakerd + 6 pacemaker-* daemons); host load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`)
    const idleRows = [['stack', 'node', 'processes', 'RSS MB', 'daemon CPU %', 'agents CPU %']]
    for (const stack of ['hakit', 'pacemaker']) {
      if (typeof idle[stack] === 'string') idleRows.push([stack, `not measured: ${idle[stack]}`, '', '', '', ''])
      else for (const n of idle[stack]) idleRows.push([stack, n.node, n.processes, n.rssMb, n.daemonCpuPct, n.agentsCpuPct])
    }
    const sum = (stack, key) => (Array.isArray(idle[stack]) ? idle[stack].reduce((a, n) => a + n[key], 0) : null)
    const rss = [sum('hakit', 'rssMb'), sum('pacemaker', 'rssMb')]
    const cpu = [sum('hakit', 'daemonCpuPct'), sum('pacemaker', 'daemonCpuPct')]
    if (rss[1]) idleRows.push(['hakit/pacemaker', 'both nodes', '', (rss[0] / rss[1]).toFixed(2), cpu[1] ? (cpu[0] / cpu[1]).toFixed(2) : '–', ''])
    const w = idleRows[0].map((_, i) => Math.max(...idleRows.map((row) => String(row[i]).length)))
    for (const row of idleRows) console.log(row.map((c, i) => String(c).padEnd(w[i])).join('  '))
  }
}
