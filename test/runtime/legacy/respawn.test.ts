import {test} from 'node:test'
import assert from 'node:assert/strict'
import {chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {RespawnSupervisor, lookupUser} from '../../../src/runtime/legacy/respawn.js'
import {isRoot} from '../../helpers/cli.js'

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

test('users resolve from passwd', () => {
  assert.deepEqual(lookupUser('root'), {uid: 0, gid: 0})
  assert.deepEqual(lookupUser('1234'), {uid: 1234, gid: 1234})
  assert.equal(lookupUser('no-such-user-hakit'), undefined)
})

test('a client that keeps dying is respawned, then given up as "respawning too fast"; exit 100 is not respawned', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-respawn-'))
  const logs: string[] = []
  const sup = new RespawnSupervisor(
    [{user: 'root', command: `sh -c 'echo x >> ${dir}/runs; exit 1'`}, {user: 'root', command: `sh -c 'echo y >> ${dir}/fatal; exit 100'`}],
    {log: (_, m) => logs.push(m), maxQuickRestarts: 3},
  )
  sup.start()
  await until(() => logs.some((l) => /respawning too fast/.test(l)), 'give up')
  await new Promise((r) => setTimeout(r, 100))
  assert.equal(readFileSync(join(dir, 'runs'), 'utf8').trim().split('\n').length, 4, 'first run + 3 respawns')
  assert.equal(readFileSync(join(dir, 'fatal'), 'utf8').trim().split('\n').length, 1)
  assert.ok(logs.some((l) => /exited with return code 1\./.test(l)))
  assert.ok(logs.some((l) => l.startsWith('Respawning client "sh -c')))
  await sup.stop()
  rmSync(dir, {recursive: true, force: true})
})

test('stop() ends long-running clients in reverse order; failfast reports an abnormal death', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-respawn-'))
  chmodSync(dir, 0o777)
  writeFileSync(join(dir, 'order'), '')
  chmodSync(join(dir, 'order'), 0o666)
  const failfast: string[] = []
  const user = isRoot ? 'nobody' : String(process.getuid?.())
  const sup = new RespawnSupervisor(
    [
      {user, command: `sh -c 'id -u > ${dir}/uid; trap "echo a >> ${dir}/order; exit 0" TERM; while :; do sleep 0.05; done'`},
      {user: 'root', command: `sh -c 'trap "echo b >> ${dir}/order; exit 0" TERM; while :; do sleep 0.05; done'`},
      {user: 'root', command: 'sh -c "sleep 0.1; kill -9 $$"', failfast: true},
    ],
    {onFailfast: (c, why) => failfast.push(`${c.command}: ${why}`)},
  )
  sup.start()
  await until(() => failfast.length === 1 && existsSync(join(dir, 'uid')), 'failfast + first client up')
  assert.match(failfast[0]!, /killed by signal SIGKILL/)
  if (isRoot) assert.equal(readFileSync(join(dir, 'uid'), 'utf8').trim(), String(lookupUser('nobody')!.uid))
  await sup.stop()
  assert.equal(readFileSync(join(dir, 'order'), 'utf8'), 'b\na\n')
  assert.deepEqual(sup.pids(), [undefined, undefined, undefined])
  rmSync(dir, {recursive: true, force: true})
})
