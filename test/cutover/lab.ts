/**
 * The cut-over lab: two nodes that run `hakit run --legacy` first and Corosync
 * + Pacemaker later, on the same "machines", and a client probing the service
 * on the virtual IP. Each node is its own network, PID, mount and UTS
 * namespaces (test/helpers/lab-node.sh, mode cutover, is its PID 1 and gives
 * it private /etc/ha.d, /etc/init.d, /etc/corosync, /var/lib/pacemaker, /run,
 * ...); the nodes and the client hang on a bridge in the client's namespace.
 * Nothing on the host is touched; stop() and the sweep of a SIGKILLed run's
 * leftovers are test/helpers/namespace-lab.ts's. Needs root,
 * heartbeat (its resource.d scripts; the daemon for the real-Heartbeat case),
 * resource-agents, corosync and pacemaker.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {haveCommand, isRoot, projectRoot} from '../helpers/cli.js'
import {giveToHacluster, makeDirs, NamespaceLab, PACEMAKER_NODE_DIRS, runOrThrow as run, sweepStaleLabs, type ExecResult, type LabNode} from '../helpers/namespace-lab.js'

export type {ExecResult, LabNode}

const here = dirname(fileURLToPath(import.meta.url))
const SUBNET = '10.204.0'
export const VIP = `${SUBNET}.100`
export const PORT = 8080
const NODE_PATH = '/run/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

/** One client probe: when it was sent and answered, and by which node (or why not). */
export interface Probe {
  start: number
  end: number
  ok: boolean
  detail: string
}

export function cutoverLabUnavailable(): string | undefined {
  if (!isRoot) return 'needs root (network, PID and mount namespaces)'
  for (const cmd of ['corosync', 'corosync-cmapctl', 'pacemakerd', 'cibadmin', 'crm_mon', 'crm_resource', 'crm_attribute', 'ip', 'unshare', 'nsenter', 'mount', 'ifconfig']) {
    if (!haveCommand(cmd)) return `${cmd} not installed`
  }
  if (spawnSync('id', ['hacluster']).status !== 0) return 'no hacluster user (pacemaker package not installed)'
  for (const path of ['/etc/ha.d/resource.d/IPaddr', '/usr/lib/ocf/resource.d/heartbeat/IPaddr2', '/etc/init.d', '/etc/corosync', '/var/lib/corosync', '/var/lib/pacemaker', '/var/log/pacemaker', '/var/lib/heartbeat']) {
    if (!existsSync(path)) return `${path} missing (heartbeat, resource-agents, corosync or pacemaker not installed)`
  }
  if (!existsSync(join(projectRoot, 'dist', 'bundle'))) return 'hakit is not built (npm run build)'
  return undefined
}

/** The LSB init script of the service: a web server on VIP:PORT answering with the node name. */
function webInitScript(): string {
  return `#!/bin/sh
### BEGIN INIT INFO
# Provides:          hakitweb
# Required-Start:
# Required-Stop:
# Default-Start:
# Default-Stop:
# Short-Description: cut-over lab web service on the virtual IP
### END INIT INFO
PIDFILE=/run/hakitweb.pid
alive() { [ -f $PIDFILE ] && kill -0 "$(cat $PIDFILE)" 2>/dev/null; }
case "$1" in
start)
	alive && exit 0
	setsid ${process.execPath} ${join(here, 'web.mjs')} ${VIP} ${PORT} "$(uname -n)" </dev/null >>/run/hakitweb.log 2>&1 &
	echo $! >$PIDFILE
	i=0
	while [ $i -lt 100 ]; do
		grep -qi ":$(printf '%04X' ${PORT}) .* 0A " /proc/net/tcp 2>/dev/null && exit 0
		sleep 0.05; i=$((i + 1))
	done
	exit 1 ;;
stop)
	alive && kill "$(cat $PIDFILE)"
	rm -f $PIDFILE
	exit 0 ;;
status)
	if alive; then echo "hakitweb is running"; exit 0; fi
	echo "hakitweb is stopped"; exit 3 ;;
*)
	echo "usage: $0 {start|stop|status}"; exit 2 ;;
esac
`
}

