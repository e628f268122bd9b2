/**
 * `hakit crm status`: crm_mon 2.1.5's one-shot text layout computed from a
 * CIB with status (pacemaker-runtime.md §7.1). Pure: the CIB and "now" in,
 * lines out. The node and resource lists come from the scheduler's
 * unpacking, which already prints them as crm_simulate (same formatter as
 * crm_mon); this module adds the summary and crm_mon's section framing.
 */
import type {Cib} from '../../formats/cib/model.js'
import type {Rsc, WorkingSet} from '../scheduler/types.js'
import {ctimeString} from './cib-ops.js'
import {displayOrder, type FailureData, failures, isActive, leaves, nodeAttributes, nodeHistory, statusData, summaryData} from './admin/status-data.js'

export interface StatusOptions {
  /** -r: Full List of Resources (inactive too) instead of Active Resources. */
  inactive?: boolean
  /** -A: Node Attributes. */
  attributes?: boolean
  /** -f: Migration Summary (fail counts). */
  failcounts?: boolean
  /** -o: Operations (every resource's operation history) instead of the Migration Summary. */
  operations?: boolean
  /** -t: timing details in the operation history. */
  timing?: boolean
  /** -n: resources listed under the node they run on. */
  byNode?: boolean
  /** text (crm_mon's default), xml (crm_mon --output-as xml) or json (the same data as one object) */
  format?: 'text' | 'xml' | 'json'
  /** the command line, echoed in the XML's request attribute */
  request?: string
  /** Milliseconds since the epoch, for "Last updated". */
  now: number
}

/** The unpacked cluster crm_mon shows: configuration and status, no placement. */
export async function unpackForStatus(cib: Cib, now: number): Promise<WorkingSet> {
  const {unpackCluster} = await import('../scheduler/index.js')
  return unpackCluster(cib, {now, recordFailures: true})
}

export function summaryLines(cib: Cib, ws: WorkingSet, now: number): string[] {
  const s = summaryData(cib, ws, now)
  const lines = ['Cluster Summary:', `  * Stack: ${s.stack}`]
  const dc = s.currentDc
  if (dc.present) {
    lines.push(`  * Current DC: ${dc.name} (version ${dc.version || 'unknown'}) - ${dc.mixedVersion ? 'MIXED-VERSION ' : ''}partition ${dc.withQuorum ? 'with' : 'WITHOUT'} quorum`)
  } else lines.push('  * Current DC: NONE')
  lines.push(`  * Last updated: ${s.lastUpdate}`)
  const c = s.lastChange
  lines.push(`  * Last change:  ${c.time}${c.user ? ` by ${c.user}` : ''}${c.client ? ` via ${c.client}` : ''}${c.origin ? ` on ${c.origin}` : ''}`)
  lines.push(`  * ${s.nodesConfigured} node${s.nodesConfigured === 1 ? '' : 's'} configured`)
  const r = s.resourcesConfigured
  const extra = [r.disabled ? `${r.disabled} DISABLED` : '', r.blocked ? `${r.blocked} BLOCKED from further action due to failure` : ''].filter(Boolean).join(', ')
  lines.push(`  * ${r.number} resource instance${r.number === 1 ? '' : 's'} configured${extra ? ` (${extra})` : ''}`)
  if (s.clusterOptions.maintenanceMode) {
    lines.push('', '              *** Resource management is DISABLED ***', '  The cluster will not attempt to start, stop or recover services')
  } else if (s.clusterOptions.stopAllResources) {
    lines.push('', '    *** Resource management is DISABLED ***', '  The cluster will keep all resources stopped')
  }
  return lines
}

/** The whole one-shot view, as `crm_mon -1 [-r -A -f -o -t -n]` prints it with CIB_file. */
export async function renderStatus(cib: Cib, options: StatusOptions): Promise<string> {
  return renderStatusFrom(cib, await unpackForStatus(cib, options.now), options)
}

