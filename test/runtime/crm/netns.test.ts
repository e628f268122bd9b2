/**
 * Two real `hakit run --crm` daemons, each in its own network namespace,
 * running a group of ocf:heartbeat:IPaddr2 (a virtual IP on hb0) and
 * ocf:heartbeat:anything (python3's HTTP server bound to that IP), probed
 * over HTTP from a client namespace on the same bridge: cold start, power
 * cut of the node serving, graceful stop. Asserts where the address is and
 * that the service answers, never times. Root only; namespaces carry this
 * test's pid and are removed at the end.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {crmStatus} from '../../../src/runtime/crm/socket.js'
import {haveCommand, isRoot, projectRoot} from '../../helpers/cli.js'

const ID = `hc${process.pid % 100000}`
const NAMES = ['n1', 'n2'] as const
type Name = (typeof NAMES)[number]
const NS: Record<Name | 'client', string> = {n1: `${ID}-n1`, n2: `${ID}-n2`, client: `${ID}-c`}
const NET = `10.${200 + (process.pid % 50)}.${process.pid % 250}`
const ADDR: Record<Name, string> = {n1: `${NET}.1`, n2: `${NET}.2`}
const VIP = `${NET}.100`
const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], {encoding: 'utf8'})

const skip = !isRoot ? 'needs root (network namespaces)'
  : !haveCommand('ip') || !haveCommand('python3') ? 'needs ip and python3'
    : !existsSync('/usr/lib/ocf/resource.d/heartbeat/IPaddr2') ? 'resource-agents not installed'
      : !existsSync(join(projectRoot, 'dist', 'bundle')) ? 'dist/ is not built (npm run build)' : false

function topology(): void {
  const cmds = [
    `ip netns add ${NS.n1}`, `ip netns add ${NS.n2}`, `ip netns add ${NS.client}`,
    `ip -n ${NS.client} link add br0 type bridge`, `ip -n ${NS.client} link set br0 up`, `ip -n ${NS.client} link set lo up`,
    `ip -n ${NS.client} addr add ${NET}.50/24 dev br0`,
  ]
  for (const name of NAMES) {
    cmds.push(
      `ip -n ${NS[name]} link add hb0 type veth peer name p-${name} netns ${NS.client}`,
      `ip -n ${NS.client} link set p-${name} master br0 up`,
      `ip -n ${NS[name]} link set hb0 up`, `ip -n ${NS[name]} link set lo up`,
      `ip -n ${NS[name]} addr add ${ADDR[name]}/24 dev hb0`,
    )
  }
  for (const c of cmds) {
    const r = sh(c)
    if (r.status !== 0) throw new Error(`${c}: ${r.stderr}`)
  }
}

/** Kills what runs in a namespace this test made (the daemon and the services it started), by PID. */
function killNamespace(ns: string): void {
  for (const pid of sh(`ip netns pids ${ns}`).stdout.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL')
    } catch {
      // already gone
    }
  }
}

function teardown(): void {
  for (const ns of Object.values(NS)) {
    killNamespace(ns)
    sh(`ip netns del ${ns}`)
  }
}

/** Which node namespaces hold the virtual IP. */
function vipHolders(): Name[] {
  return NAMES.filter((n) => sh(`ip -n ${NS[n]} -4 -o addr show dev hb0`).stdout.includes(`${VIP}/`))
}

/** HTTP from the client namespace: the body of /whoami.txt, or 'down'. */
function http(): string {
  const r = sh(`ip netns exec ${NS.client} python3 -c "import urllib.request as u;print(u.urlopen('http://${VIP}:8080/whoami.txt', timeout=2).read().decode().strip())"`)
  return r.status === 0 ? r.stdout.trim() : 'down'
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, describe: () => string, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 200))
  }
  if (await check()) return
  throw new Error(`timed out waiting for ${what}\n${describe()}`)
}