export class CutoverLab extends NamespaceLab {
  readonly client: string
  private prober?: ChildProcess

  constructor(dir: string, readonly haresources: string, names: string[] = ['n1', 'n2']) {
    const tag = `hkco${process.pid}`
    super(dir, names.map((name, i) => ({name, address: `${SUBNET}.${i + 1}`, netns: `${tag}-${name}`, dir: join(dir, name)})), {label: 'cutover lab', extraNetns: [`${tag}-c`], pollMs: 200})
    this.client = `${tag}-c`
  }

  node(name: string): LabNode {
    return this.nodes.find((n) => n.name === name)!
  }

  /** Runs a command inside a node (all its namespaces), as an admin logged in there would; `hakit` is on its PATH. */
  exec(node: LabNode, argv: string[], timeoutMs = 60_000): ExecResult {
    return this.nsenter(node, argv, {path: NODE_PATH, env: {NO_COLOR: '1'}, timeoutMs})
  }

  sh(node: LabNode, script: string, timeoutMs?: number): ExecResult {
    return this.exec(node, ['sh', '-c', script], timeoutMs)
  }

  /** Starts a long-running program in a node, detached, output appended to `log` (a path inside the node). */
  daemon(node: LabNode, command: string, log: string): void {
    const r = this.sh(node, `setsid sh -c '${command.replaceAll("'", "'\\''")}' </dev/null >>${log} 2>&1 &`)
    if (r.status !== 0) throw new Error(`cannot start ${command} on ${node.name}: ${r.stderr}`)
  }

  hasVip(node: LabNode, address = VIP): boolean {
    return spawnSync('ip', ['-n', node.netns, '-o', '-4', 'addr', 'show', 'dev', 'hb0'], {encoding: 'utf8'}).stdout.includes(` ${address}/`)
  }

  /** `hakit run --legacy` on the node's /etc/ha.d, as the hakit-legacy service runs it. */
  startLegacy(node: LabNode): void {
    this.daemon(node, `echo $$ >/run/hakit-legacy.pid; exec hakit run --legacy --config-dir /etc/ha.d --state-dir ${join(node.dir, 'state')}`, join(node.dir, 'legacy.out'))
  }

  /** The real Heartbeat 3.0.6 on the node's /etc/ha.d (it daemonizes), as its init script starts it. */
  startHeartbeat(node: LabNode): void {
    const r = this.sh(node, `/usr/libexec/heartbeat/heartbeat </dev/null >>${join(node.dir, 'heartbeat.out')} 2>&1`)
    if (r.status !== 0) throw new Error(`heartbeat on ${node.name}: ${r.stderr}${r.stdout}`)
  }

  /** The v1 daemon's log file (ha.cf's logfile). */
  haLog(node: LabNode): string {
    const path = join(node.dir, 'log', 'ha-log')
    return existsSync(path) ? readFileSync(path, 'utf8') : ''
  }

  /** What `systemctl stop hakit-legacy` does: SIGTERM, then wait until the daemon has exited. */
  async stopLegacy(node: LabNode): Promise<void> {
    const pid = readFileSync(join(node.dir, 'run', 'hakit-legacy.pid'), 'utf8').trim()
    this.sh(node, `kill -TERM ${pid}`)
    await this.waitFor(`hakit on ${node.name} to exit`, 60_000, () => this.sh(node, `kill -0 ${pid} 2>/dev/null`).status !== 0)
  }

  /** The shell command that starts `hakit run --crm` on the node, as the hakit-crm service runs it (for `hakit cutover --start`). */
  crmStartCommand(node: LabNode): string {
    return `setsid sh -c 'echo $$ >/run/hakit-crm.pid; exec hakit run --crm --config-dir /etc/ha.d --state-dir ${join(node.dir, 'state')}' </dev/null >>${join(node.dir, 'crm.out')} 2>&1 &`
  }

