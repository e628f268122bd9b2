import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, test} from 'node:test'
import {UserError} from '../../src/core/errors.js'
import {readRegularFileSync, readSource, readSourceBytes} from '../../src/core/read-source.js'
import {runCli} from '../helpers/cli.js'

const work = mkdtempSync(join(tmpdir(), `hakit-read-${process.pid}-`))
after(() => rmSync(work, {recursive: true, force: true}))

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof UserError, String(error))
    assert.equal(error.exitCode, 2)
    return error.message
  }
  return 'no error'
}

test('devices and sockets are refused, not read forever', async () => {
  assert.match(await refusal(readSource('/dev/zero')), /^\/dev\/zero: is a character device, expected a regular file$/)
  assert.match(await refusal(readSource('/dev/urandom')), /character device/)
  assert.match(await refusal(readSource(work)), /is a directory/)
})

test('what is read is bounded: past the limit names the position where it was crossed', async () => {
  const file = join(work, 'lines')
  writeFileSync(file, 'ab\ncdef\n')
  assert.equal((await readSourceBytes(file, 8)).toString(), 'ab\ncdef\n')
  assert.match(await refusal(readSourceBytes(file, 5)), /^.*lines:2:3: file is too large: it goes past the 5-byte limit here$/)
  // a file whose size stat cannot be trusted (/proc says 0) is still read, and only up to the limit
  assert.match((await readSource('/proc/self/status')).text, /^Name:/m)
  assert.match(await refusal(readSourceBytes('/proc/self/status', 10)), /status:1:11: file is too large/)
})

test('the live view\'s synchronous reader reads and refuses as readSource does', async () => {
  const files: Record<string, string | Buffer> = {plain: 'ab\ncdef\n', binary: Buffer.from('ab\n\0c'), latin1: Buffer.from([0x61, 0x0a, 0xe9, 0x0a]), empty: ''}
  for (const [name, content] of Object.entries(files)) writeFileSync(join(work, name), content)
  const sync = (file: string) => refusal((async () => readRegularFileSync(file))())
  for (const file of [...Object.keys(files).map((f) => join(work, f)), work, '/dev/zero', join(work, 'missing')]) {
    assert.equal(await sync(file), await refusal(readSource(file)), file)
  }
  assert.equal(readRegularFileSync(join(work, 'plain')).text, 'ab\ncdef\n')
  assert.equal(readRegularFileSync(join(work, 'empty')).text, '')
  assert.match(await refusal((async () => readRegularFileSync(join(work, 'plain'), 5))()), /plain:2:3: file is too large: it goes past the 5-byte limit here$/)
  // a size stat cannot be trusted: still read whole
  assert.match(readRegularFileSync('/proc/self/status').text, /^Name:.*\n[^]*VmRSS/m)
})

test('a pipe (/dev/stdin fed by a pipe, as with <(…)) is read like standard input', () => {
  const r = runCli(['lint', 'hacf', '/dev/stdin'], {input: 'node alpha\n'})
  assert.notEqual(r.status, 2, r.stderr)
  assert.match(r.stdout, /hacf-one-node only one node \(alpha\)/)
})

test('commands: /dev/zero as a file or a drbd include, and a huge sparse file, end at once with one line', () => {
  const r = runCli(['lint', 'hacf', '/dev/zero'])
  assert.equal(r.status, 2)
  assert.equal(r.stderr, 'hakit: /dev/zero: is a character device, expected a regular file\n')
  const conf = join(work, 'drbd.conf')
  writeFileSync(conf, 'include "/dev/zero";\n')
  const drbd = runCli(['lint', 'drbd', conf])
  assert.match(drbd.stdout, /drbd\.conf:1:1 error drbd-include cannot read included file: \/dev\/zero: is a character device/)
  const big = join(work, 'big')
  writeFileSync(big, '')
  truncateSync(big, 40 * 1024 * 1024)
  const huge = runCli(['crm', 'verify', '--cib', big])
  assert.equal(huge.status, 2)
  assert.match(huge.stderr, /^hakit: .*big:1:33554433: file is too large/)
})

test('convert refuses more haresources resources than it converts, naming the first one over', () => {
  const file = join(work, 'haresources')
  const line = `alpha ${Array.from({length: 100}, (_, i) => `svc${i}`).join(' ')}\n`
  writeFileSync(file, line.repeat(201)) // 20 100 resources
  const r = runCli(['convert', 'haresources', file])
  assert.equal(r.status, 2)
  assert.match(r.stderr, /^hakit: .*haresources:201:\d+: more than 20000 resources/)
  assert.equal(r.stderr.trim().split('\n').length, 1)
})
