import {test} from 'node:test'
import assert from 'node:assert/strict'
import {loadCapture} from './captures.js'
import {classicAuthText, CodecError, decodeClassic, decodePacket, encodeClassic, encodeNetstringBody} from '../../../src/runtime/messaging/codec.js'
import {HbMessage} from '../../../src/runtime/messaging/message.js'

test('decodes every captured real-heartbeat packet and re-encodes it byte for byte', () => {
  for (const file of ['real-sha1.txt', 'real-md5.txt', 'real-crc.txt', 'real-sha1-msgfmt-netstring.txt']) {
    for (const pkt of loadCapture(file)) {
      const decoded = decodePacket(pkt)
      assert.equal(decoded.format, 'netstring')
      assert.ok(decoded.trailer, 'has outer signature')
      assert.deepEqual(encodeNetstringBody(decoded.msg), decoded.body)
    }
  }
})

test('status packet fields, types and hex numbers as the real daemon sends them', () => {
  const status = loadCapture('real-sha1.txt').map((p) => decodePacket(p).msg).find((m) => m.get('st') === 'active')!
  assert.deepEqual(status.fields.map((f) => f.name), ['t', 'st', 'dt', 'protocol', 'src', 'srcuuid', 'seq', 'hg', 'ts', 'ld', 'ttl', 'auth'])
  assert.equal(status.fields[5]!.type, 1)
  assert.equal(status.getBinary('srcuuid')!.length, 16)
  assert.equal(Number.parseInt(status.get('dt')!, 16), 4000) // deadtime 2 s + 2 s startup bump
  assert.match(status.get('seq')!, /^[0-9a-f]+$/)
})

test('classic form: round trip, binary as base64, newline escape, NUL tolerated', () => {
  const m = new HbMessage({t: 'ip-request', ipaddr: 'a\nb'})
  m.set('srcuuid', Buffer.from([0, 44, 10, 255]), 1)
  const enc = encodeClassic(m)
  assert.equal(enc.toString('latin1'), '>>>\nt=ip-request\nipaddr=a\x13b\n(1)srcuuid=ACwK/w==\n<<<\n')
  const back = decodeClassic(Buffer.concat([enc, Buffer.from([0])]))
  assert.equal(back.get('ipaddr'), 'a\nb')
  assert.deepEqual(back.getBinary('srcuuid'), Buffer.from([0, 44, 10, 255]))
  assert.equal(classicAuthText(back).toString('latin1'), 't=ip-request\nipaddr=a\x13b\n(1)srcuuid=ACwK/w==\n')
})

test('nested messages and lists survive a netstring round trip', () => {
  const inner = new HbMessage({a: '1', b: 'x,y'})
  const m = new HbMessage({t: 'x'}).setStruct('child', inner).setList('l', ['p', 'q,r', ''])
  const pkt = encodeNetstringBody(m)
  const back = decodePacket(pkt).msg
  assert.equal(back.getStruct('child')!.get('b'), 'x,y')
  const list = back.fields.find((f) => f.name === 'l')!
  assert.deepEqual(list.type === 3 && list.value.map(String), ['p', 'q,r', ''])
})

test('malformed, truncated and oversized input raises CodecError, never anything else', () => {
  const good = loadCapture('real-sha1.txt')[0]!
  const bad: Buffer[] = [Buffer.alloc(0), Buffer.from('hello'), Buffer.from('###\n'), Buffer.from('###\n99:(0)t=x,%%%\n'),
    Buffer.from('###\n5:(9)t=x,%%%\n'), Buffer.from('>>>\nt=x\n'), Buffer.from('>>>\nnoequals\n<<<\n'),
    Buffer.from('###\n3:(0)=,%%%\n'), Buffer.alloc(300 * 1024, 0x23)]
  for (let cut = 1; cut < good.length; cut += 7) bad.push(good.subarray(0, cut))
  for (let i = 0; i < 300; i++) {
    const b = Buffer.from(good)
    b[Math.floor(Math.random() * b.length)] = Math.floor(Math.random() * 256)
    bad.push(b)
  }
  let codecErrors = 0
  for (const b of bad) {
    try {
      decodePacket(b)
    } catch (error) {
      assert.ok(error instanceof CodecError, `unexpected ${String(error)}`)
      codecErrors++
    }
  }
  assert.ok(codecErrors >= 9 + Math.floor(good.length / 7) - 2)
})

test('compressed messages (_compressed_payload, zlib) are expanded; bz2 and bombs are refused', async () => {
  const {deflateSync} = await import('node:zlib')
  const {expandCompressed} = await import('../../../src/runtime/messaging/codec.js')
  const inner = new HbMessage({t: 'resource', rsc_hold: 'all', src: 'n2'})
  const wrap = (payload: Buffer, algorithm = 'zlib'): HbMessage => new HbMessage().set('_compressed_payload', payload, 1).set('_compression_algorithm', algorithm)
  assert.deepEqual(expandCompressed(wrap(deflateSync(encodeNetstringBody(inner)))).toJSON(), inner.toJSON())
  assert.deepEqual(expandCompressed(wrap(deflateSync(encodeClassic(inner)))).toJSON(), inner.toJSON())
  assert.throws(() => expandCompressed(wrap(Buffer.from('x'), 'bz2')), CodecError)
  assert.throws(() => expandCompressed(wrap(deflateSync(Buffer.alloc(10 * 1024 * 1024)))), CodecError)
  assert.equal(expandCompressed(inner), inner)
})
