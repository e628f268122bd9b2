#!/usr/bin/env node
// `hakit crm status` (issue 12, "Speed"):
//  1. one-shot `hakit crm status -1` on a generated 1 000-resource CIB (2 nodes, every resource
//     started with a recurring monitor in its history) against the real `crm_mon -1` with CIB_file,
//     measured in the same run: medians and their ratio (target: within 2x);
//  2. the live view's redraw latency: `hakit crm status` in a 120x50 pseudo-terminal (`script`) on a CIB
//     file; time from the file's change to the new frame on the terminal (target: 50 ms), median;
//  3. the same on a running one-node `hakit run --crm` (loopback): time from an operation result sent
//     to the daemon's socket to the new frame;
//  4. the CPU one redraw of the file view costs, in this process (steadier than latency under load).
// `node bench/crm-status.mjs --baseline DIR` (or HAKIT_BENCH_BASELINE=DIR) also measures another built
// checkout's views (and daemon), interleaved change by change with this one: a before/after ratio.
// The machine is shared: figures are same-run ratios and medians. Only processes it started are
// ended, by PID — also when it stops early (a reader closing the pipe, `| head`; a signal; an error).
import {spawn, spawnSync} from 'node:child_process'
import {closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {constants, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : fallback
}
const RESOURCES = Number(arg('--resources', '1000'))
const RUNS = Number(arg('--runs', '5'))
// --baseline DIR (or $HAKIT_BENCH_BASELINE): another built hakit checkout, measured in the same run, interleaved
const BASELINE = arg('--baseline', process.env.HAKIT_BENCH_BASELINE)
const IMPLS = [['this', root], ...(BASELINE ? [['baseline', BASELINE]] : [])]
const work = mkdtempSync(join(tmpdir(), 'hakit-bench-status-'))
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

// Every child process still running (daemons, the views' terminals): whatever way this process
// ends, none outlives it. The normal path stops them itself; this is for the early exits.
const children = new Set()
function track(proc) {
  children.add(proc)
  proc.once('exit', () => children.delete(proc))
  return proc
}
process.on('exit', () => {
  for (const proc of children) proc.kill('SIGKILL')
  try { rmSync(work, {recursive: true, force: true}) } catch { /* a killed daemon may still be writing: best effort */ }
})
// A reader that closed the pipe (`| head`): nothing more can be reported. Without this handler the
// EPIPE error killed the bench at its next line, before its finally blocks stopped the daemons.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error
  process.exit(0)
})
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(128 + constants.signals[signal]))
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

/** A live view in a 120x50 pseudo-terminal (`script`); frames are counted in the terminal's log. */
class LiveView {
  static count = 0
  constructor(name, cliRoot, args, env) {
    // a terminal log of its own (--resources 20 draws the 20-resource file view twice: a shared log counted old frames)
    this.log = join(work, `typescript-${name}-${++LiveView.count}`)
    this.child = track(spawn('script', ['-qfc', `${process.execPath} ${join(cliRoot, 'bin', 'run.js')} crm status ${args}`, this.log], {
      env: {...process.env, NO_COLOR: '1', COLUMNS: '120', LINES: '50', ...env}, stdio: ['pipe', 'ignore', 'ignore'],
    }))
    this.seen = 0
    this.count = 0
    this.tail = ''
  }

  // reads only what the terminal log gained (re-reading it all would load the CPU we measure)
  frames() {
    let size = 0
    try { size = statSync(this.log).size } catch { return 0 }
    if (size > this.seen) {
      const fd = openSync(this.log, 'r')
      const buf = Buffer.alloc(size - this.seen)
      readSync(fd, buf, 0, buf.length, this.seen)
      closeSync(fd)
      this.seen = size
      const text = this.tail + buf.toString('latin1')
      this.count += text.split('\x1b[H\x1b[2J').length - 1
      this.tail = text.slice(-6) // a marker cut in two is completed by the next read, never counted twice
    }
    return this.count
  }

