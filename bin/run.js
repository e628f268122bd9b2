#!/usr/bin/env node
import v8 from 'node:v8'

// Most hakit runs are one-shot and short: at V8's default eagerness its optimising compiler spends
// more CPU than it saves before the process exits (crm simulate -x CIB -R: about 30 % less CPU at
// 1 000 primitives with 16 times the default budget, 12 % less at 8 000; bench/scheduler.mjs shows both).
// The daemons (`hakit run`) keep V8's defaults. Set before the bundle is loaded.
if (process.argv[2] !== 'run') v8.setFlagsFromString('--interrupt-budget=1056000')

const {execute} = await import('../dist/bundle/cli/entry.js')
await execute({dir: import.meta.url})
