#!/usr/bin/env node
// bench/snapshot.mjs: the CLI's start from the V8 startup snapshot (bin/hakit; scripts/snapshot/)
// against the ordinary ESM start (node bin/run.js) and crm_simulate 2.1.5, for a fresh
// `crm simulate -x F -R` on bench/scheduler.mjs's CIBs (issue 16's target: ≤ 0.1× crm_simulate's
// CPU at 1 000 primitives) and for `--version` (start-up alone).
// CPU time of the whole process (user + sys of all its threads, as bash's `times` reports for its
// child, 1 ms steps), medians; the ways alternate within every round, crm_simulate on every
// --oracle-every-th round (it takes seconds). Same-run ratios: the machine is shared.
//
// Usage: npm run -s build && node bench/snapshot.mjs [--size 1000] [--rounds 15] [--oracle-every 3]

import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const opt = (k, d) => { const i = args.indexOf(`--${k}`); return i >= 0 ? args[i + 1] : d }
const size = Number(opt('size', '1000'))
const rounds = Number(opt('rounds', '15'))
const oracleEvery = Number(opt('oracle-every', '3'))
const haveCrmSimulate = spawnSync('sh', ['-c', 'command -v crm_simulate']).status === 0

// the start from the snapshot: bin/hakit where it exists (what npm links), else node on the blob
const blob = path.join(root, 'dist', 'snapshot', 'hakit.blob')
if (!fs.existsSync(blob)) spawnSync(process.execPath, [path.join(root, 'scripts', 'snapshot', 'build.mjs')], {stdio: 'inherit'})
const fromSnapshot = fs.existsSync(path.join(root, 'bin', 'hakit')) ? [path.join(root, 'bin', 'hakit')] : [process.execPath, '--snapshot-blob', blob, '--', path.join(root, 'bin', 'run.js')]
const trace = spawnSync(fromSnapshot[0], [...fromSnapshot.slice(1), '--version'], {encoding: 'utf8', env: {...process.env, HAKIT_START_TRACE: '1'}})
if (!trace.stderr.includes('hakit start: snapshot\n')) throw new Error(`${fromSnapshot.join(' ')} does not start from the snapshot: ${trace.stderr.trim()}`)

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hakit-bench-snapshot-'))
// the CIBs of bench/scheduler.mjs (its in-process timings come along; not shown)
spawnSync(process.execPath, [path.join(root, 'bench', 'scheduler.mjs'), '--sizes', String(size), '--oracle-max', '0', '--keep', tmp], {encoding: 'utf8'})

/** Runs argv; returns its stdout and the CPU time (ms) bash's `times` reports for it. */
function run(argv) {
  const out = path.join(tmp, 'out')
  const r = spawnSync('bash', ['-c', '"$@" >"$0" 2>/dev/null; echo "rc=$?"; times', out, ...argv], {encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
  const [rc, , children] = r.stdout.trim().split('\n')
  const seconds = children.split(/\s+/).map((t) => { const [, m, s] = /^(\d+)m([\d.]+)s$/.exec(t); return Number(m) * 60 + Number(s) })
  return {rc, cpu: (seconds[0] + seconds[1]) * 1000, stdout: fs.readFileSync(out, 'utf8')}
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
const ms = (x) => `${x.toFixed(0).padStart(5)} ms`
console.log(`hakit start from the V8 snapshot (${path.basename(fromSnapshot[0])}${fromSnapshot.length > 1 ? ' --snapshot-blob' : ''}) vs the ordinary start (node bin/run.js) vs crm_simulate -x F -R`)
console.log(`CPU time of the whole process, medians of ${rounds} alternating rounds (crm_simulate: every ${oracleEvery}th round), load ${os.loadavg()[0].toFixed(1)}`)
const cases = [
  ['--version', null],
  ...['fresh.xml', 'steady-1-standby.xml', 'steady-1-lost.xml'].map((f) => [`${size} primitives, ${f.replace('.xml', '')}`, path.join(tmp, String(size), f)]),
]
for (const [name, cib] of cases) {
  const cli = cib ? ['crm', 'simulate', '-x', cib, '-R'] : ['--version']
  const ways = {snapshot: [...fromSnapshot, ...cli], ordinary: [process.execPath, path.join(root, 'bin', 'run.js'), ...cli]}
  if (cib && haveCrmSimulate) ways.crm_simulate = ['crm_simulate', '-x', cib, '-R']
  const cpu = Object.fromEntries(Object.keys(ways).map((k) => [k, []]))
  for (let r = 0; r < rounds; r++) {
    const outputs = new Set()
    for (const [way, argv] of Object.entries(ways)) {
      if (way === 'crm_simulate' && r % oracleEvery !== 0) continue
      const p = run(argv)
      if (p.rc !== 'rc=0') throw new Error(`${argv.join(' ')}: ${p.rc}`)
      if (way !== 'crm_simulate') outputs.add(p.stdout)
      cpu[way].push(p.cpu)
    }
    if (outputs.size !== 1) throw new Error(`${name}: the two starts printed different output`)
  }
  const m = Object.fromEntries(Object.entries(cpu).map(([k, xs]) => [k, median(xs)]))
  let line = `${name.padEnd(34)} snapshot ${ms(m.snapshot)}  ordinary ${ms(m.ordinary)}  snapshot/ordinary ${(m.snapshot / m.ordinary).toFixed(3)}`
  if (m.crm_simulate) line += `  crm_simulate ${ms(m.crm_simulate)}  ratio to it: snapshot ${(m.snapshot / m.crm_simulate).toFixed(3)}, ordinary ${(m.ordinary / m.crm_simulate).toFixed(3)}`
  console.log(line)
}
fs.rmSync(tmp, {recursive: true, force: true})
