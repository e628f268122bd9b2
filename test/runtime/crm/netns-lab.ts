/**
 * A namespace lab for `hakit run --crm` (root): every node its own network
 * namespace with interface hb0 on a bridge that lives in a client namespace
 * (which probes services like a client on the LAN), the real daemons over
 * dist/ started with `ip netns exec`, each with its own ha.d, state dir and
 * HA_VARRUN/HA_RSCTMP (so "which node runs a Dummy" is "whose run dir has its
 * state file", and anything's pid files stay apart). Cables are veth ends in
 * the client namespace: cut() and heal() set them down and up. Everything the
 * lab starts is killed by PID (the processes of its namespaces), the
 * namespaces carry the test's pid and a counter, and teardown() removes them.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {crmStatus, queryLiveCibXml, submitCibChange, type CrmStatus} from '../../../src/runtime/crm/socket.js'
import type {CibOp} from '../../../src/runtime/crm/cib-ops.js'
import {haveCommand, isRoot, projectRoot} from '../../helpers/cli.js'
import {crmSimulatePlacements} from './settled.js'

export const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], {encoding: 'utf8'})

/** Why the lab cannot run here, or false. */
export function netnsLabUnavailable(): string | false {
  if (!isRoot) return 'needs root (network namespaces)'
  if (!haveCommand('ip') || !haveCommand('python3')) return 'needs ip and python3'
  if (!existsSync('/usr/lib/ocf/resource.d/heartbeat/IPaddr2')) return 'resource-agents not installed'
  if (!existsSync(join(projectRoot, 'dist', 'bundle'))) return 'dist/ is not built (npm run build)'
  return false
}

let labs = 0

export interface NetnsLabOptions {
  nodes: string[]
  /** The CIB (crm syntax or XML) every node starts from. */
  cib: string
  /** Extra environment of every daemon (e.g. HAKIT_FENCE_AGENT_DIR). */
  env?: Record<string, string>
  deadtime?: string
}

export class NetnsCrmLab {
  readonly id: string
  readonly work: string
  readonly net: string
  readonly client: string
  readonly ns = new Map<string, string>()
  readonly address = new Map<string, string>()
  readonly procs = new Map<string, ChildProcess & {output: string}>()

  constructor(readonly options: NetnsLabOptions) {
    this.id = `hk${process.pid % 100000}x${++labs}`
    this.work = mkdtempSync(join(tmpdir(), 'hakit-crm-nslab-'))
    this.net = `10.${150 + (process.pid % 50)}.${(process.pid + labs) % 250}`
    this.client = `${this.id}-c`
    options.nodes.forEach((n, i) => {
      this.ns.set(n, `${this.id}-${n}`)
      this.address.set(n, `${this.net}.${i + 1}`)
    })
    writeFileSync(join(this.work, 'cluster.cib'), options.cib)
    this.topology()
  }

  /** An address on the lab's LAN (for VIPs): `${net}.${host}`. */
  ip(host: number): string {
    return `${this.net}.${host}`
  }

  private topology(): void {
    const c = this.client
    const cmds = [`ip netns add ${c}`, `ip -n ${c} link add br0 type bridge`, `ip -n ${c} link set br0 up`, `ip -n ${c} link set lo up`, `ip -n ${c} addr add ${this.net}.50/24 dev br0`]
    for (const name of this.options.nodes) {
      const ns = this.ns.get(name)!
      cmds.push(
        `ip netns add ${ns}`,
        `ip -n ${ns} link add hb0 type veth peer name p-${name} netns ${c}`,
        `ip -n ${c} link set p-${name} master br0 up`,
        `ip -n ${ns} link set hb0 up`, `ip -n ${ns} link set lo up`,
        `ip -n ${ns} addr add ${this.address.get(name)}/24 dev hb0`,
      )
    }
    for (const cmd of cmds) {
      const r = sh(cmd)
      if (r.status !== 0) {
        this.teardown()
        throw new Error(`${cmd}: ${r.stderr}`)
      }
    }
  }

