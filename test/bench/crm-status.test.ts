/**
 * bench/crm-status.mjs stops every process it started, by PID, also when its reader goes away:
 * piped into `head`, the EPIPE of a later line used to kill it before its finally blocks ran, and
 * its daemon stayed behind (an orphan); a SIGTERM did the same. The bench runs here on its
 * smallest settings (20 resources, one change each way); its figures are not looked at.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {projectRoot} from '../helpers/cli.js'
import {waitUntil} from '../helpers/daemon.js'

const skip = !existsSync(join(projectRoot, 'dist', 'bundle'))
  ? 'dist/ is not built (npm run build)'
  : !existsSync('/usr/lib/ocf/resource.d/pacemaker/Dummy')
    ? 'ocf:pacemaker:Dummy is not installed (pacemaker-resource-agents)'
    : spawnSync('sh', ['-c', 'command -v script']).status !== 0
      ? 'no script command (util-linux)'
      : false

/** PIDs of the processes whose command line mentions `marker` (this test's own temp dir). */
function processesMentioning(marker: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return pids
}

test('piped into `head -2`: the bench exits 0 and leaves no daemon or view running', {skip, timeout: 300_000}, async () => {
  // the bench's temp dir (mkdtemp in TMPDIR) is in every command line it starts: that is how its children are found
  const tmp = mkdtempSync(join(tmpdir(), `hakit-bench-epipe-${process.pid}-`))
  // four lines: the file view's CPU, its redraw at 20 and at 30 resources, then the running cluster's.
  // head leaves after two; Node's console swallows the error of the first write after that, the
  // second (the running cluster's report) killed the bench while its daemon ran
  const script = '"$0" "$1" --redraw-only --resources 30 --runs 1 | head -2; echo "bench exit ${PIPESTATUS[0]}"'
  const shell = spawn('bash', ['-c', script, process.execPath, join(projectRoot, 'bench', 'crm-status.mjs')], {env: {...process.env, TMPDIR: tmp}, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  shell.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  shell.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  try {
    await new Promise((resolve) => shell.once('exit', resolve))
    assert.match(stdout, /^live view of a CIB file, redraw after a change, 20 resources/m, stderr)
    assert.match(stdout, /^bench exit 0$/m, `the bench ends quietly when its reader is gone:\n${stderr}`)
    assert.doesNotMatch(stderr, /EPIPE/)
    // killed by PID as the bench exits; give a loaded machine time to reap them
    const left = () => processesMentioning(tmp).map((pid) => `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`)
    await waitUntil('no process of the bench left', () => left().length === 0, {timeoutMs: 60_000, intervalMs: 200, describe: () => `left running:\n${left().join('\n')}`})
  } finally {
    for (const pid of processesMentioning(tmp)) process.kill(pid, 'SIGKILL')
    rmSync(tmp, {recursive: true, force: true})
  }
})

test('SIGTERM while it measures: the bench stops its daemon and view (by PID) and exits', {skip, timeout: 300_000}, async () => {
  const tmp = mkdtempSync(join(tmpdir(), `hakit-bench-term-${process.pid}-`))
  const bench = spawn(process.execPath, [join(projectRoot, 'bench', 'crm-status.mjs'), '--redraw-only', '--daemon-only', '--resources', '20', '--runs', '50'], {env: {...process.env, TMPDIR: tmp}, stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  bench.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((resolve) => bench.once('exit', (code) => resolve(code)))
  const left = () => processesMentioning(tmp).map((pid) => `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`)
  try {
    // its terminal (script) starts once the daemon is DC and loaded: then both run
    await waitUntil('the bench\'s daemon and view running', () => left().some((p) => p.includes(' run --crm ')) && left().some((p) => p.startsWith(`${p.split(':')[0]}: script `)), {timeoutMs: 120_000, intervalMs: 200, describe: () => `${stderr}\n${left().join('\n')}`})
    bench.kill('SIGTERM')
    assert.equal(await exited, 128 + 15, stderr)
    await waitUntil('no process of the bench left', () => left().length === 0, {timeoutMs: 60_000, intervalMs: 200, describe: () => `left running:\n${left().join('\n')}`})
  } finally {
    for (const pid of processesMentioning(tmp)) process.kill(pid, 'SIGKILL')
    if (bench.exitCode === null && bench.signalCode === null) bench.kill('SIGKILL')
    rmSync(tmp, {recursive: true, force: true})
  }
})
