#!/usr/bin/env node
// bench/scheduler.mjs: hakit's scheduler against crm_simulate 2.1.5 on big CIBs.
//
// 16 nodes and N primitives: half in groups of four with a preferred node, a fifth
// live-migratable (allow-migrate) with a preferred node, a tenth as clones (clone-max 2),
// the rest plain; every primitive uses cpu=1 of the nodes' capacity under
// placement-strategy=balanced, and stickiness is 100. Three scenarios per size: fresh start
// (nothing running), steady state with node1 put in standby (groups move, migratable
// primitives migrate), steady state with node1 lost (in_ccm=false, no fencing configured).
// The steady state is the placement hakit computes for the fresh start, written as history.
//
// Printed: hakit's scheduler in process (parse + schedule, CPU time, median of 3 after a warm-up) at
// every size; crm_simulate -R once per CIB up to --oracle-max primitives (it is slow: minutes at
// 2 000 on a loaded machine); whether the Transition Summaries agree; hakit as a fresh CLI
// process (`bin/hakit crm simulate -x F -R`, what an admin runs; median of 3) at the sizes
// crm_simulate runs, against that crm_simulate -R run (wall, and CPU time via /usr/bin/time);
// the growth per doubling. All ratios are same-run figures: the machine is shared, absolute times are noise.
//
// Usage: npm run -s build && node bench/scheduler.mjs [--sizes 500,1000,2000,8000] [--oracle-max 1000] [--keep DIR] [--fuzz COUNT]

import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const shared = path.join(root, '..', 'shared', 'tools', 'scheduler')
const args = process.argv.slice(2)
const opt = (k, d) => { const i = args.indexOf(`--${k}`); return i >= 0 ? args[i + 1] : d }
const sizes = opt('sizes', '500,1000,2000,8000').split(',').map(Number).filter((n) => n > 0)
const oracleMax = Number(opt('oracle-max', '1000'))
// --fuzz COUNT: also the random differential (sched-fuzz --seed 1 --count COUNT) through the CLI
const fuzzCount = Number(opt('fuzz', '0'))

const {parseCibXml} = await import(path.join(root, 'dist', 'formats', 'cib', 'xml.js'))
const {schedule} = await import(path.join(root, 'dist', 'runtime', 'scheduler', 'index.js'))
const lib = await import(path.join(shared, 'sched-lib.mjs'))

const haveOracle = spawnSync('sh', ['-c', 'command -v crm_simulate'], {encoding: 'utf8'}).status === 0
if (!haveOracle) console.log('crm_simulate not installed: hakit timings only')
const haveTime = fs.existsSync('/usr/bin/time')

const NODES = 16
const FEATURE_SET = '3.16.1'
const UUID = 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx'
// op-digests of a parameterless ocf:pacemaker:Dummy start and its 10 s/20 s monitor (crm_simulate 2.1.5)
const DIGEST = {start: 'f2317cad3d54cec5d7d7aa7d0bf35cf8', monitor: '4811cef7f7f94e3a35a70be7916cb2fd'}
const OPS = '<operations><op id="ID-monitor-10s" name="monitor" interval="10s" timeout="20s"/></operations>'

// --keep DIR keeps the generated CIBs there (to look at, or to profile)
const keep = opt('keep', undefined)
const tmp = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hakit-bench-sched-'))
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
const ms = (x) => (x === undefined ? '-' : `${x.toFixed(0)} ms`).padStart(10)

function primitive(id, meta = '') {
  return `<primitive id="${id}" class="ocf" provider="pacemaker" type="Dummy">${meta}${OPS.replace('ID', id)}`
    + `<utilization id="${id}-util"><nvpair id="${id}-util-cpu" name="cpu" value="1"/></utilization></primitive>\n`
}

