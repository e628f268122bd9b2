/**
 * --show-scores against the installed crm_simulate: for every case of the public corpus
 * (../shared/corpus/scheduler, 152 cases) the allocation and promotion score lines hakit logs
 * must be the ones `crm_simulate -x F -s -S` prints, in the same order.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {haveCommand, sharedDir} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'

const corpus = join(sharedDir, 'corpus', 'scheduler')
const isScoreLine = (l: string) => / (allocation|promotion) score on /.test(l)

test('--show-scores: allocation and promotion scores as crm_simulate -s prints them, on every corpus case', (t) => {
  if (!existsSync(join(corpus, 'index.json'))) {
    t.skip('scheduler corpus not present')
    return
  }
  if (!haveCommand('crm_simulate')) {
    t.skip('crm_simulate not installed')
    return
  }
  const index: {tests: Array<{name: string; feature: string}>} = JSON.parse(readFileSync(join(corpus, 'index.json'), 'utf8'))
  const differing: string[] = []
  let lines = 0
  for (const c of index.tests) {
    const file = join(corpus, c.feature, `${c.name}.xml`)
    const real = spawnSync('crm_simulate', ['-x', file, '-s', '-S'], {encoding: 'utf8', timeout: 120_000})
    const expected = real.stdout.split('\n').filter(isScoreLine)
    const got = schedule(parseCibXml(readFileSync(file, 'utf8'), file), {showScores: true}).scores.filter(isScoreLine)
    lines += expected.length
    const i = got.findIndex((l, k) => l !== expected[k])
    if (got.length !== expected.length || i >= 0) {
      const k = i < 0 ? got.length : i
      differing.push(`${c.feature}/${c.name} line ${k + 1}: expected ${JSON.stringify(expected[k] ?? '(end)')}, got ${JSON.stringify(got[k] ?? '(end)')}`)
    }
  }
  t.diagnostic(`score lines identical on ${index.tests.length - differing.length}/${index.tests.length} cases (${lines} lines from crm_simulate)`)
  assert.ok(lines > 1000, `crm_simulate printed only ${lines} score lines`)
  assert.deepEqual(differing, [])
})
