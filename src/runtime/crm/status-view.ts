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
  /** -A: Node Attributes. */
  attributes?: boolean
  /** -f: Migration Summary (fail counts). */
  failcounts?: boolean
  /** Milliseconds since the epoch, for "Last updated". */
  now: number
}

function leaves(r: Rsc): Rsc[] {
  return r.children.length === 0 ? [r] : r.children.flatMap(leaves)
}

function isTrue(v: string | undefined): boolean {
  return v !== undefined && ['true', 'on', 'yes', 'y', '1'].includes(v.toLowerCase())
}

/** target-role Stopped on the resource or a parent (what crm_mon counts as DISABLED). */
function isDisabled(r: Rsc): boolean {
  for (let x: Rsc | undefined = r; x; x = x.parent) {
    const role = x.meta.get('target-role')
    if (role !== undefined) return role.toLowerCase() === 'stopped'
  }
  return false
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
  const disabledCount = instances.filter(isDisabled).length
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
  // a standby node that still holds resources says so
  for (const n of ws.nodes) {
    if (!n.standby || n.standbyOnFail || !ws.resources.flatMap(leaves).some((r) => r.runningOn.includes(n))) continue
    const i = body.indexOf(`  * Node ${n.uname}: standby`)
    if (i >= 0) body[i] = `  * Node ${n.uname}: standby (with active resources)`
  }
  const split = body.indexOf('')
  const nodeList = body.slice(0, split)
  let resources = body.slice(split + 1)
  if (!options.inactive) resources = activeOnly(resources)
  const failed = failedActionLines(cib)
  const sections = [summaryLines(cib, ws, options.now), nodeList, resources]
  if (options.attributes) {
    const attrs = nodeAttributeLines(cib, ws)
    if (attrs.length > 0) sections.push(['Node Attributes:', ...attrs])
  }
  if (options.failcounts) sections.push(['Migration Summary:', ...migrationSummaryLines(cib, ws)])
  if (failed.length > 0) sections.push(['Failed Resource Actions:', ...failed])
  return sections.map((s) => s.join('\n')).join('\n\n') + '\n'
}

