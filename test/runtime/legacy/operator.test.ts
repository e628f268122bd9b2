import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {clStatus, DEFAULT_SOCKET, operatorSocketPath, resolveSocketPath, runStandbyCommand, runStatusCommand, startOperatorServer, type StatusReport} from '../../../src/runtime/legacy/operator.js'

const report: StatusReport = {
  node: 'n1',
  version: 'hakit 0.1.0',
  nodes: [
    {name: 'n1', type: 'normal', status: 'active', links: [{name: 'eth0', status: 'up'}]},
    {name: 'n2', type: 'normal', status: 'dead', links: [{name: 'eth0', status: 'dead'}]},
    {name: '10.0.0.254', type: 'ping', status: 'ping', links: [{name: '10.0.0.254', status: 'up'}]},
  ],
  rscstatus: 'all',
  clients: [{node: 'n1', name: 'ipfail', status: 'online'}],
  parameters: {deadtime: '10', keepalive: '1000ms'},
}

test('cl_status sub-commands: output and exit codes as cl_status', () => {
  assert.deepEqual(clStatus(['hbstatus'], report), {stdout: 'Heartbeat is running on this machine.\n', stderr: '', exitCode: 0})
  assert.deepEqual(clStatus(['hbstatus'], undefined), {stdout: 'Heartbeat is stopped on this machine.\n', stderr: '', exitCode: 1})
  assert.equal(clStatus(['listnodes'], report).stdout, '10.0.0.254\nn2\nn1\n', 'reverse of ha.cf order')
  assert.equal(clStatus(['listnodes', '-n'], report).stdout, 'n2\nn1\n')
  assert.equal(clStatus(['listnodes', '-p'], report).stdout, '10.0.0.254\n')
  assert.equal(clStatus(['listnodes', '-m'], report).stdout.split('\n')[0], 'The nodes are as follow:')
  assert.equal(clStatus(['listnodes', '-v', '-n'], report).stdout, '\nn2\tdead\t(nodetype: normal)\n\teth0\tdead\n\nn1\tactive\t(nodetype: normal)\n\teth0\tup\n')
  assert.deepEqual(clStatus(['nodestatus', 'n1'], report), {stdout: 'active\n', stderr: '', exitCode: 0})
  assert.deepEqual(clStatus(['nodestatus', 'n2'], report), {stdout: 'dead\n', stderr: '', exitCode: 1})
  assert.equal(clStatus(['nodestatus', '10.0.0.254'], report).exitCode, 0)
  assert.equal(clStatus(['nodestatus', 'N1', '-m'], report).stdout, 'The cluster node n1 is active\n')
  assert.deepEqual(clStatus(['nodestatus', 'zz'], report), {stdout: '', stderr: 'Error. May be due to incorrect node name\n', exitCode: 11})
  assert.deepEqual(clStatus(['nodestatus'], report), {stdout: '', stderr: 'Not enough parameters.\n', exitCode: 11})
  assert.equal(clStatus(['nodetype', '10.0.0.254'], report).stdout, 'ping\n')
  assert.equal(clStatus(['nodeweight', 'n1'], report).stdout, '100\n')
  assert.equal(clStatus(['listhblinks', 'n1'], report).stdout, '\teth0\n')
  assert.equal(clStatus(['listhblinks', '-v', 'n2'], report).stdout, '\teth0\tdead\n')
  assert.equal(clStatus(['listhblinks', 'zz'], report).exitCode, 13)
  assert.deepEqual(clStatus(['listhblinks'], report), {stdout: '', stderr: 'No enough parameter.\n', exitCode: 11})
  assert.deepEqual(clStatus(['hblinkstatus', 'n1', 'eth0'], report), {stdout: 'up\n', stderr: '', exitCode: 0})
  assert.equal(clStatus(['hblinkstatus', 'n2', 'eth0'], report).exitCode, 1)
  assert.equal(clStatus(['hblinkstatus', 'n2', 'eth9'], report).exitCode, 13)
  assert.deepEqual(clStatus(['clientstatus', 'n1', 'ipfail'], report), {stdout: 'online\n', stderr: '', exitCode: 0})
  assert.equal(clStatus(['clientstatus', 'n1', 'other'], report).exitCode, 1)
  assert.equal(clStatus(['clientstatus', 'n2', 'ipfail'], report).exitCode, 13)
  assert.equal(clStatus(['rscstatus'], report).stdout, 'all\n')
  assert.equal(clStatus(['rscstatus', '-m'], report).stdout, 'This node is holding all resources.\n')
  assert.equal(clStatus(['hbparameter', '-p', 'deadtime'], report).stdout, '10\n')
  assert.deepEqual(clStatus(['hbparameter', '-p', 'nosuch'], report), {stdout: '', stderr: "ERROR: Cannot get parameter nosuch's value\n", exitCode: 1})
  assert.deepEqual(clStatus(['bogus'], report), {stdout: '', stderr: 'ERROR: bogus: invalid sub-command.\n', exitCode: 11})
  assert.equal(clStatus(['rscstatus'], undefined).exitCode, 1)
  assert.match(clStatus(['rscstatus'], undefined).stderr, /Cannot signon with heartbeat/)
  assert.equal(clStatus([], report).exitCode, 0)
})

