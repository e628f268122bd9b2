import {test} from 'node:test'
import assert from 'node:assert/strict'
import {parseAuthkeys} from '../../src/formats/authkeys/parse.js'
import {lintAuthkeys, type AuthkeysFileInfo} from '../../src/lint/authkeys.js'

const GOOD_KEY = '9c1f4e2b7a6d5c3e8f0a1b2c3d4e5f60'
function ids(text: string, info: AuthkeysFileInfo = {mode: 0o100600, uid: 0}): string[] {
  const {model, findings} = parseAuthkeys(text, 'authkeys')
  return [...findings, ...lintAuthkeys(model, info)].map((f) => `${f.id}:${f.severity}`).sort()
}

test('a sha1 file with a long random key at mode 600 is clean', () => {
  assert.deepEqual(ids(`auth 1\n1 sha1 ${GOOD_KEY}\n`), [])
})

test('modes Heartbeat refuses are errors; 620, 602 and 700 are accepted', () => {
  const text = `auth 1\n1 sha1 ${GOOD_KEY}\n`
  for (const mode of [0o644, 0o640, 0o604, 0o444]) assert.deepEqual(ids(text, {mode, uid: 0}), ['authkeys-mode:error'], mode.toString(8))
  for (const mode of [0o620, 0o602, 0o700, 0o600, 0o400]) assert.deepEqual(ids(text, {mode, uid: 0}), [], mode.toString(8))
})

test('owner other than root is a warning (Heartbeat does not check it)', () => {
  assert.deepEqual(ids(`auth 1\n1 sha1 ${GOOD_KEY}\n`, {mode: 0o600, uid: 1000}), ['authkeys-owner:warning'])
})

test('auth line problems', () => {
  assert.deepEqual(ids(`1 sha1 ${GOOD_KEY}\n`), ['authkeys-missing-auth:error'])
  assert.deepEqual(ids(`auth 2\n1 sha1 ${GOOD_KEY}\n`), ['authkeys-auth-unknown-index:error'])
  assert.deepEqual(ids(`auth 1\nauth 1\n1 sha1 ${GOOD_KEY}\n`), ['authkeys-duplicate-auth:warning'])
  assert.deepEqual(ids(`auth x\n1 sha1 ${GOOD_KEY}\n`), ['authkeys-missing-auth:error', 'authkeys-syntax:error'])
})

test('index range, duplicates, unknown methods, missing keys', () => {
  assert.deepEqual(ids(`auth 1\n1 sha1 ${GOOD_KEY}\n16 sha1 ${GOOD_KEY}\n`), ['authkeys-index-range:error'])
  assert.deepEqual(ids(`auth 1\n1 sha1 ${GOOD_KEY}\n1 sha1 ${GOOD_KEY}x\n`), ['authkeys-duplicate-index:error'])
  assert.deepEqual(ids(`auth 1\n1 sha256 ${GOOD_KEY}\n`), ['authkeys-auth-unknown-index:error', 'authkeys-unknown-method:error'])
  assert.deepEqual(ids('auth 1\n1 sha1\n'), ['authkeys-auth-unknown-index:error', 'authkeys-missing-key:error'])
})

test('unknown method gets a did-you-mean', () => {
  const {model} = parseAuthkeys(`auth 1\n1 shal ${GOOD_KEY}\n`)
  assert.match(lintAuthkeys(model)[0].message, /did you mean "sha1"/)
})

test('crc: no authentication when active, forgeable when merely listed, rejected with a key', () => {
  assert.deepEqual(ids('auth 1\n1 crc\n'), ['authkeys-crc:warning'])
  assert.deepEqual(ids(`auth 2\n1 crc\n2 sha1 ${GOOD_KEY}\n`), ['authkeys-crc-listed:warning'])
  assert.deepEqual(ids('auth 1\n1 crc somekey\n'), ['authkeys-auth-unknown-index:error', 'authkeys-crc-key:error'])
})

test('md5, short keys, placeholders, text after the key, # inside a key', () => {
  assert.deepEqual(ids(`auth 3\n3 md5 ${GOOD_KEY}\n`), ['authkeys-md5:warning'])
  assert.deepEqual(ids('auth 1\n1 sha1 k7Qp2\n'), ['authkeys-short-key:warning'])
  assert.deepEqual(ids('auth 2\n2 sha1 HI!\n'), ['authkeys-placeholder-key:warning'])
  assert.deepEqual(ids('auth 1\n1 sha1 xxxxx\n'), ['authkeys-placeholder-key:warning'])
  assert.deepEqual(ids(`auth 1\n1 sha1 ${GOOD_KEY} # my key\n`), ['authkeys-ignored-text:info'])
  assert.deepEqual(ids(`auth 1\n1 sha1 ${GOOD_KEY}#mine\n`), ['authkeys-hash-in-key:warning'])
})

test('text after the key is reported where it begins', () => {
  const {model} = parseAuthkeys(`auth 1\n1  sha1 ${GOOD_KEY}   # my key\n`, 'authkeys')
  const found = lintAuthkeys(model, {mode: 0o100600, uid: 0}).find((f) => f.id === 'authkeys-ignored-text')
  assert.deepEqual(found?.location, {file: 'authkeys', line: 2, column: 12 + GOOD_KEY.length})
  assert.equal(found?.message, 'Heartbeat ignores "# my key" after the key')
})
