/** Unit tests of the scheduler on small CIBs built in code. */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import type * as M from '../../../src/formats/cib/model.js'
import {emptyCib} from '../../../src/formats/cib/model.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {applyInjections} from '../../../src/runtime/scheduler/inject.js'

function prim(id: string, meta: Record<string, string> = {}): M.Primitive {
  return {
    kind: 'primitive', id, class: 'ocf', provider: 'pacemaker', type: 'Dummy', instanceAttributes: [], utilization: [],
    metaAttributes: Object.keys(meta).length ? [{pairs: Object.entries(meta).map(([name, value]) => ({name, value}))}] : [],
    operations: [{name: 'monitor', interval: '10s', attributes: {}, instanceAttributes: [], metaAttributes: []}],
  }
}

const KEY = (target: number) => `1:1:${target}:test`
/** The digests Pacemaker records for an agent without parameters: start, and a monitor with the default 20 s timeout. */
const DIGEST_NO_PARAMS = 'f2317cad3d54cec5d7d7aa7d0bf35cf8'
const DIGEST_NO_PARAMS_TIMEOUT_20S = '4811cef7f7f94e3a35a70be7916cb2fd'

function op(rsc: string, task: string, interval: number, rc: number, callId: number, target = 0): M.LrmOperation {
  const id = interval ? `${rsc}_${task}_${interval}` : `${rsc}_last_0`
  return {id, operation: task, attributes: {id, operation_key: `${rsc}_${task}_${interval}`, operation: task, 'call-id': String(callId), 'rc-code': String(rc), 'op-status': '0', interval: String(interval), 'transition-key': KEY(target), 'last-rc-change': '1700000000', 'op-digest': interval ? DIGEST_NO_PARAMS_TIMEOUT_20S : DIGEST_NO_PARAMS}}
}

/** The agent the history records for a resource: the configured one (a different one means the agent changed). */
function agentOf(resources: M.Resource[], id: string): {class: string; provider?: string; type: string} {
  const p = resources.find((r): r is M.Primitive => r.kind === 'primitive' && r.id === id)
  return p ? {class: p.class, provider: p.provider, type: p.type} : {class: 'ocf', provider: 'pacemaker', type: 'Dummy'}
}

