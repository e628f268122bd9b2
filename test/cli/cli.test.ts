import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {projectRoot, runCli} from '../helpers/cli.js'

test('--version prints the package version', () => {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'))
  const r = runCli(['--version'])
  assert.equal(r.status, 0)
  assert.match(r.stdout, new RegExp(`^hakit/${pkg.version.replaceAll('.', '\\.')} `))
})

test('--help lists the topics', () => {
  const r = runCli(['--help'])
  assert.equal(r.status, 0)
  assert.match(r.stdout, /USAGE/)
  assert.match(r.stdout, /COMMANDS/)
  assert.match(r.stdout, /^\s+lint\s/m)
})

test('an unknown command exits non-zero without a stack trace', () => {
  const r = runCli(['no-such-command'])
  assert.notEqual(r.status, 0)
  assert.doesNotMatch(r.stderr, /\n\s+at /)
})
