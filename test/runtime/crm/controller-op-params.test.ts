/**
 * An operation's own instance attributes (`op stop timeout=4s op_sleep=30` in crm syntax) are
 * parameters of that operation, as Pacemaker passes them (action->extra in the graph): the agent
 * gets them, and the digest recorded for the operation covers them, so the scheduler does not see
 * a definition change after every start. (An op parameter that shadows a resource parameter is
 * left out: Pacemaker's graph gives the agent the op's value but its digest takes the resource's.) The fault campaign's hung stop relies on this (only the
 * stop of Dummy sleeps past its timeout).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {cibXml} from './cibs.js'
import {assertSettled} from './settled.js'
import {SimCluster} from './sim.js'

const opParam = (id: string, name: string, value: string) =>
  `<instance_attributes id="${id}-ia"><nvpair id="${id}-ia-${name}" name="${name}" value="${value}"/></instance_attributes>`

test("an operation's instance attributes reach the agent for that operation only, and its recorded digest covers them", () => {
  const resources = `<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy">
    <instance_attributes id="d1-ia"><nvpair id="d1-ia-passwd" name="passwd" value="rsc"/></instance_attributes>
    <operations>
      <op id="d1-start" name="start" interval="0" timeout="20s">${opParam('d1-start', 'fake', 'start-only')}</op>
      <op id="d1-stop" name="stop" interval="0" timeout="4s">${opParam('d1-stop', 'op_sleep', '30')}</op>
      <op id="d1-monitor" name="monitor" interval="10s" timeout="20s">${opParam('d1-monitor', 'OCF_CHECK_LEVEL', '10')}</op>
    </operations></primitive>`
  const sim = new SimCluster({cib: cibXml({resources, constraints: '<rsc_location id="l" rsc="d1" node="n1" score="50"/>'})})
  sim.start()
  sim.run()
  assertSettled(sim)
  const start = sim.requests.find((r) => r.request.action === 'start')!.request
  assert.deepEqual([start.params.fake, start.params.passwd, start.params.op_sleep], ['start-only', 'rsc', undefined], "the start's own parameter, and the resource's")
  const monitor = sim.requests.find((r) => r.request.action === 'monitor' && r.request.intervalMs > 0)!.request
  assert.deepEqual([monitor.params.fake, monitor.params.passwd], [undefined, 'rsc'])
  assert.equal(monitor.checkLevel, '10', 'OCF_CHECK_LEVEL stays the check level')
  assert.equal(monitor.params.OCF_CHECK_LEVEL, undefined)
  sim.reconfigure((cib) => {
    for (const s of cib.crmConfig) s.pairs.push({id: 'opt-stop-all', name: 'stop-all-resources', value: 'true'})
  })
  sim.run()
  const stop = sim.requests.find((r) => r.request.action === 'stop')!.request
  assert.equal(stop.params.op_sleep, '30', 'the stop sleeps')
  assert.equal(stop.timeoutMs, 4000)
  assert.deepEqual(sim.activeOn('d1'), [])
})
