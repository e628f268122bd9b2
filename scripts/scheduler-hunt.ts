/**
 * A wide differential hunt against the installed crm_simulate: suite CIBs (all of Pacemaker 2.1.5's
 * cts/scheduler inputs) mutated at random (mutate.ts's MUTATIONS), and in about half the draws one
 * node of the CIB also failed (--node-fail), taken down (--node-down) or put in standby (a transient
 * standby attribute written into the CIB, which both tools then read). Both tools run -S on the
 * same file; compared: the requested modifications, the Transition Summary, the "Executing Cluster
 * Transition" list, the "Revised Cluster Status" and the -G graph (graph-compare.ts).
 *
 *   node --import tsx scripts/scheduler-hunt.ts --seed 800 --count 200 [--save DIR] [--verbose]
 *   node --import tsx scripts/scheduler-hunt.ts --seed 800 --replay 17 [--save DIR]
 *   node --import tsx scripts/scheduler-hunt.ts --fingerprint-names FILE [--verbose]
 *
 * --fingerprint-names compares, unmutated and without events, the CIBs a
 * `scheduler-fingerprint.ts --compare` output names as differing (suite, corpus, its mutations and
 * bench CIBs, rebuilt as that script builds them): a change to the scheduler's output must leave
 * each of them equal to crm_simulate.
 *
 * Prints the differing cases grouped by a guess at the mechanism (the sections that differ and the
 * kind of the first differing line), one replay line per case, and how many draws crm_simulate
 * itself could not run (crashed or wrote no output): those are skipped. Not part of npm test: it
 * runs crm_simulate once per draw (niced).
 */
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseCibXml, parseXmlTree, printXmlTree, type XmlElement} from '../src/formats/cib/xml.js'
import type {Injections} from '../src/runtime/scheduler/inject.js'
import {renderSimulation, simulate} from '../src/runtime/scheduler/simulate.js'
import {sharedDir} from '../test/helpers/cli.js'
import {prng} from '../test/helpers/prng.js'
import {describeDiff, diffGraphs, graphResourceOperations, hakitNamedGraph, oracleNamedGraph, sameGraph} from '../test/runtime/scheduler/graph-compare.js'
import {printTransitionGraphXml} from '../src/runtime/scheduler/graph-xml.js'
import {drawMutatedCases, MUTATIONS} from '../test/runtime/scheduler/mutate.js'
import {multisetDiff} from '../test/runtime/scheduler/compare.js'
import {BUNDLE_CASE} from '../test/runtime/scheduler/mutation-run.js'
import {sectionLines, transitionSummaryLines} from '../test/runtime/scheduler/summary-lines.js'

process.stdout.on('error', () => process.exit(0)) // piped into head
const args = process.argv.slice(2)
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
const seed = Number(opt('--seed') ?? 800)
const count = Number(opt('--count') ?? 100)
const replay = opt('--replay') === undefined ? undefined : Number(opt('--replay'))
const save = opt('--save')
const verbose = args.includes('--verbose')
const only = opt('--cases') === undefined ? undefined : new RegExp(opt('--cases')!)
const suite = join(sharedDir, 'corpus', 'scheduler-full')

type NodeEvent = {kind: 'node-fail' | 'node-down' | 'standby'; node: string} | undefined

function* walk(el: XmlElement): Generator<XmlElement> {
  yield el
  for (const c of el.children) yield* walk(c)
}

/**
 * mutate.ts names its nvpairs after the element they go in: after a node id such as "1" that is no
 * XML ID, and crm_simulate refuses the file (schema validation, exit 78). Such ids get a letter in
 * front; true when any did.
 */
function validMutationIds(tree: XmlElement): boolean {
  let renamed = false
  for (const el of walk(tree)) if (/^[^A-Za-z_].*-mut\b/.test(el.attrs.id ?? '')) { el.attrs.id = `m${el.attrs.id}`; renamed = true }
  return renamed
}

/** The cluster nodes a CIB configures (remote and guest nodes aside). */
function clusterNodes(tree: XmlElement): string[] {
  const nodes = tree.children.find((c) => c.name === 'configuration')?.children.find((c) => c.name === 'nodes')
  return (nodes?.children ?? []).filter((n) => n.name === 'node' && n.attrs.type !== 'remote' && n.attrs.uname).map((n) => n.attrs.uname!)
}