  root(name: string): string {
    return join(this.work, name)
  }

  runDir(name: string): string {
    return join(this.root(name), 'run')
  }

  socket(name: string): string {
    return join(this.root(name), 'state', 'hakit-crm.sock')
  }

  start(name: string): void {
    const root = this.root(name)
    for (const d of ['ha.d', 'state', 'run/www', 'rsctmp']) mkdirSync(join(root, d), {recursive: true})
    const others = this.options.nodes.filter((n) => n !== name)
    writeFileSync(join(root, 'ha.d', 'ha.cf'), ['keepalive 200ms', `deadtime ${this.options.deadtime ?? '2'}`, 'warntime 1', 'initdead 10', 'udpport 694',
      ...others.map((n) => `ucast hb0 ${this.address.get(n)}`), 'crm respawn', ...this.options.nodes.map((n) => `node ${n}`), `logfile ${join(root, 'ha-log')}`].join('\n') + '\n')
    writeFileSync(join(root, 'ha.d', 'authkeys'), 'auth 1\n1 sha1 hakit-crm-nslab\n')
    chmodSync(join(root, 'ha.d', 'authkeys'), 0o600)
    writeFileSync(join(root, 'run', 'www', 'whoami.txt'), `${name}\n`)
    const proc = spawn('ip', ['netns', 'exec', this.ns.get(name)!, process.execPath, join(projectRoot, 'bin', 'run.js'), 'run', '--crm', '--config-dir', join(root, 'ha.d'),
      '--node', name, '--state-dir', join(root, 'state'), '--socket', this.socket(name), '--cib', join(this.work, 'cluster.cib')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {...process.env, HA_VARRUN: this.runDir(name), HA_RSCTMP: join(root, 'rsctmp'), NO_COLOR: '1', HAKIT_PE_INPUTS: join(root, 'pe'), ...this.options.env},
    }) as ChildProcess & {output: string}
    proc.output = ''
    proc.stdout!.on('data', (d: Buffer) => (proc.output += d.toString()))
    proc.stderr!.on('data', (d: Buffer) => (proc.output += d.toString()))
    this.procs.set(name, proc)
  }

  /** Kills every process of a node's namespace (the daemon, the agents' services), by PID. */
  killAll(name: string): void {
    const ns = this.ns.get(name)
    if (!ns) return
    killNamespace(ns)
  }

  /** A power cut: every process of the node dies and its addresses other than its own vanish. */
  powerOff(name: string): void {
    this.killAll(name)
    const ns = this.ns.get(name)!
    const own = this.address.get(name)
    for (const line of sh(`ip -n ${ns} -4 -o addr show dev hb0`).stdout.split('\n')) {
      const addr = / inet (\S+)/.exec(line)?.[1]
      if (addr && !addr.startsWith(`${own}/`)) sh(`ip -n ${ns} addr del ${addr} dev hb0`)
    }
    for (const f of readdirSync(this.runDir(name))) if (f !== 'www') rmSync(join(this.runDir(name), f), {recursive: true, force: true})
  }

  /** Cuts (down) or mends (up) a node's cable. */
  cut(name: string): void {
    sh(`ip -n ${this.client} link set p-${name} down`)
  }

  heal(name: string): void {
    sh(`ip -n ${this.client} link set p-${name} up`)
  }

  running(name: string): boolean {
    const p = this.procs.get(name)
    return p !== undefined && p.exitCode === null && p.signalCode === null
  }

  /** Nodes whose hb0 holds the address. */
  holders(address: string): string[] {
    return this.options.nodes.filter((n) => sh(`ip -n ${this.ns.get(n)} -4 -o addr show dev hb0`).stdout.includes(` ${address}/`))
  }

  /** GET http://ADDRESS:8080/whoami.txt from the client namespace: the serving node's name, or 'down'. */
  http(address: string): string {
    const r = sh(`ip netns exec ${this.client} python3 -c "import urllib.request as u;print(u.urlopen('http://${address}:8080/whoami.txt', timeout=2).read().decode().strip())"`)
    return r.status === 0 ? r.stdout.trim() : 'down'
  }

