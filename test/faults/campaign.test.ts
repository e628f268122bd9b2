/**
 * The fault campaign in `npm test`: a short run with a fresh seed, and the
 * seeds that once found a problem (regressions). `npm run test:faults --
 * --iterations N [--seed S]` runs a long one.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {isRoot, projectRoot} from '../helpers/cli.js'
import {campaignSkipReason, runCampaign} from './campaign.js'

const skip = campaignSkipReason(isRoot, existsSync(join(projectRoot, 'dist', 'bundle')))
const steps = Number(process.env.HAKIT_FAULT_STEPS ?? 12)
const seed = Number(process.env.HAKIT_FAULT_SEED ?? Date.now() % 1_000_000)

test(`fault campaign: ${steps} random faults over three nodes (seed ${seed})`, {skip, timeout: 1_800_000}, async () => {
  const report = await runCampaign({seed, steps, log: (l) => console.log(`# ${l}`)})
  console.log(`# faults: ${JSON.stringify(report.faults)}; settle (ms): ${report.settleMs.join(' ')}; error lines (explained): ${report.errorLines}`)
  assert.deepEqual(report.violations, [])
  assert.ok(Object.values(report.faults).reduce((a, b) => a + b, 0) === steps, 'every step injected a fault')
})