/** A transient standby=on in the node's status entry, as `crm_attribute -l reboot -n standby -v on` leaves it. */
function putInStandby(tree: XmlElement, uname: string): boolean {
  const status = tree.children.find((c) => c.name === 'status')
  const ns = status?.children.find((c) => c.name === 'node_state' && c.attrs.uname === uname)
  if (!ns) return false
  let transient = ns.children.find((c) => c.name === 'transient_attributes')
  if (!transient) ns.children.push(transient = {name: 'transient_attributes', attrs: {id: ns.attrs.id!}, children: []})
  let set = transient.children.find((c) => c.name === 'instance_attributes')
  if (!set) transient.children.push(set = {name: 'instance_attributes', attrs: {id: `status-${ns.attrs.id}`}, children: []})
  const pair = set.children.find((c) => c.name === 'nvpair' && c.attrs.name === 'standby')
  if (pair) pair.attrs.value = 'on'
  else set.children.push({name: 'nvpair', attrs: {id: `status-${ns.attrs.id}-standby`, name: 'standby', value: 'on'}, children: []})
  return true
}

interface Draw { index: number; file: string; mutation: string; event: NodeEvent; text: string; path: string }

/** The draws of a seed, in order: the same sequence whether crm_simulate runs or not, so --replay K finds draw K. */
function* draws(dir: string): Generator<Draw> {
  const rnd = prng(seed)
  const files = readdirSync(suite).filter((f) => f.endsWith('.xml') && !f.startsWith('Makefile') && (!only || only.test(f))).sort()
  let index = 0
  for (const m of drawMutatedCases(suite, files, MUTATIONS, rnd, dir, Number.MAX_SAFE_INTEGER)) {
    const tree = parseXmlTree(m.text, m.file)
    const renamed = validMutationIds(tree)
    const node = clusterNodes(tree)[Math.floor(rnd() * Math.max(1, clusterNodes(tree).length))]
    const roll = rnd()
    let event: NodeEvent
    let text = renamed ? printXmlTree(tree) : m.text
    if (node && roll < 0.2) event = {kind: 'node-fail', node}
    else if (node && roll < 0.35) event = {kind: 'node-down', node}
    else if (node && roll < 0.5 && putInStandby(tree, node)) { event = {kind: 'standby', node}; text = printXmlTree(tree) }
    if (text !== m.text) writeFileSync(m.path, text)
    yield {index: index++, file: m.file, mutation: m.mutation.name, event, text, path: m.path}
  }
}

