/**
 * A loopback lab for `hakit run --crm` (no root): one ha.d and state dir per
 * node under a temp dir, ucast on `lo` with each node bound to its own
 * 127.0.x.y, a random UDP port, and the real ocf:pacemaker:Dummy agent with
 * a per-node HA_VARRUN (Dummy keeps its state file there), so "where does
 * Dummy run" is "which node's run dir has its state file", and a per-node
 * HA_RSCTMP (heartbeat agents' pseudo-resource files: Delay, ...; shared, they
 * would make one node's resource look active on all). Daemons are real
 * processes (bin/run.js over dist/); everything started is killed by PID.
 */
import type {ChildProcess} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Cib} from '../../../src/formats/cib/model.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {crmStatus, queryLiveCibXml, submitCibChange, type CrmStatus} from '../../../src/runtime/crm/socket.js'
import type {CibOp} from '../../../src/runtime/crm/cib-ops.js'
import {projectRoot} from '../../helpers/cli.js'
import {isRunning, killTree, startDaemon, stopDaemon, waitUntil} from '../../helpers/daemon.js'

/** Why the loopback lab cannot run here, or false: it needs the real Dummy agent and the built CLI. */
export function crmLabUnavailable(): string | false {
  if (!existsSync('/usr/lib/ocf/resource.d/pacemaker/Dummy')) return 'ocf:pacemaker:Dummy is not installed (pacemaker-resource-agents)'
  if (!existsSync(join(projectRoot, 'dist', 'bundle'))) return 'dist/ is not built (npm run build)'
  return false
}

/** A two-node CIB in crm syntax with one Dummy d1 (monitor every 10 s), no fencing, dc-deadtime 5 s. */
export const ONE_DUMMY_CIB = ['node n1', 'node n2', 'primitive d1 ocf:pacemaker:Dummy op monitor interval=10s timeout=20s', 'property stonith-enabled=false', 'property dc-deadtime=5s'].join('\n') + '\n'

export interface CrmLabOptions {
  nodes?: string[]
  /** The CIB every node starts from (crm syntax or XML); without it no --cib is given. */
  cib?: string
  /** haresources lines written to every node's ha.d (converted at the first start when no --cib). */
  haresources?: string[]
  keepalive?: string
  deadtime?: string
  net?: number
  /** Node addresses (default 127.0.NET.2, .3, … on lo). */
  addresses?: string[]
  /** The interface ha.cf's ucast lines use (default lo). */
  iface?: string
  /** Wraps a node's daemon command, e.g. to run it inside the node's network namespace. */
  launch?: (node: string, command: string[]) => string[]
  /** Extra environment of every daemon (e.g. HAKIT_FENCE_AGENT_DIR). */
  env?: Record<string, string>
}

export interface CrmLabNode {
  name: string
  address: string
  root: string
  configDir: string
  stateDir: string
  runDir: string
  socket: string
  proc?: ChildProcess
  output: string
}

export class CrmLab {
  readonly root: string
  readonly nodes = new Map<string, CrmLabNode>()
  readonly port: number
  readonly cibFile: string

  constructor(readonly options: CrmLabOptions) {
    this.root = mkdtempSync(join(tmpdir(), 'hakit-crmlab-'))
    this.port = 20_000 + Math.floor(Math.random() * 20_000)
    const names = options.nodes ?? ['n1', 'n2']
    const net = options.net ?? 1 + Math.floor(Math.random() * 200)
    this.cibFile = join(this.root, 'cluster.cib')
    if (options.cib !== undefined) writeFileSync(this.cibFile, options.cib)
    names.forEach((name, i) => {
      const root = join(this.root, name)
      this.nodes.set(name, {
        name, address: options.addresses?.[i] ?? `127.0.${net}.${i + 2}`, root, configDir: join(root, 'ha.d'), stateDir: join(root, 'state'), runDir: join(root, 'run'),
        socket: join(root, 'state', 'hakit-crm.sock'), output: '',
      })
    })
    for (const node of this.nodes.values()) this.writeConfig(node)
  }

  private writeConfig(node: CrmLabNode): void {
    const o = this.options
    mkdirSync(node.configDir, {recursive: true})
    mkdirSync(node.stateDir, {recursive: true})
    mkdirSync(node.runDir, {recursive: true})
    mkdirSync(join(node.root, 'rsctmp'), {recursive: true})
    const lines = [
      `logfile ${join(node.root, 'ha-log')}`,
      `keepalive ${o.keepalive ?? '100ms'}`,
      `deadtime ${o.deadtime ?? '1'}`,
      `warntime ${'500ms'}`,
      `initdead 10`,
      `udpport ${this.port}`,
      ...[...this.nodes.values()].map((n) => `ucast ${o.iface ?? 'lo'} ${n.address}`),
      'crm respawn',
      ...[...this.nodes.keys()].map((n) => `node ${n}`),
    ]
    writeFileSync(join(node.configDir, 'ha.cf'), `${lines.join('\n')}\n`)
    writeFileSync(join(node.configDir, 'authkeys'), 'auth 1\n1 sha1 hakit-crm-lab-secret\n')
    if (o.haresources) writeFileSync(join(node.configDir, 'haresources'), `${o.haresources.join('\n')}\n`)
    chmodSync(join(node.configDir, 'authkeys'), 0o600)
  }

