// Fuzz campaign: `npm run bench -- fuzz`. Runs FUZZ_RUNS (default 10 000)
// seeded cases over every parser and every file-reading command (see
// test/fuzz/cases.ts) in a child process, watched for hangs: a case that runs
// longer than FUZZ_HANG_MS (default 20 000) is a hang; the child is killed and
// the campaign goes on with the next case. Reports runs, stack traces
// (exceptions escaping), hangs, crashes (the child died, e.g. out of memory),
// odd exit codes and exit-2 errors that do not say why. Target: 0 of each.
// FUZZ_SEED picks the cases; FUZZ_ROOT runs the commands of another built
// checkout (e.g. an older commit, for before/after figures); FUZZ_SIZE=small
// uses the test suite's smaller inputs.
import {spawn} from 'node:child_process'
import {createInterface} from 'node:readline'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const runs = Number(process.env.FUZZ_RUNS ?? 10_000)
const seed = Number(process.env.FUZZ_SEED ?? 1)
const hangMs = Number(process.env.FUZZ_HANG_MS ?? 20_000)
const size = process.env.FUZZ_SIZE ?? 'large'
const other = process.env.FUZZ_ROOT

const counts = {runs: 0, ok: 0, exception: 0, hang: 0, crash: 0, 'odd-exit': 0, 'bad-message': 0}
const examples = []
const perTarget = new Map()
let cpuMs = 0

/** Runs cases [from, runs) in one child; resolves with the index to resume from, or `runs` when done. */
function campaign(from) {
  return new Promise((resolveNext) => {
    const args = ['--max-old-space-size=1024', '--import', 'tsx', join(root, 'test', 'fuzz', 'campaign.ts'), String(seed), String(from), String(runs - from), size]
    if (other) args.push(other)
    const child = spawn(process.execPath, args, {cwd: root, stdio: ['ignore', 'pipe', 'pipe']})
    let current
    let lastIndex = from - 1
    let timer
    let stderr = ''
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)))
    const arm = (c) => {
      clearTimeout(timer)
      current = c
      timer = setTimeout(() => {
        record({i: c.i, target: c.target, verdict: 'hang', detail: `case ${c.i} (${c.target}) ran over ${hangMs} ms`})
        current = undefined
        child.kill('SIGKILL')
        resumeAt = c.i + 1
      }, hangMs)
    }
    let resumeAt = runs
    createInterface({input: child.stdout}).on('line', (line) => {
      let msg
      try {
        msg = JSON.parse(line)
      } catch {
        return // output of a command that escaped the harness's capture
      }
      if (msg.phase === 'start') return arm(msg)
      lastIndex = msg.i
      clearTimeout(timer)
      current = undefined
      record(msg)
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (!current && (code !== 0 || signal) && resumeAt === runs) {
        // died between cases: while generating the next one
        current = {i: lastIndex + 1, target: '(generating the case)'}
      }
      if (current) {
        record({i: current.i, target: current.target, verdict: 'crash', detail: `case ${current.i} (${current.target}): the campaign process died\n${stderr}`})
        resumeAt = current.i + 1
      }
      resolveNext(resumeAt)
    })
  })
}

function record(r) {
  counts.runs++
  counts[r.verdict]++
  cpuMs += r.cpuMs ?? 0
  const t = perTarget.get(r.target) ?? {runs: 0, ms: [], bad: 0}
  t.runs++
  if (r.ms !== undefined) t.ms.push(r.ms)
  if (r.verdict !== 'ok') t.bad++
  perTarget.set(r.target, t)
  if (r.verdict !== 'ok' && examples.length < 12) examples.push(`[${r.verdict}] case ${r.i} ${r.target}: ${(r.detail ?? '').split('\n').slice(0, 6).join('\n    ')}`)
  if (counts.runs % 1000 === 0) process.stderr.write(`  ${counts.runs} cases…\n`)
}

const t0 = performance.now()
let from = 0
while (from < runs) from = await campaign(from)
const wallS = (performance.now() - t0) / 1000

console.log(`fuzz campaign: seed ${seed}, ${size} inputs${other ? `, commands from ${other}` : ''}, ${wallS.toFixed(1)} s wall, ${(cpuMs / 1000).toFixed(1)} s CPU in cases`)
console.log(`runs ${counts.runs}   stack traces ${counts.exception}   hangs ${counts.hang}   crashes ${counts.crash}   odd exit codes ${counts['odd-exit']}   unexplained exit 2 ${counts['bad-message']}`)
console.log('\ntarget                 runs   bad   median ms   max ms')
const median = (xs) => (xs.length ? xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN)
for (const [name, t] of [...perTarget].sort((a, b) => a[0].localeCompare(b[0]))) {
  console.log(`${name.padEnd(22)} ${String(t.runs).padStart(5)} ${String(t.bad).padStart(5)} ${String(median(t.ms)).padStart(11)} ${String(t.ms.length ? Math.max(...t.ms) : NaN).padStart(8)}`)
}
if (examples.length) console.log(`\nexamples:\n${examples.join('\n')}`)
process.exitCode = counts.exception + counts.hang + counts.crash + counts['odd-exit'] + counts['bad-message'] > 0 ? 1 : 0
