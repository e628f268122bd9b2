/**
 * A fencing nobody recorded: the DC fenced itself (the fencer ran on another node, its result went
 * to the dead DC), or it died before it recorded a fencing it ordered. Pacemaker's fencer broadcasts
 * every result; a node that is not DC keeps the target in its stonith cleanup list and, if it
 * becomes DC, marks it clean ("Marking n1, target of a previous stonith action, as clean") instead
 * of fencing it again. Here: the new DC's controller given that list (became-dc `fenced`), and
 * FencedNodes, the daemon's list.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {Controller} from '../../../src/runtime/crm/controller.js'
import type {ControllerAction} from '../../../src/runtime/crm/controller-types.js'
import {FENCED_NODE_MEMORY_MS, FencedNodes} from '../../../src/runtime/crm/fencer.js'
import {cibXml, dummy, fenceDevice} from './cibs.js'
import {crmSimulate, SimCluster} from './sim.js'

/** n1 (the DC) runs d1, n2 runs d2; stonith enabled. The CIB as the cluster recorded it. */
function runningCluster() {
  const xml = cibXml({
    nodes: ['n1', 'n2'], stonith: true,
    resources: fenceDevice('fencing', ['n1', 'n2']) + dummy('d1') + dummy('d2'),
    // the fence device runs on n2 already: the new DC has nothing in flight but its fencing
    constraints: '<rsc_location id="d1-n1" rsc="d1" node="n1" score="100"/><rsc_location id="d2-n2" rsc="d2" node="n2" score="100"/><rsc_location id="f-n2" rsc="fencing" node="n2" score="100"/>',
  })
  const sim = new SimCluster({cib: xml, dc: 'n1'})
  sim.start()
  sim.run()
  assert.deepEqual([sim.activeOn('d1'), sim.activeOn('d2')], [['n1'], ['n2']])
  return sim
}

function takeOver(sim: SimCluster, fenced?: string[], dc = new Controller({localNode: 'n2', controllerUuid: 'c0ffee00-0000-0000-0000-000000000002'})): ControllerAction[] {
  return dc.handle({type: 'became-dc', now: sim.now + 10_000, cib: sim.recordedCib(), members: ['n2'], quorate: true, ...(fenced ? {fenced} : {})})
}

const fences = (actions: ControllerAction[]) => actions.filter((a) => a.type === 'fence').map((a) => (a.type === 'fence' ? a.target : ''))
const starts = (actions: ControllerAction[]) => actions.flatMap((a) => (a.type === 'execute' && a.request.action === 'start' && a.request.rscId !== 'fencing' ? [`${a.request.rscId}@${a.node}`] : []))

test('a new DC that knows n1 was fenced marks it clean and recovers d1 at once; without that knowledge it fences n1 again', () => {
  const sim = runningCluster()
  // without the list: n1 is lost uncleanly, so the new DC fences it first (the double fencing)
  const unaware = takeOver(sim)
  assert.deepEqual(fences(unaware), ['n1'])
  assert.deepEqual(starts(unaware), [], 'nothing of n1 is recovered before the fencing')
  const real = crmSimulate(sim.recordedCib(), ['--node-fail', 'n1'])
  if (real) assert.ok(real.summary.some((l) => /Fence \(reboot\) n1/.test(l)), `crm_simulate agrees the lost n1 is to be fenced:\n${real.output}`)

  const dc = new Controller({localNode: 'n2', controllerUuid: 'c0ffee00-0000-0000-0000-000000000003'})
  const aware = takeOver(runningCluster(), ['n1'], dc)
  assert.deepEqual(fences(aware), [], 'no second fencing')
  assert.deepEqual(starts(aware), ['d1@n2'])
  assert.ok(aware.some((a) => a.type === 'log' && a.message === 'Marking n1, target of a previous stonith action, as clean'))
  const state = aware.flatMap((a) => (a.type === 'cib-update' ? a.changes : [])).filter((c) => c.kind === 'node-state' && c.node === 'n1').at(-1)
  assert.deepEqual(state && state.kind === 'node-state' ? state.attributes : undefined, {in_ccm: 'false', crmd: 'offline', 'crm-debug-origin': 'send_stonith_update', join: 'down', expected: 'down'})
  // Pacemaker reads the new DC's CIB the same way: n1 is down, nothing to fence
  const judged = crmSimulate(dc.snapshot().cib!)
  if (judged) assert.ok(!judged.summary.some((l) => /Fence/.test(l)) && !/UNCLEAN/.test(judged.output), `crm_simulate plans no fencing:\n${judged.output}`)
})

