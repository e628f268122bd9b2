import {test, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fixturesDir, isRoot, runCli} from '../../helpers/cli.js'

let tmp: string
const GOOD = 'auth 1\n1 sha1 9c1f4e2b7a6d5c3e8f0a1b2c3d4e5f60\n'

function file(name: string, content: string | Buffer, mode = 0o600): string {
  const path = join(tmp, name)
  writeFileSync(path, content)
  chmodSync(path, mode)
  return path
}

function seedCopy(name: string): string {
  const dir = mkdtempSync(join(tmp, `${name}-`))
  for (const f of readdirSync(join(fixturesDir, 'seeds', name))) copyFileSync(join(fixturesDir, 'seeds', name, f), join(dir, f))
  chmodSync(join(dir, 'authkeys'), 0o600)
  return dir
}

const noStack = (stderr: string) => assert.doesNotMatch(stderr, /\n\s+at /)

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'hakit-lint-cli-'))
})
after(() => rmSync(tmp, {recursive: true, force: true}))

test('a clean authkeys: exit 0, nothing on stdout, a summary on stderr', () => {
  const r = runCli(['lint', 'authkeys', file('good', GOOD)])
  assert.equal(r.status, 0)
  assert.equal(r.stdout, '')
  assert.match(r.stderr, /0 error\(s\), 0 warning\(s\)/)
})

