/**
 * The safety of `--apply` (src/converters/apply.ts), on a CIB file: cibadmin
 * honours CIB_file and applies versioned patches to a file with the same
 * version checks as the CIB manager. The run against a live cluster is
 * apply-live.test.ts. Also: the diff normaliser's colocation role default.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand} from '../helpers/cli.js'
import {applyCib, targetDocument, mergeIntoLive} from '../../src/converters/apply.js'
import {UserError} from '../../src/core/errors.js'
import {parseCibXml, parseXmlTree} from '../../src/formats/cib/xml.js'
import {diffCibs} from '../../src/cib/diff.js'

const work = mkdtempSync(join(tmpdir(), 'hakit-apply-unit-'))
test.after(() => rmSync(work, {recursive: true, force: true}))

const OURS = parseCibXml(
  `<cib validate-with="pacemaker-3.9" epoch="1" admin_epoch="0" num_updates="0"><configuration>
  <crm_config><cluster_property_set id="cib-bootstrap-options">
    <nvpair id="o-stonith" name="stonith-enabled" value="false"/>
  </cluster_property_set></crm_config>
  <nodes/>
  <resources>
    <group id="grp_a"><primitive id="dummy_a" class="ocf" provider="pacemaker" type="Dummy"/></group>
  </resources>
  <constraints><rsc_location id="loc_grp_a" rsc="grp_a" node="alpha" score="100"/></constraints>
</configuration><status/></cib>`,
  'ours.xml',
)

const cibTools = () => haveCommand('cibadmin') && haveCommand('crm_diff') && haveCommand('crm_verify')

/** A fresh CIB file standing in for the live cluster; CIB_file points at it for the tools hakit runs. */
function liveFile(name: string): string {
  const file = join(work, name)
  writeFileSync(file, spawnSync('cibadmin', ['--empty'], {encoding: 'utf8'}).stdout)
  process.env.CIB_file = file
  return file
}

function tool(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, {encoding: 'utf8'})
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`)
}

test('applies as one patch: the file has our configuration and a newer epoch; a second run changes nothing', async (t) => {
  if (!cibTools()) return t.skip('pacemaker-cli-utils not installed')
  const file = liveFile('plain.xml')
  const before = parseXmlTree(readFileSync(file, 'utf8'), file)
  let shown = false
  const result = await applyCib(OURS, {onDiff: (d) => (shown = !d.equal)})
  assert.ok(shown, 'the difference is handed out before pushing')
  assert.equal(result.applied, true)
  assert.equal(result.attempts, 1)
  const after = readFileSync(file, 'utf8')
  assert.ok(Number(parseXmlTree(after, file).attrs.epoch) > Number(before.attrs.epoch))
  assert.ok(diffCibs(mergeIntoLive(parseCibXml(after, file), OURS), parseCibXml(after, file)).equal)
  assert.match(after, /<group id="grp_a">/)
  const again = await applyCib(OURS)
  assert.equal(again.applied, false)
  assert.ok(again.diff.equal)
  assert.equal(readFileSync(file, 'utf8'), after)
})

test('refuses when the configuration changed after it was read (epoch moved), and pushes nothing', async (t) => {
  if (!cibTools()) return t.skip('pacemaker-cli-utils not installed')
  const file = liveFile('raced.xml')
  let changed = ''
  await assert.rejects(
    applyCib(OURS, {
      beforePush: async () => {
        // another administrator sets a property in the meantime
        tool('crm_attribute', ['--type', 'crm_config', '--name', 'cluster-name', '--update', 'theirs'])
        changed = readFileSync(file, 'utf8')
      },
    }),
    (e: unknown) => e instanceof UserError && /live CIB changed after hakit read it \(version 0\.1\.0 read, now 0\.2\.0\).*nothing was changed/.test(e.message),
  )
  assert.equal(readFileSync(file, 'utf8'), changed, 'the file holds their change only')
  assert.doesNotMatch(changed, /grp_a/)
})

test('when only the status moved on (num_updates), the patch is made again and applied', async (t) => {
  if (!cibTools()) return t.skip('pacemaker-cli-utils not installed')
  const file = liveFile('status.xml')
  const result = await applyCib(OURS, {
    beforePush: async () => tool('cibadmin', ['--create', '--scope', 'status', '--xml-text', '<node_state id="1" uname="alpha"/>']),
  })
  assert.equal(result.applied, true)
  assert.equal(result.attempts, 2, 'the first patch was refused as made from an older version')
  const after = readFileSync(file, 'utf8')
  assert.match(after, /<group id="grp_a">/)
  assert.match(after, /<node_state id="1" uname="alpha"/, 'the status written in between is kept')
})

test('refuses a configuration crm_verify rejects, before touching the CIB', async (t) => {
  if (!cibTools()) return t.skip('pacemaker-cli-utils not installed')
  const file = liveFile('invalid.xml')
  const before = readFileSync(file, 'utf8')
  const bad = structuredClone(OURS)
  bad.constraints.push({kind: 'order', id: 'ord_bad', first: 'grp_a', then: 'grp_a', firstAction: 'explode'})
  await assert.rejects(applyCib(bad), (e: unknown) => e instanceof UserError && /crm_verify rejects/.test(e.message))
  assert.equal(readFileSync(file, 'utf8'), before)
})

test('the pushed document keeps every live section it does not replace, and bumps the epoch', () => {
  const liveXml = `<cib validate-with="pacemaker-3.9" epoch="7" admin_epoch="2" num_updates="40" dc-uuid="1"><configuration>
  <crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="o-dc" name="dc-version" value="2.1.5"/></cluster_property_set></crm_config>
  <nodes><node id="1" uname="alpha"><instance_attributes id="n1-ia"><nvpair id="n1-sb" name="standby" value="off"/></instance_attributes></node></nodes>
  <resources><primitive id="old" class="ocf" provider="pacemaker" type="Dummy"/></resources>
  <constraints/>
  <op_defaults><meta_attributes id="op-options"><nvpair id="op-timeout" name="timeout" value="90s"/></meta_attributes></op_defaults>
  <alerts><alert id="a1" path="/usr/bin/true"/></alerts>
