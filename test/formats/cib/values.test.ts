import {test} from 'node:test'
import assert from 'node:assert/strict'
import {INFINITY, char2score, normalizeScore, parseBoolean, parseInterval, parseScore} from '../../../src/formats/cib/values.js'

test('parseScore reads INFINITY spellings, integers and clamps', () => {
  assert.equal(parseScore('INFINITY'), INFINITY)
  assert.equal(parseScore('+INFINITY'), 1_000_000)
  assert.equal(parseScore('-INFINITY'), -1_000_000)
  assert.equal(parseScore('-inf'), undefined)
  assert.equal(parseScore('100'), 100)
  assert.equal(parseScore('+5'), 5)
  assert.equal(parseScore('-2000000'), -INFINITY)
  assert.equal(parseScore('abc'), undefined)
  assert.equal(normalizeScore('+INFINITY'), 'INFINITY')
  assert.equal(normalizeScore('007'), '7')
  assert.equal(char2score('1.0'), 1)
  assert.equal(char2score('-INFINITY'), -INFINITY)
  assert.equal(char2score('abc'), 0)
  assert.equal(char2score('99999999'), INFINITY)
})

test('parseInterval reads units and ISO 8601 the way crm_get_msec does', () => {
  for (const s of ['60', '60s', '1min', '1m', 'PT1M', '60000ms', '60sec']) assert.equal(parseInterval(s), 60_000, s)
  assert.equal(parseInterval('500ms'), 500)
  assert.equal(parseInterval('2h'), 7_200_000)
  assert.equal(parseInterval('P1DT1S'), 86_401_000)
  assert.equal(parseInterval('0'), 0)
  assert.equal(parseInterval('10x'), undefined)
  assert.equal(parseInterval(''), undefined)
  assert.equal(parseInterval('PT'), undefined)
})

test('parseBoolean accepts what Pacemaker accepts', () => {
  for (const s of ['yes', 'TRUE', 'on', '1', 'y']) assert.equal(parseBoolean(s), true, s)
  for (const s of ['no', 'false', 'OFF', '0', 'n']) assert.equal(parseBoolean(s), false, s)
  assert.equal(parseBoolean('maybe'), undefined)
})
