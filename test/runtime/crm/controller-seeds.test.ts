/**
 * The controller on real-world configurations: the crm shell configurations
 * of seeds 002 (IPaddr2, migration-threshold=1, stickiness INFINITY,
 * crmd-transition-delay 2s, stop on-fail=block) and 004 (IPaddr2 + apache in
 * a group), as the seed documents give them, and test/fixtures/cib/sample.crm
 * (promotable Stateful, a group colocated with the promoted instance and
 * ordered after promote, a pingd location rule, fencing). Each scenario ends
 * settled (settled.ts) and, where crm_simulate can inject the same event,
 * where it predicts.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {convertHaDirToCib} from '../../../src/converters/cib-source.js'
import {parseCrm} from '../../../src/formats/crm/parse.js'
import type * as M from '../../../src/formats/cib/model.js'
import {getTransientAttr} from '../../../src/runtime/crm/history.js'
import {fixturesDir} from '../../helpers/cli.js'
import {SimCluster} from './sim.js'
import {assertSettled, crmSimulatePrediction, sorted} from './settled.js'

/** Seed 002's IPaddr2.crm, as loaded with `crm configure load update`. */
const SEED_002 = `property \\
    no-quorum-policy="ignore" \\
    stonith-enabled="false" \\
    startup-fencing="false" \\
    crmd-transition-delay="2s"

rsc_defaults \\
    resource-stickiness="INFINITY" \\
    migration-threshold="1"

primitive p_ip ocf:heartbeat:IPaddr2 \\
    params \\
     ip="192.168.200.200" \\
     nic="eth1" \\
    cidr_netmask="24" \\
    op start interval="0s" timeout="60s" on-fail="restart" \\
    op monitor interval="10s" timeout="60s" on-fail="restart" \\
    op stop interval="0s" timeout="60s" on-fail="block"
`

/** Seed 004's web group (pacemaker.sh's crm commands, as one configuration). */
const SEED_004 = `property stonith-enabled="false"
property no-quorum-policy="ignore"
primitive vip_httpd ocf:heartbeat:IPaddr2 params \\
ip="192.168.1.101" nic="eth1" cidr_netmask="24" op monitor interval="10"
primitive httpd ocf:heartbeat:apache params \\
configfile="/etc/httpd/conf/httpd.conf" statusurl="http://192.168.1.101/" \\
op start interval="0" timeout="90" on-fail="restart" \\
op monitor interval="10" timeout="60" on-fail="restart" \\
op stop interval="0" timeout="300" on-fail="block"
group web vip_httpd httpd
`

function withNodes(cib: M.Cib, nodes: string[]): M.Cib {
  if (cib.nodes.length === 0) cib.nodes = nodes.map((uname, i) => ({id: String(i + 1), uname, instanceAttributes: [], utilization: []}))
  return cib
}

test('seed 002: the VIP starts after the 2 s transition delay; a monitor failure moves it (migration-threshold=1) and it stays (stickiness INFINITY)', () => {
  const sim = new SimCluster({cib: withNodes(parseCrm(SEED_002, '002.crm'), ['node01', 'node02'])})
  sim.start()
  assert.equal(sim.executed.length, 0, 'crmd-transition-delay: nothing before the timer')
  sim.run()
  const first = sim.activeOn('p_ip')
  assert.equal(first.length, 1)
  assertSettled(sim)
  const predicted = crmSimulatePrediction(sim, ['--op-inject', `p_ip_monitor_10000@${first[0]}=7`])
  sim.kill(first[0], 'p_ip')
  sim.run()
  const second = first[0] === 'node01' ? 'node02' : 'node01'
  assert.deepEqual(sim.activeOn('p_ip'), [second])
  if (predicted) assert.deepEqual(sorted(sim.placements()), sorted(predicted), 'as crm_simulate predicts')
  assert.equal(getTransientAttr(sim.cib, first[0], 'fail-count-p_ip#monitor_10000'), '1')
  assertSettled(sim)
  // the failed node comes back clean: INFINITY stickiness keeps the VIP where it is
  sim.deliver({type: 'cleanup', now: sim.now, rscId: 'p_ip', node: first[0]})
  sim.run()
  assert.deepEqual(sim.activeOn('p_ip'), [second])
  assertSettled(sim)
})

