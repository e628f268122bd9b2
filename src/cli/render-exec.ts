/**
 * Text for `hakit crm resource force-*` (crm_resource's wording) and
 * `hakit crm ra` (crmsh's layout).
 */
import type {ForceRun} from '../runtime/executor/force.js'
import type {ClassInfo} from '../runtime/executor/ra.js'
import type {AgentMetadata} from '../runtime/executor/metadata.js'
import {ExecStatus} from '../runtime/executor/types.js'
import {execStatusText, rcText} from '../runtime/executor/rc.js'

export interface RenderedRun {
  stdout: string
  stderr: string
  exitCode: number
}

/** crm_resource's "Operation force-start for r (ocf:p:t) returned 0 (ok)" plus the agent's output. */
export function renderForceRun(run: ForceRun, action: string, verbose: boolean): RenderedRun {
  const {result, request, agentLabel} = run
  const reason = result.exitReason ? `: ${result.exitReason}` : ''
  let stdout = ''
  let stderr = ''
  const head = `Operation ${action} for ${request.rscId} (${agentLabel})`
  if (result.status === ExecStatus.Done) stdout += `${head} returned ${result.rc} (${rcText(result.rc)}${reason})\n`
  else stderr += `${head} could not be executed (${execStatusText(result.status)}${reason})\n`
  if (result.hint) stderr += `hakit: ${result.hint}\n`
  // validate-all output is shown only when verbose, as crm_resource does.
  if (action !== 'validate' || verbose) {
    if (result.stdoutTail) stdout += `${result.stdoutTail}\n`
    if (result.stderrTail) stdout += `${result.stderrTail}\n`
  }
  // crm_resource ends a failed run with the meaning of its exit code.
  if (result.rc !== 0) stderr += `hakit: Error performing operation: ${exitCodeText(result.rc)}\n`
  return {stdout, stderr, exitCode: result.rc}
}

/** crm_exit_str() for the codes a force-* run can exit with. */
function exitCodeText(code: number): string {
  const texts: Record<number, string> = {
    1: 'Error occurred', 2: 'Invalid parameter', 3: 'Unimplemented', 4: 'Insufficient privileges', 5: 'Not installed',
    6: 'Not configured', 7: 'Not running', 8: 'Promoted', 9: 'Failed in promoted role',
    190: 'Service is active but might fail soon', 191: 'Service is promoted but might fail soon',
  }
  return texts[code] ?? (code > 128 && code < 193 ? 'Interrupted by signal' : 'Unknown exit status')
}

export function renderClasses(classes: ClassInfo[]): string {
  return classes
    .map((c) => {
      let line = c.class
      if (c.providers) line += ` / ${c.providers.join(' ')}`
      if (c.note) line += `  (${c.note})`
      return line
    })
    .join('\n')
}

function wrap(text: string, indent: string, width = 78): string {
  const words = text.replace(/\s+/g, ' ').trim().split(' ')
  const lines: string[] = []
  let line = ''
  for (const w of words) {
    if (line && indent.length + line.length + 1 + w.length > width) {
      lines.push(indent + line)
      line = w
    } else line = line ? `${line} ${w}` : w
  }
  if (line) lines.push(indent + line)
  return lines.join('\n')
}

/** crmsh `ra info`: title, description, parameters (*: required, []: default), advertised operation defaults. */
export function renderAgentInfo(label: string, md: AgentMetadata): string {
  const out: string[] = []
  out.push(`${md.shortdesc ?? md.name} (${label})`, '')
  if (md.longdesc) out.push(wrap(md.longdesc, ''), '')
  if (md.parameters.length > 0) {
    out.push('Parameters (*: required, []: default):', '')
    for (const p of md.parameters) {
      const flags = `${p.required ? '*' : ''}`
      const dflt = p.default ? `, [${p.default}]` : ''
      out.push(`${p.name}${flags} (${p.type ?? 'string'}${dflt}): ${p.shortdesc ?? ''}${p.deprecated ? ' (deprecated)' : ''}`)
      if (p.longdesc && p.longdesc !== p.shortdesc) out.push(wrap(p.longdesc, '    '))
      out.push('')
    }
  }
  if (md.actions.length > 0) {
    out.push("Operations' defaults (advisory minimum):", '')
    for (const a of md.actions) {
      if (a.name === 'meta-data' || a.name === 'validate-all' || a.name === 'metadata') continue
      const name = a.role ? `${a.name}_${a.role}` : a.name
      const bits = [a.timeout ? `timeout=${a.timeout}` : '', a.interval ? `interval=${a.interval}` : '', a.depth && a.depth !== '0' ? `depth=${a.depth}` : '']
      out.push(`    ${name.padEnd(18)}${bits.filter(Boolean).join(' ')}`)
    }
  }
  return out.join('\n').trimEnd()
}
