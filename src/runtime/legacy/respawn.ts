/**
 * ha.cf `respawn` / `failfast` clients: started once communications are up as
 * `/bin/sh -c "exec <command>"` under the named user, in their own process
 * group with stdio on /dev/null; restarted when they exit (except with code
 * 100), given up after more than 10 quick restarts, stopped in reverse order
 * at shutdown. Messages follow Heartbeat's wording.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {readFileSync} from 'node:fs'
import type {Logger} from './resource-manager.js'

export interface RespawnClient {
  user: string
  command: string
  /** `failfast`: dying abnormally outside shutdown is fatal for the node. */
  failfast?: boolean
}

export interface RespawnOptions {
  log?: Logger
  /** A failfast client died: Heartbeat reboots; the daemon decides what to do. */
  onFailfast?: (client: RespawnClient, reason: string) => void
  /** Restarts counted as "too fast" when they come within this many ms of the previous start (Heartbeat: 30 s). */
  quickMs?: number
  /** More quick restarts in a row than this and the client is left dead (Heartbeat: 10). */
  maxQuickRestarts?: number
  /** How long stop() waits for a client after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number
  passwdFile?: string
}

interface Running {
  client: RespawnClient
  child?: ChildProcess
  startedAt: number
  quickRestarts: number
  gaveUp: boolean
}

export interface Credentials {
  uid: number
  gid: number
}

/** getpwnam from /etc/passwd (a numeric user is taken as a uid with gid = uid). */
export function lookupUser(user: string, passwdFile = '/etc/passwd'): Credentials | undefined {
  if (/^\d+$/.test(user)) return {uid: Number(user), gid: Number(user)}
  for (const line of readFileSync(passwdFile, 'utf8').split('\n')) {
    const [name, , uid, gid] = line.split(':')
    if (name === user && uid !== undefined && gid !== undefined) return {uid: Number(uid), gid: Number(gid)}
  }
  return undefined
}

export class RespawnSupervisor {
  private readonly running: Running[]
  private stopping = false
  private readonly log: Logger

  constructor(clients: RespawnClient[], private readonly options: RespawnOptions = {}) {
    this.running = clients.map((client) => ({client, startedAt: 0, quickRestarts: 0, gaveUp: false}))
    this.log = options.log ?? (() => {})
  }

  /** Starts every client (Heartbeat: when communications come up). */
  start(): void {
    for (const entry of this.running) this.launch(entry)
  }

  /** Pids of the clients now running, in ha.cf order (undefined: not running). */
  pids(): Array<number | undefined> {
    return this.running.map((r) => (r.child && r.child.exitCode === null && r.child.signalCode === null ? r.child.pid : undefined))
  }

  /** SIGTERM to each client, last one first; SIGKILL after stopTimeoutMs. */
  async stop(): Promise<void> {
    this.stopping = true
    for (const entry of [...this.running].reverse()) {
      const child = entry.child
      if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      signalGroup(child.pid, 'SIGTERM')
      const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), this.options.stopTimeoutMs ?? 5000)
      await exited
      clearTimeout(timer)
    }
  }

  private launch(entry: Running): void {
    const {client} = entry
    const credentials = lookupUser(client.user, this.options.passwdFile)
    if (!credentials) {
      this.log('error', `Cannot start client "${client.command}": unknown user ${client.user}`)
      entry.gaveUp = true
      return
    }
    this.log('info', `Starting child client "${client.command}" (${credentials.uid},${credentials.gid})`)
    const ids = process.getuid?.() === 0 ? credentials : {}
    const child = spawn('/bin/sh', ['-c', `exec ${client.command}`], {detached: true, stdio: 'ignore', ...ids})
    entry.child = child
    entry.startedAt = Date.now()
    child.once('spawn', () => this.log('info', `Starting "${client.command}" as uid ${credentials.uid}  gid ${credentials.gid} (pid ${child.pid})`))
    child.once('error', (error) => this.log('error', `Cannot start client "${client.command}": ${error.message}`))
    child.once('exit', (code, signal) => this.exited(entry, code, signal))
  }

  private exited(entry: Running, code: number | null, signal: NodeJS.Signals | null): void {
    const {client} = entry
    const pid = entry.child?.pid
    if (this.stopping) return
    if (signal) this.log('warn', `Client ${client.command} (pid=${pid}) killed by signal ${signal}.`)
    else if (code !== 0) this.log('warn', `Client ${client.command} exited with return code ${code}.`)
    if (client.failfast && (signal || code !== 0)) {
      this.options.onFailfast?.(client, signal ? `killed by signal ${signal}` : `exit code ${code}`)
      return
    }
    if (code === 100) return // "fatal, do not respawn"
    const quick = Date.now() - entry.startedAt < (this.options.quickMs ?? 30_000)
    entry.quickRestarts = quick ? entry.quickRestarts + 1 : 0
    if (entry.quickRestarts > (this.options.maxQuickRestarts ?? 10)) {
      this.log('error', `Client ${client.command} "respawning too fast"`)
      entry.gaveUp = true
      return
    }
    this.log('error', `Respawning client "${client.command}":`)
    this.launch(entry)
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // gone already
  }
}