  async waitFrames(n) {
    const deadline = Date.now() + 120_000
    while (this.frames() < n) {
      if (Date.now() > deadline) throw new Error('no redraw within 120 s')
      await sleep(1)
    }
  }

  async quit() {
    this.child.stdin.write('q')
    await Promise.race([new Promise((r) => this.child.on('exit', r)), sleep(5000)])
    if (this.child.exitCode === null) this.child.kill('SIGTERM')
  }
}

/**
 * Changes, one implementation after the other (interleaved, so a change of the machine's load
 * hits all alike), each timed from the change to the new frame on its terminal.
 */
async function measure(views, change) {
  await Promise.all(views.map((v) => v.view.waitFrames(1)))
  const latencies = views.map(() => [])
  const WARMUP = 2
  for (let i = 0; i < WARMUP + RUNS * 2; i++) {
    for (const [k, v] of views.entries()) {
      await sleep(300)
      const before = v.view.frames()
      const t = await change(v, i)
      await v.view.waitFrames(before + 1)
      if (i >= WARMUP) latencies[k].push(Number(process.hrtime.bigint() - t) / 1e6)
      await sleep(200) // let a second event's redraw finish before the next change
    }
  }
  return latencies
}

function report(what, views, latencies) {
  const medians = latencies.map(median)
  for (const [k, v] of views.entries()) {
    const ratio = k > 0 ? `, this/baseline ${(medians[0] / medians[k]).toFixed(2)}` : ''
    console.log(`${what}, ${v.label}: median ${medians[k].toFixed(0)} ms (target 50 ms)${k > 0 ? ratio : ''}; all: ${latencies[k].map((x) => x.toFixed(0)).join(' ')}`)
  }
}

/** The view of a CIB file: each change writes the whole file anew and renames it in place, as atomic writers do. */
async function redrawFile(resources) {
  const views = IMPLS.map(([label, cliRoot]) => {
    const file = join(work, `live-${resources}-${label}.xml`)
    writeFileSync(file, cib(resources, 1))
    return {label, file, epoch: 1, view: new LiveView(`file-${resources}-${label}`, cliRoot, '', {CIB_file: file})}
  })
  try {
    const latencies = await measure(views, async (v) => {
      const text = cib(resources, ++v.epoch)
      writeFileSync(`${v.file}.tmp`, text)
      const t = process.hrtime.bigint()
      renameSync(`${v.file}.tmp`, v.file)
      return t
    })
    report(`live view of a CIB file, redraw after a change, ${resources} resources (${RUNS * 2} changes each after 2 warm-up)`, views, latencies)
  } finally {
    await Promise.all(views.map((v) => v.view.quit()))
  }
}

/**
 * The CPU one redraw of a CIB file's live view costs (read, render, frame), in this process with a
 * stand-in terminal: steadier than the latency on a loaded machine. Interleaved per implementation.
 */
async function redrawCpu(resources) {
  const {PassThrough, Writable} = await import('node:stream')
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000 }
  const views = []
  for (const [label, cliRoot] of IMPLS) {
    const dist = join(cliRoot, 'dist')
    const {CibReadMemo} = await import(join(dist, 'formats', 'cib', 'xml.js'))
    const {loadTarget} = await import(join(dist, 'runtime', 'crm', 'admin', 'apply.js'))
    const live = await import(join(dist, 'cli', 'crm-status-live.js'))
    const file = join(work, `cpu-${label}.xml`)
    writeFileSync(file, cib(resources, 1))
    // an older checkout has no memo: its view reads the CIB as it always did
    const memo = CibReadMemo ? new CibReadMemo() : undefined
    const v = {label, file, epoch: 1, total: 0, frame: undefined, trigger: undefined}
    const out = new Writable({write(chunk, _enc, cb) { if (String(chunk).includes('\x1b[2J')) v.frame?.(); cb() }})
    out.columns = 120
    out.rows = 50
    v.input = new PassThrough()
    const subscribed = new Promise((resolve) => (v.subscribed = resolve))
    const source = {read: () => loadTarget({kind: 'file', path: file}, memo), readMayBePartial: true, async subscribe(onChange) { v.trigger = onChange; v.subscribed(); return () => {} }}
    v.running = live.runLiveStatus(source, {}, out, v.input)
    await subscribed
    views.push(v)
  }
  const CHANGES = 40
  const WARMUP = 10
  for (let i = 0; i < WARMUP + CHANGES; i++) {
    for (const v of views) {
      writeFileSync(v.file, cib(resources, ++v.epoch))
      const drawn = new Promise((r) => (v.frame = r))
      const before = cpu()
      v.trigger()
      await drawn
      if (i >= WARMUP) v.total += cpu() - before
    }
  }
  for (const v of views) {
    v.input.write('q')
    await v.running
  }
  const per = views.map((v) => v.total / CHANGES)
  console.log(`live view of a CIB file, CPU per redraw (read, render, frame; in-process, ${CHANGES} changes each): ${views.map((v, k) => `${v.label} ${per[k].toFixed(1)} ms`).join(', ')}${views.length > 1 ? `, this/baseline ${(per[0] / per[1]).toFixed(2)}` : ''}`)
}

