/**
 * Scenario tests of the DC's controller driven by the in-memory cluster
 * (sim.ts): each ends with the cluster settled (settled.ts: the recorded CIB
 * matches what runs, and hakit's scheduler and the real crm_simulate plan
 * nothing more) plus the placements and records the scenario is about.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {getTransientAttr, findNodeState} from '../../../src/runtime/crm/history.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {applyInjections} from '../../../src/runtime/scheduler/inject.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {cibXml, drbdPattern, dummy, fenceDevice, meta} from './cibs.js'
import {SimCluster} from './sim.js'
import {assertSettled, crmSimulatePrediction, sorted} from './settled.js'

/** The simulated cluster ended where the real crm_simulate predicted (when it is installed). */
function assertPredicted(sim: SimCluster, predicted: Map<string, string[]> | undefined): void {
  if (predicted) assert.deepEqual(sorted(sim.placements()), sorted(predicted), 'placements as crm_simulate predicts')
}

function op(sim: SimCluster, node: string, rsc: string, id: string): Record<string, string> | undefined {
  return findNodeState(sim.cib, node)?.lrmResources.find((r) => r.id === rsc)?.operations.find((o) => o.id === id)?.attributes
}

test('cold start: placements as the scheduler predicts, history as Pacemaker writes it', () => {
  const xml = cibXml({resources: dummy('d1') + dummy('d2') + dummy('d3')})
  const predicted = schedule(applyInjections(parseCibXml(xml, 'x'), {nodeUp: ['n1', 'n2'], quorum: true}), {now: 0}).placement
  const sim = new SimCluster({cib: xml})
  sim.start()
  sim.run()
  assertSettled(sim)
  for (const p of predicted) assert.deepEqual(sim.activeOn(p.resource), [p.next], `${p.resource} where predicted`)
  // probes on both nodes, then start and monitor where placed
  const where = sim.activeOn('d1')[0]
  const other = where === 'n1' ? 'n2' : 'n1'
  assert.equal(op(sim, other, 'd1', 'd1_last_0')?.operation_key, 'd1_monitor_0')
  assert.equal(op(sim, other, 'd1', 'd1_last_0')?.['rc-code'], '7')
  const start = op(sim, where, 'd1', 'd1_last_0')!
  assert.equal(start.operation_key, 'd1_start_0')
  assert.match(start['transition-key'], /^\d+:\d+:0:sim-dc-uuid$/)
  assert.equal(start['transition-magic'], `0:0;${start['transition-key']}`)
  assert.equal(start['op-digest'], 'f2317cad3d54cec5d7d7aa7d0bf35cf8', 'digest of <parameters/> as Pacemaker 2.1.5 records it')
  assert.equal(start.on_node, where)
  const mon = op(sim, where, 'd1', 'd1_monitor_10000')!
  assert.equal(mon.interval, '10000')
  assert.equal(mon['rc-code'], '0')
  assert.ok(Number(mon['call-id']) > Number(start['call-id']), 'monitor started after the start')
  assert.equal(findNodeState(sim.cib, 'n1')?.attributes.join, 'member')
})

test('node loss without fencing: the lost node\'s resources start on the survivor', () => {
  const sim = new SimCluster({cib: cibXml({resources: dummy('d1') + dummy('d2')})})
  sim.start()
  sim.run()
  const victim = sim.activeOn('d1')[0]
  const predicted = crmSimulatePrediction(sim, ['--node-fail', victim])
  sim.crash(victim)
  sim.run()
  const survivor = victim === 'n1' ? 'n2' : 'n1'
  assertPredicted(sim, predicted)
  assert.deepEqual(sim.activeOn('d1'), [survivor])
  assert.deepEqual(sim.activeOn('d2'), [survivor])
  assert.equal(findNodeState(sim.cib, victim)?.attributes.in_ccm, 'false')
  assertSettled(sim)
})

test('monitor failure: fail-count 1 and local restart; at migration-threshold the resource moves', () => {
  const sim = new SimCluster({cib: cibXml({resources: dummy('d1', meta('d1', {'migration-threshold': '2'}))})})
  sim.start()
  sim.run()
  const first = sim.activeOn('d1')[0]
  const predicted = crmSimulatePrediction(sim, ['--op-inject', `d1_monitor_10000@${first}=7`])
  sim.kill(first, 'd1')
  sim.run()
  assertPredicted(sim, predicted)
  assert.equal(getTransientAttr(sim.cib, first, 'fail-count-d1#monitor_10000'), '1')
  assert.match(getTransientAttr(sim.cib, first, 'last-failure-d1#monitor_10000') ?? '', /^\d+$/)
  assert.equal(op(sim, first, 'd1', 'd1_last_failure_0')?.['rc-code'], '7', 'the failed monitor is the last failure')
  assert.deepEqual(sim.activeOn('d1'), [first], 'recovered in place')
  assertSettled(sim)
  const predicted2 = crmSimulatePrediction(sim, ['--op-inject', `d1_monitor_10000@${first}=7`])
  sim.kill(first, 'd1')
  sim.run()
  assertPredicted(sim, predicted2)
  assert.equal(getTransientAttr(sim.cib, first, 'fail-count-d1#monitor_10000'), '2')
  assert.deepEqual(sim.activeOn('d1'), [first === 'n1' ? 'n2' : 'n1'], 'moved at migration-threshold=2')
  assertSettled(sim)
})

