/**
 * The cut-over from `hakit run --legacy` to `hakit run --crm` on the same
 * nodes and the same /etc/ha.d (issue 14, 2b), end to end in the namespace
 * lab: two nodes run the legacy daemon with an IPaddr (v1 shorthand) address
 * and an LSB web service on it (n1) and a second address (n2); a client
 * namespace probes the service over HTTP every 50 ms. The admin's steps:
 * `hakit detach` on both nodes, `hakit cutover --to crm` on n1, then on n2,
 * `hakit cutover --finish`. The test asserts: no failed probe, the web
 * server's PID unchanged, a CRM daemon that does not count the node still
 * running the legacy daemon as a member, every resource where v1 ran it and
 * managed, only probes and monitors in the CRM's operation history. Then a
 * power failure of n1 (every process killed, its link down) moves the
 * group to n2: the CRM cluster really manages it.
 *
 * The rollback test goes the other way after the cut-over
 * (`hakit cutover --to legacy` on each node) with the same probe.
 *
 * `systemctl` does not exist in the lab: `--start`/`--start-legacy` are the
 * commands the units run. Needs root.
 */
import {test, type TestContext} from 'node:test'
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {stepCommands, type CutoverPlan, type CutoverStep} from '../../src/converters/emit/cutover.js'
import type {Cib} from '../../src/formats/cib/model.js'
import {parseCibXml} from '../../src/formats/cib/xml.js'
import {clusterOption} from '../../src/runtime/crm/cib-ops.js'
import {crmStatus, queryLiveCibXml, type CrmStatus} from '../../src/runtime/crm/socket.js'
import {schedule} from '../../src/runtime/scheduler/index.js'
import {cutoverLabUnavailable, startCutoverLab, VIP, type CutoverLab, type LabNode} from './lab.js'
import {addressesInPlace, EXPECTED_NODE, HARESOURCES, outageMs, PROBE_EVERY_MS, sitePlan, startServedSite, VIP2, webPid, withLab} from './site.js'

const shq = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`

function legacySettled(lab: CutoverLab): boolean {
  return lab.nodes.every((node) => /resources held here: local/.test(lab.sh(node, 'hakit status').stdout))
}

const crmSocket = (node: LabNode): string => join(node.dir, 'state', 'hakit-crm.sock')

async function liveCib(node: LabNode): Promise<Cib> {
  return parseCibXml(await queryLiveCibXml(crmSocket(node)), 'live CIB')
}

async function crmState(node: LabNode): Promise<CrmStatus | undefined> {
  return crmStatus(crmSocket(node)).catch(() => undefined)
}

/** resource → nodes it is active on, as the scheduler reads the live CIB's history. */
function activeOn(cib: Cib, expected: Record<string, string> = EXPECTED_NODE): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const p of schedule(cib).placement) {
    if (!(p.resource in expected)) continue
    out[p.resource] = p.current ? [p.current] : []
  }
  return out
}

/** Every operation in the status section: `rsc operation/interval@node`. */
function history(cib: Cib): string[] {
  return cib.status.flatMap((ns) => ns.lrmResources.flatMap((r) => r.operations.map((op) => `${r.id} ${op.operation}/${op.attributes.interval ?? '0'}@${ns.uname}`)))
}

/** Runs a hakit command in a node; asserts exit 0; returns stdout. */
function hakit(lab: CutoverLab, node: LabNode, args: string, log: string[]): string {
  log.push(`${node.name}# hakit ${args}`)
  const r = lab.sh(node, `hakit ${args}`, 330_000)
  log.push(r.stdout.trimEnd(), r.stderr.trimEnd())
  assert.equal(r.status, 0, `hakit ${args} on ${node.name}:\n${r.stdout}\n${r.stderr}\n${lab.logTail()}`)
  return r.stdout
}

