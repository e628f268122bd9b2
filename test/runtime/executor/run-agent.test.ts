import {strict as assert} from 'node:assert'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
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