test('operator socket round trip: standby, takeover, status, cl_status', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-op-'))
  const socketPath = operatorSocketPath(dir)
  const calls: string[] = []
  const server = await startOperatorServer(socketPath, {
    standby: (which) => {
      calls.push(`standby ${which}`)
      return which === 'local' ? {ok: false, message: 'standby [local] refused: Other side is in flux.'} : {ok: true, message: `Going standby [${which}].`}
    },
    takeover: async (which) => {
      calls.push(`takeover ${which}`)
      return {ok: true, message: `Asked the peer to give up its resources [${which}].`}
    },
    status: () => report,
  })
  try {
    assert.equal(statSync(socketPath).mode & 0o777, 0o600)
    assert.deepEqual(await runStandbyCommand(socketPath, 'standby', []), {stdout: 'Going standby [all].\n', stderr: '', exitCode: 0})
    assert.deepEqual(await runStandbyCommand(socketPath, 'standby', ['local']), {stdout: '', stderr: 'hakit standby: standby [local] refused: Other side is in flux.\n', exitCode: 1})
    assert.equal((await runStandbyCommand(socketPath, 'takeover', ['foreign'])).exitCode, 0)
    const bad = await runStandbyCommand(socketPath, 'standby', ['sideways'])
    assert.equal(bad.exitCode, 1)
    assert.match(bad.stderr, /wrong resources\(sideways\)/)
    assert.match((await runStandbyCommand(socketPath, 'takeover', ['a', 'b'])).stderr, /too many arguments/)
    assert.deepEqual(calls, ['standby all', 'standby local', 'takeover foreign'])

    const overview = await runStatusCommand(socketPath, [])
    assert.equal(overview.exitCode, 0)
    assert.match(overview.stdout, /hakit legacy runtime on n1/)
    assert.match(overview.stdout, /n2\s+dead/)
    const json = await runStatusCommand(socketPath, [], {json: true})
    assert.deepEqual(JSON.parse(json.stdout), report)
    assert.deepEqual(await runStatusCommand(socketPath, ['nodestatus', 'n2']), {stdout: 'dead\n', stderr: '', exitCode: 1})

    // a second daemon on the same state dir is refused
    await assert.rejects(startOperatorServer(socketPath, {standby: () => ({ok: true, message: ''}), takeover: () => ({ok: true, message: ''}), status: () => report}), /already listening/)
  } finally {
    await new Promise((r) => server.close(r))
  }
  // after the daemon is gone
  assert.deepEqual(await runStatusCommand(socketPath, ['hbstatus']), {stdout: 'Heartbeat is stopped on this machine.\n', stderr: '', exitCode: 1})
  const down = await runStandbyCommand(socketPath, 'standby', [])
  assert.equal(down.exitCode, 1)
  assert.match(down.stderr, /hakit is not running/)
  assert.equal((await runStatusCommand(socketPath, [])).exitCode, 3)

  // a stale socket file from a crashed daemon is replaced
  writeFileSync(socketPath, '')
  const again = await startOperatorServer(socketPath, {standby: () => ({ok: true, message: 'x'}), takeover: () => ({ok: true, message: ''}), status: () => report})
  assert.equal((await runStatusCommand(socketPath, ['rscstatus'])).stdout, 'all\n')
  await new Promise((r) => again.close(r))
  rmSync(dir, {recursive: true, force: true})
})

test('socket path resolution for operator commands', () => {
  assert.equal(resolveSocketPath({env: {}}), DEFAULT_SOCKET)
  assert.equal(resolveSocketPath({stateDir: '/var/lib/hakit', env: {}}), '/var/lib/hakit/hakit-legacy.sock')
  assert.equal(resolveSocketPath({stateDir: '/x', env: {HAKIT_LEGACY_SOCKET: '/y.sock'}}), '/y.sock')
  assert.equal(resolveSocketPath({socket: '/z.sock', env: {HAKIT_LEGACY_SOCKET: '/y.sock'}}), '/z.sock')
})
