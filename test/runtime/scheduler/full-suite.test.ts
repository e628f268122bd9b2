/**
 * Pacemaker 2.1.5's whole scheduler regression suite (../shared/corpus/scheduler-full): every
 * input is scheduled in this process and the "Transition Summary:" lines compared exactly
 * (column padding included) with the suite's own .summary file, which is what crm_simulate -S
 * printed. Cases that do not match yet are listed in full-known-failures.json; a failure not in
 * that list fails the test, and so does a listed case that now passes (the list may only shrink).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {sharedDir} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {transitionSummaryLines} from './summary-lines.js'

const suite = join(sharedDir, 'corpus', 'scheduler-full')
const knownFailures: Record<string, string> = JSON.parse(readFileSync(new URL('full-known-failures.json', import.meta.url), 'utf8'))

test('full scheduler suite: exact Transition Summary match with Pacemaker 2.1.5', (t) => {
  if (!existsSync(suite)) {
    t.skip('scheduler-full corpus not present')
    return
  }
  const names = readdirSync(suite).filter((f) => f.endsWith('.xml')).map((f) => f.slice(0, -4)).sort()
  const unexpected: string[] = []
  const nowPassing: string[] = []
  let ok = 0
  let total = 0
  for (const name of names) {
    const summaryFile = join(suite, `${name}.summary`)
    if (!existsSync(summaryFile)) continue
    const expected = transitionSummaryLines(readFileSync(summaryFile, 'utf8'))
    if (expected === null) continue
    total++
    let detail = ''
    try {
      const file = join(suite, `${name}.xml`)
      const got = schedule(parseCibXml(readFileSync(file, 'utf8'), file)).summaryLines
      const firstDiff = got.findIndex((l, i) => l !== expected[i])
      if (got.length === expected.length && firstDiff < 0) ok++
      else {
        const i = firstDiff < 0 ? got.length : firstDiff
        detail = `line ${i + 1}: expected ${JSON.stringify(expected[i] ?? '(end)')}, got ${JSON.stringify(got[i] ?? '(end)')}`
      }
    } catch (error) {
      detail = `threw ${(error as Error).stack}`
    }
    if (detail === '' && name in knownFailures) nowPassing.push(name)
    if (detail !== '' && !(name in knownFailures)) unexpected.push(`${name}: ${detail}`)
  }
  t.diagnostic(`exact match: ${ok}/${total} (${((100 * ok) / total).toFixed(1)}%)`)
  assert.deepEqual(unexpected, [], 'cases that fail and are not in full-known-failures.json')
  assert.deepEqual(nowPassing, [], 'cases that now pass: remove them from full-known-failures.json')
})
