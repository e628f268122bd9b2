#!/usr/bin/env node
// bench/codecache.mjs: would a V8 code cache (vm.Script cachedData) make a fresh `crm simulate -R` cheaper?
//
// Node 20 has no module compile cache, and vm.Script code caches need a classic script, while the
// CLI bundle is ESM with split chunks loaded by oclif. So this measures a prototype, not the CLI:
// one bundle of what `crm simulate -x F -R` loads (the CLI entry with oclif, the command, the
// simulate library), built twice by esbuild (ESM as today, CommonJS), and run four ways in
// alternation: the real CLI; the ESM prototype; the CommonJS prototype through require(); the
// CommonJS prototype through vm.Script with a code cache made after one representative run
// (createCachedData() after the run, so the lazily compiled functions are in it). All with the
// interrupt budget bin/run.js sets. CPU time of the whole process (user + sys, all threads:
// process.cpuUsage() at exit, through a preloaded module), medians; same-run ratios.
// The prototype skips oclif's configuration and dispatch (the CLI line includes them).
//
// Usage: npm run -s build && node bench/codecache.mjs [--size 1000] [--rounds 15]

import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {build} from 'esbuild'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = path.join(root, 'dist')
const args = process.argv.slice(2)
const opt = (k, d) => { const i = args.indexOf(`--${k}`); return i >= 0 ? args[i + 1] : d }
const size = Number(opt('size', '1000'))
const rounds = Number(opt('rounds', '15'))

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hakit-bench-codecache-'))
// the CIBs of bench/scheduler.mjs (its in-process timings come along; not shown)
spawnSync(process.execPath, [path.join(root, 'bench', 'scheduler.mjs'), '--sizes', String(size), '--oracle-max', '0', '--keep', tmp], {encoding: 'utf8'})
const cibs = ['fresh.xml', 'steady-1-standby.xml'].map((f) => path.join(tmp, String(size), f))

const u = (p) => JSON.stringify(path.join(dist, p))
fs.writeFileSync(path.join(tmp, 'entry.mjs'), `
import * as entry from ${u('cli/entry.js')}
import * as command from ${u('commands/crm/simulate.js')}
import {runSimulateCommand} from ${u('cib/simulate-run.js')}
export async function main(file) {
  if (!entry || !command) throw new Error('not loaded')
  const {render} = await runSimulateCommand({xmlFile: file, live: false, execute: false})
  process.stdout.write(render())
}
`)
const common = {
  entryPoints: [path.join(tmp, 'entry.mjs')], bundle: true, platform: 'node', target: 'node20', minify: true, logLevel: 'error',
  external: ['serialport', '@serialport/*', 'typescript', 'ts-node', 'tsx'],
  plugins: [{name: 'oclif-sub-paths', setup(b) { b.onResolve({filter: /^@oclif\/core$/}, () => ({path: path.join(dist, 'cli', 'oclif-core.js')})) }}],
}
const esm = path.join(tmp, 'proto.mjs')
const cjs = path.join(tmp, 'proto.cjs')
await build({...common, outfile: esm, format: 'esm', banner: {js: "import {createRequire as __r} from 'node:module'; const require = __r(import.meta.url);"}})
await build({...common, outfile: cjs, format: 'cjs'})

const budget = "import v8 from 'node:v8'; v8.setFlagsFromString('--interrupt-budget=1056000')\n"
const runner = (name, body) => { const f = path.join(tmp, name); fs.writeFileSync(f, budget + body); return f }
const runEsm = runner('run-esm.mjs', `const {main} = await import(${JSON.stringify(esm)}); await main(process.argv[2])\n`)
const runCjs = runner('run-cjs.mjs', `import {createRequire} from 'node:module'
const {main} = createRequire(import.meta.url)(${JSON.stringify(cjs)}); await main(process.argv[2])\n`)
const cache = cjs + '.cache'
const runCached = runner('run-cached.mjs', `import vm from 'node:vm'; import fs from 'node:fs'; import {createRequire} from 'node:module'
const file = ${JSON.stringify(cjs)}, cacheFile = ${JSON.stringify(cache)}
let cachedData; try { cachedData = fs.readFileSync(cacheFile) } catch {}
const script = new vm.Script('(function (exports, require, module, __filename, __dirname) {' + fs.readFileSync(file, 'utf8') + '\\n})', {filename: file, cachedData})
if (cachedData && script.cachedDataRejected) console.error('code cache rejected')
const module = {exports: {}}
script.runInThisContext()(module.exports, createRequire(file), module, file, ${JSON.stringify(tmp)})
await module.exports.main(process.argv[2])
if (process.env.WRITE_CACHE) { fs.writeFileSync(cacheFile + '.tmp', script.createCachedData()); fs.renameSync(cacheFile + '.tmp', cacheFile) }
`)

// the process's CPU time as the last line on stderr, whatever the process printed there before
const cpuAtExit = path.join(tmp, 'cpu-at-exit.mjs')
fs.writeFileSync(cpuAtExit, "import fs from 'node:fs'\nprocess.on('exit', () => { const c = process.cpuUsage(); fs.writeSync(2, `\\n${(c.user + c.system) / 1000}\\n`) })\n")
const run = (argv, env = {}) => spawnSync(process.execPath, ['--import', cpuAtExit, ...argv], {encoding: 'utf8', env: {...process.env, ...env}})
// the cache, from one representative run (the standby scenario); then check it is accepted
run([runCached, cibs[1]], {WRITE_CACHE: '1'})
const check = run([runCached, cibs[1]])
if (check.stderr.includes('rejected')) throw new Error('V8 rejected the code cache')
console.log(`code cache: ${fs.statSync(cache).size} bytes for a ${fs.statSync(cjs).size}-byte script`)

const cpuMs = (p) => Number(p.stderr.trim().split('\n').at(-1))
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
for (const cib of cibs) {
  const ways = {
    'CLI (bin/run.js crm simulate -x F -R)': [path.join(root, 'bin', 'run.js'), 'crm', 'simulate', '-x', cib, '-R'],
    'prototype, ESM': [runEsm, cib], 'prototype, CommonJS': [runCjs, cib], 'prototype, CommonJS + code cache': [runCached, cib],
  }
  const cpu = Object.fromEntries(Object.keys(ways).map((k) => [k, []]))
  const outputs = new Set()
  for (let r = 0; r < rounds; r++) for (const [k, argv] of Object.entries(ways)) {
    const p = run(argv)
    if (k.startsWith('prototype')) outputs.add(p.stdout)
    cpu[k].push(cpuMs(p))
  }
  if (outputs.size !== 1) throw new Error('the prototypes disagree')
  console.log(`\n${size} primitives, ${path.basename(cib)}: CPU time, median of ${rounds} (alternating)`)
  const esmMs = median(cpu['prototype, ESM'])
  for (const [k, xs] of Object.entries(cpu)) console.log(`  ${k.padEnd(40)} ${String(median(xs).toFixed(0)).padStart(5)} ms  ${(median(xs) / esmMs).toFixed(3)}× prototype ESM`)
}
fs.rmSync(tmp, {recursive: true, force: true})
