/**
 * `hakit crm simulate` with crm_simulate's own flags (-R, -S, -i, -F, -q, -O, -G, -I,
 * -t, -L, crm syntax input), judged against the installed crm_simulate where it runs.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {spawnSync} from 'node:child_process'
import {fixturesDir, haveCommand, runCli, sharedDir} from '../../helpers/cli.js'

const groups = join(fixturesDir, 'scheduler', 'two-groups.xml')
const unclean = join(fixturesDir, 'scheduler', 'node-unclean.xml')

/** The lines under a top-level heading of crm_simulate's text output, up to the next heading. */
function section(text: string, heading: string): string[] | undefined {
  const lines = text.split('\n')
  const i = lines.indexOf(heading)
  if (i < 0) return undefined
  const out: string[] = []
  for (const l of lines.slice(i + 1)) {
    if (l !== '' && !/^\s/.test(l) && !l.startsWith('Pretending')) break
    out.push(l.trimEnd())
  }
  while (out.at(-1) === '') out.pop()
  return out
}

/** Timestamps and action ids differ between two runs of the same simulation. */
const unstamped = (lines: string[] | undefined) => (lines ?? []).map((l) => l.replace(/=\d{9,}/, '=<time>').replace(/action \d+ failed/, 'action N failed'))

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-simflags-'))
  try {
    fn(dir)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

test('-R computes the transition only; -S (and the default) also runs it and shows the revised status', () => {
  const run = runCli(['crm', 'simulate', '-x', groups, '-R'])
  assert.equal(run.status, 0, run.stderr)
  assert.ok(section(run.stdout, 'Transition Summary:')!.length > 0)
  assert.equal(section(run.stdout, 'Executing Cluster Transition:'), undefined)
  assert.equal(section(run.stdout, 'Revised Cluster Status:'), undefined)
  for (const args of [['-S'], []]) {
    const sim = runCli(['crm', 'simulate', '-x', groups, ...args])
    assert.ok(section(sim.stdout, 'Executing Cluster Transition:')!.some((l) => /Resource action: child_rsc1 +start on node2/.test(l)), sim.stdout)
    assert.ok(section(sim.stdout, 'Revised Cluster Status:')!.length > 0)
  }
})

test('the current status is the one before the injections, then the requested modifications, as crm_simulate prints them', (t) => {
  if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
  const args = ['-q', '0', '-u', 'node3', '-d', 'node2', '-f', 'node1', '-i', 'child_rsc1_monitor_0@node1=1']
  const ours = runCli(['crm', 'simulate', '-x', groups, '-S', ...args])
  assert.equal(ours.status, 0, ours.stderr)
  const real = spawnSync('crm_simulate', ['-x', groups, '-S', ...args], {encoding: 'utf8'})
  assert.deepEqual(section(ours.stdout, 'Current cluster status:'), section(real.stdout, 'Current cluster status:'))
  assert.ok(section(ours.stdout, 'Current cluster status:')!.includes('    * Online: [ node1 node2 ]'), 'node1 has not failed yet in the current status')
  assert.deepEqual(unstamped(section(ours.stdout, 'Performing Requested Modifications:')), unstamped(section(real.stdout, 'Performing Requested Modifications:')))
  assert.deepEqual(section(ours.stdout, 'Transition Summary:'), section(real.stdout, 'Transition Summary:'))
  assert.deepEqual(section(ours.stdout, 'Revised Cluster Status:'), section(real.stdout, 'Revised Cluster Status:'))
})

test('-F fails an action when the transition runs it: the transition stops there, as crm_simulate does', (t) => {
  if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
  withDir((dir) => {
    const fail = ['-F', 'child_rsc2_start_0@node2=1']
    const ours = runCli(['crm', 'simulate', '-x', groups, '-S', ...fail, '-O', join(dir, 'ours.xml')])
    assert.equal(ours.status, 0, ours.stderr)
    const real = spawnSync('crm_simulate', ['-x', groups, '-S', ...fail, '-O', join(dir, 'real.xml')], {encoding: 'utf8'})
    assert.deepEqual(section(ours.stdout, 'Revised Cluster Status:'), section(real.stdout, 'Revised Cluster Status:'))
    assert.match(section(ours.stdout, 'Revised Cluster Status:')!.join('\n'), /child_rsc2\t\(ocf:heartbeat:apache\):\t FAILED node2/)
    // the same actions ran (the order among independent actions is the graph's)
    const executed = (text: string) => unstamped(section(text, 'Executing Cluster Transition:')).sort()
    assert.deepEqual(executed(ours.stdout), executed(real.stdout))
    // the saved CIBs lead to the same next transition, for crm_simulate and for hakit
    const next = (file: string) => section(spawnSync('crm_simulate', ['-x', file, '-R'], {encoding: 'utf8'}).stdout, 'Transition Summary:')
    assert.deepEqual(next(join(dir, 'ours.xml')), next(join(dir, 'real.xml')))
    assert.ok(next(join(dir, 'ours.xml'))!.some((l) => /child_rsc2/.test(l)), 'the failed start is acted upon')
    assert.deepEqual(section(runCli(['crm', 'simulate', '-x', join(dir, 'ours.xml'), '-R']).stdout, 'Transition Summary:'), next(join(dir, 'real.xml')))
  })
})

test('-F that matches no action changes nothing; a malformed one is refused', () => {
  const plain = runCli(['crm', 'simulate', '-x', groups, '-S'])
  const unmatched = runCli(['crm', 'simulate', '-x', groups, '-S', '-F', 'child_rsc2_start_0@node9=1'])
  assert.equal(unmatched.stdout, plain.stdout)
  const bad = runCli(['crm', 'simulate', '-x', groups, '-F', 'child_rsc2_start_0@node2'])
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /--op-fail 'child_rsc2_start_0@node2': expected RESOURCE_TASK_INTERVAL@NODE=RC/)
  assert.equal(bad.stderr.trim().split('\n').length, 1)
})