/** The configuration: resources (ids of their primitives in `prims`) and constraints. */
function configuration(n) {
  const groups = Math.floor(n / 2 / 4)
  const migratable = Math.floor(n / 5)
  const clones = Math.floor(n / 10)
  const plain = n - groups * 4 - migratable - clones
  let rsc = ''
  let cons = ''
  const pref = (id, i) => { cons += `<rsc_location id="loc-${id}" rsc="${id}" node="node${((i * 7) % NODES) + 1}" score="${50 + (i % 5) * 10}"/>\n` }
  for (let g = 1; g <= groups; g++) {
    rsc += `<group id="grp${g}">\n`
    for (let j = 1; j <= 4; j++) rsc += primitive(`g${g}r${j}`)
    rsc += '</group>\n'
    pref(`grp${g}`, g)
  }
  for (let i = 1; i <= migratable; i++) {
    rsc += primitive(`mig${i}`, `<meta_attributes id="mig${i}-meta"><nvpair id="mig${i}-am" name="allow-migrate" value="true"/></meta_attributes>`)
    pref(`mig${i}`, i + 3)
  }
  for (let i = 1; i <= clones; i++) {
    rsc += `<clone id="cl${i}"><meta_attributes id="cl${i}-meta"><nvpair id="cl${i}-max" name="clone-max" value="2"/></meta_attributes>\n${primitive(`c${i}`)}</clone>\n`
  }
  for (let i = 1; i <= plain; i++) rsc += primitive(`p${i}`)
  // room for every primitive and clone instance with a node to spare
  const capacity = Math.ceil(((n + clones) * 1.5) / NODES)
  return {rsc, cons, capacity}
}

function bigCib(n, {running = null, standby = false, lost = false} = {}) {
  const {rsc, cons, capacity} = configuration(n)
  let x = `<cib crm_feature_set="${FEATURE_SET}" validate-with="pacemaker-3.7" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="2">\n<configuration>\n`
    + '<crm_config><cluster_property_set id="cib-bootstrap-options">'
    + '<nvpair id="o-stonith" name="stonith-enabled" value="false"/><nvpair id="o-nqp" name="no-quorum-policy" value="stop"/>'
    + '<nvpair id="o-ps" name="placement-strategy" value="balanced"/></cluster_property_set></crm_config>\n<nodes>\n'
  for (let i = 1; i <= NODES; i++) {
    x += `<node id="${i}" uname="node${i}"><utilization id="n${i}-util"><nvpair id="n${i}-cpu" name="cpu" value="${capacity}"/></utilization>`
    if (standby && i === 1) x += '<instance_attributes id="n1-attrs"><nvpair id="n1-standby" name="standby" value="on"/></instance_attributes>'
    x += '</node>\n'
  }
  x += `</nodes>\n<resources>\n${rsc}</resources>\n<constraints>\n${cons}</constraints>\n`
    + '<rsc_defaults><meta_attributes id="rsc-options"><nvpair id="rsc-options-stickiness" name="resource-stickiness" value="100"/></meta_attributes></rsc_defaults>\n'
    + '</configuration>\n<status>\n'
  for (let i = 1; i <= NODES; i++) {
    const inCcm = !(lost && i === 1)
    x += `<node_state id="${i}" uname="node${i}" in_ccm="${inCcm}" crmd="${inCcm ? 'online' : 'offline'}" join="member" expected="member">\n<lrm id="${i}"><lrm_resources>\n`
    let call = 0
    for (const [id, node] of running ?? []) {
      if (node !== `node${i}`) continue
      const op = (task, interval, digest) => {
        const key = `${++call}:0:0:${UUID}`
        const opKey = `${id}_${task}_${interval}`
        return `<lrm_rsc_op id="${interval ? opKey : `${id}_last_0`}" operation_key="${opKey}" operation="${task}" crm_feature_set="${FEATURE_SET}" transition-key="${key}" `
          + `transition-magic="0:0;${key}" on_node="node${i}" call-id="${call}" rc-code="0" op-status="0" interval="${interval}" last-rc-change="1700000000" exec-time="10" queue-time="0" op-digest="${digest}"/>`
      }
      x += `<lrm_resource id="${id}" class="ocf" provider="pacemaker" type="Dummy">${op('start', 0, DIGEST.start)}${op('monitor', 10000, DIGEST.monitor)}</lrm_resource>\n`
    }
    x += '</lrm_resources></lrm>\n</node_state>\n'
  }
  return `${x}</status>\n</cib>\n`
}

