import {test} from 'node:test'
import assert from 'node:assert/strict'
import {AUTHKEY_BYTES, convertAuthkeys} from '../../src/converters/authkeys/convert.js'

test('a sha1/md5 passphrase gives the same 256-byte key every time', () => {
  const a = convertAuthkeys({id: 2, method: 'sha1', key: 'CorrectHorse'})
  const b = convertAuthkeys({id: 2, method: 'sha1', key: 'CorrectHorse'})
  const c = convertAuthkeys({id: 2, method: 'md5', key: 'CorrectHorse!'})
  assert.equal(a.key.length, AUTHKEY_BYTES)
  assert.ok(a.derived)
  assert.deepEqual(a.key, b.key)
  assert.notDeepEqual(a.key, c.key)
  assert.ok(!a.key.includes(Buffer.from('CorrectHorse')), 'the passphrase is not in the key')
  assert.ok(a.findings.some((f) => f.id === 'convert-authkey-derived'))
})

test('--generate, crc and missing keys give random keys', () => {
  const g1 = convertAuthkeys({id: 1, method: 'sha1', key: 'x'}, {generate: true})
  const g2 = convertAuthkeys({id: 1, method: 'sha1', key: 'x'}, {generate: true})
  assert.equal(g1.derived, false)
  assert.notDeepEqual(g1.key, g2.key)
  const crc = convertAuthkeys({id: 1, method: 'crc'})
  assert.equal(crc.key.length, AUTHKEY_BYTES)
  assert.ok(crc.findings.some((f) => f.id === 'convert-auth-crc' && f.severity === 'warning'))
  assert.ok(convertAuthkeys(undefined).findings.some((f) => f.id === 'convert-authkey-new'))
})
