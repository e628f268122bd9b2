#!/usr/bin/env node
// `hakit crm status` (issue 12, "Speed"):
//  1. one-shot `hakit crm status -1` on a generated 1 000-resource CIB (2 nodes, every resource
//     started with a recurring monitor in its history) against the real `crm_mon -1` with CIB_file,
//     measured in the same run: medians and their ratio (target: within 2x);
//  2. the live view's redraw latency: `hakit crm status` in a 120x50 pseudo-terminal (`script`) on a CIB
//     file; time from the file's change to the new frame on the terminal (target: 50 ms), median.
// The machine is shared: figures are same-run ratios and medians. Only processes it started are
// ended, by PID.
import {spawn, spawnSync} from 'node:child_process'
import {closeSync, mkdtempSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : fallback
}
const RESOURCES = Number(arg('--resources', '1000'))
const RUNS = Number(arg('--runs', '5'))
const work = mkdtempSync(join(tmpdir(), 'hakit-bench-status-'))
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function cib(resources, epoch) {
  const nodes = ['n1', 'n2']
  const prims = Array.from({length: resources}, (_, i) => `      <primitive id="d${i}" class="ocf" provider="pacemaker" type="Dummy"><operations><op id="d${i}-mon" name="monitor" interval="10s"/></operations></primitive>`)
  const history = (node, k) => Array.from({length: resources}, (_, i) => i % 2 !== k ? '' : `          <lrm_resource id="d${i}" class="ocf" provider="pacemaker" type="Dummy">
            <lrm_rsc_op id="d${i}_last_0" operation_key="d${i}_start_0" operation="start" crm-debug-origin="do_update_resource" crm_feature_set="3.16.2" transition-key="${i}:1:0:bench" transition-magic="0:0;${i}:1:0:bench" exit-reason="" on_node="${node}" call-id="${i + 10}" rc-code="0" op-status="0" interval="0" last-rc-change="1700000000" exec-time="12" queue-time="0"/>
            <lrm_rsc_op id="d${i}_monitor_10000" operation_key="d${i}_monitor_10000" operation="monitor" crm-debug-origin="do_update_resource" crm_feature_set="3.16.2" transition-key="${i}:1:0:bench" transition-magic="0:0;${i}:1:0:bench" exit-reason="" on_node="${node}" call-id="${i + 20000}" rc-code="0" op-status="0" interval="10000" last-rc-change="1700000001" exec-time="5" queue-time="0"/>
          </lrm_resource>`).filter(Boolean).join('\n')
  return `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="${epoch}" num_updates="0" admin_epoch="0" cib-last-written="Sun Dec  6 04:00:00 2026" update-origin="n1" update-client="cibadmin" have-quorum="1" dc-uuid="1">
  <configuration>
    <crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="o1" name="stonith-enabled" value="false"/><nvpair id="o2" name="cluster-infrastructure" value="corosync"/></cluster_property_set></crm_config>
    <nodes>${nodes.map((n, i) => `<node id="${i + 1}" uname="${n}"/>`).join('')}</nodes>
    <resources>
${prims.join('\n')}
    </resources>
    <constraints/>
  </configuration>
  <status>
${nodes.map((n, k) => `    <node_state id="${k + 1}" uname="${n}" in_ccm="true" crmd="online" crm-debug-origin="do_state_transition" join="member" expected="member">
      <lrm id="${k + 1}">
        <lrm_resources>
${history(n, k)}
        </lrm_resources>
      </lrm>
    </node_state>`).join('\n')}
  </status>
</cib>
`
}