test('start failure: fail-count INFINITY (start-failure-is-fatal) and the resource starts elsewhere', () => {
  const xml = cibXml({resources: dummy('d1')})
  const planned = schedule(applyInjections(parseCibXml(xml, 'x'), {nodeUp: ['n1', 'n2'], quorum: true}), {now: 0}).placement[0].next!
  const sim = new SimCluster({cib: xml})
  sim.failRules.push({node: planned, rscId: 'd1', action: 'start', rc: 1})
  sim.start()
  sim.run()
  assert.equal(getTransientAttr(sim.cib, planned, 'fail-count-d1#start_0'), 'INFINITY')
  assert.deepEqual(sim.activeOn('d1'), [planned === 'n1' ? 'n2' : 'n1'])
  assert.ok(sim.executed.includes(`${planned} d1 stop 0`), 'the failed start is cleaned up with a stop')
  assertSettled(sim)
})

test('start failure with start-failure-is-fatal=false: counted as 1, recovered where the scheduler says', () => {
  const sim = new SimCluster({cib: cibXml({resources: dummy('d1'), options: {'start-failure-is-fatal': 'false'}})})
  sim.failRules.push({rscId: 'd1', action: 'start', rc: 1})
  sim.start()
  sim.run()
  const failedOn = ['n1', 'n2'].find((n) => getTransientAttr(sim.cib, n, 'fail-count-d1#start_0') !== undefined)!
  assert.equal(getTransientAttr(sim.cib, failedOn, 'fail-count-d1#start_0'), '1')
  assert.equal(sim.activeOn('d1').length, 1)
  assertSettled(sim)
})

test('fencing: a lost node is fenced before its resources start elsewhere', () => {
  const sim = new SimCluster({cib: cibXml({stonith: true, resources: fenceDevice('st', ['n1', 'n2']) + dummy('d1') + dummy('d2')})})
  sim.start()
  sim.run()
  const victim = sim.activeOn('d1')[0]
  const survivor = victim === 'n1' ? 'n2' : 'n1'
  const before = sim.executed.length
  const predicted = crmSimulatePrediction(sim, ['--node-fail', victim])
  sim.crash(victim)
  sim.run()
  assertPredicted(sim, predicted)
  const after = sim.executed.slice(before)
  const fenceAt = after.indexOf(`fence ${victim}`)
  assert.ok(fenceAt >= 0, 'fenced')
  assert.ok(after.indexOf(`${survivor} d1 start 0`) > fenceAt, 'd1 started after the fence')
  assert.deepEqual(sim.activeOn('d1'), [survivor])
  const ns = findNodeState(sim.cib, victim)!
  assert.equal(ns.attributes.expected, 'down')
  assert.equal(ns.attributes['crm-debug-origin'], 'send_stonith_update')
  assert.deepEqual(ns.lrmResources, [], 'the fenced node\'s history is erased')
  assert.ok(sim.logs.some((l) => l.includes(`Peer ${victim} was terminated (reboot) by ${survivor}`)))
  assertSettled(sim)
})

test('fencing failure: nothing of the node is recovered; retried with back-off until it works', () => {
  const sim = new SimCluster({cib: cibXml({stonith: true, resources: fenceDevice('st', ['n1', 'n2']) + dummy('d1')})})
  sim.start()
  sim.run()
  const victim = sim.activeOn('d1')[0]
  const survivor = victim === 'n1' ? 'n2' : 'n1'
  sim.brokenDevices.add('st')
  const origin = sim.executed.length
  sim.crash(victim)
  sim.run(40_000)
  const fences = sim.executed.slice(origin).filter((e) => e === `fence ${victim}`).length
  assert.ok(fences >= 4, `fencing retried (${fences} attempts)`)
  assert.deepEqual(sim.activeOn('d1'), [], 'd1 not recovered while the node is not fenced')
  assert.ok(!sim.executed.slice(origin).includes(`${survivor} d1 start 0`))
  // back-off: each retry waits longer than the one before (2 s doubling in the harness)
  const gaps = sim.fenceTimes.slice(1).map((t, i) => t - sim.fenceTimes[i])
  for (let i = 1; i < gaps.length; i++) assert.ok(gaps[i] > gaps[i - 1], `retry gaps grow: ${gaps.join(', ')}`)
  assert.equal(sim.logs.filter((l) => l.includes(`was not terminated`)).length, fences)
  sim.brokenDevices.delete('st')
  sim.run(120_000)
  assert.deepEqual(sim.activeOn('d1'), [survivor], 'recovered once fencing succeeded')
  assertSettled(sim)
})

