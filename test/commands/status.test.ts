import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCli} from '../helpers/cli.js'
import {Lab} from '../runtime/legacy/daemon/lab.js'
import {REJECT_COUNTERS} from '../../src/runtime/membership/cluster.js'

test('hakit status without a daemon: cl_status answers and exit codes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-status-'))
  try {
    const socket = ['--socket', join(dir, 'none.sock')]
    const overview = runCli(['status', ...socket])
    assert.equal(overview.status, 3)
    assert.match(overview.stderr, /not running/)
    const hb = runCli(['status', 'hbstatus', ...socket])
    assert.equal(hb.status, 1)
    assert.equal(hb.stdout, 'Heartbeat is stopped on this machine.\n')
    const node = runCli(['status', 'nodestatus', 'n1', ...socket])
    assert.equal(node.status, 1)
    assert.match(node.stderr, /Cannot signon with heartbeat/)
    const bad = runCli(['status', 'frobnicate', ...socket])
    assert.equal(bad.status, 11)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('hakit status against a running daemon: overview, --json and cl_status sub-commands', async () => {
  const lab = new Lab({haresources: ['n1 Marker::alpha'], initdead: '1'})
  try {
    lab.start('n1') // n2 never starts: n1 declares it dead after initdead and takes its group
    await lab.waitFor('group up', () => lab.holders('alpha').join() === 'n1')
    await lab.waitFor('stable', () => lab.cli('n1', ['status', 'rscstatus']).stdout.trim() === 'local')
    const overview = lab.cli('n1', ['status'])
    assert.equal(overview.status, 0, overview.stderr)
    assert.match(overview.stdout, /n1 +active +normal \(this node\)/)
    assert.match(overview.stdout, /Marker::alpha +\(owner n1\) +held by n1/)
    const json = JSON.parse(lab.cli('n1', ['status', '--json']).stdout).result
    assert.equal(json.node, 'n1')
    assert.equal(json.rscstatus, 'local')
    assert.deepEqual(json.failover.groups.map((g: {key: string; heldBy: string[]}) => [g.key, g.heldBy]), [['Marker::alpha', ['n1']]])
    // packet counters: one per reason, all present (issue 15); n1 hears only its own echoes here
    assert.deepEqual(Object.keys(json.messaging.rejected), [...REJECT_COUNTERS])
    assert.ok(Object.values(json.messaging.rejected).every((n) => n === 0), JSON.stringify(json.messaging))
    assert.ok(json.messaging.sent > 0 && json.messaging.received > 0)
    assert.match(overview.stdout, /^Packets: \d+ received, \d+ accepted, 0 dropped; \d+ sent, 0 retransmitted\n {2}dropped by reason: none$/m)

    const cl = (...args: string[]) => lab.cli('n1', ['status', ...args])
    assert.deepEqual([cl('hbstatus').stdout, cl('hbstatus').status], ['Heartbeat is running on this machine.\n', 0])
    assert.equal(cl('listnodes').stdout, 'n2\nn1\n') // reverse ha.cf order, as cl_status
    assert.deepEqual([cl('nodestatus', 'n1').stdout, cl('nodestatus', 'n1').status], ['active\n', 0])
    assert.deepEqual([cl('nodestatus', 'n2').stdout, cl('nodestatus', 'n2').status], ['dead\n', 1])
    assert.equal(cl('nodestatus', 'nosuch').status, 11)
    assert.equal(cl('nodetype', 'n2').stdout, 'normal\n')
    assert.equal(cl('listhblinks', 'n1').stdout, '\tlo\n')
    assert.deepEqual([cl('hblinkstatus', 'n1', 'lo').stdout, cl('hblinkstatus', 'n1', 'lo').status], ['up\n', 0])
    assert.deepEqual([cl('hblinkstatus', 'n2', 'lo').stdout, cl('hblinkstatus', 'n2', 'lo').status], ['dead\n', 1])
    assert.equal(cl('hblinkstatus', 'n1', 'eth9').status, 13)
    assert.equal(cl('rscstatus', '-m').stdout, 'This node is holding local resources.\n')
    assert.equal(cl('clientstatus', 'n1', 'ipfail').status, 1) // no such client: offline
    assert.equal(cl('hbparameter', '-p', 'keepalive').stdout, '100ms\n') // as written in ha.cf
  } finally {
    await lab.cleanup()
  }
})
