/**
 * `hakit crm status`: crm_mon 2.1.5's one-shot text layout computed from a
 * CIB with status (pacemaker-runtime.md §7.1). Pure: the CIB and "now" in,
 * lines out. The node and resource lists come from the scheduler's
 * unpacking, which already prints them as crm_simulate (same formatter as
 * crm_mon); this module adds the summary and crm_mon's section framing.
 */
import type {Cib} from '../../formats/cib/model.js'
import type {Rsc, WorkingSet} from '../scheduler/types.js'
import {clusterOption, ctimeString} from './cib-ops.js'

export interface StatusOptions {
  /** -r: Full List of Resources (inactive too) instead of Active Resources. */
  inactive?: boolean
  /** Milliseconds since the epoch, for "Last updated". */
  now: number
}

function leaves(r: Rsc): Rsc[] {
  return r.children.length === 0 ? [r] : r.children.flatMap(leaves)
}

function isTrue(v: string | undefined): boolean {
  return v !== undefined && ['true', 'on', 'yes', 'y', '1'].includes(v.toLowerCase())
}

export function summaryLines(cib: Cib, ws: WorkingSet, now: number): string[] {
  const lines = ['Cluster Summary:']
  lines.push(`  * Stack: ${clusterOption(cib, 'cluster-infrastructure') ?? 'unknown'}`)
  const dcId = cib.attributes['dc-uuid']
  const dc = dcId === undefined ? undefined : ws.nodes.find((n) => n.id === dcId)
  if (dc) {
    const quorum = isTrue(cib.attributes['have-quorum']) ? 'with' : 'WITHOUT'
    lines.push(`  * Current DC: ${dc.uname} (version ${clusterOption(cib, 'dc-version') ?? 'unknown'}) - partition ${quorum} quorum`)
  } else lines.push('  * Current DC: NONE')
  lines.push(`  * Last updated: ${ctimeString(now)}`)
  const a = cib.attributes
  const change = `${a['cib-last-written'] ?? ''}${a['update-user'] ? ` by ${a['update-user']}` : ''}${a['update-client'] ? ` via ${a['update-client']}` : ''}${a['update-origin'] ? ` on ${a['update-origin']}` : ''}`
  lines.push(`  * Last change:  ${change}`)
  const nodes = ws.nodes.length
  lines.push(`  * ${nodes} node${nodes === 1 ? '' : 's'} configured`)
  const instances = ws.resources.filter((r) => !r.orphan).flatMap(leaves)
  const disabledCount = instances.filter((r) => r.explicitNextRole && r.nextRole === 1).length
  const blocked = instances.filter((r) => r.block).length
  const extra = [disabledCount ? `${disabledCount} DISABLED` : '', blocked ? `${blocked} BLOCKED from further action due to failure` : ''].filter(Boolean).join(', ')
  lines.push(`  * ${instances.length} resource instance${instances.length === 1 ? '' : 's'} configured${extra ? ` (${extra})` : ''}`)
  if (ws.options.maintenanceMode) {
    lines.push('', '              *** Resource management is DISABLED ***', '  The cluster will not attempt to start, stop or recover services')
  } else if (ws.options.stopAll) {
    lines.push('', '    *** Resource management is DISABLED ***', '  The cluster will keep all resources stopped')
  }
  return lines
}

/** The whole one-shot view, as `crm_mon -1 [-r]` prints it with CIB_file. */
export async function renderStatus(cib: Cib, options: StatusOptions): Promise<string> {
  const {schedule} = await import('../scheduler/index.js')
  const {clusterStatus} = await import('../scheduler/status-text.js')
  const ws = schedule(cib, {now: options.now}).workingSet
  // crm_simulate nests the lists one level under its own heading: lift them to crm_mon's top level
  const body = clusterStatus(ws, false)
    .map((l) => l.replace(/^ {2}/, '').replace(/^\* (Node List:|Full List of Resources:)$/, '$1'))
    // crm_simulate marks nodes with a shutdown request; crm_mon lists them as plain online nodes
    .filter((l) => !/^ {2}\* Node \S+: shutting down$/.test(l))
  const shuttingDown = ws.nodes.filter((n) => n.online && n.shutdown && !n.unclean && !n.pending && !n.standby).map((n) => n.uname)
  if (shuttingDown.length > 0) mergeOnline(body, ws.nodes.map((n) => n.uname), shuttingDown)
  const split = body.indexOf('')
  const nodeList = body.slice(0, split)
  let resources = body.slice(split + 1)
  if (!options.inactive) resources = activeOnly(resources)
  return [...summaryLines(cib, ws, options.now), '', ...nodeList, '', ...resources].join('\n') + '\n'
}

/** Puts nodes back into the `Online: [ … ]` line, in node order. */
function mergeOnline(body: string[], order: string[], extra: string[]): void {
  const i = body.findIndex((l) => /^ {2}\* Online: \[/.test(l))
  const current = i >= 0 ? body[i]!.replace(/^ {2}\* Online: \[ (.*) \]$/, '$1').split(' ') : []
  const names = order.filter((n) => current.includes(n) || extra.includes(n))
  const line = `  * Online: [ ${names.join(' ')} ]`
  if (i >= 0) body[i] = line
  else {
    const offline = body.findIndex((l) => /^ {2}\* OFFLINE: \[/.test(l))
    body.splice(offline >= 0 ? offline : body.indexOf(''), 0, line)
  }
}

/**
 * crm_mon without -r: "Active Resources:", hiding stopped primitives, groups
 * with no active member, and clones' Stopped lines.
 */
function activeOnly(lines: string[]): string[] {
  const out = ['Active Resources:']
  const body = lines.slice(1)
  let i = 0
  while (i < body.length) {
    const head = body[i]!
    const depth = head.search(/\S/)
    let j = i + 1
    while (j < body.length && body[j]!.search(/\S/) > depth) j++
    const block = body.slice(i, j)
    i = j
    if (block.length === 1) {
      if (!/\t Stopped/.test(head) && !/^\s*\* No resources$/.test(head)) out.push(head)
      continue
    }
    const kept = block.slice(1).filter((l) => !/\t Stopped/.test(l) && !/^\s*\* Stopped( \(disabled\))?: \[/.test(l))
    if (kept.length > 0) out.push(head, ...kept)
  }
  if (out.length === 1) out.push('  * No active resources')
  return out
}
