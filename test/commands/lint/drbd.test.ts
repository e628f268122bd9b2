import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fixturesDir, runCli} from '../../helpers/cli.js'

const fx = (name: string) => join(fixturesDir, 'drbd', name)

test('lint drbd on a clean file exits 0 and prints only info lines', () => {
  const r = runCli(['lint', 'drbd', fx('drbd84.conf')])
  assert.equal(r.status, 0, r.stderr)
  for (const line of r.stdout.trim().split('\n').filter(Boolean)) {
    assert.match(line, /^\S+:\d+:\d+ info drbd-[a-z0-9-]+ /)
  }
})

test('lint drbd says which dialect a file is in', () => {
  const r = runCli(['lint', 'drbd', fx('seed-003-drbd07.conf')])
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /seed-003-drbd07\.conf:1:1 info drbd-dialect DRBD 0\.7 syntax — `incon-degr-cmd` in resource \(3:1\)/)
})

test('lint drbd on mistakes exits 1 with file:line:col severity rule-id message', () => {
  const r = runCli(['lint', 'drbd', fx('broken/mistakes.conf')])
  assert.equal(r.status, 1)
  assert.match(r.stdout, /mistakes\.conf:5:3 error drbd-other-dialect /)
  assert.match(r.stdout, /mistakes\.conf:16:1 error drbd-duplicate-resource /)
})

test('--json gives the envelope with findings in flat fields', () => {
  const r = runCli(['lint', 'drbd', fx('broken/mistakes.conf'), '--json'])
  assert.equal(r.status, 1)
  const {findings, exitCode} = JSON.parse(r.stdout)
  assert.equal(exitCode, 1)
  assert.ok(Array.isArray(findings) && findings.length > 5)
  assert.deepEqual(Object.keys(findings[0]).sort(), ['column', 'file', 'id', 'line', 'message', 'severity'])
})

test('--strict counts warnings; --ha-node checks host names', () => {
  const plain = runCli(['lint', 'drbd', fx('drbd83.conf'), '--ha-node', 'node1'])
  assert.equal(plain.status, 0)
  assert.match(plain.stdout, /warning drbd-host-not-ha-node host 'node2'/)
  const strict = runCli(['lint', 'drbd', fx('drbd83.conf'), '--ha-node', 'node1', '--strict'])
  assert.equal(strict.status, 1)
})

test('unreadable input: one line on stderr, exit 2, no stack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-drbd-cli-'))
  const binary = join(dir, 'junk.conf')
  writeFileSync(binary, Buffer.from([0x72, 0x65, 0x73, 0x00, 0xff, 0x01]))
  const junk = join(dir, 'junk.conf') // no NUL, but invalid UTF-8 outside any comment
  writeFileSync(junk, Buffer.from([0x72, 0x65, 0x73, 0x20, 0xff, 0xfe, 0x81, 0x7b, 0x0a]))
  for (const target of [join(dir, 'missing.conf'), dir, binary, junk]) {
    const r = runCli(['lint', 'drbd', target])
    assert.equal(r.status, 2, target)
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
    assert.doesNotMatch(r.stderr, /\n\s+at /)
  }
})

test('invalid UTF-8 in comments is read with a warning (old configs use legacy encodings)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-drbd-cli-'))
  const file = join(dir, 'gbk.conf')
  const text = 'resource r { protocol C; # \xc4\xe3\xba\xc3\n on a { device /dev/drbd0; disk /dev/sda; address 10.0.0.1:7788; meta-disk internal; }\n on b { device /dev/drbd0; disk /dev/sda; address 10.0.0.2:7788; meta-disk internal; } }\n'
  writeFileSync(file, Buffer.from(text, 'latin1'))
  const r = runCli(['lint', 'drbd', file])
  assert.equal(r.status, 0, r.stdout + r.stderr)
  assert.match(r.stdout, /gbk\.conf:1:\d+ warning drbd-encoding /)
})
