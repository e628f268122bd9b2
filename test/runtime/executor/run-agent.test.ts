import {strict as assert} from 'node:assert'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {execFileSync} from 'node:child_process'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'
import {runAgentProcess} from '../../../src/runtime/executor/run-agent.js'

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

// IPaddr2 (send_arp &) and agents that start a daemon leave a child holding the pipes: the
// result must not wait for it, and must still carry everything the agent wrote before exiting.
test('an agent whose background child keeps the pipes open: its own output is complete, the child is not waited for', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-run-agent-'))
  const pidFile = join(dir, 'child.pid')
  const script = `head -c 200000 /dev/zero | tr '\\0' x; printf 'END'; echo 'exit reason' >&2; sleep 60 & echo $! > ${pidFile}; exit 3`
  try {
    for (let i = 0; i < 5; i++) {
      const r = await runAgentProcess('/bin/sh', ['-c', script], {env: process.env, timeoutMs: 30_000})
      const child = Number(readFileSync(pidFile, 'utf8'))
      assert.equal(alive(child), true, 'the background child still runs when the result is in')
      process.kill(child, 'SIGKILL')
      assert.equal(r.exitCode, 3)
      assert.equal(r.timedOut, false)
      assert.equal(r.stderr, 'exit reason\n')
      assert.equal(r.stdout.length, 64 * 1024, 'the tail of 200003 bytes is kept')
      assert.ok(r.stdout.endsWith('xxxEND'))
      assert.equal(r.droppedBytes, 200_003 - 64 * 1024)
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

// Pacemaker's execd gives an agent its own process group in execd's session (setpgid). A new
// session (setsid) is a new autogroup for the kernel's scheduler: agents ran 2-3× slower on a
// loaded machine. The agent keeps the pid the executor knows, which is its group id.
test('an agent runs in its own process group, in the executor\'s session, under the pid the executor knows', {skip: !existsSync('/usr/bin/perl') && 'perl is not installed (the launcher falls back to setsid)'}, async () => {
  const r = await runAgentProcess('/bin/sh', ['-c', 'echo "$$ $(ps -o pgid= -p $$) $(ps -o sid= -p $$)"'], {env: process.env, timeoutMs: 30_000})
  const [pid, pgid, sid] = r.stdout.trim().split(/\s+/).map(Number)
  assert.equal(pgid, pid, 'its own process group')
  const ourSid = Number(execFileSync('ps', ['-o', 'sid=', '-p', String(process.pid)], {encoding: 'utf8'}).trim())
  assert.equal(sid, ourSid, 'the executor\'s session')
})

test('an agent that cannot be run is reported as a failed spawn (ENOENT, EACCES), not as an exit code', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-run-agent-'))
  try {
    const missing = await runAgentProcess(join(dir, 'missing'), ['start'], {env: process.env, timeoutMs: 30_000})
    assert.equal(missing.spawnError, 'ENOENT')
    assert.equal(missing.exitCode, null)
    assert.equal(missing.stderr, '')
    const notExecutable = join(dir, 'agent')
    writeFileSync(notExecutable, '#!/bin/sh\nexit 0\n', {mode: 0o644})
    const denied = await runAgentProcess(notExecutable, ['start'], {env: process.env, timeoutMs: 30_000})
    if (process.getuid?.() !== 0) assert.equal(denied.spawnError, 'EACCES')
    else assert.ok(denied.spawnError === 'EACCES' || denied.exitCode === 0, 'root may run it (execute bit checked by the kernel)')
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('a timeout right after the start still ends the agent (the launcher may not have made its group yet)', async () => {
  for (let i = 0; i < 5; i++) {
    const r = await runAgentProcess('/bin/sh', ['-c', 'sleep 30'], {env: process.env, timeoutMs: 1, killGraceMs: 100})
    assert.equal(r.timedOut, true)
    assert.ok(r.signal !== null || r.exitCode !== 0, `ended by the timeout (${JSON.stringify(r)})`)
  }
})
