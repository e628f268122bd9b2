/**
 * The behaviour-equivalence check: the v1 failover machine on the legacy
 * files and the scheduler on the converted CIB, through the same scenarios.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {convertBundle} from '../../src/converters/bundle.js'
import {legacyPaths, loadLegacy} from '../../src/converters/load.js'
import {autoFailbackOf, checkBehaviour, hasStonith, type BehaviourReport} from '../../src/converters/behaviour/index.js'
import {printCibXml} from '../../src/formats/cib/xml.js'
import type {Cib} from '../../src/formats/cib/model.js'
import {fixturesDir, runCli} from '../helpers/cli.js'

const work = mkdtempSync(join(tmpdir(), 'hakit-behaviour-'))
test.after(() => rmSync(work, {recursive: true, force: true}))
const fixture = (name: string) => join(fixturesDir, 'convert', name)

async function check(dir: string, edit?: (cib: Cib) => void): Promise<BehaviourReport> {
  const inputs = await loadLegacy(await legacyPaths(dir))
  const bundle = convertBundle(inputs)
  edit?.(bundle.cib)
  const directives = inputs.hacf?.directives ?? []
  return checkBehaviour({nodes: bundle.nodes, units: bundle.units, autoFailback: autoFailbackOf(directives), stonith: hasStonith(directives), cib: bundle.cib})
}

/** `scenario / group: v1 → pacemaker` for every row. */
const rows = (r: BehaviourReport) => r.scenarios.flatMap((s) => s.groups.map((g) => `${s.name} / ${g.unit}: ${g.v1.join('+') || '-'} ${g.same ? '=' : g.documented ? '~' : '≠'} ${g.pacemaker.join('+') || '-'}`))

test('two lines, auto_failback legacy: same everywhere but standby and a failed start, both documented', async () => {
  const r = await check(fixture('two-lines'))
  assert.deepEqual(rows(r), [
    'both nodes start / grp_NodeA_1: NodeA = NodeA',
    'both nodes start / grp_NodeB_2: NodeB = NodeB',
    'NodeA lost / grp_NodeA_1: NodeB = NodeB',
    'NodeA lost / grp_NodeB_2: NodeB = NodeB',
    'NodeA back (auto_failback legacy) / grp_NodeA_1: NodeA = NodeA',
    'NodeA back (auto_failback legacy) / grp_NodeB_2: NodeB = NodeB',
    'standby of NodeA / grp_NodeA_1: NodeA ~ NodeB',
    'standby of NodeA / grp_NodeB_2: NodeB = NodeB',
    'NodeB lost / grp_NodeA_1: NodeA = NodeA',
    'NodeB lost / grp_NodeB_2: NodeA = NodeA',
    'NodeB back (auto_failback legacy) / grp_NodeA_1: NodeA = NodeA',
    'NodeB back (auto_failback legacy) / grp_NodeB_2: NodeB = NodeB',
    'standby of NodeB / grp_NodeA_1: NodeA = NodeA',
    'standby of NodeB / grp_NodeB_2: NodeB ~ NodeA',
    'grp_NodeA_1 fails to start on NodeA / grp_NodeA_1: - ~ NodeB',
    'grp_NodeA_1 fails to start on NodeA / grp_NodeB_2: NodeB = NodeB',
    'grp_NodeB_2 fails to start on NodeB / grp_NodeA_1: NodeA = NodeA',
    'grp_NodeB_2 fails to start on NodeB / grp_NodeB_2: - ~ NodeA',
    'partition: NodeA | NodeB / grp_NodeA_1: NodeA+NodeB = NodeA+NodeB',
    'partition: NodeA | NodeB / grp_NodeB_2: NodeA+NodeB = NodeA+NodeB',
  ])
  assert.equal(r.undocumented, 0)
  const failed = r.scenarios.find((s) => s.kind === 'start-failure')!.groups.find((g) => !g.same)!
  assert.match(failed.reason!, /Pacemaker moves a group whose start failed.*Heartbeat leaves it stopped/)
})

