/**
 * bin/hakit's two starts (docs/scheduler.md, "Start-up"): from the V8 startup snapshot that
 * `npm run build` makes (dist/snapshot/), or the ordinary ESM start (bin/run.js). The snapshot must
 * change nothing but the CPU time: same stdout, stderr and exit status as the ordinary start; and
 * when it is missing, stale (another bundle), from another node binary, or when NODE_OPTIONS is set,
 * the ordinary start runs, silently. HAKIT_START_TRACE=1 makes each start name itself on stderr.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fixturesDir, haveCommand, projectRoot, sharedDir} from '../helpers/cli.js'

const built = existsSync(join(projectRoot, 'dist', 'snapshot', 'hakit.blob'))
const skip = built ? false : 'needs `npm run build` (dist/snapshot/hakit.blob)'
const suite = join(sharedDir, 'corpus', 'scheduler-full')

interface Run {status: number | null; stdout: string; stderr: string; starts: string[]}

/** Runs a bin (bin/hakit, or node bin/run.js) with the start trace on; the trace lines apart. */
function run(argv: string[], env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(argv[0]!, argv.slice(1), {
    encoding: 'utf8', cwd: projectRoot, timeout: 120_000,
    env: {...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, NODE_OPTIONS: undefined, HAKIT_START_TRACE: '1', ...env},
  })
  const lines = r.stderr.split('\n')
  return {
    status: r.status, stdout: r.stdout,
    stderr: lines.filter((l) => !l.startsWith('hakit start: ')).join('\n'),
    starts: lines.filter((l) => l.startsWith('hakit start: ')).map((l) => l.slice('hakit start: '.length)),
  }
}

const hakit = (root: string, args: string[], env?: NodeJS.ProcessEnv) => run([join(root, 'bin', 'hakit'), ...args], env)
const ordinary = (args: string[]) => run([process.execPath, join(projectRoot, 'bin', 'run.js'), ...args])

function assertSameOutput(args: string[]): void {
  const fast = hakit(projectRoot, args)
  const plain = ordinary(args)
  assert.deepEqual(fast.starts, ['snapshot'], args.join(' '))
  assert.deepEqual(plain.starts, ['ordinary'])
  assert.equal(fast.stdout, plain.stdout, `stdout of ${args.join(' ')}`)
  assert.equal(fast.stderr, plain.stderr, `stderr of ${args.join(' ')}`)
  assert.equal(fast.status, plain.status, `exit status of ${args.join(' ')}`)
}

test('crm simulate -x F -R on suite CIBs: byte-identical from the snapshot', {skip: skip || (!existsSync(suite) && `${suite} missing`)}, () => {
  // every 100th case of the suite (sorted), whatever it holds
  const cases = readdirSync(suite).filter((f) => f.endsWith('.xml')).sort().filter((_, i) => i % 100 === 0)
  assert.ok(cases.length >= 5)
  for (const file of cases) assertSameOutput(['crm', 'simulate', '-x', join(suite, file), '-R'])
  assertSameOutput(['crm', 'simulate', '-x', join(suite, cases[1]!), '-S', '-s'])
})

test('lint, convert, help, errors: byte-identical from the snapshot', {skip}, () => {
  assertSameOutput(['lint', 'authkeys', join(fixturesDir, 'example-cluster', 'authkeys')])
  assertSameOutput(['lint', 'drbd', join(fixturesDir, 'drbd', 'drbd83.conf'), '--json'])
  assertSameOutput(['convert', 'haresources', join(fixturesDir, 'convert', 'two-lines')])
  assertSameOutput(['convert', 'all', join(fixturesDir, 'convert', 'fencing'), '--to', 'crm'])
  assertSameOutput(['--help'])
  assertSameOutput(['crm', 'simulate', '--help'])
  assertSameOutput(['lnt'])
  assertSameOutput(['crm', 'simulate', '-x', join(fixturesDir, 'no-such.xml')])
})

