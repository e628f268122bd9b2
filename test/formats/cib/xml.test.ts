import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync, readdirSync, writeFileSync, mkdtempSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {tmpdir} from 'node:os'
import {spawnSync} from 'node:child_process'
import {parseCibXml, printCibXml} from '../../../src/formats/cib/xml.js'
import {emptyCib} from '../../../src/formats/cib/model.js'
import {UserError} from '../../../src/core/errors.js'
import {haveCommand, sharedDir} from '../../helpers/cli.js'

const corpus = join(sharedDir, 'corpus', 'scheduler')
const corpusFiles = readdirSync(corpus, {withFileTypes: true})
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(corpus, d.name)).filter((f) => f.endsWith('.xml')).map((f) => join(corpus, d.name, f)))

test('malformed XML names file:line:col', () => {
  assert.throws(
    () => parseCibXml('<cib>\n  <configuration>\n  </cib>\n', 'bad.xml'),
    (e: unknown) => e instanceof UserError && /^bad\.xml:3:\d+: malformed XML/.test(e.message),
  )
})

test('XML syntax: entities, CDATA, comments, declaration; errors with positions', () => {
  const cib = parseCibXml(
    `<?xml version="1.0"?>\n<!-- head -->\n<cib><configuration><crm_config><cluster_property_set id="o"><nvpair id="o-1" name="a" value="&lt;&#65;&#x42;&apos;"/></cluster_property_set></crm_config>
<nodes/><resources/><constraints/><alerts><alert id="al" path="/x"><![CDATA[<raw>]]></alert><!-- c --></alerts></configuration></cib>`,
    'ok.xml',
  )
  assert.equal(cib.crmConfig[0].pairs[0].value, "<AB'")
  assert.equal(cib.otherSections[0].name, 'alerts')
  assert.match(cib.otherSections[0].xml, /<alert id="al" path="\/x">&lt;raw&gt;<\/alert>/)
  const bad = (text: string) => {
    try {
      parseCibXml(text, 'b.xml')
    } catch (e) {
      assert.ok(e instanceof UserError)
      return e.message
    }
    return 'no error'
  }
  assert.match(bad('<cib>\n  <configuration>\n  </cib>'), /^b\.xml:3:\d+: malformed XML/)
  assert.match(bad('<cib a="1" a="2"/>'), /^b\.xml:1:\d+: malformed XML: .*[Aa]ttribute.*repeated/)
  assert.match(bad('<cib>\n<x v="a & b"/></cib>'), /^b\.xml:2:\d+: malformed XML/)
  assert.match(bad('<cib/><cib/>'), /^b\.xml:1:\d+: malformed XML/)
  // a file cut short: the elements still open, where it ends (the validator said "Invalid '[ "cib", … ]' found." at 1:1)
  assert.equal(bad('<cib>\n  <configuration>\n    <resources>\n      <primitive id="x"/>\n'), 'b.xml:4:26: malformed XML: the file ends with <resources> still open (inside cib > configuration): is it cut short?')
  // fast-xml-parser's validator gives no column for an unterminated comment (the fuzz campaign's case 572)
  assert.match(bad('<!-- a comment that never ends <cib>\n  <configuration/>\n</cib>'), /^b\.xml:1:1: malformed XML: missing -->/)
  assert.match(bad('<nodes/>'), /^b\.xml:1:1: root element is <nodes>, expected <cib>/)
  // structural errors name the element's line and column
  assert.match(bad('<cib><configuration><resources>\n  <primitive id="p" type="Dummy"/></resources></configuration></cib>'), /^b\.xml:2:3: <primitive id="p"> has no class attribute/)
  assert.match(bad('<cib><configuration><crm_config><cluster_property_set id="c">\n <bogus/></cluster_property_set></crm_config></configuration></cib>'), /^b\.xml:2:2: unsupported element <bogus>/)
  // the position is found by scanning again: comments, text and identical elements before it do not mislead it
  assert.match(bad('<cib><configuration><resources>\n <!-- c --><primitive id="p" class="ocf" type="Dummy"/>\n<primitive id="p" type="Dummy"/></resources></configuration></cib>'), /^b\.xml:3:1: <primitive id="p"> has no class attribute/)
  assert.match(bad('<cib><configuration/><status><node_state id="1"><lrm><lrm_resources>\n  <lrm_resource id="x"><lrm_rsc_op id="a" operation="start"/>\n <lrm_rsc_op operation="stop"/></lrm_resource></lrm_resources></lrm></node_state></status></cib>'), /^b\.xml:3:2: <lrm_rsc_op> has no id attribute/)
  // limits of the reader, not exceptions: nesting and character references
  const deep = `<cib>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</cib>`
  assert.match(bad(deep), /^b\.xml:1:\d+: malformed XML: elements nested more than 256 deep/)
  assert.match(bad('<cib>\n<x v="&#x110000;"/></cib>'), /^b\.xml:2:7: malformed XML: character reference &#x110000; is not/)
  assert.match(bad('<cib>&#0;</cib>'), /^b\.xml:1:6: malformed XML: character reference &#0; is not/)
  assert.match(bad('<cib>&#xD800;</cib>'), /^b\.xml:1:6: malformed XML: character reference/)
})

test('reads master, rules, sets, entities and fills in readable ids', () => {
  const cib = parseCibXml(
    `<cib validate-with="pacemaker-3.0" epoch="3" admin_epoch="0" num_updates="1"><configuration><crm_config/><nodes><node id="1" uname="n1"/></nodes>
<resources><master id="ms"><meta_attributes id="ms-m"><nvpair id="ms-m-1" name="notify" value="true"/></meta_attributes>
<primitive id="d" class="ocf" provider="pacemaker" type="Stateful"><instance_attributes><nvpair name="msg" value="a &amp; &quot;b&quot;"/></instance_attributes>
<operations><op name="monitor" interval="10s" role="Master" timeout="20s"/></operations></primitive></master></resources>
<constraints><rsc_location id="loc" rsc="ms"><rule score="-INFINITY" boolean-op="or"><expression attribute="#uname" operation="eq" value="n1"/><expression attribute="pingd" operation="not_defined"/></rule></rsc_location>
<rsc_order id="o"><resource_set id="o-0" sequential="false"><resource_ref id="d"/></resource_set></rsc_order></constraints></configuration><status/></cib>`,
    'x.xml',
  )
  const ms = cib.resources[0]
  assert.equal(ms.kind, 'clone')
  assert.ok(ms.kind === 'clone' && ms.promotable && ms.legacyMaster)
  assert.ok(ms.kind === 'clone' && ms.child.kind === 'primitive' && ms.child.instanceAttributes[0].pairs[0].value === 'a & "b"')
  const out = printCibXml(cib)
  assert.match(out, /<master id="ms">/)
  assert.match(out, /<instance_attributes id="d-instance_attributes">/)
  assert.match(out, /<nvpair id="d-instance_attributes-msg" name="msg" value="a &amp; &quot;b&quot;"\/>/)
  assert.match(out, /<op id="d-monitor-10s" name="monitor" interval="10s" role="Master" timeout="20s"\/>/)
  assert.match(out, /<rule id="loc-rule" score="-INFINITY" boolean-op="or">/)
  assert.deepEqual(parseCibXml(out, 'again'), parseCibXml(printCibXml(parseCibXml(out, 'again')), 'again2'))
})

test('every corpus CIB reads, and writing is stable', () => {
  assert.ok(corpusFiles.length > 100)
  for (const f of corpusFiles) {
    const once = printCibXml(parseCibXml(readFileSync(f, 'utf8'), f))
    assert.equal(printCibXml(parseCibXml(once, f)), once, f)
  }
})

test('crm_verify -x accepts what we write (same verdict as on the original)', (t) => {
  if (!haveCommand('crm_verify')) return t.skip('crm_verify not installed')
  const dir = mkdtempSync(join(tmpdir(), 'hakit-cib-'))
  try {
    // A sample keeps the suite fast; bench/cib.mjs and the round-trip test cover the rest.
    const sample = corpusFiles.filter((_, i) => i % 10 === 0)
    for (const f of sample) {
      const ours = join(dir, 'ours.xml')
      writeFileSync(ours, printCibXml(parseCibXml(readFileSync(f, 'utf8'), f)))
      const orig = spawnSync('crm_verify', ['-x', f]).status
      const mine = spawnSync('crm_verify', ['-x', ours], {encoding: 'utf8'})
      assert.equal(mine.status, orig, `${f}: ${mine.stderr}`)
    }
    const fresh = join(dir, 'empty.xml')
    writeFileSync(fresh, printCibXml({...emptyCib(), crmConfig: [{pairs: [{name: 'stonith-enabled', value: 'false'}]}]}))
    const r = spawnSync('crm_verify', ['-x', fresh], {encoding: 'utf8'})
    assert.equal(r.status, 0, r.stderr)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('elements hakit does not model are kept verbatim and survive XML and crm round trips', async (t) => {
  const {parseCrm} = await import('../../../src/formats/crm/parse.js')
  const {printCrm} = await import('../../../src/formats/crm/print.js')
  const {diffCibs} = await import('../../../src/cib/diff.js')
  const text = `<cib validate-with="pacemaker-3.7" epoch="1" admin_epoch="0" num_updates="0"><configuration>
<crm_config><cluster_property_set id="o"><nvpair id="o-s" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="n1"><utilization id="n1-u"><nvpair id="n1-u-cpu" name="cpu" value="4"/></utilization></node></nodes>
<resources><group id="g"><primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/><utilization id="g-u"><nvpair id="g-u-cpu" name="cpu" value="1"/></utilization></group></resources>
<constraints/>
<rsc_defaults><meta_attributes id="rd"><rule id="rd-r" boolean-op="and" score="INFINITY"><rsc_expression id="rd-r-e" class="ocf" provider="heartbeat" type="Dummy"/></rule><nvpair id="rd-s" name="resource-stickiness" value="10"/></meta_attributes></rsc_defaults>
</configuration><status/></cib>`
  const cib = parseCibXml(text, 'x.xml')
  const g = cib.resources[0]
  assert.ok(g.kind === 'group' && g.otherElements?.[0].startsWith('<utilization id="g-u">'))
  assert.match(cib.rscDefaults[0].rule?.otherElements?.[0] ?? '', /^<rsc_expression id="rd-r-e"/)
  const xml = printCibXml(cib)
  assert.ok(diffCibs(cib, parseCibXml(xml, 'y.xml'), {strict: true}).equal)
  const crm = printCrm(cib)
  assert.match(crm, /^xml <rsc_defaults> \\$/m)
  assert.ok(diffCibs(cib, parseCrm(crm, 'x.crm')).equal, crm)
  if (!haveCommand('crm_verify')) return t.skip('crm_verify not installed')
  const dir = mkdtempSync(join(tmpdir(), 'hakit-cib-'))
  try {
    // The schema has no <utilization> in groups: check the rest (rsc_expression in rsc_defaults) with crm_verify.
    writeFileSync(join(dir, 'c.xml'), xml.replace(/\s*<utilization id="g-u">[\s\S]*?<\/utilization>/, ''))
    const r = spawnSync('crm_verify', ['-x', join(dir, 'c.xml')], {encoding: 'utf8'})
    assert.equal(r.status, 0, r.stderr)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('an executor history entry is written id first, then its attributes in their order, the operation in its place (else last)', () => {
  const cib = emptyCib()
  cib.status = [{id: '1', uname: 'n1', attributes: {id: '1', uname: 'n1'}, transientAttributes: [], lrmResources: [{id: 'd', class: 'ocf', provider: 'pacemaker', type: 'Dummy', operations: [
    {id: 'd_last_0', operation: 'start', attributes: {operation_key: 'd_start_0', operation: 'stale', 'call-id': '3', id: 'stale-id', 'exit-reason': 'a "quoted" <reason> & more'}},
    {id: 'd_monitor_10000', operation: 'monitor', attributes: {'call-id': '4', interval: '10000'}},
  ]}]}]
  const lines = printCibXml(cib).split('\n').filter((l) => l.includes('<lrm_rsc_op'))
  assert.deepEqual(lines.map((l) => l.trim()), [
    '<lrm_rsc_op id="d_last_0" operation_key="d_start_0" operation="start" call-id="3" exit-reason="a &quot;quoted&quot; &lt;reason&gt; &amp; more"/>',
    '<lrm_rsc_op id="d_monitor_10000" call-id="4" interval="10000" operation="monitor"/>',
  ])
  assert.deepEqual(parseCibXml(printCibXml(cib), 'x').status[0]!.lrmResources[0]!.operations[0]!.attributes['exit-reason'], 'a "quoted" <reason> & more')
})

test('<operations id-ref>: kept on a round trip, and the scheduler uses the referenced operations', async () => {
  const {schedule} = await import('../../../src/runtime/scheduler/index.js')
  const text = `<cib><configuration><crm_config><cluster_property_set id="o"><nvpair id="o-1" name="stonith-enabled" value="false"/><nvpair id="o-2" name="no-quorum-policy" value="ignore"/></cluster_property_set></crm_config><nodes><node id="1" uname="n1"/></nodes><resources>
<primitive id="A" class="ocf" provider="heartbeat" type="Dummy"><operations id="dummy-ops"><op id="A-mon" name="monitor" interval="10s"/></operations></primitive>
<primitive id="B" class="ocf" provider="heartbeat" type="Dummy"><operations id-ref="dummy-ops"/></primitive>
</resources><constraints/></configuration><status><node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"/></status></cib>`
  const cib = parseCibXml(text, 'ops.xml')
  const b = cib.resources.find((r) => r.id === 'B')
  assert.ok(b && b.kind === 'primitive')
  assert.equal(b.operationsRef, 'dummy-ops')
  assert.deepEqual(b.operations, [])
  const printed = printCibXml(cib)
  assert.match(printed, /<operations id="dummy-ops">/)
  assert.match(printed, /<operations id-ref="dummy-ops"\/>/)
  assert.deepEqual(parseCibXml(printed, 'again.xml').resources, cib.resources)
  // both resources get the 10 s monitor once started
  const monitors = schedule(cib).actions.filter((a) => a.key.endsWith('_monitor_10000')).map((a) => a.key).sort()
  assert.deepEqual(monitors, ['A_monitor_10000', 'B_monitor_10000'])
})