async function startLegacyCluster(t: TestContext): Promise<{lab: CutoverLab; servedFrom: number; pidBefore: string} | undefined> {
  const why = cutoverLabUnavailable()
  if (why) {
    t.skip(why)
    return undefined
  }
  const lab = await startCutoverLab(HARESOURCES)
  return {lab, ...await startServedSite(lab, (node) => lab.startLegacy(node), () => legacySettled(lab))}
}

/** Polls a node's live CIB until `check` holds (a generous deadline: the machine is loaded). */
async function waitForLiveCib(lab: CutoverLab, node: LabNode, what: string, check: (cib: Cib) => boolean): Promise<Cib> {
  let cib = await liveCib(node)
  for (const deadline = Date.now() + 120_000; !check(cib); cib = await liveCib(node)) {
    assert.ok(Date.now() < deadline, `no ${what} within 120 s: ${history(cib).join(', ')}\n${lab.logTail()}`)
    await new Promise((r) => setTimeout(r, 500))
  }
  return cib
}

/** A recurring monitor (not only the probe) recorded for every one of `ids`. */
function monitored(cib: Cib, ids: string[]): boolean {
  return ids.every((id) => history(cib).some((h) => h.startsWith(`${id} monitor/`) && !/monitor\/0@/.test(h)))
}

/**
 * Runs the plan's commands on the nodes, as the admin would. The lab has no systemd: the
 * `systemctl` lines are skipped and `hakit cutover` gets the commands the units would run
 * (--start/--start-legacy) and the lab's state directory.
 */
async function runSteps(lab: CutoverLab, plan: CutoverPlan, steps: CutoverStep[], log: string[], after?: (step: CutoverStep) => Promise<void>): Promise<void> {
  for (const step of steps) {
    for (const {node: name, run} of stepCommands(plan, step)) {
      const node = lab.node(name ?? plan.nodes[0]!)
      const state = join(node.dir, 'state')
      if (run.startsWith('systemctl ') || run.startsWith('mv /var/lib/hakit/cib')) {
        log.push(`[${step.id}] ${node.name}# ${run} (skipped: no systemd in the lab; the state dir is ${state})`)
        continue
      }
      if (run === 'hakit detach') {
        // refused while a transition runs: try again, as the admin would
        await lab.waitFor(`hakit detach on ${node.name}`, 60_000, () => lab.sh(node, 'hakit detach').status === 0)
        log.push(`[${step.id}] ${node.name}# hakit detach`)
        continue
      }
      let args = run.replace(/^hakit /, '')
      if (args.startsWith('cutover --to crm')) args += ` --state-dir ${state} --start ${shq(lab.crmStartCommand(node))} --wait 240`
      else if (args.startsWith('cutover --to legacy')) args += ` --state-dir ${state} --start-legacy ${shq(lab.legacyStartCommand(node))} --wait 240`
      else if (args.startsWith('cutover ')) args += ` --state-dir ${state}`
      const out = hakit(lab, node, args, log)
      if (args.startsWith('cutover --to crm')) assert.match(out, /the probes found running here: /)
      if (args.startsWith('cutover --to legacy')) assert.match(out, /the legacy daemon runs detached and holds|the legacy daemon already runs here/)
      if (args === 'crm status -r') assert.ok(/Started n1/.test(out) && /Started n2/.test(out) && !/unmanaged/.test(out), `the CRM cluster manages the resources:\n${out}`)
      if (args === 'status' && step.id === 'crm-detach') assert.match(out, /DETACHED/)
      if (args === 'status' && step.id === 'crm-rollback-attach') assert.doesNotMatch(out, /DETACHED/)
    }
    await after?.(step)
  }
}

