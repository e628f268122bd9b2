import {test} from 'node:test'
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {tmpdir} from 'node:os'
import {runCli} from '../helpers/cli.js'
import {Lab} from '../runtime/legacy/daemon/lab.js'

test('hakit takeover: argument checks and no daemon', () => {
  const socket = ['--socket', join(tmpdir(), `hakit-none-${process.pid}.sock`)]
  assert.equal(runCli(['takeover', 'a', 'b', ...socket]).status, 2) // oclif: one argument at most
  const none = runCli(['takeover', 'foreign', ...socket])
  assert.equal(none.status, 1)
  assert.match(none.stderr, /hakit is not running/)
})

test('hakit takeover pulls a group back after auto_failback off left it on the peer', async () => {
  const lab = new Lab({haresources: ['n1 Marker::alpha'], autoFailback: 'off'})
  try {
    lab.start('n1')
    lab.start('n2')
    await lab.waitFor('group up on n1', () => lab.holders('alpha').join() === 'n1')
    lab.powerOff('n1')
    await lab.waitFor('takeover by n2', () => lab.holders('alpha').join() === 'n2')
    lab.start('n1')
    await lab.waitFor('n1 stable', () => lab.cli('n1', ['status', 'rscstatus']).stdout.trim() === 'none')
    await new Promise((r) => setTimeout(r, 300))
    const r = lab.cli('n1', ['takeover', 'local'])
    assert.equal(r.status, 0, r.stderr)
    await lab.waitFor('back on n1', () => lab.holders('alpha').join() === 'n1')
    assert.deepEqual(lab.doubleStarts(), [])
  } finally {
    await lab.cleanup()
  }
})
