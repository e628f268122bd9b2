import type {ChalkInstance} from 'chalk'
import {formatLocation, type Finding} from '../core/findings.js'

/** `file:line:col severity rule-id message`, one finding a line. */
export function renderFindingsText(findings: readonly Finding[], chalk: ChalkInstance): string {
  return findings.map((f) => renderFinding(f, chalk)).join('\n')
}

function renderFinding(f: Finding, chalk: ChalkInstance): string {
  const severity =
    f.severity === 'error' ? chalk.red.bold('error') : f.severity === 'warning' ? chalk.yellow('warning') : chalk.cyan('info')
  return `${chalk.bold(formatLocation(f.location))} ${severity} ${chalk.dim(f.id)} ${f.message}`
}

export function renderFindingsSummary(findings: readonly Finding[]): string {
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length
  return `${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info`
}

/** A finding in JSON output: flat fields, null where a finding has no place. */
export interface JsonFinding {
  file: string | null
  line: number | null
  column: number | null
  severity: Finding['severity']
  id: string
  message: string
}

/** The JSON form: an array of findings with flat fields. */
export function findingsToJson(findings: readonly Finding[]): JsonFinding[] {
  return findings.map((f) => ({
    file: f.location?.file ?? null,
    line: f.location?.line ?? null,
    column: f.location?.column ?? null,
    severity: f.severity,
    id: f.id,
    message: f.message,
  }))
}