test('fencing topology: levels are tried in order, the second level fences when the first fails', () => {
  const topology = `<fencing-topology><fencing-level id="fl-1" target="n2" index="1" devices="ipmi"/><fencing-level id="fl-2" target="n2" index="2" devices="pdu"/></fencing-topology>`
  const sim = new SimCluster({cib: cibXml({stonith: true, resources: fenceDevice('ipmi', ['n2']) + fenceDevice('pdu', ['n1', 'n2']) + dummy('d1', `<instance_attributes id="d1-ia"/>`), constraints: `<rsc_location id="d1-on-n2" rsc="d1" node="n2" score="100"/>`, fencingTopology: topology})})
  sim.start()
  sim.run()
  assert.deepEqual(sim.activeOn('d1'), ['n2'])
  sim.brokenDevices.add('ipmi')
  sim.crash('n2')
  sim.run()
  assert.deepEqual(sim.fenced, ['n2'])
  assert.deepEqual(sim.activeOn('d1'), ['n1'])
  assertSettled(sim)
})

test('startup-fencing: a configured node never seen is fenced before resources start', () => {
  const sim = new SimCluster({cib: cibXml({nodes: ['n1', 'n2', 'n3'], stonith: true, resources: fenceDevice('st', ['n1', 'n2', 'n3']) + dummy('d1')}), up: ['n1', 'n2']})
  sim.start()
  sim.run()
  const fenceAt = sim.executed.indexOf('fence n3')
  assert.ok(fenceAt >= 0, 'n3 fenced')
  const startAt = sim.executed.findIndex((e) => / d1 start 0$/.test(e))
  assert.ok(startAt > fenceAt, 'd1 started after n3 was fenced')
  assertSettled(sim)
})

test('clean shutdown: resources move away, the node is told to go, no fencing', () => {
  const sim = new SimCluster({cib: cibXml({stonith: true, resources: fenceDevice('st', ['n1', 'n2']) + dummy('d1') + dummy('d2')})})
  sim.start()
  sim.run()
  const leaving = sim.activeOn('d1')[0]
  const staying = leaving === 'n1' ? 'n2' : 'n1'
  sim.shutdown(leaving)
  sim.run()
  assert.deepEqual(sim.shutdownsSent, [leaving])
  assert.deepEqual(sim.fenced, [])
  assert.deepEqual(sim.activeOn('d1'), [staying])
  assert.deepEqual(sim.activeOn('d2'), [staying])
  const ns = findNodeState(sim.cib, leaving)!
  assert.equal(ns.attributes.expected, 'down')
  assert.equal(ns.attributes.join, 'down')
  assertSettled(sim)
})

test('shutdown in maintenance mode: the node is told to go at once, its resources keep running', () => {
  const sim = new SimCluster({cib: cibXml({resources: dummy('d1') + dummy('d2')})})
  sim.start()
  sim.run()
  const before = sim.placements()
  const leaving = sim.activeOn('d1')[0]!
  sim.reconfigure((cib) => {
    cib.crmConfig[0]!.pairs.push({id: 'opt-maintenance-mode', name: 'maintenance-mode', value: 'true'})
  })
  sim.run()
  sim.shutdown(leaving)
  sim.run()
  assert.deepEqual(sim.shutdownsSent, [leaving])
  assert.deepEqual(sim.placements(), before, 'nothing stopped or moved')
})

