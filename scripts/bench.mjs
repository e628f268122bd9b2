#!/usr/bin/env node
// `npm run bench`: runs every bench/*.mjs in turn; each prints its own table
// with ratios against the reference tool measured in the same run.
import {readdirSync} from 'node:fs'
import {spawnSync} from 'node:child_process'
import {join, dirname} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const only = process.argv.slice(2)
const benches = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.mjs')).sort()
let failed = 0
for (const b of benches) {
  if (only.length && !only.some((o) => b.includes(o))) continue
  console.log(`\n=== ${b} ===`)
  const r = spawnSync(process.execPath, [join(root, 'bench', b)], {stdio: 'inherit', cwd: root})
  if (r.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
