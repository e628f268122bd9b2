/**
 * The cut-over lab: two nodes that run `hakit run --legacy` first and Corosync
 * + Pacemaker later, on the same "machines", and a client probing the service
 * on the virtual IP. Each node is its own network, PID, mount and UTS
 * namespaces (node-init.sh is its PID 1 and gives it private /etc/ha.d,
 * /etc/init.d, /etc/corosync, /var/lib/pacemaker, /run, ...); the nodes and
 * the client hang on a bridge in the client's namespace. Nothing on the host
 * is touched; stop() SIGKILLs each node's init by PID (ending every process
 * of the node), deletes the namespaces and the scratch directory; a run that
 * was SIGKILLed is cleaned up by the next one. Needs root,
 * heartbeat (its resource.d scripts; the daemon for the real-Heartbeat case),
 * resource-agents, corosync and pacemaker.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {haveCommand, isRoot, projectRoot} from '../helpers/cli.js'

const here = dirname(fileURLToPath(import.meta.url))
const SUBNET = '10.204.0'
export const VIP = `${SUBNET}.100`
export const PORT = 8080
const NODE_PATH = '/run/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

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

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.status}`}`)
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

export class CutoverLab {
  readonly nodes: LabNode[]
  readonly client: string
  private prober?: ChildProcess
  private stopped = false
  private readonly onExit = (): void => this.stop()
  private readonly onSignal = (): void => {
    this.stop()
    process.exit(130)
  }

  constructor(readonly dir: string, readonly haresources: string, names: string[] = ['n1', 'n2']) {
    const tag = `hkco${process.pid}`
    this.client = `${tag}-c`
    this.nodes = names.map((name, i) => ({name, address: `${SUBNET}.${i + 1}`, netns: `${tag}-${name}`, dir: join(dir, name)}))
    process.on('exit', this.onExit)
    process.on('SIGINT', this.onSignal)
    process.on('SIGTERM', this.onSignal)
  }

  node(name: string): LabNode {
    return this.nodes.find((n) => n.name === name)!
  }

  /** Runs a command inside a node (all its namespaces), as an admin logged in there would; `hakit` is on its PATH. */
  exec(node: LabNode, argv: string[], timeoutMs = 60_000): ExecResult {
    if (node.initPid === undefined) throw new Error(`${node.name} is not running`)
    const r = spawnSync('nsenter', ['-t', String(node.initPid), '-m', '-u', '-n', '-p', '--', ...argv], {
      encoding: 'utf8',
      env: {...process.env, PATH: NODE_PATH, NO_COLOR: '1'},
      timeout: timeoutMs,
    })
    return {status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? ''}
  }

  sh(node: LabNode, script: string, timeoutMs?: number): ExecResult {
    return this.exec(node, ['sh', '-c', script], timeoutMs)
  }

  /** Starts a long-running program in a node, detached, output appended to `log` (a path inside the node). */
  daemon(node: LabNode, command: string, log: string): void {
    const r = this.sh(node, `setsid sh -c '${command.replaceAll("'", "'\\''")}' </dev/null >>${log} 2>&1 &`)
    if (r.status !== 0) throw new Error(`cannot start ${command} on ${node.name}: ${r.stderr}`)
  }

  async waitFor(what: string, timeoutMs: number, check: () => boolean): Promise<number> {
    const start = Date.now()
    while (!check()) {
      if (Date.now() - start > timeoutMs) throw new Error(`cutover lab: timed out after ${timeoutMs} ms waiting for ${what}\n${this.logTail()}`)
      await new Promise((r) => setTimeout(r, 200))
    }
    return Date.now() - start
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
    const out: string[] = []
    for (const n of this.nodes) {
      for (const f of ['init.err', 'legacy.out', 'crm.out', 'heartbeat.out', 'log/ha-log', 'blocked.log', 'corosync.out', 'pacemakerd.out', 'log/corosync.log', 'log/pacemaker.log']) {
        const p = join(n.dir, f)
        if (!existsSync(p)) continue
        const lines = readFileSync(p, 'utf8').trim().split('\n').slice(-10)
        if (lines.join('').trim()) out.push(`--- ${n.name} ${f}`, ...lines)
      }
    }
    return out.join('\n')
  }

  stop(): void {
    if (this.stopped) return
    this.stopped = true
    process.off('exit', this.onExit)
    process.off('SIGINT', this.onSignal)
    process.off('SIGTERM', this.onSignal)
    if (this.prober?.pid !== undefined && this.prober.exitCode === null) this.prober.kill('SIGKILL')
    for (const n of this.nodes) {
      if (n.initPid === undefined) continue
      try {
        process.kill(n.initPid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    for (const n of this.nodes) {
      for (let i = 0; i < 40 && n.initPid !== undefined && existsSync(`/proc/${n.initPid}`); i++) spawnSync('sleep', ['0.05'])
      spawnSync('ip', ['netns', 'del', n.netns])
    }
    spawnSync('ip', ['netns', 'del', this.client])
    if (process.env.HAKIT_LAB_KEEP) process.stderr.write(`cutover lab: kept ${this.dir}\n`)
    else rmSync(this.dir, {recursive: true, force: true})
  }
}

function prepareNode(lab: CutoverLab, node: LabNode): void {
  const d = node.dir
  for (const sub of ['corosync', 'corosync-lib', 'pacemaker/cib', 'pacemaker/pengine', 'pacemaker/blackbox', 'pacemaker/cores', 'log', 'run/bin', 'init.d', 'state', 'hblib']) {
    mkdirSync(join(d, sub), {recursive: true})
  }
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
  const uid = Number(spawnSync('id', ['-u', 'hacluster'], {encoding: 'utf8'}).stdout.trim())
  const gid = Number(spawnSync('getent', ['group', 'haclient'], {encoding: 'utf8'}).stdout.split(':')[2])
  for (const sub of ['pacemaker', 'pacemaker/cib', 'pacemaker/pengine', 'pacemaker/blackbox', 'pacemaker/cores', 'log']) chownSync(join(d, sub), uid, gid)
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
 * Removes what a SIGKILLed earlier run left behind: namespaces and scratch directories named after
 * a test process that no longer exists (their processes are killed by PID, from `ip netns pids`).
 */
function sweepStaleLabs(): void {
  const list = spawnSync('ip', ['netns', 'list'], {encoding: 'utf8'}).stdout
  for (const m of list.matchAll(/^(hkco(\d+)-\w+)\b/gm)) {
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
    const m = /^hakit-cutover-lab-(\d+)-/.exec(name)
    if (m && !pidAlive(Number(m[1]))) rmSync(join(tmpdir(), name), {recursive: true, force: true})
  }
}

/** Builds the topology and boots the nodes (default n1 and n2; no daemon running yet). */
export async function startCutoverLab(haresources: string, names?: string[]): Promise<CutoverLab> {
  sweepStaleLabs()
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
    for (const n of lab.nodes) {
      prepareNode(lab, n)
      const err = openSync(join(n.dir, 'init.err'), 'a')
      spawn('ip', ['netns', 'exec', n.netns, 'unshare', '--mount', '--uts', '--pid', '--fork', '--propagation', 'private', '--', 'bash', join(here, 'node-init.sh'), n.dir, n.name], {stdio: ['ignore', err, err]}).unref()
    }
    for (const n of lab.nodes) {
      const pidFile = join(n.dir, 'init.pid')
      await lab.waitFor(`${n.name} to boot`, 15_000, () => existsSync(pidFile))
      n.initPid = Number(readFileSync(pidFile, 'utf8').trim())
    }
    return lab
  } catch (error) {
    lab.stop()
    throw error
  }
}