function timeRun(cmd, args, env) {
  const t = process.hrtime.bigint()
  const r = spawnSync(cmd, args, {encoding: 'utf8', env: {...process.env, ...env}, maxBuffer: 64 * 1024 * 1024})
  const ms = Number(process.hrtime.bigint() - t) / 1e6
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`)
  return {ms, out: r.stdout}
}

async function oneShot() {
  const file = join(work, 'cib.xml')
  writeFileSync(file, cib(RESOURCES, 1))
  const hakit = []
  const real = []
  let same
  for (let i = 0; i < RUNS; i++) {
    const a = timeRun('crm_mon', ['-1', '-r'], {CIB_file: file})
    const b = timeRun(process.execPath, [join(root, 'bin', 'run.js'), 'crm', 'status', '-1', '-r'], {CIB_file: file, NO_COLOR: '1'})
    real.push(a.ms)
    hakit.push(b.ms)
    const drop = (s) => s.replace(/^ {2}\* Last updated: .*$/m, '')
    same = drop(a.out) === drop(b.out)
  }
  console.log(`crm status -1 -r, ${RESOURCES} resources (${RUNS} runs, same run): hakit median ${median(hakit).toFixed(0)} ms, crm_mon median ${median(real).toFixed(0)} ms, ratio ${(median(hakit) / median(real)).toFixed(2)}x (target <= 2x); outputs identical: ${same}`)
}

async function redraw(resources) {
  if (spawnSync('sh', ['-c', 'command -v script']).status !== 0) return console.log('redraw: skipped (no script command)')
  const file = join(work, `live-${resources}.xml`)
  let epoch = 1
  writeFileSync(file, cib(resources, epoch))
  const log = join(work, `typescript-${resources}`)
  const child = spawn('script', ['-qfc', `${process.execPath} ${join(root, 'bin', 'run.js')} crm status`, log], {
    env: {...process.env, CIB_file: file, NO_COLOR: '1', COLUMNS: '120', LINES: '50'}, stdio: ['pipe', 'ignore', 'ignore'],
  })
  // count frames by reading only what the terminal log gained (re-reading it all would load the CPU we measure)
  let seen = 0
  let count = 0
  let tail = ''
  const frames = () => {
    let size = 0
    try { size = statSync(log).size } catch { return 0 }
    if (size > seen) {
      const fd = openSync(log, 'r')
      const buf = Buffer.alloc(size - seen)
      readSync(fd, buf, 0, buf.length, seen)
      closeSync(fd)
      seen = size
      const text = tail + buf.toString('latin1')
      count += text.split('\x1b[H\x1b[2J').length - 1
      tail = text.slice(-6) // a marker cut in two is completed by the next read, never counted twice
    }
    return count
  }
  const waitFrames = async (n) => {
    const deadline = Date.now() + 120_000
    while (frames() < n) {
      if (Date.now() > deadline) throw new Error('no redraw within 120 s')
      await sleep(1)
    }
  }
  try {
    await waitFrames(1)
    const latencies = []
    const WARMUP = 2
    for (let i = 0; i < WARMUP + RUNS * 2; i++) {
      await sleep(500)
      const before = frames()
      epoch++
      const text = cib(resources, epoch)
      // write a complete file and rename it in place, as atomic writers do
      writeFileSync(`${file}.tmp`, text)
      const t = process.hrtime.bigint()
      renameSync(`${file}.tmp`, file)
      await waitFrames(before + 1)
      if (i >= WARMUP) latencies.push(Number(process.hrtime.bigint() - t) / 1e6)
      await sleep(300) // let a second file event's redraw finish before the next change
    }
    console.log(`live view redraw after a CIB change, ${resources} resources (${latencies.length} changes after ${WARMUP} warm-up): median ${median(latencies).toFixed(0)} ms (target 50 ms); all: ${latencies.map((x) => x.toFixed(0)).join(' ')}`)
  } finally {
    child.stdin.write('q')
    await Promise.race([new Promise((r) => child.on('exit', r)), sleep(5000)])
    if (child.exitCode === null) child.kill('SIGTERM')
  }
}

try {
  if (spawnSync('sh', ['-c', 'command -v crm_mon']).status !== 0) console.log('one-shot: skipped (crm_mon not installed: the reference)')
  else await oneShot()
  await redraw(20)
  await redraw(RESOURCES)
} finally {
  rmSync(work, {recursive: true, force: true})
}
