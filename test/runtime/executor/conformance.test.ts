/**
 * Conformance with Pacemaker 2.1.5: the same operations through hakit's
 * executor (`hakit crm resource force-*` library path) and through
 * `CIB_file=… crm_resource --force-*` (the real services library), on real
 * agents; rc, the agent's environment (minus what differs by nature) and
 * side effects are compared. Root only: the recording agent and the LSB
 * script must be installed where crm_resource looks (/usr/lib/ocf,
 * /etc/init.d), IPaddr2 runs in a network namespace and Filesystem on a
 * loop device that this test creates and removes.
 */
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {hostname, tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand, isRoot, fixturesDir, projectRoot} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {runForceAction, type ForceAction} from '../../../src/runtime/executor/force.js'
import {FileAttributeStore} from '../../../src/runtime/executor/attribute-store.js'

const skip = !isRoot ? 'needs root (installs a test agent under /usr/lib/ocf and /etc/init.d)' : !haveCommand('crm_resource') ? 'crm_resource (pacemaker-cli-utils) not installed' : false
const tag = `hakit-conf-${process.pid}`
const ocfDir = `/usr/lib/ocf/resource.d/${tag}`
const lsbScript = `/etc/init.d/${tag}`

let work: string

/** A CIB file holding `primitive`; with `localNode`, this host as node 1 with a node_state (so Pacemaker's crm_attribute can store transient attributes in it). */
function makeCib(primitive: string, localNode = false): string {
  const file = join(work, `cib-${Math.random().toString(36).slice(2)}.xml`)
  writeFileSync(file, spawnSync('cibadmin', ['--empty'], {encoding: 'utf8'}).stdout)
  const create = (section: string, xml: string) => {
    const r = spawnSync('cibadmin', ['-C', '-o', section, '-X', xml], {encoding: 'utf8', env: {...process.env, CIB_file: file}})
    assert.equal(r.status, 0, r.stderr)
  }
  create('resources', primitive)
  if (localNode) {
    create('nodes', `<node id="1" uname="${hostname()}"/>`)
    create('status', `<node_state id="1" uname="${hostname()}"/>`)
  }
  return file
}

function realRun(cib: string, action: ForceAction, rsc: string, wrap: string[] = []): number {
  const args = [...wrap, 'crm_resource', `--${action}`, '-r', rsc]
  const r = spawnSync(args[0], args.slice(1), {encoding: 'utf8', env: {...process.env, CIB_file: cib}, timeout: 120_000})
  return r.status ?? -1
}

async function hakitRun(cib: string, action: ForceAction, rsc: string, nodeName = 'n1'): Promise<number> {
  const run = await runForceAction(parseCibXml(readFileSync(cib, 'utf8'), cib), rsc, action, {attributeStore: join(work, 'attrs.json'), nodeName})
  return run.result.rc
}

function primitive(id: string, agent: string, params: Record<string, string>, ops = ''): string {
  const [cls, a, b] = agent.split(':')
  const typeAttrs = b === undefined ? `class="${cls}" type="${a}"` : `class="${cls}" provider="${a}" type="${b}"`
  const nv = Object.entries(params).map(([n, v], i) => `<nvpair id="${id}-p${i}" name="${n}" value="${v}"/>`).join('')
  return `<primitive id="${id}" ${typeAttrs}><instance_attributes id="${id}-ia">${nv}</instance_attributes>${ops ? `<operations>${ops}</operations>` : ''}</primitive>`
}

/** Runs the sequence through crm_resource, then through hakit; returns both rc lists and the side-effect probes taken after each step. */
async function both(id: string, agentSpec: (side: string) => string, sequence: ForceAction[], probe: (side: string, cib: string) => string = () => '', localNode = false) {
  const out: Record<'real' | 'hakit', {rcs: number[]; effects: string[]}> = {real: {rcs: [], effects: []}, hakit: {rcs: [], effects: []}}
  for (const side of ['real', 'hakit'] as const) {
    const cib = makeCib(agentSpec(side), localNode)
    for (const action of sequence) {
      out[side].rcs.push(side === 'real' ? realRun(cib, action, id) : await hakitRun(cib, action, id, localNode ? hostname() : 'n1'))
      out[side].effects.push(probe(side, cib))
    }
  }
  return out
}