</configuration><status><node_state id="1" uname="alpha" in_ccm="true"/></status></cib>`
  const live = parseCibXml(liveXml, 'live')
  const doc = parseXmlTree(targetDocument(liveXml, mergeIntoLive(live, OURS)), 'target')
  assert.equal(doc.attrs.epoch, '8')
  assert.equal(doc.attrs.admin_epoch, '2')
  assert.equal(doc.attrs.num_updates, '40')
  assert.equal(doc.attrs['dc-uuid'], '1')
  const config = doc.children.find((c) => c.name === 'configuration')!
  const section = (name: string) => JSON.stringify(config.children.find((c) => c.name === name))
  const liveConfig = parseXmlTree(liveXml, 'live').children.find((c) => c.name === 'configuration')!
  for (const kept of ['nodes', 'op_defaults', 'alerts']) assert.equal(section(kept), JSON.stringify(liveConfig.children.find((c) => c.name === kept)), kept)
  assert.match(section('crm_config'), /dc-version/)
  assert.match(section('crm_config'), /stonith-enabled/)
  assert.match(section('resources'), /grp_a/)
  assert.doesNotMatch(section('resources'), /"old"/)
  assert.ok(doc.children.some((c) => c.name === 'status'))
})

test('diff: a colocation without rsc-role equals rsc-role="Started" (the default) unless --strict', () => {
  const cib = (roles: string) =>
    parseCibXml(
      `<cib><configuration><crm_config/><nodes/><resources/><constraints>
  <rsc_colocation id="c" rsc="a" with-rsc="b" score="INFINITY"${roles}/></constraints></configuration></cib>`,
      'c.xml',
    )
  assert.ok(diffCibs(cib(''), cib(' rsc-role="Started"')).equal)
  assert.ok(diffCibs(cib(''), cib(' rsc-role="started" with-rsc-role="Started"')).equal)
  assert.ok(!diffCibs(cib(''), cib(' rsc-role="Started"'), {strict: true}).equal)
  assert.ok(!diffCibs(cib(' with-rsc-role="Started"'), cib(' with-rsc-role="Promoted"')).equal)
  assert.ok(!diffCibs(cib(''), cib(' rsc-role="Unpromoted"')).equal)
})
