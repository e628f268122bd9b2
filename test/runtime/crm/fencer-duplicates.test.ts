/**
 * The fencer's duplicate handling (Fencer, pure: events in, actions out): a node is powered down once
 * per loss. A new DC asking again for what the previous DC's request did is answered from that result;
 * a request for a target this fencer is already fencing takes that run's result (Pacemaker's merge);
 * a success another node reports answers a request still running here. Before it, a second request
 * queued behind the first on the same device and ran again (the node fenced twice; with reboot, the
 * victim could be fenced again after it came back).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {FENCED_NODE_MEMORY_MS, Fencer, type FencerAction} from '../../../src/runtime/crm/fencer.js'

const t0 = 1_800_000_000_000
const runs = (actions: FencerAction[]) => actions.flatMap((a) => (a.type === 'run' ? [a.id] : []))
const answers = (actions: FencerAction[]) => actions.flatMap((a) => (a.type === 'answer' ? [`${a.id} ${a.ok ? 'ok' : `failed: ${a.reason}`} by=${a.executedBy} from=${a.answeredFrom}`] : []))

/** n2's fencer; n1 and n3 are lost (not members). */
function fencer(): Fencer {
  const f = new Fencer('n2')
  f.feed({type: 'membership', members: new Set(['n2'])})
  return f
}

test('a second request for a target being fenced here waits for that run and takes its result: one run, two answers', () => {
  const f = fencer()
  assert.deepEqual(runs(f.feed({type: 'request', id: 'old-dc:3:stonith-n1-reboot', target: 'n1', action: 'reboot', now: t0})), ['old-dc:3:stonith-n1-reboot'])
  const second = f.feed({type: 'request', id: 'new-dc:1:stonith-n1-reboot', target: 'n1', action: 'reboot', now: t0 + 4_000})
  assert.deepEqual(runs(second), [], 'not run a second time')
  assert.deepEqual(answers(second), [])
  assert.ok(f.open('new-dc:1:stonith-n1-reboot'))
  assert.deepEqual(answers(f.feed({type: 'run-done', id: 'old-dc:3:stonith-n1-reboot', ok: true, now: t0 + 6_000})), [
    'old-dc:3:stonith-n1-reboot ok by=n2 from=old-dc:3:stonith-n1-reboot',
    'new-dc:1:stonith-n1-reboot ok by=n2 from=old-dc:3:stonith-n1-reboot',
  ])
  assert.ok(!f.open('new-dc:1:stonith-n1-reboot'))
  // an off and a reboot both power the node down: merged too; another target is not
  const g = fencer()
  g.feed({type: 'request', id: 'a', target: 'n1', action: 'off', now: t0})
  assert.deepEqual(runs(g.feed({type: 'request', id: 'b', target: 'n1', action: 'reboot', now: t0})), [])
  assert.deepEqual(runs(g.feed({type: 'request', id: 'c', target: 'n3', action: 'reboot', now: t0})), ['c'])
  assert.deepEqual(runs(g.feed({type: 'request', id: 'd', target: 'n1', action: 'on', now: t0})), ['d'], 'unfencing is never a duplicate of a fencing')
})

test('a merged request fails with the run it waited for (the DC retries it)', () => {
  const f = fencer()
  f.feed({type: 'request', id: 'a', target: 'n1', action: 'reboot', now: t0})
  f.feed({type: 'request', id: 'b', target: 'n1', action: 'reboot', now: t0})
  assert.deepEqual(answers(f.feed({type: 'run-done', id: 'a', ok: false, reason: 'st1: Timed Out', now: t0 + 1_000})), [
    'a failed: st1: Timed Out by=n2 from=a', 'b failed: st1: Timed Out by=n2 from=a',
  ])
  // nothing succeeded: the retry runs
  assert.deepEqual(runs(f.feed({type: 'request', id: 'b2', target: 'n1', action: 'reboot', now: t0 + 2_000})), ['b2'])
})

test('a request for a node already fenced, not back since, is answered from that result; once it is back, or the result is too old, it runs', () => {
  const f = fencer()
  f.feed({type: 'heard', id: 'old-dc:3:stonith-n1-reboot', target: 'n1', action: 'reboot', ok: true, executedBy: 'n3', now: t0})
  const again = f.feed({type: 'request', id: 'new-dc:1:stonith-n1-reboot', target: 'n1', action: 'reboot', now: t0 + 9_000})
  assert.deepEqual(runs(again), [])
  assert.deepEqual(answers(again), ['new-dc:1:stonith-n1-reboot ok by=n3 from=old-dc:3:stonith-n1-reboot'])
  // this fencer's own success counts the same
  f.feed({type: 'request', id: 'x', target: 'n3', action: 'off', now: t0})
  f.feed({type: 'run-done', id: 'x', ok: true, now: t0 + 500})
  assert.deepEqual(answers(f.feed({type: 'request', id: 'y', target: 'n3', action: 'reboot', now: t0 + 1_000})), ['y ok by=n2 from=x'])

  // n1 rebooted and rejoined: a later loss is a new one
  f.feed({type: 'membership', members: new Set(['n1', 'n2'])})
  f.feed({type: 'membership', members: new Set(['n2'])})
  assert.deepEqual(runs(f.feed({type: 'request', id: 'z', target: 'n1', action: 'reboot', now: t0 + 20_000})), ['z'])

  const old = fencer()
  old.feed({type: 'heard', id: 'p', target: 'n1', action: 'reboot', ok: true, executedBy: 'n3', now: t0})
  assert.deepEqual(runs(old.feed({type: 'request', id: 'q', target: 'n1', action: 'reboot', now: t0 + FENCED_NODE_MEMORY_MS + 1})), ['q'])

  // a failure answers nothing
  const failed = fencer()
  failed.feed({type: 'heard', id: 'p', target: 'n1', action: 'reboot', ok: false, executedBy: 'n3', now: t0})
  assert.deepEqual(runs(failed.feed({type: 'request', id: 'q', target: 'n1', action: 'reboot', now: t0 + 1_000})), ['q'])
})

test('a member is fenced whenever asked, even right after a success (it came back faster than it was seen gone)', () => {
  const f = new Fencer('n2')
  f.feed({type: 'membership', members: new Set(['n1', 'n2'])})
  f.feed({type: 'heard', id: 'p', target: 'n1', action: 'reboot', ok: true, executedBy: 'n3', now: t0})
  assert.deepEqual(runs(f.feed({type: 'request', id: 'admin', target: 'n1', action: 'reboot', now: t0 + 30_000})), ['admin'])
})

test('another node\'s success for the target of a run in progress answers it (and its duplicates) at once; the run\'s own end is then ignored', () => {
  const f = fencer()
  f.feed({type: 'request', id: 'mine', target: 'n1', action: 'reboot', now: t0})
  f.feed({type: 'request', id: 'dup', target: 'n1', action: 'reboot', now: t0})
  const heard = f.feed({type: 'heard', id: 'theirs', target: 'n1', action: 'reboot', ok: true, executedBy: 'n3', now: t0 + 2_000})
  assert.deepEqual(answers(heard), ['mine ok by=n3 from=theirs', 'dup ok by=n3 from=theirs'])
  assert.ok(!f.open('mine'), 'the devices not started yet are not run')
  assert.deepEqual(answers(f.feed({type: 'run-done', id: 'mine', ok: true, now: t0 + 3_000})), [])
})
