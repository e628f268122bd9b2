import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseCrm} from '../../../src/formats/crm/parse.js'
import {printCrm} from '../../../src/formats/crm/print.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {diffCibs} from '../../../src/cib/diff.js'
import {UserError} from '../../../src/core/errors.js'
import {fixturesDir, sharedDir} from '../../helpers/cli.js'
import {corpusCibFiles} from '../cib/corpus.js'

const seeds = join(sharedDir, 'fixtures', 'seeds')

function errorOf(text: string): string {
  try {
    parseCrm(text, 'f.crm')
  } catch (e) {
    assert.ok(e instanceof UserError, String(e))
    return e.message
  }
  assert.fail('expected a parse error')
}

test('seed 002: continuation lines, quoted values, property and rsc_defaults', () => {
  const cib = parseCrm(readFileSync(join(seeds, '002-ipaddr2-crm', 'IPaddr2-eth1.crm'), 'utf8'), 'IPaddr2-eth1.crm')
  const [ip] = cib.resources
  assert.equal(ip.kind, 'primitive')
  assert.ok(ip.kind === 'primitive')
  assert.deepEqual([ip.class, ip.provider, ip.type], ['ocf', 'heartbeat', 'IPaddr2'])
  assert.deepEqual(ip.instanceAttributes[0].pairs.map((p) => `${p.name}=${p.value}`), ['ip=192.168.200.200', 'nic=eth1', 'cidr_netmask=24'])
  assert.deepEqual(ip.operations.map((o) => `${o.name}/${o.interval}/${o.attributes['on-fail']}`), ['start/0s/restart', 'monitor/10s/restart', 'stop/0s/block'])
  assert.equal(cib.crmConfig[0].pairs.find((p) => p.name === 'crmd-transition-delay')?.value, '2s')
  assert.equal(cib.rscDefaults[0].pairs.find((p) => p.name === 'resource-stickiness')?.value, 'INFINITY')
  const nonic = parseCrm(readFileSync(join(seeds, '002-ipaddr2-crm', 'IPaddr2-nonic.crm'), 'utf8'), 'IPaddr2-nonic.crm')
  assert.equal(nonic.resources.length, 1)
})

test('seed 004: one-line statements, groups defined after their members, old $id syntax', () => {
  const cib = parseCrm(readFileSync(join(seeds, '004-pacemaker-vagrant', 'pacemaker.sh.crm'), 'utf8'), 'pacemaker.sh.crm')
  assert.deepEqual(
    cib.resources.map((r) => `${r.kind}:${r.id}`),
    ['group:web', 'group:webapp', 'group:samba'],
  )
  const samba = cib.resources[2]
  assert.ok(samba.kind === 'group')
  assert.deepEqual(samba.children.map((c) => `${c.id}=${c.class}:${c.type}`), ['vip_samba=ocf:IPaddr2', 'nmb=lsb:nmb', 'smb=lsb:smb'])
  // Two `property` statements merge into one set, as crmsh does.
  assert.equal(cib.crmConfig.length, 1)
  assert.deepEqual(cib.crmConfig[0].pairs.map((p) => p.name), ['stonith-enabled', 'no-quorum-policy'])
  const shown = parseCrm(readFileSync(join(seeds, '004-pacemaker-vagrant', 'crm-configure-show.txt'), 'utf8'), 'show.txt')
  assert.deepEqual(shown.nodes.map((n) => `${n.id}/${n.uname}`), ['b7cf0247-85a1-472a-8430-fb38728488fd/s1', 'e959ca5c-76e4-43c4-8641-6c6c71ac8fbc/s2'])
  assert.equal(shown.crmConfig[0].id, 'cib-bootstrap-options')
})

test('rules, sets, roles, scores and comments', () => {
  const cib = parseCrm(
    `# leading comment
primitive d Dummy
primitive s ocf:pacemaker:Stateful op monitor interval=10 role=Master OCF_CHECK_LEVEL=10
ms m s meta notify=true
location l1 d \\
    rule $role=Master -inf: not_defined pingd or pingd lte 0 \\
    rule 50: #uname eq "node 1"
location l2 /d.*/ +inf: n1
colocation c1 inf: d m:Master
colocation c2 100: ( d s ) [ m ]
order o1 Optional: m:promote d:start symmetrical=false
order o2 0: d m
`,
    'x.crm',
  )
  const [l1, l2, c1, c2, o1, o2] = cib.constraints
  assert.ok(l1.kind === 'location' && l1.rules.length === 2)
  assert.equal(l1.rules[0].role, 'Master')
  assert.equal(l1.rules[0].score, '-INFINITY')
  assert.equal(l1.rules[0].booleanOp, 'or')
  assert.deepEqual(l1.rules[0].expressions[0], {kind: 'expression', attribute: 'pingd', operation: 'not_defined'})
  assert.deepEqual(l1.rules[1].expressions[0], {kind: 'expression', attribute: '#uname', operation: 'eq', value: 'node 1'})
  assert.ok(l2.kind === 'location' && l2.rscPattern === 'd.*' && l2.score === 'INFINITY')
  assert.ok(c1.kind === 'colocation' && c1.rsc === 'd' && c1.withRsc === 'm' && c1.withRscRole === 'Master')
  assert.ok(c2.kind === 'colocation')
  assert.deepEqual(c2.resourceSets, [
    {resources: ['d', 's'], sequential: 'false'},
    {resources: ['m'], requireAll: 'false'},
  ])
  assert.ok(o1.kind === 'order' && o1.orderKind === 'Optional' && o1.firstAction === 'promote' && o1.symmetrical === 'false')
  assert.ok(o2.kind === 'order' && o2.score === '0')
  const ms = cib.resources.find((r) => r.id === 'm')
  assert.ok(ms?.kind === 'clone' && ms.legacyMaster && ms.promotable)
  assert.ok(ms.kind === 'clone' && ms.child.kind === 'primitive' && ms.child.operations[0].instanceAttributes[0].pairs[0].name === 'OCF_CHECK_LEVEL')
})

