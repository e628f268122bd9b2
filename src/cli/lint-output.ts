import {hasErrors, type Finding} from '../core/findings.js'
import {makeChalk} from './color.js'
import {renderFindingsSummary, renderFindingsText} from './render-findings.js'
import {emitJson} from './json.js'

export interface LintOutputFlags {
  json: boolean
  strict: boolean
}

/** Exit code of a lint run: 2 input unreadable, 1 errors (warnings too with --strict), else 0. */
export function lintExitCode(findings: readonly Finding[], strict: boolean, unreadable = false): number {
  if (unreadable) return 2
  return hasErrors(findings, strict) ? 1 : 0
}

/** The result of every lint command in JSON: the counts by severity (the findings are the envelope's). */
export function lintResult(findings: readonly Finding[]): {errors: number; warnings: number; infos: number} {
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length
  return {errors: count('error'), warnings: count('warning'), infos: count('info')}
}

/**
 * Writes findings (text one a line, or the JSON envelope) to stdout, a summary
 * line to stderr in text mode, and sets the exit code.
 */
export function emitFindings(command: string, findings: readonly Finding[], flags: LintOutputFlags, unreadable = false): void {
  const exitCode = lintExitCode(findings, flags.strict, unreadable)
  if (flags.json) {
    emitJson({command, result: lintResult(findings), findings, exitCode})
    return
  }
  if (findings.length > 0) process.stdout.write(`${renderFindingsText(findings, makeChalk(process.stdout))}\n`)
  process.stderr.write(`${renderFindingsSummary(findings)}\n`)
  process.exitCode = exitCode
}
