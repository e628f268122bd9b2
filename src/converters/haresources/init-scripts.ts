/**
 * Init scripts that become lsb: resources. Heartbeat ran `SCRIPT status` and
 * read only its OUTPUT (`running`/`OK` = running, `not running` or anything
 * else = stopped; the exit code was ignored). Pacemaker's probes and monitors
 * read only the EXIT CODE (LSB: 0 running, 3 stopped). A status action that
 * prints "stopped" but exits 0 was fine under Heartbeat and looks running to
 * Pacemaker. This module reads the script text (found by the I/O layer in
 * the configuration's resource.d and /etc/init.d) and says precisely what is
 * wrong. Pure: text in, findings out.
 */
import type {Severity, SourceLocation} from '../../core/findings.js'

/** A script as found on the machine the conversion runs on. */
export interface InstalledScript {
  path: string
  /** True when it is in /etc/init.d (what lsb: resources run); false for resource.d only. */
  initD: boolean
  executable: boolean
  /** The script text (undefined when it could not be read as text). */
  text?: string
}

/** What the converter knows about scripts: name → found script, or null when looked for and absent. */
export type ScriptLookup = ReadonlyMap<string, InstalledScript | null>

export interface ScriptProblem {
  severity: Severity
  id: string
  message: string
  /** A place in the script itself, when the problem is a line of it. */
  location?: SourceLocation
}

/** LSB helpers and patterns that make `status` exit 3 (or the service's own non-zero code) when stopped. */
const EXIT_CODE_STATUS = [
  /\bstatus_of_proc\b/, /\bpidofproc\b/, /\bkillproc\b/, /\bstart-stop-daemon\b[^\n]*--status/,
  /\bsystemctl\b[^\n]*\b(is-active|status)\b/, /^\s*status\s+(-p\s+\S+\s+)?\S+/m, /\b(exit|return)\s+([1-9]|\$\w+|\$\?|"\$\w+"|\$\{\w+\})/,
]

/** Heartbeat's words, printed by the branch (echo/printf): the sign of a status written for Heartbeat. */
const OUTPUT_WORDS = /\b(?:echo|printf)\b[^\n]*?\b(not running|running|stopped|OK|dead)\b/g

export function checkInstalledScript(name: string, found: InstalledScript | null | undefined, initClass: string): ScriptProblem[] {
  if (found === undefined) return []
  if (found === null) {
    return [{severity: 'warning', id: 'convert-script-missing', message: `${name}: no such script in the configuration's resource.d or /etc/init.d on this machine; ${initClass}:${name} must exist on every node before Pacemaker probes it.`}]
  }
  const problems: ScriptProblem[] = []
  if (initClass === 'lsb' && !found.initD) {
    problems.push({severity: 'warning', id: 'convert-script-resource-d', message: `${name} is a Heartbeat resource.d script (${found.path}); Pacemaker runs lsb:${name} from /etc/init.d: install it there (and make its status exit 3 when stopped).`})
  }
  if (!found.executable) {
    problems.push({severity: 'warning', id: 'convert-script-not-executable', message: `${found.path} is not executable: Pacemaker cannot run ${initClass}:${name}.`})
  }
  if (found.text === undefined || initClass !== 'lsb') return problems
  const branch = statusBranch(found.text)
  if (!branch) {
    problems.push({severity: 'warning', id: 'convert-lsb-no-status', message: `${found.path} has no status action: Pacemaker probes and monitors lsb:${name} with "status" and reads the exit code, so the resource is treated as failed; add a status action that exits 0 when running and 3 when stopped.`})
    return problems
  }
  const body = withCalledFunctions(branch.text, found.text)
  const words = [...new Set([...body.matchAll(OUTPUT_WORDS)].map((m) => `"${m[1]}"`))].join(' or ')
  // Only a branch that answers in words and has no way to exit non-zero is certainly wrong.
  if (!words || EXIT_CODE_STATUS.some((re) => re.test(body))) return problems
  problems.push({
    severity: 'warning',
    id: 'convert-lsb-status-output',
    location: {file: found.path, line: branch.line, column: 1},
    message: `${name}: its status action answers by printing ${words} and never exits 3. Heartbeat read that output ("running"/"OK" = running, anything else = stopped) and ignored the exit code; Pacemaker reads only the exit code, so a stopped ${name} looks running (exit 0) to its probes and monitors. Make status exit 3 when the service is stopped.`,
  })
  return problems
}

/** The `status)` branch of the script's case statement: its text up to `;;`, and its 1-based line. */
export function statusBranch(text: string): {text: string; line: number} | undefined {
  const lines = text.split('\n')
  const start = lines.findIndex((l) => /^\s*\(?\s*["']?([\w-]+\|)*status(\|[\w-]+)*["']?\s*\)/.test(l))
  if (start < 0) return undefined
  const body: string[] = []
  for (let i = start; i < lines.length; i++) {
    const line = i === start ? lines[i]!.replace(/^[^)]*\)/, '') : lines[i]!
    const end = line.indexOf(';;')
    body.push(end >= 0 ? line.slice(0, end) : line)
    if (end >= 0) break
  }
  return {text: body.join('\n'), line: start + 1}
}

/** The branch plus the bodies of the script's functions it calls (`status) do_status ;;`). */
function withCalledFunctions(branch: string, script: string): string {
  const parts = [branch]
  for (const m of script.matchAll(/^\s*(?:function\s+)?([A-Za-z_][\w-]*)\s*\(\s*\)\s*\{?/gm)) {
    const fn = m[1]!
    if (!new RegExp(`(^|[^\\w-])${fn.replace(/[-]/g, '\\-')}([^\\w-]|$)`).test(branch)) continue
    const from = m.index! + m[0].length
    const end = script.indexOf('\n}', from)
    parts.push(script.slice(from, end < 0 ? undefined : end))
  }
  return parts.join('\n')
}
