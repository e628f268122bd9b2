/**
 * The cut-over without an outage, end to end (issue 14, 2a; rollback 2c):
 * two nodes run `hakit run --legacy` with an IPaddr (v1 shorthand) address
 * and an LSB web service on it; a client namespace probes the service over
 * HTTP every 50 ms. The test converts the site with `hakit convert all`,
 * then runs the cut-over steps MIGRATION.md prints for it (cutoverPlan) on
 * the nodes — Corosync + Pacemaker started with maintenance-mode, probes,
 * `hakit detach`, maintenance off, the v1 daemons stopped — and asserts that
 * no probe failed, that Pacemaker manages the resources on the node v1 ran
 * them on, and that nothing was started or stopped (only probes and
 * monitors in the CIB's operation history, the web server's process the
 * same). Then the rollback after the cut-over, the same way. The same with
 * a real Heartbeat 3.0.6 as the v1 runtime (in the node's own PID and mount
 * namespaces), where the generated freeze-and-kill steps replace `hakit detach`.
 *
 * `systemctl` does not exist in the lab: its commands are replaced by what
 * the units do (start corosync and pacemakerd, SIGTERM the hakit daemon);
 * `systemctl enable/disable` are skipped. Needs root.
 */
import {test, type TestContext} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {stepCommands, type CutoverPlan, type CutoverStep} from '../../src/converters/emit/cutover.js'
import {cutoverLabUnavailable, startCutoverLab, type CutoverLab, type LabNode} from './lab.js'
import {addressesInPlace, EXPECTED_NODE, HARESOURCES, outageMs, PROBE_EVERY_MS, sitePlan, startServedSite, webPid, withLab} from './site.js'

/** Runs one plan step on the nodes, as an admin would; returns each command's output, in order. */
async function runStep(lab: CutoverLab, plan: CutoverPlan, step: CutoverStep, log: string[]): Promise<string[]> {
  const outputs: string[] = []
  for (const {node: name, run} of stepCommands(plan, step)) {
    const node = lab.node(name ?? plan.nodes[0]!)
    log.push(`[${step.id}] ${node.name}# ${run}`)
    if (run === 'systemctl start corosync pacemaker') {
      await lab.startPacemaker(node)
      continue
    }
    if (run === 'systemctl stop hakit-legacy') {
      await lab.stopLegacy(node)
      continue
    }
    if (run === 'systemctl stop pacemaker corosync') {
      await lab.stopPacemaker(node)
      continue
    }
    if (run === 'systemctl enable --now hakit-legacy') {
      lab.startLegacy(node)
      continue
    }
    if (run.startsWith('systemctl ')) continue // enable/disable: no init system in the lab
    const r = lab.sh(node, run, 330_000)
    log.push(r.stdout.trimEnd(), r.stderr.trimEnd())
    assert.equal(r.status, 0, `${step.id}: "${run}" on ${node.name} failed:\n${r.stdout}\n${r.stderr}\n${lab.logTail()}`)
    outputs.push(r.stdout)
  }
  return outputs
}

const step = (plan: CutoverPlan, id: string): CutoverStep => plan.steps.find((s) => s.id === id) ?? [...plan.rollbackEarly, ...plan.rollbackLate].find((s) => s.id === id)!

function crmMonXml(lab: CutoverLab, node: LabNode): string {
  return lab.exec(node, ['crm_mon', '-1', '--output-as=xml', '--inactive']).stdout
}

/** id → {role, managed, nodes} of every primitive crm_mon lists. */
function resources(xml: string): Map<string, {role: string; managed: boolean; nodes: string[]}> {
  const found = new Map<string, {role: string; managed: boolean; nodes: string[]}>()
  for (const m of xml.matchAll(/<resource id="([^"]+)"([^>]*?)(\/>|>([\s\S]*?)<\/resource>)/g)) {
    const attrs = m[2]!
    found.set(m[1]!, {
      role: /role="([^"]+)"/.exec(attrs)?.[1] ?? '?',
      managed: /managed="true"/.test(attrs),
      nodes: [...(m[4] ?? '').matchAll(/<node name="([^"]+)"/g)].map((n) => n[1]!),
    })
  }
  return found
}