test('two nodes in network namespaces: IPaddr2 + an HTTP server follow the cluster (cold start, power cut, graceful stop, partition and heal)', {skip}, async () => {
  const work = mkdtempSync(join(tmpdir(), 'hakit-crm-netns-'))
  const procs = new Map<Name, ChildProcess & {output: string}>()
  try {
    topology()
    const cib = [
      'node n1', 'node n2',
      `primitive vip ocf:heartbeat:IPaddr2 params ip=${VIP} cidr_netmask=24 nic=hb0 op monitor interval=2s`,
      // each node serves its own directory ($HA_VARRUN is per node; the agent's eval expands it), so the answer says who serves
      `primitive httpd ocf:heartbeat:anything params binfile=/usr/bin/python3 cmdline_options="-m http.server 8080 --bind ${VIP} --directory $HA_VARRUN/www" op monitor interval=2s`,
      'group web vip httpd',
      'location web-prefers-n1 web 50: n1',
      'property stonith-enabled=false', 'property dc-deadtime=5s',
    ].join('\n') + '\n'
    writeFileSync(join(work, 'cluster.crm'), cib)
    const start = (name: Name): void => {
      const root = join(work, name)
      for (const d of ['ha.d', 'state', 'run', 'rsctmp']) mkdirSync(join(root, d), {recursive: true})
      writeFileSync(join(root, 'ha.d', 'ha.cf'), ['keepalive 200ms', 'deadtime 2', 'warntime 1', 'initdead 10', 'udpport 694',
        ...NAMES.filter((n) => n !== name).map((n) => `ucast hb0 ${ADDR[n]}`), 'crm respawn', 'node n1', 'node n2', `logfile ${join(root, 'ha-log')}`].join('\n') + '\n')
      writeFileSync(join(root, 'ha.d', 'authkeys'), 'auth 1\n1 sha1 hakit-crm-netns\n')
      chmodSync(join(root, 'ha.d', 'authkeys'), 0o600)
      mkdirSync(join(root, 'run', 'www'), {recursive: true})
      writeFileSync(join(root, 'run', 'www', 'whoami.txt'), `${name}\n`)
      const proc = spawn('ip', ['netns', 'exec', NS[name], process.execPath, join(projectRoot, 'bin', 'run.js'), 'run', '--crm', '--config-dir', join(root, 'ha.d'),
        '--node', name, '--state-dir', join(root, 'state'), '--socket', join(root, 'state', 'hakit-crm.sock'), '--cib', join(work, 'cluster.crm')], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {...process.env, HA_VARRUN: join(root, 'run'), HA_RSCTMP: join(root, 'rsctmp'), NO_COLOR: '1'},
      }) as ChildProcess & {output: string}
      proc.output = ''
      proc.stdout!.on('data', (d: Buffer) => (proc.output += d.toString()))
      proc.stderr!.on('data', (d: Buffer) => (proc.output += d.toString()))
      procs.set(name, proc)
    }
    const describe = (): string => NAMES.map((n) => `--- ${n} (vip: ${vipHolders().includes(n)})\n${(procs.get(n)?.output ?? '').split('\n').slice(-30).join('\n')}`).join('\n')
    const status = async (n: Name) => crmStatus(join(work, n, 'state', 'hakit-crm.sock')).catch(() => undefined)
    start('n1')
    start('n2')
    await waitFor('the address on n1 and HTTP answering', () => vipHolders().join() === 'n1' && http() === 'n1', describe)
    const s1 = await status('n1')
    const s2 = await status('n2')
    assert.equal(s1?.dc, s2?.dc, 'one DC')

    // power cut of n1: the daemon and its services die, the address vanishes with the "machine"
    killNamespace(NS.n1)
    sh(`ip -n ${NS.n1} addr del ${VIP}/24 dev hb0`)
    await waitFor('the address on n2 and HTTP answering from it', () => vipHolders().join() === 'n2' && http() === 'n2', describe)
    assert.equal((await status('n2'))?.dc, 'n2')

    // n1 comes back: the location preference (50, no stickiness) moves web home, served from n1 again
    start('n1')
    await waitFor('web back on n1', async () => vipHolders().join() === 'n1' && http() === 'n1' && (await status('n1'))?.members.length === 2, describe)

    // graceful stop of n1: the group moves to n2 first; n1 exits 0 holding nothing
    const proc = procs.get('n1')!
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
    proc.kill('SIGTERM')
    assert.equal(await exited, 0, describe())
    assert.deepEqual(vipHolders(), ['n2'])
    await waitFor('HTTP from n2', () => http() === 'n2', describe)

    // partition and heal: n1 back, then its cable cut. Each side has quorum (two_node) and no fencing,
    // so each runs the group (the split brain two_node without fencing allows); once the cable is back:
    // one DC, equal CIBs, the group active exactly once and serving
    start('n1')
    await waitFor('web on n1 again', async () => vipHolders().join() === 'n1' && http() === 'n1' && (await status('n2'))?.members.length === 2, describe)
    sh(`ip -n ${NS.client} link set p-n1 down`)
    await waitFor('one DC per side', async () => (await status('n1'))?.dc === 'n1' && (await status('n2'))?.dc === 'n2', describe)
    await waitFor('each side runs the group', () => vipHolders().length === 2, describe)
    sh(`ip -n ${NS.client} link set p-n1 up`)
    await waitFor('one DC, both members, the group active once and serving', async () => {
      const [a, b] = [await status('n1'), await status('n2')]
      if (!a?.dc || a.dc !== b?.dc || a.members.length !== 2 || b.members.length !== 2 || a.version !== b.version) return false
      return vipHolders().length === 1 && http() === vipHolders()[0]
    }, describe)
  } finally {
    teardown()
    if (!process.env.HAKIT_KEEP_LAB) rmSync(work, {recursive: true, force: true})
  }
})
