import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import type {Node, Word} from '../../../src/formats/drbd/index.js'
import {parseDrbd, printDrbd} from '../../../src/formats/drbd/index.js'
import {lintDrbdModel} from '../../../src/lint/drbd.js'
import {stripLocations} from './helpers.js'

const loc = {file: 'gen', line: 0, column: 0}
const keyword = fc.constantFrom('resource', 'on', 'net', 'disk', 'device', 'address', 'protocol', 'meta-disk', 'volume', 'x-unknown', 'fence-peer', 'a.b', 'k9')
const bareValue = fc.stringMatching(/^[A-Za-z0-9/._:\-[\]%@]{1,12}$/)
// Quoted values: anything but a newline (drbd strings are one line) and the lone `\r` the lexer treats as a blank.
const quotedValue = fc.string({maxLength: 12}).map((s) => s.replace(/[\n\r]/g, ' '))
const word: fc.Arbitrary<Word> = fc.oneof(
  bareValue.filter((v) => v !== 'skip').map((value) => ({value, quoted: false, loc})),
  quotedValue.map((value) => ({value, quoted: true, loc})),
)

const {node} = fc.letrec<{node: Node}>((tie) => ({
  node: fc.oneof(
    {depthSize: 'small', withCrossShrink: true},
    fc.record({type: fc.constant('statement' as const), keyword, args: fc.array(word, {maxLength: 3}), loc: fc.constant(loc)}),
    fc.record({
      type: fc.constant('section' as const),
      keyword,
      args: fc.array(word, {maxLength: 2}),
      body: fc.array(tie('node'), {maxLength: 4}),
      loc: fc.constant(loc),
    }),
  ),
}))

test('property: print → parse gives back any tree', () => {
  fc.assert(
    fc.property(fc.array(node, {maxLength: 5}), (nodes) => {
      const text = printDrbd(nodes)
      const parsed = parseDrbd(text, 'gen')
      assert.deepEqual(parsed.findings, [], text)
      assert.deepEqual(stripLocations(parsed.model.nodes), stripLocations(nodes), text)
    }),
    {numRuns: 300},
  )
})

const drbdish = fc.array(
  fc.oneof(
    fc.constantFrom('resource', 'on', '{', '}', ';', '"', '#', '\n', ' ', 'skip', 'include', 'device', 'minor', '/dev/drbd0', '10.0.0.1:7788', '[', ']', 'node-id', 'volume', '\\', '\r\n'),
    fc.string({maxLength: 4}),
  ),
  {maxLength: 60},
).map((parts) => parts.join(' '))

test('property: arbitrary text never throws (parse, model, lint), and findings have positions', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({maxLength: 200}), drbdish), (text) => {
      const {model, findings} = parseDrbd(text, 'junk')
      for (const f of findings) assert.ok(f.location && f.location.line >= 1 && f.location.column >= 1)
      lintDrbdModel(model, {haNodes: ['a']})
      // whatever was read prints and reads back the same
      const again = parseDrbd(printDrbd(model.nodes), 'junk')
      if (findings.length === 0) assert.deepEqual(stripLocations(again.model.nodes), stripLocations(model.nodes))
    }),
    {numRuns: 500},
  )
})

test('pathological input: deep nesting, huge token counts, lone quotes do not throw', () => {
  const deep = parseDrbd('a {'.repeat(100_000), 'deep')
  assert.ok(deep.findings.some((f) => /nested more than/.test(f.message)))
  const closed = parseDrbd('resource r {' + ' x {'.repeat(200) + ' }'.repeat(200) + ' }', 'deep2')
  assert.ok(closed.findings.some((f) => /nested more than/.test(f.message)))
  assert.equal(closed.model.resources.length, 1)
  printDrbd(deep.model.nodes)
  lintDrbdModel(deep.model)
  const quotes = parseDrbd('"'.repeat(10_001) + '\n;;;}}}{{{', 'q')
  assert.ok(quotes.findings.length > 0)
})
