import {hasErrors, type Finding} from '../core/findings.js'
import {makeChalk} from './color.js'
import {findingsToJson, renderFindingsSummary, renderFindingsText} from './render-findings.js'

export interface LintOutputFlags {
  json: boolean
  strict: boolean
}

/** Exit code of a lint run: 2 input unreadable, 1 errors (warnings too with --strict), else 0. */
export function lintExitCode(findings: readonly Finding[], strict: boolean, unreadable = false): number {
  if (unreadable) return 2
  return hasErrors(findings, strict) ? 1 : 0
}

/**
 * Writes findings (text one a line, or a JSON array) to stdout, a summary
 * line to stderr in text mode, and sets the exit code.
 */
export function emitFindings(findings: readonly Finding[], flags: LintOutputFlags, unreadable = false): void {
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(findingsToJson(findings), null, 2)}\n`)
  } else {
    if (findings.length > 0) process.stdout.write(`${renderFindingsText(findings, makeChalk(process.stdout))}\n`)
    process.stderr.write(`${renderFindingsSummary(findings)}\n`)
  }
  process.exitCode = lintExitCode(findings, flags.strict, unreadable)
}