/** The nodes `crm_resource --locate` names (a group: one line per member). */
function locatedOn(output: string): string[] {
  return [...new Set([...output.matchAll(/is running on: (\S+)/g)].map((m) => m[1]!))]
}

type V1 = 'hakit' | 'heartbeat'

/** Whether each node's v1 runtime is out of transition and holds its own group (rscstatus local). */
function v1Settled(lab: CutoverLab, impl: V1): boolean {
  return lab.nodes.every((node) => {
    const held = impl === 'hakit' ? /resources held here: (\S+)/.exec(lab.sh(node, 'hakit status').stdout)?.[1] : lab.exec(node, ['cl_status', 'rscstatus']).stdout.trim()
    return held === 'local'
  })
}

/**
 * `through`: the whole cut-over, then the rollback once Pacemaker manages the resources.
 * `early-rollback`: the cut-over up to `detach`, then the rollback for that stage.
 */
async function cutover(t: TestContext, impl: V1, path: 'through' | 'early-rollback' = 'through'): Promise<void> {
  const why = cutoverLabUnavailable() ?? (impl === 'heartbeat' && !existsSync('/usr/libexec/heartbeat/heartbeat') ? 'heartbeat 3.0.6 not installed' : undefined)
  if (why) return void t.skip(why)
  const lab = await startCutoverLab(HARESOURCES)
  const log: string[] = []
  const startV1 = (node: LabNode) => (impl === 'hakit' ? lab.startLegacy(node) : lab.startHeartbeat(node))
  const v1Log = (node: LabNode) => (impl === 'hakit' ? lab.legacyLog(node) : lab.haLog(node))
  await withLab(lab, log, async () => {
    const [n1, n2] = lab.nodes as [LabNode, LabNode]
    const {servedFrom, pidBefore} = await startServedSite(lab, startV1, () => v1Settled(lab, impl))

    // The site's conversion, as the admin gets it (read from n1's /etc/ha.d)
    const plan = sitePlan(lab, {out: '/run/hakit-pacemaker'})
    assert.deepEqual(plan.nodes, ['n1', 'n2'])
    assert.deepEqual(plan.units.map((u) => u.node), ['n1', 'n2'])

    // "prepare": the corosync.conf and authkey of the conversion on every node (logging to the node's own file)
    const conf = lab.sh(n1, 'hakit convert all /etc/ha.d --out /run/hakit-bundle >/dev/null 2>&1; cat /run/hakit-bundle/corosync.conf')
    assert.match(conf.stdout, /nodelist/, conf.stderr)
    const corosyncConf = conf.stdout.replace(/logging \{[\s\S]*?\}/, 'logging {\n    to_syslog: no\n    to_logfile: yes\n    logfile: /var/log/pacemaker/corosync.log\n    timestamp: on\n}')
    for (const node of lab.nodes) lab.installCorosync(node, corosyncConf, join(n1.dir, 'run', 'hakit-bundle', 'authkey'))

    const cutoverStart = Date.now()
    await runStep(lab, plan, step(plan, 'prepare'), log)
    await runStep(lab, plan, step(plan, 'start-pacemaker'), log)
    await lab.waitFor('Pacemaker: both nodes online and a DC', 180_000, () => {
      const xml = crmMonXml(lab, n1)
      return /<current_dc [^>]*present="true"/.test(xml) && ['n1', 'n2'].every((n) => new RegExp(`<node name="${n}" [^>]*online="true"`).test(xml))
    })
    const [, maintenance] = await runStep(lab, plan, step(plan, 'maintenance-on'), log)
    assert.match(maintenance!, /value=true/)
    await runStep(lab, plan, step(plan, 'load'), log)
    const probed = await runStep(lab, plan, step(plan, 'probe'), log)
    plan.units.forEach((u, i) => assert.deepEqual(locatedOn(probed[1 + i]!), [u.node], `the probes found ${u.id} where v1 runs it`))
    const found = resources(crmMonXml(lab, n1))
    assert.deepEqual([...found.keys()].sort(), Object.keys(EXPECTED_NODE).sort())
    for (const [id, r] of found) {
      assert.deepEqual({id, ...r}, {id, role: 'Started', managed: false, nodes: [EXPECTED_NODE[id]]}, 'found running where v1 runs it, unmanaged')
    }

    if (impl === 'hakit') {
      await runStep(lab, plan, step(plan, 'detach'), log)
      for (const node of lab.nodes) assert.match(lab.sh(node, 'hakit status').stdout, /DETACHED/)
    } else {
      await runStep(lab, plan, plan.heartbeatDetach[0]!, log)
      // pkill on every node, then ps on every node
      const listed = (await runStep(lab, plan, plan.heartbeatDetach[1]!, log)).slice(lab.nodes.length).join('')
      assert.ok(listed.trim().split('\n').length >= 2 * 4, `heartbeat's processes listed:\n${listed}`)
      assert.ok(listed.trim().split('\n').every((line) => / T/.test(line)), `every heartbeat process stopped:\n${listed}`)
      await runStep(lab, plan, plan.heartbeatDetach[2]!, log)
      for (const node of lab.nodes) assert.equal(lab.exec(node, ['pidof', 'heartbeat']).stdout.trim(), '', `no heartbeat left on ${node.name}`)
    }
    if (path === 'early-rollback') {
      // Back to v1 while Pacemaker is still frozen: Pacemaker goes away, the detached daemons attach again
      const v1LogBefore = lab.nodes.map((node) => v1Log(node).length)
      const rollbackStart = Date.now()
      for (const s of plan.rollbackEarly) await runStep(lab, plan, s, log)
      await lab.waitFor('both v1 daemons stable again', 120_000, () => v1Settled(lab, impl))
      const rollbackEnd = Date.now()
      await new Promise((r) => setTimeout(r, 2000))
      for (const node of lab.nodes) {
        assert.equal(lab.exec(node, ['pidof', 'pacemakerd', 'corosync']).stdout.trim(), '', `Pacemaker gone from ${node.name}`)
        const status = lab.sh(node, 'hakit status').stdout
        assert.doesNotMatch(status, /DETACHED/, `${node.name} manages again`)
      }
      assert.ok(v1Settled(lab, impl), 'each node holds its group under v1 again')
      assert.ok(addressesInPlace(lab))
      assert.equal(webPid(lab, n1), pidBefore, 'the web server was never restarted')
      for (const [i, node] of lab.nodes.entries()) {
        assert.doesNotMatch(v1Log(node).slice(v1LogBefore[i]), /hakitweb +start|Resources being acquired/, `${node.name}: the attached daemon kept what runs`)
      }
      const all = await lab.stopProber()
      const probes = all.filter((p) => p.start >= servedFrom)
      t.diagnostic(`${impl}: cut-over to detach, then rollback before maintenance-off: ${Math.round((rollbackEnd - cutoverStart) / 1000)} s, ${probes.length} probes, ${probes.filter((p) => !p.ok).length} failed, outage ${outageMs(probes)} ms`)
      assert.deepEqual(probes.filter((p) => !p.ok), [], 'no probe failed')
      assert.ok(probes.every((p) => p.detail === 'n1'))
      return
    }
    await runStep(lab, plan, step(plan, 'maintenance-off'), log)
    if (impl === 'hakit') await runStep(lab, plan, step(plan, 'stop-v1'), log)
    await runStep(lab, plan, step(plan, 'finish'), log)
    const cutoverEnd = Date.now()
    // a few more probes after the last step
    await new Promise((r) => setTimeout(r, 2000))

    // Pacemaker manages both resources on n1, nothing was started or stopped
    const managed = resources(crmMonXml(lab, n1))
    assert.deepEqual([...managed.keys()].sort(), Object.keys(EXPECTED_NODE).sort())
    for (const [id, r] of managed) assert.deepEqual({id, ...r}, {id, role: 'Started', managed: true, nodes: [EXPECTED_NODE[id]]})
    const status = lab.exec(n1, ['cibadmin', '-Q', '-o', 'status']).stdout
    const ops = [...status.matchAll(/<lrm_rsc_op [^>]*operation="([^"]+)"[^>]*interval="(\d+)"/g)].map((m) => `${m[1]}/${m[2]}`)
    assert.ok(ops.length >= 4, `probes on both nodes recorded: ${ops.join(' ')}`)
    assert.deepEqual(ops.filter((op) => !op.startsWith('monitor/')), [], 'only probes and monitors in the operation history')
    assert.ok(ops.some((op) => op !== 'monitor/0'), 'recurring monitors run: Pacemaker manages the resources')
    for (const node of lab.nodes) {
      const pcmkLog = readFileSync(join(node.dir, 'log', 'pacemaker.log'), 'utf8')
      assert.doesNotMatch(pcmkLog, /Initiating (start|stop) operation/, `${node.name}: Pacemaker started or stopped something`)
      if (impl === 'hakit') assert.match(v1Log(node), /Leaving the cluster detached/)
      assert.doesNotMatch(v1Log(node), /Giving up all HA resources|Resources being acquired/)
    }
    assert.ok(addressesInPlace(lab))
    assert.equal(webPid(lab, n1), pidBefore, 'the web server was never restarted')
    assert.equal(webPid(lab, n2), '')

    const cutoverProbes = lab.probes().filter((p) => p.start >= servedFrom)
    const failed = cutoverProbes.filter((p) => !p.ok)
    t.diagnostic(`${impl} → Pacemaker cut-over: ${Math.round((cutoverEnd - cutoverStart) / 1000)} s, ${cutoverProbes.length} probes every ${PROBE_EVERY_MS} ms, ${failed.length} failed, outage ${outageMs(cutoverProbes)} ms`)
    assert.deepEqual(failed, [], 'no probe failed during the cut-over')
    assert.ok(cutoverProbes.every((p) => p.detail === 'n1'), 'always served by n1')
    assert.ok(cutoverProbes.filter((p) => p.start >= cutoverStart && p.start <= cutoverEnd).length * PROBE_EVERY_MS >= (cutoverEnd - cutoverStart) * 0.5, 'the client probed through the whole cut-over')

    // Rollback after the cut-over (2c): back to hakit run --legacy, with the steps MIGRATION.md prints
    const v1LogBefore = lab.nodes.map((node) => v1Log(node).length)
    const rollbackStart = Date.now()
    const placed = await runStep(lab, plan, {...step(plan, 'rollback-late-place'), commands: step(plan, 'rollback-late-place').commands.filter((c) => !c.run.includes('--move'))}, log)
    plan.units.forEach((u, i) => assert.deepEqual(locatedOn(placed[i]!), [u.node], `${u.id} already on its haresources node: no move needed`))
    await runStep(lab, plan, step(plan, 'rollback-late-maintenance'), log)
    log.push(`[rollback-late-v1] start the ${impl} daemons`)
    for (const node of lab.nodes) startV1(node)
    await lab.waitFor('both v1 daemons stable again', 120_000, () => v1Settled(lab, impl))
    await runStep(lab, plan, step(plan, 'rollback-late-pacemaker'), log)
    const rollbackEnd = Date.now()
    await new Promise((r) => setTimeout(r, 2000))
    assert.ok(v1Settled(lab, impl), 'each node holds its own group again under v1')
    assert.ok(addressesInPlace(lab))
    assert.equal(webPid(lab, n1), pidBefore, 'the web server was not restarted by the rollback')
    for (const [i, node] of lab.nodes.entries()) {
      assert.doesNotMatch(v1Log(node).slice(v1LogBefore[i]), /hakitweb +start/, `${node.name}: v1 adopted the running group without starting it`)
    }
    const all = await lab.stopProber()
    const rollbackProbes = all.filter((p) => p.start >= rollbackStart)
    t.diagnostic(`rollback to ${impl}: ${Math.round((rollbackEnd - rollbackStart) / 1000)} s, ${rollbackProbes.length} probes, ${rollbackProbes.filter((p) => !p.ok).length} failed, outage ${outageMs(rollbackProbes)} ms`)
    assert.deepEqual(all.filter((p) => p.start >= servedFrom && !p.ok), [], 'no probe failed during the rollback')
  })
}

test('cut-over from hakit run --legacy to Pacemaker with the generated steps: no failed probe, resources adopted in place, and back', {timeout: 600_000}, (t) => cutover(t, 'hakit'))

test('cut-over from a real Heartbeat 3.0.6 to Pacemaker (freeze and kill instead of detach): no failed probe, and back', {timeout: 600_000}, (t) => cutover(t, 'heartbeat'))

test('rollback before maintenance mode is off: Pacemaker stopped, hakit attach on the detached daemons: no failed probe, nothing restarted', {timeout: 600_000}, (t) => cutover(t, 'hakit', 'early-rollback'))
