/** `hakit crm simulate`: text and JSON output, injections, bad input. */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fixturesDir, haveCommand, runCli} from '../../helpers/cli.js'
import {spawnSync} from 'node:child_process'

/** The "Transition Summary:" item lines, whitespace squashed (crm_simulate pads columns). */
function section(text: string): string[] {
  const lines = text.split('\n')
  const out: string[] = []
  for (let i = lines.indexOf('Transition Summary:') + 1; i > 0 && i < lines.length && /^\s+\S/.test(lines[i]); i++) out.push(lines[i].trim().replace(/\s+/g, ' '))
  return out
}

const unclean = join(fixturesDir, 'scheduler', 'node-unclean.xml')
const groups = join(fixturesDir, 'scheduler', 'two-groups.xml')

test('text output has the three sections and crm_simulate-style summary lines', () => {
  const r = runCli(['crm', 'simulate', '--xml-file', unclean])
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /^Current cluster status:\n/)
  assert.match(r.stdout, /\nTransition Summary:\n {2}\* Fence \(reboot\) node1 'peer process is no longer available'\n/)
  assert.match(r.stdout, /\n {2}\* Move {7}rsc1 +\( node1 -> node2 \)\n/)
  assert.match(r.stdout, /\nRevised Cluster Status:\n/)
  assert.match(r.stdout, /rsc1\t\(ocf:heartbeat:apache\):\t Started node2/)
})

test('the summary text equals crm_simulate -R on the same file (whitespace aside)', (t) => {
  if (!haveCommand('crm_simulate')) { t.skip('crm_simulate not installed'); return }
  const ours = runCli(['crm', 'simulate', '--xml-file', groups])
  const theirs = spawnSync('crm_simulate', ['-x', groups, '-R'], {encoding: 'utf8'})
  assert.deepEqual(section(ours.stdout), section(theirs.stdout))
})

test('injections match crm_simulate (--node-fail, --op-inject)', (t) => {
  if (!haveCommand('crm_simulate')) { t.skip('crm_simulate not installed'); return }
  const cases: Array<[string, string[], string[]]> = [
    [unclean, ['--node-fail', 'node2'], ['--node-fail', 'node2']],
    [groups, ['-i', 'child_rsc4_monitor_0@node1=1'], ['--op-inject', 'child_rsc4_monitor_0@node1=1']],
    [groups, ['--node-down', 'node2'], ['--node-down', 'node2']],
  ]
  for (const [file, ours, theirs] of cases) {
    const a = runCli(['crm', 'simulate', '--xml-file', file, ...ours])
    const b = spawnSync('crm_simulate', ['-x', file, '-R', ...theirs], {encoding: 'utf8'})
    assert.deepEqual(section(a.stdout), section(b.stdout), ours.join(' '))
  }
})

test('--json gives the corpus action records', () => {
  const r = runCli(['crm', 'simulate', '--xml-file', unclean, '--json'])
  assert.equal(r.status, 0, r.stderr)
  const j = JSON.parse(r.stdout).result
  assert.deepEqual(j.actions[0], {action: 'fence', resource: null, node: 'node1', from: null, to: null, op: 'reboot', reason: 'peer process is no longer available'})
  assert.deepEqual(j.actions.map((a: {action: string; resource: string}) => `${a.action} ${a.resource}`), ['fence null', 'start stonith-1', 'move rsc1', 'move rsc2'])
})

test('injections: --node-fail, --standby and --op-inject change the transition', () => {
  const fail = JSON.parse(runCli(['crm', 'simulate', '-x', groups, '--node-fail', 'node2', '--json']).stdout).result
  assert.deepEqual(fail.actions, [], 'two-groups prefers node2; failing it keeps everything on node1 (no fencing device)')
  const standby = JSON.parse(runCli(['crm', 'simulate', '-x', groups, '--standby', 'node2', '--json']).stdout).result
  assert.deepEqual(standby.actions, [])
  const opFail = JSON.parse(runCli(['crm', 'simulate', '-x', groups, '--standby', 'node2', '--op-inject', 'child_rsc1_monitor_0@node1=1', '--json']).stdout).result
  assert.ok(opFail.actions.some((a: {action: string; resource: string}) => a.resource === 'child_rsc1' && a.action === 'recover'), JSON.stringify(opFail.actions))
})

