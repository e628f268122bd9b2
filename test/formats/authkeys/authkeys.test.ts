import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {fixturesDir} from '../../helpers/cli.js'
import {withoutPositions} from '../hacf/strip.js'
import {activeAuthLine, activeKey, parseAuthkeys, printAuthkeys} from '../../../src/formats/authkeys/index.js'

test('auth line, key lines, comments only at the start of a line', () => {
  const {model, findings} = parseAuthkeys('# keys\nauth 2\n1 crc\n  2 sha1 S3cret#notacomment trailing words\n\n3 md5 Hello!\n', 'ak')
  assert.deepEqual(findings, [])
  assert.equal(activeAuthLine(model)?.index, 2)
  assert.deepEqual(model.keys.map((k) => [k.index, k.method, k.key, k.rest]), [
    [1, 'crc', undefined, undefined],
    [2, 'sha1', 'S3cret#notacomment', 'trailing words'],
    [3, 'md5', 'Hello!', undefined],
  ])
  assert.deepEqual(model.keys[1].location, {file: 'ak', line: 4, column: 3})
  assert.deepEqual(model.keys[1].keyLocation, {file: 'ak', line: 4, column: 10})
  assert.equal(activeKey(model)?.key, 'S3cret#notacomment')
  assert.deepEqual(model.entries.map((e) => e.kind), ['comment', 'auth', 'key', 'key', 'blank', 'key'])
})

test('lines Heartbeat cannot read are kept as invalid entries with a finding', () => {
  const {model, findings} = parseAuthkeys('auth one\nsha1 key\n7\nabc 1\n')
  assert.deepEqual(findings.map((f) => [f.id, f.location?.line]), [
    ['authkeys-syntax', 1],
    ['authkeys-syntax', 2],
    ['authkeys-syntax', 3],
    ['authkeys-syntax', 4],
  ])
  assert.equal(model.authLines.length, 0)
  assert.equal(printAuthkeys(model), 'auth one\nsha1 key\n7\nabc 1\n')
})

test('seed authkeys parse; the 0.7-era trailing comment after the key is not part of it', () => {
  const text = readFileSync(join(fixturesDir, 'seeds', '003-debian-drbd07', 'authkeys'), 'utf8')
  const {model} = parseAuthkeys(text)
  assert.equal(activeAuthLine(model)?.index, 3)
  assert.equal(activeKey(model)?.key, 'Hello!')
  assert.ok(activeKey(model)?.rest?.startsWith('#'))
})

const authLine = fc.oneof(
  fc.integer({min: -2, max: 20}).map((n) => `auth ${n}`),
  fc.tuple(fc.integer({min: 0, max: 17}), fc.constantFrom('crc', 'md5', 'sha1', 'sha256'), fc.option(fc.stringMatching(/^[!-~]{1,20}$/)), fc.option(fc.stringMatching(/^[ -~]{0,10}$/))).map(
    ([i, m, k, rest]) => [String(i), m, ...(k === null ? [] : [k]), ...(k !== null && rest !== null ? [rest] : [])].join(' '),
  ),
  fc.stringMatching(/^[^\n]{0,15}$/).map((c) => `#${c}`),
  fc.constant(''),
)

test('property: parse → print → parse gives the same model (generated files)', () => {
  fc.assert(
    fc.property(fc.array(authLine, {maxLength: 10}), (lines) => {
      const first = parseAuthkeys(lines.join('\n')).model
      assert.deepEqual(withoutPositions(parseAuthkeys(printAuthkeys(first)).model), withoutPositions(first))
    }),
    {numRuns: 300},
  )
})

test('property: any text parses without throwing and round-trips', () => {
  fc.assert(
    fc.property(fc.string({unit: 'binary', maxLength: 200}), (text) => {
      const first = parseAuthkeys(text).model
      assert.deepEqual(withoutPositions(parseAuthkeys(printAuthkeys(first)).model), withoutPositions(first))
    }),
    {numRuns: 500},
  )
})
