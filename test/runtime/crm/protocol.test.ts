import {test} from 'node:test'
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {decodeCrmMessage, encodeCrmMessage, encodeCrmMessages, Reassembler, type CrmMessage} from '../../../src/runtime/crm/protocol.js'

test('small messages travel whole, large ones compressed; malformed ones decode to nothing', () => {
  const vote: CrmMessage = {crm: 'vote', round: 3, creds: {featureSet: '3.16.1', uptimeMs: 12, name: 'n1'}}
  const fields = encodeCrmMessage(vote, 'n2')
  assert.equal(fields.dest, 'n2')
  assert.ok(fields.data !== undefined && fields.dataz === undefined)
  assert.deepEqual(decodeCrmMessage((k) => fields[k]), vote)
  const big: CrmMessage = {crm: 'cib-full', xml: '<cib>' + 'x'.repeat(10_000) + '</cib>', digest: 'd'}
  const z = encodeCrmMessage(big)
  assert.ok(z.dataz !== undefined && z.dataz.length < 2000)
  assert.deepEqual(decodeCrmMessage((k) => z[k]), big)
  assert.equal(decodeCrmMessage((k) => ({t: 'hakit-crm', crm: 'vote', data: '{not json'})[k]), undefined)
  assert.equal(decodeCrmMessage((k) => ({t: 'status'})[k as 't']), undefined)
})

test('a body bigger than one datagram is cut into fragments and put back together per sender; a new series drops an unfinished one', () => {
  // random text does not compress: several fragments
  const xml = `<cib>${randomBytes(150_000).toString('base64')}</cib>`
  const msg: CrmMessage = {crm: 'cib-full', join: 4, xml, digest: 'abc'}
  const parts = encodeCrmMessages(msg, 'n3')
  assert.ok(parts.length >= 4, `${parts.length} fragments`)
  for (const p of parts) {
    assert.equal(p.dest, 'n3')
    assert.ok(JSON.stringify(p).length < 60_000)
  }
  const r = new Reassembler()
  parts.slice(0, -1).forEach((p) => assert.equal(r.accept('n1', (k) => p[k]), undefined))
  // another sender's message in between does not disturb n1's series
  const other = encodeCrmMessage({crm: 'leaving'})
  assert.deepEqual(r.accept('n2', (k) => other[k]), {crm: 'leaving'})
  assert.deepEqual(r.accept('n1', (k) => parts.at(-1)![k]), msg)

  // an unfinished series is dropped when the next begins
  const second = encodeCrmMessages({...msg, join: 5}, 'n3')
  assert.equal(r.accept('n1', (k) => parts[0]![k]), undefined)
  let got: CrmMessage | undefined
  for (const p of second) got = r.accept('n1', (k) => p[k])
  assert.deepEqual(got, {...msg, join: 5})
})