/** Where hakit places every primitive (clone instances under the primitive's id, as the history names them). */
function steadyPlacement(freshFile) {
  const text = fs.readFileSync(freshFile, 'utf8')
  const t = schedule(parseCibXml(text, freshFile))
  const running = []
  for (const p of t.placement) if (p.next) running.push([p.resource.replace(/:\d+$/, ''), p.next])
  return running
}

function timeInProcess(file) {
  const text = fs.readFileSync(file, 'utf8')
  let tr = schedule(parseCibXml(text, file)) // warm-up (JIT), not timed
  const times = []
  for (let i = 0; i < 3; i++) {
    // CPU time of this process (the machine is shared: wall time mostly measures the other jobs)
    const c0 = process.cpuUsage()
    tr = schedule(parseCibXml(text, file))
    const c = process.cpuUsage(c0)
    times.push((c.user + c.system) / 1000)
  }
  return {ms: median(times), summary: tr.summary}
}

/** A whole process, as an admin runs it: wall time and (with /usr/bin/time) CPU time. */
function timeProcess(cmd, argv) {
  const t0 = process.hrtime.bigint()
  const r = haveTime
    ? spawnSync('/usr/bin/time', ['-f', '%U %S', cmd, ...argv], {encoding: 'utf8', maxBuffer: 1 << 30})
    : spawnSync(cmd, argv, {encoding: 'utf8', maxBuffer: 1 << 30})
  const wall = Number(process.hrtime.bigint() - t0) / 1e6
  const cpu = haveTime ? (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number).reduce((a, b) => a + b, 0) * 1000 : undefined
  return {wall, cpu, status: r.status, stdout: r.stdout}
}

const cliWithV8Defaults = `const {execute} = await import(${JSON.stringify(path.join(root, 'dist', 'bundle', 'cli', 'entry.js'))}); `
  + `await execute({dir: ${JSON.stringify(`file://${path.join(root, 'bin', 'run.js')}`)}, args: process.argv.slice(1)})`