  /** The shell command that starts `hakit run --legacy` on the node (for `hakit cutover --to legacy --start-legacy`). */
  legacyStartCommand(node: LabNode): string {
    return `setsid sh -c 'echo $$ >/run/hakit-legacy.pid; exec hakit run --legacy --config-dir /etc/ha.d --state-dir ${join(node.dir, 'state')}' </dev/null >>${join(node.dir, 'legacy.out')} 2>&1 &`
  }

  crmLog(node: LabNode): string {
    const path = join(node.dir, 'crm.out')
    return existsSync(path) ? readFileSync(path, 'utf8') : ''
  }

  /** A power failure: every process of the node killed at once (SIGKILL to its PID 1), its link down (its addresses leave the network). */
  async powerOff(node: LabNode): Promise<void> {
    const pid = node.initPid!
    process.kill(pid, 'SIGKILL')
    await this.waitFor(`${node.name} to die`, 30_000, () => !existsSync(`/proc/${pid}`))
    node.initPid = undefined
    run('ip', ['-n', node.netns, 'link', 'set', 'hb0', 'down'])
  }

  legacyLog(node: LabNode): string {
    const path = join(node.dir, 'legacy.out')
    return existsSync(path) ? readFileSync(path, 'utf8') : ''
  }

  /** What `systemctl start corosync pacemaker` does on the node. */
  async startPacemaker(node: LabNode): Promise<void> {
    this.daemon(node, 'exec corosync -f', join(node.dir, 'corosync.out'))
    await this.waitFor(`corosync on ${node.name}`, 30_000, () => this.exec(node, ['corosync-cmapctl', '-g', 'totem.cluster_name']).status === 0)
    this.daemon(node, 'PCMK_logfile=/var/log/pacemaker/pacemaker.log PCMK_logfacility=none HA_LOGFACILITY=none HA_LOGFILE=/var/log/pacemaker/agents.log exec pacemakerd', join(node.dir, 'pacemakerd.out'))
  }

  /** Installs a corosync.conf and authkey on the node, as the admin does with install(1). */
  installCorosync(node: LabNode, conf: string, authkeyFile: string): void {
    writeFileSync(join(node.dir, 'corosync', 'corosync.conf'), conf, {mode: 0o644})
    cpSync(authkeyFile, join(node.dir, 'corosync', 'authkey'))
    chmodSync(join(node.dir, 'corosync', 'authkey'), 0o400)
  }

  /** What `systemctl stop pacemaker corosync` does: SIGTERM pacemakerd, wait for it, then corosync. */
  async stopPacemaker(node: LabNode): Promise<void> {
    for (const name of ['pacemakerd', 'corosync']) {
      const pids = this.exec(node, ['pidof', name]).stdout.trim()
      if (!pids) continue
      this.sh(node, `kill -TERM ${pids}`)
      await this.waitFor(`${name} on ${node.name} to exit`, 120_000, () => this.exec(node, ['pidof', name]).stdout.trim() === '')
    }
  }

  /** Starts probing http://VIP:PORT/ from the client namespace every `intervalMs`. */
  startProber(intervalMs: number, timeoutMs: number): void {
    const out = join(this.dir, 'probes.log')
    writeFileSync(out, '')
    this.prober = spawn('ip', ['netns', 'exec', this.client, process.execPath, join(here, 'prober.mjs'), `http://${VIP}:${PORT}/`, out, String(intervalMs), String(timeoutMs)], {stdio: 'ignore'})
  }

  probes(): Probe[] {
    const path = join(this.dir, 'probes.log')
    if (!existsSync(path)) return []
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => {
      const [start, end, status, ...detail] = line.split(' ')
      return {start: Number(start), end: Number(end), ok: status === 'ok', detail: detail.join(' ')}
    })
  }

  /** Stops the prober (it finishes the probes in flight) and returns every probe. */
  async stopProber(): Promise<Probe[]> {
    const prober = this.prober
    if (prober && prober.exitCode === null) {
      const exited = new Promise((r) => prober.once('exit', r))
      // `ip netns exec` execs the prober: this PID is the prober's own
      prober.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
    }
    this.prober = undefined
    return this.probes()
  }

  logTail(): string {
    return this.tails(['init.err', 'legacy.out', 'crm.out', 'heartbeat.out', 'log/ha-log', 'blocked.log', 'corosync.out', 'pacemakerd.out', 'log/corosync.log', 'log/pacemaker.log'], 10)
  }

  protected override beforeStop(): void {
    if (this.prober?.pid !== undefined && this.prober.exitCode === null) this.prober.kill('SIGKILL')
  }
}

