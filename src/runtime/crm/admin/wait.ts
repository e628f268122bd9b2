/**
 * `--wait` of the resource and node commands (crm_resource --wait, crmsh's wait4dc):
 * the cluster has settled when it has a DC and the scheduler, run on the live CIB,
 * has nothing left to do — every action of the transition the change caused is
 * recorded in the status section — and, asked on the DC, its controller is
 * S_IDLE. Any node can judge the first from its CIB replica, so the waiting
 * tool needs only the local socket.
 * What happened is read from the status section afterwards: the operations
 * recorded since the change, and where each resource runs now.
 */
import {UserError} from '../../../core/errors.js'
import type {Cib} from '../../../formats/cib/model.js'
import type {GraphAction} from '../../scheduler/index.js'

/** crm_resource's CRM_EX_TIMEOUT. */
export const EXIT_WAIT_TIMEOUT = 124

/** Actions the scheduler would still run on this CIB (pseudo and blocked actions do not count). */
export async function pendingActions(cib: Cib, now = Date.now()): Promise<GraphAction[]> {
  const {schedule} = await import('../../scheduler/index.js')
  return schedule(cib, {now}).actions.filter((a) => a.runnable && !a.pseudo)
}

export function describeAction(a: GraphAction): string {
  const what = a.resource ? `${a.resource} ${a.task}${a.interval > 0 ? ` ${a.interval / 1000}s` : ''}` : a.task
  return a.node ? `${what} on ${a.node}` : what
}

export interface WaitOptions {
  timeoutMs: number
  pollMs?: number
}

/**
 * Polls the daemon until it reports a DC and two reads of the CIB in a row are the same
 * version with nothing pending; returns the settled CIB. UserError 124 at the deadline.
 */
export async function waitForIdle(socket: string, options: WaitOptions): Promise<Cib> {
  const {crmStatus, queryLiveCibXml} = await import('../socket.js')
  const {parseCibXml} = await import('../../../formats/cib/xml.js')
  const deadline = Date.now() + options.timeoutMs
  let lastVersion: string | undefined
  let pending: GraphAction[] = []
  let dc: string | undefined
  let controller: string | undefined
  for (;;) {
    const status = await crmStatus(socket)
    dc = status.dc
    // on the DC the controller says itself whether a transition runs; elsewhere the CIB tells
    controller = status.controller
    const cib = parseCibXml(await queryLiveCibXml(socket), 'live CIB')
    pending = dc ? await pendingActions(cib) : []
    const version = `${cib.attributes.admin_epoch}.${cib.attributes.epoch}.${cib.attributes.num_updates}`
    if (dc && pending.length === 0 && (controller === undefined || controller === 'S_IDLE')) {
      if (version === lastVersion) return cib
      lastVersion = version
    } else lastVersion = undefined
    if (Date.now() >= deadline) break
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 300))
  }
  const why = !dc ? 'there is no DC' : pending.length > 0 ? `still pending: ${pending.map(describeAction).join(', ')}` : `the DC's controller is in ${controller}`
  throw new UserError(`the cluster did not settle within ${Math.round(options.timeoutMs / 1000)}s (${why})`, EXIT_WAIT_TIMEOUT)
}

interface RecordedOp {
  node: string
  resource: string
  task: string
  interval: number
  rc: number
  status: number
  at: number
  callId: number
}

function recordedOps(cib: Cib): Map<string, RecordedOp> {
  const ops = new Map<string, RecordedOp>()
  for (const state of cib.status) {
    const node = state.uname ?? state.attributes.uname ?? state.id
    for (const r of state.lrmResources) {
      for (const op of r.operations) {
        const a = op.attributes
        // one entry per run: the same op id is rewritten by each new run (new call-id)
        ops.set(`${node}/${r.id}/${op.id}/${a['call-id'] ?? ''}`, {
          node, resource: r.id, task: a.operation ?? op.operation, interval: Number(a.interval ?? '0'),
          rc: Number(a['rc-code'] ?? '0'), status: Number(a['op-status'] ?? '0'), at: Number(a['last-rc-change'] ?? a['last-run'] ?? '0'), callId: Number(a['call-id'] ?? '0'),
        })
      }
    }
  }
  return ops
}

const RC_TEXT: Record<number, string> = {0: 'ok', 7: 'not running', 8: 'promoted'}

/** The operations recorded between two CIBs, oldest first, as `  d1 stop on n1: ok` lines. */
export function operationsSince(before: Cib, after: Cib): string[] {
  const old = recordedOps(before)
  const fresh = [...recordedOps(after)].filter(([key]) => !old.has(key)).map(([, op]) => op)
  // times have a resolution of seconds: on one node the call-id gives the order
  fresh.sort((a, b) => a.at - b.at || a.node.localeCompare(b.node) || a.callId - b.callId)
  return fresh.map((op) => {
    const task = op.task === 'monitor' && op.interval === 0 ? 'probe' : op.interval > 0 ? `${op.task} ${op.interval / 1000}s` : op.task
    const result = op.status !== 0 ? `failed (op-status ${op.status})` : (RC_TEXT[op.rc] ?? `rc=${op.rc}`)
    return `  ${op.resource} ${task} on ${op.node}: ${result}`
  })
}

/** Nodes present in `before` as members and gone (fenced or down) in `after`. */
function nodesLost(before: Cib, after: Cib): string[] {
  const member = (cib: Cib, uname: string) => cib.status.some((s) => (s.uname ?? s.attributes.uname) === uname && s.attributes.crmd === 'online' && s.attributes.in_ccm === 'true')
  return before.status.map((s) => s.uname ?? s.attributes.uname ?? '').filter((n) => n && member(before, n) && !member(after, n))
}

/** What --wait prints: the operations that ran, then nodes that left. */
export function describeTransition(before: Cib, after: Cib): string[] {
  const ops = operationsSince(before, after)
  const lines = [ops.length === 0 ? 'INFO: the cluster is idle: no action was needed' : `INFO: the cluster is idle after ${ops.length} action${ops.length > 1 ? 's' : ''}:`, ...ops]
  for (const node of nodesLost(before, after)) lines.push(`INFO: node ${node} left the cluster`)
  return lines
}
