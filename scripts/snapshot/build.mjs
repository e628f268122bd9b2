#!/usr/bin/env node
// Builds hakit's V8 startup snapshot (docs/scheduler.md, "Start-up"): one CommonJS bundle of the CLI
// (oclif, every command, help and hook, from tsc's dist/) whose evaluated modules node saves in
// dist/snapshot/hakit.blob; bin/hakit starts from it. Stamped with the bundle's stamp and the node
// that built it (the blob is per node binary): bin/hakit and main.mjs fall back to the ordinary
// start when either differs. Usage: node scripts/snapshot/build.mjs (after tsc and scripts/bundle.mjs).
import {build} from 'esbuild'
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {createRequire, isBuiltin} from 'node:module'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.join(here, '..', '..')
const dist = path.join(root, 'dist')
const out = path.join(dist, 'snapshot')

function jsFiles(dir) {
  return fs.readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name)
    if (fs.statSync(file).isDirectory()) return jsFiles(file)
    return name.endsWith('.js') ? [file] : []
  })
}

function packageName(file) {
  const parts = file.split(path.sep)
  const at = parts.lastIndexOf('node_modules') + 1
  return parts[at].startsWith('@') ? `${parts[at]}/${parts[at + 1]}` : parts[at]
}

const stampFile = path.join(dist, 'bundle', 'stamp')
if (!fs.existsSync(stampFile)) throw new Error(`${stampFile} missing: run scripts/bundle.mjs first`)
const stamp = fs.readFileSync(stampFile, 'utf8')

// What oclif loads by path (commands, help class, hook), under the path it asks for (the ESM
// bundle's, relative to the package). Lazy: oclif and the commands read the environment while
// loading (terminal width, colour support, DEBUG...), so they are evaluated at run time only.
const loaded = [path.join(dist, 'cli', 'help.js'), path.join(dist, 'cli', 'not-found.js'), ...jsFiles(path.join(dist, 'commands'))]
const registry = loaded.map((file) => `${JSON.stringify(path.relative(root, file).replace(/^dist\//, 'dist/bundle/').split(path.sep).join('/'))}: () => import(${JSON.stringify(file)})`)
// The warm-up: hakit's scheduler on small CIBs while building, so that the snapshot holds the
// bytecode of what a schedule runs (V8 keeps compiled functions in a snapshot). Library code only.
// The CIBs: bench/scheduler.mjs's cluster (groups, clones, migration, utilization) at 64 primitives:
// fresh start, one node in standby, one node lost.
const warmDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hakit-snapshot-warm-'))
process.on('exit', () => fs.rmSync(warmDir, {recursive: true, force: true}))
const made = spawnSync(process.execPath, [path.join(root, 'bench', 'scheduler.mjs'), '--sizes', '64', '--oracle-max', '0', '--keep', warmDir], {encoding: 'utf8'})
if (made.status !== 0) throw new Error(`bench/scheduler.mjs (the warm-up CIBs) failed:\n${made.stderr}`)
const warmCibs = ['fresh.xml', 'steady-1-standby.xml', 'steady-1-lost.xml'].map((name) => path.join(warmDir, '64', name))
// Node's own modules that the CLI's start requires (process.moduleLoadList at exit, `--version` and
// `crm simulate`): loaded while building, they come deserialized instead of compiled per run. They
// keep no environment-dependent state at load (the streams and terminals are made at run time).
const builtinsPreloaded = ['os', 'tty', 'perf_hooks', 'readline', 'readline/promises', 'process']
// Packages that oclif loads on every start, evaluated while building instead of compiled and run per
// run. Reviewed (version in node_modules, 2026-12): their module-level code reads no environment
// (env, argv, cwd, home, terminals, time, randomness) — only constants, process.platform, or caches
// that start empty. Not these: supports-color, ansis, debug, clean-stack, oclif's own modules
// (terminal width, colours, DEBUG, HOME); minimatch (__MINIMATCH_TESTING_PLATFORM__); tinyglobby
// (TINYGLOBBY_DEBUG); brace-expansion (Math.random() at load).
const preEvaluated = ['ejs', 'ms', 'escape-string-regexp', 'indent-string', 'ansi-regex', 'strip-ansi', 'is-fullwidth-code-point', 'emoji-regex',
  'string-width', 'ansi-styles', 'wrap-ansi', 'get-package-type', 'cli-spinners', 'widest-line', 'picomatch', 'fdir', 'lilconfig', 'wordwrap']
