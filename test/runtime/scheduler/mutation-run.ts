/** Runs mutated suite CIBs through crm_simulate and this scheduler and compares the Transition Summary lines. */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {drawMutatedCases, MUTATIONS} from './mutate.js'
import {prng} from '../../helpers/prng.js'
import {transitionSummaryLines} from './summary-lines.js'

/** Suite cases whose names say they exercise the newer features (bundles have their own list). */
const FEATURE_CASE = /^(ticket-|migrate-|utilization|balanced|maintenance|node-maintenance|rsc-maintenance|params-|unfence-|shutdown-lock|remote-|whitebox-|systemhealth|template-|tags-|reload-|date-|location-date|nvpair-date|rule-|rsc-defaults|colocated-utilization|load-stopped|[0-9]+-a)/

export interface MutationResult {
  total: number
  ok: number
  mismatches: Array<{case: string; mutation: string; expected: string[]; got: string[]; cib: string}>
}

/** Suite cases with bundles (bundle.test.ts). */
export const BUNDLE_CASE = /^(bundle-|nested-remote-recovery|notifs-for-unrunnable|notify-behind-stopping-remote|on_fail_demote[14]|route-remote-notify|guest-host-not-fenceable|no-promote-on-unrunnable-guest|remote-connection-shutdown|order-expired-failure|year-2038|cancel-behind-moving-remote|utilization-complex)/

export function runMutations(suite: string, seed: number, count: number, cases_ = FEATURE_CASE): MutationResult {
  const rnd = prng(seed)
  const cases = readdirSync(suite).filter((f) => f.endsWith('.xml') && cases_.test(f)).sort()
  const dir = mkdtempSync(join(tmpdir(), `hakit-sched-mut-${process.pid}-`))
  const result: MutationResult = {total: 0, ok: 0, mismatches: []}
  try {
    for (const {file, mutation, text, path} of drawMutatedCases(suite, cases, MUTATIONS, rnd, dir, count * 5)) {
      if (result.total >= count) break
      const r = spawnSync('crm_simulate', ['-x', path, '-S'], {encoding: 'utf8', timeout: 60_000})
      const expected = r.status === 0 ? transitionSummaryLines(r.stdout) : null
      if (expected === null) continue // crm_simulate could not handle this input
      result.total++
      let got: string[] = []
      try {
        got = schedule(parseCibXml(text, path)).summaryLines
      } catch (error) {
        got = [`threw ${(error as Error).message}`]
      }
      if (got.length === expected.length && got.every((l, k) => l === expected[k])) result.ok++
      else result.mismatches.push({case: file, mutation: mutation.name, expected, got, cib: text})
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
  return result
}
