/**
 * The fault campaign's own judgements (audit.ts), replayed without a cluster: the version
 * invariant's false alarms of session 4 (seeds 1, 2, 7, 9) and a real "older CIB wins", and
 * which error lines the injected faults explain (seed 406's torn CIB write, only after a power cut).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {HeldVersions, endCheck, epochsOf, errorLines, explained, older} from './audit.js'

test('versions: (admin_epoch, epoch) order, num_updates ignored', () => {
  assert.deepEqual(epochsOf('0.12.7'), [0, 12])
  assert.deepEqual(epochsOf(undefined), [0, 0])
  assert.ok(older(epochsOf('0.9.99'), epochsOf('0.10.0')))
  assert.ok(older(epochsOf('0.50.0'), epochsOf('1.0.0')))
  assert.ok(!older(epochsOf('0.10.3'), epochsOf('0.10.1')))
})

test('a change made in an isolated partition that then stopped is not "lost" at the heal; it must come back with its node', () => {
  const v = new HeldVersions()
  assert.deepEqual(v.check([{nodes: ['n1', 'n2', 'n3'], version: '0.10.0'}], 3), [])
  // n3 partitioned, changes its own CIB (epoch 12), then stops; the others are at 11
  assert.deepEqual(v.check([{nodes: ['n1', 'n2'], version: '0.11.0'}, {nodes: ['n3'], version: '0.12.0'}], 3), [])
  // the heal with n3 down: n1+n2 at 11 is right (the session 4 check compared it with 12: a false alarm)
  assert.deepEqual(v.check([{nodes: ['n1', 'n2'], version: '0.11.0'}], 2), [])
  // n3 comes back with its 12: the joined cluster must not run 11
  assert.match(v.check([{nodes: ['n1', 'n2', 'n3'], version: '0.11.0'}], 3).join(), /joined cluster runs CIB 0\.11\.0, older than 0\.12/)
})

test('a node rebooted with a stale CIB brings nothing newer back; partitions are not judged against each other', () => {
  const v = new HeldVersions()
  v.check([{nodes: ['n1', 'n2', 'n3'], version: '0.20.0'}], 3)
  v.forget('n2') // its CIB directory replaced by a copy at epoch 15, then restarted
  assert.deepEqual(v.check([{nodes: ['n1', 'n3'], version: '0.20.0'}, {nodes: ['n2'], version: '0.15.0'}], 3), [], 'a minority may run an older CIB')
  assert.deepEqual(v.check([{nodes: ['n1', 'n2', 'n3'], version: '0.21.0'}], 3), [])
  assert.deepEqual(v.highest, [0, 21])
  // a node that does not answer is not judged (the settle audit reports it)
  assert.deepEqual(v.check([{nodes: ['n1', 'n2', 'n3'], version: undefined}], 3), [])
  assert.equal(v.check([{nodes: ['n1', 'n2', 'n3'], version: '0.19.4'}], 3).length, 1, 'an older CIB winning is a violation')
})

test('error lines: resource failures and lost peers are explained; a torn CIB write only after a power cut', () => {
  const log = [
    'crmd: [10]: info: Set DC to n1',
    'crmd: [10]: ERROR: Result of monitor operation for d3 on n2: not running',
    'cib: [10]: ERROR: /var/lib/x/cib/cib.xml was manually modified or damaged (digest mismatch): moved aside as cib.xml.damaged',
    'crmd: [10]: ERROR: something nobody injected',
    'crmd: [10]: warn: Node n3 lost',
  ].join('\n')
  const errors = errorLines(log)
  assert.equal(errors.length, 3)
  assert.ok(explained(errors[0]!, false))
  assert.ok(explained(errors[1]!, true), 'torn write after a power cut of that node')
  assert.ok(!explained(errors[1]!, false), 'a damaged CIB without a power cut is not explained')
  assert.ok(!explained(errors[2]!, true))
})

test('the end: a node fenced while the others came back is powered on again, not a version mismatch (seed 1061)', () => {
  // seed 1061 (fencing): n3 fenced, then n2 power-cut, leaving n1 alone without quorum, unable to fence n2.
  // At the final step n3 and n2 restart together: n3's join gives n1 quorum, n1 schedules "Fence (off) n2
  // 'peer is no longer part of the cluster'" (its node_state is still unclean: Pacemaker's DC does the same),
  // and the switch cuts n2 just after it restarted. The old check asked every node for its version and
  // counted n2's missing answer as a second version ("at the end the CIBs differ: 0.32.49 ").
  const fencedAtTheEnd = [
    {node: 'n1', up: true, version: '0.32.49'},
    {node: 'n2', up: false, version: undefined},
    {node: 'n3', up: true, version: '0.32.49'},
  ]
  // the campaign now powers n2 on again; if it stays down after every round, that is reported as such
  assert.match(endCheck(fencedAtTheEnd, 3).join(), /n2 still down after 3 final round/)
  assert.doesNotMatch(endCheck(fencedAtTheEnd, 3).join(), /CIBs differ/, 'a node that is down has no version to compare')
  const backAgain = fencedAtTheEnd.map((a) => ({...a, up: true, version: '0.32.52'}))
  assert.deepEqual(endCheck(backAgain, 2), [])
  // what stays a violation: a running node that does not answer, or two versions
  assert.match(endCheck([{node: 'n1', up: true, version: '0.36.46'}, {node: 'n2', up: true, version: undefined}, {node: 'n3', up: true, version: '0.36.46'}], 1).join(), /n2 does not answer/)
  assert.match(endCheck([{node: 'n1', up: true, version: '0.36.46'}, {node: 'n2', up: true, version: '0.36.47'}, {node: 'n3', up: true, version: '0.36.47'}], 1).join(), /CIBs differ: n1 0\.36\.46, n2 0\.36\.47/)
})
