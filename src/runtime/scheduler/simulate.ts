/**
 * crm_simulate's flow on one CIB: the status as given, the requested
 * modifications (injected events), the transition the scheduler computes,
 * its simulated execution (with the results crm_simulate's --op-fail makes
 * fail) and the status the executed results leave. Pure: the caller reads
 * the CIB and renders the result.
 */
import type * as M from '../../formats/cib/model.js'
import {executeTransition} from './execute.js'
import {hasInjections, injectEvents, type Injections} from './inject.js'
import {schedule, type Transition} from './index.js'
import {clusterStatus} from './status-text.js'
import {synapseOrder} from './synapses.js'

export interface SimulateOptions {
  injections?: Injections
  /** crm_simulate --op-fail: RSC_TASK_INTERVAL@NODE=RC specs that fail when the transition runs them. */
  failures?: string[]
  /** Simulate the execution (crm_simulate -S); without it only the transition is computed (-R). */
  execute?: boolean
  showScores?: boolean
  now?: number
}

export interface Simulation {
  /** "Current cluster status": the CIB as given, before any injection. */
  currentStatus: string[]
  /** "Performing Requested Modifications" items. */
  modifications: string[]
  transition: Transition
  /** "Executing Cluster Transition" items (with execute). */
  executing?: string[]
  /** "Revised Cluster Status" (with execute): the status the executed results leave. */
  revisedStatus?: string[]
  /** Actions made to fail by failures (rsc_task_interval@node). */
  failed: string[]
  /** The CIB the scheduler ran on: the input with the injections (crm_simulate -I). */
  inputCib: M.Cib
  /** The CIB after the injections and, with execute, the executed results (crm_simulate -O; built when first asked for). */
  readonly outputCib: M.Cib
}

export function simulate(input: M.Cib, opts: SimulateOptions = {}): Simulation {
  const now = opts.now ?? Date.now()
  const injected = opts.injections && hasInjections(opts.injections) ? injectEvents(input, {...opts.injections, now: opts.injections.now ?? now}) : undefined
  const cib = injected?.cib ?? input
  const transition = schedule(cib, {showScores: opts.showScores, now: opts.now})
  const before = injected ? schedule(input, {now: opts.now}).workingSet : transition.workingSet
  const sim: Simulation = {currentStatus: clusterStatus(before, false), modifications: injected?.report ?? [], transition, failed: [], inputCib: cib, outputCib: cib}
  if (!opts.execute) return sim
  // (crm_simulate walks the graph's synapses in the order Pacemaker wrote them)
  const run = executeTransition(cib, transition.workingSet, synapseOrder(transition.workingSet, transition.actions), {failures: opts.failures, now: opts.now})
  // Without injected failures the scheduler's own projection of the outcome is used: it matches
  // crm_simulate on more of Pacemaker's suite than re-reading the executed CIB does while the graph's
  // ordering edges are not yet Pacemaker's (then some actions of a cyclic graph never fire).
  const revisedStatus = run.failed.length > 0 || run.skipped > 0 && (opts.failures?.length ?? 0) > 0
    ? clusterStatus(schedule(run.cib, {now: opts.now}).workingSet, false)
    : clusterStatus(transition.workingSet, true)
  return {...sim, executing: run.lines, failed: run.failed, revisedStatus, get outputCib() { return run.cib }}
}

/** The text crm_simulate prints for a simulation. */
export function renderSimulation(sim: Simulation, opts: {showScores?: boolean} = {}): string {
  const out = ['Current cluster status:', ...sim.currentStatus, '']
  if (sim.modifications.length > 0) out.push('Performing Requested Modifications:', ...sim.modifications.map((l) => `  * ${l}`), '')
  if (opts.showScores && sim.transition.scores.length > 0) out.push(...sim.transition.scores, '')
  out.push('Transition Summary:', ...sim.transition.summaryLines)
  if (sim.executing) {
    out.push('', 'Executing Cluster Transition:', ...sim.executing, '', 'Revised Cluster Status:', ...sim.revisedStatus!)
  }
  return out.join('\n')
}