test('actions that cannot run are not executed: without quorum the revised status keeps the resource stopped', (t) => {
  withDir((dir) => {
    const cib = join(dir, 'cib.xml')
    writeFileSync(cib, `<cib validate-with="pacemaker-3.9" epoch="1" admin_epoch="0" num_updates="0" have-quorum="0">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o-s" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="a"/><node id="2" uname="b"/><node id="3" uname="c"/></nodes>
    <resources><primitive id="d" class="ocf" provider="pacemaker" type="Dummy"/></resources>
    <constraints/>
  </configuration>
  <status><node_state id="1" uname="a" in_ccm="true" crmd="online" join="member" expected="member"/></status>
</cib>
`)
    const ours = runCli(['crm', 'simulate', '-x', cib, '-S'])
    assert.equal(ours.status, 0, ours.stderr)
    assert.match(section(ours.stdout, 'Transition Summary:')!.join('\n'), /Start +d +\( +a \) +due to no quorum \(blocked\)/)
    assert.ok(!section(ours.stdout, 'Executing Cluster Transition:')!.some((l) => / start on /.test(l)), ours.stdout)
    assert.match(section(ours.stdout, 'Revised Cluster Status:')!.join('\n'), /\* d\t\(ocf:pacemaker:Dummy\):\t Stopped/)
    if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
    const real = spawnSync('crm_simulate', ['-x', cib, '-S'], {encoding: 'utf8'})
    assert.deepEqual(section(ours.stdout, 'Revised Cluster Status:'), section(real.stdout, 'Revised Cluster Status:'))
  })
})