test('DRBD example with auto_failback on: Heartbeat hands a failed group to the peer too (hb_standby foreign), so all the same', async () => {
  const r = await check(join(fixturesDir, 'example-cluster'))
  assert.equal(r.scenarios.flatMap((s) => s.groups).filter((g) => !g.same).length, 0, rows(r).join('\n'))
  assert.ok(rows(r).includes('grp_n1_1 fails to start on n1 / grp_n1_1: n2 = n2'))
})

test('three nodes: a minority partition stops under Pacemaker; the choice of survivor differs (documented)', async () => {
  const r = await check(fixture('three-nodes'))
  const partition = r.scenarios.find((s) => s.kind === 'partition')!
  assert.deepEqual(partition.groups.map((g) => `${g.unit}: ${g.v1.join('+')} → ${g.pacemaker.join('+')}`), [
    'grp_alpha_1: alpha+bravo → bravo',
    'ip_10_1_0_102: alpha+bravo → bravo',
    'grp_charlie_3: alpha+charlie → charlie',
  ])
  assert.ok(partition.groups.every((g) => g.documented && /without quorum/.test(g.reason!)))
  assert.equal(r.undocumented, 0)
})

test('a conversion that loses auto_failback is caught: an undocumented difference, exit 1', async () => {
  // auto_failback on converted with a stickiness above the location score: groups no longer fail back.
  const sticky = (cib: Cib) => {
    cib.rscDefaults = [{id: 'rsc-options', pairs: [{id: 'rsc-options-resource-stickiness', name: 'resource-stickiness', value: '1000'}]}]
  }
  const r = await check(join(fixturesDir, 'example-cluster'), sticky)
  const back = r.scenarios.filter((s) => s.kind === 'node-back').flatMap((s) => s.groups).filter((g) => !g.same)
  assert.ok(back.length > 0, rows(r).join('\n'))
  assert.ok(back.every((g) => !g.documented && /does not match auto_failback/.test(g.reason!)))
  assert.ok(r.undocumented > 0)

  // The same through the command: the converted cib.xml passes, the edited one does not.
  const out = join(work, 'example')
  const convert = runCli(['convert', 'all', join(fixturesDir, 'example-cluster'), '--out', out, '--check'])
  assert.equal(convert.status, 0, convert.stderr)
  assert.match(convert.stdout, /^scenario\s+group\s+Heartbeat v1\s+Pacemaker/m)
  assert.match(readFileSync(join(out, 'MIGRATION.md'), 'utf8'), /## Behaviour changes[\s\S]*\| n1 lost \| `grp_n1_1` \| n2 \| n2 \| same \|/)
  assert.equal(runCli(['diff', 'behaviour', join(fixturesDir, 'example-cluster'), join(out, 'cib.xml')]).status, 0)
  const inputs = await loadLegacy(await legacyPaths(join(fixturesDir, 'example-cluster')))
  const edited = convertBundle(inputs).cib
  sticky(edited)
  const file = join(work, 'sticky.xml')
  writeFileSync(file, printCibXml(edited))
  const diff = runCli(['diff', 'behaviour', join(fixturesDir, 'example-cluster'), file])
  assert.equal(diff.status, 1, diff.stdout + diff.stderr)
  assert.match(diff.stdout, /back \(auto_failback on\), grp_n1_1: .*does not match auto_failback\. \(not a documented difference\)/)
  // A CIB without the converted group ids: trouble, exit 2.
  writeFileSync(file, '<cib><configuration><crm_config/><nodes/><resources/><constraints/></configuration><status/></cib>')
  const missing = runCli(['diff', 'behaviour', join(fixturesDir, 'example-cluster'), file])
  assert.equal(missing.status, 2)
  assert.match(missing.stderr, /no resource grp_n1_1 \(haresources line \d+\)/)
})
