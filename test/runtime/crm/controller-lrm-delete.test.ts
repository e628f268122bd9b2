/**
 * lrm_delete: the scheduler's CIB-only clean-up of a resource's history on a node (an expired
 * shutdown lock; mode="cib" in Pacemaker's graph). The DC carries it out whatever the node's
 * state — here the node is offline — as Pacemaker's controller deletes the history from the CIB
 * without the node's executor. Case: Pacemaker 2.1.5's shutdown-lock-expiration.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {Controller} from '../../../src/runtime/crm/controller.js'
import type {ControllerAction} from '../../../src/runtime/crm/controller-types.js'
import {sharedDir} from '../../helpers/cli.js'

const file = join(sharedDir, 'corpus', 'scheduler-full', 'shutdown-lock-expiration.xml')

test('the DC carries out lrm_delete for an offline node: the history goes from the CIB, nothing is sent to the node', {skip: existsSync(file) ? false : `${file} is not there`}, () => {
  const cib = parseCibXml(readFileSync(file, 'utf8'), file)
  const now = Number(cib.attributes['execution-date']) * 1000
  const dc = new Controller({localNode: 'node3', controllerUuid: 'c0ffee00-0000-0000-0000-000000000000'})
  const actions: ControllerAction[] = dc.handle({type: 'became-dc', now, cib, members: ['node3', 'node4', 'node5'], quorate: true})
  const deletes = actions.flatMap((a) => (a.type === 'cib-update' ? a.changes.filter((c) => c.kind === 'delete-resource') : []))
  assert.deepEqual(deletes, [{kind: 'delete-resource', node: 'node2', rscId: 'rsc2'}])
  assert.ok(!actions.some((a) => (a.type === 'execute' || a.type === 'cancel-recurring') && a.node === 'node2'), 'nothing for the offline node itself')
  const view = dc.snapshot().cib!
  assert.equal(view.status.find((ns) => ns.uname === 'node2')?.lrmResources.some((r) => r.id === 'rsc2'), false, "rsc2's history on node2 is gone")
  // the rest of the transition as crm_simulate plans it: rsc2 starts on node4
  assert.ok(actions.some((a) => a.type === 'execute' && a.node === 'node4' && a.request.rscId === 'rsc2' && a.request.action === 'start'))
})
