/** `hakit cutover` on its own: flags, help, and the answers without the daemons it talks to. */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fixturesDir, runCli} from '../helpers/cli.js'

test('hakit cutover: what to do must be said; --to and --finish exclude each other; help has examples and exit codes', () => {
  const none = runCli(['cutover'])
  assert.equal(none.status, 2)
  assert.match(none.stderr, /say what to do: --to crm/)
  assert.doesNotMatch(none.stderr, /\n\s+at /, 'no stack trace')
  assert.equal(runCli(['cutover', '--to', 'crm', '--finish']).status, 2)
  assert.equal(runCli(['cutover', '--to', 'pacemaker']).status, 2)
  const help = runCli(['cutover', '--help'])
  assert.equal(help.status, 0)
  assert.match(help.stdout, /EXAMPLES/)
  assert.match(help.stdout, /EXIT CODES/)
})

test('hakit cutover without the daemons: one line with the reason, exit 1, nothing written', () => {
  const state = mkdtempSync(join(tmpdir(), 'hakit-cutover-cli-'))
  try {
    const toCrm = runCli(['cutover', '--to', 'crm', '--state-dir', state, '--start', 'false'])
    assert.equal(toCrm.status, 1)
    assert.match(toCrm.stderr, /no hakit run --legacy daemon answers on .*hakit-legacy\.sock, and no CRM daemon/)
    const check = runCli(['cutover', '--check', '--config-dir', join(fixturesDir, 'example-cluster'), '--state-dir', state])
    assert.equal(check.status, 1)
    assert.match(check.stderr, /no CRM daemon answers on .*hakit-crm\.sock: run "hakit cutover --to crm" on this node first/)
    const back = runCli(['cutover', '--to', 'legacy', '--state-dir', state, '--start-legacy', 'false'])
    assert.equal(back.status, 1)
    assert.match(back.stderr, /"false" failed \(exit 1\)/)
    assert.deepEqual(readdirSync(state), [], 'no CIB, no start-detached marker left')
  } finally {
    rmSync(state, {recursive: true, force: true})
  }
})
