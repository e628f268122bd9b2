/**
 * A fuzz campaign in one process, for bench/fuzz.mjs (which watches it for
 * hangs): `node --import tsx test/fuzz/campaign.ts SEED FROM COUNT [small|large] [ROOT]`.
 * Prints one JSON line per case: {i, phase: "start"} before it runs, then
 * {i, target, verdict, exitCode, ms, cpuMs, detail?}. With ROOT (another built
 * checkout) the commands are that checkout's and the parser cases are skipped.
 */
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CaseGenerator, LARGE, SMALL} from './cases.js'
import {FuzzHarness} from './harness.js'

const [seed = '1', from = '0', count = '100', size = 'small', root] = process.argv.slice(2)
const generator = new CaseGenerator(Number(seed), size === 'large' ? LARGE : SMALL)
const harness = await FuzzHarness.create(join(tmpdir(), `hakit-fuzz-${process.pid}`), root)
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`)
const end = Number(from) + Number(count)
for (let i = 0; i < end; i++) {
  const c = generator.next(i) // generate every case up to FROM, so case i is the same in every run
  if (i < Number(from)) continue
  if (root && c.target.startsWith('parse:')) continue // parsers are this checkout's: only commands compare with another build
  say({i, phase: 'start', target: c.target})
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  const result = await harness.run(c)
  const cpu = process.cpuUsage(cpu0)
  say({i, target: c.target, ...result, ms: Math.round(performance.now() - t0), cpuMs: Math.round((cpu.user + cpu.system) / 1000)})
}
process.exitCode = 0
