#!/usr/bin/env node
// hakit's CRM runtime in sub-second mode (issue 13 item 2): deadtime 500 ms, keepalive 100 ms.
//
// 1. Soak: two `hakit run --crm` nodes on loopback run a group of three ocf:pacemaker:Dummy
//    resources (location 100 on n1) while busy loops saturate every CPU (one per CPU, started
//    and ended here by PID). For --seconds S (default 60; the issue asks for 600) it counts
//    false failovers: a node declared dead, a link declared dead, a DC lost, or the group
//    leaving n1. Then, still saturated, kill -9 of n1's daemon → the group started on n2.
// 2. Client served (root, hblab at ../shared/tools/hblab): hblab's kill-primary on hakit's CRM
//    mode (bench/hblab-crm-shim.sh) with the same timings, --runs N (default 3), the busy loops
//    still on: power cut of the holder → the client probing HTTP on the virtual IP every 50 ms is
//    served by n2. Target: under 1.2 s.
//
//   npm run bench -- crm-soak                     60 s soak + 3 hblab runs
//   node bench/crm-soak.mjs --seconds 600         the issue's 10 minutes (or CRM_SOAK_SECONDS=600)
//   node bench/crm-soak.mjs --runs 5 --no-load    more hblab runs, without the busy loops
//
// Figures depend on the host's load (other work shares the CPUs): the output states it.
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {cpus, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {loopbackCrmCluster, startCrmNodes} from './lib/crm-loopback.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const seconds = Number(flag('--seconds', process.env.CRM_SOAK_SECONDS ?? 60))
const runs = Number(flag('--runs', 3))
const load = !args.includes('--no-load')
const KEEPALIVE_MS = 100
const DEADTIME_MS = 500
const WARNTIME_MS = 300
const TARGET_MS = 1200
const hblab = process.env.HBLAB ?? join(root, '..', 'shared', 'tools', 'hblab', 'hblab')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')

if (!existsSync('/usr/lib/ocf/resource.d/pacemaker/Dummy')) {
  console.log('crm-soak: skipped (ocf:pacemaker:Dummy is not installed)')
  process.exit(0)
}
if (!existsSync(join(root, 'dist', 'bundle'))) {
  console.log('crm-soak: skipped (dist/ not built: npm run build)')
  process.exit(0)
}

// ---- the busy loops: one per CPU, ours, ended by PID
const burners = []
const startLoad = () => {
  if (!load) return
  for (let i = 0; i < cpus().length; i++) burners.push(spawn(process.execPath, ['-e', 'for (;;) {}'], {stdio: 'ignore'}))
}
const stopLoad = () => {
  for (const b of burners.splice(0)) b.kill('SIGKILL')
}
process.on('exit', stopLoad)

// ---- 1. soak on loopback
const GROUP = ['d1', 'd2', 'd3']
const {work, nodes, cibFile} = loopbackCrmCluster({
  prefix: 'hakit-crm-soak-', key: 'hakit-crm-soak',
  timing: [`keepalive ${KEEPALIVE_MS}ms`, `deadtime ${DEADTIME_MS}ms`, `warntime ${WARNTIME_MS}ms`, 'initdead 2'],
  crm: [...GROUP.map((id) => `primitive ${id} ocf:pacemaker:Dummy op monitor interval=10s timeout=20s`),
    `group g ${GROUP.join(' ')}`, 'location g-on-n1 g 100: n1', 'property stonith-enabled=false'],
})
const holding = (node) => GROUP.filter((id) => existsSync(join(node.dir, 'run', `Dummy-${id}.state`)))
const logOf = (node) => (existsSync(join(node.dir, 'ha-log')) ? readFileSync(join(node.dir, 'ha-log'), 'utf8') : '')
// what a false failover leaves in a survivor's log
const FALSE_FAILOVER = /is dead|Link \S+ dead|Our DC node \(\S+\) left|state is now lost/

let failed = false
const report = []
try {
  startCrmNodes(nodes, cibFile)
  const started = Date.now()
  while (holding(nodes[0]).length < GROUP.length && Date.now() - started < 120_000) await sleep(100)
  if (holding(nodes[0]).length < GROUP.length) throw new Error(`the group did not start on n1 within 120 s (n1 holds ${holding(nodes[0]).join(',') || 'nothing'})`)
  await sleep(1000)
  const logOffsets = nodes.map((n) => logOf(n).length)
  startLoad()
  const soakStart = Date.now()
  let moved = 0
  while (Date.now() - soakStart < seconds * 1000) {
    await sleep(250)
    if (holding(nodes[0]).length !== GROUP.length || holding(nodes[1]).length > 0) moved++
  }
  const falseLines = nodes.flatMap((n, i) => logOf(n).slice(logOffsets[i]).split('\n').filter((l) => FALSE_FAILOVER.test(l)).map((l) => `${n.name}: ${l}`))
  const lateLines = nodes.reduce((sum, n, i) => sum + logOf(n).slice(logOffsets[i]).split('\n').filter((l) => /[Ll]ate heartbeat/.test(l)).length, 0)
  report.push(`soak: ${seconds} s, ${load ? `${burners.length} busy loops (one per CPU)` : 'no busy loops'}, host load ${loadavg()}`)
  report.push(`  false failovers (node/link declared dead, DC lost): ${falseLines.length}; samples with the group not wholly on n1: ${moved}; late-heartbeat warnings: ${lateLines}`)
  for (const l of falseLines.slice(0, 5)) report.push(`    ${l}`)
  if (falseLines.length > 0 || moved > 0) failed = true

  // still saturated: kill -9 of the holder → the group started on n2
  const t0 = Date.now()
  nodes[0].proc.kill('SIGKILL')
  while (holding(nodes[1]).length < GROUP.length && Date.now() - t0 < 60_000) await sleep(10)
  const takeover = holding(nodes[1]).length === GROUP.length ? Date.now() - t0 : null
  report.push(`  kill -9 of n1 (saturated, loopback) → the group started on n2: ${takeover ?? 'never (60 s)'} ms (deadtime ${DEADTIME_MS} ms)`)
  if (takeover === null) failed = true
} catch (error) {
  report.push(`soak failed: ${error.message}`)
  failed = true
} finally {
  stopLoad()
  for (const node of nodes) node.proc?.kill('SIGKILL')
  await sleep(200)
  // Dummy leaves no process behind; the state files go with the work dir
  if (!process.env.CRM_SOAK_KEEP) rmSync(work, {recursive: true, force: true})
  else report.push(`  kept ${work}`)
}

// ---- 2. hblab kill-primary: power cut → client served
function median(values) {
  const v = values.filter((x) => typeof x === 'number').sort((a, b) => a - b)
  if (v.length === 0) return null
  return v.length % 2 ? v[(v.length - 1) / 2] : Math.round((v[v.length / 2 - 1] + v[v.length / 2]) / 2)
}
if (process.getuid?.() !== 0) report.push('client served: skipped (hblab needs root)')
else if (!existsSync(hblab)) report.push(`client served: skipped (no hblab at ${hblab})`)
else {
  const shim = join(root, 'bench', 'hblab-crm-shim.sh')
  const results = []
  startLoad()
  for (let i = 0; i < runs; i++) {
    const out = mkdtempSync(join(tmpdir(), 'bench-crmsoak-'))
    spawnSync(hblab, ['run', 'kill-primary', '--keepalive', `${KEEPALIVE_MS}ms`, '--deadtime', `${DEADTIME_MS}ms`, '--warntime', `${WARNTIME_MS}ms`,
      '--initdead', '2', '--impl', 'hakit', '--hakit-cmd', shim, '-q', '--out', out],
    {encoding: 'utf8', env: {...process.env, HBLAB_PREFIX: process.env.HBLAB_PREFIX ?? 'hblabsoak'}, timeout: 300_000})
    try {
      const summary = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')).summary
      results.push(summary)
      process.stderr.write(`  kill-primary run ${i + 1}: holder ${summary.holder}, detect ${summary.detect_ms} ms, served ${summary.vip_reachable_ms} ms\n`)
    } catch {
      results.push({})
      process.stderr.write(`  kill-primary run ${i + 1}: no result\n`)
    }
    if (!process.env.CRM_SOAK_KEEP) rmSync(out, {recursive: true, force: true})
  }
  stopLoad()
  const served = results.map((r) => r.vip_reachable_ms)
  const m = median(served)
  report.push(`client served after kill -9 (hblab kill-primary, ${runs} run(s), ${load ? 'busy loops on' : 'no busy loops'}, host load ${loadavg()}):`)
  report.push(`  kill → declared dead: median ${median(results.map((r) => r.detect_ms)) ?? 'never'} ms; declared dead → service started: ${median(results.map((r) => r.detect_to_rsc_ms)) ?? 'never'} ms`)
  report.push(`  kill → client served: median ${m ?? 'never'} ms (runs: ${served.map((s) => s ?? 'never').join(', ')}); target < ${TARGET_MS} ms: ${m !== null && m < TARGET_MS ? 'met' : 'NOT met'}`)
  if (results.some((r) => r.holder !== 'n2')) report.push(`  final holders: ${results.map((r) => r.holder ?? '?').join(', ')} (expected n2)`)
}

console.log(`\ncrm-soak: hakit CRM, sub-second mode: keepalive ${KEEPALIVE_MS} ms, deadtime ${DEADTIME_MS} ms, warntime ${WARNTIME_MS} ms`)
for (const line of report) console.log(line)
process.exit(failed ? 1 : 0)