const entry = `for (const id of ${JSON.stringify(builtinsPreloaded)}) require(id)
import {installMain} from ${JSON.stringify(path.join(here, 'main.mjs'))}
installMain({
  stamp: ${JSON.stringify(stamp)},
  execute: async (options) => (await import(${JSON.stringify(path.join(dist, 'cli', 'entry.js'))})).execute(options),
  modules: {${registry.join(',\n')}},
  warm: async () => {
    ${preEvaluated.map((name) => `require(${JSON.stringify(name)})`).join('\n    ')}  // require: the CommonJS files oclif loads
    const {runSimulateCommand} = await import(${JSON.stringify(path.join(dist, 'cib', 'simulate-run.js'))})
    for (const xmlFile of ${JSON.stringify(warmCibs)}) (await runSimulateCommand({xmlFile, live: false, execute: false})).render()
  },
})
`

// made in a scratch directory, then renamed into place: a hakit started meanwhile sees old or new files
fs.mkdirSync(out, {recursive: true})
const scratch = fs.mkdtempSync(path.join(out, '.build-'))
process.on('exit', () => fs.rmSync(scratch, {recursive: true, force: true}))
const externals = [/^serialport$/, /^@serialport\//, /^typescript$/, /^ts-node$/, /^tsx$/]
const moduleLoader = path.join(here, 'module-loader.cjs')
// Changes to a package's code in this bundle, each the same behaviour, cheaper: [file in the package,
// text replaced, replacement]. The build fails when the file or the text is missing (a new version).
const patches = [
  // the commands' order without ICU's collator where it is known (scripts/snapshot/command-order.cjs)
  ['@oclif/core/lib/config/plugin.js', '.sort((a, b) => a.id.localeCompare(b.id))', `.sort(require(${JSON.stringify(path.join(here, 'command-order.cjs'))}).byCommandId())`],
]
const patchesApplied = new Set()
function patched(file, contents) {
  for (const patch of patches) {
    const [suffix, text, replacement] = patch
    if (!file.split(path.sep).join('/').endsWith(`/node_modules/${suffix}`)) continue
    if (!contents.includes(text)) throw new Error(`${file}: no ${JSON.stringify(text)} to replace (scripts/snapshot/build.mjs, patches)`)
    contents = contents.replace(text, replacement)
    patchesApplied.add(patch)
  }
  return contents
}
const oclifIndex = createRequire(path.join(root, 'package.json')).resolve('@oclif/core')
const script = path.join(scratch, 'hakit.cjs')
await build({
  stdin: {contents: entry, resolveDir: root, sourcefile: 'snapshot-entry.mjs'},
  outfile: script,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  external: ['serialport', '@serialport/*', 'typescript', 'ts-node', 'tsx'],  // as scripts/bundle.mjs
  // the snapshot's own require() knows only node's built-ins; the rest resolves from the package
  banner: {js: `var __hakitBuiltinRequire = require; require = (id) => { try { return __hakitBuiltinRequire(id) } catch (error) { const root = globalThis[Symbol.for('hakit.snapshot')].root; if (!root) throw error; return __hakitBuiltinRequire('node:module').createRequire(root + '/package.json')(id) } };`},
  define: {'import.meta.url': 'globalThis.__hakitBundleUrl'},
  plugins: [{
    name: 'snapshot-paths',
    setup(b) {
      // each package's modules note their evaluation (main.mjs checks, while building, which ran)
      b.onLoad({filter: /[\\/]node_modules[\\/].*\.(c|m)?js$/}, (args) => ({
        contents: `${patched(args.path, fs.readFileSync(args.path, 'utf8'))}\n;(globalThis[Symbol.for('hakit.snapshot.evaluated')] ??= new Set()).add(${JSON.stringify(packageName(args.path))});\n`,
        loader: 'js',
      }))
      // a snapshot cannot import(): a dynamic import of a built-in or an external package
      // (readline, serialport...) becomes a require() at run time
      b.onResolve({filter: /.*/}, (args) => (args.kind === 'dynamic-import' && (isBuiltin(args.path) || externals.some((e) => e.test(args.path))) ? {path: args.path, namespace: 'required-at-run-time'} : undefined))
      b.onLoad({filter: /.*/, namespace: 'required-at-run-time'}, (args) => ({contents: `module.exports = require(${JSON.stringify(args.path)})`, loader: 'js'}))
      b.onResolve({filter: /^@oclif\/core$/}, () => ({path: path.join(dist, 'cli', 'oclif-core.js')}))
      b.onResolve({filter: /^oclif-module-loader$/}, () => ({path: path.join(path.dirname(oclifIndex), 'module-loader.js')}))
      b.onResolve({filter: /\/module-loader$/}, (args) => (args.importer.startsWith(path.dirname(oclifIndex)) ? {path: moduleLoader} : undefined))
    },
  }],
  logLevel: 'error',
})

for (const [suffix] of patches.filter((patch) => !patchesApplied.has(patch))) throw new Error(`${suffix} is no longer in the bundle: its patch in scripts/snapshot/build.mjs is stale`)

// V8 flags of the snapshot start: node refuses a blob built with other flags ("different V8
// configurations"), so the build and bin/hakit use the same ones (bin/hakit reads them from the
// marker file below). A one-shot command keeps most of what it allocates to the end (the
// scheduler's working set: ~30 MB at 1 000 primitives): V8's first old-generation limit made it
// mark and compact once, with concurrent marking threads, for nothing; at 64 MB it does not
// (docs/scheduler.md, "Start-up", has the figures).
const nodeFlags = ['--initial-old-space-size=64']
const blob = path.join(scratch, 'hakit.blob')
const snapshotted = spawnSync(process.execPath, [...nodeFlags, '--snapshot-blob', blob, '--build-snapshot', script], {cwd: scratch, encoding: 'utf8'})
if (snapshotted.status !== 0) throw new Error(`building the snapshot failed:\n${snapshotted.stderr.split('\n').filter((line) => !/not yet fully verified|may still work in some|To request support|trace-warnings/.test(line)).join('\n')}`)
// Packages evaluated while building keep the state they computed then: only ones that read no
// environment at load time may be (review a package before adding it here).
const evaluatedOk = new Set(['fast-xml-parser', ...preEvaluated])
const {evaluated} = JSON.parse(snapshotted.stdout.trim().split('\n').at(-1))
const unreviewed = evaluated.filter((name) => !evaluatedOk.has(name))
if (unreviewed.length) throw new Error(`the snapshot's warm-up evaluated ${unreviewed.join(', ')}: check them for environment read at load time (scripts/snapshot/build.mjs)`)
// bin/hakit's check that `node` is this binary: its path, and its mtime on the marker file; then
// the V8 flags the blob was built with (bin/hakit starts node with them)
const marker = path.join(scratch, 'node')
fs.writeFileSync(marker, `${process.execPath}\n${nodeFlags.join(' ')}\n`)
const touched = spawnSync('touch', ['-r', process.execPath, marker])
if (touched.status !== 0) throw new Error(`touch -r ${process.execPath} ${marker} failed`)
for (const name of ['hakit.cjs', 'hakit.blob', 'node']) fs.renameSync(path.join(scratch, name), path.join(out, name))
