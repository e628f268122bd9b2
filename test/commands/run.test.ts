import {test} from 'node:test'
import assert from 'node:assert/strict'
import {chmodSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {runCli} from '../helpers/cli.js'
import {Lab} from '../runtime/legacy/daemon/lab.js'

function run(lab: Lab, node: string, as = node) {
  const n = lab.node(node)
  return runCli(['run', '--legacy', '--config-dir', n.configDir, '--node', as, '--state-dir', n.stateDir, '--bind', n.address, '--socket', join(n.stateDir, 's.sock')])
}

test('hakit run refuses an authkeys file others can read, with lint\'s finding, exit 6', async () => {
  const lab = new Lab()
  try {
    chmodSync(join(lab.node('n1').configDir, 'authkeys'), 0o644)
    const r = run(lab, 'n1')
    assert.equal(r.status, 6, r.stderr)
    assert.match(r.stderr, /refusing to start/)
    assert.match(r.stderr, /authkeys:1:1 error authkeys-mode /)
  } finally {
    await lab.cleanup()
  }
})

test('hakit run refuses invalid ha.cf and a node name not in ha.cf', async () => {
  const lab = new Lab()
  try {
    const cf = join(lab.node('n1').configDir, 'ha.cf')
    writeFileSync(cf, 'keepalive 2\ndeadtime 3\nucast lo 127.0.0.9\nnode n1\nnode n2\n')
    const r = run(lab, 'n1')
    assert.equal(r.status, 6)
    assert.match(r.stderr, /ha\.cf:2:\d+ error hacf-deadtime-short/)
    writeFileSync(cf, 'keepalive 1\ndeadtime 4\nucast lo 127.0.0.9\nnode n1\nnode n2\n')
    const other = run(lab, 'n1', 'n3')
    assert.equal(other.status, 6)
    assert.match(other.stderr, /Current node \[n3\] not in configuration!/)
  } finally {
    await lab.cleanup()
  }
})

test('hakit run needs --legacy', () => {
  const r = runCli(['run'])
  assert.notEqual(r.status, 0)
  assert.match(r.stderr, /legacy/)
})

test('hakit run without ha.cf in --config-dir: one line, exit 6 (a configuration error: the units do not restart on it), either runtime', () => {
  for (const runtime of [['--legacy'], ['--crm'], []]) {
    const r = runCli(['run', ...runtime, '--config-dir', '/nonexistent/ha.d', '--state-dir', '/nonexistent/state'])
    assert.equal(r.status, 6, `${runtime.join(' ')}: ${r.stderr}`)
    assert.equal(r.stderr, "hakit: /nonexistent/ha.d/ha.cf: no such file: hakit run --legacy and --crm read Heartbeat's ha.cf and authkeys from --config-dir (default /etc/ha.d)\n")
  }
})
