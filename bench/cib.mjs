#!/usr/bin/env node
// CIB model benchmarks (run after `npm run build`):
//  1. `hakit diff crm` of two generated 5 000-resource CIBs vs Pacemaker's crm_diff on the same pair
//     (both as command lines, and hakit's library call alone);
//  2. parse + print of a 5 000-resource crm file, vs crmsh `crm configure show` of the same CIB
//     (crmsh is slow: measured once);
//  3. with BENCH_CRMSH_CORPUS=1: the whole scheduler corpus through crmsh (print → load → diff), ~3 min.
import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {join, dirname} from 'node:path'
import {tmpdir} from 'node:os'
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const {parseCibXml, printCibXml} = await import(join(root, 'dist/formats/cib/xml.js'))
const {parseCrm} = await import(join(root, 'dist/formats/crm/parse.js'))
const {printCrm} = await import(join(root, 'dist/formats/crm/print.js'))
const {diffCibs} = await import(join(root, 'dist/cib/diff.js'))

const N = 5000
const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0

/** A CIB with N resources: groups of two primitives, some clones, constraints. `variant` changes a few values. */
function generate(n, variant) {
  const cib = {
    attributes: {'validate-with': 'pacemaker-3.9', epoch: '1', admin_epoch: '0', num_updates: '0'},
    crmConfig: [{id: 'cib-bootstrap-options', pairs: [{name: 'stonith-enabled', value: 'false'}, {name: 'no-quorum-policy', value: 'ignore'}]}],
    nodes: [1, 2, 3].map((i) => ({id: String(i), uname: `node${i}`, instanceAttributes: [], utilization: []})),
    resources: [],
    constraints: [],
    rscDefaults: [{id: 'rsc-options', pairs: [{name: 'resource-stickiness', value: '100'}]}],
    opDefaults: [],
    status: [],
    otherSections: [],
  }
  const prim = (id, i) => ({
    kind: 'primitive', id, class: 'ocf', provider: 'heartbeat', type: 'IPaddr2',
    instanceAttributes: [{pairs: [{name: 'ip', value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`}, {name: 'cidr_netmask', value: variant && i % 500 === 7 ? '16' : '24'}]}],
    metaAttributes: [], utilization: [],
    operations: [{name: 'monitor', interval: '10s', attributes: {timeout: variant && i % 700 === 3 ? '40s' : '20s'}, instanceAttributes: [], metaAttributes: []}],
  })
  for (let i = 0; i < n; i += 2) {
    const g = {kind: 'group', id: `g${i}`, metaAttributes: [], children: [prim(`r${i}`, i), prim(`r${i + 1}`, i + 1)]}
    cib.resources.push(i % 20 === 0 ? {kind: 'clone', id: `cl-g${i}`, promotable: false, legacyMaster: false, metaAttributes: [{pairs: [{name: 'clone-max', value: '2'}]}], child: g} : g)
    if (i % 10 === 0) cib.constraints.push({kind: 'location', id: `loc-g${i}`, rsc: `g${i}`, node: `node${(i / 10) % 3 + 1}`, score: variant && i % 1000 === 10 ? '200' : '100', rules: []})
  }
  if (variant) cib.constraints.push({kind: 'order', id: 'extra-order', first: 'g2', then: 'g4', rules: []})
  return cib
}

function time(fn, runs = 3) {
  const times = []
  let result
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint()
    result = fn()
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  times.sort((a, b) => a - b)
  return {ms: times[Math.floor(times.length / 2)], result}
}

const rows = []
const row = (what, ms, refName, refMs) => rows.push({what, hakit: `${ms.toFixed(0)} ms`, reference: refName ? `${refName}: ${refMs.toFixed(0)} ms` : '-', ratio: refMs ? `${(refMs / ms).toFixed(2)}x ${refMs >= ms ? 'faster' : 'slower'}` : '-'})

const dir = mkdtempSync(join(tmpdir(), 'hakit-bench-cib-'))
try {
  const a = join(dir, 'a.xml')
  const b = join(dir, 'b.xml')
  writeFileSync(a, printCibXml(generate(N, false)))
  writeFileSync(b, printCibXml(generate(N, true)))
  const textA = readFileSync(a, 'utf8')
  const textB = readFileSync(b, 'utf8')
  console.log(`generated CIBs: ${N} primitives, ${(textA.length / 1e6).toFixed(1)} MB each`)

  // 1. diff
  const lib = time(() => diffCibs(parseCibXml(textA, 'a.xml'), parseCibXml(textB, 'b.xml')))
  console.log(`hakit found ${lib.result.changes.length} changed objects`)
  const cli = time(() => spawnSync(process.execPath, [join(root, 'bin/run.js'), 'diff', 'crm', a, b], {env: {...process.env, NO_COLOR: '1'}, maxBuffer: 1 << 28}))
  if (cli.result.status !== 1) throw new Error(`hakit diff crm exited ${cli.result.status}: ${cli.result.stderr}`)
  if (have('crm_diff')) {
    const ref = time(() => spawnSync('crm_diff', ['-o', a, '-n', b], {maxBuffer: 1 << 28}))
    if (ref.result.status !== 1) throw new Error(`crm_diff exited ${ref.result.status}`)
    row(`diff crm, 2 x ${N}-resource CIBs (command)`, cli.ms, 'crm_diff', ref.ms)
    row(`diff crm, 2 x ${N}-resource CIBs (library: parse both + diff)`, lib.ms, 'crm_diff', ref.ms)
  } else {
    row(`diff crm (command)`, cli.ms)
    row(`diff crm (library)`, lib.ms)
  }

  // 2. crm parse / print
  const crmText = printCrm(parseCibXml(textA, 'a.xml'))
  const crmFile = join(dir, 'a.crm')
  writeFileSync(crmFile, crmText)
  const parse = time(() => parseCrm(crmText, 'a.crm'))
  const print = time(() => printCrm(parse.result))
  let crmshMs
  if (have('crm')) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync('crm', ['configure', 'show'], {env: {...process.env, CIB_file: a}, maxBuffer: 1 << 28, timeout: 120_000})
    crmshMs = r.status === 0 ? Number(process.hrtime.bigint() - t0) / 1e6 : undefined
  }
  row(`parse ${N}-resource crm file (${(crmText.length / 1e6).toFixed(1)} MB)`, parse.ms)
  row(`print ${N}-resource crm text`, print.ms)
  row(`XML → crm text (parse XML + print), as crm configure show`, time(() => printCrm(parseCibXml(textA, 'a.xml'))).ms, crmshMs ? 'crm configure show (crmsh)' : undefined, crmshMs)

  // 3. optional: the whole corpus through crmsh
  if (process.env.BENCH_CRMSH_CORPUS && have('crm')) {
    const corpus = join(root, '..', 'shared', 'corpus', 'scheduler')
    const files = readdirSync(corpus, {withFileTypes: true}).filter((d) => d.isDirectory()).flatMap((d) => readdirSync(join(corpus, d.name)).filter((f) => f.endsWith('.xml')).map((f) => join(corpus, d.name, f)))
    let equal = 0
    for (const f of files) {
      const cib = parseCibXml(readFileSync(f, 'utf8'), f)
      writeFileSync(join(dir, 'c.crm'), printCrm(cib))
      writeFileSync(join(dir, 'c.xml'), spawnSync('cibadmin', ['--empty'], {encoding: 'utf8'}).stdout)
      const r = spawnSync('crm', ['-F', 'configure', 'load', 'update', join(dir, 'c.crm')], {env: {...process.env, CIB_file: join(dir, 'c.xml')}})
      if (r.status === 0 && diffCibs(cib, parseCibXml(readFileSync(join(dir, 'c.xml'), 'utf8'), 'c.xml')).equal) equal++
      else console.log(`crmsh round trip differs: ${f}`)
    }
    console.log(`crmsh corpus round trip: ${equal}/${files.length} equal`)
  }
} finally {
  rmSync(dir, {recursive: true, force: true})
}
console.table(rows)
