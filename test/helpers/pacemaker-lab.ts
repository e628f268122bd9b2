/**
 * A real Corosync 3 + Pacemaker 2.1 cluster of one or two nodes for tests,
 * each node a small "machine" made of namespaces: its own network namespace
 * (interface hb0, nodes joined by a veth pair), and PID + mount + UTS
 * namespaces whose init (lab-node.sh, mode pacemaker) bind-mounts private
 * directories over /etc/corosync, /var/lib/{corosync,pacemaker},
 * /var/log/pacemaker, /run, /etc/hosts and a tmpfs over /dev/shm, then runs
 * corosync and pacemakerd. Nothing on the host is touched; stop() and the
 * sweep of a SIGKILLed run's leftovers are namespace-lab.ts's.
 * Needs root and Debian's corosync, pacemaker and pacemaker-cli-utils.
 */
import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir, userInfo} from 'node:os'
import {join} from 'node:path'
import {haveCommand, isRoot} from './cli.js'
import {giveToHacluster, makeDirs, NamespaceLab, PACEMAKER_NODE_DIRS, runOrThrow as sh, sweepStaleLabs, type ExecResult, type LabNode} from './namespace-lab.js'

export type {ExecResult, LabNode}

const SUBNET = '10.78.0'
const NODE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

/** Why a lab cannot run here, or undefined when it can. */
export function pacemakerLabUnavailable(): string | undefined {
  if (!isRoot) return 'needs root (namespaces, mounts)'
  for (const cmd of ['corosync', 'corosync-cmapctl', 'pacemakerd', 'cibadmin', 'crm_mon', 'crm_diff', 'crm_verify', 'ip', 'unshare', 'nsenter', 'mount']) {
    if (!haveCommand(cmd)) return `${cmd} not installed`
  }
  if (spawnSync('id', ['hacluster']).status !== 0) return 'no hacluster user (pacemaker package not installed)'
  for (const dir of ['/etc/corosync', '/var/lib/corosync', '/var/lib/pacemaker', '/var/log/pacemaker']) {
    if (!existsSync(dir)) return `${dir} missing (pacemaker/corosync not installed)`
  }
  return undefined
}

function corosyncConf(nodes: LabNode[]): string {
  const nodelist = nodes.map((n, i) => `\tnode {\n\t\tring0_addr: ${n.address}\n\t\tname: ${n.name}\n\t\tnodeid: ${i + 1}\n\t}\n`).join('')
  return `totem {
\tversion: 2
\tcluster_name: pcmklab
\ttransport: knet
\tcrypto_cipher: none
\tcrypto_hash: none
\ttoken: 1000
}
nodelist {
${nodelist}}
quorum {
\tprovider: corosync_votequorum
${nodes.length === 2 ? '\ttwo_node: 1\n' : ''}}
logging {
\tto_logfile: yes
\tlogfile: /var/log/pacemaker/corosync.log
\tto_stderr: no
\tto_syslog: no
\ttimestamp: hires
}
`
}

/** The CIB every node boots with: no resources, no fencing (a lab must never fence), a short DC election wait. */
const SEED_CIB = `<cib validate-with="pacemaker-3.9" epoch="1" admin_epoch="0" num_updates="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="false"/>
        <nvpair id="cib-bootstrap-options-dc-deadtime" name="dc-deadtime" value="2s"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
`

export class PacemakerLab extends NamespaceLab {
  constructor(dir: string, count: number) {
    const tag = `hakit-lab-${process.pid}`
    super(dir, Array.from({length: count}, (_, i) => ({
      name: `n${i + 1}`,
      address: `${SUBNET}.${i + 1}`,
      netns: `${tag}-n${i + 1}`,
      dir: join(dir, `n${i + 1}`),
    })), {label: 'pacemaker lab', pollMs: 250})
  }

  /** Runs a command inside a node (all its namespaces), as an administrator logged in there would. */
  exec(node: LabNode, argv: string[], options: {env?: NodeJS.ProcessEnv; timeoutMs?: number} = {}): ExecResult {
    return this.nsenter(node, argv, {path: NODE_PATH, env: options.env, timeoutMs: options.timeoutMs ?? 30_000})
  }

  logTail(): string {
    return this.tails(['init.err', 'corosync.out', 'pacemakerd.out', 'log/corosync.log', 'log/pacemaker.log'], 8)
  }
}

function prepareNode(node: LabNode, nodes: LabNode[]): void {
  const d = node.dir
  makeDirs(d, PACEMAKER_NODE_DIRS)
  writeFileSync(join(d, 'corosync', 'corosync.conf'), corosyncConf(nodes))
  writeFileSync(join(d, 'hosts'), `127.0.0.1\tlocalhost\n${nodes.map((n) => `${n.address}\t${n.name}`).join('\n')}\n`)
  writeFileSync(join(d, 'pacemaker', 'cib', 'cib.xml'), SEED_CIB, {mode: 0o600})
  giveToHacluster(d, ['pacemaker/cib/cib.xml'])
}

/**
 * Starts a cluster of `count` nodes (n1 10.78.0.1, n2 10.78.0.2 on hb0) and
 * waits until every node is online and a DC is elected. Throws with the
 * nodes' log tails when it cannot (the caller reports that).
 */
export async function startPacemakerLab(count: 1 | 2, timeoutMs = 120_000): Promise<PacemakerLab> {
  if (userInfo().uid !== 0) throw new Error('pacemaker lab needs root')
  sweepStaleLabs(/^(hakit-lab-(\d+)-n\d+)\b/gm, /^hakit-pcmk-lab-(\d+)-/)
  const dir = mkdtempSync(join(tmpdir(), `hakit-pcmk-lab-${process.pid}-`))
  chmodSync(dir, 0o711) // the hacluster daemons must reach their directories
  const lab = new PacemakerLab(dir, count)
  try {
    for (const n of lab.nodes) {
      sh('ip', ['netns', 'add', n.netns])
      sh('ip', ['-n', n.netns, 'link', 'set', 'lo', 'up'])
    }
    const [a, b] = lab.nodes
    if (b) sh('ip', ['-n', a!.netns, 'link', 'add', 'hb0', 'type', 'veth', 'peer', 'name', 'hb0', 'netns', b.netns])
    else sh('ip', ['-n', a!.netns, 'link', 'add', 'hb0', 'type', 'veth', 'peer', 'name', 'hb0-peer'])
    for (const n of lab.nodes) {
      sh('ip', ['-n', n.netns, 'addr', 'add', `${n.address}/24`, 'dev', 'hb0'])
      sh('ip', ['-n', n.netns, 'link', 'set', 'hb0', 'up'])
    }
    if (!b) sh('ip', ['-n', a!.netns, 'link', 'set', 'hb0-peer', 'up'])
    for (const n of lab.nodes) prepareNode(n, lab.nodes)
    await lab.bootNodes('pacemaker')
    const names = lab.nodes.map((n) => n.name)
    await lab.waitFor('every node online and a DC', timeoutMs, () => {
      const mon = lab.exec(lab.nodes[0]!, ['crm_mon', '-1', '--output-as=xml'])
      if (mon.status !== 0 || !/<current_dc [^>]*present="true"/.test(mon.stdout)) return false
      return names.every((name) => new RegExp(`<node name="${name}" [^>]*online="true"`).test(mon.stdout))
    })
    return lab
  } catch (error) {
    lab.stop()
    throw error
  }
}