  node(name: string): CrmLabNode {
    return this.nodes.get(name)!
  }

  /** Starts a node's daemon; `crmFlag: false` leaves the runtime to ha.cf's `crm respawn`. */
  start(name: string, options: {crmFlag?: boolean} = {}): void {
    const node = this.node(name)
    const args = ['run', ...(options.crmFlag === false ? [] : ['--crm']), '--config-dir', node.configDir, '--node', name, '--state-dir', node.stateDir, '--bind', node.address, '--socket', node.socket, ...(this.options.cib !== undefined ? ['--cib', this.cibFile] : [])]
    const command = [process.execPath, join(projectRoot, 'bin', 'run.js'), ...args]
    startDaemon(node, this.options.launch ? this.options.launch(name, command) : command, {...this.options.env, HA_VARRUN: node.runDir, HA_RSCTMP: this.rscTmpDir(name), HAKIT_PE_INPUTS: join(node.root, 'pe')})
  }

  kill9(name: string): void {
    this.node(name).proc?.kill('SIGKILL')
  }

  /**
   * A power cut: the daemon and every agent it started (a start, a stop, a fence agent: its whole
   * process tree) die at once, and the node's resources vanish with them. Killing the daemon alone
   * left an agent running that could still create a state file or complete a fencing afterwards.
   */
  powerOff(name: string): void {
    killTree(this.node(name).proc)
    for (const dir of [this.node(name).runDir, this.rscTmpDir(name)]) for (const f of readdirSync(dir)) rmSync(join(dir, f), {force: true})
  }

  /** The node's HA_RSCTMP (emptied by a power cut, as a reboot empties /run). */
  rscTmpDir(name: string): string {
    return join(this.node(name).root, 'rsctmp')
  }

  async stop(name: string, timeoutMs = 90_000): Promise<number | null> {
    return stopDaemon(this.node(name).proc, timeoutMs)
  }

  running(name: string): boolean {
    return isRunning(this.node(name).proc)
  }

  /** Dummy resources active on a node (their state files in its HA_VARRUN). */
  active(name: string): string[] {
    const dir = this.node(name).runDir
    if (!existsSync(dir)) return []
    return readdirSync(dir).map((f) => /^Dummy-(.+)\.state$/.exec(f)?.[1]).filter((r): r is string => r !== undefined).sort()
  }

  /** Polls until `rsc` is active on exactly one node; returns that node. */
  async activeOnce(rsc: string): Promise<string> {
    await this.waitFor(`${rsc} active once`, () => (this.placement().get(rsc) ?? []).length === 1)
    return this.placement().get(rsc)![0]!
  }

  /** resource → nodes it is active on. */
  placement(): Map<string, string[]> {
    const map = new Map<string, string[]>()
    for (const n of this.nodes.keys()) for (const r of this.active(n)) map.set(r, [...(map.get(r) ?? []), n])
    return map
  }

  async status(name: string): Promise<CrmStatus | undefined> {
    try {
      return await crmStatus(this.node(name).socket)
    } catch {
      return undefined
    }
  }

  async cib(name: string): Promise<Cib> {
    return parseCibXml(await queryLiveCibXml(this.node(name).socket), `live CIB of ${name}`)
  }

  async cibXml(name: string): Promise<string> {
    return queryLiveCibXml(this.node(name).socket)
  }

  async submit(name: string, change: CibOp): Promise<string | undefined> {
    return submitCibChange(this.node(name).socket, change)
  }

  log(name: string): string {
    const file = join(this.node(name).root, 'ha-log')
    return existsSync(file) ? readFileSync(file, 'utf8') : ''
  }

  /** Polls until `check` holds or the timeout passes. */
  async waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 90_000): Promise<void> {
    await waitUntil(what, check, {timeoutMs, intervalMs: 100, describe: () => this.describe()})
  }

  describe(): string {
    return [...this.nodes.values()].map((n) => `--- ${n.name} active [${this.active(n.name).join(' ')}] running=${this.running(n.name)}\n${n.output.split('\n').slice(-50).join('\n')}`).join('\n')
  }

  /** Resolves with the exit code when the node's daemon exits. */
  exited(name: string): Promise<number | null> {
    const proc = this.node(name).proc
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc?.exitCode ?? null)
    return new Promise((resolve) => proc.once('exit', (code) => resolve(code)))
  }

  async cleanup(): Promise<void> {
    for (const node of this.nodes.values()) killTree(node.proc)
    await new Promise((r) => setTimeout(r, 50))
    if (!process.env.HAKIT_KEEP_LAB) rmSync(this.root, {recursive: true, force: true})
  }
}
