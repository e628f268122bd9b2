// What the loopback CRM benches (bench/crm-idle.mjs, bench/crm-soak.mjs) share: two `hakit run --crm` nodes
// n1 and n2 on 127.0.NET.2 and .3 (a random net and UDP port, no root), each with its ha.d and a
// run dir that is the node's HA_VARRUN (where ocf:pacemaker:Dummy keeps its state files), and
// their start. The caller ends the daemons, by PID (node.proc).
import {spawn} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * A temp dir `work` with the two nodes' ha.d (ha.cf with `timing` lines — keepalive, deadtime,
 * warntime, initdead —, authkeys signed with `key`) and the cluster's configuration in crm syntax
 * (`crm`: its lines after the node lines) in work/cluster.crm.
 */
export function loopbackCrmCluster({prefix, key, timing, crm}) {
  const net = 100 + Math.floor(Math.random() * 150)
  const port = 20_000 + Math.floor(Math.random() * 20_000)
  const work = mkdtempSync(join(tmpdir(), prefix))
  const nodes = ['n1', 'n2'].map((name, i) => ({name, address: `127.0.${net}.${i + 2}`, dir: join(work, name), proc: undefined}))
  const cibFile = join(work, 'cluster.crm')
  writeFileSync(cibFile, [...nodes.map((n) => `node ${n.name}`), ...crm].join('\n') + '\n')
  for (const node of nodes) {
    const etc = join(node.dir, 'ha.d')
    mkdirSync(etc, {recursive: true})
    mkdirSync(join(node.dir, 'run'), {recursive: true})
    writeFileSync(join(etc, 'ha.cf'), [`logfile ${join(node.dir, 'ha-log')}`, ...timing, `udpport ${port}`,
      ...nodes.map((n) => `ucast lo ${n.address}`), 'crm respawn', ...nodes.map((n) => `node ${n.name}`)].join('\n') + '\n')
    writeFileSync(join(etc, 'authkeys'), `auth 1\n1 sha1 ${key}\n`)
    chmodSync(join(etc, 'authkeys'), 0o600)
  }
  return {work, nodes, cibFile}
}

/** Starts each node's `hakit run --crm` (output discarded); node.proc is its process. */
export function startCrmNodes(nodes, cibFile) {
  for (const node of nodes) {
    node.proc = spawn(process.execPath, [join(root, 'bin', 'run.js'), 'run', '--crm', '--config-dir', join(node.dir, 'ha.d'), '--node', node.name,
      '--state-dir', join(node.dir, 'state'), '--bind', node.address, '--socket', join(node.dir, 'state', 'hakit-crm.sock'), '--cib', cibFile],
    {stdio: 'ignore', env: {...process.env, HA_VARRUN: join(node.dir, 'run')}})
  }
}
