/**
 * `hakit diff behaviour DIR CIB`: the behaviour check against a CIB the admin
 * has (the converted one after review, or the live one): groups are matched
 * by the ids the conversion gives each haresources line.
 */
import {UserError} from '../../core/errors.js'
import type {Cib} from '../../formats/cib/model.js'
import {convertBundle} from '../bundle.js'
import {legacyPaths, loadLegacy} from '../load.js'
import {autoFailbackOf, checkBehaviour, hasStonith, type BehaviourReport} from './index.js'

export async function diffBehaviour(dir: string, cib: Cib, cibLabel: string): Promise<BehaviourReport> {
  const inputs = await loadLegacy(await legacyPaths(dir))
  if (!inputs.haresources) throw new UserError(`${dir}: no haresources: nothing to play on the v1 side`)
  const bundle = convertBundle(inputs)
  if (bundle.units.length === 0) throw new UserError(`${dir}: haresources has no group`)
  const ids = new Set(cib.resources.map((r) => r.id))
  const missing = bundle.units.filter((u) => !ids.has(u.id))
  if (missing.length > 0) {
    throw new UserError(`${cibLabel}: no resource ${missing.map((u) => `${u.id} (haresources line ${u.line})`).join(', ')}: the CIB must keep the ids hakit convert gave the groups`)
  }
  const directives = inputs.hacf?.directives ?? []
  return checkBehaviour({nodes: bundle.nodes, units: bundle.units, autoFailback: autoFailbackOf(directives), stonith: hasStonith(directives), cib})
}
