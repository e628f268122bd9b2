import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {parseHaresources} from '../../src/formats/haresources/index.js'
import {parseHaCf} from '../../src/formats/hacf/index.js'
import {convertBundle} from '../../src/converters/bundle.js'
import {printCorosyncConf} from '../../src/formats/corosync/print.js'
import {parseCorosyncConf} from '../../src/formats/corosync/parse.js'
import {scriptMappers} from '../../src/converters/haresources/scripts/index.js'

const word = fc.stringMatching(/^[A-Za-z0-9_.:\/@,-]{1,12}$/)
const script = fc.oneof(fc.constantFrom(...scriptMappers.map((m) => m.script), 'httpd', '10.0.0.1', '10.0.0.1/24/eth0'), word)
const token = fc.tuple(script, fc.array(word, {maxLength: 4})).map(([s, args]) => [s, ...args].join('::'))
const line = fc.tuple(fc.constantFrom('a', 'B', 'c'), fc.array(token, {minLength: 1, maxLength: 6})).map(([n, ts]) => `${n} ${ts.join(' ')}`)

test('any haresources converts without throwing, to unique valid ids and a parsable corosync.conf', () => {
  const hacf = parseHaCf('bcast eth0\nnode a b\nping 10.0.0.9\nrespawn hacluster /usr/lib/heartbeat/ipfail\n', 'ha.cf').model
  fc.assert(
    fc.property(fc.array(line, {maxLength: 8}), (lines) => {
      const haresources = parseHaresources(`${lines.join('\n')}\n`, 'haresources').model
      const bundle = convertBundle({haresources, hacf})
      const ids: string[] = []
      const walk = (o: unknown): void => {
        if (Array.isArray(o)) o.forEach(walk)
        else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) (k === 'id' && typeof v === 'string' ? ids.push(v) : walk(v))
      }
      walk(bundle.cib)
      assert.equal(new Set(ids).size, ids.length)
      for (const id of ids) assert.match(id, /^[A-Za-z_][A-Za-z0-9_.-]*$/)
      assert.equal(bundle.units.length, haresources.groups.length)
      parseCorosyncConf(printCorosyncConf(bundle.corosync), 'x')
    }),
    {numRuns: 200},
  )
})