/**
 * The view of a running one-node `hakit run --crm` (loopback, its own port): the resources are
 * unmanaged (maintenance-mode) and never probed (probe_complete=false), so the daemon runs no
 * agent; their history (a start each) is loaded as a join would load it. Each change is one
 * operation result recorded (a monitor's, as the executor reports them), sent over the socket.
 */
async function redrawDaemon(resources) {
  const {crmRequest} = await import(join(root, 'dist', 'runtime', 'crm', 'socket.js'))
  const daemons = []
  try {
    for (const [k, [label, cliRoot]] of IMPLS.entries()) {
      const dir = join(work, `daemon-${label}`)
      const address = `127.0.${100 + ((process.pid + k) % 100)}.2`
      for (const d of ['ha.d', 'state', 'run']) mkdirSync(join(dir, d), {recursive: true})
      writeFileSync(join(dir, 'ha.d', 'ha.cf'), ['logfile ' + join(dir, 'ha-log'), 'keepalive 1', 'deadtime 10', 'initdead 10', `udpport ${20_000 + ((process.pid * 7 + k) % 20_000)}`, `ucast lo ${address}`, 'crm respawn', 'node n1', ''].join('\n'))
      writeFileSync(join(dir, 'ha.d', 'authkeys'), 'auth 1\n1 sha1 bench-crm-status\n', {mode: 0o600})
      const prims = Array.from({length: resources}, (_, i) => `<primitive id="d${i}" class="ocf" provider="pacemaker" type="Dummy"><operations><op id="d${i}-mon" name="monitor" interval="10s"/></operations></primitive>`)
      writeFileSync(join(dir, 'cib.xml'), `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0"><configuration><crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/><nvpair id="o2" name="maintenance-mode" value="true"/><nvpair id="o3" name="dc-deadtime" value="2s"/></cluster_property_set></crm_config><nodes><node id="n1" uname="n1"><instance_attributes id="n1-ia"><nvpair id="n1-ia-pc" name="probe_complete" value="false"/></instance_attributes></node></nodes><resources>${prims.join('\n')}</resources><constraints/></configuration><status/></cib>`)
      const socket = join(dir, 'state', 'crm.sock')
      const proc = track(spawn(process.execPath, [join(cliRoot, 'bin', 'run.js'), 'run', '--crm', '--config-dir', join(dir, 'ha.d'), '--node', 'n1', '--state-dir', join(dir, 'state'), '--bind', address, '--socket', socket, '--cib', join(dir, 'cib.xml')], {
        stdio: 'ignore', env: {...process.env, NO_COLOR: '1', HA_VARRUN: join(dir, 'run')},
      }))
      daemons.push({label, cliRoot, dir, socket, proc, call: 100_000})
    }
    const op = (i, call, rc = 0) => ({
      id: `d${i}_monitor_10000`, operation: 'monitor', attributes: {id: `d${i}_monitor_10000`, operation_key: `d${i}_monitor_10000`, operation: 'monitor', 'crm-debug-origin': 'do_update_resource', crm_feature_set: '3.16.2', 'transition-key': `${i}:2:0:bench`, 'transition-magic': `0:${rc};${i}:2:0:bench`, 'exit-reason': '', on_node: 'n1', 'call-id': String(call), 'rc-code': String(rc), 'op-status': '0', interval: '10000', 'last-rc-change': '1700000001', 'exec-time': '5', 'queue-time': '0'},
    })
    const start = (i) => ({...op(i, i + 10), id: `d${i}_last_0`, operation: 'start', attributes: {...op(i, i + 10).attributes, id: `d${i}_last_0`, operation_key: `d${i}_start_0`, operation: 'start', interval: '0'}})
    const resource = (i) => ({id: `d${i}`, class: 'ocf', provider: 'pacemaker', type: 'Dummy'})
    for (const d of daemons) {
      const deadline = Date.now() + 120_000
      for (;;) {
        const status = await crmRequest(d.socket, {op: 'status'}, 5000).catch(() => undefined)
        if (status?.ok && status.status.dc) break
        if (Date.now() > deadline) throw new Error(`${d.label}: the daemon has no DC after 120 s`)
        await sleep(200)
      }
      const lrm = Array.from({length: resources}, (_, i) => ({...resource(i), operations: [start(i), op(i, i + 20_000)]}))
      const answer = await crmRequest(d.socket, {op: 'submit', change: {op: 'node-lrm', id: 'n1', uname: 'n1', lrm}})
      if (!answer.ok) throw new Error(`${d.label}: history refused: ${answer.error}`)
    }
    const views = daemons.map((d) => ({...d, view: new LiveView(`daemon-${resources}-${d.label}`, d.cliRoot, `--socket ${d.socket}`, {CIB_file: ''})}))
    try {
      const latencies = await measure(views, async (v, i) => {
        const t = process.hrtime.bigint()
        const k = (i * 37) % resources
        // every other change a failed monitor (the view shows it), else it recovers
        const answer = await crmRequest(v.socket, {op: 'submit', change: {op: 'lrm-op', id: 'n1', uname: 'n1', resource: resource(k), record: op(k, ++v.call, i % 2 ? 0 : 7)}})
        if (!answer.ok) throw new Error(`${v.label}: change refused: ${answer.error}`)
        return t
      })
      report(`live view of a running one-node cluster, redraw after an operation result, ${resources} resources (${RUNS * 2} changes each after 2 warm-up)`, views, latencies)
    } finally {
      await Promise.all(views.map((v) => v.view.quit()))
    }
  } catch (error) {
    for (const d of daemons) console.log(`${d.label}'s daemon log, last lines:\n${readFileSync(join(d.dir, 'ha-log'), 'utf8').split('\n').slice(-15).join('\n')}`)
    throw error
  } finally {
    for (const d of daemons) {
      if (d.proc.exitCode !== null || d.proc.signalCode !== null) continue
      const exited = new Promise((r) => d.proc.once('exit', r))
      d.proc.kill('SIGTERM')
      if (await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]) === false) d.proc.kill('SIGKILL')
    }
  }
}

try {
  if (process.argv.includes('--redraw-only')) { /* the live views only */ }
  else if (spawnSync('sh', ['-c', 'command -v crm_mon']).status !== 0) console.log('one-shot: skipped (crm_mon not installed: the reference)')
  else await oneShot()
  if (spawnSync('sh', ['-c', 'command -v script']).status !== 0) console.log('redraw: skipped (no script command)')
  else {
    if (!process.argv.includes('--daemon-only')) {
      await redrawCpu(RESOURCES)
      await redrawFile(20)
      await redrawFile(RESOURCES)
    }
    if (existsSync('/usr/lib/ocf/resource.d/pacemaker/Dummy')) await redrawDaemon(RESOURCES)
    else console.log('running cluster: skipped (ocf:pacemaker:Dummy not installed)')
  }
} finally {
  rmSync(work, {recursive: true, force: true})
}
