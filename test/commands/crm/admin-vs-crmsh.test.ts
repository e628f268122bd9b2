/**
 * `hakit crm resource …` / `hakit crm node …` on a CIB file must change it
 * the way crmsh 4.4.1 (or the Pacemaker tool crmsh runs) changes a copy of
 * the same file. Judge: hakit's semantic diff of the two results. Constraint
 * ids (cli-prefer-RSC, cli-ban-RSC-on-NODE) are compared, since scripts use
 * them; ids of attribute sets and nvpairs are not (the diff ignores them).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {copyFileSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand, runCli, sharedDir} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {diffCibs} from '../../../src/cib/diff.js'
import type {Cib} from '../../../src/formats/cib/model.js'

const corpus = join(sharedDir, 'corpus', 'scheduler')
const groupCib = join(corpus, 'group', 'bug-1573.xml') // groups group_1 (stopped) and group_11 (on xen-b); nodes xen-b, xen-c
const cloneCib = join(corpus, 'clone', 'cloned-group-stop.xml') // clone cinder-clone of group cinder

const skip = !haveCommand('crm') || !haveCommand('crm_resource') ? 'crmsh / crm_resource not installed (the judges)' : false

function readCib(path: string): Cib {
  return parseCibXml(readFileSync(path, 'utf8'), path)
}

function transient(cib: Cib, node: string): Record<string, string | undefined> {
  const state = cib.status.find((s) => (s.uname ?? s.attributes.uname) === node)
  return Object.fromEntries((state?.transientAttributes ?? []).flatMap((s) => s.pairs.map((p) => [p.name, p.value])))
}

/** Runs the judge on one copy and hakit on another; returns both results and hakit's output. */
function both(source: string, judge: string[], hakit: string[]): {judged: Cib; ours: Cib; stdout: string} {
  const dir = mkdtempSync(join(tmpdir(), `hakit-ops-${process.pid}-`))
  try {
    const judgedPath = join(dir, 'crmsh.xml')
    const oursPath = join(dir, 'hakit.xml')
    copyFileSync(source, judgedPath)
    copyFileSync(source, oursPath)
    const j = spawnSync(judge[0]!, judge.slice(1), {encoding: 'utf8', env: {...process.env, CIB_file: judgedPath}})
    assert.equal(j.status, 0, `${judge.join(' ')}: ${j.stdout}${j.stderr}`)
    const r = runCli(hakit, {env: {CIB_file: oursPath}})
    assert.equal(r.status, 0, `hakit ${hakit.join(' ')}: ${r.stderr}`)
    return {judged: readCib(judgedPath), ours: readCib(oursPath), stdout: r.stdout}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

function assertSameConfiguration(judged: Cib, ours: Cib, what: string): void {
  const d = diffCibs(judged, ours, {labels: ['crmsh', 'hakit']})
  assert.ok(d.equal, `${what}: hakit's CIB differs from crmsh's:\n${d.unified}`)
}

const sameAsCrmsh: Array<{name: string; cib: string; args: string[]}> = [
  {name: 'stop a group', cib: groupCib, args: ['resource', 'stop', 'group_11']},
  {name: 'stop a group member (set on the member)', cib: groupCib, args: ['resource', 'stop', 'apache_6']},
  {name: 'stop a clone of a group (set on the clone)', cib: cloneCib, args: ['resource', 'stop', 'cinder-clone']},
  {name: 'stop a member of a cloned group (set on the member)', cib: cloneCib, args: ['resource', 'stop', 'cinder-api']},
  {name: 'unmanage a group', cib: groupCib, args: ['resource', 'unmanage', 'group_11']},
  {name: 'manage a clone', cib: cloneCib, args: ['resource', 'manage', 'cinder-clone']},
  {name: 'maintenance on', cib: groupCib, args: ['resource', 'maintenance', 'group_11', 'on']},
  {name: 'move to the other node', cib: groupCib, args: ['resource', 'move', 'group_11', 'xen-c']},
  {name: 'move with force bans the current node', cib: groupCib, args: ['resource', 'move', 'group_11', 'xen-c', 'force']},
  {name: 'move a stopped group', cib: groupCib, args: ['resource', 'move', 'group_1', 'xen-b']},
  {name: 'ban from a node', cib: groupCib, args: ['resource', 'ban', 'group_11', 'xen-c']},
  {name: 'ban from where it runs', cib: groupCib, args: ['resource', 'ban', 'group_11']},
  {name: 'param set (new)', cib: groupCib, args: ['resource', 'param', 'IPaddr_192_168_1_102', 'set', 'cidr_netmask', '24']},
  {name: 'param set (existing)', cib: groupCib, args: ['resource', 'param', 'IPaddr_192_168_1_102', 'set', 'ip', '10.0.0.9']},
  {name: 'param delete', cib: groupCib, args: ['resource', 'param', 'IPaddr_192_168_1_102', 'delete', 'ip']},
  {name: 'meta set on a member', cib: groupCib, args: ['resource', 'meta', 'apache_6', 'set', 'priority', '5']},
  {name: 'meta delete', cib: groupCib, args: ['resource', 'meta', 'apache_6', 'delete', 'target-role']},
]

for (const c of sameAsCrmsh) {
  test(`crm ${c.args.join(' ')} changes the CIB as crmsh does (${c.name})`, {skip}, () => {
    const {judged, ours} = both(c.cib, ['crm', ...c.args], ['crm', ...c.args])
    assertSameConfiguration(judged, ours, c.name)
    // the test can fail: the change is really there
    assert.ok(!diffCibs(readCib(c.cib), ours).equal, `${c.name}: hakit changed nothing`)
  })
}

test('clear removes what move force and ban left, as crmsh does', {skip}, () => {
  const dir = mkdtempSync(join(tmpdir(), `hakit-ops-${process.pid}-`))
  try {
    const start = join(dir, 'start.xml')
    copyFileSync(groupCib, start)
    for (const args of [['resource', 'move', 'group_11', 'xen-c', 'force'], ['resource', 'ban', 'group_1', 'xen-b']]) {
      assert.equal(spawnSync('crm', args, {env: {...process.env, CIB_file: start}}).status, 0)
    }
    const {judged, ours, stdout} = both(start, ['crm', 'resource', 'clear', 'group_11'], ['crm', 'resource', 'clear', 'group_11'])
    assertSameConfiguration(judged, ours, 'clear')
    assert.deepEqual(ours.constraints.filter((c) => c.id.startsWith('cli-')).map((c) => c.id), ['cli-ban-group_1-on-xen-b'])
    assert.match(stdout, /INFO: Removed migration constraints for group_11/)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('move prints crmsh\'s notes; a move to where it already runs is refused with 108', {skip}, () => {
  const {stdout} = both(groupCib, ['crm', 'resource', 'move', 'group_11', 'xen-c'], ['crm', 'resource', 'move', 'group_11', 'xen-c'])
  assert.match(stdout, /^INFO: Move constraint created for group_11 to xen-c\nINFO: Use `crm resource clear group_11` to remove this constraint\n$/)
  const r = runCli(['crm', 'resource', 'move', 'group_11', 'xen-b'], {env: {CIB_file: groupCib}})
  assert.equal(r.status, 108)
  assert.equal(r.stderr.split('\n').length, 2, r.stderr)
})

test('move with a lifetime writes crm_resource\'s rule (same shape, end about one hour ahead)', {skip}, () => {
  const {judged, ours} = both(groupCib, ['crm_resource', '--move', '-r', 'group_11', '-N', 'xen-c', '-u', 'PT1H'], ['crm', 'resource', 'move', 'group_11', 'xen-c', 'PT1H'])
  const endOf = (cib: Cib): number => {
    const c = cib.constraints.find((x) => x.id === 'cli-prefer-group_11')
    assert.ok(c && c.kind === 'location', 'cli-prefer-group_11 missing')
    const date = c.rules[0]?.expressions.find((e) => e.kind === 'date_expression')
    assert.ok(date && date.kind === 'date_expression' && date.end)
    return Date.parse(date.end.replace(' ', 'T'))
  }
  // the two commands ran at different instants: compare the ends loosely, the rest exactly
  assert.ok(Math.abs(endOf(judged) - endOf(ours)) < 10 * 60_000)
  for (const cib of [judged, ours]) {
    const c = cib.constraints.find((x) => x.id === 'cli-prefer-group_11')!
    if (c.kind === 'location') for (const e of c.rules[0]!.expressions) if (e.kind === 'date_expression') e.end = 'END'
  }
  assertSameConfiguration(judged, ours, 'move with lifetime')
})

test('node standby/online/maintenance/attribute/utilization change the CIB as crm_attribute does', {skip: !haveCommand('crm_attribute') ? 'crm_attribute not installed' : false}, () => {
  // crmsh's `crm node standby` pings the node first and silently skips unresolvable names, so the judge is
  // crm_attribute, which crmsh runs: crm_attribute -t nodes -N NODE -n standby -v on (forever) / -l reboot
  const cases: Array<{judge: string[]; ours: string[]}> = [
    {judge: ['crm_attribute', '-t', 'nodes', '-N', 'xen-b', '-n', 'standby', '-v', 'on'], ours: ['crm', 'node', 'standby', 'xen-b']},
    {judge: ['crm_attribute', '-t', 'nodes', '-N', 'xen-b', '-n', 'maintenance', '-v', 'on'], ours: ['crm', 'node', 'maintenance', 'xen-b']},
    {judge: ['crm_attribute', '-t', 'nodes', '-N', 'xen-c', '-n', 'site', '-v', 'west'], ours: ['crm', 'node', 'attribute', 'xen-c', 'set', 'site', 'west']},
    {judge: ['crm_attribute', '-z', '-N', 'xen-c', '-n', 'cpu', '-v', '4'], ours: ['crm', 'node', 'utilization', 'xen-c', 'set', 'cpu', '4']},
  ]
  for (const c of cases) {
    const {judged, ours} = both(groupCib, c.judge, c.ours)
    assertSameConfiguration(judged, ours, c.ours.join(' '))
    assert.ok(!diffCibs(readCib(groupCib), ours).equal, `${c.ours.join(' ')} changed nothing`)
  }
  const reboot = both(groupCib, ['crm_attribute', '-l', 'reboot', '-N', 'xen-b', '-n', 'standby', '-v', 'on'], ['crm', 'node', 'standby', 'xen-b', 'reboot'])
  assert.deepEqual(transient(reboot.ours, 'xen-b'), transient(reboot.judged, 'xen-b'))
  assert.equal(transient(reboot.ours, 'xen-b').standby, 'on')
})

test('online after standby sets the attribute to off, as crmsh (crm_attribute -v off)', {skip: !haveCommand('crm_attribute') ? 'crm_attribute not installed' : false}, () => {
  const dir = mkdtempSync(join(tmpdir(), `hakit-ops-${process.pid}-`))
  try {
    const start = join(dir, 'start.xml')
    copyFileSync(groupCib, start)
    assert.equal(runCli(['crm', 'node', 'standby', 'xen-b'], {env: {CIB_file: start}}).status, 0)
    const {judged, ours} = both(start, ['crm_attribute', '-t', 'nodes', '-N', 'xen-b', '-n', 'standby', '-v', 'off'], ['crm', 'node', 'online', 'xen-b'])
    assertSameConfiguration(judged, ours, 'online')
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
