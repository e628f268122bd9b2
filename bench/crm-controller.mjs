#!/usr/bin/env node
// bench/crm-controller.mjs: the DC's reaction time — from an event (a node lost, a failed
// monitor) to the controller's first action — with N resources on 3 nodes, against the
// scheduler alone on the same CIB (the controller's floor) and crm_simulate 2.1.5 (Pacemaker's
// scheduler run (crm_simulate -R), which its controller would wait for), all measured in this run.
//
// Usage: npm run -s build && node bench/crm-controller.mjs [--sizes 100,1000] [--runs 5]

import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const opt = (k, d) => { const i = args.indexOf(`--${k}`); return i >= 0 ? args[i + 1] : d }
const sizes = opt('sizes', '100,1000').split(',').map(Number).filter((n) => n > 0)
const runs = Number(opt('runs', '5'))

const {parseCibXml, printCibXml} = await import(path.join(root, 'dist', 'formats', 'cib', 'xml.js'))
const {schedule} = await import(path.join(root, 'dist', 'runtime', 'scheduler', 'index.js'))
const {Controller} = await import(path.join(root, 'dist', 'runtime', 'crm', 'controller.js'))
const {applyStatusChanges, opDigest, setTransientAttr} = await import(path.join(root, 'dist', 'runtime', 'crm', 'history.js'))

const haveCrmSimulate = spawnSync('sh', ['-c', 'command -v crm_simulate'], {encoding: 'utf8'}).status === 0
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hakit-bench-crm-'))
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
const ms = (x) => `${x.toFixed(1)} ms`.padStart(10)
const nodes = ['n1', 'n2', 'n3']

function cibXml(n) {
  const prims = []
  for (let i = 0; i < n; i++) {
    prims.push(`<primitive id="r${i}" class="ocf" provider="pacemaker" type="Dummy"><operations><op id="r${i}-m" name="monitor" interval="10s" timeout="20s"/></operations></primitive>`)
  }
  return `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0"><configuration>
<crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes>${nodes.map((x, i) => `<node id="${i + 1}" uname="${x}"/>`).join('')}</nodes><resources>${prims.join('')}</resources><constraints/></configuration><status/></cib>`
}

/** Drives a controller to a settled cluster: every operation succeeds with its expected rc. */
function settle(n) {
  let now = 1_800_000_000_000
  const cib = parseCibXml(cibXml(n), 'bench.xml')
  const dc = new Controller({localNode: 'n1', controllerUuid: 'bench'})
  const queue = []
  const callIds = new Map(nodes.map((x) => [x, 0]))
  const apply = (actions) => {
    for (const a of actions) {
      if (a.type === 'execute') queue.push(a)
      else if (a.type === 'cib-update') applyStatusChanges(cib, a.changes)
      else if (a.type === 'attr-update') setTransientAttr(cib, a.node, a.name, a.value)
    }
  }
  apply(dc.handle({type: 'became-dc', now, cib: structuredClone(cib), members: nodes, quorate: true}))
  while (queue.length > 0) {
    const {node, request: r} = queue.shift()
    const id = callIds.get(node) + 1
    callIds.set(node, id)
    now += 1
    const rc = r.targetRc ?? 0
    apply(dc.handle({type: 'op-result', now, node, result: {
      rscId: r.rscId, action: r.action, intervalMs: r.intervalMs, operationKey: `${r.rscId}_${r.action}_${r.intervalMs}`, callId: id, rc, status: 0,
      exitReason: '', execTimeMs: 1, queueTimeMs: 0, lastRun: Math.floor(now / 1000), lastRcChange: Math.floor(now / 1000),
      opDigest: opDigest(r.params, r.intervalMs, r.timeoutMs), transitionKey: r.transitionKey, targetRc: rc,
      classification: {class: 'ok', failed: false, text: 'ok'}, stdoutTail: '', stderrTail: '',
    }}))
  }
  return {dc, cib, now}
}

function firstActionTime(dc, event) {
  const t0 = performance.now()
  const actions = dc.handle(event)
  const t = performance.now() - t0
  if (!actions.some((a) => a.type === 'execute')) throw new Error(`no action after ${event.type}: ${actions.filter((a) => a.type === 'log').map((a) => a.message).join('\n')}`)
  return t
}

console.log('DC reaction: event in → first operation dispatched (median of ' + runs + ', warm controller)\n')
console.log('resources  event            controller  scheduler alone  ratio  crm_simulate  crm_simulate/controller')
for (const n of sizes) {
  const base = settle(n)
  const settledCib = structuredClone(base.cib)
  settledCib.attributes['have-quorum'] = '1'
  // the scheduler alone on the settled CIB with n3 lost (warm)
  const lost = structuredClone(settledCib)
  for (const ns of lost.status) if (ns.uname === 'n3') ns.attributes.in_ccm = 'false'
  const schedTimes = []
  for (let i = 0; i < runs + 1; i++) { const t0 = performance.now(); schedule(lost, {now: base.now}); schedTimes.push(performance.now() - t0) }
  schedTimes.shift()
  let crm = NaN
  if (haveCrmSimulate) {
    const file = path.join(tmp, `settled-${n}.xml`)
    fs.writeFileSync(file, printCibXml(settledCib))
    const t0 = performance.now()
    spawnSync('crm_simulate', ['-x', file, '-R', '--node-fail', 'n3'], {encoding: 'utf8'})
    crm = performance.now() - t0
  }
  let fresh = base
  for (const kind of ['node lost', 'monitor failed', 'config change']) {
    const times = []
    for (let i = 0; i < runs; i++) {
      const {dc, now} = fresh ?? settle(n)
      fresh = undefined
      const victim = dc.snapshot().cib.status.find((s) => s.uname === 'n3').lrmResources
        .find((r) => r.operations.some((o) => o.id === `${r.id}_last_0` && o.operation === 'start')).id
      // a replicated configuration change (target-role=Stopped on one resource) together with a node attribute
      const withAttr = () => { const c = structuredClone(dc.snapshot().cib); setTransientAttr(c, 'n3', 'pingd', '1000'); c.resources[0].metaAttributes.push({id: 'r0-m', pairs: [{id: 'r0-m-tr', name: 'target-role', value: 'Stopped'}]}); return c }
      const event = kind === 'node lost'
        ? {type: 'node-lost', now: now + 1000, node: 'n3'}
        : kind === 'config change' ? {type: 'cib-changed', now: now + 1000, cib: withAttr()}
        : {type: 'op-result', now: now + 1000, node: 'n3', result: {
          rscId: victim, action: 'monitor', intervalMs: 10000, operationKey: `${victim}_monitor_10000`, callId: 99999, rc: 7, status: 0, exitReason: '',
          execTimeMs: 1, queueTimeMs: 0, lastRun: Math.floor(now / 1000), lastRcChange: Math.floor(now / 1000), opDigest: '', targetRc: 0,
          classification: {class: 'soft', failed: true, text: 'not running'}, stdoutTail: '', stderrTail: ''}}
      times.push(firstActionTime(dc, event))
    }
    const c = median(times)
    const s = median(schedTimes)
    console.log(`${String(n).padStart(9)}  ${kind.padEnd(15)}  ${ms(c)}  ${ms(s).padStart(15)}  ${(c / s).toFixed(2).padStart(5)}  ${ms(crm).padStart(12)}  ${(crm / c).toFixed(0).padStart(10)}×`)
  }
}
fs.rmSync(tmp, {recursive: true, force: true})
