import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, test} from 'node:test'
import {UserError} from '../../src/core/errors.js'
import {writeOutputDirectory, writeOutputFile} from '../../src/core/output-path.js'
import {fixturesDir, isRoot, projectRoot, runCli} from '../helpers/cli.js'

const work = mkdtempSync(join(tmpdir(), `hakit-out-${process.pid}-`))
after(() => rmSync(work, {recursive: true, force: true}))
const cluster = join(fixturesDir, 'convert', 'fencing')

/** One `hakit: …` line on stderr naming the path, exit 2, no stack, nothing of ours left behind. */
function assertRefused(r: {status: number | null; stderr: string}, shown: string, why: RegExp, dir?: string): void {
  assert.equal(r.status, 2, r.stderr)
  const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('hakit: '))
  assert.equal(lines.length, 1, r.stderr)
  assert.ok(lines[0]!.startsWith(`hakit: ${shown}`), lines[0])
  assert.match(lines[0]!, why)
  assert.doesNotMatch(r.stderr, /^\s+at /m)
  assert.doesNotMatch(r.stderr, /Code: E[A-Z]+/)
  if (dir) assert.deepEqual(readdirSync(dir).filter((n) => n.includes('.hakit-')), [], 'temp files left behind')
}

function deadPid(): number {
  for (let pid = 4_000_000; pid > 100_000; pid -= 7919) {
    try {
      process.kill(pid, 0)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return pid
    }
  }
  throw new Error('no free pid found')
}

test('--out of one file: every bad path is one line and exit 2', () => {
  const dir = join(work, 'single')
  mkdirSync(dir)
  writeFileSync(join(dir, 'file'), 'x')
  mkdirSync(join(dir, 'subdir'))
  symlinkSync('/nonexistent/target', join(dir, 'dangling'))
  symlinkSync('loop-b', join(dir, 'loop-a'))
  symlinkSync('loop-a', join(dir, 'loop-b'))
  spawnSync('mkfifo', [join(dir, 'fifo')])
  const cases: Array<[string, RegExp]> = [
    ['', /output path is empty/],
    [join(dir, 'file', 'under'), /not a directory/],
    [join(dir, 'subdir'), /is a directory/],
    [join(dir, 'dangling'), /dangling symbolic link/],
    [join(dir, 'loop-a'), /symbolic link loop/],
    [join(dir, 'fifo'), /is a named pipe, not a regular file/],
    [join(dir, 'n'.repeat(300)), /file name too long/],
    [join(dir, 'missing', 'x'), /does not exist/],
    ['/proc/hakit-out-test', /cannot write/],
  ]
  for (const [out, why] of cases) {
    assertRefused(runCli(['convert', 'haresources', cluster, '--out', out]), out, why, dir)
  }
  // the special files are still what they were
  assert.ok(lstatSync(join(dir, 'fifo')).isFIFO())
  assert.ok(lstatSync(join(dir, 'dangling')).isSymbolicLink())
})

test('--out onto a device is refused, not replaced by a file', {skip: isRoot ? false : 'mknod needs root'}, () => {
  // A private device node: never the machine's /dev/null, which a regression would replace.
  const dir = join(work, 'device')
  mkdirSync(dir)
  const node = join(dir, 'null')
  assert.equal(spawnSync('mknod', [node, 'c', '1', '3']).status, 0)
  assertRefused(runCli(['convert', 'haresources', cluster, '--out', node]), node, /is a character device/, dir)
  assertRefused(runCli(['convert', 'all', cluster, '--out', node]), node, /not a directory/, dir)
  assert.ok(lstatSync(node).isCharacterDevice())
})

test('--out through a symlink to a file writes the file and keeps the link', () => {
  const dir = join(work, 'link')
  mkdirSync(dir)
  writeFileSync(join(dir, 'real.xml'), 'old')
  symlinkSync('real.xml', join(dir, 'cib.xml'))
  const r = runCli(['convert', 'haresources', cluster, '--out', join(dir, 'cib.xml')])
  assert.equal(r.status, 0, r.stderr)
  assert.ok(lstatSync(join(dir, 'cib.xml')).isSymbolicLink())
  assert.match(readFileSync(join(dir, 'real.xml'), 'utf8'), /^<cib /)
})

