#!/usr/bin/env node
// Runs `hakit ARGS --json …` and prints only the envelope's result (docs/json.md),
// with hakit's exit code: for tools that read a command's bare result, such as
// ../shared/tools/scheduler/sched-fuzz.mjs --cmd (which wants {"actions": […]}).
//
//   node scripts/json-result.mjs crm simulate --xml-file cib.xml --json
import {spawnSync} from 'node:child_process'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run.js')
const r = spawnSync(process.execPath, [bin, ...process.argv.slice(2)], {encoding: 'utf8', stdio: ['inherit', 'pipe', 'inherit'], maxBuffer: 1 << 30})
try {
  process.stdout.write(`${JSON.stringify(JSON.parse(r.stdout).result)}\n`)
} catch {
  process.stdout.write(r.stdout)
}
process.exitCode = r.status ?? 1
