#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/entry.js + every dist/commands/**/*.js)
// into dist/bundle/ with shared chunks, so that startup loads a few files.
// Lazy `await import()`s inside commands stay lazy (separate chunks).
// Native or optional packages stay external.
import {build} from 'esbuild'
import {readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {createHash} from 'node:crypto'
import {join, dirname} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')

function jsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return jsFiles(path)
    return name.endsWith('.js') ? [path] : []
  })
}

// `import … from '@oclif/core'` → dist/cli/oclif-core.js, which takes the same names from oclif's
// sub-paths (src/cli/oclif-core.ts says why); the shim's own sub-path imports resolve normally.
const oclifSubPaths = {
  name: 'oclif-sub-paths',
  setup(b) {
    b.onResolve({filter: /^@oclif\/core$/}, () => ({path: join(dist, 'cli', 'oclif-core.js')}))
  },
}

await build({
  entryPoints: [join(dist, 'cli', 'entry.js'), join(dist, 'cli', 'not-found.js'), join(dist, 'cli', 'help.js'), ...jsFiles(join(dist, 'commands'))],
  outdir: join(dist, 'bundle'),
  outbase: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  // serialport has native bindings; typescript/ts-node/tsx are only oclif's optional dev-mode loaders.
  external: ['serialport', '@serialport/*', 'typescript', 'ts-node', 'tsx'],
  // Bundled CommonJS (oclif) calls require() for Node built-ins.
  banner: {js: "import {createRequire as __hakitCreateRequire} from 'node:module'; const require = __hakitCreateRequire(import.meta.url);"},
  plugins: [oclifSubPaths],
  logLevel: 'warning',
})

// The bundle's stamp: a startup snapshot (scripts/snapshot/build.mjs) built from another bundle is stale.
const stamp = createHash('sha256')
for (const file of jsFiles(join(dist, 'bundle')).sort()) stamp.update(file.slice(dist.length)).update(readFileSync(file))
writeFileSync(join(dist, 'bundle', 'stamp'), stamp.digest('hex').slice(0, 32))
