/**
 * A real Corosync 3 + Pacemaker 2.1 cluster of one or two nodes for tests,
 * each node a small "machine" made of namespaces: its own network namespace
 * (interface hb0, nodes joined by a veth pair), and PID + mount + UTS
 * namespaces whose init (pacemaker-lab-node.sh) bind-mounts private
 * directories over /etc/corosync, /var/lib/{corosync,pacemaker},
 * /var/log/pacemaker, /run, /etc/hosts and a tmpfs over /dev/shm. Nothing on
 * the host is touched; stop() (also run on exit and on SIGINT/SIGTERM) kills
 * each node's init by PID — which ends every process of the node — deletes
 * the network namespaces and removes the scratch directory. A run that was
 * SIGKILLed cannot clean up: the next start removes what it left behind.
 * Needs root and Debian's corosync, pacemaker and pacemaker-cli-utils.
 */
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir, userInfo} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {haveCommand, isRoot} from './cli.js'

const NODE_INIT = join(dirname(fileURLToPath(import.meta.url)), 'pacemaker-lab-node.sh')
const SUBNET = '10.78.0'
const NODE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

export interface LabNode {
  name: string
  address: string
  netns: string
  dir: string
  initPid?: number
}

export interface ExecResult {
  status: number | null
  stdout: string
  stderr: string
}

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

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.status}`}`)
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

export class PacemakerLab {
  readonly nodes: LabNode[]
  private stopped = false
  private readonly onSignal = (): void => {
    this.stop()
    process.exit(130)
  }

  private readonly onExit = (): void => this.stop()

  constructor(readonly dir: string, count: number) {
    const tag = `hakit-lab-${process.pid}`
    this.nodes = Array.from({length: count}, (_, i) => ({
      name: `n${i + 1}`,
      address: `${SUBNET}.${i + 1}`,
      netns: `${tag}-n${i + 1}`,
      dir: join(dir, `n${i + 1}`),
    }))
    process.on('exit', this.onExit)
    process.on('SIGINT', this.onSignal)
    process.on('SIGTERM', this.onSignal)
  }

  /** Runs a command inside a node (all its namespaces), as an administrator logged in there would. */
  exec(node: LabNode, argv: string[], options: {env?: NodeJS.ProcessEnv; timeoutMs?: number} = {}): ExecResult {
    if (node.initPid === undefined) throw new Error(`${node.name} is not running`)
    const r = spawnSync('nsenter', ['-t', String(node.initPid), '-m', '-u', '-n', '-p', '--', ...argv], {
      encoding: 'utf8',
      // a node's own standard PATH, whatever the test process has put in front of its own
      env: {...process.env, PATH: NODE_PATH, ...options.env},
      timeout: options.timeoutMs ?? 30_000,
    })
    return {status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? ''}
  }

  /** Polls `check` every 250 ms until it returns true; throws after timeoutMs, naming `what`. */
  async waitFor(what: string, timeoutMs: number, check: () => boolean): Promise<number> {
    const start = Date.now()
    while (!check()) {
      if (Date.now() - start > timeoutMs) throw new Error(`pacemaker lab: timed out after ${timeoutMs} ms waiting for ${what}\n${this.logTail()}`)
      await new Promise((r) => setTimeout(r, 250))
    }
    return Date.now() - start
  }

  /** The last lines of every node's logs, for failure messages. */
  logTail(): string {
    const out: string[] = []
    for (const n of this.nodes) {
      for (const f of ['init.err', 'corosync.out', 'pacemakerd.out', 'log/corosync.log', 'log/pacemaker.log']) {
        const p = join(n.dir, f)
        if (!existsSync(p)) continue
        const lines = readFileSync(p, 'utf8').trim().split('\n').slice(-8)
        if (lines.join('').trim()) out.push(`--- ${n.name} ${f}`, ...lines)
      }
    }
    return out.join('\n')
  }

