/**
 * The same scenario on real Pacemaker 2.1.5 (test/helpers/pacemaker-lab.ts:
 * Corosync + Pacemaker in namespaces, nodes n1 and n2) and on hakit's
 * controller in the in-memory cluster: the placements must be the same at
 * each step. Cold start of two Dummies and the DRBD pattern (promotable
 * Stateful, a group colocated with the promoted instance and ordered after
 * promote), then a Dummy dies on its node (its state file removed; its monitor
 * notices) and migration-threshold=1 moves it, the node with the promoted
 * instance goes into standby and back, and finally the other node loses
 * power (no fencing). Root only; skipped elsewhere.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import type * as M from '../../../src/formats/cib/model.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {pacemakerLabUnavailable, startPacemakerLab} from '../../helpers/pacemaker-lab.js'
import {cibXml} from './cibs.js'
import {SimCluster} from './sim.js'
import {crmSimulatePlacements, sorted} from './settled.js'

const unavailable = pacemakerLabUnavailable()

const dummy = (id: string, meta = '') =>
  `<primitive id="${id}" class="ocf" provider="pacemaker" type="Dummy">${meta}<operations><op id="${id}-monitor" name="monitor" interval="2s" timeout="20s"/></operations></primitive>`

const RESOURCES = dummy('d1', `<meta_attributes id="d1-meta"><nvpair id="d1-mt" name="migration-threshold" value="1"/></meta_attributes>`) + dummy('d2') +
  `<clone id="ms_state"><meta_attributes id="ms_state-meta"><nvpair id="ms_state-p" name="promotable" value="true"/><nvpair id="ms_state-n" name="notify" value="true"/></meta_attributes>
    <primitive id="state" class="ocf" provider="pacemaker" type="Stateful"><operations>
      <op id="state-m1" name="monitor" interval="3s" role="Promoted" timeout="20s"/><op id="state-m2" name="monitor" interval="4s" role="Unpromoted" timeout="20s"/></operations></primitive></clone>
  <group id="g_web">${dummy('fs')}${dummy('web')}</group>`
const CONSTRAINTS = `<rsc_location id="d1-prefers-n1" rsc="d1" node="n1" score="50"/><rsc_location id="d2-prefers-n2" rsc="d2" node="n2" score="50"/>
  <rsc_location id="promote-on-n2" rsc="ms_state" role="Promoted" node="n2" score="20"/>
  <rsc_colocation id="g_web-with-promoted" score="INFINITY" rsc="g_web" with-rsc="ms_state" with-rsc-role="Promoted"/>
  <rsc_order id="promote-then-g_web" kind="Mandatory" first="ms_state" first-action="promote" then="g_web" then-action="start"/>`

/** What crm_mon's resource list says runs where (the same parsing as crm_simulate's status). */
function placementsFromMon(output: string): Array<[string, string[]]> {
  return sorted(crmSimulatePlacements(`Current cluster status:\n${output}\nTranscript end\n`))
}