test('promotable clone with Stateful promotion scores and a group colocated with the promoted instance', () => {
  const d = drbdPattern()
  const sim = new SimCluster({cib: cibXml({resources: d.resources, constraints: d.constraints})})
  sim.start()
  sim.run()
  const promoted = ['n1', 'n2'].filter((n) => sim.roleOn(n, 'state') === 'Promoted')
  assert.equal(promoted.length, 1, 'one promoted instance')
  const other = promoted[0] === 'n1' ? 'n2' : 'n1'
  assert.equal(sim.roleOn(other, 'state'), 'Unpromoted')
  assert.deepEqual(sim.activeOn('fs'), promoted)
  assert.deepEqual(sim.activeOn('web'), promoted)
  assert.equal(getTransientAttr(sim.cib, promoted[0], 'master-state'), '10')
  assert.equal(getTransientAttr(sim.cib, other, 'master-state'), '5')
  // the group started only after the promote
  const promoteAt = sim.executed.indexOf(`${promoted[0]} state promote 0`)
  assert.ok(promoteAt >= 0 && sim.executed.indexOf(`${promoted[0]} fs start 0`) > promoteAt)
  // notify=true: instances were notified around start and promote
  assert.ok(sim.executed.filter((e) => e.endsWith('state notify 0')).length >= 4)
  const postPromote = sim.requests.filter((r) => r.request.action === 'notify' && r.request.notify?.type === 'post' && r.request.notify.operation === 'promote')
  assert.deepEqual(postPromote.map((r) => r.node).sort(), ['n1', 'n2'], 'post-promote notification to both instances')
  const sets = postPromote[0].request.notify!.sets
  assert.deepEqual(sets.promote?.unames, promoted, 'CRM_meta_notify_promote_uname')
  assert.match(sets.promote?.resources?.[0] ?? '', /^state:\d$/, 'instance names')
  assert.equal(sets.active?.resources?.length, 2)
  assert.equal(postPromote[0].request.opMeta?.notify_type, 'post')
  assert.equal(postPromote[0].request.clone?.notify, true)
  assert.ok(op(sim, promoted[0], 'state', 'state_monitor_10000'), 'promoted monitor (role=Promoted) running')
  assertSettled(sim)
  // the promoted node dies: the other instance is promoted and the group follows
  const predicted = crmSimulatePrediction(sim, ['--node-fail', promoted[0]])
  sim.crash(promoted[0])
  sim.run()
  assertPredicted(sim, predicted)
  assert.equal(sim.roleOn(other, 'state'), 'Promoted')
  assert.deepEqual(sim.activeOn('fs'), [other])
  assertSettled(sim)
})

test('failure-timeout: the recheck timer is set for the expiry, not 15 minutes, and clears the failure', () => {
  const sim = new SimCluster({cib: cibXml({resources: dummy('d1', meta('d1', {'failure-timeout': '60s', 'migration-threshold': '1'}))})})
  sim.start()
  sim.run()
  const first = sim.activeOn('d1')[0]
  sim.kill(first, 'd1')
  sim.run(1_000)
  const lastFailure = Number(getTransientAttr(sim.cib, first, 'last-failure-d1#monitor_10000'))
  assert.ok(lastFailure > 0)
  assert.deepEqual(sim.activeOn('d1'), [first === 'n1' ? 'n2' : 'n1'], 'moved (migration-threshold=1)')
  assert.equal(sim.timers.get('recheck'), lastFailure * 1000 + 60_000 + 1, 'recheck at the expiry')
  sim.run(61_000)
  assert.equal(getTransientAttr(sim.cib, first, 'fail-count-d1#monitor_10000'), undefined, 'fail-count cleared')
  assert.equal(getTransientAttr(sim.cib, first, 'last-failure-d1#monitor_10000'), undefined)
  assert.ok(sim.logs.some((l) => l.includes(`Clearing failure of d1 on ${first} because it expired`)))
  assert.ok(sim.timers.get('recheck')! > sim.now + 14 * 60_000, 'back to cluster-recheck-interval')
  assertSettled(sim)
})

test('on-fail=ignore: only last-failure is set, the resource stays', () => {
  const rsc = `<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"><operations><op id="d1-m" name="monitor" interval="10s" on-fail="ignore"/></operations></primitive>`
  const sim = new SimCluster({cib: cibXml({resources: rsc})})
  sim.start()
  sim.run()
  const where = sim.activeOn('d1')[0]
  sim.failRules.push({rscId: 'd1', action: 'monitor', intervalMs: 10_000, rc: 1, times: 1})
  sim.kill(where, 'd1')
  sim.run()
  assert.equal(getTransientAttr(sim.cib, where, 'fail-count-d1#monitor_10000'), undefined)
  assert.match(getTransientAttr(sim.cib, where, 'last-failure-d1#monitor_10000') ?? '', /^\d+$/)
})

test('an operation that never reports back times out after timeout + cluster-delay and is recovered', () => {
  const sim = new SimCluster({cib: cibXml({resources: dummy('d1'), options: {'cluster-delay': '5s'}})})
  sim.start()
  sim.run()
  const where = sim.activeOn('d1')[0]
  // the resource dies and the node's executor loses the restart: only the controller's timer can notice
  sim.lostOps.push({rscId: 'd1', action: 'start'})
  sim.kill(where, 'd1')
  sim.run(60_000)
  assert.equal(sim.lostOps.length, 0, 'the start was lost')
  assert.ok(sim.logs.some((l) => l.includes('did not send start result')), 'action timer fired')
  assert.ok(['n1', 'n2'].some((n) => getTransientAttr(sim.cib, n, 'fail-count-d1#start_0') === 'INFINITY'), 'timeout counted as a start failure')
  assert.equal(sim.activeOn('d1').length, 1)
  assertSettled(sim)
})