  /** Dummy resources active on a node (their state files in its HA_VARRUN). */
  dummies(name: string): string[] {
    const dir = this.runDir(name)
    if (!existsSync(dir)) return []
    return readdirSync(dir).map((f) => /^Dummy-(.+)\.state$/.exec(f)?.[1]).filter((r): r is string => r !== undefined).sort()
  }

  /** PIDs in a node's namespace whose command line contains `needle`. */
  pids(name: string, needle: string): number[] {
    return sh(`ip netns pids ${this.ns.get(name)}`).stdout.split(/\s+/).filter(Boolean).map(Number).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(needle)
      } catch {
        return false
      }
    })
  }

  async status(name: string): Promise<CrmStatus | undefined> {
    return crmStatus(this.socket(name)).catch(() => undefined)
  }

  async cibXml(name: string): Promise<string> {
    return queryLiveCibXml(this.socket(name))
  }

  async submit(name: string, change: CibOp): Promise<string | undefined> {
    return submitCibChange(this.socket(name), change)
  }

  log(name: string): string {
    const file = join(this.root(name), 'ha-log')
    return existsSync(file) ? readFileSync(file, 'utf8') : ''
  }

  describe(extra = ''): string {
    return `${extra}\n` + this.options.nodes.map((n) => `--- ${n} running=${this.running(n)}\n${(this.procs.get(n)?.output ?? '').split('\n').slice(-40).join('\n')}`).join('\n')
  }

  async waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000, extra: () => string = () => ''): Promise<void> {
    const end = Date.now() + timeoutMs
    while (Date.now() < end) {
      if (await check()) return
      await new Promise((r) => setTimeout(r, 250))
    }
    if (await check()) return
    // what each daemon says of itself: which node is stuck in which state is the first thing to know
    const states = await Promise.all(this.options.nodes.map(async (n) => {
      const s = await this.status(n)
      return `${n}: ${s ? `${s.state} dc=${s.dc ?? '-'} members=${s.members.join(',')} quorum=${s.quorum} version=${s.version}${s.controller ? ` ${s.controller}` : ''}` : 'no answer'}`
    }))
    throw new Error(`timed out waiting for ${what}\n${states.join('\n')}\n${this.describe(extra())}`)
  }

  teardown(): void {
    for (const ns of [...this.ns.values(), this.client]) {
      killNamespace(ns)
      sh(`ip netns del ${ns} 2>/dev/null`)
    }
    if (!process.env.HAKIT_KEEP_LAB) rmSync(this.work, {recursive: true, force: true})
    else process.stderr.write(`netns lab kept in ${this.work}\n`)
  }
}

function killNamespace(ns: string): void {
  for (const pid of sh(`ip netns pids ${ns} 2>/dev/null`).stdout.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL')
    } catch {
      // already gone
    }
  }
}

/** A node's live CIB as the real crm_simulate reads it: placements, the nodes' lines, what it would still do. */
export async function simulateLive(lab: NetnsCrmLab, node: string): Promise<{placements: Map<string, string[]>; nodes: string; summary: string[]}> {
  const xml = await lab.cibXml(node)
  const file = join(lab.work, `live-${process.pid}-${Date.now()}.xml`)
  writeFileSync(file, xml)
  const out = spawnSync('crm_simulate', ['-S', '-x', file], {encoding: 'utf8'}).stdout ?? ''
  rmSync(file, {force: true})
  const nodes = out.split('\n').filter((l) => /Online:|OFFLINE:|UNCLEAN/.test(l)).join('\n')
  const summary = (out.split('Transition Summary:')[1]?.split('Executing Cluster Transition')[0] ?? '').split('\n').filter((l) => /\* (Start|Stop|Move|Recover|Promote|Demote|Restart|Migrate)/.test(l))
  return {placements: crmSimulatePlacements(out), nodes, summary}
}
