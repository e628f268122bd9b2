/**
 * `npm run test:faults -- [--iterations N] [--seed S] [--seeds K] [--fencing] [--quiet] [--summary]`: the
 * fault campaign from the command line (root). N faults per campaign (default 50),
 * K campaigns with consecutive seeds (default 1); --fencing enables stonith with the
 * lab's power switch as fence device. Prints every step, the figures, and each
 * violation with its seed and step list; exits 1 on any. --quiet leaves the steps out,
 * --summary adds one JSON line (`summary {...}`) for bench/faults.mjs.
 */
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {parseArgs} from 'node:util'
import {isRoot, projectRoot} from '../helpers/cli.js'
import {campaignSkipReason, runCampaign} from './campaign.js'

const {values} = parseArgs({options: {iterations: {type: 'string'}, seed: {type: 'string'}, seeds: {type: 'string'}, quiet: {type: 'boolean'}, fencing: {type: 'boolean'}, summary: {type: 'boolean'}}})
const skip = campaignSkipReason(isRoot, existsSync(join(projectRoot, 'dist', 'bundle')))
if (skip) {
  console.log(`fault campaign skipped: ${skip}`)
  process.exit(0)
}
const iterations = Number(values.iterations ?? 50)
const first = Number(values.seed ?? Date.now() % 1_000_000)
const campaigns = Number(values.seeds ?? 1)
const totals: Record<string, number> = {}
let fencings = 0
let violations = 0
let settle: number[] = []
for (let seed = first; seed < first + campaigns; seed++) {
  const started = Date.now()
  const report = await runCampaign({seed, steps: iterations, fencing: values.fencing === true, log: values.quiet ? undefined : (l) => console.log(`  ${l}`)})
  for (const [k, v] of Object.entries(report.faults)) totals[k] = (totals[k] ?? 0) + v
  fencings += report.fenced.length
  settle = settle.concat(report.settleMs)
  violations += report.violations.length
  console.log(`seed ${seed}${values.fencing ? ' (fencing)' : ''}: ${Object.values(report.faults).reduce((a, b) => a + b, 0)} faults, ${report.fenced.length} fencings, ${report.violations.length} violations, ${Math.round((Date.now() - started) / 1000)} s`)
  for (const v of report.violations) console.log(`VIOLATION ${v}`)
}
settle.sort((a, b) => a - b)
const q = (p: number) => settle[Math.min(settle.length - 1, Math.floor(p * settle.length))] ?? 0
console.log(`faults injected: ${JSON.stringify(totals)}`)
console.log(`campaigns: ${campaigns}${values.fencing ? ' with fencing' : ''}, faults: ${Object.values(totals).reduce((a, b) => a + b, 0)}, fencings: ${fencings}, invariant violations: ${violations}`)
console.log(`settle time after a fault: median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${settle.at(-1) ?? 0} ms`)
// one machine-readable line for bench/faults.mjs
if (values.summary) console.log(`summary ${JSON.stringify({campaigns, faults: totals, fencings, violations, settleMs: settle})}`)
process.exit(violations > 0 ? 1 : 0)