test('a permission error is one line, exit 2', {skip: isRoot ? false : 'needs root to drop to nobody'}, () => {
  const dir = join(work, 'readonly')
  mkdirSync(dir)
  chmodSync(dir, 0o755)
  for (const argv of [['convert', 'haresources', cluster, '--out', join(dir, 'x.xml')], ['convert', 'all', cluster, '--out', join(dir, 'bundle')]]) {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(projectRoot, 'bin', 'run.js'), ...argv], {
      encoding: 'utf8',
      env: {...process.env, NO_COLOR: '1'},
      cwd: '/',
      timeout: 60_000,
    })
    assertRefused(r, argv.at(-1)!, /permission denied/, dir)
  }
})

test('convert all --out: bad directories are one line and exit 2, immediately', () => {
  const dir = join(work, 'bundles')
  mkdirSync(dir)
  writeFileSync(join(dir, 'file'), 'x')
  writeFileSync(join(dir, 'notes.txt'), 'mine')
  symlinkSync('/nonexistent/target', join(dir, 'dangling'))
  const cases: Array<[string, RegExp]> = [
    ['', /output directory is empty/],
    [join(dir, 'file'), /exists and is not a directory/],
    [join(dir, 'file', 'under'), /not a directory/],
    [join(dir, 'dangling'), /dangling symbolic link/],
    [join(dir, 'n'.repeat(300)), /file name too long/],
    ['/proc/hakit-out-test/bundle', /cannot write/],
    ['/proc/self/hakit-out-test', /cannot write/],
    // a directory with the user's own files is not replaced
    [dir, /holds files that are not part of a bundle/],
  ]
  for (const [out, why] of cases) assertRefused(runCli(['convert', 'all', cluster, '--out', out]), out, why, dir)
  assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine')
})

test('convert all replaces a bundle as a whole and removes temp files a killed run left', () => {
  const parent = join(work, 'whole')
  const out = join(parent, 'bundle')
  assert.equal(runCli(['convert', 'all', cluster, '--out', out]).status, 0)
  const first = readFileSync(join(out, 'cib.xml'), 'utf8')
  // what a kill -9 during the write leaves: a temp directory and a temp file of a process now gone
  const pid = deadPid()
  mkdirSync(join(parent, `.bundle.hakit-${pid}-0badf00d.tmp`))
  writeFileSync(join(parent, `.bundle.hakit-${pid}-0badf00d.tmp`, 'cib.xml'), 'partial')
  writeFileSync(join(parent, `.x.xml.hakit-${pid}-12345678.tmp`), 'partial')
  writeFileSync(join(parent, 'user-file.tmp'), 'not ours')
  const r = runCli(['convert', 'all', join(fixturesDir, 'convert', 'every-script'), '--out', out])
  assert.ok(r.status === 0 || r.status === 1, r.stderr)
  assert.deepEqual(readdirSync(parent).sort(), ['bundle', 'user-file.tmp'])
  assert.deepEqual(readdirSync(out).sort(), ['MIGRATION.md', 'authkey', 'cib.xml', 'corosync.conf', 'crm.txt', 'pcs.sh'])
  assert.notEqual(readFileSync(join(out, 'cib.xml'), 'utf8'), first)
  assert.equal(lstatSync(join(out, 'authkey')).mode & 0o777, 0o400)
})

test('writeOutputDirectory: a failure part-way leaves the old bundle untouched', async () => {
  const out = join(work, 'failing', 'bundle')
  await writeOutputDirectory(out, [{name: 'a.txt', data: 'old a'}, {name: 'b.txt', data: 'old b'}])
  await assert.rejects(
    writeOutputDirectory(out, [{name: 'a.txt', data: 'new a'}, {name: 'b.txt', data: 'new b'}, {name: 'no/such/dir.txt', data: 'x'}]),
    (e: unknown) => e instanceof UserError && e.exitCode === 2 && /cannot write/.test(e.message),
  )
  assert.deepEqual(readdirSync(join(work, 'failing')), ['bundle'])
  assert.equal(readFileSync(join(out, 'a.txt'), 'utf8'), 'old a')
  assert.equal(readFileSync(join(out, 'b.txt'), 'utf8'), 'old b')
})

test('writeOutputFile overwrites a regular file atomically and leaves no temp file', async () => {
  const dir = join(work, 'plain')
  mkdirSync(dir)
  const file = join(dir, 'out.txt')
  writeFileSync(file, 'old')
  await writeOutputFile(file, 'new', 0o600)
  assert.equal(readFileSync(file, 'utf8'), 'new')
  assert.equal(lstatSync(file).mode & 0o777, 0o600)
  assert.deepEqual(readdirSync(dir), ['out.txt'])
  assert.ok(!existsSync(join(dir, '.out.txt.tmp')))
})