function envOf(file: string): Map<string, string> {
  const env = new Map<string, string>()
  for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
    const eq = line.indexOf('=')
    if (eq > 0) env.set(line.slice(0, eq), line.slice(eq + 1))
  }
  return env
}

/** OCF_* and HA_* variables, minus hakit's tool directory (differs by nature). */
function agentVars(env: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of [...env].sort()) if (/^(OCF_|HA_)/.test(k) && k !== 'HA_SBIN_DIR') out[k] = v
  return out
}

/** Removes network namespaces an earlier, killed run of this file left behind (named after a test pid that is gone). */
function sweepStaleNamespaces(): void {
  for (const m of spawnSync('ip', ['netns', 'list'], {encoding: 'utf8'}).stdout.matchAll(/^(hk[xv](\d+))\b/gm)) {
    if (existsSync(`/proc/${m[2]}`)) continue
    if (spawnSync('ip', ['netns', 'pids', m[1]!], {encoding: 'utf8'}).stdout.trim() === '') spawnSync('ip', ['netns', 'del', m[1]!])
  }
}

describe('conformance with crm_resource --force-*', {skip}, () => {
  before(() => {
    sweepStaleNamespaces()
    work = mkdtempSync(join(tmpdir(), 'hakit-conf-'))
    mkdirSync(ocfDir, {recursive: true})
    copyFileSync(join(fixturesDir, 'executor/ocf/resource.d/hakit-test/Recorder'), join(ocfDir, 'Recorder'))
    spawnSync('chmod', ['755', join(ocfDir, 'Recorder')])
    copyFileSync(join(fixturesDir, 'executor/init.d/hakit-lsb'), lsbScript)
    spawnSync('chmod', ['755', lsbScript])
  })
  after(() => {
    rmSync(ocfDir, {recursive: true, force: true})
    rmSync(lsbScript, {force: true})
    rmSync(work, {recursive: true, force: true})
  })

  test('recording agent: same rc and the same OCF/HA environment for start, check, stop, validate', async () => {
    for (const action of ['force-start', 'force-check', 'force-stop', 'validate'] as ForceAction[]) {
      const envs: Record<string, Record<string, string>> = {}
      for (const side of ['real', 'hakit']) {
        const dir = join(work, `rec-${side}`)
        mkdirSync(dir, {recursive: true})
        const cib = makeCib(primitive('rec', `ocf:${tag}:Recorder`, {dir, tag: 'hello world', rc_monitor: '7'},
          '<op id="rec-mon" name="monitor" interval="10s" timeout="33s"/><op id="rec-start" name="start" interval="0" timeout="44s" on-fail="block"/>'))
        const rc = side === 'real' ? realRun(cib, action, 'rec') : await hakitRun(cib, action, 'rec')
        assert.equal(rc, action === 'force-check' ? 7 : 0, `${side} ${action}`)
        const recorded = envOf(join(dir, `${action === 'force-check' ? 'monitor' : action === 'validate' ? 'validate-all' : action.slice(6)}.env`))
        envs[side] = agentVars(recorded)
        envs[side].OCF_RESKEY_dir = '(dir)'
      }
      assert.deepEqual(envs.hakit, envs.real, action)
    }
  })

  test('clone instances: the clone id, the primitive id and id:N give the environment crm_resource gives', async () => {
    for (const name of ['ms', 'sf', 'sf:1']) {
      const envs: Record<string, Record<string, string>> = {}
      for (const side of ['real', 'hakit']) {
        const dir = join(work, `clone-${side}`)
        mkdirSync(dir, {recursive: true})
        const cib = makeCib(`<clone id="ms"><meta_attributes id="ms-m"><nvpair id="ms-n" name="notify" value="true"/><nvpair id="ms-cm" name="clone-max" value="2"/></meta_attributes>` +
          primitive('sf', `ocf:${tag}:Recorder`, {dir}).replace('</primitive>', '<meta_attributes id="sf-m"><nvpair id="sf-x" name="foo" value="bar"/></meta_attributes></primitive>') + '</clone>')
        const rc = side === 'real' ? realRun(cib, 'force-start', name) : await hakitRun(cib, 'force-start', name)
        assert.equal(rc, 0, `${side} ${name}`)
        envs[side] = agentVars(envOf(join(dir, 'start.env')))
        envs[side].OCF_RESKEY_dir = '(dir)'
      }
      assert.deepEqual(envs.hakit, envs.real, name)
    }
  })

  test('ocf:heartbeat:Dummy: start, check, stop, check — rc and state file', async () => {
    const r = await both('d', (side) => primitive('d', 'ocf:heartbeat:Dummy', {state: join(work, `dummy-${side}.state`)}),
      ['force-check', 'force-start', 'force-check', 'force-stop', 'force-check'], (side) => String(existsSync(join(work, `dummy-${side}.state`))))
    assert.deepEqual(r.real.rcs, [7, 0, 0, 0, 7])
    assert.deepEqual(r.hakit, r.real)
  })

  test('ocf:heartbeat:Delay and ocf:heartbeat:MailTo', async () => {
    const delay = await both('dl', () => primitive('dl', 'ocf:heartbeat:Delay', {startdelay: '0.2', stopdelay: '0.1', mondelay: '0.1'}),
      ['force-start', 'force-check', 'force-stop', 'force-check'])
    assert.deepEqual(delay.hakit.rcs, delay.real.rcs)
    const mail = await both('m', () => primitive('m', 'ocf:heartbeat:MailTo', {email: 'root@localhost'}), ['force-check', 'force-start', 'force-check', 'force-stop', 'force-check'])
    assert.deepEqual(mail.hakit.rcs, mail.real.rcs)
  })

  test('ocf:pacemaker:Stateful: start, promote, check (8), demote, stop — and the promotion score it sets after each step', async () => {
    // Pacemaker's crm_attribute writes master-st into the CIB file's status (this host has a node_state there); hakit's into its store.
    const store = new FileAttributeStore(join(work, 'attrs.json'))
    const score = (side: string, cib: string) => side === 'real'
      ? spawnSync('crm_attribute', ['-N', hostname(), '-n', 'master-st', '-l', 'reboot', '-G', '-q'], {encoding: 'utf8', env: {...process.env, CIB_file: cib}}).stdout.trim() || 'none'
      : store.getSync(hostname(), 'master-st', 'reboot') ?? 'none'
    const r = await both('st', (side) => primitive('st', 'ocf:pacemaker:Stateful', {state: join(work, `st-${side}.state`)}),
      ['force-start', 'force-check', 'force-promote', 'force-check', 'force-demote', 'force-stop', 'force-check'], score, true)
    assert.deepEqual(r.real.rcs, [0, 0, 0, 8, 0, 0, 7])
    assert.deepEqual(r.real.effects, ['5', '5', '10', '10', '5', 'none', 'none'])
    assert.deepEqual(r.hakit, r.real)
  })

  test('ocf:pacemaker:ping and ocf:pacemaker:attribute: crm_resource has no attrd to reach (start fails, rc 1); hakit records the attribute (rc 0)', async () => {
    const store = new FileAttributeStore(join(work, 'attrs.json'))
    const ping = await both('png', () => primitive('png', 'ocf:pacemaker:ping', {host_list: '127.0.0.1', name: 'hk_ping', dampen: '0', attempts: '1', timeout: '1'}),
      ['force-start', 'force-check', 'force-stop'], (side) => (side === 'hakit' ? String(store.getSync('n1', 'hk_ping', 'reboot')) : ''))
    assert.deepEqual(ping.real.rcs.slice(0, 1), [1], 'attrd_updater: Connection refused')
    assert.deepEqual(ping.hakit.rcs, [0, 0, 0])
    assert.deepEqual(ping.hakit.effects, ['1', '1', 'undefined'], 'pingd-style score set by start, removed by stop')
    const attr = await both('at', (side) => primitive('at', 'ocf:pacemaker:attribute', {name: 'hk_attr', state: join(work, `attr-${side}.state`)}),
      ['force-start', 'force-check', 'force-stop', 'force-check'], (side) => (side === 'hakit' ? String(store.getSync('n1', 'hk_attr', 'reboot')) : ''))
    assert.deepEqual(attr.real.rcs, [1, 7, 0, 7])
    assert.deepEqual(attr.hakit.rcs, [0, 0, 0, 7])
    assert.deepEqual(attr.hakit.effects, ['1', '1', '0', '0'], 'active value, then inactive value after stop')
  })

  test('a small HTTP service through ocf:heartbeat:anything (python3 -m http.server on loopback): serves after start, gone after stop', {skip: haveCommand('python3') ? false : 'python3 not installed'}, async () => {
    const port = 18_000 + (process.pid % 1000)
    // GET / until it answers (the server needs a moment to bind) or 3 s pass.
    const httpStatus = () => {
      const script = `const t=Date.now();(async function go(){try{const r=await fetch('http://127.0.0.1:${port}/');process.stdout.write(String(r.status))}catch{if(Date.now()-t<3000)setTimeout(go,100);else process.stdout.write('down')}})()`
      return spawnSync(process.execPath, ['-e', script], {encoding: 'utf8'}).stdout
    }
    const r = await both('web', (side) => primitive('web', 'ocf:heartbeat:anything', {
      binfile: '/usr/bin/python3', cmdline_options: `-m http.server ${port} --bind 127.0.0.1 --directory ${work}`, pidfile: join(work, `web-${side}.pid`),
    }), ['force-check', 'force-start', 'force-check', 'force-stop', 'force-check'], httpStatus)
    assert.deepEqual(r.real.rcs, [7, 0, 0, 0, 7])
    assert.deepEqual(r.real.effects, ['down', '200', '200', 'down', 'down'])
    assert.deepEqual(r.hakit, r.real)
  })

  test('lsb script, as lsb: and as service: — start, check, stop, check', async () => {
    const state = '/tmp/hakit-lsb.state'
    rmSync(state, {force: true})
    for (const cls of ['lsb', 'service']) {
      const r = await both('l', () => primitive('l', `${cls}:${tag}`, {}), ['force-check', 'force-start', 'force-check', 'force-stop', 'force-check'], () => String(existsSync(state)))
      assert.deepEqual(r.real.rcs, [7, 0, 0, 0, 7], cls)
      assert.deepEqual(r.hakit, r.real, cls)
    }
  })

  test('agent not installed: both exit 5', async () => {
    const r = await both('nx', () => primitive('nx', `ocf:${tag}:Missing`, {}), ['force-start', 'force-check'])
    assert.deepEqual(r.real.rcs, [5, 5])
    assert.deepEqual(r.hakit.rcs, r.real.rcs)
  })

  test('start timeout: rc 1 (Timed Out) for both', async () => {
    const r = await both('to', () => primitive('to', `ocf:${tag}:Recorder`, {sleep: '30'}, '<op id="to-start" name="start" interval="0" timeout="1s"/>'), ['force-start'])
    assert.deepEqual(r.hakit.rcs, r.real.rcs)
  })

  test('heartbeat class and stonith: crm_resource refuses them (3), hakit runs them', async () => {
    const hbState = join(work, 'hb.state')
    mkdirSync('/etc/ha.d/resource.d', {recursive: true})
    const script = `/etc/ha.d/resource.d/${tag}`
    copyFileSync(join(fixturesDir, 'executor/ha.d/resource.d/hbstate'), script)
    spawnSync('chmod', ['755', script])
    try {
      const r = await both('hb', () => primitive('hb', `heartbeat:${tag}`, {'1': hbState}), ['force-check', 'force-start', 'force-check', 'force-stop'])
      assert.deepEqual(r.real.rcs, [3, 3, 3, 3])
      assert.deepEqual(r.hakit.rcs, [7, 0, 0, 0])
    } finally {
      rmSync(script, {force: true})
    }
    if (!existsSync('/usr/sbin/fence_dummy')) return
    const f = await both('fd', () => primitive('fd', 'stonith:fence_dummy', {type: 'file'}), ['force-check', 'force-start', 'force-check', 'force-stop'])
    assert.deepEqual(f.real.rcs, [3, 3, 3, 3])
    const direct = spawnSync('/usr/sbin/fence_dummy', [], {input: 'action=monitor\ntype=file\n'}).status
    const expected = direct === 0 ? 0 : 1
    assert.deepEqual(f.hakit.rcs, [expected, expected, expected, 0], 'check and start = the agent\'s monitor over stdin; stop = unregister')
  })

  test('ocf:heartbeat:IPaddr2 in a network namespace: the address appears and goes', {skip: !existsSync(join(projectRoot, 'dist/bundle')) ? 'needs `npm run build` (hakit runs inside the namespace through bin/run.js)' : false}, async () => {
    const ns = `hkx${process.pid}`
    const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], {encoding: 'utf8'})
    assert.equal(sh(`ip netns add ${ns} && ip -n ${ns} link add hk0 type veth peer name hk1 && ip -n ${ns} link set hk1 up && ip -n ${ns} link set hk0 up && ip -n ${ns} addr add 10.213.7.1/24 dev hk0 && ip -n ${ns} link set lo up`).status, 0)
    try {
      const rcs: Record<string, number[]> = {real: [], hakit: []}
      const seen: Record<string, boolean[]> = {real: [], hakit: []}
      for (const side of ['real', 'hakit']) {
        const cib = makeCib(primitive('ip', 'ocf:heartbeat:IPaddr2', {ip: '10.213.7.100', cidr_netmask: '24', nic: 'hk0'}))
        for (const action of ['force-check', 'force-start', 'force-check', 'force-stop', 'force-check']) {
          const cmd = side === 'real'
            ? ['ip', 'netns', 'exec', ns, 'crm_resource', `--${action}`, '-r', 'ip']
            : ['ip', 'netns', 'exec', ns, process.execPath, join(projectRoot, 'bin/run.js'), 'crm', 'resource', action, 'ip', '--cib', cib]
          const r = spawnSync(cmd[0], cmd.slice(1), {encoding: 'utf8', env: {...process.env, CIB_file: cib, HAKIT_ATTRIBUTE_STORE: join(work, 'attrs.json')}, timeout: 60_000})
          rcs[side].push(r.status ?? -1)
          seen[side].push(sh(`ip -n ${ns} -4 addr show dev hk0`).stdout.includes('10.213.7.100/24'))
        }
      }
      assert.deepEqual(rcs.real, [7, 0, 0, 0, 7])
      assert.deepEqual(rcs.hakit, rcs.real)
      assert.deepEqual(seen.real, [false, true, true, false, false])
      assert.deepEqual(seen.hakit, seen.real)
    } finally {
      sh(`ip netns del ${ns}`)
    }
  })

  test('heartbeat class: the v1 IPaddr script with its positional argument in a network namespace, judged by running it as Heartbeat does', {skip: !existsSync(join(projectRoot, 'dist/bundle')) ? 'needs `npm run build`' : !existsSync('/etc/ha.d/resource.d/IPaddr') ? 'heartbeat resource.d/IPaddr not installed' : false}, async () => {
    const ns = `hkv${process.pid}`
    const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], {encoding: 'utf8'})
    assert.equal(sh(`ip netns add ${ns} && ip -n ${ns} link add hk0 type veth peer name hk1 && ip -n ${ns} link set hk0 up && ip -n ${ns} link set hk1 up && ip -n ${ns} addr add 10.213.9.1/24 dev hk0 && ip -n ${ns} link set lo up`).status, 0)
    try {
      const arg = '10.213.9.100/24/hk0'
      const cib = makeCib(primitive('v1ip', 'heartbeat:IPaddr', {'1': arg}))
      // Heartbeat's own reading of `IPaddr ARG status`: its output, not its exit code.
      const heartbeatSays = () => (/[Nn][Oo][Tt] [^]*[Rr]unning|stopped/.test(sh(`ip netns exec ${ns} /etc/ha.d/resource.d/IPaddr ${arg} status`).stdout) ? 7 : 0)
      const hakit = (action: string) => spawnSync('ip', ['netns', 'exec', ns, process.execPath, join(projectRoot, 'bin/run.js'), 'crm', 'resource', action, 'v1ip', '--cib', cib], {encoding: 'utf8', timeout: 60_000}).status
      const has = () => sh(`ip -n ${ns} -4 addr show dev hk0`).stdout.includes('10.213.9.100/24')
      const steps: [string, number | null, boolean, number][] = []
      for (const action of ['force-check', 'force-start', 'force-check', 'force-stop', 'force-check']) steps.push([action, hakit(action), has(), heartbeatSays()])
      assert.deepEqual(steps.map(([, rc]) => rc), [7, 0, 0, 0, 7])
      assert.deepEqual(steps.map(([, , up]) => up), [false, true, true, false, false])
      assert.deepEqual(steps.filter(([a]) => a === 'force-check').map(([, rc, , hb]) => rc === hb), [true, true, true], 'monitor agrees with Heartbeat\'s status reading')
    } finally {
      sh(`ip netns del ${ns}`)
    }
  })

  test('ocf:heartbeat:Filesystem on a loop device: mounted and unmounted', {skip: !haveCommand('mkfs.ext4') || !haveCommand('losetup') ? 'mkfs.ext4/losetup missing' : false}, async (t) => {
    const image = join(work, 'fs.img')
    const mnt = join(work, 'mnt')
    mkdirSync(mnt)
    spawnSync('truncate', ['-s', '16M', image])
    assert.equal(spawnSync('mkfs.ext4', ['-q', '-F', image]).status, 0)
    const loop = spawnSync('losetup', ['-f', '--show', image], {encoding: 'utf8'})
    if (loop.status !== 0) return t.skip(`no loop device: ${loop.stderr.trim()}`)
    const dev = loop.stdout.trim()
    // The agent insists on modprobe (kmod is not installed in this container; ext4 is already in /proc/filesystems): a no-op stand-in on PATH for both sides.
    const savedPath = process.env.PATH
    if (!haveCommand('modprobe')) {
      const stub = join(work, 'stub-bin')
      mkdirSync(stub, {recursive: true})
      writeFileSync(join(stub, 'modprobe'), '#!/bin/sh\nexit 0\n', {mode: 0o755})
      process.env.PATH = `${stub}:${savedPath}`
    }
    const mounted = () => readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === mnt)
    try {
      const r = await both('fs', () => primitive('fs', 'ocf:heartbeat:Filesystem', {device: dev, directory: mnt, fstype: 'ext4'}),
        ['force-check', 'force-start', 'force-check', 'force-stop', 'force-check'], () => String(mounted()))
      assert.deepEqual(r.real.rcs, [7, 0, 0, 0, 7])
      assert.deepEqual(r.real.effects, ['false', 'true', 'true', 'false', 'false'])
      assert.deepEqual(r.hakit, r.real)
    } finally {
      process.env.PATH = savedPath
      if (mounted()) spawnSync('umount', [mnt])
      spawnSync('losetup', ['-d', dev])
    }
  })
})
