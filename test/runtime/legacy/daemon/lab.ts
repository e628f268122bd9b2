/**
 * A loopback lab for hakit daemons (no root): one config dir per node under a
 * temp dir, ucast on `lo` with each node bound to its own 127.0.0.x, a random
 * UDP port, and the harmless `Marker` resource script. Daemons run as real
 * processes (bin/run.js over dist/); everything started is killed by PID.
 */
import type {ChildProcess} from 'node:child_process'
import {chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fixturesDir, projectRoot, runCli, type CliResult} from '../../../helpers/cli.js'
import {isRunning, startDaemon, stopDaemon, waitUntil} from '../../../helpers/daemon.js'

export interface LabOptions {
  nodes?: string[]
  /** haresources lines, e.g. ['n1 Marker::alpha Marker::beta']. */
  haresources?: string[]
  autoFailback?: 'on' | 'off' | 'legacy'
  keepalive?: string
  deadtime?: string
  warntime?: string
  initdead?: string
  /** Address base: node i binds 127.0.<net>.(i+2). */
  net?: number
  extraHaCf?: string[]
}

export interface LabNode {
  name: string
  address: string
  root: string
  configDir: string
  stateDir: string
  proc?: ChildProcess
  output: string
}

export class Lab {
  readonly root: string
  readonly nodes = new Map<string, LabNode>()
  readonly port: number

  constructor(readonly options: LabOptions = {}) {
    this.root = mkdtempSync(join(tmpdir(), 'hakit-lab-'))
    this.port = 20_000 + Math.floor(Math.random() * 20_000)
    const names = options.nodes ?? ['n1', 'n2']
    const net = options.net ?? 1 + Math.floor(Math.random() * 200)
    names.forEach((name, i) => {
      const root = join(this.root, name)
      const node: LabNode = {name, address: `127.0.${net}.${i + 2}`, root, configDir: join(root, 'ha.d'), stateDir: join(root, 'state'), output: ''}
      this.nodes.set(name, node)
    })
    for (const node of this.nodes.values()) this.writeConfig(node)
  }

  private writeConfig(node: LabNode): void {
    const o = this.options
    mkdirSync(join(node.configDir, 'resource.d'), {recursive: true})
    // the state dir is left to the daemon, which creates it 0700
    const lines = [
      `logfile ${join(node.root, 'ha-log')}`,
      `debugfile ${join(node.root, 'ha-debug')}`,
      `keepalive ${o.keepalive ?? '100ms'}`,
      `deadtime ${o.deadtime ?? '600ms'}`,
      `warntime ${o.warntime ?? '400ms'}`,
      `initdead ${o.initdead ?? '2'}`,
      `udpport ${this.port}`,
      ...[...this.nodes.values()].map((n) => `ucast lo ${n.address}`),
      `auto_failback ${o.autoFailback ?? 'on'}`,
      ...(o.extraHaCf ?? []),
      ...[...this.nodes.keys()].map((n) => `node ${n}`),
    ]
    writeFileSync(join(node.configDir, 'ha.cf'), `${lines.join('\n')}\n`)
    writeFileSync(join(node.configDir, 'authkeys'), 'auth 1\n1 sha1 hakit-lab-secret-key\n')
    chmodSync(join(node.configDir, 'authkeys'), 0o600)
    writeFileSync(join(node.configDir, 'haresources'), `${(o.haresources ?? ['n1 Marker::alpha Marker::beta']).join('\n')}\n`)
    copyFileSync(join(fixturesDir, 'daemon', 'Marker'), join(node.configDir, 'resource.d', 'Marker'))
    chmodSync(join(node.configDir, 'resource.d', 'Marker'), 0o755)
  }

  node(name: string): LabNode {
    return this.nodes.get(name)!
  }

  start(name: string, extraArgs: string[] = []): void {
    const node = this.node(name)
    startDaemon(node, [process.execPath, join(projectRoot, 'bin', 'run.js'), 'run', '--legacy', '--config-dir', node.configDir, '--node', name, '--state-dir', node.stateDir, '--bind', node.address, '--socket', join(node.stateDir, 'hakit-legacy.sock'), ...extraArgs])
  }

  /** SIGKILL (a crash/power cut of the daemon: its resources keep running, as after a real crash they would be gone with the machine). */
  kill9(name: string): void {
    this.node(name).proc?.kill('SIGKILL')
  }

  /** A power cut: the daemon dies and the node's resources vanish with it. */
  powerOff(name: string): void {
    this.kill9(name)
    rmSync(join(this.node(name).root, 'marker'), {recursive: true, force: true})
  }

  /** SIGTERM and wait for the exit; returns the exit code. */
  async stop(name: string, timeoutMs = 60_000): Promise<number | null> {
    return stopDaemon(this.node(name).proc, timeoutMs)
  }

  running(name: string): boolean {
    return isRunning(this.node(name).proc)
  }

  /** Resources (Marker names) running on a node right now. */
  holding(name: string): string[] {
    const dir = join(this.node(name).root, 'marker')
    if (!existsSync(dir)) return []
    return ['alpha', 'beta', 'gamma', 'delta'].filter((r) => existsSync(join(dir, r)))
  }

  /** Which nodes hold resource `r`. */
  holders(r: string): string[] {
    return [...this.nodes.keys()].filter((n) => this.holding(n).includes(r))
  }

  /** events.log lines of a node: [ms, node, action, name]. */
  events(name: string): Array<{ms: number; action: string; name: string}> {
    const file = join(this.node(name).root, 'events.log')
    if (!existsSync(file)) return []
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
      const [ms, , action, r] = l.split(' ')
      return {ms: Number(ms), action: action!, name: r!}
    })
  }

  log(name: string): string {
    const file = join(this.node(name).root, 'ha-log')
    return existsSync(file) ? readFileSync(file, 'utf8') : ''
  }

  failStart(name: string, r: string): void {
    const dir = join(this.node(name).root, 'marker')
    mkdirSync(dir, {recursive: true})
    writeFileSync(join(dir, `fail-start-${r}`), '')
  }

  cli(name: string, args: string[]): CliResult {
    return runCli([...args, '--state-dir', this.node(name).stateDir])
  }

  /** Polls until `check` holds or the timeout passes. */
  async waitFor(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
    await waitUntil(what, check, {timeoutMs, intervalMs: 50, describe: () => this.describe()})
  }

  describe(): string {
    return [...this.nodes.values()].map((n) => `--- ${n.name} holds [${this.holding(n.name).join(' ')}] running=${this.running(n.name)}\n${n.output.split('\n').slice(-40).join('\n')}`).join('\n')
  }

  /** No node ever started a resource while it ran there (the script logs start-while-running). */
  doubleStarts(): string[] {
    return [...this.nodes.keys()].flatMap((n) => this.events(n).filter((e) => e.action === 'start-while-running').map((e) => `${n}:${e.name}`))
  }

  async cleanup(): Promise<void> {
    for (const node of this.nodes.values()) {
      if (this.running(node.name)) node.proc!.kill('SIGKILL')
    }
    await new Promise((r) => setTimeout(r, 50))
    if (!process.env.HAKIT_KEEP_LAB) rmSync(this.root, {recursive: true, force: true})
  }
}