test('a success for a fencing the DC did not ask for (the previous DC\'s) is recorded: the node counts as fenced, its resources recover', () => {
  const sim = runningCluster()
  const dc = new Controller({localNode: 'n2', controllerUuid: 'c0ffee00-0000-0000-0000-000000000004'})
  const first = takeOver(sim, undefined, dc)
  const own = first.find((a) => a.type === 'fence')
  assert.ok(own && own.type === 'fence' && own.target === 'n1')
  // our own attempt fails (back-off); meanwhile the old DC's request, run elsewhere, succeeded
  const failed = dc.handle({type: 'fence-result', now: sim.now + 11_000, id: own.id, target: 'n1', ok: false, reason: 'device busy', executedBy: 'n2'})
  assert.deepEqual(starts(failed), [])
  const late = dc.handle({type: 'fence-result', now: sim.now + 11_500, id: 'previous-dc:7:stonith-n1-reboot', target: 'n1', ok: true, executedBy: 'n2'})
  assert.ok(late.some((a) => a.type === 'log' && /Peer n1 was terminated by n2 \(not our request\): OK/.test(a.message)))
  assert.deepEqual(fences(late), [], 'not fenced again')
  assert.deepEqual(starts(late), ['d1@n2'])
})

test('a fenced node that is a member again at takeover is left alone', () => {
  const actions = takeOver(runningCluster(), ['n2'])
  assert.ok(!actions.some((a) => a.type === 'log' && /Marking n2/.test(a.message)))
})

test('FencedNodes: good until the target is back, another DC is followed, or 5 minutes have passed; a takeover hands over the non-members once', () => {
  const list = new FencedNodes()
  const t0 = 1_800_000_000_000
  list.record('n1', t0, 'n1')
  // the result can arrive before the messaging layer declares the target dead: still a member, still fenced
  list.membership(new Set(['n1', 'n2']))
  assert.deepEqual(list.takeover(new Set(['n2']), t0 + 5_000), ['n1'])
  assert.deepEqual(list.takeover(new Set(['n2']), t0 + 6_000), [], 'handed over once')

  list.record('n1', t0, 'n1')
  list.membership(new Set(['n2'])) // gone
  list.membership(new Set(['n1', 'n2'])) // back: rebooted and rejoined
  assert.deepEqual(list.takeover(new Set(['n2']), t0 + 5_000), [], 'a rejoined node is not a fenced one any more')

  list.record('n3', t0, 'n1')
  assert.deepEqual(list.takeover(new Set(['n2', 'n3']), t0 + 5_000), [], 'a member at takeover is not marked')

  list.record('n1', t0, 'n1')
  list.following('n3')
  assert.deepEqual(list.takeover(new Set(['n2']), t0 + 5_000), [], 'another DC took over: it heard the same result')
  list.record('n1', t0, 'n3')
  list.following('n3')
  assert.deepEqual(list.takeover(new Set(['n2']), t0 + 5_000), ['n1'], 'still the DC it was heard under')

  list.record('n1', t0, undefined)
  assert.deepEqual(list.takeover(new Set(['n2']), t0 + FENCED_NODE_MEMORY_MS + 1), [], 'too old to be the fencing the last DC missed')
})

test('a success for the node our own fencing is still fencing confirms ours at once; our own answer, when it comes, changes nothing', () => {
  const sim = runningCluster()
  const dc = new Controller({localNode: 'n2', controllerUuid: 'c0ffee00-0000-0000-0000-000000000005'})
  const own = takeOver(sim, undefined, dc).find((a) => a.type === 'fence')
  assert.ok(own && own.type === 'fence' && own.target === 'n1')
  // the previous DC's request for n1, run by n2's fencer, succeeds while ours is in flight
  const merged = dc.handle({type: 'fence-result', now: sim.now + 11_000, id: 'previous-dc:7:stonith-n1-reboot', target: 'n1', ok: true, executedBy: 'n2'})
  assert.ok(merged.some((a) => a.type === 'log' && a.message.includes(`confirming our request ${own.id} from that result`)), merged.filter((a) => a.type === 'log').map((a) => a.type === 'log' && a.message).join('\n'))
  assert.deepEqual(fences(merged), [], 'no fencing asked again')
  assert.deepEqual(starts(merged), ['d1@n2'], 'd1 recovers without waiting for our own request')
  assert.deepEqual(dc.snapshot().inFlight.filter((x) => x.startsWith('stonith')), [])
  // the fencer answers our request from the same result: nothing more to record, nothing to re-plan
  const answer = dc.handle({type: 'fence-result', now: sim.now + 11_200, id: own.id, target: 'n1', ok: true, executedBy: 'n2'})
  assert.deepEqual(answer.filter((a) => a.type === 'cib-update' || a.type === 'fence' || a.type === 'execute'), [])
  assert.ok(!answer.some((a) => a.type === 'log' && /not our request|Transition .* aborted/.test(a.message)), 'not taken for an external fencing')
})
