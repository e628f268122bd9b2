/**
 * `hakit completion bash|zsh`: the bash script is sourced in a real bash and
 * its function called the way bash calls it (COMP_WORDS/COMP_CWORD): commands,
 * subcommands, flags, flag choices, files and directories — also after a path
 * argument, which broke oclif's script (a sed expression built from the typed
 * words). zsh: the script parses and registers the completion.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand, projectRoot, runCli} from '../helpers/cli.js'
import {completionTable} from '../../src/cli/completion.js'

const built = existsSync(join(projectRoot, 'dist', 'bundle'))
const skip = built ? false : 'dist/ is not built (npm run build)'

test('the table: one line per command and alias, value flags with their choices', () => {
  const lines = completionTable([
    {id: 'convert:hacf', flags: [{name: 'to', value: true, options: ['corosync', 'crm']}, {name: 'out', value: true}, {name: 'json', value: false}]},
    {id: 'crm:status', aliases: ['crm_mon'], flags: [{name: 'inactive', char: 'r', value: false}]},
    {id: 'crm:resource:param', flags: [], args: [{}, {options: ['get', 'set']}, {}]},
    {id: 'secret', hidden: true, flags: []},
  ])
  assert.deepEqual(lines, [
    'convert:hacf|--to=corosync,crm --out= --json -h --help',
    'crm:resource:param|-h --help @2=get,set',
    'crm:status|--inactive -r -h --help',
    'crm_mon|--inactive -r -h --help',
  ])
})

test('bash: commands, subcommands, flags, choices, files and directories', {skip}, () => {
  const script = runCli(['completion', 'bash'])
  assert.equal(script.status, 0, script.stderr)
  const dir = mkdtempSync(join(tmpdir(), 'hakit-completion-'))
  try {
    const scriptFile = join(dir, 'hakit.bash')
    writeFileSync(scriptFile, script.stdout)
    const cwd = join(dir, 'cwd')
    mkdirSync(join(cwd, 'ha.d'), {recursive: true})
    for (const f of ['ha.cf', 'haresources', 'authkeys']) writeFileSync(join(cwd, 'ha.d', f), '')
    writeFileSync(join(cwd, 'cib.xml'), '')
    const complete = (...words: string[]): string[] => {
      const r = spawnSync('bash', ['-c', `source ${scriptFile}; COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _hakit_complete; printf "%s\\n" "\${COMPREPLY[@]}"`, '_', 'hakit', ...words], {cwd, encoding: 'utf8'})
      assert.equal(r.stderr, '', `bash printed errors for ${words.join(' ')}`)
      return r.stdout.split('\n').filter((l) => l !== '').sort()
    }
    assert.ok(complete('').includes('lint') && complete('').includes('crm'))
    assert.deepEqual(complete('cr'), ['crm', 'crm_mon'])
    assert.deepEqual(complete('crm', 'resourc'), ['resource'])
    assert.deepEqual(complete('crm', 'resource', 'mo'), ['move'])
    assert.deepEqual(complete('lint', 'h'), ['hacf', 'haresources'])
    // a path argument: files and directories, then the command's flags (oclif's script failed here)
    assert.deepEqual(complete('lint', 'hacf', 'ha.d/'), ['ha.d/authkeys', 'ha.d/ha.cf', 'ha.d/haresources'])
    assert.deepEqual(complete('lint', 'hacf', 'ha.d/ha.cf', '--'), ['--help', '--json', '--offline', '--strict'])
    assert.deepEqual(complete('lint', 'all', '/nonexistent/dir/', '--js'), ['--json'])
    assert.deepEqual(complete('convert', 'all', 'h'), ['ha.d'])
    // flag values: the choices, else files
    assert.deepEqual(complete('convert', 'hacf', 'ha.d', '--to', 'c'), ['cib', 'corosync', 'crm'])
    assert.deepEqual(complete('crm', 'verify', '--cib', 'ci'), ['cib.xml'])
    // an argument with fixed choices: after the resource, param's action; flags and their values do not count
    assert.deepEqual(complete('crm', 'resource', 'param', 'web', ''), ['delete', 'get', 'set', 'show'])
    assert.deepEqual(complete('crm', 'resource', 'param', '--cib', 'cib.xml', 'web', 's'), ['set', 'show'])
    assert.deepEqual(complete('crm', 'resource', 'param', 'ci'), ['cib.xml'])
    assert.deepEqual(complete('completion', ''), ['bash', 'zsh'])
    // --to=VALUE: bash hands the '=' over as a word of its own
    assert.deepEqual(complete('convert', 'hacf', 'ha.d', '--to', '='), ['cib', 'corosync', 'crm', 'pcs'])
    assert.deepEqual(complete('convert', 'hacf', 'ha.d', '--to', '=', 'p'), ['pcs'])
    assert.deepEqual(complete('crm_mon', '-'), complete('crm', 'status', '-'))
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

/** Types `line` + TAB into an interactive bash (a pseudo-terminal, via python3's pty) and returns what bash echoed. */
const TYPE_IN_BASH = `
import os, pty, select, sys, time
script, lines = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp('bash', ['bash', '--norc', '--noprofile', '-i'])
def read(seconds):
    out, end = b'', time.time() + seconds
    while time.time() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try: out += os.read(fd, 4096)
            except OSError: break
    return out.decode(errors='replace')
os.write(fd, ("PS1='$ '; source " + script + "\\n").encode()); read(1.5)
for line in lines:
    os.write(fd, b'\\x15' + line.encode() + b'\\t'); print(repr(read(2.5)))
os.write(fd, b'\\x15exit\\n'); read(0.5)
`

