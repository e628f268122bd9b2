/**
 * Several configuration files of one cluster (a `crm configure show` dump and
 * the crm commands that built it, or a CIB plus a crm file) merged the way
 * loading them one after the other with `crm configure load update` would:
 * later definitions of the same id win, cluster options are merged per set.
 */
import type {Cib, NvSet} from '../../formats/cib/model.js'
import {emptyCib} from '../../formats/cib/model.js'

function mergeSets(into: NvSet[], from: readonly NvSet[]): void {
  for (const set of from) {
    const same = set.id !== undefined && !set.rule ? into.find((s) => s.id === set.id && !s.rule) : undefined
    if (!same) {
      into.push(structuredClone(set))
      continue
    }
    for (const pair of set.pairs) {
      const existing = same.pairs.find((p) => p.name === pair.name)
      if (existing) existing.value = pair.value
      else same.pairs.push({...pair})
    }
  }
}

function replaceById<T extends {id: string}>(into: T[], from: readonly T[]): void {
  for (const item of from) {
    const i = into.findIndex((x) => x.id === item.id)
    if (i >= 0) into[i] = structuredClone(item)
    else into.push(structuredClone(item))
  }
}

export function mergeCibs(cibs: readonly Cib[]): Cib {
  if (cibs.length === 1) return structuredClone(cibs[0]!)
  const out = emptyCib()
  // The first file that names a schema (an XML CIB) says which dialect this is.
  const withSchema = cibs.find((c) => c.attributes['validate-with'] && c.attributes['validate-with'] !== 'pacemaker-3.9')
  out.attributes = {...(withSchema ?? cibs[0]!).attributes}
  for (const c of cibs) {
    mergeSets(out.crmConfig, c.crmConfig)
    mergeSets(out.rscDefaults, c.rscDefaults)
    mergeSets(out.opDefaults, c.opDefaults)
    for (const n of c.nodes) {
      const same = out.nodes.find((x) => x.uname.toLowerCase() === n.uname.toLowerCase())
      if (same) mergeSets(same.instanceAttributes, n.instanceAttributes)
      else out.nodes.push(structuredClone(n))
    }
    replaceById(out.resources, c.resources)
    replaceById(out.constraints, c.constraints)
    replaceById(out.status, c.status)
    out.otherSections.push(...structuredClone(c.otherSections))
  }
  return out
}
