/**
 * Bundles (src/runtime/scheduler/bundle.ts): the implicit resources and guest nodes a <bundle>
 * creates, where they are placed and how their actions are ordered, judged against the
 * installed crm_simulate where it can run (the Transition Summary and the status section of a
 * fixture, a container whose recorded digest is ours, mutated suite cases with bundles).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand, projectRoot, sharedDir} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {schedule, type Transition} from '../../../src/runtime/scheduler/index.js'
import {operationDigest} from '../../../src/runtime/scheduler/digests.js'
import {resourceParams} from '../../../src/runtime/scheduler/resources.js'
import {clusterStatus} from '../../../src/runtime/scheduler/status-text.js'
import {BUNDLE_CASE, runMutations} from './mutation-run.js'
import {transitionSummaryLines} from './summary-lines.js'

const fixture = join(projectRoot, 'test', 'fixtures', 'scheduler', 'bundle', 'web-bundle.xml')
const fixtureText = readFileSync(fixture, 'utf8')
const run = (text: string): Transition => schedule(parseCibXml(text, fixture))

/** crm_simulate -R on a CIB text: its output, or null when the tool is missing or fails. */
function crmSimulate(text: string): string | null {
  if (!haveCommand('crm_simulate')) return null
  const dir = mkdtempSync(join(tmpdir(), `hakit-bundle-${process.pid}-`))
  try {
    const file = join(dir, 'cib.xml')
    writeFileSync(file, text)
    const r = spawnSync('crm_simulate', ['-x', file, '-R'], {encoding: 'utf8', timeout: 60_000})
    return r.status === 0 ? r.stdout : null
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

test('a bundle creates its replicas: container, IP, connection, guest node and a child instance each', () => {
  const ws = run(fixtureText).workingSet
  for (let i = 0; i < 3; i++) {
    const ip = `192.168.122.${131 + i}`
    const container = ws.byId.get(`web-docker-${i}`)
    assert.equal(container?.prim?.type, 'docker')
    assert.equal(ws.byId.get(`web-ip-${ip}`)?.prim?.type, 'IPaddr2')
    assert.equal(resourceParams(ws, ws.byId.get(`web-ip-${ip}`)!, null).get('ip'), ip)
    const remote = ws.byId.get(`web-${i}`)
    assert.equal(remote?.prim?.type, 'remote')
    assert.equal(remote?.container, container)
    assert.equal(resourceParams(ws, remote!, null).get('addr'), ip)
    const node = ws.nodeByName.get(`web-${i}`)
    assert.ok(node?.guest && node.remoteRsc === remote, `guest node web-${i}`)
    assert.equal(node?.attrs.get('#kind'), 'container')
    assert.equal(ws.byId.get(`httpd:${i}`)?.parent?.id, 'web-clone')
  }
  // a promotable child is cloned as NAME-master; control-port without IPs addresses the host by name
  assert.equal(ws.byId.get('db-server:0')?.parent?.id, 'db-master')
  assert.equal(ws.byId.get('db-master')?.promotable, true)
  assert.equal(resourceParams(ws, ws.byId.get('db-0')!, null).get('port'), '3123')
  assert.equal(ws.byId.get('db-podman-1')?.prim?.type, 'podman')
  // a bundle without a primitive has containers only
  assert.ok(ws.byId.get('plain-docker-1') && !ws.byId.get('plain-0') && !ws.nodeByName.get('plain-0'))
  // run_opts names every replica's address, the mounts (per-replica subdirectories) and the ports
  const opts = resourceParams(ws, ws.byId.get('web-docker-1')!, null).get('run_opts') ?? ''
  assert.match(opts, / -h web-1 /)
  assert.match(opts, / -v \/var\/log\/web\/web-1:\/etc\/httpd\/logs:rw /)
  assert.match(opts, / -p 192\.168\.122\.132:80:80 -p 192\.168\.122\.132:3121:3121 /)
  assert.match(opts, /--add-host=web-0:192\.168\.122\.131 --add-host=web-1:192\.168\.122\.132 --add-host=web-2:192\.168\.122\.133$/)
})

test('each replica runs together on its own host, started IP → container → connection → child', () => {
  const t = run(fixtureText)
  const ws = t.workingSet
  const hosts = new Set<string>()
  for (let i = 0; i < 3; i++) {
    const host = ws.byId.get(`web-docker-${i}`)!.allocatedTo?.uname
    assert.ok(host, `web-docker-${i} placed`)
    hosts.add(host)
    assert.equal(ws.byId.get(`web-ip-192.168.122.${131 + i}`)!.allocatedTo?.uname, host)
    assert.equal(ws.byId.get(`web-${i}`)!.allocatedTo?.uname, host)
    assert.equal(ws.byId.get(`httpd:${i}`)!.allocatedTo?.uname, `web-${i}`)
  }
  assert.equal(hosts.size, 3, 'one replica per host (replicas-per-host=1)')
  // the resource colocated with the bundle runs where one of its containers does
  assert.ok(hosts.has(ws.byId.get('after')!.allocatedTo!.uname))
  const start = (rsc: string) => t.actions.find((a) => a.task === 'start' && a.resource === rsc)!
  const waitsFor = (then: string, first: string) => {
    const seen = new Set<number>()
    const visit = (id: number): boolean => {
      if (seen.has(id)) return false
      seen.add(id)
      const a = t.actions.find((x) => x.id === id)!
      return a.after.includes(start(first).id) || a.after.some(visit)
    }
    return visit(start(then).id)
  }
  for (let i = 0; i < 3; i++) {
    assert.ok(waitsFor(`web-docker-${i}`, `web-ip-192.168.122.${131 + i}`), `container ${i} after its IP`)
    assert.ok(waitsFor(`web-${i}`, `web-docker-${i}`), `connection ${i} after its container`)
    assert.ok(waitsFor(`httpd:${i}`, `web-${i}`), `child ${i} after its connection`)
  }
  // the summary lists each replica's IP, container, connection and child together
  const order = t.summary.map((s) => s.resource)
  assert.deepEqual(order.slice(order.indexOf('web-ip-192.168.122.131'), order.indexOf('web-ip-192.168.122.131') + 4),
    ['web-ip-192.168.122.131', 'web-docker-0', 'web-0', 'httpd:0'])
})

test('a promotable bundle promotes the child on the guest node a Promoted-role location prefers', (t) => {
  const text = fixtureText.replace('<rsc_order id="web-then-after"', '<rsc_location id="db-promoted-on-db-1" rsc="db" role="Promoted" node="db-1" score="100"/>\n      <rsc_order id="web-then-after"')
  const got = run(text)
  const ws = got.workingSet
  const promoted = ['db-server:0', 'db-server:1'].filter((id) => ws.byId.get(id)!.nextRole === 4)
  assert.deepEqual(promoted.map((id) => ws.byId.get(id)!.allocatedTo?.uname), ['db-1'], 'promoted-max=1, on db-1')
  const out = crmSimulate(text)
  if (out === null) {
    t.skip('crm_simulate not installed (or failed on the fixture)')
    return
  }
  assert.deepEqual(got.summaryLines, transitionSummaryLines(out))
})

test('same Transition Summary and status as crm_simulate for a fresh start of three bundles', (t) => {
  const out = crmSimulate(fixtureText)
  if (out === null) {
    t.skip('crm_simulate not installed (or failed on the fixture)')
    return
  }
  const got = run(fixtureText)
  assert.deepEqual(got.summaryLines, transitionSummaryLines(out))
  const status = out.split('\n')
  const from = status.indexOf('Current cluster status:') + 1
  const to = status.indexOf('Transition Summary:')
  assert.deepEqual(clusterStatus(got.workingSet, false), status.slice(from, to - 1))
})

test('address ranges crm_simulate cannot step through (IPv6, text after an IPv4 address): same resources, summary and status', (t) => {
  for (const start of ['fd00::10', ' 10.0.0.254/24']) {
    const text = fixtureText.replace('ip-range-start="192.168.122.131"', `ip-range-start="${start}"`)
    const out = crmSimulate(text)
    if (out === null) {
      t.skip('crm_simulate not installed (or failed on the fixture)')
      return
    }
    const got = run(text)
    assert.deepEqual(got.summaryLines, transitionSummaryLines(out), start)
    const status = out.split('\n')
    const from = status.indexOf('Current cluster status:') + 1
    const to = status.indexOf('Transition Summary:')
    assert.deepEqual(clusterStatus(got.workingSet, false), status.slice(from, to - 1), start)
  }
})

test('a running container recorded with our digest is not restarted by crm_simulate', (t) => {
  const ws = run(fixtureText).workingSet
  const docker = ws.byId.get('web-docker-0')!
  const digest = operationDigest(resourceParams(ws, docker, null))
  const text = fixtureText.replace('crm-debug-origin="do_update_resource"/>', `crm-debug-origin="do_update_resource">
      <lrm id="1"><lrm_resources>
        <lrm_resource id="web-docker-0" class="ocf" provider="heartbeat" type="docker">
          <lrm_rsc_op id="web-docker-0_last_0" operation_key="web-docker-0_start_0" operation="start" crm-debug-origin="do_update_resource" crm_feature_set="3.16.2" transition-key="1:1:0:00000000-0000-0000-0000-000000000000" transition-magic="0:0;1:1:0:00000000-0000-0000-0000-000000000000" on_node="n1" call-id="5" rc-code="0" op-status="0" interval="0" last-rc-change="1700000000" exec-time="10" queue-time="0" op-digest="${digest}"/>
        </lrm_resource>
      </lrm_resources></lrm>
    </node_state>`)
  const got = run(text).summaryLines
  assert.ok(!got.some((l) => /web-docker-0 .*definition change/.test(l)), got.join('\n'))
  const out = crmSimulate(text)
  if (out === null) {
    t.skip('crm_simulate not installed (or failed on the fixture)')
    return
  }
  const expected = transitionSummaryLines(out)!
  assert.ok(!expected.some((l) => /web-docker-0 .*definition change/.test(l)), `crm_simulate computes another digest:\n${expected.join('\n')}`)
  assert.deepEqual(got, expected)
})

test('mutated suite cases with bundles: same Transition Summary as crm_simulate (seed 1, 30 CIBs)', (t) => {
  const suite = join(sharedDir, 'corpus', 'scheduler-full')
  if (!haveCommand('crm_simulate')) {
    t.skip('crm_simulate not installed')
    return
  }
  if (!existsSync(suite)) {
    t.skip('scheduler-full corpus not present')
    return
  }
  const result = runMutations(suite, 1, 30, BUNDLE_CASE)
  for (const m of result.mismatches.slice(0, 5)) t.diagnostic(`${m.case} + ${m.mutation}: expected ${JSON.stringify(m.expected)} got ${JSON.stringify(m.got)}`)
  t.diagnostic(`exact match ${result.ok}/${result.total}`)
  assert.ok(result.total >= 20, `only ${result.total} mutated CIBs were compared`)
  assert.ok(result.ok / result.total >= 0.9, `exact-match rate ${result.ok}/${result.total} below 0.9`)
})
