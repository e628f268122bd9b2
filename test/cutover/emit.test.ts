/**
 * The generated cut-over plan (src/converters/emit/cutover.ts): this site's
 * nodes and groups in the commands, the order that keeps every resource
 * running, its place in MIGRATION.md, and — judged by Pacemaker's own tools
 * on a CIB file — that the load step keeps maintenance mode on, so nothing
 * would be started.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {convertBundle, type Bundle} from '../../src/converters/bundle.js'
import {cutoverPlan, cutoverSection, stepCommands, MAINTENANCE_ON} from '../../src/converters/emit/cutover.js'
import {migrationReport} from '../../src/converters/report.js'
import {applyCib} from '../../src/converters/apply.js'
import {parseHaCf} from '../../src/formats/hacf/parse.js'
import {parseHaresources} from '../../src/formats/haresources/parse.js'
import {parseAuthkeys} from '../../src/formats/authkeys/parse.js'
import {fixturesDir, haveCommand} from '../helpers/cli.js'

const HA_CF = `keepalive 1
deadtime 10
ucast eth0 192.0.2.11
ucast eth0 192.0.2.12
auto_failback on
node alpha.example.com
node beta.example.com
`
const HARESOURCES = `alpha.example.com IPaddr2::192.0.2.100/24/eth0 apache2
beta.example.com 192.0.2.101/24/eth0 postfix
`

function site(): Bundle {
  return convertBundle({
    haresources: parseHaresources(HARESOURCES, '/etc/ha.d/haresources').model,
    hacf: parseHaCf(HA_CF, '/etc/ha.d/ha.cf').model,
    authkeys: parseAuthkeys('auth 1\n1 sha1 secret\n', '/etc/ha.d/authkeys').model,
    expectResources: true,
  })
}

test("the plan names this site's nodes and groups, and keeps Pacemaker frozen until the v1 runtime is detached", () => {
  const plan = cutoverPlan(site(), {dir: '/etc/ha.d'})
  assert.deepEqual(plan.nodes, ['alpha.example.com', 'beta.example.com'])
  assert.deepEqual(plan.units.map((u) => u.node), ['alpha.example.com', 'beta.example.com'])
  const ids = plan.steps.map((s) => s.id)
  assert.deepEqual(ids, ['prepare', 'start-pacemaker', 'maintenance-on', 'load', 'probe', 'detach', 'maintenance-off', 'stop-v1', 'finish'])
  const commands = plan.steps.flatMap((s) => stepCommands(plan, s).map((c) => ({...c, step: s.id})))
  // every node is detached, and every daemon stopped, each by name
  for (const step of ['detach', 'stop-v1']) {
    assert.deepEqual(commands.filter((c) => c.step === step && /^(hakit detach|systemctl stop)/.test(c.run)).map((c) => c.node), plan.nodes)
  }
  // each group is located where haresources puts it, before and after maintenance mode
  for (const u of plan.units) {
    for (const step of ['probe', 'maintenance-off']) assert.ok(commands.some((c) => c.step === step && c.run === `crm_resource --locate --resource ${u.id}`))
  }
  assert.ok(commands.some((c) => c.step === 'load' && c.run.startsWith('hakit convert all /etc/ha.d ') && c.run.endsWith(' --apply')))
  // nothing in the forward path stops a resource or the v1 runtime before it is detached
  const stopV1 = commands.findIndex((c) => c.step === 'stop-v1')
  const detach = commands.findIndex((c) => c.step === 'detach')
  assert.ok(detach < stopV1)
  assert.ok(!commands.some((c) => /heartbeat -k|systemctl stop heartbeat|crm_resource --stop|crm resource stop/.test(c.run)))
  // the Heartbeat path freezes every node before it kills any
  const hb = plan.heartbeatDetach.flatMap((s) => stepCommands(plan, s).map((c) => c.run))
  assert.ok(hb.lastIndexOf('pkill -STOP -x heartbeat') < hb.findIndex((r) => r.startsWith('pkill -KILL')))
  assert.equal(hb.filter((r) => r === 'pkill -STOP -x heartbeat').length, plan.nodes.length)
})

test('MIGRATION.md carries the cut-over without an outage and both rollbacks, after the maintenance-window steps', () => {
  const bundle = site()
  const report = migrationReport(bundle, {files: ['/etc/ha.d/haresources'], dir: '/etc/ha.d'})
  const window = report.indexOf('## Cut-over steps')
  const noOutage = report.indexOf('## Cut-over without an outage')
  assert.ok(window >= 0 && noOutage > window)
  assert.ok(report.indexOf('## Rollback') > noOutage)
  assert.match(report, /on every node \(alpha\.example\.com, beta\.example\.com\): `hakit detach`/)
  assert.match(report, /`ssh root@alpha\.example\.com pkill -STOP -x heartbeat &` `ssh root@beta\.example\.com pkill -STOP -x heartbeat &` `wait`/)
  assert.match(report, /crm_resource --locate --resource grp_alpha_example_com_1|crm_resource --locate --resource \S+/)
  assert.equal(cutoverSection(bundle, {dir: '/etc/ha.d'}).join('\n').split('**maintenance-on**').length, 2, 'one maintenance-on step')
})

test('loaded the way the plan says, the configuration keeps maintenance-mode=true: crm_simulate plans probes and no start', async (t) => {
  for (const cmd of ['cibadmin', 'crm_attribute', 'crm_diff', 'crm_verify', 'crm_simulate']) if (!haveCommand(cmd)) return t.skip(`${cmd} not installed`)
  const dir = mkdtempSync(join(tmpdir(), 'hakit-cutover-emit-'))
  const saved = process.env.CIB_file
  try {
    // a fresh cluster's CIB: two nodes, no resources (what Pacemaker starts with)
    const file = join(dir, 'cib.xml')
    writeFileSync(file, `<cib validate-with="pacemaker-3.9" epoch="3" admin_epoch="0" num_updates="0"><configuration><crm_config/><nodes><node id="1" uname="alpha.example.com"/><node id="2" uname="beta.example.com"/></nodes><resources/><constraints/></configuration><status><node_state id="1" uname="alpha.example.com" in_ccm="true" crmd="online" join="member" expected="member"/><node_state id="2" uname="beta.example.com" in_ccm="true" crmd="online" join="member" expected="member"/></status></cib>\n`)
    const env = {...process.env, CIB_file: file}
    const sh = (command: string) => spawnSync('sh', ['-c', command], {encoding: 'utf8', env})
    assert.equal(sh(MAINTENANCE_ON).status, 0)
    process.env.CIB_file = file
    const result = await applyCib(site().cib)
    assert.equal(result.applied, true)
    assert.match(sh('crm_attribute --type crm_config --name maintenance-mode --query').stdout, /value=true/)
    const simulated = sh(`crm_simulate --simulate --xml-file ${file}`)
    assert.equal(simulated.status, 0, simulated.stderr)
    const summary = simulated.stdout.split('Transition Summary:')[1] ?? ''
    assert.doesNotMatch(summary, /\bStart\b|\bStop\b|\bMove\b|\bRecover\b/, `nothing started or stopped:\n${simulated.stdout}`)
    assert.match(simulated.stdout, /Resource action: ip_192_0_2_100 +monitor on alpha\.example\.com/, 'probes are still planned in maintenance mode')
    // the same load without maintenance mode would start the groups: the test can tell the difference
    assert.equal(sh('crm_attribute --type crm_config --name maintenance-mode --update false').status, 0)
    assert.match(sh(`crm_simulate --simulate --xml-file ${file}`).stdout.split('Transition Summary:')[1] ?? '', /\bStart\b/)
  } finally {
    if (saved === undefined) delete process.env.CIB_file
    else process.env.CIB_file = saved
    rmSync(dir, {recursive: true, force: true})
  }
})

test('a DRBD site: the probe step says what crm_mon must show for the promotable clone, and the drbd service is disabled, not stopped', async () => {
  const {legacyPaths, loadLegacy} = await import('../../src/converters/load.js')
  const dir = join(fixturesDir, 'example-cluster')
  const bundle = convertBundle(await loadLegacy({...(await legacyPaths(dir)), lookUpScripts: false}))
  const plan = cutoverPlan(bundle, {dir})
  const probe = plan.steps.find((s) => s.id === 'probe')!
  assert.match(probe.text, /DRBD \(`[^`]+`\).*"Promoted" where v1 made it primary and "Unpromoted" elsewhere/)
  const finish = plan.steps.find((s) => s.id === 'finish')!
  assert.ok(finish.commands.some((c) => c.run === 'systemctl disable drbd'))
  assert.ok(!plan.steps.some((s) => s.commands.some((c) => /systemctl stop drbd/.test(c.run))))
  // the cut-over to the CRM runtime says what its status must show for the clone
  assert.match(plan.toCrm.find((s) => s.id.startsWith('crm-switch-'))!.check!, /DRBD \(`[^`]+`\): `hakit crm status -r` shows it Promoted where v1 made it primary/)
  // and a site without DRBD says nothing about it
  assert.doesNotMatch(cutoverPlan(site(), {dir: '/etc/ha.d'}).steps.map((s) => s.text).join(' '), /DRBD|drbd/)
})

test("the cut-over to hakit's CRM runtime: every node detached first, then one node at a time, finish once; the rollback starts detached, then attaches", () => {
  const plan = cutoverPlan(site(), {dir: '/etc/ha.d'})
  assert.deepEqual(plan.toCrm.map((s) => s.id), ['crm-detach', 'crm-switch-alpha.example.com', 'crm-switch-beta.example.com', 'crm-finish', 'crm-boot'])
  const commands = plan.toCrm.flatMap((s) => stepCommands(plan, s))
  const detaches = commands.flatMap((c, i) => (c.run === 'hakit detach' ? [i] : []))
  const switches = commands.flatMap((c, i) => (c.run === 'hakit cutover --to crm' ? [i] : []))
  assert.deepEqual(commands.filter((c) => c.run === 'hakit detach').map((c) => c.node), plan.nodes)
  assert.deepEqual(commands.filter((c) => c.run === 'hakit cutover --to crm').map((c) => c.node), plan.nodes)
  assert.ok(Math.max(...detaches) < Math.min(...switches), 'every node is detached before any switches')
  assert.ok(commands.findIndex((c) => c.run === 'hakit cutover --finish') > Math.max(...switches))
  // each switch names the groups its probes must find on that node
  for (const u of plan.units) assert.match(plan.toCrm.find((s) => s.id === `crm-switch-${u.node}`)!.check!, new RegExp(`\`${u.id}\``))
  const back = plan.crmRollback.flatMap((s) => stepCommands(plan, s)).map((c) => c.run)
  assert.ok(back.lastIndexOf('hakit cutover --to legacy') < back.indexOf('hakit attach'), 'every node back on the legacy daemon before any attaches')
  // another configuration directory is passed on
  assert.ok(cutoverPlan(site(), {dir: '/srv/ha.d'}).toCrm.some((s) => s.commands.some((c) => c.run === 'hakit cutover --to crm --config-dir /srv/ha.d')))
  const report = migrationReport(site(), {files: ['/etc/ha.d/haresources'], dir: '/etc/ha.d'})
  assert.match(report, /### To hakit's CRM runtime instead/)
  assert.match(report, /on alpha\.example\.com: `hakit cutover --to crm`/)
})
