/**
 * hakit's agent-facing tools. crm_attribute and crm_master are compared line
 * by line with Pacemaker's own on a CIB file (CIB_file, node n1 with a
 * node_state: the real tools then read and write node attributes without a
 * cluster); attrd_updater and crm_node need a running cluster to compare
 * with, so their outputs are checked against the formats Pacemaker prints.
 */
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand} from '../../helpers/cli.js'
import {runTool} from '../../../src/runtime/executor/tools/main.js'
import {FileAttributeStore} from '../../../src/runtime/executor/attribute-store.js'
import {getopt} from '../../../src/runtime/executor/tools/getopt.js'

let dir: string

async function hakit(tool: string, argv: string[], env: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  const status = await runTool(tool, argv, {
    out: (l) => out.push(l), err: (l) => err.push(l),
    env: {HAKIT_ATTRIBUTE_STORE: join(dir, 'attrs.json'), HAKIT_NODE_NAME: 'n1', HAKIT_NODE_ID: '1', ...env},
  })
  return {status, stdout: out.map((l) => l + '\n').join(''), stderr: err.map((l) => l + '\n').join('')}
}

describe('agent-facing tools', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hakit-tools-'))
  })
  after(() => rmSync(dir, {recursive: true, force: true}))

  test('getopt: short clusters, attached values, long =values, optional arguments', async () => {
    const specs = [
      {name: 'quiet', short: 'q', arg: 'none' as const}, {name: 'query', short: 'G', arg: 'none' as const},
      {name: 'name', short: 'n', long: ['name'], arg: 'required' as const}, {name: 'promotion', short: 'p', long: ['promotion'], arg: 'optional' as const},
    ]
    const p = getopt(['-qG', '-nfoo', '--promotion', 'x', '--name=bar'], specs)
    assert.equal(p.options.get('quiet'), true)
    assert.equal(p.options.get('query'), true)
    assert.equal(p.options.get('name'), 'bar')
    assert.equal(p.options.get('promotion'), true)
    assert.deepEqual(p.positional, ['x'])
    assert.equal(getopt(['--promotion=rsc'], specs).options.get('promotion'), 'rsc')
  })

  test('crm_attribute and crm_master: same output and exit codes as Pacemaker\'s on a CIB file', {skip: haveCommand('crm_attribute') && haveCommand('cibadmin') ? false : 'pacemaker-cli-utils not installed'}, async () => {
    const cib = join(dir, 'cib.xml')
    writeFileSync(cib, spawnSync('cibadmin', ['--empty'], {encoding: 'utf8'}).stdout)
    const env = {...process.env, CIB_file: cib}
    assert.equal(spawnSync('cibadmin', ['-C', '-o', 'nodes', '-X', '<node id="1" uname="n1"/>'], {env}).status, 0)
    assert.equal(spawnSync('cibadmin', ['-C', '-o', 'status', '-X', '<node_state id="1" uname="n1"/>'], {env}).status, 0)
    const sequence: [string, string[], Record<string, string>?][] = [
      ['crm_attribute', ['-N', 'n1', '-n', 'foo', '-G', '-l', 'reboot']],
      ['crm_attribute', ['-N', 'n1', '-n', 'foo', '-G', '-l', 'reboot', '-d', 'dflt']],
      ['crm_attribute', ['-N', 'n1', '-n', 'foo', '-v', '5', '-l', 'reboot']],
      ['crm_attribute', ['--node', 'n1', '--lifetime=reboot', '--name', 'foo', '--query']],
      ['crm_attribute', ['-N', 'n1', '-n', 'foo', '-G', '-l', 'reboot', '-q']],
      ['crm_attribute', ['-N', 'n1', '-n', 'foo', '-D', '-l', 'reboot']],
      ['crm_attribute', ['-N', 'n1', '-n', 'foo', '-D', '-l', 'reboot']],
      ['crm_attribute', ['-N', 'n1', '-n', 'perm', '-v', '7']],
      ['crm_attribute', ['-N', 'n1', '-n', 'perm', '-G']],
      ['crm_attribute', ['-N', 'n1', '-n', 'perm', '-G', '-l', 'forever', '-q']],
      ['crm_attribute', ['-N', 'n1', '-n', 'perm', '-D']],
      ['crm_attribute', ['-n', 'cluster-opt', '-v', '3']],
      ['crm_attribute', ['-n', 'cluster-opt', '-G']],
      ['crm_attribute', ['-N', 'n1', '--promotion', '-v', '10'], {OCF_RESOURCE_INSTANCE: 'st'}],
      ['crm_attribute', ['-N', 'n1', '--promotion', '-G'], {OCF_RESOURCE_INSTANCE: 'st'}],
      ['crm_attribute', ['-N', 'n1', '-p', '-G', '-q'], {OCF_RESOURCE_INSTANCE: 'st'}],
      ['crm_master', ['-N', 'n1', '-Q', '-l', 'reboot', '-v', '100'], {OCF_RESOURCE_INSTANCE: 'st'}],
      ['crm_master', ['-N', 'n1', '-q', '-l', 'reboot', '-G'], {OCF_RESOURCE_INSTANCE: 'st'}],
      ['crm_master', ['-N', 'n1', '-l', 'reboot', '-D'], {OCF_RESOURCE_INSTANCE: 'st'}],
      ['crm_master', ['-N', 'n1', '-q', '-l', 'reboot', '-G'], {OCF_RESOURCE_INSTANCE: 'st'}],
    ]
    for (const [tool, argv, extra] of sequence) {
      const real = spawnSync(tool, argv, {encoding: 'utf8', env: {...env, ...extra}})
      const ours = (await hakit(tool, argv, extra))
      const what = `${tool} ${argv.join(' ')}`
      assert.equal(ours.status, real.status, what)
      assert.equal(ours.stdout, real.stdout, what)
      assert.equal(ours.stderr, real.stderr, what)
    }
  })

  test('attrd_updater: -U/-B/-v set, -Q prints name/host/value, -D removes, missing → 105', async () => {
    assert.equal((await hakit('attrd_updater', ['-n', 'pingd', '-B', '1000', '-d', '5s'])).status, 0)
    assert.equal((await hakit('attrd_updater', ['-n', 'pingd', '-Q'])).stdout, 'name="pingd" host="n1" value="1000"\n')
    assert.equal((await hakit('attrd_updater', ['-n', 'pingd', '-v', '2000', '-d', '5s'])).status, 0)
    assert.equal((await hakit('attrd_updater', ['--query', '-n', 'pingd', '-N', 'n1'])).stdout, 'name="pingd" host="n1" value="2000"\n')
    assert.equal((await hakit('attrd_updater', ['-n', '#health-smart', '-U', 'red', '-d', '1s'])).status, 0)
    assert.equal((await hakit('attrd_updater', ['-n', 'pingd', '-D'])).status, 0)
    const missing = (await hakit('attrd_updater', ['-n', 'pingd', '-Q']))
    assert.equal(missing.status, 105)
    assert.equal(missing.stdout, '')
    assert.equal(new FileAttributeStore(join(dir, 'attrs.json')).getSync('n1', '#health-smart', 'reboot'), 'red')
    assert.equal((await hakit('attrd_updater', ['-Q'])).status, 64, 'no name: usage error')
    assert.equal((await hakit('attrd_updater', ['-n', 'x', '--bogus'])).status, 64)
  })

  test('crm_node: -n, -i, -l, -p, -q, -N as Pacemaker prints them', async () => {
    assert.equal((await hakit('crm_node', ['-n'])).stdout, 'n1\n')
    assert.equal((await hakit('crm_node', [])).stdout, 'n1\n')
    assert.equal((await hakit('crm_node', ['-i'])).stdout, '1\n')
    assert.equal((await hakit('crm_node', ['-l'])).stdout, '1 n1 member\n')
    assert.equal((await hakit('crm_node', ['-p'])).stdout, 'n1 \n')
    assert.equal((await hakit('crm_node', ['-q'])).stdout, '1\n')
    assert.equal((await hakit('crm_node', ['-N', '1'])).stdout, 'n1\n')
    assert.equal((await hakit('crm_node', ['-N', '2'])).status, 105)
    const cluster = {HAKIT_CLUSTER_NODES: '1:n1 2:n2'}
    assert.equal((await hakit('crm_node', ['-l'], cluster)).stdout, '1 n1 member\n2 n2 member\n')
    assert.equal((await hakit('crm_node', ['-p'], cluster)).stdout, 'n1 n2 \n')
    assert.equal((await hakit('crm_node', ['-N', '2'], cluster)).stdout, 'n2\n')
  })

  test('cluster-only tools answer "not connected" (102) as Pacemaker does without a cluster', async () => {
    for (const tool of ['crm_resource', 'cibadmin', 'crm_mon']) assert.equal((await hakit(tool, ['-Q'])).status, 102)
  })

  test('concurrent writers do not lose updates (lock file)', async () => {
    const store = new FileAttributeStore(join(dir, 'concurrent.json'))
    const script = `import('${new URL('../../../src/runtime/executor/attribute-store.ts', import.meta.url).pathname}').then(({FileAttributeStore}) => { const s = new FileAttributeStore(process.argv[1]); for (let i = 0; i < 20; i++) s.setSync('n1', process.argv[2] + '-' + i, String(i), 'reboot') })`
    const { spawn } = await import('node:child_process')
    await Promise.all(['a', 'b', 'c'].map((w) => new Promise((resolve) => spawn(process.execPath, ['--import', 'tsx', '-e', script, store.path, w], {stdio: 'ignore'}).on('close', resolve))))
    assert.equal(store.listSync('n1').length, 60)
  })
})
