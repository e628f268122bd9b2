/**
 * A seeded fuzz campaign in the suite, in-process (parsers called directly,
 * commands through oclif from dist/ as bin/run.js runs them): no exception
 * escapes, every exit code is one the command documents, and an exit 2 says
 * why in one line. `npm run bench -- fuzz` runs a larger campaign with a
 * watchdog for hangs.
 */
import assert from 'node:assert/strict'
import {rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, test} from 'node:test'
import {CaseGenerator, SMALL, TARGETS} from './cases.js'
import {FuzzHarness, tally, type CaseResult} from './harness.js'

const RUNS = 600
const SEED = 20261206
const work = join(tmpdir(), `hakit-fuzz-test-${process.pid}`)
after(() => rmSync(work, {recursive: true, force: true}))

test(`fuzz: ${RUNS} seeded cases over every parser and command, no exception, documented exit codes`, async () => {
  const harness = await FuzzHarness.create(work)
  const generator = new CaseGenerator(SEED, SMALL)
  const results: CaseResult[] = []
  const targets = new Map<string, Set<number>>()
  const failures: string[] = []
  for (let i = 0; i < RUNS; i++) {
    const c = generator.next(i)
    const r = await harness.run(c)
    results.push(r)
    if (!targets.has(c.target)) targets.set(c.target, new Set())
    targets.get(c.target)!.add(r.exitCode)
    if (r.verdict !== 'ok') failures.push(`case ${i} (seed ${SEED}) ${c.target}: ${r.verdict}\n${r.detail ?? ''}`)
  }
  assert.deepEqual(failures, [])
  assert.equal(tally(results).ok, RUNS)
  // the campaign reaches every target, and the inputs are bad often enough to be refused
  assert.deepEqual([...targets.keys()].sort(), [...new Set(TARGETS.map((t) => t.name))].sort())
  assert.ok(results.filter((r) => r.exitCode === 2).length > RUNS / 20, 'too few inputs refused: the mutations are too mild')
  assert.ok(results.filter((r) => r.exitCode === 0).length > RUNS / 20, 'too few inputs accepted: the mutations are too harsh')
})

test('fuzz: the same seed gives the same cases', () => {
  const a = new CaseGenerator(7, SMALL)
  const b = new CaseGenerator(7, SMALL)
  for (let i = 0; i < 50; i++) assert.deepEqual(a.next(i), b.next(i))
})
