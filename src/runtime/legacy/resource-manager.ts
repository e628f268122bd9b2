/**
 * The legacy (Heartbeat v1) resource manager: what /usr/share/heartbeat/
 * ResourceManager does, without the shell. It runs a group's scripts in order,
 * stops them in reverse, reads `status` output the way Heartbeat does, and
 * gives a group up when one of its starts fails. Unlike Heartbeat, every
 * action has a timeout that kills the script's whole process group, and a
 * stop that cannot be made to work is reported to the caller instead of
 * rebooting the machine.
 */
import {findExecutable} from '../../core/fs-probe.js'
import {groupLine, resourceToken, type LegacyGroup, type LegacyResource} from './types.js'
import {runProcess} from './process.js'

export type LegacyAction = 'start' | 'stop' | 'status'
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'crit'
export type Logger = (level: LogLevel, message: string) => void

export interface ResourceManagerOptions {
  /** Where scripts are looked up, in order. Heartbeat: /etc/ha.d/resource.d then /etc/init.d. */
  resourceDirs: string[]
  /** Per-action timeouts in ms (Heartbeat has none). */
  timeouts?: Partial<Record<LegacyAction, number>>
  /** After a timeout: SIGTERM to the process group, SIGKILL this many ms later. */
  killGraceMs?: number
  /** Failed stops are retried this many times, `stopRetryDelayMs` apart (HA_STOPRETRYMAX, 1 s). */
  stopRetries?: number
  stopRetryDelayMs?: number
  /** Extra environment for scripts (HA_DIR, HA_CURHOST, OCF_ROOT, ...), on top of ours. */
  env?: NodeJS.ProcessEnv
  /** Check status right before each start, as Heartbeat does, instead of all at once up front. */
  sequentialStatus?: boolean
  /** stdout/stderr of start and stop go to this file (Heartbeat: the debugfile); none: discarded. */
  outputFile?: string
  log?: Logger
}

export const DEFAULT_TIMEOUTS: Record<LegacyAction, number> = {start: 120_000, stop: 120_000, status: 30_000}

export interface ActionResult {
  /** Exit code; null when killed by a signal. */
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  /** stdout (status only). */
  stdout: string
  durationMs: number
  /** The script was not found (Heartbeat: "Cannot locate resource script", rc 1). */
  notFound?: boolean
}

export type ResourceStatus = 'running' | 'stopped' | 'unknown'

export interface GroupResult {
  ok: boolean
  /** The resource whose start failed (acquire) or whose stop failed for good (release). */
  failedResource?: string
  /** A stop failed for good and `status` still said running (or could not tell): Heartbeat reboots here. */
  stopFailed?: boolean
}

/**
 * Heartbeat's reading of `status` output (exit code ignored): "not ... running"
 * in any case → not running; else "running"/"Running" or upper-case "OK" → running.
 */
export function interpretStatusOutput(stdout: string): boolean {
  if (/[Nn][Oo][Tt] [^]*[Rr]unning/.test(stdout)) return false
  return /[Rr]unning/.test(stdout) || stdout.includes('OK')
}

export class ResourceManager {
  private readonly timeouts: Record<LegacyAction, number>
  private readonly log: Logger
  /** Group operations run one at a time, as Heartbeat's resource-management child does. */
  private queue: Promise<unknown> = Promise.resolve()
  /** Children still running (for shutdown). */
  private readonly running = new Set<number>()

  constructor(private readonly options: ResourceManagerOptions) {
    this.timeouts = {...DEFAULT_TIMEOUTS, ...options.timeouts}
    this.log = options.log ?? (() => {})
  }

  /** Finds a script as Heartbeat does: a regular, executable file in the first directory that has one. */
  locate(script: string): string | undefined {
    const found = findExecutable(this.options.resourceDirs, script)
    return found.state === 'ok' ? found.path : undefined
  }

  /** Runs `<script> <args...> <action>` with a timeout that kills its whole process group. */
  async runAction(resource: LegacyResource, action: LegacyAction): Promise<ActionResult> {
    const path = this.locate(resource.script)
    if (path === undefined) {
      this.log('error', `Cannot locate resource script ${resource.script}`)
      return {code: 1, signal: null, timedOut: false, stdout: '', durationMs: 0, notFound: true}
    }
    if (action !== 'status') this.log('info', `Running ${path} ${[...resource.args, action].join(' ')}`)
    const timeoutMs = this.timeouts[action]
    const result = await runProcess(path, [...resource.args, action], {
      timeoutMs,
      killGraceMs: this.options.killGraceMs,
      env: this.options.env,
      captureStdout: action === 'status',
      outputFile: action === 'status' ? undefined : this.options.outputFile,
      onSpawn: (pid) => this.running.add(pid),
      onExit: (pid) => this.running.delete(pid),
    })
    if (result.timedOut) this.log('error', `${resourceToken(resource)} ${action} timed out after ${timeoutMs} ms: killed its process group`)
    if (result.spawnError) this.log('error', `Cannot run ${path}: ${result.spawnError}`)
    return {code: result.spawnError ? 1 : result.code, signal: result.signal, timedOut: result.timedOut, stdout: result.stdout, durationMs: result.durationMs}
  }