const rows = []
try {
  for (const n of sizes) {
    const dir = path.join(tmp, String(n))
    fs.mkdirSync(dir, {recursive: true})
    const fresh = path.join(dir, 'fresh.xml')
    fs.writeFileSync(fresh, bigCib(n))
    const running = steadyPlacement(fresh)
    const scenarios = [['fresh start', fresh]]
    for (const [name, o] of [['steady, 1 standby', {standby: true}], ['steady, 1 lost', {lost: true}]]) {
      const f = path.join(dir, `${name.replace(/\W+/g, '-')}.xml`)
      fs.writeFileSync(f, bigCib(n, {running, ...o}))
      scenarios.push([name, f])
    }
    for (const [name, file] of scenarios) {
      const h = timeInProcess(file)
      const row = {n, scenario: name, actions: h.summary.length, hakitMs: h.ms}
      if (haveOracle && n <= oracleMax) {
        // crm_simulate -R: compute the transition and print it (hakit prints a revised status on top)
        const sim = timeProcess('crm_simulate', ['-x', file, '-R'])
        row.crmMs = sim.cpu ?? sim.wall
        row.crmWall = sim.wall
        row.oracleCpu = sim.cpu
        const parsed = lib.parseSummaryText(sim.stdout)
        const cmp = parsed ? lib.compareActionLists(parsed.actions, h.summary) : null
        row.match = !cmp ? 'no oracle output' : cmp.ordered ? 'exact' : cmp.unordered ? 'order' : `DIFF (${cmp.missing.length} missing, ${cmp.extra.length} extra)`
        // the CLI as a fresh process (CPU time where /usr/bin/time exists)
        const cli = []
        for (let i = 0; i < 3; i++) cli.push(timeProcess(path.join(root, 'bin', 'hakit'), ['crm', 'simulate', '-x', file, '-R']))
        row.cliWall = median(cli.map((c) => c.wall))
        row.cliCpu = haveTime ? median(cli.map((c) => c.cpu)) : undefined
        // the same bundle started without bin/run.js's V8 setting (its optimising compiler at the default eagerness)
        const v8Defaults = []
        for (let i = 0; i < 3; i++) v8Defaults.push(timeProcess(process.execPath, ['--input-type=module', '-e', cliWithV8Defaults, 'crm', 'simulate', '-x', file, '-R']))
        row.defaultsCpu = haveTime ? median(v8Defaults.map((c) => c.cpu)) : undefined
      }
      rows.push(row)
      console.error(`  measured ${n} ${name}`)
    }
  }
  console.log('hakit scheduler vs crm_simulate 2.1.5: 16 nodes, groups/migratable/clones/plain, utilization (balanced), stickiness')
  console.log('hakit in process: parse + schedule, CPU time, median of 3 after a warm-up; crm_simulate -R once, CPU time (wall without /usr/bin/time)')
  console.log('primitives  scenario           actions  crm_simulate      hakit   speed-up  summary')
  for (const r of rows) {
    const ratio = r.crmMs ? `${(r.crmMs / r.hakitMs).toFixed(0)}x`.padStart(8) : '-'.padStart(8)
    console.log(`${String(r.n).padStart(10)}  ${r.scenario.padEnd(17)} ${String(r.actions).padStart(7)}  ${ms(r.crmMs)} ${ms(r.hakitMs)}   ${ratio}  ${r.match ?? '-'}`)
  }
  const cliRows = rows.filter((r) => r.cliWall !== undefined)
  if (cliRows.length) {
    console.log('\nfresh CLI process (bin/hakit crm simulate -x F -R: the installed command, from its startup snapshot when built; median of 3) vs crm_simulate -x F -R (once), same run')
    console.log('primitives  scenario           hakit wall  crm_sim wall  ratio   hakit cpu  crm_sim cpu  ratio   cpu with V8 defaults (ratio)')
    for (const r of cliRows) {
      const cpuRatio = r.cliCpu !== undefined && r.oracleCpu ? (r.cliCpu / r.oracleCpu).toFixed(3) : '-'
      console.log(`${String(r.n).padStart(10)}  ${r.scenario.padEnd(17)} ${ms(r.cliWall)}  ${ms(r.crmWall)}  ${(r.cliWall / r.crmWall).toFixed(3).padStart(6)}  ${ms(r.cliCpu)}  ${ms(r.oracleCpu)}  ${cpuRatio.padStart(6)}  ${ms(r.defaultsCpu)} (${r.defaultsCpu && r.oracleCpu ? (r.defaultsCpu / r.oracleCpu).toFixed(3) : '-'})`)
    }
  }
  const byScenario = new Map()
  for (const r of rows) { if (!byScenario.has(r.scenario)) byScenario.set(r.scenario, []); byScenario.get(r.scenario).push(r) }
  for (const [name, list] of byScenario) {
    const g = []
    for (let i = 1; i < list.length; i++) {
      const k = Math.log(list[i].n / list[i - 1].n)
      g.push(`${list[i - 1].n}->${list[i].n}: x${(list[i].hakitMs / list[i - 1].hakitMs).toFixed(2)} (exponent ${(Math.log(list[i].hakitMs / list[i - 1].hakitMs) / k).toFixed(2)})`)
    }
    if (g.length) console.log(`growth, hakit in process, ${name}: ${g.join('; ')}`)
  }
  if (fuzzCount > 0) {
    const r = spawnSync(process.execPath, [path.join(shared, 'sched-fuzz.mjs'), '--seed', '1', '--count', String(fuzzCount), '--no-xml-check', '--cmd', `${process.execPath} ${path.join(root, 'scripts', 'json-result.mjs')} crm simulate`], {encoding: 'utf8', maxBuffer: 1 << 28})
    console.log(r.stdout.split('\n').filter((l) => /exact match|different order|different actions/.test(l)).join('\n'))
  }
} finally {
  if (!keep) fs.rmSync(tmp, {recursive: true, force: true})
}