test('quorum: a three-node cluster that loses two nodes stops its resources (no-quorum-policy=stop)', () => {
  const sim = new SimCluster({cib: cibXml({nodes: ['n1', 'n2', 'n3'], resources: dummy('d1') + dummy('d2') + dummy('d3')})})
  sim.start()
  sim.run()
  assert.equal([...sim.placements().keys()].length, 3)
  sim.crash('n2')
  sim.run()
  sim.crash('n3')
  sim.run()
  assert.deepEqual([...sim.placements().keys()], [], 'everything stopped without quorum')
  assertSettled(sim)
})

test('a node that rejoins is probed and takes its share again', () => {
  const sim = new SimCluster({cib: cibXml({resources: dummy('d1') + dummy('d2'), rscDefaults: {'resource-stickiness': '0'}})})
  sim.start()
  sim.run()
  sim.crash('n2')
  sim.run()
  sim.join('n2')
  sim.run()
  assert.ok(sim.executed.includes('n2 d1 monitor 0') && sim.executed.lastIndexOf('n2 d1 monitor 0') > sim.executed.indexOf('n2 d1 monitor 0'), 'probed again after the rejoin')
  assert.equal(sim.activeOn('d1').length + sim.activeOn('d2').length, 2)
  assertSettled(sim)
})

test('a configuration change aborts and re-plans: target-role=Stopped stops the resource', () => {
  const sim = new SimCluster({cib: cibXml({resources: dummy('d1')})})
  sim.start()
  sim.run()
  sim.reconfigure((cib) => {
    const p = cib.resources[0]
    if (p.kind === 'primitive') p.metaAttributes.push({id: 'd1-meta', pairs: [{id: 'd1-meta-tr', name: 'target-role', value: 'Stopped'}]})
  })
  sim.run()
  assert.deepEqual(sim.activeOn('d1'), [])
  assertSettled(sim)
})

test('stop failure with fencing: the node is fenced and the resource recovered elsewhere', () => {
  const sim = new SimCluster({cib: cibXml({stonith: true, resources: fenceDevice('st', ['n1', 'n2']) + dummy('d1', meta('d1', {'migration-threshold': '1'}))})})
  sim.start()
  sim.run()
  const first = sim.activeOn('d1')[0]
  const other = first === 'n1' ? 'n2' : 'n1'
  sim.failRules.push({node: first, rscId: 'd1', action: 'stop', rc: 1})
  sim.kill(first, 'd1')
  sim.run()
  assert.deepEqual(sim.fenced, [first], 'stop failure ⇒ on-fail=fence')
  assert.deepEqual(sim.activeOn('d1'), [other])
  sim.join(first)
  sim.run()
  assertSettled(sim)
})

test('stop failure without fencing: the resource is blocked, nothing more is tried', () => {
  const sim = new SimCluster({cib: cibXml({resources: dummy('d1', meta('d1', {'migration-threshold': '1'}))})})
  sim.start()
  sim.run()
  const first = sim.activeOn('d1')[0]
  sim.failRules.push({node: first, rscId: 'd1', action: 'stop', rc: 1})
  sim.kill(first, 'd1')
  sim.run()
  assert.equal(getTransientAttr(sim.cib, first, 'fail-count-d1#stop_0'), 'INFINITY')
  const starts = sim.executed.filter((e) => e.endsWith('d1 start 0')).length
  sim.run(600_000)
  assert.equal(sim.executed.filter((e) => e.endsWith('d1 start 0')).length, starts, 'no further start (blocked)')
  assert.deepEqual(sim.violations, [])
  assert.deepEqual(sim.pendingActions(), [])
})

test('batch-limit caps the operations in flight', () => {
  const sim = new SimCluster({cib: cibXml({resources: ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => dummy(x)).join(''), options: {'batch-limit': '2'}}), seed: 7})
  sim.start()
  sim.run()
  assert.equal(sim.maxInFlight, 2)
  assert.equal(sim.placements().size, 6)
  assertSettled(sim)
})

test('a recurring monitor waits while its node starts the next member of a group; every monitor runs once the starts are done', () => {
  const group = `<group id="g">${dummy('a')}${dummy('b')}${dummy('c')}</group>`
  const sim = new SimCluster({cib: cibXml({resources: group})})
  sim.start()
  sim.run()
  const where = sim.activeOn('a')[0]
  // "rsc action" of what ran there, probes left out
  const here = sim.executed.filter((e) => e.startsWith(`${where} `) && !/ monitor 0$/.test(e)).map((e) => e.split(' ').slice(1, 3).join(' '))
  assert.deepEqual(here.filter((e) => e.endsWith('start')), ['a start', 'b start', 'c start'])
  const lastStart = here.indexOf('c start')
  for (const m of ['a monitor', 'b monitor', 'c monitor']) assert.ok(here.indexOf(m) > lastStart, `${m} after the group's last start (${here.join(', ')})`)
  assertSettled(sim)
})

