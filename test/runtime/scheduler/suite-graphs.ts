/**
 * The full suite's cases with both graphs: crm_simulate -G's (cached by graph-oracle.ts) and
 * hakit's, for the tests that judge one part of the graph edge by edge.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {fullSuiteCases, fullSuiteDir} from './full-suite-cases.js'
import {hakitNamedGraph, oracleNamedGraph, type NamedGraph} from './graph-compare.js'
import {oracleGraph} from './graph-oracle.js'

/** Every case whose CIB passes `takeCib` and whose crm_simulate graph contains `oracleHas`. */
export function* suiteGraphs(takeCib: (xml: string) => boolean, oracleHas: string): Generator<{name: string; expected: NamedGraph; got: NamedGraph}> {
  for (const c of fullSuiteCases()) {
    const file = join(fullSuiteDir, `${c.name}.xml`)
    const xml = readFileSync(file, 'utf8')
    if (!takeCib(xml)) continue
    const oracle = oracleGraph(file)
    if (!oracle.includes(oracleHas)) continue
    yield {name: c.name, expected: oracleNamedGraph(oracle), got: hakitNamedGraph(schedule(parseCibXml(xml, file)))}
  }
}