/** The CIBs a fingerprint comparison names, rebuilt as scheduler-fingerprint.ts builds them. */
function* fingerprintCibs(dir: string, listFile: string): Generator<Draw> {
  const names = readFileSync(listFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => /^(suite|corpus|mutation|bench)\//.test(l))
  const texts = new Map<string, string>()
  const suiteFiles = readdirSync(suite).filter((f) => f.endsWith('.xml')).sort()
  for (const [seed, count, files] of [[65, 400, suiteFiles], [72, 100, suiteFiles.filter((f) => BUNDLE_CASE.test(f))]] as const) {
    let k = 0
    for (const m of drawMutatedCases(suite, [...files], MUTATIONS, prng(seed), dir, count * 5)) {
      if (k >= count) break
      texts.set(`mutation/${seed}-${k++}-${m.file}-${m.mutation.name.replace(/\W+/g, '-')}`, m.text)
    }
  }
  if (names.some((n) => n.startsWith('bench/'))) {
    const root = new URL('..', import.meta.url).pathname
    const made = spawnSync(process.execPath, [join(root, 'bench', 'scheduler.mjs'), '--sizes', '64,1000', '--oracle-max', '0', '--keep', join(dir, 'bench')], {encoding: 'utf8'})
    if (made.status !== 0) throw new Error(`bench/scheduler.mjs failed (run npm run build first):\n${made.stderr}`)
  }
  let index = 0
  for (const name of names) {
    let text = name.startsWith('suite/') ? readFileSync(join(suite, name.slice(6)), 'utf8')
      : name.startsWith('corpus/') ? readFileSync(join(sharedDir, 'corpus', 'scheduler', name.slice(7)), 'utf8')
        : name.startsWith('bench/') ? readFileSync(join(dir, name), 'utf8') : texts.get(name)
    if (text === undefined) throw new Error(`${name}: not a CIB the fingerprint builds`)
    const path = join(dir, `fp-${index}.xml`)
    const tree = parseXmlTree(text, name)
    if (validMutationIds(tree)) text = printXmlTree(tree)
    writeFileSync(path, text)
    yield {index: index++, file: name, mutation: 'as given', event: undefined, text, path}
  }
}

const eventFlags = (e: NodeEvent): string[] => (e && e.kind !== 'standby' ? [`--${e.kind}`, e.node] : [])
const eventInjections = (e: NodeEvent): Injections => (e?.kind === 'node-fail' ? {nodeFail: [e.node]} : e?.kind === 'node-down' ? {nodeDown: [e.node]} : {})

/** The first line two lists differ at, as "expected | got". */
function firstDifference(expected: string[], got: string[]): string | undefined {
  for (let k = 0; k < Math.max(expected.length, got.length); k++) {
    if (expected[k] !== got[k]) return `${(expected[k] ?? '(none)').trim()}  |  ${(got[k] ?? '(none)').trim()}`
  }
  return undefined
}

let orderOnly = 0
const skippedWhy = new Map<string, number>()
const skippedNames: string[] = []
/** crm_simulate lists a pseudo action with a node only for a fencing (action2xml gives other pseudo events no node). */
const withoutPseudoNode = (l: string) => (/Pseudo action: +stonith-\S+-(reboot|off|on) on /.test(l) ? l : l.replace(/^(\s*\* Pseudo action: .*?) on \S+$/, '$1'))

interface Outcome { sections: Record<string, string>; guess: string }

/** What differs in one draw, or undefined when crm_simulate could not run it. */
function compare(d: Draw, dir: string): Outcome | 'skipped' {
  const graphFile = join(dir, `${d.index}.graph.xml`)
  const real = spawnSync('nice', ['-n', '10', 'crm_simulate', '-x', d.path, '-S', '-G', graphFile, ...eventFlags(d.event)], {encoding: 'utf8', timeout: 600_000})
  const expectedSummary = real.status === 0 ? transitionSummaryLines(real.stdout) : null
  if (expectedSummary === null) {
    // why crm_simulate gave nothing to compare: killed by a signal (an assertion aborts it), an exit code, or no summary
    const why = real.signal ? `crashed (${real.signal}${/fatal assertion at (\S+)/.exec(real.stderr)?.[1] ? ` at ${/fatal assertion at (\S+)/.exec(real.stderr)![1]}` : ''})`
      : real.status !== 0 ? `exit ${real.status}${/fatal assertion at (\S+)/.exec(real.stderr)?.[1] ? ` after an assertion at ${/fatal assertion at (\S+)/.exec(real.stderr)![1]}` : ''}` : 'no Transition Summary'
    skippedWhy.set(why, (skippedWhy.get(why) ?? 0) + 1)
    return 'skipped'
  }
  let graphXml = ''
  try { graphXml = readFileSync(graphFile, 'utf8') } catch { /* no graph written */ }
  const sections: Record<string, string> = {}
  try {
    const sim = simulate(parseCibXml(d.text, d.path), {execute: true, injections: eventInjections(d.event)})
    const ours = renderSimulation(sim)
    for (const heading of ['Performing Requested Modifications:', 'Executing Cluster Transition:', 'Revised Cluster Status:']) {
      const e = sectionLines(real.stdout, heading) ?? []
      const g = sectionLines(ours, heading) ?? []
      const diff = firstDifference(e, g)
      if (!diff) continue
      if (!heading.startsWith('Executing')) { sections[heading.replace(/:$/, '')] = diff; continue }
      // the order of independent actions follows the graph's action ids, which are not Pacemaker's: counted apart
      const {missing, extra} = multisetDiff(e, g)
      const withoutNodes = missing.length + extra.length === 0 ? undefined : multisetDiff(e, g.map(withoutPseudoNode))
      if (!withoutNodes) orderOnly++
      else if (withoutNodes.missing.length + withoutNodes.extra.length === 0) sections['Executing Cluster Transition'] = `pseudo actions listed with a node, e.g. ${extra[0]!.trim()}`
      else sections['Executing Cluster Transition'] = `${missing.length} only in crm_simulate, e.g. ${missing[0]?.trim() ?? '-'}; ${extra.length} only in hakit, e.g. ${extra[0]?.trim() ?? '-'}`
    }
    const summaryDiff = firstDifference(expectedSummary, sim.transition.summaryLines)
    if (summaryDiff) sections['Transition Summary'] = summaryDiff
    const g = diffGraphs(oracleNamedGraph(graphXml), hakitNamedGraph(sim.transition))
    if (!sameGraph(g)) sections.graph = describeDiff(g)
    // how the graph's resource operations name their resource (keys, primitive id and long-id)
    const names = multisetDiff(graphResourceOperations(graphXml), graphResourceOperations(printTransitionGraphXml(sim.transition.workingSet, sim.transition.actions)))
    if (names.missing.length + names.extra.length > 0) sections['graph names'] = `crm_simulate ${names.missing[0] ?? '-'}, hakit ${names.extra[0] ?? '-'}`
  } catch (error) {
    sections.threw = (error as Error).message
  }
  return {sections, guess: guessMechanism(d, sections)}
}

/** A coarse grouping key: the event kind, the sections that differ, and the kind of the first differing line. */
function guessMechanism(d: Draw, sections: Record<string, string>): string {
  const names = Object.keys(sections)
  if (names.length === 0) return ''
  if (sections.threw) return 'hakit threw'
  const executing = sections['Executing Cluster Transition']
  if (executing?.startsWith('pseudo actions listed with a node') && names.length === 1) return `${d.event ? `--${d.event.kind}` : 'no event'} | Executing | pseudo action listed with a node (nodefail's)`
  if (executing && names.length === 1) {
    const m = /e\.g\. (.*); \d+ only in hakit, e\.g\. (.*)$/.exec(executing)
    const unnumbered = (l: string) => l.replace(/:\d+(?=\s|$)/g, '').replace(/\s+/g, ' ')
    if (m && unnumbered(m[1]) === unnumbered(m[2])) return `${d.event ? `--${d.event.kind}` : 'no event'} | Executing | resource named otherwise (clone instance)`
  }
  const first = sections['Transition Summary'] ?? executing ?? sections['Revised Cluster Status'] ?? sections.graph ?? ''
  const kind = /(Pseudo action|Resource action|Fencing|Cluster action|Start|Stop|Move|Recover|Restart|Promote|Demote|Migrate|Reload|missing \d+ action|extra \d+ action|missing \d+ edge|extra \d+ edge|priorit|order only|Node List|Online|OFFLINE|Stopped|Started|FAILED)/.exec(first)?.[1] ?? 'other'
  return `${d.event ? `--${d.event.kind}` : 'no event'} | ${names.join('+')} | ${kind.replace(/\d+/, 'N')}`
}

const replayLine = (d: Draw) => opt('--fingerprint-names') ? `${d.file}: printf '${d.file}\\n' > L; node --import tsx scripts/scheduler-hunt.ts --fingerprint-names L --verbose` :
  `node --import tsx scripts/scheduler-hunt.ts --seed ${seed}${only ? ` --cases '${only.source}'` : ''} --replay ${d.index} --save DIR   # ${d.file} + ${d.mutation}${d.event ? ` + ${d.event.kind} ${d.event.node}` : ''}; then crm_simulate -x DIR/${d.index}.xml -S ${eventFlags(d.event).join(' ')}`

const dir = mkdtempSync(join(tmpdir(), `hakit-hunt-${process.pid}-`))
try {
  let compared = 0
  let equal = 0
  let skipped = 0
  const groups = new Map<string, Array<{d: Draw; o: Outcome}>>()
  const fingerprintList = opt('--fingerprint-names')
  for (const d of fingerprintList ? fingerprintCibs(dir, fingerprintList) : draws(dir)) {
    if (replay !== undefined && d.index < replay) continue
    if (replay === undefined && !fingerprintList && compared >= count) break
    const o = compare(d, dir)
    if (o === 'skipped') {
      skipped++
      skippedNames.push(d.file)
      if (replay !== undefined) { console.log(`draw ${d.index}: crm_simulate could not run it`); break }
      continue
    }
    compared++
    if (o.guess === '') equal++
    else groups.set(o.guess, [...(groups.get(o.guess) ?? []), {d, o}])
    if (save && (o.guess !== '' || replay !== undefined)) {
      mkdirSync(save, {recursive: true})
      writeFileSync(join(save, `${d.index}.xml`), d.text)
    }
    if (replay !== undefined) {
      console.log(`draw ${d.index}: ${d.file} + ${d.mutation}${d.event ? ` + ${d.event.kind} ${d.event.node}` : ''}`)
      for (const [k, v] of Object.entries(o.sections)) console.log(`  ${k}: ${v}`)
      if (o.guess === '') console.log('  same as crm_simulate')
      break
    }
  }
  if (replay === undefined) {
    console.log(`${fingerprintList ? `fingerprint list ${fingerprintList}` : `seed ${seed}`}: ${compared} compared, ${equal} equal (${(100 * equal / Math.max(1, compared)).toFixed(1)} %), ${skipped} skipped (crm_simulate could not run them); ${orderOnly} of the compared list the same executed actions in another order`)
    if (skippedWhy.size > 0) console.log(`skipped: ${[...skippedWhy].map(([why, n]) => `${n} ${why}`).join(', ')}${verbose ? ` (${skippedNames.join(' ')})` : ''}`)
    const knownOnly = [...groups].filter(([guess]) => guess.endsWith("(nodefail's)")).reduce((n, [, list]) => n + list.length, 0)
    console.log(`equal apart from pseudo actions listed with a node (another engineer's fix): ${equal + knownOnly} (${(100 * (equal + knownOnly) / Math.max(1, compared)).toFixed(1)} %)`)
    for (const [guess, list] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
      console.log(`\n${list.length}  ${guess}`)
      for (const {d, o} of verbose ? list : list.slice(0, 3)) {
        console.log(`  ${replayLine(d)}`)
        for (const [k, v] of Object.entries(o.sections)) console.log(`      ${k}: ${v}`)
      }
      if (!verbose && list.length > 3) console.log(`  … ${list.length - 3} more (--verbose)`)
    }
  }
} finally {
  rmSync(dir, {recursive: true, force: true})
}