export async function renderStatusFrom(cib: Cib, ws: WorkingSet, options: StatusOptions): Promise<string> {
  if (options.format === 'xml' || options.format === 'json') {
    const data = statusData(cib, ws, options.now)
    if (options.format === 'json') return JSON.stringify(data, null, 2) + '\n'
    const {statusXml} = await import('./admin/status-xml.js')
    return statusXml(data, options.request ?? 'crm_mon --output-as xml')
  }
  const {clusterStatus, primitiveLineWithoutNode, resourceStatusLines} = await import('../scheduler/status-text.js')
  // crm_simulate nests the lists one level under its own heading: lift them to crm_mon's top level
  const body = clusterStatus(ws, false)
    .map((l) => l.replace(/^ {2}/, '').replace(/^\* (Node List:|Full List of Resources:)$/, '$1'))
    // crm_simulate marks nodes with a shutdown request; crm_mon lists them as plain online nodes
    .filter((l) => !/^ {2}\* Node \S+: shutting down$/.test(l))
  const shuttingDown = ws.nodes.filter((n) => n.online && n.shutdown && !n.unclean && !n.pending && !n.standby).map((n) => n.uname)
  if (shuttingDown.length > 0) mergeOnline(body, ws.nodes.map((n) => n.uname), shuttingDown)
  // a standby node that still holds resources says so
  for (const n of ws.nodes) {
    if (!n.standby || n.standbyOnFail || !ws.resources.flatMap(leaves).some((r) => r.runningOn.includes(n))) continue
    const i = body.indexOf(`  * Node ${n.uname}: standby`)
    if (i >= 0) body[i] = `  * Node ${n.uname}: standby (with active resources)`
  }
  // without nodes there is no Node List (nor its blank line): the body is the resources
  const split = body[0] === 'Node List:' ? body.indexOf('') : -1
  let nodeList = body.slice(0, Math.max(split, 0))
  let resources: string[] | undefined = body.slice(split + 1)
  if (options.byNode) {
    nodeList = byNodeLines(ws, nodeList, (r, indent) => primitiveLineWithoutNode(ws, r, indent))
    resources = options.inactive ? inactiveLines(ws, resourceStatusLines) : undefined
  } else if (!options.inactive) resources = activeOnly(resources)
  const sections = [summaryLines(cib, ws, options.now), ...(nodeList.length > 0 ? [nodeList] : [])]
  if (resources) sections.push(resources)
  if (options.attributes) {
    const attrs = nodeAttributes(cib, ws)
    if (attrs.length > 0) sections.push(['Node Attributes:', ...attrs.flatMap((a) => [`  * Node: ${a.node}:`, ...a.attributes.map(attributeLine)])])
  }
  if (options.operations || options.failcounts) {
    const history = nodeHistory(cib, ws, !!options.operations, !!options.timing)
    if (history) sections.push([options.operations ? 'Operations:' : 'Migration Summary:', ...historyLines(history, !!options.operations, !!options.timing)])
  }
  const failed = failures(ws)
  if (failed.length > 0) sections.push(['Failed Resource Actions:', ...failed.map(failureLine)])
  return sections.map((s) => s.join('\n')).join('\n\n') + '\n'
}

/** node_attribute: name padded to 32, value to 10, and for a ping attribute how connectivity stands */
function attributeLine(a: {name: string; value: string; expected?: number}): string {
  const line = `    * ${a.name.padEnd(32)}\t: ${a.value.padEnd(10)}`
  if (a.expected === undefined) return line
  const v = parseInt(a.value, 10)
  if (!(v > 0)) return `${line}\t: Connectivity is lost`
  if (v < a.expected) return `${line}\t: Connectivity is degraded (Expected=${a.expected})`
  return line
}

/** -n: every node on its own line with the primitives it runs, without node names. */
function byNodeLines(ws: WorkingSet, nodeList: string[], line: (r: Rsc, indent: string) => string): string[] {
  if (ws.nodes.length === 0) return []
  const out = ['Node List:']
  for (const n of ws.nodes) {
    const own = nodeList.find((l) => l.startsWith(`  * ${n.guest ? 'GuestNode' : n.remote ? 'RemoteNode' : 'Node'} ${n.uname}: `))
    const state = own ? own.replace(/^ {2}\* /, '') : `${n.guest ? 'GuestNode' : n.remote ? 'RemoteNode' : 'Node'} ${n.uname}: ${(n.unpackedOnline ?? n.online) ? 'online' : 'OFFLINE'}`
    out.push(`  * ${state}:`, '    * Resources:', ...n.running.map((r) => line(r, '      ')))
  }
  return out
}

/** -n -r: the resources not fully active, in full. */
function inactiveLines(ws: WorkingSet, lines: (ws: WorkingSet, r: Rsc, indent: string) => string[]): string[] {
  const out = ['Inactive Resources:']
  for (const r of displayOrder(ws)) {
    if (r.orphan && !isActive(r, true)) continue
    if (isActive(r, true)) continue
    out.push(...lines(ws, r, '  '))
  }
  if (out.length === 1) out.push('  * No inactive resources')
  return out
}

