import assert from 'node:assert/strict'
import {test} from 'node:test'
import {IdAllocator} from '../../src/converters/ids.js'
import {IdAllocator as XmlIdAllocator} from '../../src/formats/cib/xml.js'

// The allocators remember the next suffix per base (linear time); the ids they hand out must stay
// unique, in order, and skip ids reserved before or in between.
test('converter ids: suffixes in order, unique, skipping reserved ones', () => {
  const ids = new IdAllocator()
  ids.reserve('svc_httpd_3')
  const got = Array.from({length: 5}, () => ids.allocate('svc_httpd'))
  assert.deepEqual(got, ['svc_httpd', 'svc_httpd_2', 'svc_httpd_4', 'svc_httpd_5', 'svc_httpd_6'])
  ids.reserve('svc_httpd_7')
  assert.equal(ids.allocate('svc httpd'), 'svc_httpd_8') // same sanitised base
  const many = Array.from({length: 5000}, () => ids.allocate('x'))
  assert.equal(new Set(many).size, 5000)
  assert.equal(many.at(-1), 'x_5000')
})

test('CIB writer ids: existing ids kept, generated ones unique', () => {
  const ids = new XmlIdAllocator()
  ids.reserve('op-1')
  assert.equal(ids.take('given', 'op'), 'given')
  assert.deepEqual([ids.take(undefined, 'op'), ids.take(undefined, 'op'), ids.take(undefined, 'op')], ['op', 'op-2', 'op-3'])
  ids.reserve('op-4')
  assert.equal(ids.take(undefined, 'op'), 'op-5')
})