test('a held recurring monitor runs anyway after 2 s when a start of its node does not finish', () => {
  const group = `<group id="g">${dummy('a')}${dummy('b')}</group>`
  const sim = new SimCluster({cib: cibXml({resources: group, options: {'cluster-delay': '5s'}})})
  sim.lostOps.push({rscId: 'b', action: 'start'})
  sim.start()
  sim.run(3_000)
  const where = sim.activeOn('a')[0]
  assert.ok(sim.requests.some((r) => r.node === where && r.request.rscId === 'a' && r.request.intervalMs > 0), 'a\'s monitor ran within 3 s')
  assert.ok(sim.controller.snapshot().inFlight.includes(`b_start_0@${where}`), 'while the start of b is still in flight')
  sim.run(60_000)
  assert.equal(sim.lostOps.length, 0, 'the start of b was lost')
  assert.ok(sim.logs.some((l) => l.includes('did not send start result')), 'the lost start timed out')
  assertSettled(sim)
})

test('transition-delay: the scheduler runs only when the delay has passed after the last event', () => {
  const sim = new SimCluster({cib: cibXml({resources: dummy('d1'), options: {'transition-delay': '2s'}})})
  sim.start()
  assert.equal(sim.executed.length, 0, 'nothing before the delay')
  const t0 = sim.now
  assert.equal(sim.timers.get('transition-delay'), t0 + 2000)
  sim.run()
  assert.ok(sim.logs.some((l) => l.startsWith('info: New Transition Timer just popped')))
  assert.equal(sim.activeOn('d1').length, 1)
  assertSettled(sim)
  // each new event restarts the delay
  sim.setAttribute('n1', 'pingd', '1')
  sim.runSteps(1)
  const first = sim.timers.get('transition-delay')!
  assert.equal(first, sim.now + 2000)
  sim.now += 1000
  sim.setAttribute('n2', 'pingd', '1')
  sim.runSteps(1)
  assert.equal(sim.timers.get('transition-delay'), sim.now + 2000, 'restarted by the second change')
  assert.ok(sim.timers.get('transition-delay')! > first)
  sim.run()
  assertSettled(sim)
})

test('lost-dc: a controller that is no longer DC drops its transitions and timers', () => {
  const sim = new SimCluster({cib: cibXml({resources: dummy('d1') + dummy('d2')})})
  sim.start()
  sim.runSteps(3)
  assert.ok(sim.controller.snapshot().inFlight.length > 0)
  sim.deliver({type: 'lost-dc', now: sim.now})
  assert.equal(sim.timers.size, 0, 'every timer cancelled')
  const snap = sim.controller.snapshot()
  assert.equal(snap.isDc, false)
  assert.equal(snap.state, 'S_NOT_DC')
  assert.deepEqual(snap.inFlight, [])
  const before = sim.executed.length
  sim.run()
  assert.equal(sim.executed.length, before, 'results after losing DC start nothing')
})

test('a new DC takes over a running cluster: it adopts the recorded history and plans nothing new', () => {
  const sim = new SimCluster({cib: cibXml({nodes: ['n1', 'n2', 'n3'], resources: dummy('d1') + dummy('d2') + dummy('d3')})})
  sim.start()
  sim.run()
  const executed = sim.executed.length
  sim.deliver({type: 'lost-dc', now: sim.now})
  sim.deliver({type: 'became-dc', now: sim.now, cib: structuredClone(sim.cib), members: ['n1', 'n2', 'n3'], quorate: true})
  sim.run()
  assert.equal(sim.executed.length, executed, 'no operation: the monitors it knows from the history keep running')
  assertSettled(sim)
})

test('cleanup: fail counts and the failed history are forgotten, the resource is probed again', () => {
  const xml = cibXml({resources: dummy('d1')})
  const planned = schedule(applyInjections(parseCibXml(xml, 'x'), {nodeUp: ['n1', 'n2'], quorum: true}), {now: 0}).placement[0].next!
  const sim = new SimCluster({cib: xml})
  sim.failRules.push({node: planned, rscId: 'd1', action: 'start', rc: 1})
  sim.start()
  sim.run()
  assert.equal(getTransientAttr(sim.cib, planned, 'fail-count-d1#start_0'), 'INFINITY')
  const probes = sim.executed.filter((e) => e === `${planned} d1 monitor 0`).length
  sim.deliver({type: 'cleanup', now: sim.now, rscId: 'd1'})
  sim.run()
  assert.equal(getTransientAttr(sim.cib, planned, 'fail-count-d1#start_0'), undefined)
  assert.equal(op(sim, planned, 'd1', 'd1_last_failure_0'), undefined)
  assert.equal(sim.executed.filter((e) => e === `${planned} d1 monitor 0`).length, probes + 1, 'probed again')
  assert.equal(sim.activeOn('d1').length, 1)
  assertSettled(sim)
})