const RC_TEXT: Record<string, string> = {
  0: 'ok', 1: 'error', 2: 'invalid parameter', 3: 'unimplemented feature', 4: 'insufficient privileges', 5: 'not installed',
  6: 'not configured', 7: 'not running', 8: 'promoted', 9: 'promoted (failed)', 190: 'OCF_DEGRADED', 191: 'promoted (degraded)',
}
/** Pacemaker 2.1.5's execution statuses (PCMK_EXEC_*) as crm_mon names them. */
const EXEC_TEXT: Record<string, string> = {
  1: 'Cancelled', 2: 'Timed Out', 3: 'Unsupported', 4: 'Error', 5: 'Hard error', 6: 'Fatal error', 7: 'Not installed',
  8: 'Internal communication failure', 9: 'Cannot execute now', 10: 'No fence device', 11: 'No secrets',
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

/**
 * "Failed Resource Actions": every history entry whose result is a failure
 * (execution status not done, or an rc other than the one the transition
 * expected), once per operation key and node, in call order.
 */
export function failedActionLines(cib: Cib): string[] {
  const lines: string[] = []
  for (const state of cib.status) {
    const node = state.uname ?? state.attributes.uname ?? state.id
    for (const rsc of state.lrmResources) {
      const seen = new Set<string>()
      const ops = [...rsc.operations].sort((a, b) => Number(a.attributes['call-id'] ?? 0) - Number(b.attributes['call-id'] ?? 0))
      for (const op of ops) {
        const a = op.attributes
        const status = a['op-status'] ?? '0'
        const rc = a['rc-code'] ?? '0'
        const expected = (a['transition-key'] ?? '').split(':')[2] ?? '0'
        if (status === '-1' || (status === '0' && rc === expected)) continue
        const key = a['operation_key'] ?? op.id
        if (seen.has(key)) continue
        seen.add(key)
        const interval = Number(a.interval ?? 0)
        const task = op.operation === 'monitor' && interval === 0 ? 'probe' : op.operation
        const what = `${rsc.id} ${interval > 0 ? `${formatDuration(interval)}-interval ` : ''}${task} on ${node}`
        const reason = a['exit-reason']
        const result = status === '0'
          ? `returned '${RC_TEXT[rc] ?? 'error'}'${reason ? ` (${reason})` : ''}`
          : `could not be executed (${EXEC_TEXT[status] ?? 'Error'}${reason ? `: ${reason}` : ''})`
        const changed = a['last-rc-change']
        const at = changed !== undefined && /^\d+$/.test(changed) && changed !== '0' ? ` at ${ctimeString(Number(changed) * 1000)}` : ''
        const exec = Number(a['exec-time'] ?? 0)
        const after = at && exec > 0 ? ` after ${formatDuration(exec)}` : ''
        lines.push(`  * ${what} ${result}${at}${after}`)
      }
    }
  }
  return lines
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

/** Attributes crm_mon -A never shows (its own bookkeeping). */
const HIDDEN_ATTRIBUTE = /^(fail-count-|last-failure-|shutdown|terminate|standby|#)/

/** `-A`: per online node, its permanent and transient attributes sorted by name, name padded to 32 and value to 10. */
export function nodeAttributeLines(cib: Cib, ws: WorkingSet): string[] {
  const lines: string[] = []
  for (const n of ws.nodes) {
    if (!n.online) continue
    const attrs = new Map<string, string>()
    const node = cib.nodes.find((x) => x.id === n.id)
    for (const set of node?.instanceAttributes ?? []) if (!set.rule) for (const p of set.pairs) attrs.set(p.name, p.value ?? '')
    for (const set of cib.status.find((x) => x.id === n.id)?.transientAttributes ?? []) for (const p of set.pairs) attrs.set(p.name, p.value ?? '')
    const shown = [...attrs].filter(([name]) => !HIDDEN_ATTRIBUTE.test(name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    if (shown.length === 0) continue
    lines.push(`  * Node: ${n.uname}:`)
    for (const [name, value] of shown) lines.push(`    * ${name.padEnd(32)}\t: ${value.padEnd(10)}`)
  }
  return lines
}

/** `-f`: per node with failures, each resource's migration-threshold, summed fail count and latest failure. */
export function migrationSummaryLines(cib: Cib, ws: WorkingSet): string[] {
  const lines: string[] = []
  for (const n of ws.nodes) {
    const pairs = (cib.status.find((x) => x.id === n.id)?.transientAttributes ?? []).flatMap((s) => s.pairs)
    const byRsc = new Map<string, {count: number; last: number}>()
    for (const p of pairs) {
      const m = /^(fail-count|last-failure)-(.+?)(#.*)?$/.exec(p.name)
      if (!m) continue
      const entry = byRsc.get(m[2]!) ?? {count: 0, last: 0}
      const value = p.value === 'INFINITY' || p.value === '+INFINITY' ? Infinity : Number(p.value ?? 0)
      if (m[1] === 'fail-count') entry.count = Math.min(entry.count + value, Infinity)
      else entry.last = Math.max(entry.last, value)
      byRsc.set(m[2]!, entry)
    }
    const failing = [...byRsc].filter(([, e]) => e.count > 0)
    if (failing.length === 0) continue
    lines.push(`  * Node: ${n.uname}:`)
    for (const [rsc, e] of failing) {
      const threshold = ws.byId.get(rsc)?.migrationThreshold ?? 1_000_000
      // crm_mon prints INFINITY as its numeric value, 1000000
      const count = String(Math.min(e.count, 1_000_000))
      lines.push(`    * ${rsc}: migration-threshold=${threshold} fail-count=${count}${e.last > 0 ? ` last-failure='${ctimeString(e.last * 1000)}'` : ''}`)
    }
  }
  return lines
}
