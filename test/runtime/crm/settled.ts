/**
 * "The cluster has settled": what the controller recorded in the CIB is what
 * the simulated nodes really run, and neither hakit's scheduler nor the real
 * crm_simulate (when installed) wants to do anything more with it.
 */
import assert from 'node:assert/strict'
import {type SimCluster, crmSimulate, crmVerify} from './sim.js'

/** Parses crm_simulate's "Current cluster status" (or "Revised Cluster Status") resource list into rsc → ["node:Role"]. */
export function crmSimulatePlacements(output: string, which: 'current' | 'revised' = 'current'): Map<string, string[]> {
  const lines = output.split('\n')
  const start = lines.findIndex((l) => l.startsWith(which === 'current' ? 'Current cluster status:' : 'Revised Cluster Status:'))
  let end = lines.findIndex((l, i) => i > start && /^(Transition Summary|Revised Cluster Status)/.test(l))
  if (end < 0) end = lines.length
  const out = new Map<string, string[]>()
  const add = (rsc: string, entry: string): void => { out.set(rsc, [...(out.get(rsc) ?? []), entry].sort()) }
  let clonePrim: string | undefined
  for (const line of lines.slice(start, end)) {
    const clone = /\* Clone Set: \S+ \[(\S+)\]/.exec(line)
    if (clone) { clonePrim = clone[1]; continue }
    const set = /^\s+\* (Promoted|Unpromoted|Started|Stopped): \[ (.*) \]/.exec(line)
    if (set && clonePrim) {
      if (set[1] !== 'Stopped') for (const n of set[2].trim().split(/\s+/)) add(clonePrim, `${n}:${set[1]}`)
      continue
    }
    const prim = /^\s+\* (\S+)\s+\([^)]*\):\s+(Started|Promoted|Unpromoted|FAILED) (\S+)/.exec(line)
    if (prim) {
      const id = prim[1].replace(/:\d+$/, '')
      add(id, `${prim[3]}:${prim[2] === 'FAILED' ? 'FAILED' : prim[2]}`)
      continue
    }
    if (/^\s+\* Resource Group:/.test(line) || /^\s+\* Node List:/.test(line) || /Online:|OFFLINE:/.test(line)) clonePrim = undefined
  }
  return out
}

export function sorted(m: Map<string, string[]>): Array<[string, string[]]> {
  return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]))
}

export function assertSettled(sim: SimCluster): void {
  assert.deepEqual(sim.violations, [], 'invariants held')
  assert.deepEqual(sim.pendingActions(), [], "hakit's scheduler plans nothing further on the recorded CIB")
  const verify = crmVerify(sim.recordedCib())
  if (verify) {
    // crm_verify does not validate the status section against the schema, but unpacks it: errors show in its log
    assert.equal(verify.status, 0, `crm_verify accepts the recorded CIB:\n${verify.output}`)
    assert.doesNotMatch(verify.output, /error/i, `crm_verify unpacks the recorded status without errors:\n${verify.output}`)
  }
  const real = crmSimulate(sim.recordedCib())
  if (!real) return
  // actions the cluster cannot take (no quorum, …) are listed as "(blocked)"
  assert.deepEqual(real.summary.filter((l) => !l.endsWith('(blocked)')), [], `crm_simulate plans nothing further:\n${real.output}`)
  assert.deepEqual(real.executing, [], `crm_simulate executes nothing further (monitors included):\n${real.output}`)
  assert.deepEqual(sorted(crmSimulatePlacements(real.output)), sorted(sim.placements()), `crm_simulate reads the recorded CIB as what runs:\n${real.output}`)
}

/**
 * What the real crm_simulate predicts for an event injected into the settled CIB (e.g.
 * `--node-fail n1`, `--op-fail d1_monitor_10000@n1=7`): its revised placements — compared with
 * where the simulated cluster ends after the same event. Undefined when crm_simulate is missing.
 */
export function crmSimulatePrediction(sim: SimCluster, args: string[]): Map<string, string[]> | undefined {
  const real = crmSimulate(sim.recordedCib(), args)
  return real && crmSimulatePlacements(real.output, 'revised')
}