/** The plan's cut-over to the CRM runtime, with checks between the steps. Returns when maintenance is off. */
async function cutOver(lab: CutoverLab, plan: CutoverPlan, log: string[]): Promise<void> {
  const [n1, n2] = lab.nodes as [LabNode, LabNode]
  assert.deepEqual(plan.nodes, ['n1', 'n2'])
  // refused before the local legacy daemon is detached
  const refused = lab.sh(n1, `hakit cutover --to crm --state-dir ${join(n1.dir, 'state')} --start true`)
  assert.equal(refused.status, 1, refused.stdout + refused.stderr)
  assert.match(refused.stderr, /not detached.*hakit detach.*EVERY node/)
  // n1 detached but n2 still managing: refused too (n2 would take n1's group over)
  await lab.waitFor('hakit detach on n1', 60_000, () => lab.sh(n1, 'hakit detach').status === 0)
  const half = lab.sh(n1, `hakit cutover --to crm --state-dir ${join(n1.dir, 'state')} --start true`)
  assert.equal(half.status, 1, half.stdout + half.stderr)
  assert.match(half.stderr, /n2 still runs a legacy daemon that manages resources: run "hakit detach" there first/)

  await runSteps(lab, plan, plan.toCrm, log, async (step) => {
    if (step.id === 'crm-switch-n1') {
      // n2 still runs the (detached) legacy daemon: not a CRM member, and it did not take n1's group
      assert.match(log.join('\n'), /the probes found running here: (ip_10_204_0_100, svc_hakitweb|svc_hakitweb, ip_10_204_0_100)/)
      assert.deepEqual((await crmState(n1))?.members, ['n1'], 'a node running the legacy daemon is not a CRM member')
      assert.match(lab.sh(n2, 'hakit status').stdout, /DETACHED/)
      assert.ok(addressesInPlace(lab), 'each address where v1 put it while n1 runs the CRM and n2 the legacy daemon')
      const early = lab.sh(n1, `hakit cutover --check --state-dir ${join(n1.dir, 'state')}`)
      assert.equal(early.status, 1, 'not ready while n2 has not switched')
      assert.match(early.stderr, /n2 is not a member of the CRM cluster/)
    }
    if (step.id === 'crm-switch-n2') assert.match(log.join('\n'), /the probes found running here: ip_10_204_0_101/)
    if (step.id === 'crm-finish') {
      assert.match(log.join('\n'), /ready: maintenance off would start, stop and move nothing/)
      assert.match(log.join('\n'), /maintenance-mode=false: the CRM cluster manages the resources where they run/)
    }
  })
}

/**
 * The plan's rollback to the legacy daemon from where the test left the cluster, and its checks:
 * both daemons adopt their groups (nothing started, stopped or taken over), no CRM daemon is left,
 * the web server keeps its PID, no probe fails. `label` names the rollback in the diagnostic.
 */
async function rollBackToLegacy(t: TestContext, lab: CutoverLab, plan: CutoverPlan, log: string[], site: {servedFrom: number; pidBefore: string}, label: string, noProbeFailed: string): Promise<void> {
  const legacyLogBefore = lab.nodes.map((node) => lab.legacyLog(node).length)
  const rollbackStart = Date.now()
  await runSteps(lab, plan, plan.crmRollback, log)
  await lab.waitFor('both legacy daemons to hold their own group', 120_000, () => legacySettled(lab))
  const rollbackEnd = Date.now()
  await new Promise((r) => setTimeout(r, 2000))
  assert.ok(addressesInPlace(lab))
  assert.equal(webPid(lab, lab.nodes[0]!), site.pidBefore, 'the web server kept its PID')
  for (const [i, node] of lab.nodes.entries()) {
    assert.doesNotMatch(lab.legacyLog(node).slice(legacyLogBefore[i]), /Releasing resource group|Taking over|Resources being acquired|Running \S+ .* (start|stop)$/m, `${node.name}: the legacy daemon adopted the running groups, started, stopped and took over nothing`)
    assert.equal(await crmState(node), undefined, `no CRM daemon left on ${node.name}`)
  }
  const probes = (await lab.stopProber()).filter((p) => p.start >= site.servedFrom)
  const rollback = probes.filter((p) => p.start >= rollbackStart)
  t.diagnostic(`${label}: ${Math.round((rollbackEnd - rollbackStart) / 1000)} s, ${rollback.length} probes, ${rollback.filter((p) => !p.ok).length} failed, outage ${outageMs(rollback)} ms`)
  assert.deepEqual(probes.filter((p) => !p.ok), [], noProbeFailed)
  assert.ok(probes.every((p) => p.detail === 'n1'))
}

