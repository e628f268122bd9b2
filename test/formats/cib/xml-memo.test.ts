/**
 * CibReadMemo: reading a CIB again after a small change (crm status's live view) reuses what did
 * not change, and the result is always what a plain read gives.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {CibReadMemo, parseCibXml} from '../../../src/formats/cib/xml.js'
import {UserError} from '../../../src/core/errors.js'
import {sharedDir} from '../../helpers/cli.js'

const corpus = join(sharedDir, 'corpus', 'scheduler')
const corpusFiles = readdirSync(corpus, {withFileTypes: true})
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(corpus, d.name)).filter((f) => f.endsWith('.xml')).map((f) => join(corpus, d.name, f)))

/** The same CIB with its nth rc-code changed (or, without one, its epoch). */
function changed(text: string, n: number): string {
  let seen = 0
  const out = text.replace(/rc-code="(\d+)"/g, (m, rc: string) => (seen++ === n ? `rc-code="${rc === '7' ? '0' : '7'}"` : m))
  return out !== text ? out : text.replace(/epoch="(\d+)"/, (_m, e: string) => `epoch="${Number(e) + 1}"`)
}

test('every corpus CIB read through a memo, changed and read again, equals a plain read', () => {
  assert.ok(corpusFiles.length >= 150)
  let reused = 0
  for (const file of corpusFiles) {
    const text = readFileSync(file, 'utf8')
    const memo = new CibReadMemo()
    for (const version of [text, changed(text, 0), changed(text, 3), text]) {
      assert.deepEqual(parseCibXml(version, file, memo), parseCibXml(version, file), file)
    }
    reused += memo.stats.reused
  }
  assert.ok(reused > 1000, `elements reused over the corpus: ${reused}`)
})

function generated(resources: number, failedAt?: number): string {
  const prims = Array.from({length: resources}, (_, i) => `<primitive id="d${i}" class="ocf" provider="pacemaker" type="Dummy"><operations><op id="d${i}-mon" name="monitor" interval="10s"/></operations></primitive>`)
  const history = Array.from({length: resources}, (_, i) => `<lrm_resource id="d${i}" class="ocf" provider="pacemaker" type="Dummy">
  <lrm_rsc_op id="d${i}_last_0" operation_key="d${i}_start_0" operation="start" transition-key="${i}:1:0:x" transition-magic="0:${i === failedAt ? 1 : 0};${i}:1:0:x" on_node="n1" call-id="${i + 10}" rc-code="${i === failedAt ? 1 : 0}" op-status="0" interval="0"/>
</lrm_resource>`)
  return `<cib epoch="1" num_updates="0" admin_epoch="0"><configuration><crm_config/><nodes><node id="1" uname="n1"/></nodes>
<resources>${prims.join('\n')}</resources><constraints/></configuration>
<status><node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="1"><lrm_resources>
${history.join('\n')}
</lrm_resources></lrm></node_state></status></cib>`
}

test('after one resource\'s history changed, only that history is read again; the rest is the same objects', () => {
  const memo = new CibReadMemo()
  const first = parseCibXml(generated(300), 'cib.xml', memo)
  assert.deepEqual(memo.stats, {reused: 0, read: 600})
  const second = parseCibXml(generated(300, 42), 'cib.xml', memo)
  assert.deepEqual(memo.stats, {reused: 599, read: 1})
  assert.deepEqual(second, parseCibXml(generated(300, 42), 'cib.xml'))
  assert.equal(second.resources[7], first.resources[7], 'an unchanged resource is the same object')
  assert.equal(second.status[0]!.lrmResources[41], first.status[0]!.lrmResources[41])
  assert.notEqual(second.status[0]!.lrmResources[42], first.status[0]!.lrmResources[42])
  assert.equal(second.status[0]!.lrmResources[42]!.operations[0]!.attributes['rc-code'], '1')
})

test('an element reused in another place, a self-closing one and a closing tag in a comment read as a plain read does', () => {
  const memo = new CibReadMemo()
  const prim = '<primitive id="a" class="ocf" provider="pacemaker" type="Dummy"><!-- </primitive> --><meta_attributes id="a-m"><nvpair id="a-m-1" name="target-role" value="Stopped"/></meta_attributes></primitive>'
  const wrap = (resources: string) => `<cib epoch="1" num_updates="0" admin_epoch="0"><configuration><crm_config/><nodes/><resources>${resources}</resources><constraints/></configuration><status/></cib>`
  const versions = [
    wrap(prim),
    wrap(`<group id="g">${prim}</group>`),
    wrap(`<primitive id="b" class="ocf" provider="pacemaker" type="Dummy"/>${prim}`),
    wrap(`<bundle id="bu"><docker image="x"/>${prim}</bundle>`),
    wrap(`<clone id="c"><group id="g">${prim}</group></clone>`),
  ]
  for (const text of versions) assert.deepEqual(parseCibXml(text, 'cib.xml', memo), parseCibXml(text, 'cib.xml'), text)
})

test('a bad CIB after good ones is reported where a plain read reports it, and the memo keeps working', () => {
  const memo = new CibReadMemo()
  const good = generated(20)
  parseCibXml(good, 'cib.xml', memo)
  // a history entry without its id: a structural error inside an element the memo knows the rest of
  const bad = good.replace('<lrm_rsc_op id="d5_last_0"', '<lrm_rsc_op')
  const message = (read: () => unknown) => {
    try {
      read()
    } catch (error) {
      assert.ok(error instanceof UserError)
      return error.message
    }
    assert.fail('no error')
  }
  assert.equal(message(() => parseCibXml(bad, 'cib.xml', memo)), message(() => parseCibXml(bad, 'cib.xml')))
  assert.match(message(() => parseCibXml(bad, 'cib.xml')), /^cib\.xml:\d+:\d+: <lrm_rsc_op> has no id/)
  assert.equal(message(() => parseCibXml(good.slice(0, -300), 'cib.xml', memo)), message(() => parseCibXml(good.slice(0, -300), 'cib.xml')))
  parseCibXml(good, 'cib.xml', memo)
  assert.deepEqual(memo.stats, {reused: 40, read: 0})
})