test('-G writes the transition graph in Pacemaker\'s XML: the same actions as crm_simulate\'s, inputs naming graph actions', (t) => {
  withDir((dir) => {
    const r = runCli(['crm', 'simulate', '-x', unclean, '-R', '-G', join(dir, 'ours.xml'), '-I', join(dir, 'input.xml')])
    assert.equal(r.status, 0, r.stderr)
    const xml = readFileSync(join(dir, 'ours.xml'), 'utf8')
    assert.match(xml, /^<transition_graph /)
    const actions = (text: string) => [...text.matchAll(/<action_set>\s*<(rsc_op|pseudo_event|crm_event) id="(\d+)" operation="[^"]*" operation_key="([^"]*)"(?: on_node="([^"]*)")?/g)]
    const ids = new Set(actions(xml).map((m) => m[2]))
    for (const m of xml.matchAll(/<trigger>\s*<\w+ id="(\d+)"/g)) assert.ok(ids.has(m[1]), `input ${m[1]} is an action of the graph`)
    // -I saved the CIB the scheduler ran on: hakit reads it back to the same transition
    assert.deepEqual(section(runCli(['crm', 'simulate', '-x', join(dir, 'input.xml'), '-R']).stdout, 'Transition Summary:'), section(r.stdout, 'Transition Summary:'))
    if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
    spawnSync('crm_simulate', ['-x', unclean, '-R', '-G', join(dir, 'real.xml')], {encoding: 'utf8'})
    const keys = (text: string) => actions(text).filter((m) => m[1] !== 'pseudo_event').map((m) => `${m[3]}@${m[4] ?? ''}`).sort()
    assert.deepEqual(keys(xml), keys(readFileSync(join(dir, 'real.xml'), 'utf8')))
  })
})

test('-G: a cluster action\'s crm_event as crm_simulate writes it — lrm_delete (an expired shutdown lock) is mode="cib"', (t) => {
  const cib = join(sharedDir, 'corpus', 'scheduler-full', 'shutdown-lock-expiration.xml')
  withDir((dir) => {
    const r = runCli(['crm', 'simulate', '-x', cib, '-S', '-G', join(dir, 'ours.xml')])
    assert.equal(r.status, 0, r.stderr)
    // a crm_event's attributes without its id (ids differ between the two graphs)
    const events = (text: string) => [...text.matchAll(/<action_set>\s*<crm_event ([^>]*)>/g)].map((m) => m[1]!.replace(/ ?\bid="\d+"/, '').trim()).sort()
    const ours = events(readFileSync(join(dir, 'ours.xml'), 'utf8'))
    assert.deepEqual(ours, ['mode="cib" operation="lrm_delete" operation_key="rsc2_lrm_delete_0" on_node="node2" on_node_uuid="2"'])
    if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
    spawnSync('crm_simulate', ['-x', cib, '-S', '-G', join(dir, 'real.xml')], {encoding: 'utf8'})
    assert.deepEqual(ours, events(readFileSync(join(dir, 'real.xml'), 'utf8')))
  })
})

test('-x takes crm shell syntax too', () => {
  withDir((dir) => {
    const crm = join(dir, 'site.crm')
    writeFileSync(crm, `node n1
node n2
primitive d ocf:pacemaker:Dummy
location d-prefers-n2 d 100: n2
property stonith-enabled=false
`)
    const r = runCli(['crm', 'simulate', '-x', crm, '-R', '-u', 'n1', '-u', 'n2', '-q', '1'])
    assert.equal(r.status, 0, r.stderr)
    assert.deepEqual(section(r.stdout, 'Transition Summary:')!.map((l) => l.replace(/\s+/g, ' ').trim()), ['* Start d ( n2 )'])
  })
})

test('bad flag values: one line, exit 2; -L without a cluster: exit 102', () => {
  for (const [args, message] of [
    [['-q', 'maybe'], /--quorum 'maybe': expected 1\/true or 0\/false/],
    [['-t', 'yesterday'], /--set-datetime 'yesterday': not an ISO 8601 date/],
  ] as Array<[string[], RegExp]>) {
    const r = runCli(['crm', 'simulate', '-x', groups, ...args])
    assert.equal(r.status, 2, r.stderr)
    assert.match(r.stderr, message)
    assert.equal(r.stderr.trim().split('\n').length, 1)
  }
  withDir((dir) => {
    const r = runCli(['crm', 'simulate', '-L', '--socket', join(dir, 'no.sock')])
    assert.equal(r.status, 102, r.stderr)
    assert.equal(r.stderr.trim().split('\n').length, 1)
  })
})

test('-t sets the time the scheduler runs at: a failure expires after failure-timeout', () => {
  withDir((dir) => {
    // A monitor failure at t=1000000000 s with failure-timeout=60s and migration-threshold=1.
    const cib = join(dir, 'cib.xml')
    writeFileSync(cib, `<cib validate-with="pacemaker-3.9" epoch="1" admin_epoch="0" num_updates="0" have-quorum="1">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o-s" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="a"/><node id="2" uname="b"/></nodes>
    <resources><primitive id="d" class="ocf" provider="pacemaker" type="Dummy">
      <meta_attributes id="d-m"><nvpair id="d-m-t" name="failure-timeout" value="60s"/><nvpair id="d-m-mt" name="migration-threshold" value="1"/></meta_attributes>
      <operations><op id="d-mon" name="monitor" interval="10s"/></operations>
    </primitive></resources>
    <constraints><rsc_location id="d-on-a" rsc="d" node="a" score="100"/></constraints>
  </configuration>
  <status>
    <node_state id="1" uname="a" in_ccm="true" crmd="online" join="member" expected="member">
      <transient_attributes id="1"><instance_attributes id="status-1">
        <nvpair id="s1-fc" name="fail-count-d#monitor_10000" value="1"/><nvpair id="s1-lf" name="last-failure-d#monitor_10000" value="1000000000"/>
      </instance_attributes></transient_attributes>
      <lrm id="1"><lrm_resources><lrm_resource id="d" class="ocf" provider="pacemaker" type="Dummy">
        <lrm_rsc_op id="d_last_0" operation_key="d_start_0" operation="start" transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x" call-id="1" rc-code="0" op-status="0" interval="0" last-rc-change="999999990" exec-time="0" queue-time="0"/>
        <lrm_rsc_op id="d_last_failure_0" operation_key="d_monitor_10000" operation="monitor" transition-key="2:1:0:x" transition-magic="0:7;2:1:0:x" call-id="2" rc-code="7" op-status="0" interval="10000" last-rc-change="1000000000" exec-time="0" queue-time="0"/>
      </lrm_resource></lrm_resources></lrm>
    </node_state>
    <node_state id="2" uname="b" in_ccm="true" crmd="online" join="member" expected="member"/>
  </status>
</cib>
`)
    const at = (iso: string) => section(runCli(['crm', 'simulate', '-x', cib, '-R', '-t', iso]).stdout, 'Transition Summary:')!.join('\n')
    assert.match(at('2001-09-09T01:46:50Z'), /Recover|Move/, 'ten seconds after the failure it is acted upon')
    assert.doesNotMatch(at('2001-09-09T02:46:40Z'), /Move/, 'an hour later the failure has expired: d stays on a')
  })
})

test('a malformed -i is refused naming --op-inject, the flag it was given to', () => {
  const bad = runCli(['crm', 'simulate', '-x', groups, '-i', 'child_rsc2_start_0'])
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /--op-inject 'child_rsc2_start_0': expected RESOURCE_TASK_INTERVAL@NODE\[=RC\]/)
  assert.equal(bad.stderr.trim().split('\n').length, 1)
})
