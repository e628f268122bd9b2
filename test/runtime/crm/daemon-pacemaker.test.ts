/**
 * The same scenario on real Pacemaker 2.1.5 (test/helpers/pacemaker-lab.ts:
 * Corosync + Pacemaker in namespaces) and on two real `hakit run --crm`
 * daemons (loopback): the placements must be the same at each step. Cold
 * start of two Dummies and the DRBD pattern (promotable Stateful, a group
 * colocated with the promoted instance and ordered after promote), a Dummy
 * dies (its state file removed; migration-threshold=1 moves it), the node
 * with the promoted instance goes into standby and back, and the other node
 * loses power (no fencing). hakit's placements are read the way crm_mon's
 * are: Pacemaker's crm_simulate prints the live CIB's status. Root only.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pacemakerLabUnavailable, startPacemakerLab} from '../../helpers/pacemaker-lab.js'
import {haveCommand, projectRoot} from '../../helpers/cli.js'
import {CrmLab} from './crm-lab.js'
import {crmSimulatePlacements, sorted} from './settled.js'

const unavailable = pacemakerLabUnavailable()
  ?? (!haveCommand('crm_simulate') ? 'crm_simulate not installed' : undefined)
  ?? (!existsSync(join(projectRoot, 'dist', 'bundle')) ? 'dist/ is not built (npm run build)' : undefined)

const dummy = (id: string, meta = '') =>
  `<primitive id="${id}" class="ocf" provider="pacemaker" type="Dummy">${meta}<operations><op id="${id}-monitor" name="monitor" interval="2s" timeout="20s"/></operations></primitive>`
const RESOURCES = dummy('d1', `<meta_attributes id="d1-meta"><nvpair id="d1-mt" name="migration-threshold" value="1"/></meta_attributes>`) + dummy('d2') +
  `<clone id="ms_state"><meta_attributes id="ms_state-meta"><nvpair id="ms_state-p" name="promotable" value="true"/></meta_attributes>
    <primitive id="state" class="ocf" provider="pacemaker" type="Stateful"><operations>
      <op id="state-m1" name="monitor" interval="3s" role="Promoted" timeout="20s"/><op id="state-m2" name="monitor" interval="4s" role="Unpromoted" timeout="20s"/></operations></primitive></clone>
  <group id="g_web">${dummy('fs')}${dummy('web')}</group>`
const CONSTRAINTS = `<rsc_location id="d1-prefers-n1" rsc="d1" node="n1" score="50"/><rsc_location id="d2-prefers-n2" rsc="d2" node="n2" score="50"/>
  <rsc_location id="promote-on-n2" rsc="ms_state" role="Promoted" node="n2" score="20"/>
  <rsc_colocation id="g_web-with-promoted" score="INFINITY" rsc="g_web" with-rsc="ms_state" with-rsc-role="Promoted"/>
  <rsc_order id="promote-then-g_web" kind="Mandatory" first="ms_state" first-action="promote" then="g_web" then-action="start"/>`
const HAKIT_CIB = `<cib validate-with="pacemaker-3.9" epoch="1" admin_epoch="0" num_updates="0"><configuration>
  <crm_config><cluster_property_set id="lab-options"><nvpair id="lab-se" name="stonith-enabled" value="false"/><nvpair id="lab-dd" name="dc-deadtime" value="5s"/></cluster_property_set></crm_config>
  <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/></nodes>
  <resources>${RESOURCES}</resources><constraints>${CONSTRAINTS}</constraints></configuration><status/></cib>`

type Placements = Array<[string, string[]]>
const everythingUp = (p: Placements): boolean => {
  const m = new Map(p)
  return ['d1', 'd2', 'fs', 'web'].every((r) => m.get(r)?.length === 1) && (m.get('state') ?? []).some((e) => e.endsWith(':Promoted')) && (m.get('state') ?? []).length === 2
}

test('real Pacemaker and hakit run --crm end in the same placements: cold start, a Dummy dies, standby and back, power cut', {skip: unavailable ?? false, timeout: 600_000}, async (t) => {
  // ---- real Pacemaker first
  const real: Record<string, Placements> = {}
  const steps: {died?: string; standby?: string; cut?: string} = {}
  const lab = await startPacemakerLab(2)
  try {
    const n1 = lab.nodes[0]!
    const mon = (node = n1) => lab.exec(node, ['crm_mon', '-1', '-r']).stdout
    const placements = (out: string): Placements => sorted(crmSimulatePlacements(`Current cluster status:\n${out}\nTranscript end\n`))
    assert.equal(lab.exec(n1, ['cibadmin', '-C', '-o', 'crm_config', '-X', '<cluster_property_set id="lab-options"><nvpair id="lab-se" name="stonith-enabled" value="false"/></cluster_property_set>']).status, 0)
    assert.equal(lab.exec(n1, ['cibadmin', '--replace', '-o', 'resources', '-X', `<resources>${RESOURCES}</resources>`]).status, 0)
    assert.equal(lab.exec(n1, ['cibadmin', '--replace', '-o', 'constraints', '-X', `<constraints>${CONSTRAINTS}</constraints>`]).status, 0)
    const settled = async (what: string, check: (p: Placements) => boolean, node = n1): Promise<Placements> => {
      await lab.waitFor(what, 120_000, () => {
        const out = mon(node)
        return !/\b(Starting|Stopping|Promoting|Demoting|FAILED)\b/.test(out) && check(placements(out))
      })
      await new Promise((r) => setTimeout(r, 5_000))
      return placements(mon(node))
    }
    real.start = await settled('cold start (Pacemaker)', everythingUp)
    steps.died = new Map(real.start).get('d1')![0]!.split(':')[0]!
    const diedNode = lab.nodes.find((n) => n.name === steps.died)!
    assert.equal(lab.exec(diedNode, ['sh', '-c', 'rm /run/Dummy-d1.state']).status, 0)
    real.died = await settled('d1 recovered (Pacemaker)', (p) => everythingUp(p) && !new Map(p).get('d1')![0]!.startsWith(`${steps.died}:`))
    steps.standby = new Map(real.died).get('state')!.find((e) => e.endsWith(':Promoted'))!.split(':')[0]!
    const other = steps.standby === 'n1' ? 'n2' : 'n1'
    assert.equal(lab.exec(n1, ['crm_attribute', '-t', 'nodes', '-N', steps.standby, '-n', 'standby', '-v', 'on']).status, 0)
    real.standby = await settled('standby (Pacemaker)', (p) => (new Map(p).get('state') ?? []).join() === `${other}:Promoted` && new Map(p).get('web')?.[0] === `${other}:Started`)
    assert.equal(lab.exec(n1, ['crm_attribute', '-t', 'nodes', '-N', steps.standby, '-n', 'standby', '-v', 'off']).status, 0)
    real.online = await settled('standby off (Pacemaker)', (p) => (new Map(p).get('state') ?? []).length === 2 && (new Map(p).get('state') ?? []).includes(`${steps.standby}:Promoted`))
    steps.cut = 'n1'
    const survivor = lab.nodes.find((n) => n.name === 'n2')!
    process.kill(lab.nodes[0]!.initPid!, 'SIGKILL')
    await lab.waitFor('n1 offline (Pacemaker)', 120_000, () => /OFFLINE: \[ n1 \]/.test(mon(survivor)))
    real.cut = await settled('power cut (Pacemaker)', (p) => (new Map(p).get('state') ?? []).join() === 'n2:Promoted', survivor)
    t.diagnostic(`real Pacemaker: ${JSON.stringify(real)}`)
  } finally {
    lab.stop()
  }

  // ---- the same steps on hakit's daemons
  const hakit = new CrmLab({cib: HAKIT_CIB})
  try {
    let n = 0
    const placements = async (node: string): Promise<{placements: Placements; pending: string[]}> => {
      const file = join(hakit.root, `live-${n++}.xml`)
      writeFileSync(file, await hakit.cibXml(node))
      const out = spawnSync('crm_simulate', ['-S', '-x', file], {encoding: 'utf8'}).stdout
      const summary = out.split('Transition Summary:')[1]?.split('Executing Cluster Transition')[0] ?? ''
      return {placements: sorted(crmSimulatePlacements(out)), pending: summary.split('\n').filter((l) => /\* (Start|Stop|Move|Recover|Promote|Demote|Restart)/.test(l))}
    }
    const settled = async (what: string, check: (p: Placements) => boolean, node = 'n2'): Promise<Placements> => {
      let last = ''
      await hakit.waitFor(what, async () => {
        try {
          // settled: the check holds on two reads a few seconds apart (as the Pacemaker side waits on crm_mon)
          const first = await placements(node)
          if (!check(first.placements)) return false
          await new Promise((r) => setTimeout(r, 3_000))
          const again = await placements(node)
          last = `placements ${JSON.stringify(again.placements)}, crm_simulate would still do: ${again.pending.join('; ')}`
          return check(again.placements) && JSON.stringify(again.placements) === JSON.stringify(first.placements)
        } catch {
          return false
        }
      }, 120_000).catch((error: Error) => {
        throw new Error(`${last}\n${error.message}`)
      })
      await new Promise((r) => setTimeout(r, 5_000))
      return (await placements(node)).placements
    }
    hakit.start('n1')
    hakit.start('n2')
    assert.deepEqual(await settled('cold start (hakit)', everythingUp), real.start, 'cold start: the same placements as real Pacemaker')
    rmSync(join(hakit.node(steps.died!).runDir, 'Dummy-d1.state'))
    assert.deepEqual(await settled('d1 recovered (hakit)', (p) => everythingUp(p) && !new Map(p).get('d1')![0]!.startsWith(`${steps.died}:`)), real.died, 'after d1 died: the same placements')
    const other = steps.standby === 'n1' ? 'n2' : 'n1'
    await hakit.submit('n2', {op: 'node-attributes', uname: steps.standby!, attributes: {standby: 'on'}})
    assert.deepEqual(await settled('standby (hakit)', (p) => (new Map(p).get('state') ?? []).join() === `${other}:Promoted` && new Map(p).get('web')?.[0] === `${other}:Started`), real.standby, 'standby: the same placements')
    await hakit.submit('n2', {op: 'node-attributes', uname: steps.standby!, attributes: {standby: 'off'}})
    assert.deepEqual(await settled('standby off (hakit)', (p) => (new Map(p).get('state') ?? []).length === 2 && (new Map(p).get('state') ?? []).includes(`${steps.standby}:Promoted`)), real.online, 'standby off: the same placements')
    hakit.powerOff('n1')
    assert.deepEqual(await settled('power cut (hakit)', (p) => (new Map(p).get('state') ?? []).join() === 'n2:Promoted'), real.cut, 'after the power cut: the same placements')
  } finally {
    await hakit.cleanup()
  }
})
