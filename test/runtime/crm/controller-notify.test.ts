/**
 * Clone notifications as the controller delivers them: it executes the notify actions of the
 * scheduler's graph, one per instance and node, with the variables the graph gives. Judged
 * against Pacemaker: for the same CIB, every operation of the controller's transition must be one
 * of crm_simulate's transition graph and carry the CRM_meta_notify_* variables that graph gives it
 * (which pacemaker-execd passes to the agent as OCF_RESKEY_CRM_meta_notify_*).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseCibXml, parseXmlTree, printCibXml} from '../../../src/formats/cib/xml.js'
import type * as M from '../../../src/formats/cib/model.js'
import {crmMeta} from '../../../src/runtime/executor/classes.js'
import type {OpRequest} from '../../../src/runtime/executor/types.js'
import {notifyInfoFromMeta} from '../../../src/runtime/crm/controller-ops.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {sharedDir} from '../../helpers/cli.js'
import {parseTransitionKey, setTransientAttr} from '../../../src/runtime/crm/history.js'
import {cibXml, drbdPattern, dummy} from './cibs.js'
import {SimCluster} from './sim.js'

const haveCrmSimulate = spawnSync('sh', ['-c', 'command -v crm_simulate'], {encoding: 'utf8'}).status === 0

type Variables = Record<string, string>

/** crm_simulate's graph for a CIB: "task instance@node type-operation" → its CRM_meta_notify_* attributes, for every agent operation. */
function pacemakerOperations(cib: M.Cib): Map<string, Variables> {
  const dir = mkdtempSync(join(tmpdir(), `hakit-notify-${process.pid}-`))
  try {
    writeFileSync(join(dir, 'cib.xml'), printCibXml(cib))
    spawnSync('crm_simulate', ['-x', join(dir, 'cib.xml'), '-S', '-Q', '-G', join(dir, 'graph.xml')], {encoding: 'utf8', timeout: 120_000})
    const out = new Map<string, Variables>()
    for (const synapse of parseXmlTree(readFileSync(join(dir, 'graph.xml'), 'utf8'), 'graph.xml').children) {
      const op = synapse.children.find((c) => c.name === 'action_set')?.children.find((c) => c.name === 'rsc_op')
      if (!op) continue
      const instance = op.children.find((c) => c.name === 'primitive')?.attrs['long-id'] ?? op.children.find((c) => c.name === 'primitive')?.attrs.id
      const attributes = op.children.find((c) => c.name === 'attributes')?.attrs ?? {}
      const interval = attributes.CRM_meta_interval ?? '0'
      const key = `${op.attrs.operation}_${interval} ${instance}@${op.attrs.on_node} ${attributes.CRM_meta_notify_type ?? ''}-${attributes.CRM_meta_notify_operation ?? ''}`
      out.set(key, notifyVariables(attributes))
    }
    return out
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

function notifyVariables(meta: Variables): Variables {
  return Object.fromEntries(Object.entries(meta).filter(([k]) => k.startsWith('CRM_meta_notify_')).sort(([a], [b]) => (a < b ? -1 : 1)))
}

test('a promotable clone with notify=true: the controller runs the graph\'s notifications with crm_simulate\'s variables (promoted node to standby)', {skip: haveCrmSimulate ? false : 'crm_simulate (pacemaker-cli-utils) not installed'}, () => {
  const d = drbdPattern()
  const sim = new SimCluster({cib: cibXml({nodes: ['n1', 'n2', 'n3'], resources: d.resources, constraints: d.constraints})})
  sim.start()
  sim.run()
  const promoted = ['n1', 'n2', 'n3'].filter((n) => sim.roleOn(n, 'state') === 'Promoted')
  assert.equal(promoted.length, 1, 'one promoted instance')
  const before = sim.requests.length
  sim.reconfigure((cib) => {
    const node = cib.nodes.find((n) => n.uname === promoted[0])!
    node.instanceAttributes.push({id: `nodes-${node.id}`, pairs: [{id: `nodes-${node.id}-standby`, name: 'standby', value: 'on'}]})
  })
  // the CIB the controller's next transition is computed from
  const expected = pacemakerOperations(sim.recordedCib())
  sim.run()

  const requests = sim.requests.slice(before)
  const first = Math.min(...requests.map((r) => parseTransitionKey(r.request.transitionKey)!.transitionId))
  const got = new Map<string, Variables>()
  for (const {node, request} of requests) {
    if (parseTransitionKey(request.transitionKey)!.transitionId !== first || request.clone === undefined) continue
    const meta = crmMeta(request)
    got.set(`${request.action}_${request.intervalMs} ${request.rscId}:${request.clone.instance}@${node} ${meta.CRM_meta_notify_type ?? ''}-${meta.CRM_meta_notify_operation ?? ''}`, notifyVariables(meta))
  }
  const cloneOps = new Map([...expected].filter(([key]) => / state:\d+@/.test(key)))
  const demoteRound = [...cloneOps.keys()].filter((k) => /^notify_0 .* (pre|post)-demote$/.test(k)).sort()
  assert.equal(demoteRound.length, 6, `crm_simulate notifies the three instances before and after the demotion: ${demoteRound.join(', ')}`)
  // Stateful's demote changes the promotion scores: the transition stops there and is planned again (so does Pacemaker's)
  assert.deepEqual([...got.keys()].filter((k) => /-demote$/.test(k)).sort(), demoteRound, 'the demotion\'s notifications were sent')
  for (const [key, variables] of got) {
    assert.ok(cloneOps.has(key), `${key}: in crm_simulate's graph (${[...cloneOps.keys()].join(', ')})`)
    assert.deepEqual(variables, cloneOps.get(key), `${key}: the notification variables crm_simulate's graph gives`)
  }
})

test('an aborted transition still sends the post notifications of what completed (priority INFINITY, as Pacemaker)', () => {
  const clone = `<clone id="cl"><meta_attributes id="cl-meta"><nvpair id="cl-notify" name="notify" value="true"/></meta_attributes>${dummy('p')}</clone>`
  const sim = new SimCluster({cib: cibXml({nodes: ['n1', 'n2', 'n3'], resources: clone})})
  sim.start()
  sim.run()
  assert.deepEqual(sim.activeOn('p').sort(), ['n1', 'n2', 'n3'])
  const before = sim.requests.length
  sim.reconfigure((cib) => {
    cib.constraints.push(...parseCibXml(cibXml({resources: '', constraints: `<rsc_location id="cl-not-n1" rsc="cl" node="n1" score="-INFINITY"/>`}), 'ban.xml').constraints)
  })
  // until the stop on n1 is under way, then a status change aborts the transition
  for (let i = 0; i < 1000 && !sim.requests.slice(before).some((r) => r.request.action === 'stop'); i++) sim.runSteps(1)
  const stop = sim.requests.slice(before).find((r) => r.request.action === 'stop')
  assert.equal(stop?.node, 'n1', 'the instance on n1 is being stopped')
  setTransientAttr(sim.cib, 'n2', 'unrelated', '1')
  sim.deliver({type: 'cib-changed', now: sim.now, cib: structuredClone(sim.cib)})
  assert.ok(sim.logs.some((l) => /Transition \d+ aborted/.test(l)), 'the transition was aborted while the stop ran')
  sim.run()
  const transition = parseTransitionKey(stop!.request.transitionKey)!.transitionId
  const post = sim.requests.slice(before).filter((r) => r.request.action === 'notify' && r.request.notify?.type === 'post' && r.request.notify.operation === 'stop')
  assert.deepEqual(post.map((r) => r.node).sort(), ['n2', 'n3'], 'post-stop notifications to the instances that keep running')
  assert.ok(post.every((r) => parseTransitionKey(r.request.transitionKey)!.transitionId === transition), 'sent by the aborted transition')
  assert.deepEqual(post[0]!.request.notify!.sets.stop?.unames, ['n1'], 'CRM_meta_notify_stop_uname')
  assert.deepEqual(sim.activeOn('p').sort(), ['n2', 'n3'])
})

test('every notification variable of the scheduler\'s graph reaches the agent unchanged (Pacemaker\'s suite, clones with notify=true)', (t) => {
  const dir = join(sharedDir, 'corpus', 'scheduler-full')
  if (!existsSync(dir)) return void t.skip(`${dir} not present`)
  let actions = 0
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.xml')).sort()) {
    const text = readFileSync(join(dir, file), 'utf8')
    if (!/name="notify" value="true"/.test(text)) continue
    for (const g of schedule(parseCibXml(text, file)).actions) {
      if (!g.notifyMeta || g.pseudo) continue
      actions++
      const request: OpRequest = {rscId: g.resource ?? '', agent: {class: 'ocf', provider: 'pacemaker', type: 'Stateful'}, action: g.task, intervalMs: 0, timeoutMs: 20_000, params: {}, notify: notifyInfoFromMeta(g.notifyMeta)}
      const passed = notifyVariables(crmMeta(request))
      const graph = notifyVariables(Object.fromEntries(Object.entries(g.notifyMeta).map(([k, v]) => [`CRM_meta_${k}`, v])))
      assert.deepEqual(passed, graph, `${file}: ${g.key} on ${g.node}`)
    }
  }
  assert.ok(actions > 300, `notify actions and notified operations checked: ${actions}`)
})

test('a failed start: the transition stops, and the clone\'s post-start notifications still go out (priority INFINITY follows a failed input, as Pacemaker)', () => {
  const clone = `<clone id="cl"><meta_attributes id="cl-meta"><nvpair id="cl-notify" name="notify" value="true"/></meta_attributes>${dummy('p')}</clone>`
  const sim = new SimCluster({cib: cibXml({nodes: ['n1', 'n2', 'n3'], resources: clone})})
  sim.failRules.push({node: 'n2', rscId: 'p', action: 'start', rc: 1})
  sim.start()
  sim.run()
  const firstStart = sim.requests.find((r) => r.request.action === 'start')!
  const transition = parseTransitionKey(firstStart.request.transitionKey)!.transitionId
  const post = sim.requests.filter((r) => r.request.action === 'notify' && r.request.notify?.type === 'post' && r.request.notify.operation === 'start'
    && parseTransitionKey(r.request.transitionKey)!.transitionId === transition)
  assert.deepEqual(post.map((r) => r.node).sort(), ['n1', 'n2', 'n3'], 'the first transition\'s post-start notifications, despite the failed start on n2')
  assert.ok(sim.logs.some((l) => /aborted: Event failed|aborted: Action failed/.test(l)), 'the failure aborted the transition')
})
