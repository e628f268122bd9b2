/**
 * Text for `hakit crm resource force-*` (crm_resource's wording) and
 * `hakit crm ra` (crmsh's layout).
 */
import type {ForceRun} from '../runtime/executor/force.js'
import type {ClassInfo} from '../runtime/executor/ra.js'
import {parseXmlTree, type XmlElement} from '../formats/cib/xml.js'
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

/** crmsh's layout (`ocf / heartbeat pacemaker`); classes unusable here are left out, as crmsh does. */
export function renderClasses(classes: ClassInfo[]): string {
  return classes
    .filter((c) => c.available)
    .map((c) => {
      let line = c.class
      if (c.providers) line += ` / ${c.providers.join(' ')}`
      if (c.note) line += `  (${c.note})`
      return line
    })
    .join('\n')
}

const TAB = '    '

/** crmsh's get_shortdesc(): the shortdesc unless it only repeats the name, the longdesc or the agent type. */
function shortdescOf(el: XmlElement, agentType: string): string {
  const short = el.children.find((c) => c.name === 'shortdesc')?.text?.trim() ?? ''
  const long = el.children.find((c) => c.name === 'longdesc')?.text?.trim() ?? ''
  return short && ![el.attrs.name, long, agentType].includes(short) ? short : ''
}

function findAll(el: XmlElement, path: [string, string]): XmlElement[] {
  const out: XmlElement[] = []
  const walk = (e: XmlElement) => {
    if (e.name === path[0]) out.push(...e.children.filter((c) => c.name === path[1]))
    else e.children.forEach(walk)
  }
  walk(el)
  return out
}

/** crmsh 4.4.1 `ra info` (RAInfo.meta_pretty), line for line. */
export function renderAgentInfo(label: string, xml: string, agent: {class: string; type: string}): string {
  const root = parseXmlTree(xml, label)
  const ra = root.name === 'resource-agent' ? root : (root.children.find((c) => c.name === 'resource-agent') ?? root)
  const sections: string[] = []
  const title = shortdescOf(ra, agent.type)
  sections.push(title ? `${title} (${label})` : label)
  const longdesc = ra.children.find((c) => c.name === 'longdesc')?.text?.trim()
  if (longdesc) sections.push(longdesc)
  if (agent.class !== 'heartbeat') {
    const params = findAll(ra, ['parameters', 'parameter']).filter((p) => p.attrs.name).map((p) => {
      const content = p.children.find((c) => c.name === 'content')
      const type = content?.attrs.type
      const dflt = content?.attrs.default
      let head = p.attrs.name! + (p.attrs.required === '1' ? '*' : '')
      if (type && dflt) head += ` (${type}, [${dflt}])`
      else if (type) head += ` (${type})`
      head += `: ${shortdescOf(p, agent.type)}`
      const long = p.children.find((c) => c.name === 'longdesc')?.text?.trim()
      return long ? `${head}\n${TAB}${long.replace(/\n/g, `\n${TAB}`)}\n` : head
    })
    if (params.length > 0) sections.push(`Parameters (*: required, []: default):\n\n${params.join('\n')}`.trimEnd())
  }
  const actions = findAll(ra, ['actions', 'action'])
    .filter((a) => a.attrs.name && a.attrs.name !== 'meta-data' && a.attrs.name !== 'validate-all')
    .map((a) => TAB + Object.entries(a.attrs).reduce((line, [k, v]) => (k === 'name' || !v ? line : `${line} ${k}=${v}`), a.attrs.name!.padEnd(13)))
  if (actions.length > 0) sections.push(`Operations' defaults (advisory minimum):\n\n${actions.join('\n')}`)
  return sections.join('\n\n')
}
