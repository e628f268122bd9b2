/**
 * `hakit crm simulate`'s I/O around the pure simulation: reads the CIB (file,
 * crm syntax, stdin or the live cluster), checks the flags' values, writes the
 * artefacts (-I, -O, -G) atomically and renders the text crm_simulate prints.
 */
import type * as M from '../formats/cib/model.js'
import {UserError} from '../core/errors.js'
import type {Simulation} from '../runtime/scheduler/simulate.js'

export interface SimulateRequest {
  xmlFile?: string
  live?: boolean
  socket?: string
  execute: boolean
  showScores?: boolean
  nodeUp?: string[]
  nodeDown?: string[]
  nodeFail?: string[]
  standby?: string[]
  opInject?: string[]
  opFail?: string[]
  quorum?: string
  watchdog?: string
  setDatetime?: string
  saveInput?: string
  saveOutput?: string
  saveGraph?: string
}

/** crm_simulate reads 1/true/yes/on and 0/false/no/off. */
function parseFlagBoolean(flag: string, text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined
  if (/^(1|true|yes|y|on)$/i.test(text)) return true
  if (/^(0|false|no|n|off)$/i.test(text)) return false
  throw new UserError(`${flag} '${text}': expected 1/true or 0/false`)
}

/** ISO 8601 date and time ("2026-12-06 10:00:00", "2026-12-06T10:00:00Z"); a date alone is midnight UTC. */
export function parseDatetime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text.replace(' ', 'T')
  const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(iso) ? iso : `${iso}Z`)
  if (!Number.isFinite(ms)) throw new UserError(`--set-datetime '${text}': not an ISO 8601 date and time (e.g. 2026-12-06T10:00:00Z)`)
  return ms
}

async function readInput(req: SimulateRequest): Promise<M.Cib> {
  const {loadCib, loadLiveCib, loadHakitLiveCib} = await import('./sources.js')
  if (!req.live) return (await loadCib(req.xmlFile ?? '-')).cib
  try {
    const loaded = req.socket ? await loadHakitLiveCib({...process.env, HAKIT_CRM_SOCKET: req.socket}) : await loadLiveCib()
    return loaded!.cib
  } catch (error) {
    // no cluster to talk to: the Pacemaker tools' "disconnected" exit code
    if (error instanceof UserError) throw new UserError(error.message, 102)
    throw error
  }
}

export async function runSimulateCommand(req: SimulateRequest): Promise<{simulation: Simulation; render: () => string}> {
  const injections = {
    nodeUp: req.nodeUp, nodeDown: req.nodeDown, nodeFail: req.nodeFail, standby: req.standby, opFail: req.opInject,
    quorum: parseFlagBoolean('--quorum', req.quorum), watchdog: parseFlagBoolean('--watchdog', req.watchdog),
  }
  for (const spec of req.opFail ?? []) {
    const {parseOpFailSpec} = await import('../runtime/scheduler/execute.js')
    if (!parseOpFailSpec(spec)) throw new UserError(`--op-fail '${spec}': expected RESOURCE_TASK_INTERVAL@NODE=RC, e.g. vip_stop_0@node1=1`)
  }
  const now = parseDatetime(req.setDatetime)
  const cib = await readInput(req)
  const {simulate, renderSimulation} = await import('../runtime/scheduler/simulate.js')
  const simulation = simulate(cib, {injections, failures: req.opFail, execute: req.execute, showScores: req.showScores, now})
  const {printCibXml} = await import('../formats/cib/xml.js')
  const {writeFileAtomic} = await import('../core/atomic-write.js')
  if (req.saveInput) await writeFileAtomic(req.saveInput, printCibXml(simulation.inputCib))
  if (req.saveOutput) await writeFileAtomic(req.saveOutput, printCibXml(simulation.outputCib))
  if (req.saveGraph) {
    const {printTransitionGraphXml} = await import('../runtime/scheduler/graph-xml.js')
    await writeFileAtomic(req.saveGraph, printTransitionGraphXml(simulation.transition.workingSet, simulation.transition.actions))
  }
  return {simulation, render: () => renderSimulation(simulation, {showScores: req.showScores})}
}