  /** Is the resource running here? `unknown` when status could not be run or hung. */
  async status(resource: LegacyResource): Promise<ResourceStatus> {
    const result = await this.runAction(resource, 'status')
    if (result.notFound) return 'stopped'
    if (result.timedOut || result.signal) return 'unknown'
    return interpretStatusOutput(result.stdout) ? 'running' : 'stopped'
  }

  /** Heartbeat `takegroup`: start each resource that status does not report running, left to right. */
  acquireGroup(group: LegacyGroup): Promise<GroupResult> {
    return this.serialize(() => this.doAcquire(group))
  }

  /** Heartbeat `givegroup`: stop every resource of the group, right to left. */
  releaseGroup(group: LegacyGroup): Promise<GroupResult> {
    return this.serialize(() => this.doRelease(group))
  }

  /** Heartbeat `statgroup`: how much of the group runs here. */
  async groupStatus(group: LegacyGroup): Promise<'ALL' | 'SOME' | 'NONE'> {
    let running = 0
    for (const resource of group.resources) if ((await this.status(resource)) === 'running') running++
    return running === 0 ? 'NONE' : running === group.resources.length ? 'ALL' : 'SOME'
  }

  /** Resolves once every queued group operation has finished. */
  idle(): Promise<void> {
    return this.queue.then(() => {}, () => {})
  }

  /** Kills the process groups of scripts still running (daemon exit). */
  killAll(): void {
    for (const pid of this.running) {
      try {
        process.kill(-pid, 'SIGKILL')
      } catch {
        // gone already
      }
    }
  }

  private serialize<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation)
    this.queue = result.catch(() => {})
    return result
  }

  private async doAcquire(group: LegacyGroup): Promise<GroupResult> {
    this.log('info', `Acquiring resource group: ${groupLine(group)}`)
    // Status before start, as Heartbeat does, so a running resource is never started twice.
    // Status is read-only, so all of them run at once up front (Heartbeat: one before each start).
    const states = this.options.sequentialStatus ? undefined : await Promise.all(group.resources.map((r) => this.status(r)))
    for (const [i, resource] of group.resources.entries()) {
      if ((states ? states[i] : await this.status(resource)) === 'running') continue
      const result = await this.runAction(resource, 'start')
      if (result.code === 0 && !result.timedOut) continue
      const token = resourceToken(resource)
      const path = this.locate(resource.script) ?? resource.script
      if (result.timedOut) this.log('error', `Timeout starting ${token} (${this.timeouts.start} ms) from ${path}`)
      else this.log('error', `Return code ${result.code ?? result.signal} from ${path}`)
      this.log('crit', `Giving up resources due to failure of ${token}`)
      const release = await this.doRelease(group)
      return {ok: false, failedResource: token, stopFailed: release.stopFailed}
    }
    return {ok: true}
  }

  private async doRelease(group: LegacyGroup): Promise<GroupResult> {
    this.log('info', `Releasing resource group: ${groupLine(group)}`)
    let failed: string | undefined
    let stopFailed = false
    // Every resource is stopped, owned or not (stop must be idempotent), right to left.
    for (const resource of [...group.resources].reverse()) {
      if (await this.stopWithRetries(resource)) continue
      const token = resourceToken(resource)
      const state = await this.status(resource)
      if (state === 'stopped') {
        this.log('error', `Resource script for ${token} probably not LSB-compliant.`)
        this.log('warn', `it (${token}) MUST succeed on a stop when already stopped`)
        continue
      }
      // Heartbeat kills itself and reboots here; hakit reports it and keeps the group marked held.
      this.log('crit', `Resource STOP failure for ${token}: it may still be running. Manual intervention required.`)
      failed ??= token
      stopFailed = true
    }
    return failed === undefined ? {ok: true} : {ok: false, failedResource: failed, stopFailed}
  }

  private async stopWithRetries(resource: LegacyResource): Promise<boolean> {
    const retries = this.options.stopRetries ?? 10
    for (let attempt = 0; ; attempt++) {
      const result = await this.runAction(resource, 'stop')
      if (result.code === 0 && !result.timedOut) return true
      if (result.notFound) return true // nothing can be running without a script; the error is logged
      if (attempt >= retries) return false
      this.log('info', `Retrying failed stop operation [${resourceToken(resource)}]`)
      await new Promise((r) => setTimeout(r, this.options.stopRetryDelayMs ?? 1000))
    }
  }
}

/**
 * The environment Heartbeat gives resource scripts (reference §0.2): the
 * shell helpers (ha_log in ocf-shellfuncs) read these to find the log files.
 */
export function scriptEnvironment(options: {
  configDir: string
  node: string
  logfile?: string
  debugfile?: string
  logfacility?: string
  debug?: number
  niceFailback?: boolean
}): Record<string, string> {
  const dir = options.configDir.endsWith('/') ? options.configDir : `${options.configDir}/`
  const env: Record<string, string> = {
    HA_DIR: dir,
    HA_DATEFMT: '%Y/%m/%d_%T\t',
    HA_FUNCS: `${dir}/shellfuncs`,
    OCF_ROOT: '/usr/lib/ocf',
    HA_CURHOST: options.node,
    HA_LOGFILE: options.logfile ?? '',
    HA_DEBUGLOG: options.debugfile ?? '',
  }
  if (options.logfacility && options.logfacility !== 'none') env.HA_LOGFACILITY = options.logfacility
  if (options.debug) env.HA_debug = String(options.debug)
  if (options.niceFailback) env.HA_NICEFAILBACK = 'yes'
  return env
}
