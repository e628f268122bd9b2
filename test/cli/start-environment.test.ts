/**
 * bin/hakit starts node without NODE_EXTRA_CA_CERTS (node parses that file at every start; hakit
 * opens no TLS connection) and both mains put it back: the programs hakit starts (here the editor
 * of `crm configure edit`) must see the variable exactly as hakit was given it, from either start.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fixturesDir, projectRoot} from '../helpers/cli.js'

const certificates = '/etc/ssl/certs/ca-certificates.crt'
const skip = existsSync(certificates) ? false : `needs a certificate bundle at ${certificates}`

/** The environment the editor of `crm configure edit` saw (it changes nothing), and hakit's run. */
function editorEnvironment(env: NodeJS.ProcessEnv): {status: number | null; stderr: string; seen: Map<string, string>} {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-start-env-'))
  try {
    const cib = join(dir, 'cib.xml')
    copyFileSync(join(fixturesDir, 'cib', 'sample-crmsh.xml'), cib)
    const editor = join(dir, 'editor.sh')
    writeFileSync(editor, `#!/bin/sh\nenv -0 > ${JSON.stringify(join(dir, 'env'))}\n`)
    chmodSync(editor, 0o755)
    const full: NodeJS.ProcessEnv = {...process.env, NODE_EXTRA_CA_CERTS: undefined, HAKIT_NODE_EXTRA_CA_CERTS: undefined, NODE_OPTIONS: undefined, VISUAL: undefined, EDITOR: editor, ...env}
    for (const name of Object.keys(full)) if (full[name] === undefined) delete full[name]
    const r = spawnSync(join(projectRoot, 'bin', 'hakit'), ['crm', 'configure', 'edit', '--cib', cib], {encoding: 'utf8', env: full, timeout: 120_000})
    const seen = new Map<string, string>()
    if (existsSync(join(dir, 'env'))) {
      for (const entry of readFileSync(join(dir, 'env'), 'utf8').split('\0').filter(Boolean)) {
        const at = entry.indexOf('=')
        seen.set(entry.slice(0, at), entry.slice(at + 1))
      }
    }
    return {status: r.status, stderr: r.stderr, seen}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

for (const [start, extra] of [['snapshot or ordinary (bin/hakit chooses)', {}], ['ordinary (NODE_OPTIONS set)', {NODE_OPTIONS: '--no-deprecation'}]] as const) {
  test(`start environment, ${start}: NODE_EXTRA_CA_CERTS reaches hakit's child processes unchanged`, {skip}, () => {
    const r = editorEnvironment({...extra, NODE_EXTRA_CA_CERTS: certificates})
    assert.equal(r.status, 0, r.stderr)
    assert.equal(r.seen.get('NODE_EXTRA_CA_CERTS'), certificates)
    assert.equal(r.seen.has('HAKIT_NODE_EXTRA_CA_CERTS'), false)
  })

  test(`start environment, ${start}: without NODE_EXTRA_CA_CERTS none appears`, () => {
    const r = editorEnvironment({...extra})
    assert.equal(r.status, 0, r.stderr)
    assert.equal(r.seen.has('NODE_EXTRA_CA_CERTS'), false)
    assert.equal(r.seen.has('HAKIT_NODE_EXTRA_CA_CERTS'), false)
    assert.ok(r.seen.has('EDITOR'), 'the editor ran')
  })
}

test('start environment: an unreadable NODE_EXTRA_CA_CERTS is left to node (its warning stays)', () => {
  const missing = join(tmpdir(), `hakit-no-such-certificates-${process.pid}.pem`)
  const r = editorEnvironment({NODE_EXTRA_CA_CERTS: missing})
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stderr, /Ignoring extra certs/)
  assert.equal(r.seen.get('NODE_EXTRA_CA_CERTS'), missing)
})

test('no user plugins are looked for: a HOME whose oclif data directory cannot be read (su without -) adds no warning, from either start', () => {
  const home = mkdtempSync(join(tmpdir(), 'hakit-start-home-'))
  try {
    // oclif read DATA_DIR/package.json at every start and warned on anything but "no such file"
    mkdirSync(join(home, '.local', 'share', 'hakit', 'package.json'), {recursive: true})
    for (const bin of [join(projectRoot, 'bin', 'hakit'), join(projectRoot, 'bin', 'run.js')]) {
      const r = spawnSync(bin, ['lint', 'authkeys', '/nonexistent/authkeys'], {encoding: 'utf8', env: {...process.env, HOME: home, XDG_DATA_HOME: undefined}, timeout: 120_000})
      assert.equal(r.status, 2, r.stderr)
      assert.equal(r.stderr, 'hakit: /nonexistent/authkeys: no such file or directory\n', bin)
    }
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
})
