import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, mkdirSync, writeFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {tmpdir} from 'node:os'
import {parseCrm} from '../../src/formats/crm/parse.js'
import {parseCibXml} from '../../src/formats/cib/xml.js'
import {verifyCib} from '../../src/cib/verify.js'

const check = (text: string, agentDir?: string) => {
  const cib = text.trimStart().startsWith('<') ? parseCibXml(text, 'c.xml') : parseCrm(text, 'c.crm')
  return verifyCib(cib, {file: 'c', text, agentDir}).map((f) => `${f.location?.line}:${f.id}:${f.message}`)
}

test('a clean configuration has no findings', () => {
  assert.deepEqual(check('primitive f stonith:fence_dummy\nprimitive a Dummy op monitor interval=10s timeout=20s\nlocation l a 100: n1\n'), [])
})

test('no STONITH resource while stonith-enabled is true (explicitly or by default)', () => {
  const found = check('primitive a Dummy\n')
  assert.equal(found.length, 1)
  assert.match(found[0], /no-stonith:.*stonith-enabled is true \(the default\)/)
  assert.match(check('property stonith-enabled=yes\nprimitive a Dummy\n')[0], /^1:no-stonith:.*stonith-enabled is yes/)
  assert.deepEqual(check('property stonith-enabled=false\nprimitive a Dummy\n'), [])
})

test('dangling references and duplicate ids, located at the defining line', () => {
  const found = check(`property stonith-enabled=false
primitive a Dummy
colocation c inf: a ghost
order o Mandatory: ( a phantom ) a
`)
  assert.deepEqual(found, [
    '3:dangling-reference:colocation c refers to resource "ghost", which does not exist',
    '4:dangling-reference:order o refers to resource "phantom", which does not exist',
  ])
  const dup = check(`<cib><configuration><crm_config><cluster_property_set id="o"><nvpair id="o-1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config><nodes/>
<resources>
<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/>
<primitive id="o-1" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id-ref="missing"/></primitive>
</resources><constraints/></configuration><status/></cib>`)
  assert.ok(dup.some((f) => /^1:duplicate-id:id "o-1" is used twice/.test(f)), dup.join('\n'))
  assert.ok(dup.some((f) => /dangling-reference:o-1 refers to attribute set "missing"/.test(f)), dup.join('\n'))
})

test('invalid scores and intervals', () => {
  const found = check(`property stonith-enabled=false
primitive a Dummy op monitor interval=10x timeout=soon meta resource-stickiness=lots
location l a 100: n1
`)
  assert.equal(found.filter((f) => f.includes('invalid-interval')).length, 2)
  assert.equal(found.filter((f) => f.includes('invalid-score')).length, 1)
  assert.deepEqual(check('property stonith-enabled=false\nprimitive a Dummy meta priority=1.0\n'), ['2:score-trailing-characters:priority of a: "1.0" is read as 1'])
  const xml = check(`<cib><configuration><crm_config/><nodes/><resources><primitive id="f" class="stonith" type="x"/></resources>
<constraints><rsc_location id="l" rsc="f" node="n" score="abc"/></constraints></configuration><status/></cib>`)
  assert.deepEqual(xml, ['2:invalid-score:location l: "abc" is not a score (an integer, INFINITY or -INFINITY)'])
})

test('unknown OCF agents when an agent directory is given', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-agents-'))
  try {
    mkdirSync(join(dir, 'heartbeat'))
    writeFileSync(join(dir, 'heartbeat', 'Dummy'), '#!/bin/sh\n')
    const text = 'property stonith-enabled=false\nprimitive a Dummy\nprimitive b ocf:heartbeat:Nope\n'
    assert.deepEqual(check(text), [])
    assert.deepEqual(check(text, dir), [`3:unknown-agent:b: resource agent ocf:heartbeat:Nope is not installed in ${dir}`])
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('an unknown agent gets a did-you-mean: a misspelt type, the type under another provider, a misspelt provider', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-agents-'))
  try {
    mkdirSync(join(dir, 'heartbeat'))
    mkdirSync(join(dir, 'linbit'))
    for (const a of ['IPaddr2', 'Filesystem']) writeFileSync(join(dir, 'heartbeat', a), '#!/bin/sh\n')
    writeFileSync(join(dir, 'linbit', 'drbd'), '#!/bin/sh\n')
    const found = check('property stonith-enabled=false\nprimitive a ocf:heartbeat:IPadr2\nprimitive b ocf:heartbeat:drbd\nprimitive c ocf:hearbeat:Filesystem\nprimitive d ocf:heartbeat:Nothing\n', dir)
    assert.deepEqual(found.map((f) => f.replace(/ is not installed in \S+/, '')), [
      '2:unknown-agent:a: resource agent ocf:heartbeat:IPadr2 (did you mean ocf:heartbeat:IPaddr2?)',
      '3:unknown-agent:b: resource agent ocf:heartbeat:drbd (did you mean ocf:linbit:drbd?)',
      '4:unknown-agent:c: resource agent ocf:hearbeat:Filesystem (did you mean ocf:heartbeat:Filesystem?)',
      '5:unknown-agent:d: resource agent ocf:heartbeat:Nothing',
    ])
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
