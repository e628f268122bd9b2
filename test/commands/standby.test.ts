import {test} from 'node:test'
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {tmpdir} from 'node:os'
import {runCli} from '../helpers/cli.js'
import {Lab} from '../runtime/legacy/daemon/lab.js'

test('hakit standby: argument checks and no daemon', () => {
  const socket = ['--socket', join(tmpdir(), `hakit-none-${process.pid}.sock`)]
  const bad = runCli(['standby', 'nothing', ...socket])
  assert.equal(bad.status, 1)
  assert.match(bad.stderr, /wrong resources\(nothing\)/)
  const none = runCli(['standby', ...socket])
  assert.equal(none.status, 1)
  assert.match(none.stderr, /hakit is not running/)
})

test('hakit standby is refused without an active peer, as hb_standby is', async () => {
  const lab = new Lab({haresources: ['n1 Marker::alpha'], initdead: '1'})
  try {
    lab.start('n1')
    await lab.waitFor('group up', () => lab.holders('alpha').join() === 'n1')
    await lab.waitFor('stable', () => lab.cli('n1', ['status', 'rscstatus']).stdout.trim() === 'local')
    const r = lab.cli('n1', ['standby', 'local'])
    assert.equal(r.status, 1)
    assert.match(r.stderr, /no active peer/)
    assert.deepEqual(lab.holders('alpha'), ['n1'])
  } finally {
    await lab.cleanup()
  }
})
