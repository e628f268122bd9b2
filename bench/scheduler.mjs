#!/usr/bin/env node
// bench/scheduler.mjs: hakit's scheduler against crm_simulate 2.1.5 on big CIBs.
//
// 16 nodes, N primitives in groups of four with location constraints and
// stickiness, built by ../shared/tools/scheduler/sched-fuzz.mjs --big. For each
// size three scenarios: fresh start (nothing running), steady state with one
// node put in standby, and steady state with one node failing (in_ccm=false,
// as crm_simulate --node-fail does). crm_simulate -R is timed once per CIB
// (it is slow), hakit's in-process parse+schedule as the median of 5 runs
// after one warm-up run,
// and both summaries are compared.
//
// Usage: npm run -s build && node bench/scheduler.mjs [--sizes 500,1000,2000] [--skip-2000]
//        [--fuzz COUNT]   also run the random differential (sched-fuzz --seed 1 --count COUNT)

import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const shared = path.join(root, '..', 'shared', 'tools', 'scheduler')
const args = process.argv.slice(2)
const opt = (k, d) => { const i = args.indexOf(`--${k}`); return i >= 0 ? args[i + 1] : d }
let sizes = opt('sizes', '500,1000,2000').split(',').map(Number).filter((n) => n > 0)
if (args.includes('--skip-2000')) sizes = sizes.filter((n) => n < 2000)
const fuzzCount = Number(opt('fuzz', '0'))

const {parseCibXml} = await import(path.join(root, 'dist', 'formats', 'cib', 'xml.js'))
const {schedule} = await import(path.join(root, 'dist', 'runtime', 'scheduler', 'index.js'))
const lib = await import(path.join(shared, 'sched-lib.mjs'))

const have = spawnSync('sh', ['-c', 'command -v crm_simulate'], {encoding: 'utf8'}).status === 0
if (!have) { console.log('crm_simulate not installed: nothing to compare against'); process.exit(0) }

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hakit-bench-sched-'))
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
const ms = (x) => `${x.toFixed(1)} ms`.padStart(11)

function timeHakit(file) {
  const text = fs.readFileSync(file, 'utf8')
  const times = []
  let tr = schedule(parseCibXml(text, file)) // warm-up (JIT), not timed
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint()
    tr = schedule(parseCibXml(text, file))
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  return {ms: median(times), actions: tr.summary}
}

function failingVariant(standbyFile) {
  // steady state with node1 failing instead of in standby
  let x = fs.readFileSync(standbyFile, 'utf8')
  x = x.replace(/<nvpair[^>]*name="standby"[^>]*\/>/g, '')
  x = x.replace(/(<node_state id="1" uname="node1" )in_ccm="true"/, '$1in_ccm="false"')
  const f = standbyFile.replace('-standby.xml', '-failing.xml')
  fs.writeFileSync(f, x)
  return f
}

const rows = []
try {
  for (const n of sizes) {
    const out = path.join(tmp, String(n))
    const r = spawnSync(process.execPath, [path.join(shared, 'sched-fuzz.mjs'), '--big', String(n), '--repeat', '1', '--out', out, '--report', path.join(out, 'report.json')], {encoding: 'utf8', maxBuffer: 1 << 28})
    if (r.status !== 0 && !fs.existsSync(path.join(out, 'report.json'))) { console.log(`sched-fuzz --big ${n} failed: ${r.stderr}`); continue }
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'))
    const scen = report.rows.map((row) => ({
      name: row.scenario, file: path.join(out, `big-${n}-${row.scenario.startsWith('fresh') ? 'fresh' : 'standby'}.xml`), crmMs: row.simulateMedianMs,
    }))
    const standby = scen.find((s) => s.name.includes('standby'))
    if (standby) {
      const f = failingVariant(standby.file)
      const sim = lib.runSimulate(f, [], 'crm_simulate', false)
      fs.writeFileSync(f.replace('.xml', '.json'), JSON.stringify({actions: sim.textActions ?? []}))
      scen.push({name: 'steady, 1 failing', file: f, crmMs: sim.ms})
    }
    for (const s of scen) {
      const expected = JSON.parse(fs.readFileSync(s.file.replace('.xml', '.json'), 'utf8')).actions
      const h = timeHakit(s.file)
      const cmp = lib.compareActionLists(expected, h.actions)
      rows.push({n, scenario: s.name, actions: expected.length, crmMs: s.crmMs, hakitMs: h.ms, match: cmp.ordered ? 'exact' : cmp.unordered ? 'order' : 'DIFF'})
    }
  }
  console.log('hakit scheduler vs crm_simulate 2.1.5 (16 nodes, groups of 4; crm_simulate -R once, hakit parse+schedule median of 5 after a warm-up run)')
  console.log('primitives  scenario            actions  crm_simulate        hakit    speed-up  match')
  for (const r of rows) {
    console.log(`${String(r.n).padStart(10)}  ${r.scenario.padEnd(18)} ${String(r.actions).padStart(7)}  ${ms(r.crmMs)}  ${ms(r.hakitMs)}  ${(r.crmMs / r.hakitMs).toFixed(1).padStart(7)}x  ${r.match}`)
  }
  // growth: time ratio per doubling of the size, per scenario
  const byScen = new Map()
  for (const r of rows) { if (!byScen.has(r.scenario)) byScen.set(r.scenario, []); byScen.get(r.scenario).push(r) }
  for (const [name, list] of byScen) {
    const g = []
    for (let i = 1; i < list.length; i++) {
      const k = Math.log(list[i].n / list[i - 1].n)
      g.push(`${list[i - 1].n}->${list[i].n}: hakit x${(list[i].hakitMs / list[i - 1].hakitMs).toFixed(2)} (exponent ${(Math.log(list[i].hakitMs / list[i - 1].hakitMs) / k).toFixed(2)}), crm_simulate x${(list[i].crmMs / list[i - 1].crmMs).toFixed(2)}`)
    }
    if (g.length) console.log(`growth ${name}: ${g.join('; ')}`)
  }
  if (fuzzCount > 0) {
    const r = spawnSync(process.execPath, [path.join(shared, 'sched-fuzz.mjs'), '--seed', '1', '--count', String(fuzzCount), '--no-xml-check', '--cmd', `${process.execPath} ${path.join(root, 'scripts', 'json-result.mjs')} crm simulate`], {encoding: 'utf8', maxBuffer: 1 << 28})
    console.log(r.stdout.split('\n').filter((l) => /exact match|different order|different actions/.test(l)).join('\n'))
  }
} finally {
  fs.rmSync(tmp, {recursive: true, force: true})
}