test('real Pacemaker and hakit\'s controller end in the same placements: cold start, a Dummy dies (migration-threshold=1), standby and back, power cut', {skip: unavailable ?? false, timeout: 300_000}, async (t) => {
  const lab = await startPacemakerLab(2)
  try {
    const n1 = lab.nodes[0]!
    const mon = () => lab.exec(n1, ['crm_mon', '-1', '-r']).stdout
    const cib = (section: string, xml: string) => {
      const r = lab.exec(n1, ['cibadmin', '-C', '-o', section, '-X', xml])
      assert.equal(r.status, 0, r.stderr)
    }
    cib('crm_config', '<cluster_property_set id="lab-options"><nvpair id="lab-se" name="stonith-enabled" value="false"/></cluster_property_set>')
    const full = parseCibXml(cibXml({resources: RESOURCES, constraints: CONSTRAINTS}), 'lab.xml')
    const replace = lab.exec(n1, ['cibadmin', '--replace', '-o', 'resources', '-X', `<resources>${RESOURCES}</resources>`])
    assert.equal(replace.status, 0, replace.stderr)
    assert.equal(lab.exec(n1, ['cibadmin', '--replace', '-o', 'constraints', '-X', `<constraints>${CONSTRAINTS}</constraints>`]).status, 0)

    const settledReal = async (what: string, check: (p: Array<[string, string[]]>) => boolean) => {
      let last: Array<[string, string[]]> = []
      await lab.waitFor(what, 120_000, () => {
        const out = mon()
        if (/\b(Starting|Stopping|Promoting|Demoting|FAILED)\b/.test(out)) return false
        last = placementsFromMon(out)
        return check(last)
      }).catch((error: Error) => { throw new Error(`${error.message}\n${mon()}\n${lab.logTail()}`) })
      // and nothing pending for a while
      await new Promise((r) => setTimeout(r, 5_000))
      return placementsFromMon(mon())
    }
    const everythingUp = (p: Array<[string, string[]]>) => {
      const m = new Map(p)
      return ['d1', 'd2', 'fs', 'web'].every((r) => m.get(r)?.length === 1) && (m.get('state') ?? []).some((e) => e.endsWith(':Promoted')) && (m.get('state') ?? []).length === 2
    }
    const realStart = await settledReal('cold start on real Pacemaker', everythingUp)
    t.diagnostic(`real Pacemaker after cold start: ${JSON.stringify(realStart)}`)

    const sim = new SimCluster({cib: full})
    sim.start()
    sim.run()
    assert.deepEqual(sorted(sim.placements()), realStart, 'cold start: the same placements as real Pacemaker')

    // d1 dies where it runs
    const where = new Map(realStart).get('d1')![0].split(':')[0]
    const node = lab.nodes.find((n) => n.name === where)!
    assert.equal(lab.exec(node, ['sh', '-c', 'rm /run/Dummy-d1.state']).status, 0, 'Dummy keeps its state in the node\'s /run')
    const realAfter = await settledReal('d1 recovered on real Pacemaker', (p) => everythingUp(p) && !new Map(p).get('d1')![0].startsWith(`${where}:`))
    t.diagnostic(`real Pacemaker after d1 died on ${where}: ${JSON.stringify(realAfter)}`)
    sim.kill(where, 'd1')
    sim.run()
    assert.deepEqual(sorted(sim.placements()), realAfter, 'after the failure: the same placements as real Pacemaker')
    const realFailCount = lab.exec(n1, ['crm_failcount', '-G', '-r', 'd1', '-N', where]).stdout
    assert.match(realFailCount, /value=1\b/, realFailCount)
    const simCib: M.Cib = sim.cib
    assert.equal(simCib.status.find((s) => s.uname === where)?.transientAttributes[0]?.pairs.find((p) => p.name === 'fail-count-d1#monitor_2000')?.value, '1')

    // the node with the promoted instance goes into standby (crm node standby): everything leaves it
    const promotedOn = new Map(realAfter).get('state')!.find((e) => e.endsWith(':Promoted'))!.split(':')[0]
    const other = promotedOn === 'n1' ? 'n2' : 'n1'
    assert.equal(lab.exec(n1, ['crm_attribute', '-t', 'nodes', '-N', promotedOn, '-n', 'standby', '-v', 'on']).status, 0)
    const realStandby = await settledReal(`${promotedOn} in standby on real Pacemaker`, (p) => {
      const m = new Map(p)
      return ['d2', 'fs', 'web'].every((r) => m.get(r)?.[0] === `${other}:Started`) && (m.get('state') ?? []).join() === `${other}:Promoted`
    })
    t.diagnostic(`real Pacemaker with ${promotedOn} in standby: ${JSON.stringify(realStandby)}`)
    sim.reconfigure((c) => {
      const n = c.nodes.find((x) => x.uname === promotedOn)!
      n.instanceAttributes.push({id: `nodes-${n.id}`, pairs: [{id: `nodes-${n.id}-standby`, name: 'standby', value: 'on'}]})
    })
    sim.run()
    assert.deepEqual(sorted(sim.placements()), realStandby, 'standby: the same placements as real Pacemaker')

    // back online: what prefers it returns
    assert.equal(lab.exec(n1, ['crm_attribute', '-t', 'nodes', '-N', promotedOn, '-n', 'standby', '-v', 'off']).status, 0)
    const realOnline = await settledReal(`${promotedOn} online again on real Pacemaker`, (p) => {
      const m = new Map(p)
      return (m.get('state') ?? []).length === 2 && (m.get('state') ?? []).includes(`${promotedOn}:Promoted`)
    })
    t.diagnostic(`real Pacemaker with ${promotedOn} online again: ${JSON.stringify(realOnline)}`)
    sim.reconfigure((c) => {
      const n = c.nodes.find((x) => x.uname === promotedOn)!
      n.instanceAttributes = []
    })
    sim.run()
    assert.deepEqual(sorted(sim.placements()), realOnline, 'standby off: the same placements as real Pacemaker')

    // power cut of the node that is not the simulated DC (no fencing): the survivor takes over
    const cut = lab.nodes.find((n) => n.name !== sim.dc)!
    process.kill(cut.initPid!, 'SIGKILL')
    const survivor = sim.dc
    const monSurvivor = () => lab.exec(lab.nodes.find((n) => n.name === survivor)!, ['crm_mon', '-1', '-r']).stdout
    let realCut: Array<[string, string[]]> = []
    await lab.waitFor(`recovery on ${survivor} after ${cut.name}'s power cut`, 120_000, () => {
      const out = monSurvivor()
      if (!/OFFLINE: \[ \S+ \]/.test(out) || /\b(Starting|Stopping|Promoting|Demoting)\b/.test(out)) return false
      realCut = placementsFromMon(out)
      const m = new Map(realCut)
      return (m.get('state') ?? []).join() === `${survivor}:Promoted`
    })
    await new Promise((r) => setTimeout(r, 5_000))
    realCut = placementsFromMon(monSurvivor())
    t.diagnostic(`real Pacemaker after ${cut.name}'s power cut: ${JSON.stringify(realCut)}`)
    sim.crash(cut.name)
    sim.run()
    assert.deepEqual(sorted(sim.placements()), realCut, 'power cut: the same placements as real Pacemaker')
    assert.deepEqual(sim.violations, [])
  } finally {
    lab.stop()
  }
})
