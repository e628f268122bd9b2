/**
 * Network-namespace lab for messaging tests (root only): namespaces joined by
 * a bridge, hakit probes (cli-probe) and REAL heartbeat nodes run through
 * hblab's nsinit.py in their own PID+mount+UTS namespaces (heartbeat may run
 * `pkill -9 heartbeat; reboot -nf`, which must never reach the host).
 */
import {ChildProcess, execFileSync, spawn} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {projectRoot, sharedDir} from '../../helpers/cli.js'
import type {MessagingConfig} from '../../../src/runtime/messaging/config.js'

const hblabLib = join(sharedDir, 'tools', 'hblab', 'lib')
export const haveHeartbeat = existsSync('/usr/libexec/heartbeat/heartbeat') && existsSync(join(hblabLib, 'nsinit.py'))

const ip = (...args: string[]): string => execFileSync('ip', args, {encoding: 'utf8'})

export class Lab {
  readonly dir = mkdtempSync(join(tmpdir(), 'hakit-lab-'))
  private readonly namespaces: string[] = []
  private readonly children: ChildProcess[] = []

  constructor(readonly prefix: string) {
    ip('netns', 'add', `${prefix}sw`)
    ip('-n', `${prefix}sw`, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0')
    ip('-n', `${prefix}sw`, 'link', 'set', 'br0', 'up')
    this.namespaces.push(`${prefix}sw`)
  }

  /**
   * Adds namespace PREFIX+name with interface hb0 = address/24 on bridge br0 and, when
   * `second` is given, hb1 = second/24 on bridge br1 (a second, independent cable).
   */
  addHost(name: string, address: string, second?: string): string {
    const ns = `${this.prefix}${name}`
    ip('netns', 'add', ns)
    this.namespaces.push(ns)
    ip('link', 'add', 'hb0', 'netns', ns, 'type', 'veth', 'peer', 'name', `p-${name}`, 'netns', `${this.prefix}sw`)
    ip('-n', `${this.prefix}sw`, 'link', 'set', `p-${name}`, 'master', 'br0', 'up')
    ip('-n', ns, 'addr', 'add', `${address}/24`, 'brd', '+', 'dev', 'hb0')
    ip('-n', ns, 'link', 'set', 'hb0', 'up')
    ip('-n', ns, 'link', 'set', 'lo', 'up')
    if (second) {
      const sw = `${this.prefix}sw`
      if (!ip('-n', sw, 'link', 'show').includes('br1:')) {
        ip('-n', sw, 'link', 'add', 'br1', 'type', 'bridge', 'mcast_snooping', '0')
        ip('-n', sw, 'link', 'set', 'br1', 'up')
      }
      ip('link', 'add', 'hb1', 'netns', ns, 'type', 'veth', 'peer', 'name', `q-${name}`, 'netns', sw)
      ip('-n', sw, 'link', 'set', `q-${name}`, 'master', 'br1', 'up')
      ip('-n', ns, 'addr', 'add', `${second}/24`, 'brd', '+', 'dev', 'hb1')
      ip('-n', ns, 'link', 'set', 'hb1', 'up')
    }
    return ns
  }

  addIpv6(name: string, address: string): void {
    ip('-n', `${this.prefix}${name}`, '-6', 'addr', 'add', `${address}/64`, 'dev', 'hb0', 'nodad')
  }

  /** Cuts (or restores) one of the host's cables: its bridge port goes down. */
  setCable(name: string, up: boolean, iface: 'hb0' | 'hb1' = 'hb0'): void {
    ip('-n', `${this.prefix}sw`, 'link', 'set', `${iface === 'hb0' ? 'p' : 'q'}-${name}`, up ? 'up' : 'down')
  }

  /** tc netem on the host's hb0; false when the kernel has no sch_netem. */
  netem(name: string, spec: string[]): boolean {
    try {
      execFileSync('ip', ['netns', 'exec', `${this.prefix}${name}`, 'tc', 'qdisc', 'replace', 'dev', 'hb0', 'root', 'netem', ...spec], {stdio: 'pipe'})
      return true
    } catch (error) {
      if (/qdisc kind is unknown/.test(String((error as {stderr?: Buffer}).stderr))) return false
      throw error
    }
  }

  /** Starts a hakit messaging probe in the namespace; returns the process (stdout collected in .output). */
  startProbe(name: string, config: MessagingConfig): ChildProcess & {output: string[]} {
    const file = join(this.dir, `${name}.json`)
    writeFileSync(file, JSON.stringify({...config, auth: {activeIndex: config.auth.activeIndex, keys: [...config.auth.keys]}}))
    const child = spawn('ip', ['netns', 'exec', `${this.prefix}${name}`, process.execPath, '--import', 'tsx', join(projectRoot, 'src/runtime/messaging/cli-probe.ts'), file], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    }) as ChildProcess & {output: string[]}
    child.output = []
    let partial = ''
    child.stdout!.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n')
      partial = lines.pop()!
      child.output.push(...lines)
    })
    child.stderr!.on('data', (d: Buffer) => child.output.push(`stderr: ${d.toString().trim()}`))
    this.children.push(child)
    return child
  }

  /**
   * Starts a REAL heartbeat node `name` (hostname = name) in its namespaces.
   * Returns the node dir; its log is nodeDir/ha-log, init pid in nodeDir/init.pid.
   */
  startHeartbeat(name: string, haCf: string[], authkeys: string): string {
    const nd = join(this.dir, name)
    for (const d of ['etc', 'run', 'lib']) mkdirSync(join(nd, d), {recursive: true})
    cpSync('/etc/ha.d', join(nd, 'etc'), {recursive: true})
    for (const f of ['ha.cf', 'authkeys', 'haresources']) rmSync(join(nd, 'etc', f), {force: true})
    writeFileSync(join(nd, 'etc', 'haresources'), '')
    writeFileSync(join(nd, 'etc', 'ha.cf'), [`logfile ${nd}/ha-log`, ...haCf, ''].join('\n'))
    writeFileSync(join(nd, 'etc', 'authkeys'), authkeys)
    chmodSync(join(nd, 'etc', 'authkeys'), 0o600)
    const child = spawn('ip', ['netns', 'exec', `${this.prefix}${name}`, 'unshare', '--mount', '--uts', '--pid', '--fork', '--propagation', 'private',
      'python3', join(hblabLib, 'nsinit.py'), '--node', name, '--nodedir', nd, '--blocker', join(hblabLib, 'blocked.sh'), '--',
      '/usr/libexec/heartbeat/heartbeat', '-f'], {stdio: 'ignore'})
    this.children.push(child)
    return nd
  }

  /** Power cut of a heartbeat node: one SIGKILL to its namespace init (kills the whole PID namespace). */
  killHeartbeat(nd: string): void {
    const pid = Number(readFileSync(join(nd, 'init.pid'), 'utf8').trim())
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }

  heartbeatLog(nd: string): string {
    try {
      return readFileSync(join(nd, 'ha-log'), 'utf8')
    } catch {
      return ''
    }
  }

  close(): void {
    for (const f of this.initPidFiles()) {
      try {
        process.kill(Number(readFileSync(f, 'utf8').trim()), 'SIGKILL')
      } catch {
        // gone
      }
    }
    for (const c of this.children) if (c.exitCode === null && c.pid) {
      try {
        c.kill('SIGKILL')
      } catch {
        // gone
      }
    }
    for (const ns of this.namespaces.reverse()) {
      try {
        ip('netns', 'del', ns)
      } catch {
        // gone
      }
    }
    rmSync(this.dir, {recursive: true, force: true})
  }

  private initPidFiles(): string[] {
    const out: string[] = []
    for (const name of ['n1', 'n2', 'n3']) {
      const f = join(this.dir, name, 'init.pid')
      if (existsSync(f)) out.push(f)
    }
    return out
  }
}

export async function until(pred: () => boolean, ms: number, step = 50): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (pred()) return true
    await new Promise((r) => setTimeout(r, step))
  }
  return pred()
}
