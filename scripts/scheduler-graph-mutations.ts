/**
 * Differential run of the action graph on mutated scheduler-suite CIBs (bundle cases aside:
 * mutation-run.ts's BUNDLE_CASE) against the installed crm_simulate's transition graph (-G,
 * cached by graph-oracle.ts), compared as graph.test.ts does:
 *   node --import tsx scripts/scheduler-graph-mutations.ts [--seed S] [--count N] [--save DIR]
 * Prints each differing case (with its mutation) and the total; --save keeps the mutated CIBs
 * that differ in DIR.
 */
import {mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseCibXml} from '../src/formats/cib/xml.js'
import {schedule} from '../src/runtime/scheduler/index.js'
import {prng} from '../test/helpers/prng.js'
import {describeDiff, diffGraphs, hakitNamedGraph, oracleNamedGraph, sameGraph} from '../test/runtime/scheduler/graph-compare.js'
import {oracleGraph} from '../test/runtime/scheduler/graph-oracle.js'
import {drawMutatedCases, MUTATIONS} from '../test/runtime/scheduler/mutate.js'
import {BUNDLE_CASE} from '../test/runtime/scheduler/mutation-run.js'

process.stdout.on('error', () => process.exit(0)) // piped into head
const args = process.argv.slice(2)
const opt = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback)
const suite = join(new URL('..', import.meta.url).pathname, '..', 'shared', 'corpus', 'scheduler-full')
const save = args.includes('--save') ? args[args.indexOf('--save') + 1] : undefined
const seed = opt('--seed', 1)
const count = opt('--count', 100)
const rnd = prng(seed)
const cases = readdirSync(suite).filter((f) => f.endsWith('.xml') && !f.startsWith('Makefile') && !BUNDLE_CASE.test(f)).sort()
const dir = mkdtempSync(join(tmpdir(), `hakit-graph-mut-${process.pid}-`))
let total = 0
let same = 0
try {
  for (const {file, mutation, text, path} of drawMutatedCases(suite, cases, MUTATIONS, rnd, dir, count * 5)) {
    if (total >= count) break
    const oracle = oracleGraph(path)
    if (oracle === '') continue // crm_simulate could not handle this input
    total++
    let detail: string
    try {
      const d = diffGraphs(oracleNamedGraph(oracle), hakitNamedGraph(schedule(parseCibXml(text, path))))
      detail = sameGraph(d) ? '' : describeDiff(d)
    } catch (error) {
      detail = `threw ${(error as Error).message}`
    }
    if (detail === '') { same++; continue }
    console.log(`${file} + ${mutation.name}: ${detail}`)
    if (save) {
      mkdirSync(save, {recursive: true})
      writeFileSync(join(save, `${total}-${mutation.name.replace(/\W+/g, '-')}-${file}`), text)
    }
  }
} finally {
  rmSync(dir, {recursive: true, force: true})
}
console.log(`same graph: ${same}/${total}`)
