/**
 * Pacemaker 2.1.5's whole scheduler regression suite (../shared/corpus/scheduler-full), each case
 * scheduled in this process and compared exactly with the suite's own .summary file (what
 * crm_simulate -S printed). Shared by full-suite.test.ts (the judge) and
 * scripts/scheduler-full-suite.ts (the per-feature table and the known-failures writer).
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {sharedDir} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {clusterStatus} from '../../../src/runtime/scheduler/status-text.js'
import {sectionLines, transitionSummaryLines} from './summary-lines.js'

export const fullSuiteDir = join(sharedDir, 'corpus', 'scheduler-full')

/** One case's comparisons: '' where hakit matches, else the first differing line (or what was thrown). */
export interface SuiteCaseOutcome {
  name: string
  /** The case's CIB and .summary texts. */
  xml: string
  summaryText: string
  /** "Transition Summary:" */
  summary: string
  /** "Current cluster status:" */
  current: string
  /** "Revised Cluster Status:" */
  revised: string
}

/** The first differing line of two line lists, or '' when they are equal. */
export function firstDifference(expected: string[], got: string[]): string {
  const i = got.findIndex((l, k) => l !== expected[k])
  if (got.length === expected.length && i < 0) return ''
  const k = i < 0 ? got.length : i
  return `line ${k + 1}: expected ${JSON.stringify(expected[k] ?? '(end)')}, got ${JSON.stringify(got[k] ?? '(end)')}`
}

export function trimBlank(lines: string[]): string[] {
  const out = lines.map((l) => l.trimEnd())
  while (out.length > 0 && out[0] === '') out.shift()
  while (out.length > 0 && out[out.length - 1] === '') out.pop()
  return out
}

/** The suite's cases (sorted by name): those with a .summary that has a Transition Summary. */
export function fullSuiteCases(suite = fullSuiteDir): Array<{name: string; summaryText: string; expected: string[]}> {
  const out: Array<{name: string; summaryText: string; expected: string[]}> = []
  for (const name of readdirSync(suite).filter((f) => f.endsWith('.xml')).map((f) => f.slice(0, -4)).sort()) {
    const summaryFile = join(suite, `${name}.summary`)
    if (!existsSync(summaryFile)) continue
    const summaryText = readFileSync(summaryFile, 'utf8')
    const expected = transitionSummaryLines(summaryText)
    if (expected !== null) out.push({name, summaryText, expected})
  }
  return out
}

/** Every case that has a .summary with a Transition Summary, by name, scheduled and compared. */
export function runFullSuite(suite = fullSuiteDir): SuiteCaseOutcome[] {
  const out: SuiteCaseOutcome[] = []
  for (const {name, summaryText, expected} of fullSuiteCases(suite)) {
    const file = join(suite, `${name}.xml`)
    const xml = readFileSync(file, 'utf8')
    try {
      const t = schedule(parseCibXml(xml, file))
      out.push({
        name, xml, summaryText,
        summary: firstDifference(expected, t.summaryLines),
        current: firstDifference(sectionLines(summaryText, 'Current cluster status:') ?? [], trimBlank(clusterStatus(t.workingSet, false))),
        revised: firstDifference(sectionLines(summaryText, 'Revised Cluster Status:') ?? [], trimBlank(clusterStatus(t.workingSet, true))),
      })
    } catch (error) {
      const detail = `threw ${(error as Error).stack}`
      out.push({name, xml, summaryText, summary: detail, current: detail, revised: detail})
    }
  }
  return out
}