test('cut-over from hakit run --legacy to hakit run --crm, one node at a time: no failed probe, groups adopted in place, then a power failure moves the group', {timeout: 900_000}, async (t) => {
  const started = await startLegacyCluster(t)
  if (!started) return
  const {lab, servedFrom, pidBefore} = started
  const [n1, n2] = lab.nodes as [LabNode, LabNode]
  const log: string[] = []
  await withLab(lab, log, async () => {
    const cutoverStart = Date.now()
    await cutOver(lab, sitePlan(lab), log)
    const cutoverEnd = Date.now()

    // managed now: recurring monitors on every resource, where v1 ran it
    const cib = await waitForLiveCib(lab, n1, 'recurring monitor on every resource', (c) => monitored(c, Object.keys(EXPECTED_NODE)))
    assert.equal(clusterOption(cib, 'maintenance-mode'), 'false')
    assert.deepEqual(activeOn(cib), Object.fromEntries(Object.entries(EXPECTED_NODE).map(([id, n]) => [id, [n]])))
    const ops = history(cib)
    assert.ok(ops.filter((h) => /monitor\/0@/.test(h)).length >= 6, `every resource probed on both nodes: ${ops.join(', ')}`)
    assert.deepEqual(ops.filter((h) => !/ monitor\//.test(h)), [], 'only probes and monitors in the operation history')
    for (const node of lab.nodes) {
      assert.match(lab.legacyLog(node), /Leaving the cluster detached/)
      assert.doesNotMatch(lab.crmLog(node), /Initiating (start|stop) operation|\* (Start|Stop|Move|Recover|Restart) /, `${node.name}: the CRM started or stopped something`)
    }
    assert.ok(addressesInPlace(lab))
    assert.equal(webPid(lab, n1), pidBefore, 'the web server kept its PID')
    await new Promise((r) => setTimeout(r, 2000))
    const probes = lab.probes().filter((p) => p.start >= servedFrom)
    const failed = probes.filter((p) => !p.ok)
    t.diagnostic(`hakit run --legacy → hakit run --crm cut-over: ${Math.round((cutoverEnd - cutoverStart) / 1000)} s, ${probes.length} probes every ${PROBE_EVERY_MS} ms, ${failed.length} failed, outage ${outageMs(probes)} ms`)
    assert.deepEqual(failed, [], 'no probe failed during the cut-over')
    assert.ok(probes.every((p) => p.detail === 'n1'), 'always served by n1')
    assert.ok(probes.filter((p) => p.start >= cutoverStart && p.start <= cutoverEnd).length * PROBE_EVERY_MS >= (cutoverEnd - cutoverStart) * 0.5, 'the client probed through the whole cut-over')

    // the CRM cluster manages the group: n1 loses power, n2 takes the web service over
    const lostAt = Date.now()
    await lab.powerOff(n1)
    await lab.waitFor('n2 to serve the web service', 180_000, () => lab.probes().some((p) => p.start > lostAt && p.ok && p.detail === 'n2'))
    const after = await liveCib(n2)
    const placed = activeOn(after)
    assert.deepEqual(placed, {ip_10_204_0_100: ['n2'], svc_hakitweb: ['n2'], ip_10_204_0_101: ['n2']})
    assert.ok(lab.hasVip(n2) && lab.hasVip(n2, VIP2))
    const served = lab.probes().filter((p) => p.start > lostAt)
    t.diagnostic(`power failure of n1 after the cut-over: the group moved to n2 (${served.filter((p) => !p.ok).length} of ${served.length} probes failed meanwhile: the failover, deadtime 4 s)`)
  })
})

test('rollback after the cut-over: hakit cutover --to legacy on each node, no failed probe, nothing restarted', {timeout: 900_000}, async (t) => {
  const started = await startLegacyCluster(t)
  if (!started) return
  const {lab} = started
  const log: string[] = []
  await withLab(lab, log, async () => {
    const plan = sitePlan(lab)
    await cutOver(lab, plan, log)
    await rollBackToLegacy(t, lab, plan, log, started, 'hakit run --crm → hakit run --legacy rollback', 'no probe failed, cut-over and rollback')
  })
})

test('rollback half way: n1 already on the CRM runtime, n2 still on the detached legacy daemon; back to legacy with no failed probe', {timeout: 900_000}, async (t) => {
  const started = await startLegacyCluster(t)
  if (!started) return
  const {lab} = started
  const [n1] = lab.nodes as [LabNode, LabNode]
  const log: string[] = []
  await withLab(lab, log, async () => {
    const plan = sitePlan(lab)
    await runSteps(lab, plan, plan.toCrm.filter((s) => s.id === 'crm-detach' || s.id === 'crm-switch-n1'), log)
    assert.deepEqual((await crmState(n1))?.members, ['n1'])
    await rollBackToLegacy(t, lab, plan, log, started, 'half-way rollback (n1 on the CRM runtime) to hakit run --legacy', 'no probe failed')
  })
})

test('three nodes: hakit cutover one node at a time while the others still run the legacy daemon; no failed probe, every group managed where it ran', {timeout: 900_000}, async (t) => {
  const why = cutoverLabUnavailable()
  if (why) return void t.skip(why)
  const VIP3 = '10.204.0.102'
  const expected: Record<string, string> = {...EXPECTED_NODE, ip_10_204_0_102: 'n3'}
  const lab = await startCutoverLab(`${HARESOURCES}\nn3 IPaddr2::${VIP3}/24/hb0`, ['n1', 'n2', 'n3'])
  const [n1, n2, n3] = lab.nodes as [LabNode, LabNode, LabNode]
  const inPlace = (): boolean => lab.nodes.every((node) => [VIP, VIP2, VIP3].every((vip, i) => lab.hasVip(node, vip) === (node === lab.nodes[i])))
  const log: string[] = []
  await withLab(lab, log, async () => {
    const {servedFrom, pidBefore} = await startServedSite(lab, (node) => lab.startLegacy(node), () => legacySettled(lab), inPlace)
    const plan = sitePlan(lab)
    assert.deepEqual(plan.toCrm.map((s) => s.id), ['crm-detach', 'crm-switch-n1', 'crm-switch-n2', 'crm-switch-n3', 'crm-finish', 'crm-boot'])
    const start = Date.now()
    await runSteps(lab, plan, plan.toCrm, log, async (step) => {
      const switched = {'crm-switch-n1': ['n1'], 'crm-switch-n2': ['n1', 'n2'], 'crm-switch-n3': ['n1', 'n2', 'n3']}[step.id]
      if (!switched) return
      // the nodes still on the legacy daemon are no CRM members; nothing moved
      const status = await crmState(lab.node(switched.at(-1)!))
      assert.deepEqual(status?.members.slice().sort(), switched, `${step.id}: CRM members`)
      assert.equal(status?.quorum, switched.length >= 2, `${step.id}: quorum with ${switched.length} of 3`)
      assert.ok(inPlace(), `${step.id}: every address where v1 put it`)
    })
    const end = Date.now()
    const cib = await waitForLiveCib(lab, n3, 'recurring monitor on every resource', (c) => monitored(c, Object.keys(expected)))
    assert.deepEqual(activeOn(cib, expected), Object.fromEntries(Object.entries(expected).map(([id, n]) => [id, [n]])))
    assert.deepEqual(history(cib).filter((h) => !/ monitor\//.test(h)), [], 'only probes and monitors in the operation history')
    // a probe that finds a resource running is recorded twice, as Pacemaker does (_last_0 and _last_failure_0: it expected "not running")
    const probed = new Set(history(cib).filter((h) => /monitor\/0@/.test(h)).map((h) => h.replace(/ monitor\/0/, '')))
    assert.equal(probed.size, 4 * 3, `every resource probed on every node: ${[...probed].join(', ')}`)
    assert.ok(inPlace())
    assert.equal(webPid(lab, n1), pidBefore, 'the web server kept its PID')
    for (const node of [n1, n2, n3]) assert.doesNotMatch(lab.crmLog(node), /Initiating (start|stop) operation/)
    const probes = (await lab.stopProber()).filter((p) => p.start >= servedFrom)
    const failed = probes.filter((p) => !p.ok)
    t.diagnostic(`three nodes, hakit run --legacy → hakit run --crm: ${Math.round((end - start) / 1000)} s, ${probes.length} probes, ${failed.length} failed, outage ${outageMs(probes)} ms`)
    assert.deepEqual(failed, [], 'no probe failed')
    assert.ok(probes.every((p) => p.detail === 'n1'))
  })
})

/** The admin's edited conversion for the DRBD-style site: the disk (statefuldisk here, drbddisk on a real site) is a promotable clone the group follows. */
function promotableCibXml(): string {
  const ip = (id: string, addr: string) => `<primitive id="${id}" class="ocf" provider="heartbeat" type="IPaddr2"><instance_attributes id="${id}-ia"><nvpair id="${id}-ia-ip" name="ip" value="${addr}"/><nvpair id="${id}-ia-cidr" name="cidr_netmask" value="24"/><nvpair id="${id}-ia-nic" name="nic" value="hb0"/></instance_attributes><operations><op id="${id}-monitor-10s" name="monitor" interval="10s" timeout="20s"/></operations></primitive>`
  return `<cib validate-with="pacemaker-3.9" epoch="1" admin_epoch="0" num_updates="0"><configuration>
  <crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="o-stonith" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
  <nodes/>
  <resources>
    <clone id="ms_disk"><meta_attributes id="ms_disk-meta"><nvpair id="ms_disk-meta-promotable" name="promotable" value="true"/><nvpair id="ms_disk-meta-notify" name="notify" value="true"/></meta_attributes>
      <primitive id="disk" class="ocf" provider="pacemaker" type="Stateful"><instance_attributes id="disk-ia"><nvpair id="disk-ia-state" name="state" value="/run/hakit-disk"/></instance_attributes>
        <operations><op id="disk-monitor-10" name="monitor" interval="10s" role="Promoted" timeout="20s"/><op id="disk-monitor-11" name="monitor" interval="11s" role="Unpromoted" timeout="20s"/></operations></primitive></clone>
    <group id="grp_n1_1">${ip('ip_10_204_0_100', VIP)}<primitive id="svc_hakitweb" class="lsb" type="hakitweb"><operations><op id="svc_hakitweb-monitor-15s" name="monitor" interval="15s" timeout="15s"/></operations></primitive></group>
    ${ip('ip_10_204_0_101', VIP2)}
  </resources>
  <constraints>
    <rsc_location id="loc_grp_n1_1_prefers_n1" rsc="grp_n1_1" node="n1" score="100"/>
    <rsc_location id="loc_ip_10_204_0_101_prefers_n2" rsc="ip_10_204_0_101" node="n2" score="100"/>
    <rsc_colocation id="grp_with_promoted_disk" score="INFINITY" rsc="grp_n1_1" with-rsc="ms_disk" with-rsc-role="Promoted"/>
    <rsc_order id="disk_promote_then_grp" kind="Mandatory" first="ms_disk" first-action="promote" then="grp_n1_1" then-action="start"/>
  </constraints>
  <rsc_defaults><meta_attributes id="rsc-options"><nvpair id="rsc-options-resource-stickiness" name="resource-stickiness" value="0"/></meta_attributes></rsc_defaults>
</configuration><status/></cib>
`
}

test('a DRBD-style site (a promotable disk, Stateful in place of drbd): the CRM finds it Promoted where v1 made it primary and keeps it there', {timeout: 900_000}, async (t) => {
  const why = cutoverLabUnavailable()
  if (why) return void t.skip(why)
  // v1: a Heartbeat resource script that makes the disk primary (as drbddisk does) under the group
  const lab = await startCutoverLab(`n1 statefuldisk::/run/hakit-disk IPaddr::${VIP}/24/hb0 hakitweb\nn2 IPaddr2::${VIP2}/24/hb0`)
  const [n1, n2] = lab.nodes as [LabNode, LabNode]
  const disk = (node: LabNode): string => lab.sh(node, 'cat /run/hakit-disk 2>/dev/null').stdout.trim()
  const log: string[] = []
  await withLab(lab, log, async () => {
    for (const node of lab.nodes) {
      writeFileSync(join(node.dir, 'ha.d', 'resource.d', 'statefuldisk'), `#!/bin/sh
# statefuldisk FILE start|stop|status: the disk's role in FILE, as Stateful reads it (drbddisk: drbdadm primary/secondary)
case "$2" in
start) echo Promoted >"$1" ;;
stop) echo Unpromoted >"$1" ;;
status) if [ "$(cat "$1" 2>/dev/null)" = Promoted ]; then echo running; else echo stopped; fi ;;
esac
exit 0
`, {mode: 0o755})
      // the drbd service at boot: every node's disk is there, secondary
      writeFileSync(join(node.dir, 'run', 'hakit-disk'), 'Unpromoted\n')
    }
    const {servedFrom, pidBefore} = await startServedSite(lab, (node) => lab.startLegacy(node), () => legacySettled(lab))
    assert.deepEqual([disk(n1), disk(n2)], ['Promoted', 'Unpromoted'])
    const cibFile = join(lab.dir, 'edited-cib.xml')
    writeFileSync(cibFile, promotableCibXml())
    const plan = sitePlan(lab)
    const start = Date.now()
    await runSteps(lab, plan, plan.toCrm.map((s) => ({...s, commands: s.commands.map((c) => (c.run === 'hakit cutover --to crm' ? {...c, run: `hakit cutover --to crm --cib ${cibFile}`} : c))})), log)
    const end = Date.now()
    const expected: Record<string, string> = {ip_10_204_0_100: 'n1', svc_hakitweb: 'n1', ip_10_204_0_101: 'n2'}
    const settled = (c: Cib): boolean => monitored(c, Object.keys(expected)) && ['n1', 'n2'].every((n) => history(c).some((h) => /^disk monitor\/1[01]000@/.test(h) && h.endsWith(`@${n}`)))
    const cib = await waitForLiveCib(lab, n1, 'recurring monitors', settled)
    const placement = schedule(cib).placement
    const roles = Object.fromEntries(placement.filter((p) => p.resource.startsWith('disk')).map((p) => [p.current ?? '-', p.role]))
    assert.deepEqual(roles, {n1: 'Promoted', n2: 'Unpromoted'}, 'the disk Promoted where v1 made it primary')
    assert.deepEqual(activeOn(cib, expected), Object.fromEntries(Object.entries(expected).map(([id, n]) => [id, [n]])))
    assert.deepEqual(history(cib).filter((h) => !/ monitor\//.test(h)), [], 'no start, stop, promote or demote: only probes and monitors')
    assert.deepEqual([disk(n1), disk(n2)], ['Promoted', 'Unpromoted'])
    assert.equal(webPid(lab, n1), pidBefore, 'the web server kept its PID')
    const probes = (await lab.stopProber()).filter((p) => p.start >= servedFrom)
    const failed = probes.filter((p) => !p.ok)
    t.diagnostic(`promotable disk, hakit run --legacy → hakit run --crm: ${Math.round((end - start) / 1000)} s, ${probes.length} probes, ${failed.length} failed, outage ${outageMs(probes)} ms`)
    assert.deepEqual(failed, [], 'no probe failed')
  })
})
