/**
 * One report type for everything hakit tells a user about their files:
 * lint findings, converter warnings, parse errors. Text is rendered by the
 * command layer (src/cli/render-findings.ts); here it is plain data.
 */
export type Severity = 'error' | 'warning' | 'info'

/** A place in a source file. line and column are 1-based. */
export interface SourceLocation {
  file: string
  line: number
  column: number
}

export interface Finding {
  /** Stable rule or check id, e.g. `authkeys-mode`, `hacf-unknown-directive`. */
  id: string
  severity: Severity
  /** Where the problem is; omitted only for findings about no particular place. */
  location?: SourceLocation
  message: string
}

export function finding(id: string, severity: Severity, location: SourceLocation | undefined, message: string): Finding {
  return location ? {id, severity, location, message} : {id, severity, message}
}

export function hasErrors(findings: readonly Finding[], strict = false): boolean {
  return findings.some((f) => f.severity === 'error' || (strict && f.severity === 'warning'))
}

const severityRank: Record<Severity, number> = {error: 0, warning: 1, info: 2}

/** Orders findings by file, line, column, then severity, so reports are stable. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => {
    const fa = a.location?.file ?? ''
    const fb = b.location?.file ?? ''
    if (fa !== fb) return fa < fb ? -1 : 1
    const la = a.location?.line ?? 0
    const lb = b.location?.line ?? 0
    if (la !== lb) return la - lb
    const ca = a.location?.column ?? 0
    const cb = b.location?.column ?? 0
    if (ca !== cb) return ca - cb
    return severityRank[a.severity] - severityRank[b.severity]
  })
}

export function formatLocation(loc: SourceLocation | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.column}` : '-'
}
