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
