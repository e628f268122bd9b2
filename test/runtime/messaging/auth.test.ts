import {test} from 'node:test'
import assert from 'node:assert/strict'
import {type AuthConfig, crc32Posix, digest, openPacket, signNetstring, signClassic} from '../../../src/runtime/messaging/auth.js'
import {classicAuthText, decodePacket} from '../../../src/runtime/messaging/codec.js'
import {HbMessage} from '../../../src/runtime/messaging/message.js'
import {loadCapture} from './captures.js'

const keys = new Map([
  [1, {method: 'crc', key: ''}],
  [2, {method: 'sha1', key: 'SecretKey!'}],
  [3, {method: 'md5', key: 'Hello!'}],
] as const) as AuthConfig['keys']
const withActive = (activeIndex: number): AuthConfig => ({activeIndex, keys})

test('crc is CRC-32/POSIX (MSB first), hmac digests match the reference vectors', () => {
  assert.equal(crc32Posix(Buffer.from('123456789')).toString(16), '765e7680')
  assert.equal(crc32Posix(Buffer.alloc(0)).toString(16), 'ffffffff')
  assert.equal(digest({method: 'md5', key: 'Hello!'}, Buffer.from('abc')), '518572490fe8a479aeb802e80817a0dd')
})

test('inner and outer signatures of every captured packet verify (sha1, md5, crc)', () => {
  for (const [file, index] of [['real-sha1.txt', 2], ['real-md5.txt', 3], ['real-crc.txt', 1], ['real-sha1-msgfmt-netstring.txt', 2]] as const) {
    for (const pkt of loadCapture(file)) {
      const r = openPacket(pkt, withActive(index))
      assert.ok(r.ok, `${file}: ${!r.ok && r.detail}`)
      const inner = r.packet.msg.get('auth')
      if (file.includes('msgfmt')) assert.equal(inner, undefined)
      else assert.equal(inner, `${index} ${digest(keys.get(index)!, classicAuthText(r.packet.msg))}`)
    }
  }
})

test('re-signing a captured message reproduces the real packet exactly', () => {
  for (const [file, index] of [['real-sha1.txt', 2], ['real-md5.txt', 3], ['real-crc.txt', 1]] as const) {
    const pkt = loadCapture(file)[0]!
    const msg = decodePacket(pkt).msg
    assert.deepEqual(signNetstring(msg, withActive(index)), pkt)
  }
})

test('verification uses the key the packet names, so keys can rotate', () => {
  const msg = new HbMessage({t: 'status', src: 'n2'})
  // signed with entry 3 (md5 Hello!) while our active entry is 2
  assert.ok(openPacket(signNetstring(msg.clone(), withActive(3)), withActive(2)).ok)
  // Heartbeat's flaw would accept entry 3 signed with the active key: we do not
  const forged = signNetstring(msg.clone(), {activeIndex: 3, keys: new Map([[3, {method: 'md5', key: 'SecretKey!'}]])})
  const r = openPacket(forged, withActive(2))
  assert.equal(!r.ok && r.reason, 'bad-signature')
})

test('crc is refused unless it is our own active method; unknown index and missing signature rejected', () => {
  const crcSigned = signNetstring(new HbMessage({t: 'status'}), withActive(1))
  const r = openPacket(crcSigned, withActive(2))
  assert.equal(!r.ok && r.reason, 'weak-method')
  assert.ok(openPacket(crcSigned, withActive(1)).ok)
  const unknown = signNetstring(new HbMessage({t: 'x'}), {activeIndex: 7, keys: new Map([[7, {method: 'sha1', key: 'k'}]])})
  const u = openPacket(unknown, withActive(2))
  assert.equal(!u.ok && u.reason, 'unknown-key')
  const body = decodePacket(crcSigned).body!
  const n = openPacket(body, withActive(1))
  assert.equal(!n.ok && n.reason, 'no-signature')
})

test('classic packets (serial form) are checked through their auth field', () => {
  const pkt = signClassic(new HbMessage({t: 'status', st: 'up', src: 'n2'}), withActive(3))
  assert.ok(openPacket(pkt, withActive(2)).ok)
  const tampered = Buffer.from(pkt.toString('latin1').replace('st=up', 'st=ok'), 'latin1')
  const r = openPacket(tampered, withActive(2))
  assert.equal(!r.ok && r.reason, 'bad-signature')
})

test('classic frames the real heartbeat writes on a serial tty verify and re-sign byte for byte', async () => {
  const {readFileSync} = await import('node:fs')
  const {join} = await import('node:path')
  const {fixturesDir} = await import('../../helpers/cli.js')
  const {ClassicFramer} = await import('../../../src/runtime/messaging/media/serial.js')
  const stream = readFileSync(join(fixturesDir, 'heartbeat-captures', 'real-serial-sha1.bin'))
  const frames = new ClassicFramer().push(stream)
  assert.ok(frames.length >= 10)
  for (const frame of frames) {
    const r = openPacket(frame, withActive(2))
    assert.ok(r.ok, !r.ok ? r.detail : '')
    assert.equal(r.packet.format, 'classic')
    assert.deepEqual(signClassic(r.packet.msg.clone(), withActive(2)), frame)
  }
})

test('a bad signature is reported without the signature the packet should have had (issue 15)', () => {
  const msg = new HbMessage([['t', 'shutdone'], ['st', 'dead'], ['src', 'n1'], ['seq', '10'], ['hg', '5'], ['ts', '6000']])
  const forged = signNetstring(msg.clone(), {activeIndex: 2, keys: new Map([[2, {method: 'sha1', key: 'attacker-guess'}]])})
  const r = openPacket(forged, withActive(2))
  assert.ok(!r.ok)
  assert.equal(r.reason, 'bad-signature')
  assert.match(r.detail, /authtoken does not match/)
  // the valid outer and inner signatures for exactly this packet, under our key
  const body = forged.subarray(0, forged.indexOf('%%%\n') + 4)
  const validOuter = digest(keys.get(2)!, body)
  const validInner = digest(keys.get(2)!, classicAuthText(decodePacket(forged).msg))
  assert.ok(!r.detail.includes(validOuter), r.detail)
  assert.ok(!r.detail.includes(validInner), r.detail)
  assert.ok(!r.detail.includes('SecretKey!'))
})