test('partition without fencing, then heal: the resource active on both sides is stopped everywhere and started once', () => {
  const sim = new SimCluster({cib: cibXml({resources: dummy('d1') + dummy('d2')})})
  sim.start()
  sim.run()
  // cut off the node that is not the DC, whichever of d1/d2 it runs
  const cut = sim.dc === 'n1' ? 'n2' : 'n1'
  const other = sim.dc
  const rsc = sim.activeOn('d1')[0] === cut ? 'd1' : 'd2'
  assert.deepEqual(sim.activeOn(rsc), [cut])
  sim.partition(cut)
  sim.run()
  assert.deepEqual(sim.activeOn(rsc).sort(), ['n1', 'n2'], 'both sides run it while they cannot talk')
  sim.heal(cut)
  sim.run()
  assert.equal(sim.activeOn('d1').length, 1, 'multiple-active recovery: one copy left')
  assert.equal(sim.activeOn('d2').length, 1)
  assert.ok(sim.executed.includes(`${cut} ${rsc} stop 0`) && sim.executed.includes(`${other} ${rsc} stop 0`), 'stop_start: every copy stopped')
  assertSettled(sim)
})

test('partition with fencing: the cut-off node is fenced before anything of it runs elsewhere', () => {
  const sim = new SimCluster({cib: cibXml({stonith: true, resources: fenceDevice('st', ['n1', 'n2']) + dummy('d1') + dummy('d2')})})
  sim.start()
  sim.run()
  const cut = sim.activeOn('d1')[0] === sim.dc ? sim.activeOn('d2')[0] : sim.activeOn('d1')[0]
  assert.notEqual(cut, sim.dc)
  sim.partition(cut)
  sim.run()
  assert.deepEqual(sim.fenced, [cut])
  assert.equal(sim.activeOn('d1').length + sim.activeOn('d2').length, 2)
  assert.ok(!sim.activeOn('d1').includes(cut) && !sim.activeOn('d2').includes(cut))
  sim.join(cut)
  sim.run()
  assertSettled(sim)
})

test('a late result of a cancelled monitor, and results from a node that left, are ignored', () => {
  const sim = new SimCluster({cib: cibXml({resources: dummy('d1')})})
  sim.start()
  sim.run()
  const where = sim.activeOn('d1')[0]
  const monitorKey = op(sim, where, 'd1', 'd1_monitor_10000')!['transition-key']
  sim.reconfigure((cib) => {
    const p = cib.resources[0]
    if (p.kind === 'primitive') p.metaAttributes.push({id: 'd1-meta', pairs: [{id: 'd1-meta-tr', name: 'target-role', value: 'Stopped'}]})
  })
  sim.run()
  assert.deepEqual(sim.activeOn('d1'), [])
  const executed = sim.executed.length
  const late = (node: string) => ({
    rscId: 'd1', action: 'monitor', intervalMs: 10_000, operationKey: 'd1_monitor_10000', callId: 999, rc: 7, status: 0, exitReason: '',
    execTimeMs: 1, queueTimeMs: 0, lastRun: Math.floor(sim.now / 1000), lastRcChange: Math.floor(sim.now / 1000), opDigest: '', transitionKey: monitorKey,
    targetRc: 0, classification: {class: 'soft' as const, failed: true, text: 'not running'}, stdoutTail: '', stderrTail: '',
  })
  sim.deliver({type: 'op-result', now: sim.now, node: where, result: late(where)})
  sim.run()
  assert.equal(getTransientAttr(sim.cib, where, 'fail-count-d1#monitor_10000'), undefined, 'no failure counted')
  assert.equal(op(sim, where, 'd1', 'd1_monitor_10000'), undefined, 'not recorded')
  assert.equal(sim.executed.length, executed, 'nothing done')
  assert.ok(sim.logs.some((l) => l.includes('Ignoring result of cancelled operation d1_monitor_10000')))
  const gone = sim.dc === 'n1' ? 'n2' : 'n1'
  sim.crash(gone)
  sim.run()
  sim.deliver({type: 'op-result', now: sim.now, node: gone, result: late(gone)})
  assert.ok(sim.logs.some((l) => l.includes(`Ignoring result of d1_monitor_10000 from ${gone}: not a cluster member`)))
  assertSettled(sim)
})

