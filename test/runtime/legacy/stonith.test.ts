import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {checkDevice, deviceFromConfig, resetNode} from '../../../src/runtime/legacy/stonith.js'
import {haveCommand} from '../../helpers/cli.js'

test('which ha.cf STONITH line applies to this node', () => {
  const hosts = [{host: 'n2', type: 'baytech', params: 'a'}, {host: '*', type: 'null', params: 'n1 n2'}, {host: 'n1', type: 'ipmilan', params: 'b'}]
  assert.deepEqual(deviceFromConfig({stonithHosts: hosts}, 'n1'), {kind: 'stonith', type: 'ipmilan', params: 'b'})
  assert.deepEqual(deviceFromConfig({stonithHosts: hosts}, 'n2'), {kind: 'stonith', type: 'null', params: 'n1 n2'})
  assert.deepEqual(deviceFromConfig({stonith: {type: 'null', configFile: '/etc/ha.d/null.cfg'}}, 'n1'), {kind: 'stonith', type: 'null', configFile: '/etc/ha.d/null.cfg'})
  assert.equal(deviceFromConfig({}, 'n1'), undefined)
})

test("cluster-glue's stonith command: null device resets, a bad device type fails", async (t) => {
  if (!haveCommand('stonith')) return t.skip('cluster-glue stonith not installed')
  const logs: string[] = []
  const log = (_: string, m: string) => logs.push(m)
  assert.equal(await resetNode({kind: 'stonith', type: 'null', params: 'n1 n2'}, 'n2', {log}), true)
  assert.deepEqual(logs, ['Resetting node n2 with [null]', 'node n2 now reset.'])
  const dir = mkdtempSync(join(tmpdir(), 'hakit-stonith-'))
  writeFileSync(join(dir, 'null.cfg'), 'n1 n2\n')
  assert.equal(await checkDevice({kind: 'stonith', type: 'null', configFile: join(dir, 'null.cfg')}), true)
  logs.length = 0
  assert.equal(await resetNode({kind: 'stonith', type: 'nosuchdevice', params: 'x'}, 'n2', {log}), false)
  assert.ok(logs.includes('Host n2 not reset!'))
  assert.equal(await checkDevice({kind: 'stonith', type: 'nosuchdevice', params: 'x'}, {log}), false)
  assert.ok(logs.includes('STONITH device nosuchdevice not operational!'))
  rmSync(dir, {recursive: true, force: true})
})

test('a fence agent gets key=value lines on stdin; a hung one is killed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-fence-'))
  const agent = join(dir, 'fence_test')
  writeFileSync(agent, `#!/bin/sh\ncat > "${dir}/stdin"\ngrep -q '^plug=n2$' "${dir}/stdin"\n`)
  chmodSync(agent, 0o755)
  assert.equal(await resetNode({kind: 'fence-agent', agent, options: {ip: '10.0.0.9'}}, 'n2'), true)
  assert.equal(readFileSync(join(dir, 'stdin'), 'utf8'), 'ip=10.0.0.9\naction=reboot\nplug=n2\n')
  assert.equal(await resetNode({kind: 'fence-agent', agent, options: {}}, 'n3'), false)
  const hung = join(dir, 'fence_hung')
  writeFileSync(hung, '#!/bin/sh\nsleep 100\n')
  chmodSync(hung, 0o755)
  // the agent would sleep 100 s and then succeed: false means its 200 ms timeout killed it
  assert.equal(await resetNode({kind: 'fence-agent', agent: hung, options: {}}, 'n2', {timeoutMs: 200}), false)
  rmSync(dir, {recursive: true, force: true})
})
