/**
 * The fault campaign in `npm test`: a short run of a seed that once found a
 * problem (seed 2: a heal after a link cut, where the isolated DC used to start
 * everything twice). Random seeds and long runs are `npm run test:faults --
 * --iterations N [--seed S]`: they still find problems (docs/faults.md), so
 * `npm test` does not gamble on a fresh seed.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {isRoot, projectRoot} from '../helpers/cli.js'
import {campaignSkipReason, runCampaign} from './campaign.js'

const skip = campaignSkipReason(isRoot, existsSync(join(projectRoot, 'dist', 'bundle')))
const steps = Number(process.env.HAKIT_FAULT_STEPS ?? 6)
const seed = Number(process.env.HAKIT_FAULT_SEED ?? 2)

test(`fault campaign: ${steps} random faults over three nodes (seed ${seed})`, {skip, timeout: 1_800_000}, async () => {
  const report = await runCampaign({seed, steps, log: (l) => console.log(`# ${l}`)})
  console.log(`# faults: ${JSON.stringify(report.faults)}; settle (ms): ${report.settleMs.join(' ')}; error lines (explained): ${report.errorLines}`)
  assert.deepEqual(report.violations, [])
  assert.ok(Object.values(report.faults).reduce((a, b) => a + b, 0) === steps, 'every step injected a fault')
})
