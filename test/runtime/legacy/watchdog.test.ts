import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Watchdog} from '../../../src/runtime/legacy/watchdog.js'

test('watchdog: a NUL per tickle, magic V on clean close; a missing device is reported', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-wd-'))
  const device = join(dir, 'watchdog')
  writeFileSync(device, '')
  const logs: string[] = []
  const wd = new Watchdog(device, (_, m) => logs.push(m))
  assert.equal(wd.open(), true)
  wd.tickle()
  wd.tickle()
  wd.close()
  wd.tickle() // after close: nothing
  assert.deepEqual([...readFileSync(device)], [0, 0, 'V'.charCodeAt(0)])
  assert.equal(new Watchdog(join(dir, 'missing'), (_, m) => logs.push(m)).open(), false)
  assert.ok(logs.includes(`Cannot open watchdog device: ${join(dir, 'missing')}`))
  rmSync(dir, {recursive: true, force: true})
})
