#!/usr/bin/env node
// The idle CRM daemon (issue 11, "Speed"): two `hakit run --crm` nodes on
// loopback with 20 ocf:pacemaker:Dummy resources, each with a 10 s monitor.
// Once every resource runs, measures each daemon for --seconds S (default 30):
// RSS, the daemon's own CPU and its agents' CPU (the monitors) as a share of
// one CPU. Targets from the issue: RSS under 100 MB, daemon CPU under 1 %.
// No Pacemaker reference here (its lab needs root and namespaces: see
// test/helpers/pacemaker-lab.ts). Only processes it started are ended, by PID.
import {existsSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {loopbackCrmCluster, startCrmNodes} from './lib/crm-loopback.mjs'

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : fallback
}
const seconds = Number(arg('--seconds', '30'))
const RESOURCES = 20
if (!existsSync('/usr/lib/ocf/resource.d/pacemaker/Dummy')) {
  console.log('skipped: ocf:pacemaker:Dummy is not installed')
  process.exit(0)
}
const {work, nodes, cibFile} = loopbackCrmCluster({
  prefix: 'hakit-crm-idle-', key: 'hakit-crm-idle',
  timing: ['keepalive 1', 'deadtime 10', 'warntime 5', 'initdead 20'],
  crm: [...Array.from({length: RESOURCES}, (_, i) => `primitive d${i} ocf:pacemaker:Dummy op monitor interval=10s timeout=20s`), 'property stonith-enabled=false'],
})
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

const sample = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1])
  return {own: (Number(stat[11]) + Number(stat[12])) * 10, children: (Number(stat[13]) + Number(stat[14])) * 10, rssMb: rssKb / 1024}
}
const running = () => nodes.flatMap((n) => readdirSync(join(n.dir, 'run')).filter((f) => /^Dummy-.*\.state$/.test(f))).length

let failed = false
try {
  startCrmNodes(nodes, cibFile)
  const started = Date.now()
  while (running() < RESOURCES && Date.now() - started < 120_000) await sleep(200)
  if (running() < RESOURCES) throw new Error(`only ${running()} of ${RESOURCES} resources started`)
  console.log(`cold start of 2 nodes to ${RESOURCES} resources running: ${((Date.now() - started) / 1000).toFixed(1)} s (dc-deadtime not waited: every node up)`)
  await sleep(3000)
  const before = nodes.map((n) => sample(n.proc.pid))
  const t0 = Date.now()
  await sleep(seconds * 1000)
  const wall = Date.now() - t0
  const after = nodes.map((n) => sample(n.proc.pid))
  console.log(`idle for ${seconds} s, ${RESOURCES} resources, 10 s monitors:`)
  console.log('node  RSS MB  daemon CPU %  agents CPU %   (targets: RSS < 100 MB, daemon CPU < 1 %)')
  nodes.forEach((n, i) => {
    const own = ((after[i].own - before[i].own) / wall) * 100
    const kids = ((after[i].children - before[i].children) / wall) * 100
    console.log(`${n.name}    ${after[i].rssMb.toFixed(1).padStart(5)}   ${own.toFixed(2).padStart(10)}   ${kids.toFixed(2).padStart(10)}`)
    if (after[i].rssMb >= 100 || own >= 1) failed = true
  })
} catch (error) {
  console.log(`failed: ${error.message}`)
  failed = true
} finally {
  for (const node of nodes) node.proc?.kill('SIGKILL')
  await sleep(100)
  rmSync(work, {recursive: true, force: true})
}
process.exit(failed ? 1 : 0)
