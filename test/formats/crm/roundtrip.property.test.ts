/** Property test (crmsh's roundtrip idea): for generated configurations, print → parse gives the same configuration. */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import type {Cib, Constraint, Primitive, Resource} from '../../../src/formats/cib/model.js'
import {emptyCib} from '../../../src/formats/cib/model.js'
import {parseCrm} from '../../../src/formats/crm/parse.js'
import {printCrm} from '../../../src/formats/crm/print.js'
import {parseCibXml, printCibXml} from '../../../src/formats/cib/xml.js'
import {diffCibs} from '../../../src/cib/diff.js'

const ident = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/)
// Values with everything quoting has to survive: spaces, quotes, backslashes, =, #, unicode, empty.
const value = fc.oneof(fc.stringMatching(/^[a-z0-9.]{1,6}$/), fc.string({maxLength: 12}).filter((s) => !/[\u0000-\u001f\u007f\ud800-\udfff]/.test(s)))
const pairs = fc.uniqueArray(fc.tuple(ident, value), {selector: (p) => p[0], maxLength: 4}).map((l) => l.map(([name, v]) => ({name, value: v})))
const interval = fc.constantFrom('0s', '10s', '30', '1min', '500ms', 'PT1M')
const score = fc.constantFrom('INFINITY', '-INFINITY', '0', '100', '-50')

const primitive = (id: string) =>
  fc.record({params: pairs, meta: pairs, ops: fc.uniqueArray(fc.tuple(fc.constantFrom('monitor', 'start', 'stop'), interval, fc.constantFrom('20s', '60')), {selector: (o) => `${o[0]} ${o[1]}`, maxLength: 3})}).map(
    ({params, meta, ops}): Primitive => ({
      kind: 'primitive',
      id,
      class: 'ocf',
      provider: 'heartbeat',
      type: 'Dummy',
      instanceAttributes: params.length ? [{pairs: params}] : [],
      metaAttributes: meta.length ? [{pairs: meta}] : [],
      utilization: [],
      operations: ops.map(([name, iv, timeout]) => ({name, interval: iv, attributes: {timeout}, instanceAttributes: [], metaAttributes: []})),
    }),
  )

const config = fc.uniqueArray(ident, {minLength: 1, maxLength: 6}).chain((ids) =>
  fc
    .record({
      prims: fc.tuple(...ids.map((id) => primitive(`r-${id}`))),
      grouped: fc.integer({min: 0, max: ids.length}),
      scores: fc.array(score, {minLength: ids.length, maxLength: ids.length}),
      props: pairs,
    })
    .map(({prims, grouped, scores, props}): Cib => {
      const cib = emptyCib()
      const resources: Resource[] = []
      if (grouped >= 2) resources.push({kind: 'group', id: 'grp', metaAttributes: [], children: prims.slice(0, grouped)})
      else resources.push(...prims.slice(0, grouped))
      resources.push(...prims.slice(grouped))
      cib.resources = resources
      const constraints: Constraint[] = prims.map((p, i) => ({kind: 'location', id: `loc-${p.id}`, rsc: p.id, node: 'n1', score: scores[i], rules: []}))
      if (prims.length >= 2) constraints.push({kind: 'order', id: 'ord', first: prims[0].id, then: prims[1].id, orderKind: 'Optional'})
      cib.constraints = constraints
      cib.crmConfig = props.length ? [{id: 'cib-bootstrap-options', pairs: props}] : []
      return cib
    }),
)

test('generated configurations: crm print → parse and XML print → parse give the same configuration', () => {
  fc.assert(
    fc.property(config, (cib) => {
      const text = printCrm(cib)
      const back = parseCrm(text, 'gen.crm')
      const d = diffCibs(cib, back)
      assert.ok(d.equal, `${text}\n${JSON.stringify(d.changes)}`)
      const xml = parseCibXml(printCibXml(cib), 'gen.xml')
      assert.ok(diffCibs(cib, xml).equal)
      assert.equal(printCrm(back), text)
    }),
    {numRuns: 150},
  )
})