test('bash, interactive: TAB completes --to=VALUE, a topic and a directory as a user sees it', {skip: skip || (haveCommand('python3') ? false : 'python3 is not installed (pseudo-terminal)')}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-completion-'))
  try {
    writeFileSync(join(dir, 'hakit.bash'), runCli(['completion', 'bash']).stdout)
    mkdirSync(join(dir, 'ha.d'))
    const r = spawnSync('python3', ['-c', TYPE_IN_BASH, join(dir, 'hakit.bash'), 'hakit convert hacf x --to=co', 'hakit crm resourc', `hakit lint hacf ${dir}/ha.`], {encoding: 'utf8', timeout: 60_000})
    assert.equal(r.status, 0, r.stderr)
    const [to, topic, path] = r.stdout.trim().split('\n')
    assert.match(to!, /--to=corosync /)
    assert.match(topic!, /hakit crm resource /)
    assert.ok(path!.includes(`${dir}/ha.d/`), path)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('zsh: the script parses, registers a completion for hakit, and completes like the bash one', {skip: skip || (haveCommand('zsh') ? false : 'zsh is not installed')}, () => {
  const script = runCli(['completion', 'zsh'])
  assert.equal(script.status, 0, script.stderr)
  assert.match(script.stdout, /^#compdef hakit$/m)
  const dir = mkdtempSync(join(tmpdir(), 'hakit-completion-'))
  try {
    writeFileSync(join(dir, '_hakit'), script.stdout)
    const syntax = spawnSync('zsh', ['-n', join(dir, '_hakit')], {encoding: 'utf8'})
    assert.equal(syntax.status, 0, syntax.stderr)
    const r = spawnSync('zsh', ['-f', '-c', `fpath=(${dir} $fpath); autoload -Uz compinit; compinit -u -d ${dir}/zcompdump; print -r -- $_comps[hakit]`], {encoding: 'utf8'})
    assert.equal(r.status, 0, r.stderr)
    assert.equal(r.stdout.trim(), '_hakit')
    // the function itself in zsh, with compadd and _files recorded (zsh filters by the typed prefix itself)
    const complete = (...words: string[]): string[] => {
      const z = spawnSync('zsh', ['-f', '-c', `compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }; _files() { print -- '<files>'; }; compdef() {}; compset() {}; source ${join(dir, '_hakit')}; words=("$@"); CURRENT=$#words; _hakit`, '_', 'hakit', ...words], {encoding: 'utf8'})
      assert.equal(z.stderr, '', `zsh errors for ${words.join(' ')}`)
      return z.stdout.split('\n').filter((l) => l !== '')
    }
    assert.ok(complete('crm', 'resourc').includes('resource'))
    assert.ok(complete('crm', 'resource', 'mo').includes('move'))
    assert.deepEqual(complete('lint', 'hacf', '/etc/ha.d/'), ['<files>'])
    assert.deepEqual(complete('lint', 'hacf', '/etc/ha.d/ha.cf', '--'), ['--json', '--strict', '--offline', '-h', '--help'])
    assert.deepEqual(complete('convert', 'hacf', 'x', '--to', ''), ['corosync', 'cib', 'crm', 'pcs'])
    assert.deepEqual(complete('crm', 'verify', '--cib', 'ci'), ['<files>'])
    assert.deepEqual(complete('convert', 'hacf', 'x', '--to=c'), ['corosync', 'cib', 'crm', 'pcs'])
    assert.deepEqual(complete('crm', 'resource', 'param', '--cib', 'x.xml', 'web', ''), ['get', 'set', 'delete', 'show'])
    assert.deepEqual(complete('crm', 'resource', 'param', ''), ['<files>'])
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('completion: -h, EXIT CODES, an unknown shell is exit 2', {skip}, () => {
  assert.equal(runCli(['completion', 'fish']).status, 2)
  assert.equal(runCli(['autocomplete', 'bash']).stdout, runCli(['completion', 'bash']).stdout)
})
