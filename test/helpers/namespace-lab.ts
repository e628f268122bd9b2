/**
 * What the two namespace labs share (test/helpers/pacemaker-lab.ts: a real Corosync + Pacemaker
 * cluster; test/cutover/lab.ts: the cut-over machines). A node is a small "machine" made of
 * namespaces — its own network namespace, and PID + mount + UTS namespaces whose init is
 * lab-node.sh — run into with nsenter. stop() (also run on exit and on SIGINT/SIGTERM) SIGKILLs
 * each node's init by PID, which ends every process of the node, deletes the network namespaces
 * and removes the scratch directory. A run that was SIGKILLed cannot clean up: the next start
 * sweeps what it left behind (sweepStaleLabs).
 */
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, chownSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const NODE_INIT = join(dirname(fileURLToPath(import.meta.url)), 'lab-node.sh')

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

/** Runs a host command (ip …) that must succeed. */
export function runOrThrow(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.status}`}`)
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
 * Removes what a SIGKILLed earlier run left behind: the namespaces (`netns`: group 1 the name,
 * group 2 the test's pid) and scratch directories in tmpdir (`scratch`: group 1 the pid) named
 * after a test process that no longer exists. Their processes are killed by PID (`ip netns pids`).
 */
export function sweepStaleLabs(netns: RegExp, scratch: RegExp): void {
  const list = spawnSync('ip', ['netns', 'list'], {encoding: 'utf8'}).stdout
  for (const m of list.matchAll(netns)) {
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
    const m = scratch.exec(name)
    if (m && !pidAlive(Number(m[1]))) rmSync(join(tmpdir(), name), {recursive: true, force: true})
  }
}

/** The directories lab-node.sh binds for Corosync and Pacemaker, under a node's directory. */
export const PACEMAKER_NODE_DIRS = ['corosync', 'corosync-lib', 'pacemaker/cib', 'pacemaker/pengine', 'pacemaker/blackbox', 'pacemaker/cores', 'log', 'run']

/** Pacemaker's daemons run as hacluster:haclient: their directories (and `extra` files) are theirs. */
export function giveToHacluster(dir: string, extra: string[] = []): void {
  const uid = Number(spawnSync('id', ['-u', 'hacluster'], {encoding: 'utf8'}).stdout.trim())
  const gid = Number(spawnSync('getent', ['group', 'haclient'], {encoding: 'utf8'}).stdout.split(':')[2])
  for (const sub of ['pacemaker', 'pacemaker/cib', 'pacemaker/pengine', 'pacemaker/blackbox', 'pacemaker/cores', ...extra, 'log']) chownSync(join(dir, sub), uid, gid)
  chmodSync(join(dir, 'log'), 0o770)
  chmodSync(dir, 0o711)
}

export function makeDirs(dir: string, subs: string[]): void {
  for (const sub of subs) mkdirSync(join(dir, sub), {recursive: true})
}

export abstract class NamespaceLab {
  private stopped = false
  private readonly onExit = (): void => this.stop()
  private readonly onSignal = (): void => {
    this.stop()
    process.exit(130)
  }

  /**
   * `label` names the lab in messages; `extraNetns` are deleted with the nodes' namespaces;
   * waitFor polls every `pollMs`.
   */
  protected constructor(readonly dir: string, readonly nodes: LabNode[], private readonly settings: {label: string; extraNetns?: string[]; pollMs: number}) {
    process.on('exit', this.onExit)
    process.on('SIGINT', this.onSignal)
    process.on('SIGTERM', this.onSignal)
  }

  /** Runs a command inside a node (all its namespaces) with the node's own PATH, as an administrator logged in there would. */
  protected nsenter(node: LabNode, argv: string[], options: {path: string; env?: NodeJS.ProcessEnv; timeoutMs: number}): ExecResult {
    if (node.initPid === undefined) throw new Error(`${node.name} is not running`)
    const r = spawnSync('nsenter', ['-t', String(node.initPid), '-m', '-u', '-n', '-p', '--', ...argv], {
      encoding: 'utf8',
      // a node's own standard PATH, whatever the test process has put in front of its own
      env: {...process.env, PATH: options.path, ...options.env},
      timeout: options.timeoutMs,
    })
    return {status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? ''}
  }

  /** Polls `check` until it returns true; throws after timeoutMs, naming `what`, with the log tails. */
  async waitFor(what: string, timeoutMs: number, check: () => boolean): Promise<number> {
    const start = Date.now()
    while (!check()) {
      if (Date.now() - start > timeoutMs) throw new Error(`${this.settings.label}: timed out after ${timeoutMs} ms waiting for ${what}\n${this.logTail()}`)
      await new Promise((r) => setTimeout(r, this.settings.pollMs))
    }
    return Date.now() - start
  }

  /** The last lines of every node's logs, for failure messages. */
  abstract logTail(): string

  /** The last `count` lines of each of `files` (relative to a node's directory) of every node. */
  protected tails(files: string[], count: number): string {
    const out: string[] = []
    for (const n of this.nodes) {
      for (const f of files) {
        const p = join(n.dir, f)
        if (!existsSync(p)) continue
        const lines = readFileSync(p, 'utf8').trim().split('\n').slice(-count)
        if (lines.join('').trim()) out.push(`--- ${n.name} ${f}`, ...lines)
      }
    }
    return out.join('\n')
  }

  /** Boots every node (lab-node.sh MODE as its PID 1) and waits until each has written its init pid. */
  async bootNodes(mode: 'pacemaker' | 'cutover'): Promise<void> {
    for (const n of this.nodes) {
      const err = openSync(join(n.dir, 'init.err'), 'a')
      spawn('ip', ['netns', 'exec', n.netns, 'unshare', '--mount', '--uts', '--pid', '--fork', '--propagation', 'private', '--', 'bash', NODE_INIT, n.dir, n.name, mode], {
        stdio: ['ignore', err, err],
      }).unref()
    }
    for (const n of this.nodes) {
      const pidFile = join(n.dir, 'init.pid')
      await this.waitFor(`${n.name} to boot`, 15_000, () => existsSync(pidFile))
      n.initPid = Number(readFileSync(pidFile, 'utf8').trim())
    }
  }

  /** What the lab ends before its nodes (a client process). */
  protected beforeStop(): void {}

  /** Kills every node (one SIGKILL to its init), deletes the namespaces and the scratch directory. Idempotent. */
  stop(): void {
    if (this.stopped) return
    this.stopped = true
    process.off('exit', this.onExit)
    process.off('SIGINT', this.onSignal)
    process.off('SIGTERM', this.onSignal)
    this.beforeStop()
    for (const n of this.nodes) {
      if (n.initPid === undefined) continue
      try {
        process.kill(n.initPid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    for (const n of this.nodes) {
      // the namespace's processes must be gone before the mounts under dir are (they are private to the node)
      for (let i = 0; i < 40 && n.initPid !== undefined && existsSync(`/proc/${n.initPid}`); i++) spawnSync('sleep', ['0.05'])
      spawnSync('ip', ['netns', 'del', n.netns])
    }
    for (const ns of this.settings.extraNetns ?? []) spawnSync('ip', ['netns', 'del', ns])
    // HAKIT_LAB_KEEP=1 keeps the nodes' logs for a post-mortem
    if (process.env.HAKIT_LAB_KEEP) process.stderr.write(`${this.settings.label}: kept ${this.dir}\n`)
    else rmSync(this.dir, {recursive: true, force: true})
  }
}
