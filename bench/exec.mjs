#!/usr/bin/env node
// bench/exec.mjs: per-operation overhead of hakit's executor against
// crm_resource --force-* (Pacemaker 2.1.5), beyond the agent's own run time.
//
// N cycles (default 1000) of start / monitor / stop of ocf:heartbeat:Dummy,
// interleaved per cycle three ways:
//   agent      the agent spawned directly from node with the same environment (its own run time: the baseline)
//   hakit      LocalExecutor.execute() in-process (what the CRM daemon will call)
//   crm_resource  CIB_file=… crm_resource --force-start|--force-check|--force-stop -r d
// Overhead = median(way) − median(agent), per operation.
//
// Usage: npm run bench -- exec   (or: npm run -s build && node bench/exec.mjs [--cycles N])

import {spawn, spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const cycles = Number(args[args.indexOf('--cycles') + 1] || 0) || 1000
const {LocalExecutor} = await import(path.join(root, 'dist', 'runtime', 'executor', 'executor.js'))

const haveCrm = spawnSync('sh', ['-c', 'command -v crm_resource'], {encoding: 'utf8'}).status === 0
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hakit-bench-exec-'))
const state = (who) => path.join(tmp, `dummy-${who}.state`)
const agentPath = '/usr/lib/ocf/resource.d/heartbeat/Dummy'
const ops = [['start', 'force-start'], ['monitor', 'force-check'], ['stop', 'force-stop']]

let cib
if (haveCrm) {
  cib = path.join(tmp, 'cib.xml')
  fs.writeFileSync(cib, spawnSync('cibadmin', ['--empty'], {encoding: 'utf8'}).stdout)
  const p = `<primitive id="d" class="ocf" provider="heartbeat" type="Dummy"><instance_attributes id="d-ia"><nvpair id="d-s" name="state" value="${state('crm')}"/></instance_attributes></primitive>`
  spawnSync('cibadmin', ['-C', '-o', 'resources', '-X', p], {env: {...process.env, CIB_file: cib}})
}

const executor = new LocalExecutor({nodeName: 'bench', attributeStore: path.join(tmp, 'attrs.json')})
const request = (action) => ({rscId: 'd', agent: {class: 'ocf', provider: 'heartbeat', type: 'Dummy'}, action, intervalMs: 0, timeoutMs: 20000, params: {state: state('hakit')}})
await executor.execute(request('meta-data')) // the controller caches meta-data on first use too

const directEnv = (action) => ({
  ...process.env, OCF_ROOT: '/usr/lib/ocf', OCF_RA_VERSION_MAJOR: '1', OCF_RA_VERSION_MINOR: '1', OCF_RESOURCE_INSTANCE: 'd',
  OCF_RESOURCE_TYPE: 'Dummy', OCF_RESOURCE_PROVIDER: 'heartbeat', OCF_RESKEY_state: state('agent'), OCF_RESKEY_CRM_meta_timeout: '20000',
  OCF_RESKEY_crm_feature_set: '3.16.1', OCF_EXIT_REASON_PREFIX: 'ocf-exit-reason:',
})
function runDirect(action) {
  return new Promise((resolve) => {
    const child = spawn(agentPath, [action], {env: directEnv(action), stdio: ['ignore', 'pipe', 'pipe'], detached: true})
    child.stdout.resume()
    child.stderr.resume()
    child.on('close', (code) => resolve(code))
  })
}

const times = {agent: {}, hakit: {}, crm: {}}
for (const [op] of ops) for (const k of Object.keys(times)) times[k][op] = []
const now = () => performance.now()
// hakit's own time per operation: wall time of execute() minus the agent run time it recorded
const internal = []
let mismatches = 0
for (let i = 0; i < cycles; i++) {
  for (const [op, force] of ops) {
    let t = now()
    const directRc = await runDirect(op)
    times.agent[op].push(now() - t)
    t = now()
    const r = await executor.execute(request(op))
    times.hakit[op].push(now() - t)
    internal.push(now() - t - r.execTimeMs)
    if (r.rc !== directRc) mismatches++
    if (haveCrm) {
      t = now()
      const c = spawnSync('crm_resource', [`--${force}`, '-r', 'd'], {env: {...process.env, CIB_file: cib}, stdio: 'ignore'})
      times.crm[op].push(now() - t)
      if (c.status !== directRc) mismatches++
    }
  }
}
await executor.shutdown()

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
const fmt = (x) => `${x.toFixed(2)} ms`.padStart(10)
console.log(`${cycles} start/monitor/stop cycles of ocf:heartbeat:Dummy (medians; overhead = way − agent alone)`)
console.log(`${'op'.padEnd(8)}${'agent'.padStart(10)}${'hakit'.padStart(10)}${'crm_res'.padStart(10)}${'hakit+'.padStart(10)}${'crm_res+'.padStart(10)}  ratio (x+ = overhead beyond the agent alone)`)
const all = {agent: [], hakit: [], crm: []}
for (const [op] of ops) {
  const a = median(times.agent[op]), h = median(times.hakit[op]), c = haveCrm ? median(times.crm[op]) : NaN
  all.agent.push(a); all.hakit.push(h); all.crm.push(c)
  console.log(`${op.padEnd(8)}${fmt(a)}${fmt(h)}${fmt(c)}${fmt(h - a)}${fmt(c - a)}  ${haveCrm ? `hakit takes ${(h / c).toFixed(2)}× crm_resource's time` : ''}`)
}
const avg = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length
console.log(`per-op overhead: hakit ${(avg(all.hakit) - avg(all.agent)).toFixed(2)} ms, crm_resource ${(avg(all.crm) - avg(all.agent)).toFixed(2)} ms (target: hakit < 5 ms and below crm_resource)`)
console.log(`hakit executor's own time per op (execute() wall time − recorded exec-time): median ${median(internal).toFixed(2)} ms`)
console.log(`rc mismatches against the agent run directly: ${mismatches}`)
fs.rmSync(tmp, {recursive: true, force: true})
process.exit(mismatches ? 1 : 0)
