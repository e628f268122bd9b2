/**
 * Conformance with Pacemaker 2.1.5's crm_simulate on the scheduler corpus
 * (../shared/corpus/scheduler): every case is scheduled in this process and
 * its transition summary compared with the oracle's. Cases that do not match
 * yet are listed with a reason in known-failures.json; a failure not in that
 * list fails the test, and so does a listed case that now passes (the list
 * may only shrink).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {sharedDir} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {compareActions} from './compare.js'

const corpus = join(sharedDir, 'corpus', 'scheduler')
const knownFailures: Record<string, string> = JSON.parse(readFileSync(new URL('known-failures.json', import.meta.url), 'utf8'))

interface IndexEntry {name: string; feature: string; tags: string[]}

test('scheduler corpus: exact match with crm_simulate 2.1.5', (t) => {
  if (!existsSync(join(corpus, 'index.json'))) {
    t.skip('scheduler corpus not present')
    return
  }
  const index: {tests: IndexEntry[]} = JSON.parse(readFileSync(join(corpus, 'index.json'), 'utf8'))
  const perTag = new Map<string, {ok: number; total: number}>()
  const unexpected: string[] = []
  const nowPassing: string[] = []
  let ok = 0
  for (const c of index.tests) {
    const key = `${c.feature}/${c.name}`
    const expected = JSON.parse(readFileSync(join(corpus, c.feature, `${c.name}.json`), 'utf8'))
    let detail = ''
    let good = false
    try {
      const file = join(corpus, c.feature, `${c.name}.xml`)
      const tr = schedule(parseCibXml(readFileSync(file, 'utf8'), file))
      const cmp = compareActions(expected.actions, tr.summary)
      good = cmp.ordered
      if (!good) detail = cmp.unordered ? 'same actions, different order' : `missing ${JSON.stringify(cmp.missing)} extra ${JSON.stringify(cmp.extra)}`
    } catch (error) {
      detail = `threw ${(error as Error).stack}`
    }
    if (good) ok++
    for (const tag of new Set([c.feature, ...c.tags.filter((x) => !x.startsWith('schema:'))])) {
      const s = perTag.get(tag) ?? {ok: 0, total: 0}
      s.total++
      if (good) s.ok++
      perTag.set(tag, s)
    }
    if (!good && !(key in knownFailures)) unexpected.push(`${key}: ${detail}`)
    if (good && key in knownFailures) nowPassing.push(key)
  }
  const folders = ['basic', 'constraints', 'failures', 'group', 'nodes', 'clone', 'promotable']
  const rows = [...perTag.entries()].sort(([a], [b]) => (folders.indexOf(a) + 1 || 99) - (folders.indexOf(b) + 1 || 99) || a.localeCompare(b))
  t.diagnostic(`exact match: ${ok}/${index.tests.length} (${((100 * ok) / index.tests.length).toFixed(1)}%)`)
  for (const [tag, s] of rows) t.diagnostic(`${tag.padEnd(28)} ${String(s.ok).padStart(3)}/${String(s.total).padEnd(3)} ${((100 * s.ok) / s.total).toFixed(1)}%`)
  assert.deepEqual(unexpected, [], 'cases that fail and are not in known-failures.json')
  assert.deepEqual(nowPassing, [], 'cases that now pass: remove them from known-failures.json')
})