  /** Kills every node (one SIGKILL to its init), deletes the namespaces and the scratch directory. Idempotent. */
  stop(): void {
    if (this.stopped) return
    this.stopped = true
    process.off('exit', this.onExit)
    process.off('SIGINT', this.onSignal)
    process.off('SIGTERM', this.onSignal)
    for (const n of this.nodes) {
      if (n.initPid !== undefined) {
        try {
          process.kill(n.initPid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
    }
    for (const n of this.nodes) {
      // the namespace's processes must be gone before the mounts under dir are (they are private to the node)
      for (let i = 0; i < 40 && n.initPid !== undefined && existsSync(`/proc/${n.initPid}`); i++) spawnSync('sleep', ['0.05'])
      spawnSync('ip', ['netns', 'del', n.netns])
    }
    // HAKIT_LAB_KEEP=1 keeps the nodes' logs for a post-mortem
    if (process.env.HAKIT_LAB_KEEP) process.stderr.write(`pacemaker lab: kept ${this.dir}\n`)
    else rmSync(this.dir, {recursive: true, force: true})
  }
}

function prepareNode(node: LabNode, nodes: LabNode[]): void {
  const d = node.dir
  for (const sub of ['corosync', 'corosync-lib', 'pacemaker/cib', 'pacemaker/pengine', 'pacemaker/blackbox', 'pacemaker/cores', 'log', 'run']) {
    mkdirSync(join(d, sub), {recursive: true})
  }
  writeFileSync(join(d, 'corosync', 'corosync.conf'), corosyncConf(nodes))
  writeFileSync(join(d, 'hosts'), `127.0.0.1\tlocalhost\n${nodes.map((n) => `${n.address}\t${n.name}`).join('\n')}\n`)
  writeFileSync(join(d, 'pacemaker', 'cib', 'cib.xml'), SEED_CIB, {mode: 0o600})
  // Pacemaker's daemons run as hacluster:haclient
  const uid = Number(spawnSync('id', ['-u', 'hacluster'], {encoding: 'utf8'}).stdout.trim())
  const gid = Number(spawnSync('getent', ['group', 'haclient'], {encoding: 'utf8'}).stdout.split(':')[2])
  for (const sub of ['pacemaker', 'pacemaker/cib', 'pacemaker/pengine', 'pacemaker/blackbox', 'pacemaker/cores', 'pacemaker/cib/cib.xml', 'log']) {
    chownSync(join(d, sub), uid, gid)
  }
  chmodSync(join(d, 'log'), 0o770)
  chmodSync(d, 0o711)
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * Removes what a SIGKILLed earlier run left behind: the namespaces and scratch
 * directories named after a test process that no longer exists (each node's
 * processes are killed by PID, found with `ip netns pids`).
 */
function sweepStaleLabs(): void {
  const list = spawnSync('ip', ['netns', 'list'], {encoding: 'utf8'}).stdout
  for (const m of list.matchAll(/^(hakit-lab-(\d+)-n\d+)\b/gm)) {
    if (pidAlive(Number(m[2]))) continue
    for (const pid of spawnSync('ip', ['netns', 'pids', m[1]!], {encoding: 'utf8'}).stdout.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL')
      } catch {
        // gone already
      }
    }
    spawnSync('ip', ['netns', 'del', m[1]!])
  }
  for (const name of readdirSync(tmpdir())) {
    const m = /^hakit-pcmk-lab-(\d+)-/.exec(name)
    if (m && !pidAlive(Number(m[1]))) rmSync(join(tmpdir(), name), {recursive: true, force: true})
  }
}

/**
 * Starts a cluster of `count` nodes (n1 10.78.0.1, n2 10.78.0.2 on hb0) and
 * waits until every node is online and a DC is elected. Throws with the
 * nodes' log tails when it cannot (the caller reports that).
 */
export async function startPacemakerLab(count: 1 | 2, timeoutMs = 120_000): Promise<PacemakerLab> {
  if (userInfo().uid !== 0) throw new Error('pacemaker lab needs root')
  sweepStaleLabs()
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
    for (const n of lab.nodes) {
      prepareNode(n, lab.nodes)
      const err = openSync(join(n.dir, 'init.err'), 'a')
      const child = spawn('ip', ['netns', 'exec', n.netns, 'unshare', '--mount', '--uts', '--pid', '--fork', '--propagation', 'private', '--', 'bash', NODE_INIT, n.dir, n.name], {
        stdio: ['ignore', err, err],
      })
      child.unref()
    }
    for (const n of lab.nodes) {
      const pidFile = join(n.dir, 'init.pid')
      await lab.waitFor(`${n.name} to boot`, 15_000, () => existsSync(pidFile))
      n.initPid = Number(readFileSync(pidFile, 'utf8').trim())
    }
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