test('seed 004: the web group; httpd failing to start moves the whole group (Pacemaker 2.1: start failure is fatal)', () => {
  const sim = new SimCluster({cib: withNodes(parseCrm(SEED_004, '004.crm'), ['s1', 's2'])})
  sim.start()
  sim.run()
  const first = sim.activeOn('vip_httpd')[0]
  assert.deepEqual(sim.activeOn('httpd'), [first], 'group members together')
  assertSettled(sim)
  // the seed's symptom: apache dies right after start. Here the monitor sees it and the start fails on restart.
  sim.failRules.push({node: first, rscId: 'httpd', action: 'start', rc: 1})
  sim.kill(first, 'httpd')
  sim.run()
  const other = first === 's1' ? 's2' : 's1'
  assert.equal(getTransientAttr(sim.cib, first, 'fail-count-httpd#start_0'), 'INFINITY', 'as the seed shows: fail-count=1000000')
  assert.deepEqual(sim.activeOn('vip_httpd'), [other])
  assert.deepEqual(sim.activeOn('httpd'), [other])
  assertSettled(sim)
})

test('sample.crm: pingd rule, promotable Stateful with the group on the promoted node, fencing', () => {
  const cib = parseCrm(readFileSync(join(fixturesDir, 'cib', 'sample.crm'), 'utf8'), 'sample.crm')
  const sim = new SimCluster({cib})
  sim.start()
  sim.run()
  assert.deepEqual(sim.activeOn('vip'), [], 'no node has pingd yet: the group may run nowhere')
  assert.equal(['alpha', 'beta'].filter((n) => sim.roleOn(n, 'db') === 'Promoted').length, 1)
  assertSettled(sim)
  // ocf:pacemaker:ping reports connectivity on both nodes
  sim.setAttribute('alpha', 'pingd', '1000')
  sim.setAttribute('beta', 'pingd', '1000')
  sim.run()
  assert.deepEqual(sim.activeOn('vip'), ['alpha'], 'location 50 on alpha')
  assert.deepEqual(sim.activeOn('web'), ['alpha'])
  assert.equal(sim.roleOn('alpha', 'db'), 'Promoted', 'the promoted instance follows the group it is colocated with')
  assertSettled(sim)
  // alpha loses connectivity: group and promotion move to beta
  sim.setAttribute('alpha', 'pingd', '0')
  sim.run()
  assert.deepEqual(sim.activeOn('vip'), ['beta'])
  assert.equal(sim.roleOn('beta', 'db'), 'Promoted')
  assert.equal(sim.roleOn('alpha', 'db'), 'Unpromoted')
  assertSettled(sim)
})

/** The seeds' haresources, converted by hakit's converter, run by the controller. */
for (const [seed, nodes, preferred] of [
  ['000-centos-drbd-httpd', ['host1', 'host2'], 'host1'],
  ['001-annotated-node1', ['node1', 'node2'], 'node1'],
  ['003-debian-drbd07', ['debian-420', 'debian-566'], 'debian-420'],
] as const) {
  test(`converted seed ${seed}: cold start on the preferred node, failover when it dies, failback when it returns`, async () => {
    const cib = withNodes(await convertHaDirToCib(join(fixturesDir, 'seeds', seed)), [...nodes])
    const sim = new SimCluster({cib})
    sim.start()
    sim.run()
    const groups = cib.resources.filter((r) => r.kind === 'group')
    assert.ok(groups.length > 0)
    const members = groups.flatMap((g) => (g.kind === 'group' ? g.children.map((c) => c.id) : []))
    for (const m of members) assert.deepEqual(sim.activeOn(m), [preferred], `${m} on ${preferred}`)
    assertSettled(sim)
    const other = nodes.find((n) => n !== preferred)!
    const predicted = crmSimulatePrediction(sim, ['--node-fail', preferred])
    sim.crash(preferred)
    sim.run()
    for (const m of members) assert.deepEqual(sim.activeOn(m), [other], `${m} failed over`)
    if (predicted) assert.deepEqual(sorted(sim.placements()), sorted(predicted), 'as crm_simulate predicts')
    assertSettled(sim)
    sim.join(preferred)
    sim.run()
    for (const m of members) assert.deepEqual(sim.activeOn(m), [preferred], `${m} back (stickiness 0, prefers ${preferred})`)
    assertSettled(sim)
  })
}