function historyLines(history: NonNullable<ReturnType<typeof nodeHistory>>, operations: boolean, timing: boolean): string[] {
  const lines: string[] = []
  for (const h of history) {
    if (h.resources.length === 0) continue
    lines.push(`  * Node: ${h.node}:`)
    for (const r of h.resources) {
      const head = r.orphan ? `${r.id}: orphan` : `${r.id}: migration-threshold=${r.migrationThreshold}${r.failCount ? ` fail-count=${r.failCount}` : ''}${r.lastFailure ? ` last-failure='${r.lastFailure}'` : ''}`
      if (!operations) {
        lines.push(`    * ${head}`)
        continue
      }
      lines.push(`    * ${head}:`)
      for (const op of r.operations) {
        const interval = op.interval ? ` interval="${op.interval}"` : ''
        lines.push(timing
          ? `      * (${op.call}) ${op.task}:${interval}${op.lastRcChange ? ` last-rc-change="${op.lastRcChange}"` : ''}${op.execTime ? ` exec-time="${op.execTime}"` : ''}${op.queueTime ? ` queue-time="${op.queueTime}"` : ''} rc=${op.rc} (${op.rcText})`
          : `      * (${op.call}) ${op.task}${interval ? `:${interval}` : ''}`)
      }
    }
  }
  return lines
}

/** crm_mon's durations: d/h/m/s/ms pieces, each unit used only when strictly exceeded (10000 ⇒ 10s, 1000 ⇒ 1000ms). */
export function formatDuration(ms: number): string {
  if (ms <= 1000) return `${ms}ms`
  if (ms <= 60_000) return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(3)}s`
  const parts: string[] = []
  let rest = ms
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) {
    if (rest > size) {
      parts.push(`${Math.floor(rest / size)}${unit}`)
      rest %= size
    }
  }
  if (rest > 0) parts.push(rest % 1000 === 0 ? `${rest / 1000}s` : rest > 1000 ? `${(rest / 1000).toFixed(3)}s` : `${rest}ms`)
  return parts.join(' ')
}

/** failed_action_friendly */
function failureLine(f: FailureData): string {
  const [, task, interval] = /^.+_(migrate_to|migrate_from|[^_]+)_(\d+)$/.exec(f.opKey ?? f.id ?? '') ?? []
  const ms = Number(interval ?? 0)
  const what = `${f.rscId} ${ms > 0 ? `${formatDuration(ms)}-interval ` : ''}${task === 'monitor' && ms === 0 ? 'probe' : task} on ${f.node}`
  const reason = f.exitreason === 'none' ? '' : f.exitreason
  const result = f.status === 'complete'
    ? `returned '${f.exitstatus}'${reason ? ` (${reason})` : ''}`
    : `could not be executed (${f.status}${reason ? `: ${reason}` : ''})`
  const at = f.lastRcChangeEpoch !== undefined ? ` at ${ctimeString(f.lastRcChangeEpoch * 1000)}` : ''
  const after = f.execMs !== undefined && f.execMs > 0 ? ` after ${formatDuration(f.execMs)}` : ''
  return `  * ${what} ${result}${at}${after}`
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
      // a group or clone with nothing listed under it (no nodes) is not active
      if (!/\t Stopped/.test(head) && !/:$/.test(head) && !/^\s*\* No resources$/.test(head)) out.push(head)
      continue
    }
    const kept = block.slice(1).filter((l) => !/\t Stopped/.test(l) && !/^\s*\* Stopped( \([^)]*\))?: \[/.test(l))
    if (kept.length === 0) continue
    // a unique clone lists every instance, stopped ones too
    if (/^\s*\* Clone Set: .*\(.*\bunique\b.*\):$/.test(head)) {
      out.push(...block)
      continue
    }
    // a partly active group says how many members it hides
    const hidden = block.length - 1 - kept.length
    const group = /^(\s*\* Resource Group: \S+?)(?: \((.*)\))?:$/.exec(head)
    if (group && hidden > 0) out.push(`${group[1]} (${[`${hidden} member${hidden === 1 ? '' : 's'} inactive`, ...(group[2] ? [group[2]] : [])].join(', ')}):`, ...kept)
    else out.push(head, ...kept)
  }
  if (out.length === 1) out.push('  * No active resources')
  return out
}
