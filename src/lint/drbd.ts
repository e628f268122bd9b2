import {finding, sortFindings, type Finding} from '../core/findings.js'
import type {DrbdConfig} from '../formats/drbd/index.js'
import {loadDrbd} from '../formats/drbd/index.js'
import {checkDrbd} from './drbd/rules.js'

/**
 * Lints a drbd.conf (with its includes): syntax, dialect mixing, topology,
 * duplicates, fencing set-up, and (when `haNodes` is given, e.g. ha.cf's
 * `node` names) hosts that are not cluster nodes. Throws UserError when the
 * file cannot be read.
 */
export async function lintDrbdPath(path: string, options: {haNodes?: string[]}): Promise<Finding[]> {
  const {model, findings} = await loadDrbd(path)
  return sortFindings([...findings, ...lintDrbdModel(model, options)])
}

/** The rules on an already parsed configuration (no I/O). */
export function lintDrbdModel(model: DrbdConfig, options: {haNodes?: string[]} = {}): Finding[] {
  const out = checkDrbd(model, options)
  if (model.files.length > 0) out.push(dialectFinding(model))
  if (model.resources.length === 0 && model.files.length > 0) {
    out.push(finding('drbd-no-resources', 'warning', {file: model.files[0].file, line: 1, column: 1}, 'no resource is defined'))
  }
  return dedupe(out)
}

/** Says which dialect the file is in, and why (an info line at the top of the report). */
function dialectFinding(model: DrbdConfig): Finding {
  const {dialect, compatible, reason} = model.dialect
  const name = dialect === '8.3' ? '8.0–8.3' : dialect === '9' ? '9.x' : dialect
  const others = compatible.filter((d) => d !== dialect).map((d) => (d === '8.3' ? '8.0–8.3' : d === '9' ? '9.x' : d))
  const also = others.length ? `; also valid for ${others.join(', ')}` : compatible.length === 0 ? '; no single DRBD version accepts all of it' : ''
  return finding('drbd-dialect', 'info', {file: model.files[0].file, line: 1, column: 1}, `DRBD ${name} syntax${also} — ${reason}`)
}

/** Options inherited from `common` would otherwise be reported once per resource. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>()
  return findings.filter((f) => {
    const key = `${f.id}\0${f.location?.file}:${f.location?.line}:${f.location?.column}\0${f.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
