/**
 * The index of a resource's one-off actions by task (actions.ts), which orderings use to find
 * their actions: it must always list what a scan of rsc.actions would, also once an action's task
 * changes (a cancel takes over the action under the cancelled operation's key).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {simulate} from '../../../src/runtime/scheduler/simulate.js'
import {sharedDir} from '../../helpers/cli.js'
import type * as M from '../../../src/formats/cib/model.js'
import {emptyCib} from '../../../src/formats/cib/model.js'
import {actionsWithKey, actionsWithTask, cancelAction, customAction, setActionTask} from '../../../src/runtime/scheduler/actions.js'
import {unpackCluster} from '../../../src/runtime/scheduler/index.js'
import type {Action, Rsc} from '../../../src/runtime/scheduler/types.js'

function twoNodes(): M.Cib {
  const cib = emptyCib()
  cib.attributes['have-quorum'] = '1'
  cib.crmConfig = [{pairs: [{name: 'stonith-enabled', value: 'false'}]}]
  cib.nodes = ['n1', 'n2'].map((uname, i) => ({id: String(i + 1), uname, instanceAttributes: [], utilization: []}))
  cib.resources = [{
    kind: 'primitive', id: 'r', class: 'ocf', provider: 'pacemaker', type: 'Dummy', instanceAttributes: [], utilization: [], metaAttributes: [],
    operations: [{name: 'monitor', interval: '10s', attributes: {}, instanceAttributes: [], metaAttributes: []}],
  }]
  cib.status = cib.nodes.map((n) => ({id: n.id, uname: n.uname, attributes: {in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member'}, lrmResources: [], transientAttributes: []}))
  return cib
}

/** What a scan of the resource's actions finds for each task. */
function scanned(rsc: Rsc): Map<string, Action[]> {
  const out = new Map<string, Action[]>()
  for (const a of rsc.actions) if (a.intervalMs === 0) out.set(a.task, [...(out.get(a.task) ?? []), a])
  return out
}

function assertIndexMatchesScan(rsc: Rsc, tasks: string[]): void {
  const scan = scanned(rsc)
  for (const task of tasks) assert.deepEqual(actionsWithTask(rsc, task).map((a) => a.id), (scan.get(task) ?? []).map((a) => a.id), `task ${task}`)
}

test('the by-task index follows an action whose task changes, in creation order', () => {
  const ws = unpackCluster(twoNodes())
  const rsc = ws.byId.get('r')!
  const [n1, n2] = ws.nodes
  const stop1 = customAction(ws, rsc, 'stop', n1, false)
  const probe = customAction(ws, rsc, 'monitor', n1, false)
  const stop2 = customAction(ws, rsc, 'stop', n2, false)
  const tasks = ['stop', 'monitor', 'cancel']
  assertIndexMatchesScan(rsc, tasks)
  assert.deepEqual(actionsWithTask(rsc, 'stop'), [stop1, stop2])
  // no action is made in between: an index rebuilt only when the action count changes would miss this
  setActionTask(probe, 'stop')
  assertIndexMatchesScan(rsc, tasks)
  assert.deepEqual(actionsWithTask(rsc, 'stop'), [stop1, probe, stop2], 'the retasked action keeps its place by creation')
  assert.deepEqual(actionsWithTask(rsc, 'monitor'), [])
  setActionTask(probe, 'cancel')
  assertIndexMatchesScan(rsc, tasks)
})

test('a cancel takes over the recurring operation under its key', () => {
  const ws = unpackCluster(twoNodes())
  const rsc = ws.byId.get('r')!
  const [n1] = ws.nodes
  const monitor = customAction(ws, rsc, 'monitor', n1, true, 10000)
  const cancel = cancelAction(ws, rsc, 'monitor', 10000, n1)
  assert.equal(cancel, monitor, 'the same action')
  assert.equal(cancel.task, 'cancel')
  assert.equal(cancel.uuid, 'r_monitor_10000', 'it keeps the operation key')
  assert.equal(cancel.optional, false, 'a cancel is required')
  assert.deepEqual(actionsWithKey(rsc, 'r_monitor_10000'), [cancel])
  assertIndexMatchesScan(rsc, ['monitor', 'cancel'])
})

test('after whole runs, the indexes list what a scan of each resource\'s actions finds (probe orderings read them)', () => {
  // the probe cases of Pacemaker's suite: clones, groups, bundles, remote and guest nodes
  const suite = join(sharedDir, 'corpus', 'scheduler-full')
  const cases = readdirSync(suite).filter((f) => f.endsWith('.xml') && f.includes('probe')).sort()
  assert.ok(cases.length >= 10, `probe cases in ${suite}`)
  let probes = 0
  for (const file of cases) {
    const ws = simulate(parseCibXml(readFileSync(join(suite, file), 'utf8'), file), {now: Date.parse('2026-01-01T00:00:00Z')}).transition.workingSet
    const rscs = new Set<Rsc>()
    for (const a of ws.actions) if (a.rsc) rscs.add(a.rsc)
    for (const rsc of rscs) {
      const scan = scanned(rsc)
      for (const [task, list] of scan) assert.deepEqual(actionsWithTask(rsc, task).map((a) => a.id), list.map((a) => a.id), `${file}: ${rsc.id} task ${task}`)
      for (const a of rsc.actions) {
        assert.deepEqual(actionsWithKey(rsc, a.uuid).map((x) => x.id), rsc.actions.filter((x) => x.uuid === a.uuid).map((x) => x.id), `${file}: ${rsc.id} key ${a.uuid}`)
        if (a.task === 'monitor' && a.intervalMs === 0) {
          probes++
          assert.equal(a.uuid, `${rsc.id}_monitor_0`, `${file}: a probe's key`)
        }
      }
    }
  }
  assert.ok(probes > 100, `probes made: ${probes}`)
})
