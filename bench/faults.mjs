#!/usr/bin/env node
// The fault campaign at full length (issue 13 item 3: "500 in the benchmark"): `npm run bench -- faults`.
// Three real `hakit run --crm` daemons in network namespaces, seeded random faults, the CTS-style
// audits after every step (test/faults/campaign.ts, docs/faults.md). The faults are split into
// campaigns of --per-campaign (default 50), consecutive seeds, the second half of them with fencing;
// each campaign runs in its own process (test/faults/run.ts). Prints each campaign and the totals:
// iterations asked, faults injected, fencings, invariant violations, settle times. Exits 1 on a
// violation (each printed with its seed and replay line). Root only: elsewhere it says so, exit 0.
//
//   npm run bench -- faults                         500 faults (10 campaigns of 50, 5 with fencing)
//   node bench/faults.mjs --iterations 30           a short check (2 campaigns of 15, one with fencing)
//   node bench/faults.mjs --seed 400 --no-fencing   fixed seeds, stonith disabled in every campaign
//   HAKIT_FAULTS_ITERATIONS=100 npm run bench -- faults
//
// There is no reference tool to compare with (CTS needs a Pacemaker cluster per node): the figures
// are counts, and the settle times depend on the host's load, which the output states.
import {spawn} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const iterations = Number(flag('--iterations', process.env.HAKIT_FAULTS_ITERATIONS ?? 500))
const perCampaign = Number(flag('--per-campaign', 50))
const firstSeed = Number(flag('--seed', Date.now() % 1_000_000))
const fencing = !args.includes('--no-fencing')
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')

if (process.getuid?.() !== 0) {
  console.log('faults: skipped (needs root: network and UTS namespaces)')
  process.exit(0)
}
if (!existsSync(join(root, 'dist', 'bundle'))) {
  console.log('faults: skipped (dist/ not built: npm run build)')
  process.exit(0)
}
if (!(iterations > 0) || !(perCampaign > 0)) {
  console.error('faults: --iterations and --per-campaign must be positive numbers')
  process.exit(2)
}

// at least two campaigns (one without, one with fencing); the faults shared out as evenly as possible
const count = Math.max(fencing ? 2 : 1, Math.ceil(iterations / perCampaign))
const plan = Array.from({length: count}, (_, i) => ({
  seed: firstSeed + i,
  steps: Math.floor(iterations / count) + (i < iterations % count ? 1 : 0),
  fencing: fencing && i >= Math.floor(count / 2),
}))

/** One campaign in its own process; resolves with run.ts's summary and its VIOLATION lines. */
function campaign({seed, steps, fencing}) {
  return new Promise((resolve) => {
    const argv = ['--import', 'tsx', join(root, 'test', 'faults', 'run.ts'), '--seed', String(seed), '--iterations', String(steps), '--quiet', '--summary', ...(fencing ? ['--fencing'] : [])]
    const child = spawn(process.execPath, argv, {cwd: root, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)))
    child.on('exit', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith('summary '))
      // a violation's text runs over several lines (its step list): keep from VIOLATION to the seed's line
      const violations = out.split(/\n(?=VIOLATION |seed \d+|faults injected:)/).filter((b) => b.startsWith('VIOLATION '))
      resolve({summary: line ? JSON.parse(line.slice('summary '.length)) : undefined, violations, code, signal, err, out})
    })
  })
}

console.log(`fault campaign: ${iterations} faults in ${count} campaigns (seeds ${firstSeed}–${firstSeed + count - 1}${fencing ? `, ${plan.filter((p) => p.fencing).length} with fencing` : ', no fencing'}); host load ${loadavg()}`)
const totals = {faults: 0, fencings: 0, violations: 0, failedRuns: 0}
const kinds = {}
let settle = []
const started = Date.now()
for (const p of plan) {
  const t0 = Date.now()
  const r = await campaign(p)
  const seconds = Math.round((Date.now() - t0) / 1000)
  if (!r.summary) {
    // the campaign process itself failed (not a violation the audits found): say how, count it
    totals.failedRuns++
    console.log(`seed ${p.seed}${p.fencing ? ' (fencing)' : ''}: the campaign did not finish (exit ${r.code ?? r.signal}) after ${seconds} s\n${r.err || r.out.slice(-2000)}`)
    continue
  }
  const faults = Object.values(r.summary.faults).reduce((a, b) => a + b, 0)
  for (const [k, v] of Object.entries(r.summary.faults)) kinds[k] = (kinds[k] ?? 0) + v
  totals.faults += faults
  totals.fencings += r.summary.fencings
  totals.violations += r.summary.violations
  settle = settle.concat(r.summary.settleMs)
  console.log(`seed ${p.seed}${p.fencing ? ' (fencing)' : ''}: ${faults}/${p.steps} faults, ${r.summary.fencings} fencings, ${r.summary.violations} violations, ${seconds} s, load ${loadavg()}`)
  for (const v of r.violations) console.log(`${v.trim()}\n  replay: npm run test:faults -- --seed ${p.seed} --iterations ${p.steps}${p.fencing ? ' --fencing' : ''}`)
}
settle.sort((a, b) => a - b)
const q = (x) => settle[Math.min(settle.length - 1, Math.floor(x * settle.length))] ?? 0
console.log(`\nfaults injected by kind: ${JSON.stringify(kinds)}`)
console.log(`settle time after a fault: median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${settle.at(-1) ?? 0} ms`)
console.log('| iterations | campaigns | faults | fencings | invariant violations | campaigns not finished | wall time |')
console.log('|---|---|---|---|---|---|---|')
console.log(`| ${iterations} | ${count} | ${totals.faults} | ${totals.fencings} | ${totals.violations} | ${totals.failedRuns} | ${Math.round((Date.now() - started) / 1000)} s |`)
console.log('(a campaign stops at its first violation: fewer faults than asked then; figures depend on the host load above)')
process.exit(totals.violations > 0 || totals.failedRuns > 0 ? 1 : 0)