function prepareNode(lab: CutoverLab, node: LabNode): void {
  const d = node.dir
  makeDirs(d, [...PACEMAKER_NODE_DIRS, 'run/bin', 'init.d', 'state', 'hblib'])
  // the node's /etc/ha.d: the installed scripts (resource.d, shellfuncs, harc, rc.d) and this site's configuration
  cpSync('/etc/ha.d', join(d, 'ha.d'), {recursive: true})
  const others = lab.nodes.map((n) => `ucast hb0 ${n.address}`)
  writeFileSync(join(d, 'ha.d', 'ha.cf'), ['logfile /var/log/pacemaker/ha-log', 'keepalive 500ms', 'deadtime 4', 'warntime 2', 'initdead 8', 'udpport 694', ...others, 'auto_failback on', ...lab.nodes.map((n) => `node ${n.name}`), ''].join('\n'))
  writeFileSync(join(d, 'ha.d', 'haresources'), `${lab.haresources}\n`)
  writeFileSync(join(d, 'ha.d', 'authkeys'), 'auth 1\n1 sha1 cut-over-lab-secret\n', {mode: 0o600})
  chmodSync(join(d, 'ha.d', 'authkeys'), 0o600)
  writeFileSync(join(d, 'init.d', 'hakitweb'), webInitScript(), {mode: 0o755})
  writeFileSync(join(d, 'run', 'bin', 'hakit'), `#!/bin/sh\nexec ${process.execPath} ${join(projectRoot, 'bin', 'run.js')} "$@"\n`, {mode: 0o755})
  writeFileSync(join(d, 'blocked.sh'), `#!/bin/sh\necho "blocked: $0 $*" >>${join(d, 'blocked.log')}\nexit 1\n`, {mode: 0o755})
  writeFileSync(join(d, 'hosts'), `127.0.0.1\tlocalhost\n${lab.nodes.map((n) => `${n.address}\t${n.name}`).join('\n')}\n`)
  giveToHacluster(d)
}

/** Builds the topology and boots the nodes (default n1 and n2; no daemon running yet). */
export async function startCutoverLab(haresources: string, names?: string[]): Promise<CutoverLab> {
  sweepStaleLabs(/^(hkco(\d+)-\w+)\b/gm, /^hakit-cutover-lab-(\d+)-/)
  const dir = mkdtempSync(join(tmpdir(), `hakit-cutover-lab-${process.pid}-`))
  chmodSync(dir, 0o711)
  const lab = new CutoverLab(dir, haresources, names)
  try {
    const c = lab.client
    run('ip', ['netns', 'add', c])
    run('ip', ['-n', c, 'link', 'set', 'lo', 'up'])
    run('ip', ['-n', c, 'link', 'add', 'br0', 'type', 'bridge'])
    run('ip', ['-n', c, 'link', 'set', 'br0', 'up'])
    run('ip', ['-n', c, 'addr', 'add', `${SUBNET}.50/24`, 'dev', 'br0'])
    for (const n of lab.nodes) {
      run('ip', ['netns', 'add', n.netns])
      run('ip', ['-n', n.netns, 'link', 'set', 'lo', 'up'])
      run('ip', ['-n', n.netns, 'link', 'add', 'hb0', 'type', 'veth', 'peer', 'name', `p-${n.name}`, 'netns', c])
      run('ip', ['-n', c, 'link', 'set', `p-${n.name}`, 'master', 'br0', 'up'])
      run('ip', ['-n', n.netns, 'addr', 'add', `${n.address}/24`, 'dev', 'hb0'])
      run('ip', ['-n', n.netns, 'link', 'set', 'hb0', 'up'])
    }
    for (const n of lab.nodes) prepareNode(lab, n)
    await lab.bootNodes('cutover')
    return lab
  } catch (error) {
    lab.stop()
    throw error
  }
}
