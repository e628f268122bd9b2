/**
 * `hakit crm status -1 [-r]` against the real `crm_mon -1 [-r]` (Pacemaker
 * 2.1.5, CIB_file) on the same scheduler-corpus CIBs, section by section
 * ("Last updated" is the time of the run and is dropped from both).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {haveCommand, runCli, sharedDir} from '../../helpers/cli.js'

const corpus = join(sharedDir, 'corpus', 'scheduler')
const skip = haveCommand('crm_mon') ? false : 'crm_mon not installed (the judge)'

/** Representative CIBs: groups, clones, promotable clones, failures, unmanaged, maintenance, no quorum, standby-free and offline nodes. */
const cases = [
  'group/group1', 'group/bug-5028', 'clone/inc0', 'promotable/promoted-1', 'failures/monitor-onfail-restart',
  'failures/unmanaged-stop-1', 'nodes/simple7', 'constraints/node-maintenance-2', 'failures/quorum-1', 'failures/ocf_degraded-remap-ocf_ok',
  'basic/per-node-attrs', 'nodes/systemhealth2',
]

function sections(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const block of text.split('\n\n')) {
    const lines = block.split('\n').filter((l) => l.length > 0 && !l.startsWith('  * Last updated: '))
    if (lines.length > 0) out.set(lines[0]!, lines.join('\n'))
  }
  return out
}

for (const name of cases) {
  for (const flags of [['-1'], ['-1', '-r'], ['-1', '-r', '-A', '-f']]) {
    test(`crm status ${flags.join(' ')} on ${name} equals crm_mon's, section by section`, {skip}, () => {
      const file = join(corpus, `${name}.xml`)
      const real = spawnSync('crm_mon', flags, {encoding: 'utf8', env: {...process.env, CIB_file: file}})
      assert.equal(real.status, 0, real.stderr)
      const ours = runCli(['crm', 'status', ...flags], {env: {CIB_file: file}})
      assert.equal(ours.status, 0, ours.stderr)
      const a = sections(real.stdout)
      const b = sections(ours.stdout)
      assert.deepEqual([...b.keys()], [...a.keys()], 'the same sections in the same order')
      for (const [head, text] of a) assert.equal(b.get(head), text, `section ${head}`)
    })
  }
}

test('-r shows stopped resources that the default view hides', {skip}, () => {
  const file = join(corpus, 'group/group1.xml')
  const full = runCli(['crm', 'status', '-1r'], {env: {CIB_file: file}}).stdout
  const active = runCli(['crm_mon', '-1'], {env: {CIB_file: file}}).stdout
  assert.match(full, /^Full List of Resources:$/m)
  assert.match(active, /^Active Resources:$/m)
  assert.ok(full.split('\n').length >= active.split('\n').length)
})

test('an unreadable CIB file: exit 2, one line, no stack', () => {
  const r = runCli(['crm', 'status', '--cib', '/nonexistent/cib.xml'])
  assert.equal(r.status, 2)
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
})

test('no cluster on the socket: exit 102 like crm_mon, one line', () => {
  const r = runCli(['crm', 'status', '--socket', join('/tmp', `hakit-ops-${process.pid}-none.sock`)], {env: {CIB_file: ''}})
  assert.equal(r.status, 102)
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
})
