import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand} from '../../helpers/cli.js'
import {HeartbeatCluster} from '../../../src/runtime/membership/cluster.js'
import {ClassicFramer} from '../../../src/runtime/messaging/media/serial.js'
import {loopbackConfig, randomPort, stopAll, waitFor} from './harness.js'
import {until} from './netns.js'

test('classic framer: splits frames, skips line noise and cut frames', () => {
  const f = new ClassicFramer()
  const frames = [...f.push(Buffer.from('noise>>>\nt=a\n<<<\n>>>\nt=b')), ...f.push(Buffer.from('\n<<<\n>>>\nt=cut>>>\nt=c\n<<<\n'))]
  assert.deepEqual(frames.map(String), ['>>>\nt=a\n<<<\n', '>>>\nt=b\n<<<\n', '>>>\nt=c\n<<<\n'])
  assert.ok(f.skippedBytes >= 5)
})

test('two nodes over a serial line (socat pty pair) see each other and detect a cut', {timeout: 180_000}, async (t) => {
  if (!haveCommand('socat')) return t.skip('needs socat')
  const dir = mkdtempSync(join(tmpdir(), 'hakit-serial-'))
  const [ttyA, ttyB] = [join(dir, 'ttyA'), join(dir, 'ttyB')]
  const socat = spawn('socat', [`pty,raw,echo=0,link=${ttyA}`, `pty,raw,echo=0,link=${ttyB}`], {stdio: 'ignore'})
  const port = randomPort()
  const a = new HeartbeatCluster(loopbackConfig(2, 0, port, {media: [{kind: 'serial', device: ttyA, baud: 19200}]}))
  const b = new HeartbeatCluster(loopbackConfig(2, 1, port, {media: [{kind: 'serial', device: ttyB, baud: 19200}]}))
  try {
    assert.ok(await until(() => existsSync(ttyA) && existsSync(ttyB), 20_000))
    const active = waitFor(a, 'node-active', (e: {node: string}) => e.node === 'n2', 20_000)
    await a.start()
    await b.start()
    await active
    assert.equal(a.links('n2')[0]!.name, ttyA)
    assert.equal(a.links('n2')[0]!.status, 'up')
    const dead = waitFor(a, 'node-dead', (e: {node: string}) => e.node === 'n2', 20_000)
    socat.kill('SIGKILL') // the cable
    await dead
    assert.equal(a.links('n2')[0]!.status, 'dead')
  } finally {
    socat.kill('SIGKILL')
    await stopAll(a, b)
  }
})
