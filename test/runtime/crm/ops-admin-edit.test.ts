/**
 * The pure admin edits whose crmsh counterpart cannot run on a CIB file
 * (cleanup/refresh and failcount talk to attrd and the controllers): checked
 * by their effect on the scheduler — after a cleanup the fail counts are gone
 * and the next transition probes the cleaned resource again.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {sharedDir} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {cleanupResource, deleteFailCount, failCounts, moveResource, banResource} from '../../../src/runtime/crm/admin/edit.js'
import {editedFileCib} from '../../../src/runtime/crm/admin/apply.js'
import {cibVersion} from '../../../src/runtime/crm/cib-ops.js'
import {UserError} from '../../../src/core/errors.js'

const load = (name: string) => {
  const file = join(sharedDir, 'corpus', 'scheduler', `${name}.xml`)
  return parseCibXml(readFileSync(file, 'utf8'), file)
}

test('cleanup of a failed resource: fail counts removed, failed history deleted, the next transition re-probes it', () => {
  const cib = load('failures/monitor-onfail-restart') // A failed its monitor on fc16-builder
  assert.ok(failCounts(cib, 'A').length > 0, 'the corpus CIB has a fail count for A')
  const edit = cleanupResource(cib, 'A', undefined, false)
  assert.equal(edit.configChanged, false)
  const after = editedFileCib(edit, Date.UTC(2026, 0, 1))
  assert.deepEqual(failCounts(after, 'A'), [])
  assert.ok(after.status.every((s) => !s.lrmResources.some((r) => r.id === 'A')), 'A history deleted')
  assert.equal(cibVersion(after).numUpdates, cibVersion(cib).numUpdates + edit.statusOps.length)
  const probes = schedule(after, {now: Date.UTC(2026, 0, 1)}).actions.filter((a) => a.resource === 'A' && a.task === 'monitor' && a.interval === 0)
  assert.ok(probes.length > 0, 'A is probed again')
  assert.ok(edit.notes.some((n) => /^Cleaned up A on /.test(n)))
})

test('cleanup keeps the history of a resource without failures; refresh deletes it', () => {
  const cib = load('failures/monitor-onfail-restart')
  const others = cib.status.flatMap((s) => s.lrmResources.map((r) => r.id)).filter((id) => id !== 'A')
  for (const id of new Set(others)) {
    if (!cib.resources.some((r) => r.id === id)) continue
    const clean = cleanupResource(cib, id, undefined, false)
    assert.ok(!clean.statusOps.some((o) => o.op === 'lrm-delete'), `${id}: no failure, history kept`)
    const refresh = cleanupResource(cib, id, undefined, true)
    assert.ok(refresh.statusOps.some((o) => o.op === 'lrm-delete'), `${id}: refresh deletes history`)
  }
})

test('failcount delete removes fail-count and last-failure of the resource on that node only', () => {
  const cib = load('failures/monitor-onfail-restart')
  const [entry] = failCounts(cib, 'A')
  assert.ok(entry)
  const after = editedFileCib(deleteFailCount(cib, 'A', entry.node), Date.UTC(2026, 0, 1))
  assert.deepEqual(failCounts(after, 'A', entry.node), [])
  const names = after.status.find((s) => s.id === entry.nodeId)!.transientAttributes.flatMap((s) => s.pairs.map((p) => p.name))
  assert.ok(!names.some((n) => /^(fail-count|last-failure)-A(#|$)/.test(n)), names.join(' '))
})

test('move refusals: no node without force (1), unknown node (105), unknown resource (105); a banned move target is un-banned', () => {
  const cib = load('group/bug-1573')
  const refuse = (f: () => unknown, code: number) => assert.throws(f, (e: unknown) => e instanceof UserError && e.exitCode === code)
  refuse(() => moveResource(cib, 'group_11', {activeOn: ['xen-b'], now: 0}), 1)
  refuse(() => moveResource(cib, 'group_11', {node: 'nowhere', activeOn: ['xen-b'], now: 0}), 105)
  refuse(() => moveResource(cib, 'nothing', {node: 'xen-c', activeOn: [], now: 0}), 105)
  const banned = banResource(cib, 'group_11', {node: 'xen-c', activeOn: ['xen-b'], now: 0}).cib
  const moved = moveResource(banned, 'group_11', {node: 'xen-c', activeOn: ['xen-b'], now: 0}).cib
  assert.deepEqual(moved.constraints.filter((c) => c.id.startsWith('cli-')).map((c) => c.id), ['cli-prefer-group_11'])
})