test('--json --graph: scheduled actions come after what they depend on, plus the placement', () => {
  const j = JSON.parse(runCli(['crm', 'simulate', '-x', unclean, '--json', '--graph']).stdout).result
  const seen = new Set<number>()
  for (const a of j.graph as Array<{id: number; after: number[]}>) {
    for (const d of a.after) assert.ok(seen.has(d), `action ${a.id} listed before its dependency ${d}`)
    seen.add(a.id)
  }
  const fence = j.graph.find((a: {task: string}) => a.task === 'stonith')
  const start = j.graph.find((a: {task: string; resource: string}) => a.task === 'start' && a.resource === 'rsc1')
  assert.ok(start.after.includes(fence.id), 'rsc1 starts after node1 is fenced')
  assert.deepEqual(j.placement.find((p: {resource: string}) => p.resource === 'rsc1'), {resource: 'rsc1', current: 'node1', next: 'node2', role: 'Started', nextRole: 'Started'})
})

test('--show-scores prints allocation scores', () => {
  const r = runCli(['crm', 'simulate', '-x', groups, '--show-scores'])
  assert.match(r.stdout, /pcmk__primitive_assign: child_rsc1 allocation score on node2: /)
})

test('bad input: one line naming the file, exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-sim-'))
  try {
    const bad = join(dir, 'bad.xml')
    writeFileSync(bad, '<cib>\n  <configuration>\n</cib>\n')
    const r = runCli(['crm', 'simulate', '--xml-file', bad])
    assert.equal(r.status, 2)
    assert.match(r.stderr, /bad\.xml/)
    assert.equal(r.stderr.trim().split('\n').length, 1)
    const unknown = runCli(['crm', 'simulate', '--xml-file', groups, '--op-inject', 'nosuch_start_0@n1'])
    assert.equal(unknown.status, 2)
    assert.match(unknown.stderr, /unknown resource 'nosuch'/)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('--node-up of a node the CIB does not list adds it, and --quorum sets quorum, as crm_simulate does', (t) => {
  if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
  const dir = mkdtempSync(join(tmpdir(), 'hakit-sim-'))
  try {
    // No <node> entries and no status: what `hakit convert` writes.
    const cib = join(dir, 'cib.xml')
    writeFileSync(cib, `<cib validate-with="pacemaker-3.9" epoch="1" admin_epoch="0" num_updates="0">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o-s" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes/>
    <resources><primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2"><instance_attributes id="vip-i"><nvpair id="vip-i-ip" name="ip" value="10.0.0.9"/></instance_attributes></primitive></resources>
    <constraints><rsc_location id="vip-on-b" rsc="vip" node="b" score="100"/></constraints>
  </configuration>
  <status/>
</cib>
`)
    const summary = (text: string) => text.split('\n').filter((l) => /^\s+\* (Start|Stop|Move)/.test(l)).map((l) => l.replace(/\s+/g, ' ').trim())
    for (const quorum of [[], ['--quorum', '1']]) {
      const ours = runCli(['crm', 'simulate', '--xml-file', cib, '--node-up', 'a', '--node-up', 'b', ...quorum])
      assert.equal(ours.status, 0, ours.stderr)
      const real = spawnSync('crm_simulate', ['-x', cib, '-S', '--node-up', 'a', '--node-up', 'b', ...(quorum.length ? ['--quorum=1'] : [])], {encoding: 'utf8'})
      assert.deepEqual(summary(ours.stdout), summary(real.stdout))
      assert.ok(summary(ours.stdout).length > 0)
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
