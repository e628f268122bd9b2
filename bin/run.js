#!/usr/bin/env node
import {fileURLToPath} from 'node:url'
import v8 from 'node:v8'

// bin/hakit starts node without NODE_EXTRA_CA_CERTS (parsed at every start; hakit uses no TLS): back
// into the environment that hakit's own child processes inherit
const extraCaCerts = process.env.HAKIT_NODE_EXTRA_CA_CERTS
if (extraCaCerts !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = extraCaCerts
  delete process.env.HAKIT_NODE_EXTRA_CA_CERTS
}

// Most hakit runs are one-shot and short: at V8's default eagerness its optimising compiler spends
// more CPU than it saves before the process exits (crm simulate -x CIB -R: about 30 % less CPU at
// 1 000 primitives with 16 times the default budget, 12 % less at 8 000; bench/scheduler.mjs shows both).
// The long-lived processes keep V8's defaults: the daemons (`hakit run`) and the status views,
// which can stay open redrawing. Set before the bundle is loaded.
const [first, second] = process.argv.slice(2)
const longLived = first === 'run' || first === 'crm_mon' || (first === 'crm' && (second === 'status' || second === 'mon'))
if (!longLived) v8.setFlagsFromString('--interrupt-budget=1056000')

// HAKIT_START_TRACE: which start ran (bin/hakit may start from a V8 snapshot instead; tests check it)
if (process.env.HAKIT_START_TRACE) process.stderr.write('hakit start: ordinary\n')
const {execute} = await import('../dist/bundle/cli/entry.js')
// hakit has no user plugins: oclif would read ~/.local/share/hakit/package.json at every start (and
// warn when HOME is another user's, as after `su` without `-`)
await execute({loadOptions: {root: fileURLToPath(import.meta.url), userPlugins: false}})