function cluster(nodes: string[], resources: M.Resource[], opts: {running?: Record<string, string>; attrs?: Record<string, Record<string, string>>; constraints?: M.Constraint[]} = {}): M.Cib {
  const cib = emptyCib()
  cib.attributes['have-quorum'] = '1'
  // the feature set decides how fail counts are named (per operation since 3.0.13)
  cib.attributes.crm_feature_set = '3.16.2'
  cib.crmConfig = [{pairs: [{name: 'stonith-enabled', value: 'false'}]}]
  cib.nodes = nodes.map((uname, i) => ({id: String(i + 1), uname, instanceAttributes: [], utilization: []}))
  cib.resources = resources
  cib.constraints = opts.constraints ?? []
  cib.status = nodes.map((uname, i) => ({
    id: String(i + 1), uname,
    attributes: {id: String(i + 1), uname, in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member'},
    transientAttributes: opts.attrs?.[uname] ? [{pairs: Object.entries(opts.attrs[uname]).map(([name, value]) => ({name, value}))}] : [],
    lrmResources: Object.entries(opts.running ?? {}).filter(([, n]) => n === uname).map(([rsc], k) => ({
      id: rsc, ...agentOf(resources, rsc),
      operations: [op(rsc, 'start', 0, 0, 10 + k), op(rsc, 'monitor', 10000, 0, 20 + k)],
    })),
  }))
  return cib
}

const brief = (cib: M.Cib) => schedule(cib, {now: 1_800_000_000_000}).summary.map((a) => `${a.action} ${a.resource ?? a.node} ${a.from ?? '-'} ${a.to ?? '-'}`)

test('a new resource starts on the first node by name', () => {
  assert.deepEqual(brief(cluster(['n2', 'n1'], [prim('vip')])), ['start vip - n1'])
})

test('resources spread over nodes with equal scores', () => {
  assert.deepEqual(brief(cluster(['n1', 'n2'], [prim('a'), prim('b')])), ['start a - n1', 'start b - n2'])
})

test('a location preference moves a resource unless stickiness holds it', () => {
  const loc: M.LocationConstraint = {kind: 'location', id: 'l', rsc: 'a', node: 'n2', score: '100', rules: []}
  assert.deepEqual(brief(cluster(['n1', 'n2'], [prim('a')], {running: {a: 'n1'}, constraints: [loc]})), ['move a n1 n2'])
  assert.deepEqual(brief(cluster(['n1', 'n2'], [prim('a', {'resource-stickiness': '200'})], {running: {a: 'n1'}, constraints: [loc]})), [])
})

test('standby moves everything off the node', () => {
  const cib = cluster(['n1', 'n2'], [prim('a')], {running: {a: 'n1'}})
  assert.deepEqual(brief(applyInjections(cib, {standby: ['n1']})), ['move a n1 n2'])
})

test('a group moves as a whole and keeps its order', () => {
  const group: M.Group = {kind: 'group', id: 'g', metaAttributes: [], children: [prim('ip'), prim('web')]}
  const loc: M.LocationConstraint = {kind: 'location', id: 'l', rsc: 'g', node: 'n1', score: '-INFINITY', rules: []}
  assert.deepEqual(brief(cluster(['n1', 'n2'], [group], {running: {ip: 'n1', web: 'n1'}, constraints: [loc]})), ['move ip n1 n2', 'move web n1 n2'])
})

test('a failed monitor recovers in place, or elsewhere once migration-threshold is reached', () => {
  const failed = (threshold?: string) => {
    const cib = cluster(['n1', 'n2'], [prim('a', threshold ? {'migration-threshold': threshold} : {})], {running: {a: 'n1'}, attrs: {n1: {'fail-count-a#monitor_10000': '1'}}})
    cib.status[0].lrmResources[0].operations.push({...op('a', 'monitor', 10000, 7, 30), id: 'a_last_failure_0'})
    return brief(cib)
  }
  assert.deepEqual(failed(), ['recover a n1 n1'])
  assert.deepEqual(failed('1'), ['recover a n1 n2'])
})

test('colocation and mandatory order: dependent follows, then restarts after its primary', () => {
  const col: M.ColocationConstraint = {kind: 'colocation', id: 'c', rsc: 'b', withRsc: 'a', score: 'INFINITY'}
  const ord: M.OrderConstraint = {kind: 'order', id: 'o', first: 'a', then: 'b'}
  const cib = cluster(['n1', 'n2'], [prim('a'), prim('b')], {constraints: [col, ord]})
  assert.deepEqual(brief(cib), ['start a - n1', 'start b - n1'])
  const t = schedule(cib)
  const startA = t.actions.find((x) => x.task === 'start' && x.resource === 'a')!
  const startB = t.actions.find((x) => x.task === 'start' && x.resource === 'b')!
  assert.ok(startB.after.includes(startA.id), 'b start waits for a start')
})

test('a failed node is fenced when fencing is configured, and its resources move', () => {
  const cib = cluster(['n1', 'n2'], [{...prim('fence'), class: 'stonith', provider: undefined, type: 'fence_dummy'}, prim('a')], {running: {a: 'n1', fence: 'n2'}})
  cib.crmConfig = []
  const out = brief(applyInjections(cib, {nodeFail: ['n1']}))
  assert.deepEqual(out, ['fence n1 - -', 'move a n1 n2'])
})

test('without quorum and no-quorum-policy=stop nothing starts', () => {
  const cib = cluster(['n1', 'n2'], [prim('a')])
  cib.attributes['have-quorum'] = '0'
  const s = schedule(cib).summary
  assert.equal(s[0].action, 'start')
  assert.equal(s[0].blocked, true)
  assert.equal(s[0].reason, 'no quorum')
})