test('errors name file:line:col', () => {
  assert.match(errorOf('primitive a Dummy\nfrobnicate x\n'), /^f\.crm:2:1: crm statement "frobnicate" is not supported/)
  assert.equal(errorOf('primtive a Dummy\n'), 'f.crm:1:1: crm statement "primtive" is not supported (did you mean "primitive"?)')
  assert.match(errorOf('primitive a Dummy \\\n   params x="unterminated\n'), /^f\.crm:2:13: unterminated " quote/)
  assert.match(errorOf('group g a b\nprimitive a Dummy\n'), /^f\.crm:1:11: group g refers to resource "b", which is not defined/)
  assert.match(errorOf('primitive a ocf:x:y:z\n'), /^f\.crm:1:13: bad resource agent/)
  assert.match(errorOf('location l a 100 n1\n'), /^f\.crm:1:14: expected a score/)
  assert.match(errorOf('primitive a Dummy\nprimitive a Dummy\n'), /^f\.crm:2:11: resource "a" is defined twice/)
})

test('printing follows crm configure show layout and reads back', () => {
  const text = readFileSync(join(fixturesDir, 'cib', 'sample.crm'), 'utf8')
  const cib = parseCrm(text, 'sample.crm')
  const printed = printCrm(cib)
  assert.match(printed, /^node 1: alpha\nnode 2: beta \\\n\tattributes standby=off\n/)
  assert.match(printed, /\nprimitive web ocf:heartbeat:apache \\\n\tparams configfile="\/etc\/apache2\/apache2.conf" \\\n\tmeta target-role=Started \\\n\top monitor interval=30s timeout=60s\n/)
  assert.match(printed, /\ngroup g-web vip web \\\n\tmeta resource-stickiness=100\nms ms-db db \\/)
  assert.match(printed, /\ncolocation col-web inf: g-web ms-db:Master\nlocation loc-ping g-web \\\n\trule -inf: not_defined pingd or pingd lte 0\n/)
  assert.match(printed, /\nproperty cib-bootstrap-options: \\\n\tstonith-enabled=true \\\n/)
  assert.ok(diffCibs(cib, parseCrm(printed, 'printed.crm'), {strict: true}).equal)
})

test('every corpus CIB prints as crm text that reads back equal', () => {
  const files = corpusCibFiles()
  assert.ok(files.length > 100)
  const failed: string[] = []
  for (const f of files) {
    const cib = parseCibXml(readFileSync(f, 'utf8'), f)
    const back = parseCrm(printCrm(cib), `${f}.crm`)
    if (!diffCibs(cib, back).equal) failed.push(f)
  }
  assert.deepEqual(failed, [])
})

test('what crm syntax cannot say becomes an xml statement that reads back', () => {
  const cib = parseCibXml(
    `<cib><configuration><crm_config/><nodes/><resources><primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/></resources>
<constraints><rsc_location id="l" rsc="a"><rule id="r" score="10" boolean-op="and"><rule id="r2" boolean-op="or"><expression id="e1" attribute="x" operation="eq" value="1"/><expression id="e2" attribute="y" operation="eq" value="2"/></rule><expression id="e3" attribute="#uname" operation="ne" value="n1"/></rule></rsc_location></constraints>
<tags><tag id="t"><obj_ref id="a"/></tag></tags></configuration><status/></cib>`,
    'x.xml',
  )
  const text = printCrm(cib)
  assert.match(text, /^xml <rsc_location id="l" rsc="a"> \\$/m)
  assert.match(text, /^xml <tags> \\$/m)
  const back = parseCrm(text, 'x.crm')
  assert.ok(diffCibs(cib, back, {strict: true}).equal, JSON.stringify(diffCibs(cib, back, {strict: true}).changes))
})
