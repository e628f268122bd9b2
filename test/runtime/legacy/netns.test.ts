/**
 * Two legacy runtimes moving a real IPaddr2 address between two network
 * namespaces, with a client namespace on the same bridge checking who
 * answers. Messages go over an in-memory bus (the messaging layer's
 * stand-in), which can also be cut to make a split brain. Needs root.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {LegacyRuntime} from '../../../src/runtime/legacy/runtime.js'
import {ResourceManager} from '../../../src/runtime/legacy/resource-manager.js'
import {groupFromFields} from '../../../src/runtime/legacy/types.js'
import type {Message} from '../../../src/runtime/legacy/failover.js'
import {haveCommand, isRoot} from '../../helpers/cli.js'

const ID = `hk${process.pid % 100000}`
const NS = {n1: `${ID}-n1`, n2: `${ID}-n2`, client: `${ID}-c`}
const VIP = '10.203.0.100'
const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], {encoding: 'utf8'})

function topology(): boolean {
  const cmds = [
    `ip netns add ${NS.n1}`, `ip netns add ${NS.n2}`, `ip netns add ${NS.client}`,
    `ip -n ${NS.client} link add br0 type bridge`, `ip -n ${NS.client} link set br0 up`,
    `ip -n ${NS.client} addr add 10.203.0.50/24 dev br0`,
  ]
  for (const [name, ip] of [['n1', '10.203.0.1'], ['n2', '10.203.0.2']] as const) {
    cmds.push(
      `ip -n ${NS[name]} link add hb0 type veth peer name p-${name} netns ${NS.client}`,
      `ip -n ${NS.client} link set p-${name} master br0 up`,
      `ip -n ${NS[name]} link set hb0 up`, `ip -n ${NS[name]} link set lo up`,
      `ip -n ${NS[name]} addr add ${ip}/24 dev hb0`,
    )
  }
  return cmds.every((c) => sh(c).status === 0)
}

function mac(name: 'n1' | 'n2'): string {
  return sh(`ip -n ${NS[name]} -j link show hb0`).stdout.match(/"address":"([^"]+)"/)?.[1] ?? '?'
}

/** Which node the client reaches the VIP on ('none' when nobody answers). */
function clientSees(): 'n1' | 'n2' | 'none' {
  if (sh(`ip netns exec ${NS.client} ping -c1 -W1 ${VIP}`).status !== 0) return 'none'
  const lladdr = sh(`ip -n ${NS.client} neigh show ${VIP}`).stdout.match(/lladdr (\S+)/)?.[1]
  return lladdr === mac('n1') ? 'n1' : lladdr === mac('n2') ? 'n2' : 'none'
}

const hasVip = (name: 'n1' | 'n2') => sh(`ip -n ${NS[name]} -o -4 addr show dev hb0`).stdout.includes(`${VIP}/`)

async function until(check: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

test('IPaddr2 failover between network namespaces: takeover, split brain and heal, client follows', async (t) => {
  if (!isRoot) return t.skip('needs root (network namespaces)')
  if (!haveCommand('ip') || !existsSync('/etc/ha.d/resource.d/IPaddr2')) return t.skip('iproute2 or heartbeat scripts missing')
  const root = mkdtempSync(join(tmpdir(), 'hakit-netns-'))
  try {
    if (!topology()) return t.skip('cannot build the namespace topology')
    const group = groupFromFields(['n1', `IPaddr2::${VIP}/24/hb0`])
    let connected = true
    const runtimes = new Map<string, LegacyRuntime>()
    for (const name of ['n1', 'n2'] as const) {
      const dir = join(root, name)
      mkdirSync(join(dir, 'resource.d'), {recursive: true})
      mkdirSync(join(dir, 'rsctmp'))
      writeFileSync(join(dir, 'resource.d', 'IPaddr2'), `#!/bin/sh\nexec ip netns exec ${NS[name]} /etc/ha.d/resource.d/IPaddr2 "$@"\n`)
      chmodSync(join(dir, 'resource.d', 'IPaddr2'), 0o755)
      const rm = new ResourceManager({
        resourceDirs: [join(dir, 'resource.d')],
        env: {HA_RSCTMP: join(dir, 'rsctmp'), HA_LOGFILE: '', HA_DEBUGLOG: ''},
        timeouts: {start: 20_000, stop: 20_000, status: 10_000},
      })
      runtimes.set(name, new LegacyRuntime({
        config: {localNode: name, nodes: ['n1', 'n2'], autoFailback: 'on', stonith: false},
        groups: [group],
        resourceManager: rm,
        send: (msg: Message) => {
          const other = runtimes.get(name === 'n1' ? 'n2' : 'n1')!
          if (connected) setImmediate(() => other.feed({type: 'message', from: name, msg}))
        },
        log: () => {},
      }))
    }
    const n1 = runtimes.get('n1')!
    const n2 = runtimes.get('n2')!
    n1.feed({type: 'node-status', node: 'n2', status: 'active', impl: 'hakit'})
    n2.feed({type: 'node-status', node: 'n1', status: 'active', impl: 'hakit'})
    n1.feed({type: 'comms-up'})
    n2.feed({type: 'comms-up'})
    await until(() => hasVip('n1'), 'VIP on n1')
    await until(() => clientSees() === 'n1', 'client reaches n1')
    assert.equal(hasVip('n2'), false)

    // split brain: the nodes stop hearing each other; both take the address
    connected = false
    n1.feed({type: 'node-status', node: 'n2', status: 'dead'})
    n2.feed({type: 'node-status', node: 'n1', status: 'dead'})
    await until(() => hasVip('n2'), 'VIP on n2 too')
    await until(() => clientSees() === 'n2', 'client follows the last gratuitous ARP (n2)')
    assert.equal(hasVip('n1'), true)

    // heal: the non-owner releases, the owner re-announces; the client ends on n1 without any daemon restart
    connected = true
    const healed = Date.now()
    n1.feed({type: 'partition-healed', node: 'n2'})
    n2.feed({type: 'partition-healed', node: 'n1'})
    await until(() => !hasVip('n2') && hasVip('n1'), 'one holder after the heal')
    await until(() => clientSees() === 'n1', 'client back on n1')
    t.diagnostic(`heal → client served by n1 again: ${Date.now() - healed} ms`)

    // power cut of n1: its link goes down, n2 is told n1 is dead and takes the address
    sh(`ip -n ${NS.n1} link set hb0 down`)
    n1.dispose()
    connected = false
    n2.feed({type: 'node-status', node: 'n1', status: 'dead'})
    await until(() => hasVip('n2'), 'takeover by n2')
    await until(() => clientSees() === 'n2', 'client reaches n2')
    assert.equal(await n2.shutdown(), true)
    assert.equal(hasVip('n2'), false)
  } finally {
    for (const ns of Object.values(NS)) sh(`ip netns del ${ns} 2>/dev/null`)
    rmSync(root, {recursive: true, force: true})
  }
})
