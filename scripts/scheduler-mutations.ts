/**
 * Differential run of mutated scheduler-suite CIBs against the installed crm_simulate:
 *   node --import tsx scripts/scheduler-mutations.ts [--seed S] [--count N] [--verbose] [--save DIR]
 * --save writes every mismatching CIB to DIR (to rerun it with crm_simulate -x and hakit).
 */
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {runMutations} from '../test/runtime/scheduler/mutation-run.js'

process.stdout.on('error', () => process.exit(0)) // piped into head
const args = process.argv.slice(2)
const opt = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback)
const suite = join(new URL('..', import.meta.url).pathname, '..', 'shared', 'corpus', 'scheduler-full')
const result = runMutations(suite, opt('--seed', 1), opt('--count', 200))
const byMutation = new Map<string, number>()
for (const m of result.mismatches) byMutation.set(m.mutation, (byMutation.get(m.mutation) ?? 0) + 1)
console.log(`exact match ${result.ok}/${result.total}`)
for (const [m, n] of byMutation) console.log(`  mismatches after "${m}": ${n}`)
if (args.includes('--verbose')) for (const m of result.mismatches) console.log(`${m.case} + ${m.mutation}\n  expected ${JSON.stringify(m.expected)}\n  got      ${JSON.stringify(m.got)}`)
if (args.includes('--save')) {
  const dir = args[args.indexOf('--save') + 1]
  mkdirSync(dir, {recursive: true})
  result.mismatches.forEach((m, i) => writeFileSync(join(dir, `${i}-${m.mutation.replace(/\W+/g, '-')}-${m.case}`), m.cib))
}
