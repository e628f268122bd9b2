/**
 * A fingerprint of everything the scheduler prints, per CIB: for performance work on the scheduler,
 * where the output must stay byte-identical. For each CIB: `crm simulate -S -s` text (current status,
 * scores, Transition Summary, executing, revised status), the -G graph XML and the JSON of the action
 * graph and placement (`--json --graph`), hashed. CIBs: Pacemaker 2.1.5's whole suite, the public
 * corpus, mutations of suite cases (fixed seeds) and bench/scheduler.mjs's cluster at 64 and 1 000
 * primitives (needs `npm run build`: the bench writes them).
 *
 *   node --import tsx scripts/scheduler-fingerprint.ts > before.txt
 *   ... change the scheduler ...
 *   node --import tsx scripts/scheduler-fingerprint.ts --compare before.txt   (exit 1 when any CIB differs)
 *   --only REGEX   just the CIBs whose name matches
 */
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseCibXml} from '../src/formats/cib/xml.js'
import {printTransitionGraphXml} from '../src/runtime/scheduler/graph-xml.js'
import {renderSimulation, simulate} from '../src/runtime/scheduler/simulate.js'
import {sharedDir} from '../test/helpers/cli.js'
import {prng} from '../test/helpers/prng.js'
import {drawMutatedCases, MUTATIONS} from '../test/runtime/scheduler/mutate.js'
import {BUNDLE_CASE} from '../test/runtime/scheduler/mutation-run.js'

const root = new URL('..', import.meta.url).pathname
const args = process.argv.slice(2)
const compareWith = args.includes('--compare') ? args[args.indexOf('--compare') + 1] : undefined
const only = args.includes('--only') ? new RegExp(args[args.indexOf('--only') + 1]) : undefined
// date rules and failure expiry read the clock: one fixed "now" for every run
const NOW = Date.parse('2026-01-01T00:00:00Z')

function fingerprint(text: string, name: string): string {
  const hash = createHash('sha1')
  try {
    const sim = simulate(parseCibXml(text, name), {execute: true, showScores: true, now: NOW})
    hash.update(renderSimulation(sim, {showScores: true}))
    hash.update(printTransitionGraphXml(sim.transition.workingSet, sim.transition.actions))
    hash.update(JSON.stringify({actions: sim.transition.summary, graph: sim.transition.actions, placement: sim.transition.placement}))
  } catch (error) {
    hash.update(`threw ${(error as Error).message}`)
  }
  return hash.digest('hex').slice(0, 16)
}

const cibs: Array<{name: string; text: () => string}> = []
const suite = join(sharedDir, 'corpus', 'scheduler-full')
for (const f of readdirSync(suite).filter((f) => f.endsWith('.xml')).sort()) cibs.push({name: `suite/${f}`, text: () => readFileSync(join(suite, f), 'utf8')})
const corpus = join(sharedDir, 'corpus', 'scheduler')
for (const dir of readdirSync(corpus, {withFileTypes: true}).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
  for (const f of readdirSync(join(corpus, dir)).filter((f) => f.endsWith('.xml')).sort()) cibs.push({name: `corpus/${dir}/${f}`, text: () => readFileSync(join(corpus, dir, f), 'utf8')})
}
const scratch = mkdtempSync(join(tmpdir(), `hakit-fingerprint-${process.pid}-`))
try {
  const suiteFiles = readdirSync(suite).filter((f) => f.endsWith('.xml')).sort()
  for (const [seed, count, files] of [[65, 400, suiteFiles], [72, 100, suiteFiles.filter((f) => BUNDLE_CASE.test(f))]] as const) {
    let k = 0
    for (const m of drawMutatedCases(suite, [...files], MUTATIONS, prng(seed), scratch, count * 5)) {
      if (k >= count) break
      const text = m.text
      cibs.push({name: `mutation/${seed}-${k++}-${m.file}-${m.mutation.name.replace(/\W+/g, '-')}`, text: () => text})
    }
  }
  const made = spawnSync(process.execPath, [join(root, 'bench', 'scheduler.mjs'), '--sizes', '64,1000', '--oracle-max', '0', '--keep', join(scratch, 'bench')], {encoding: 'utf8'})
  if (made.status !== 0) throw new Error(`bench/scheduler.mjs failed (run npm run build first):\n${made.stderr}`)
  for (const size of ['64', '1000']) {
    for (const f of ['fresh.xml', 'steady-1-standby.xml', 'steady-1-lost.xml']) {
      const text = readFileSync(join(scratch, 'bench', size, f), 'utf8')
      cibs.push({name: `bench/${size}/${f}`, text: () => text})
    }
  }

  const lines: string[] = []
  for (const c of cibs) if (!only || only.test(c.name)) lines.push(`${c.name} ${fingerprint(c.text(), c.name)}`)
  if (!compareWith) {
    process.stdout.write(`${lines.join('\n')}\n`)
  } else {
    const before = new Map(readFileSync(compareWith, 'utf8').trim().split('\n').map((l) => l.split(' ') as [string, string]))
    const differ = lines.filter((l) => { const [name, h] = l.split(' '); return before.has(name) && before.get(name) !== h }).map((l) => l.split(' ')[0])
    const compared = lines.filter((l) => before.has(l.split(' ')[0])).length
    console.log(`${compared} CIBs compared, ${differ.length} differ${differ.length ? `:\n  ${differ.join('\n  ')}` : ''}`)
    if (differ.length || compared === 0) process.exitCode = 1
  }
} finally {
  rmSync(scratch, {recursive: true, force: true})
}
