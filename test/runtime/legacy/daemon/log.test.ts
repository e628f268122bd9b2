/**
 * Issue 15 item 2 at the unit level: the daemon's log files are private, no
 * log line carries an authkeys key, and a configuration the daemon refuses
 * is reported without the key it quotes.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {authkeysSecrets, loadDaemonConfig} from '../../../../src/runtime/legacy/daemon/config.js'
import {DaemonLog, scrubSecrets} from '../../../../src/runtime/daemon-log.js'
import {UserError} from '../../../../src/core/errors.js'

const mode = (path: string): number => statSync(path).mode & 0o777

test('log files and their directory are created readable by the daemon user only', () => {
  const root = mkdtempSync(join(tmpdir(), 'hakit-log-'))
  try {
    const dir = join(root, 'new', 'logs')
    const log = new DaemonLog({node: 'n1', logfile: join(dir, 'ha-log'), debugfile: join(dir, 'ha-debug'), debug: 1, stderr: false})
    log.log('info', 'hello')
    log.log('debug', 'debug only')
    log.close()
    assert.equal(mode(dir), 0o700)
    assert.equal(mode(join(dir, 'ha-log')), 0o600)
    assert.equal(mode(join(dir, 'ha-debug')), 0o600)
    assert.deepEqual(log.readableByOthers(), [])
    // an existing file keeps the mode its admin gave it; the daemon can say it is readable
    chmodSync(join(dir, 'ha-log'), 0o644)
    log.log('info', 'again')
    assert.equal(mode(join(dir, 'ha-log')), 0o644)
    assert.deepEqual(log.readableByOthers(), [{file: join(dir, 'ha-log'), mode: 0o644}])
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})

test('every log line is scrubbed of the authkeys keys, whoever wrote it', () => {
  const root = mkdtempSync(join(tmpdir(), 'hakit-log-'))
  try {
    const secrets = authkeysSecrets('# keys\nauth 2\n1 md5 Old-Key-1234\n2 sha1 0123456789abcdef0123 trailing-words\n3 crc\n')
    assert.deepEqual(secrets, ['Old-Key-1234', '0123456789abcdef0123', 'trailing-words'])
    const logfile = join(root, 'ha-log')
    const log = new DaemonLog({node: 'n1', logfile, stderr: false, secrets})
    log.log('error', 'a message quoting 0123456789abcdef0123 and Old-Key-1234')
    log.script('info', 'script said trailing-words')
    log.close()
    const text = readFileSync(logfile, 'utf8')
    for (const secret of secrets) assert.ok(!text.includes(secret), text)
    assert.equal(text.match(/\[secret\]/g)?.length, 3, text)
    // very short words are not scrubbed: they would mangle every line
    assert.equal(scrubSecrets('a b abc', ['abc', 'b']), 'a b abc')
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
})

/** A temporary root with ha.d/ holding these three files (authkeys mode 0600), removed after `use`. */
async function withConfigDir(files: {hacf: string; haresources: string; authkeys: string}, use: (root: string, dir: string) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'hakit-cfg-'))
  try {
    const dir = join(root, 'ha.d')
    mkdirSync(dir)
    writeFileSync(join(dir, 'ha.cf'), files.hacf)
    writeFileSync(join(dir, 'haresources'), files.haresources)
    writeFileSync(join(dir, 'authkeys'), files.authkeys, {mode: 0o600})
    chmodSync(join(dir, 'authkeys'), 0o600)
    await use(root, dir)
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
}

test('a refused configuration is reported without the key its findings quote', async () => {
  // a key line the parser refuses (index "x1"): its finding quotes the whole line, key included
  const authkeys = 'auth 1\n1 sha1 AnotherSecretKey1234\nx1 sha1 TopSecretClusterKey99\n'
  await withConfigDir({hacf: 'keepalive 1\ndeadtime 10\nudpport 30694\nucast lo 127.0.0.2\nnode n1\nnode n2\n', haresources: 'n1 10.9.9.9\n', authkeys}, async (root, dir) => {
    let message = ''
    try {
      await loadDaemonConfig({configDir: dir, node: 'n1', stateDir: join(root, 'state'), offlineLint: true})
    } catch (error) {
      assert.ok(error instanceof UserError, String(error))
      message = error.message
    }
    assert.match(message, /refusing to start/)
    assert.match(message, /authkeys-syntax invalid key line "x1 sha1 \[secret\]"/)
    assert.ok(!message.includes('TopSecretClusterKey99'), message)
    assert.ok(!existsSync(join(root, 'state')), 'nothing written before the configuration is accepted')
  })
})

test('files saved with a UTF-8 byte order mark: hakit run --legacy reads past it (lint calls it an error for Heartbeat)', async () => {
  const hacf = '\ufeff# saved on Windows\nlogfile /dev/null\nkeepalive 1\ndeadtime 10\ninitdead 30\nudpport 30694\nucast lo 127.0.0.2\nauto_failback on\nnode n1\nnode n2\n'
  await withConfigDir({hacf, haresources: '\ufeffn1 10.9.9.9\n', authkeys: '\ufeffauth 1\n1 sha1 AnotherSecretKey1234\n'}, async (root, dir) => {
    const config = await loadDaemonConfig({configDir: dir, node: 'n1', stateDir: join(root, 'state'), offlineLint: true})
    assert.deepEqual(config.nodes, ['n1', 'n2'])
    assert.equal(config.groups.length, 1)
    assert.equal(config.groups[0]!.ownerNode, 'n1')
  })
})
