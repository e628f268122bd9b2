/**
 * Runs one agent process so that nothing it does can wedge the executor:
 * its own process group (a timeout or cancel kills everything it forked:
 * SIGTERM, then SIGKILL after a grace period) in the executor's session, as
 * Pacemaker's execd does (setpgid, not setsid), bounded capture of stdout
 * and stderr (an agent printing megabytes keeps only the tail), and no
 * waiting for EOF once the agent itself has exited and its pipes are quiet
 * (a daemon it started may keep them open forever).
 */
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'

/**
 * Node can give a child its own process group only with a new session (`detached`: setsid). A new
 * session is a new scheduling group under the kernel's autogroup, which made every agent run
 * 2-3× slower on a loaded machine (a Dummy monitor: median 8 ms against 3-5 ms; crm-lab timelines,
 * session 5). So a one-line perl (perl-base is Essential on Debian) makes the group and execs the
 * agent: the agent keeps the pid Node knows, which is its group id. Without perl: setsid as before.
 */
const PERL = '/usr/bin/perl'
const LAUNCHER = 'setpgrp(0, 0); exec {$ARGV[0]} @ARGV; print STDERR "hakit-exec-error: ", ($!{ENOENT} ? "ENOENT" : $!{EACCES} ? "EACCES" : "$!"), "\n"; exit 127'
const EXEC_ERROR = /^hakit-exec-error: (.*)\n$/
const useLauncher = existsSync(PERL)

export interface AgentProcessOptions {
  env: NodeJS.ProcessEnv
  cwd?: string
  /** Written to stdin, which is then closed (fence agents); else stdin is /dev/null. */
  input?: string
  timeoutMs: number
  /** SIGTERM to the group at the timeout, SIGKILL this much later. */
  killGraceMs?: number
  /** Bytes kept of each stream (the tail; the head too for meta-data-like output when `keepHead`). */
  maxCaptureBytes?: number
  /** Keep the first maxCaptureBytes instead of the last (meta-data, list output). */
  keepHead?: boolean
  /** After the agent exits, read leftovers from pipes still held open by its children at most this long (it stops sooner once nothing more arrives). */
  drainMs?: number
  signal?: AbortSignal
}

export interface AgentProcessResult {
  exitCode: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  cancelled: boolean
  durationMs: number
  stdout: string
  stderr: string
  /** Bytes the agent wrote beyond what was kept. */
  droppedBytes: number
  /** When the timeout fired (ms after the start), if it did. */
  timedOutAfterMs?: number
  /** The process could not be started (errno code: ENOENT, EACCES, ...). */
  spawnError?: string
}

/** Keeps the head or the tail of a byte stream, counting what it drops. */
class BoundedBuffer {
  private chunks: Buffer[] = []
  private size = 0
  dropped = 0
  /** Bytes pushed so far (kept or not). */
  received = 0
  constructor(private readonly limit: number, private readonly keepHead: boolean) {}

  push(chunk: Buffer): void {
    this.received += chunk.length
    if (this.keepHead) {
      const room = this.limit - this.size
      if (room <= 0) {
        this.dropped += chunk.length
        return
      }
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk
      this.dropped += chunk.length - part.length
      this.chunks.push(part)
      this.size += part.length
      return
    }
    this.chunks.push(chunk)
    this.size += chunk.length
    while (this.size - this.chunks[0].length >= this.limit) {
      const first = this.chunks.shift()!
      this.size -= first.length
      this.dropped += first.length
    }
  }

  text(): string {
    let all = Buffer.concat(this.chunks)
    if (all.length > this.limit) {
      this.dropped += all.length - this.limit
      all = all.subarray(all.length - this.limit)
    }
    return all.toString('utf8')
  }
}

export function runAgentProcess(file: string, args: string[], options: AgentProcessOptions): Promise<AgentProcessResult> {
  const started = performance.now()
  const limit = options.maxCaptureBytes ?? 64 * 1024
  const out = new BoundedBuffer(limit, options.keepHead ?? false)
  const err = new BoundedBuffer(limit, false)
  return new Promise((resolve) => {
    let timedOut = false
    let timedOutAfterMs: number | undefined
    let cancelled = false
    let settled = false
    let exitTimer: NodeJS.Timeout | undefined
    let killTimer: NodeJS.Timeout | undefined
    const child = spawn(useLauncher ? PERL : file, useLauncher ? ['-e', LAUNCHER, file, ...args] : args, {
      detached: !useLauncher,
      cwd: options.cwd,
      env: options.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    const pid = child.pid
    const killGroup = (signal: NodeJS.Signals) => {
      if (pid === undefined) return
      try {
        process.kill(-pid, signal)
      } catch {
        // the group is gone, or the launcher has not made it yet: then the process itself, while it
        // is ours (not yet reaped: its pid cannot have been reused)
        if (child.exitCode === null && child.signalCode === null) {
          try {
            process.kill(pid, signal)
          } catch {
            // gone
          }
        }
      }
    }
    const terminate = () => {
      killGroup('SIGTERM')
      killTimer ??= setTimeout(() => killGroup('SIGKILL'), options.killGraceMs ?? 1000)
    }
    const timer = setTimeout(() => {
      timedOut = true
      timedOutAfterMs = Math.round(performance.now() - started)
      terminate()
    }, options.timeoutMs)
    const onAbort = () => {
      cancelled = true
      terminate()
    }
    options.signal?.addEventListener('abort', onAbort, {once: true})
    if (options.signal?.aborted) onAbort()

    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk))
    if (options.input !== undefined) {
      child.stdin!.on('error', () => {}) // the agent may exit without reading
      child.stdin!.end(options.input)
    }

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      clearTimeout(exitTimer)
      options.signal?.removeEventListener('abort', onAbort)
      child.stdout!.destroy()
      child.stderr!.destroy()
      // Leftovers of a killed group (children that ignored SIGTERM) go now.
      if (timedOut || cancelled) {
        clearTimeout(killTimer)
        killGroup('SIGKILL')
      }
      const stdout = out.text()
      let stderr = err.text()
      // the launcher could not exec the agent: reported as Node reports a failed spawn
      const execError = useLauncher && exitCode === 127 ? EXEC_ERROR.exec(stderr) : null
      if (execError) {
        spawnError = execError[1]
        exitCode = null
        stderr = ''
      }
      resolve({
        exitCode, signal, timedOut, timedOutAfterMs, cancelled, spawnError, stdout, stderr,
        durationMs: Math.round(performance.now() - started),
        droppedBytes: out.dropped + err.dropped,
      })
    }
    child.once('error', (error: NodeJS.ErrnoException) => finish(null, null, error.code ?? error.message))
    child.once('exit', (code, signal) => {
      // Both pipes at EOF: done. Otherwise a background child holds them (IPaddr2's send_arp, a
      // daemon the agent started): what the agent wrote before it exited is already in the pipes,
      // so read until a loop turn brings nothing new, as Pacemaker's executor reads what is there
      // at the child's exit and stops; never longer than drainMs.
      const atEof = () => child.stdout!.readableEnded && child.stderr!.readableEnded
      if (atEof()) return finish(code, signal)
      child.stdout!.once('end', () => atEof() && finish(code, signal))
      child.stderr!.once('end', () => atEof() && finish(code, signal))
      exitTimer = setTimeout(() => finish(code, signal), options.drainMs ?? 200)
      let seen = -1
      const quiet = () => {
        if (settled) return
        const now = out.received + err.received
        if (now === seen) return finish(code, signal)
        seen = now
        setImmediate(quiet)
      }
      setImmediate(quiet)
    })
  })
}