test('terminal width, colours and DEBUG are read at run time, not frozen in the snapshot', {skip: skip || (!haveCommand('script') && 'needs script(1)')}, () => {
  // script(1) gives the command a terminal of the width asked for
  const inTerminal = (bin: string, columns: number, args: string) =>
    spawnSync('script', ['-qc', `stty cols ${columns}; ${bin} ${args}`, '/dev/null'], {encoding: 'utf8', cwd: projectRoot, timeout: 120_000, env: {...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, HAKIT_START_TRACE: undefined}}).stdout
  const hakitBin = join(projectRoot, 'bin', 'hakit')
  const runJs = `${process.execPath} ${join(projectRoot, 'bin', 'run.js')}`
  const widest = (text: string) => Math.max(...text.replace(/\u001b\[[0-9;]*m|\r/g, '').split('\n').map((l) => l.trimEnd().length))
  const help = new Map<number, string>()
  for (const columns of [60, 200]) {
    help.set(columns, inTerminal(hakitBin, columns, 'crm simulate --help'))
    assert.equal(help.get(columns), inTerminal(runJs, columns, 'crm simulate --help'), `help at ${columns} columns`)
  }
  // wrapped to the terminal of the run, not to the build's
  assert.ok(widest(help.get(200)!) > 150, 'wide terminal, long lines')
  assert.ok(help.get(60)!.split('\n').length > help.get(200)!.split('\n').length + 10, 'narrow terminal, more lines')
  const authkeys = join(mkdtempSync(join(tmpdir(), `hakit-snapshot-tty-${process.pid}-`)), 'authkeys')
  writeFileSync(authkeys, 'auth 1\n1 crc\n', {mode: 0o600})
  const coloured = inTerminal(hakitBin, 100, `lint authkeys ${authkeys}`)
  assert.match(coloured, /\u001b\[/, 'colours on a terminal')
  assert.equal(coloured, inTerminal(runJs, 100, `lint authkeys ${authkeys}`))
  rmSync(dirname(authkeys), {recursive: true, force: true})
  const debug = run([hakitBin, '--version'], {DEBUG: 'oclif:main'})
  assert.match(debug.stderr, /oclif:main/, 'DEBUG read at run time')
})

test('the long-lived commands keep the ordinary start', {skip}, () => {
  assert.deepEqual(hakit(projectRoot, ['crm', 'status', '--help']).starts, ['ordinary'])
  assert.deepEqual(hakit(projectRoot, ['run', '--help']).starts, ['ordinary'])
})

/** A copy of the installed package (bin, dist/bundle, dist/snapshot; node_modules linked) to break. */
function packageCopy(t: {after: (fn: () => void) => void}): string {
  const root = mkdtempSync(join(tmpdir(), `hakit-snapshot-test-${process.pid}-`))
  t.after(() => rmSync(root, {recursive: true, force: true}))
  for (const file of ['package.json', 'oclif.manifest.json']) copyFileSync(join(projectRoot, file), join(root, file))
  symlinkSync(join(projectRoot, 'node_modules'), join(root, 'node_modules'))
  cpSync(join(projectRoot, 'bin'), join(root, 'bin'), {recursive: true})
  for (const dir of ['bundle', 'snapshot']) cpSync(join(projectRoot, 'dist', dir), join(root, 'dist', dir), {recursive: true})
  // the marker carries the building node's mtime to the nanosecond (a copy's may round it)
  assert.equal(spawnSync('touch', ['-r', process.execPath, join(root, 'dist', 'snapshot', 'node')]).status, 0)
  return root
}

test('a copy of the package starts from the snapshot, also through a symlinked bin (npm link)', {skip}, (t) => {
  const root = packageCopy(t)
  const expected = ordinary(['--version'])
  const direct = hakit(root, ['--version'])
  assert.deepEqual(direct.starts, ['snapshot'])
  assert.equal(direct.stdout, expected.stdout)
  const links = join(root, 'links')
  mkdirSync(links)
  symlinkSync(join(root, 'bin', 'hakit'), join(links, 'hakit'))
  const linked = run([join(links, 'hakit'), '--version'])
  assert.deepEqual(linked.starts, ['snapshot'])
  assert.equal(linked.stdout, expected.stdout)
})

test('stale, missing, another node, NODE_OPTIONS: the ordinary start, same output', {skip}, (t) => {
  const args = ['convert', 'haresources', join(fixturesDir, 'convert', 'two-lines')]
  const expected = ordinary(args)
  const check = (root: string, want: string[], env?: NodeJS.ProcessEnv) => {
    const r = hakit(root, args, env)
    assert.deepEqual(r.starts, want)
    assert.equal(r.stdout, expected.stdout)
    assert.equal(r.stderr, expected.stderr)
    assert.equal(r.status, expected.status)
  }

  // another bundle than the one the blob was built from: main.mjs notices, bin/run.js in process
  const stale = packageCopy(t)
  writeFileSync(join(stale, 'dist', 'bundle', 'stamp'), 'another bundle')
  check(stale, ['snapshot stale', 'ordinary'])

  const missing = packageCopy(t)
  rmSync(join(missing, 'dist', 'snapshot', 'hakit.blob'))
  check(missing, ['ordinary'])

  // the marker's mtime is the building node's: another binary at that path (an upgrade) differs
  const otherNode = packageCopy(t)
  utimesSync(join(otherNode, 'dist', 'snapshot', 'node'), new Date(0), new Date(0))
  check(otherNode, ['ordinary'])

  // or another node on PATH than the one that built it
  const elsewhere = packageCopy(t)
  const fakeBin = join(elsewhere, 'other-node-bin')
  mkdirSync(fakeBin)
  writeFileSync(join(fakeBin, 'node'), `#!/bin/sh\nexec ${process.execPath} "$@"\n`)
  chmodSync(join(fakeBin, 'node'), 0o755)
  check(elsewhere, ['ordinary'], {PATH: `${fakeBin}:${process.env.PATH}`})

  check(packageCopy(t), ['ordinary'], {NODE_OPTIONS: '--max-old-space-size=4096'})
})
