// The run-time side of hakit's V8 startup snapshot (scripts/snapshot/build.mjs bundles it with the
// CLI). At build time installMain() records what the snapshot holds; when node starts from the blob
// (bin/hakit: node --snapshot-blob … -- bin/run.js ARGS) the function below is the process's main.
// Everything about the environment (cwd, env, argv, terminals, colours) is read from here on: the
// modules evaluated while building read none of it at load time (build.mjs lists what it evaluates).
import fs from 'node:fs'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import v8 from 'node:v8'
import vm from 'node:vm'

const snapshot = {root: undefined, modules: {}}
globalThis[Symbol.for('hakit.snapshot')] = snapshot

/** The bundle's stamp (scripts/bundle.mjs writes it), or undefined without one. */
export function readStamp(root) {
  try {
    return fs.readFileSync(path.join(root, 'dist', 'bundle', 'stamp'), 'utf8')
  } catch {
    return undefined
  }
}

export function installMain({execute, modules, stamp, warm}) {
  snapshot.modules = modules
  // while building; straight to the file descriptors: no process.stdout made before the snapshot
  warm().then(() => {
    const evaluated = [...(globalThis[Symbol.for('hakit.snapshot.evaluated')] ?? [])].sort()
    fs.writeSync(1, `${JSON.stringify({evaluated})}\n`)
  }).catch((error) => {
    fs.writeSync(2, `${error?.stack ?? error}\n`)
    process.exitCode = 1
  })
  const builtBy = process.version
  v8.startupSnapshot.setDeserializeMainFunction(async () => {
    // as bin/run.js: bin/hakit starts node without NODE_EXTRA_CA_CERTS, put back for child processes
    const extraCaCerts = process.env.HAKIT_NODE_EXTRA_CA_CERTS
    if (extraCaCerts !== undefined) {
      process.env.NODE_EXTRA_CA_CERTS = extraCaCerts
      delete process.env.HAKIT_NODE_EXTRA_CA_CERTS
    }
    const bin = path.resolve(process.argv[1])
    process.argv[1] = bin
    const root = path.dirname(path.dirname(bin))
    // a blob older than the bundle (or from another node) must not run: the ordinary start instead
    const fresh = readStamp(root) === stamp && process.version === builtBy
    if (process.env.HAKIT_START_TRACE) process.stderr.write(fresh ? 'hakit start: snapshot\n' : 'hakit start: snapshot stale\n')
    if (!fresh) return startWithoutSnapshot(bin)
    snapshot.root = root
    globalThis.__hakitBundleUrl = pathToFileURL(path.join(root, 'dist', 'bundle', 'cli', 'entry.js')).href
    // as bin/run.js for one-shot commands (bin/hakit never starts the long-lived ones from here)
    v8.setFlagsFromString('--interrupt-budget=1056000')
    // as bin/run.js: no user plugins to look for in ~/.local/share/hakit
    await execute({loadOptions: {root: bin, userPlugins: false}})
  })
}

/** bin/run.js in this process. The snapshot's own import() has no loader; vm's main-context one does. */
async function startWithoutSnapshot(bin) {
  const emitWarning = process.emitWarning
  process.emitWarning = (warning, ...rest) => {
    if (!String(warning).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) emitWarning.call(process, warning, ...rest)
  }
  let imported
  try {
    imported = vm.runInThisContext(`import(${JSON.stringify(pathToFileURL(bin).href)})`, {
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    })
  } finally {
    process.emitWarning = emitWarning
  }
  await imported
}