test('findings are one a line: file:line:col severity rule-id message; errors exit 1', () => {
  const path = file('open', GOOD, 0o644)
  const r = runCli(['lint', 'authkeys', path])
  assert.equal(r.status, 1)
  assert.match(r.stdout, new RegExp(`^${path}:1:1 error authkeys-mode mode 644 `, 'm'))
  assert.doesNotMatch(r.stdout, /\x1b\[/, 'no colour when piped')
})

test('--json prints the envelope: the counts, and the findings with the same fields', () => {
  const r = runCli(['lint', 'authkeys', file('crc', 'auth 1\n1 crc\n'), '--json'])
  assert.equal(r.status, 0, 'warnings only')
  const {result, findings} = JSON.parse(r.stdout)
  assert.deepEqual(result, {errors: 0, warnings: 1, infos: 0})
  assert.deepEqual(findings, [{file: join(tmp, 'crc'), line: 2, column: 3, severity: 'warning', id: 'authkeys-crc', message: findings[0].message}])
})

test('--strict makes warnings count', () => {
  assert.equal(runCli(['lint', 'authkeys', file('crc2', 'auth 1\n1 crc\n'), '--strict']).status, 1)
})

test('FORCE_COLOR colours, NO_COLOR does not', () => {
  const path = file('open2', GOOD, 0o644)
  assert.match(runCli(['lint', 'authkeys', path], {env: {NO_COLOR: undefined, FORCE_COLOR: '1'}}).stdout, /\x1b\[/)
  assert.doesNotMatch(runCli(['lint', 'authkeys', path], {env: {NO_COLOR: '1'}}).stdout, /\x1b\[/)
})

test('unreadable input: missing, directory, binary, invalid UTF-8, 50 MB — one line, exit 2', () => {
  const big = file('big', '')
  truncateSync(big, 50 * 1024 * 1024)
  const cases: [string, RegExp][] = [
    [join(tmp, 'missing'), /no such file/],
    [tmp, /is a directory/],
    [file('junk', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff])), /binary data/],
    [file('latin1', Buffer.from('auth 1\n1 sha1 cl\xe9\n', 'latin1')), /:2:10: invalid UTF-8/],
    [big, /too large/],
  ]
  for (const [path, message] of cases) {
    for (const cmd of message.source.includes('binary') ? ['authkeys', 'hacf', 'haresources'] : ['hacf']) {
      const r = runCli(['lint', cmd, path])
      assert.equal(r.status, 2, `${cmd} ${path}`)
      assert.match(r.stderr, message)
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
      noStack(r.stderr)
    }
  }
})

test('a file the user may not read is exit 2', (t) => {
  if (isRoot) return t.skip('root reads any file')
  const path = file('secret', GOOD, 0o000)
  const r = runCli(['lint', 'authkeys', path])
  assert.equal(r.status, 2)
  assert.match(r.stderr, /permission denied/)
})

test('standard input with -', () => {
  const r = runCli(['lint', 'hacf', '-', '--offline'], {input: 'keepalive 2s\nnode a b\nbcast eth0\nauto_failback on\nlogfile /x\n'})
  assert.equal(r.status, 1)
  assert.match(r.stdout, /^-:1:11 error hacf-time-unit /m)
})

test('lint hacf on the annotated seed reports media before udpport, not baud without serial (warnings: exit 0)', () => {
  const dir = seedCopy('001-annotated-node1')
  const r = runCli(['lint', 'hacf', join(dir, 'ha.cf'), '--offline'])
  assert.equal(r.status, 0, r.stdout)
  assert.match(r.stdout, /ha\.cf:9:1 warning hacf-udpport-after-media /)
  // baud after the media, but no serial line uses it: no finding (it was noise).
  assert.doesNotMatch(r.stdout, /hacf-baud-after-media/)
})

test('lint haresources on the debian seed suggests drbddisk for drbdisk', (t) => {
  if (!existsSync('/etc/ha.d/resource.d/drbddisk')) return t.skip('heartbeat resource scripts are not installed')
  const dir = seedCopy('003-debian-drbd07')
  const r = runCli(['lint', 'haresources', join(dir, 'haresources')])
  assert.equal(r.status, 1)
  assert.match(r.stdout, /haresources:1:26 error haresources-script-missing resource script "drbdisk" not found .*did you mean "drbddisk"/)
})

test('lint haresources checks nodes against the ha.cf beside it', () => {
  const dir = seedCopy('000-centos-drbd-httpd')
  const r = runCli(['lint', 'haresources', join(dir, 'haresources'), '--offline'])
  assert.equal(r.status, 1)
  assert.match(r.stdout, /haresources:1:1 error haresources-node-undeclared node "host1" is not declared/)
})

test('lint all: every file in one report, missing directory is exit 2', () => {
  const dir = seedCopy('000-centos-drbd-httpd')
  const r = runCli(['lint', 'all', dir, '--offline', '--json'])
  assert.equal(r.status, 1)
  const files = new Set(JSON.parse(r.stdout).findings.map((f: {file: string}) => f.file.slice(dir.length + 1)))
  assert.deepEqual([...files].sort(), ['authkeys', 'ha.cf', 'haresources'])
  const missing = runCli(['lint', 'all', join(tmp, 'nope')])
  assert.equal(missing.status, 2)
  noStack(missing.stderr)
})

test('lint all: an unreadable file is reported with the others and gives exit 2', () => {
  const dir = seedCopy('004-pacemaker-vagrant')
  writeFileSync(join(dir, 'haresources'), Buffer.from([0, 1, 2]))
  const r = runCli(['lint', 'all', dir, '--offline'])
  assert.equal(r.status, 2)
  assert.match(r.stdout, /haresources:1:1 error file-unreadable /)
  assert.match(r.stdout, /authkeys:2:8 warning authkeys-placeholder-key /)
})

test('lint --help lists the subcommands', () => {
  const r = runCli(['lint', '--help'])
  assert.equal(r.status, 0)
  for (const cmd of ['lint all', 'lint authkeys', 'lint hacf', 'lint haresources']) assert.match(r.stdout, new RegExp(cmd))
})

test('lint all --drbd-conf adds the DRBD findings; a missing one named explicitly is exit 2', () => {
  const dir = seedCopy('003-debian-drbd07')
  const drbd = join(dir, 'drbd.conf')
  const other = mkdtempSync(join(tmp, 'other-'))
  copyFileSync(drbd, join(other, 'r0.conf'))
  rmSync(drbd)
  const r = runCli(['lint', 'all', dir, '--offline', '--drbd-conf', join(other, 'r0.conf'), '--json'])
  assert.ok(JSON.parse(r.stdout).findings.some((f: {file: string}) => f.file === join(other, 'r0.conf')))
  const missing = runCli(['lint', 'all', dir, '--offline', '--drbd-conf', join(other, 'nope.conf')])
  assert.equal(missing.status, 2)
  assert.match(missing.stdout, /nope\.conf:1:1 error file-unreadable /)
})

test('a UTF-8 byte order mark (a Windows editor) is an error in each of the three files, at 1:1; without it the same file is clean of it', () => {
  const BOM = '\ufeff'
  const hacf = '# cluster\nlogfile /var/log/ha-log\nkeepalive 1\ndeadtime 10\ninitdead 30\nudpport 694\nbcast lo\nauto_failback on\nnode alpha\nnode beta\n'
  const haresources = 'alpha 10.0.0.10/24/lo\n'
  const cases: Array<[string, string, string, RegExp]> = [
    ['hacf', 'ha.cf', hacf, /Illegal directive/],
    ['haresources', 'haresources', haresources, /Bad nodename/],
    ['authkeys', 'authkeys', GOOD, /Auth line \[\.\.\.\] is invalid/],
  ]
  for (const [command, name, text, effect] of cases) {
    const dir = mkdtempSync(join(tmp, `bom-${command}-`))
    writeFileSync(join(dir, 'ha.cf'), hacf)
    const path = file(join(dir.slice(tmp.length + 1), name), BOM + text)
    const offline = command === 'authkeys' ? [] : ['--offline'] // authkeys looks at nothing else
    const r = runCli(['lint', command, path, ...offline])
    assert.equal(r.status, 1, `${command}: ${r.stdout}`)
    const line = r.stdout.split('\n').find((l) => l.includes(' file-bom '))
    assert.ok(line, `${command}: no file-bom finding in\n${r.stdout}`)
    assert.ok(line.startsWith(`${path}:1:1 error file-bom `), line)
    assert.match(line, effect)
    writeFileSync(path, text)
    assert.doesNotMatch(runCli(['lint', command, path, ...offline]).stdout, /file-bom/, `${command} without the mark`)
  }
  // lint all reports it for the file that has it, and only that one
  const dir = mkdtempSync(join(tmp, 'bom-all-'))
  file(join(dir.slice(tmp.length + 1), 'ha.cf'), hacf)
  file(join(dir.slice(tmp.length + 1), 'haresources'), BOM + haresources)
  file(join(dir.slice(tmp.length + 1), 'authkeys'), GOOD)
  const all = runCli(['lint', 'all', dir, '--offline'])
  assert.deepEqual(all.stdout.split('\n').filter((l) => l.includes(' file-bom ')).map((l) => l.split(' ')[0]), [`${join(dir, 'haresources')}:1:1`])
})
