import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseCibXml, printCibXml} from '../../src/formats/cib/xml.js'
import {parseCrm} from '../../src/formats/crm/parse.js'
import type {Cib, Primitive, Resource} from '../../src/formats/cib/model.js'
import {diffCibs} from '../../src/cib/diff.js'
import {fixturesDir} from '../helpers/cli.js'
import {corpusCibFiles} from '../formats/cib/corpus.js'

const sampleCrm = () => parseCrm(readFileSync(join(fixturesDir, 'cib', 'sample.crm'), 'utf8'), 'sample.crm')

function primitives(rs: Resource[]): Primitive[] {
  return rs.flatMap((r) => (r.kind === 'primitive' ? [r] : r.kind === 'group' ? r.children : primitives([r.child])))
}

test('a crm file and the CIB crmsh made from it are equal; strict mode sees the ids and spellings', () => {
  const crm = sampleCrm()
  const xml = parseCibXml(readFileSync(join(fixturesDir, 'cib', 'sample-crmsh.xml'), 'utf8'), 'sample-crmsh.xml')
  const d = diffCibs(crm, xml)
  assert.ok(d.equal, JSON.stringify(d.changes))
  assert.equal(d.unified, '')
  assert.equal(diffCibs(crm, xml, {strict: true}).equal, false)
})

test('spellings that mean the same do not count unless strict', () => {
  const base = `primitive p Dummy params a=1 meta is-managed=true op monitor interval=60 timeout=20s role=Master
location l p 100: n1
order o inf: p q
primitive q Dummy
property stonith-enabled=false
`
  const other = `primitive q ocf:heartbeat:Dummy
primitive p Dummy meta is-managed=yes params a=1 op monitor interval=1min role=Promoted timeout=PT20S
property cib-bootstrap-options: stonith-enabled=0
order o Mandatory: p q
location l p +100: n1
`
  const a = parseCrm(base, 'a.crm')
  const b = parseCrm(other, 'b.crm')
  const d = diffCibs(a, b)
  assert.ok(d.equal, JSON.stringify(d.changes))
  const strict = diffCibs(a, b, {strict: true})
  assert.equal(strict.equal, false)
  assert.ok(strict.changes.some((c) => c.id === 'p'))
})

test('<master> and a promotable clone are the same; a plain clone is not', () => {
  const ms = parseCrm('primitive s ocf:pacemaker:Stateful\nms m s meta master-max=1\n', 'a.crm')
  const promotable = parseCrm('primitive s ocf:pacemaker:Stateful\nclone m s meta promotable=true promoted-max=1\n', 'b.crm')
  const plain = parseCrm('primitive s ocf:pacemaker:Stateful\nclone m s meta promoted-max=1\n', 'c.crm')
  assert.ok(diffCibs(ms, promotable).equal, JSON.stringify(diffCibs(ms, promotable).changes))
  assert.equal(diffCibs(ms, plain).equal, false)
})

test('reports added, removed and changed objects with each changed field old → new', () => {
  const a = sampleCrm()
  const b = sampleCrm()
  b.resources = b.resources.filter((r) => r.id !== 'fence-a')
  b.constraints.push({kind: 'location', id: 'new-loc', rsc: 'vip', node: 'beta', score: '10', rules: []})
  const vip = primitives(b.resources).find((p) => p.id === 'vip')!
  vip.instanceAttributes[0].pairs[0].value = '192.168.10.11'
  vip.operations[0].attributes.timeout = '40s'
  const d = diffCibs(a, b, {labels: ['old', 'new']})
  assert.deepEqual(
    d.changes.map((c) => [c.change, c.kind, c.id]),
    [
      ['added', 'location', 'new-loc'],
      ['removed', 'primitive', 'fence-a'],
      ['changed', 'primitive', 'vip'],
    ],
  )
  assert.deepEqual(d.changes[2].fields, [
    {field: 'params ip', old: '192.168.10.10', new: '192.168.10.11'},
    {field: 'op monitor 10s timeout', old: '20s', new: '40s'},
  ])
  assert.match(d.unified, /^--- old\n\+\+\+ new\n/)
  assert.match(d.unified, /^-\tparams cidr_netmask=24 ip=192\.168\.10\.10 \\$/m)
  assert.match(d.unified, /^\+location new-loc vip 10: beta$/m)
})

/** Mutation tests: one change in a copy of a corpus CIB → the diff reports exactly that change. */
function mutants(cib: Cib): {what: string; apply: (c: Cib) => void; expect: {kind: string; id: string; field: string}}[] {
  const out: ReturnType<typeof mutants> = []
  const p = primitives(cib.resources).find((x) => x.instanceAttributes[0]?.pairs.length > 0 && x.instanceAttributes.length === 1)
  if (p) {
    const name = p.instanceAttributes[0].pairs[0].name
    out.push({what: `param ${p.id}.${name}`, expect: {kind: 'primitive', id: p.id, field: `params ${name}`}, apply: (c) => {
      const q = primitives(c.resources).find((x) => x.id === p.id)!
      q.instanceAttributes[0].pairs[0].value = `${q.instanceAttributes[0].pairs[0].value ?? ''}-mutated`
    }})
  }
  const withOp = primitives(cib.resources).find((x) => x.operations.some((o) => o.attributes.timeout))
  if (withOp) {
    const op = withOp.operations.find((o) => o.attributes.timeout)!
    const key = `op ${op.name}`
    out.push({what: `op timeout ${withOp.id}`, expect: {kind: 'primitive', id: withOp.id, field: key}, apply: (c) => {
      const q = primitives(c.resources).find((x) => x.id === withOp.id)!
      const o = q.operations.find((x) => x.attributes.timeout)!
      o.attributes.timeout = '987s'
    }})
  }
  const loc = cib.constraints.find((c) => c.kind === 'location' && c.score !== undefined)
  if (loc) {
    out.push({what: `score ${loc.id}`, expect: {kind: 'location', id: loc.id, field: 'score'}, apply: (c) => {
      const l = c.constraints.find((x) => x.id === loc.id)!
      if (l.kind === 'location') l.score = '4242'
    }})
  }
  return out
}

test('mutation: one param, op or score changed in a corpus CIB is reported exactly', () => {
  let checked = 0
  for (const f of corpusCibFiles()) {
    const text = readFileSync(f, 'utf8')
    const original = parseCibXml(text, f)
    for (const m of mutants(original)) {
      const copy = parseCibXml(text, f)
      m.apply(copy)
      // Through XML text, as a user would compare two files.
      const d = diffCibs(original, parseCibXml(printCibXml(copy), 'copy.xml'))
      assert.equal(d.changes.length, 1, `${f} ${m.what}: ${JSON.stringify(d.changes)}`)
      const [c] = d.changes
      assert.equal(c.change, 'changed')
      assert.equal(c.kind, m.expect.kind)
      assert.equal(c.id, m.expect.id)
      assert.equal(c.fields.length, 1, `${f} ${m.what}: ${JSON.stringify(c.fields)}`)
      assert.ok(c.fields[0].field.startsWith(m.expect.field), `${f} ${m.what}: ${c.fields[0].field}`)
      checked++
    }
  }
  assert.ok(checked > 100, `only ${checked} mutants`)
})

test('corpus: read → write → read is lossless, strict too', () => {
  const failed: string[] = []
  for (const f of corpusCibFiles()) {
    const a = parseCibXml(readFileSync(f, 'utf8'), f)
    if (!diffCibs(a, parseCibXml(printCibXml(a), f), {strict: true}).equal) failed.push(f)
  }
  assert.deepEqual(failed, [])
})
