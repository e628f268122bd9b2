/**
 * `hakit convert cib`: read the configuration of a Pacemaker 1.0/1.1 cluster
 * on Heartbeat (CIB XML and/or crm shell files), merge, upgrade, and check
 * the result the way crm_verify would (plus installed agents).
 */
import {readSource} from '../../core/read-source.js'
import {sortFindings, type Finding} from '../../core/findings.js'
import type {Cib} from '../../formats/cib/model.js'
import {parseConfigText} from '../../cib/sources.js'
import {verifyCib} from '../../cib/verify.js'
import {mergeCibs} from './merge.js'
import {upgradeCib, type CibUpgrade} from './upgrade.js'

export interface OldCibOptions {
  /** Node names in corosync nodelist order (ha.cf `node` lines). */
  nodeOrder?: string[]
  clusterName?: string
  /** OCF agent root the agents must exist in; undefined = not checked. */
  agentDir?: string
}

export interface OldCibConversion extends CibUpgrade {
  /** The merged input as read (before the upgrade), for comparing placements. */
  original: Cib
  sources: Array<{file: string; text: string}>
}

export async function readOldCib(files: readonly string[]): Promise<{cib: Cib; sources: Array<{file: string; text: string}>}> {
  const sources: Array<{file: string; text: string}> = []
  const cibs: Cib[] = []
  for (const f of files) {
    const src = await readSource(f)
    sources.push({file: src.file, text: src.text})
    cibs.push((await parseConfigText(src.text, src.file)).cib)
  }
  return {cib: mergeCibs(cibs), sources}
}

export function convertOldCib(original: Cib, sources: Array<{file: string; text: string}>, options: OldCibOptions = {}): OldCibConversion {
  const upgrade = upgradeCib(original, {nodeOrder: options.nodeOrder, clusterName: options.clusterName, sources})
  return {...upgrade, findings: sortFindings([...upgrade.findings, ...verifyAgainstSources(upgrade.cib, sources, options.agentDir)]), original, sources}
}

/**
 * crm_verify's checks on the upgraded CIB, each finding placed in the source that defines the
 * object (verify looks in one text at a time; the first run that finds the place wins).
 */
function verifyAgainstSources(cib: Cib, sources: Array<{file: string; text: string}>, agentDir: string | undefined): Finding[] {
  const runs = (sources.length > 0 ? sources : [{file: 'cib', text: ''}]).map((s) => verifyCib(cib, {file: s.file, text: s.text, agentDir}))
  return runs[0]!.map((f, i) => runs.map((r) => r[i]!).find((g) => g.location && (g.location.line > 1 || g.location.column > 1)) ?? f)
}