test('stonith-max-attempts: after that many failed fencings the DC stops trying until the node comes back', () => {
  const sim = new SimCluster({cib: cibXml({stonith: true, resources: fenceDevice('st', ['n1', 'n2']) + dummy('d1'), options: {'stonith-max-attempts': '3'}})})
  sim.start()
  sim.run()
  const victim = sim.dc === 'n1' ? 'n2' : 'n1'
  sim.brokenDevices.add('st')
  const origin = sim.executed.length
  sim.crash(victim)
  sim.run(600_000)
  assert.equal(sim.executed.slice(origin).filter((e) => e === `fence ${victim}`).length, 3, 'three attempts, then no more')
  assert.ok(sim.logs.some((l) => l.includes(`Too many failures (3) to fence ${victim}, giving up`)))
  assert.equal(sim.timers.has(`fence-retry:${victim}`), false)
  sim.join(victim)
  sim.run()
  assert.deepEqual(sim.violations, [])
  assert.equal(sim.activeOn('d1').length, 1)
  assertSettled(sim)
})

for (const [onFail, expectActive] of [['stop', 0], ['block', 0], ['restart', 1]] as const) {
  test(`monitor failure with on-fail=${onFail}: ${expectActive ? 'recovered' : 'left stopped, nothing more tried'}`, () => {
    const rsc = `<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"><operations><op id="d1-m" name="monitor" interval="10s" on-fail="${onFail}"/></operations></primitive>`
    const sim = new SimCluster({cib: cibXml({resources: rsc})})
    sim.start()
    sim.run()
    const where = sim.activeOn('d1')[0]
    const predicted = crmSimulatePrediction(sim, ['--op-inject', `d1_monitor_10000@${where}=7`])
    sim.kill(where, 'd1')
    sim.run()
    assert.equal(getTransientAttr(sim.cib, where, 'fail-count-d1#monitor_10000'), '1')
    assert.equal(sim.activeOn('d1').length, expectActive)
    // on-fail=block: Pacemaker no longer knows what runs; it shows the resource FAILED (blocked) where it failed
    if (onFail === 'block') { if (predicted) assert.deepEqual(sorted(predicted), [['d1', [`${where}:FAILED`]]]) }
    else assertPredicted(sim, predicted)
    const before = sim.executed.length
    sim.run(600_000)
    assert.equal(sim.executed.length, before, 'nothing further')
    assert.deepEqual(sim.violations, [])
  })
}

test('allow-migrate: a move is a live migration (migrate_to, migrate_from, stop), recorded with its source and target', () => {
  const sim = new SimCluster({cib: cibXml({resources: dummy('d1', meta('d1', {'allow-migrate': 'true'})), constraints: `<rsc_location id="d1-on-n1" rsc="d1" node="n1" score="100"/>`})})
  sim.start()
  sim.run()
  assert.deepEqual(sim.activeOn('d1'), ['n1'])
  const before = sim.executed.length
  sim.reconfigure((cib) => {
    cib.nodes[0].instanceAttributes.push({id: 'nodes-1', pairs: [{id: 'nodes-1-standby', name: 'standby', value: 'on'}]})
  })
  sim.run()
  const ops = sim.executed.slice(before).filter((e) => / d1 (migrate_to|migrate_from|stop|start) /.test(e))
  assert.deepEqual(ops, ['n1 d1 migrate_to 0', 'n2 d1 migrate_from 0', 'n1 d1 stop 0'])
  assert.deepEqual(sim.activeOn('d1'), ['n2'])
  const from = op(sim, 'n2', 'd1', 'd1_last_0')!
  assert.equal(from.operation, 'migrate_from')
  assert.equal(from.migrate_source, 'n1')
  assert.equal(from.migrate_target, 'n2')
  const request = sim.requests.find((r) => r.request.action === 'migrate_to')!.request
  assert.deepEqual([request.opMeta?.migrate_source, request.opMeta?.migrate_target], ['n1', 'n2'], 'CRM_meta_migrate_source/_target')
  assertSettled(sim)
})

test('instance attributes chosen by a rule per node: the operation gets that node\'s values and its digest matches', () => {
  const rsc = `<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy">
    <instance_attributes id="d1-on-n1" score="2"><rule id="d1-on-n1-r" score="0"><expression id="d1-on-n1-e" attribute="#uname" operation="eq" value="n2"/></rule><nvpair id="d1-fake-n2" name="fake" value="two"/></instance_attributes>
    <instance_attributes id="d1-default" score="1"><nvpair id="d1-fake" name="fake" value="other"/></instance_attributes>
    <operations><op id="d1-m" name="monitor" interval="10s" timeout="20s"/></operations></primitive>`
  const sim = new SimCluster({cib: cibXml({resources: rsc, constraints: `<rsc_location id="d1-prefers-n1" rsc="d1" node="n1" score="100"/>`})})
  sim.start()
  sim.run()
  assert.deepEqual(sim.activeOn('d1'), ['n1'])
  const start = sim.requests.find((r) => r.request.action === 'start')!
  assert.equal(start.request.params.fake, 'other', 'the rule for n2 does not apply on n1')
  assertSettled(sim)
})
