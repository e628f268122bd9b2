/**
 * Runs one external command in its own process group with a timeout that
 * kills the whole group (SIGTERM, then SIGKILL), so a hung script - or
 * anything it forked - cannot wedge the daemon. Shared by resource scripts,
 * STONITH and fence agents.
 */
import {spawn} from 'node:child_process'
import {closeSync, openSync} from 'node:fs'

export interface ProcessOptions {
  timeoutMs: number
  /** After the timeout: SIGTERM to the group, SIGKILL this many ms later (or as soon as the leader exits). */
  killGraceMs?: number
  env?: NodeJS.ProcessEnv
  /** Capture stdout (else it goes to `outputFile` or nowhere). */
  captureStdout?: boolean
  /** stdout (when not captured) and stderr are appended here. */
  outputFile?: string
  /** Written to the command's stdin, which is then closed. */
  input?: string
  /** Called with the pid while the command runs (so a daemon can kill it at exit). */
  onSpawn?: (pid: number) => void
  onExit?: (pid: number) => void
}

export interface ProcessResult {
  /** Exit code; null when killed by a signal or not started. */
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  stdout: string
  durationMs: number
  /** The command could not be started at all. */
  spawnError?: string
}

export function runProcess(file: string, args: string[], options: ProcessOptions): Promise<ProcessResult> {
  const started = Date.now()
  const outFd = options.outputFile ? openSync(options.outputFile, 'a', 0o600) : undefined
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      detached: true, // its own process group, so a timeout can kill everything it started
      stdio: [options.input === undefined ? 'ignore' : 'pipe', options.captureStdout ? 'pipe' : (outFd ?? 'ignore'), outFd ?? 'ignore'],
      env: {...process.env, ...options.env},
    })
    if (outFd !== undefined) closeSync(outFd)
    const pid = child.pid
    if (pid !== undefined) options.onSpawn?.(pid)
    if (options.input !== undefined) {
      child.stdin?.on('error', () => {}) // it may exit without reading
      child.stdin?.end(options.input)
    }
    let stdout = ''
    let timedOut = false
    let settled = false
    const killGroup = (signal: NodeJS.Signals) => {
      if (pid === undefined) return
      try {
        process.kill(-pid, signal)
      } catch {
        // the group is already gone
      }
    }
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < 65_536) stdout += chunk
    })
    let killTimer: NodeJS.Timeout | undefined
    const timer = setTimeout(() => {
      timedOut = true
      killGroup('SIGTERM')
      killTimer = setTimeout(() => killGroup('SIGKILL'), options.killGraceMs ?? 2000)
    }, options.timeoutMs)
    const settle = (result: Omit<ProcessResult, 'durationMs' | 'stdout' | 'timedOut'>) => {
      if (settled) return
      settled = true
      resolve({...result, timedOut, stdout, durationMs: Date.now() - started})
    }
    child.once('error', (error) => {
      clearTimeout(timer)
      if (pid !== undefined) options.onExit?.(pid)
      settle({code: null, signal: null, spawnError: error.message})
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      if (pid !== undefined) options.onExit?.(pid)
      if (timedOut) {
        // stragglers that ignored SIGTERM go now
        if (killTimer) clearTimeout(killTimer)
        killGroup('SIGKILL')
      }
      // A background child may keep stdout open; don't wait for it beyond a moment.
      if (child.stdout && !child.stdout.readableEnded) {
        const grace = setTimeout(() => {
          child.stdout?.destroy()
          settle({code, signal})
        }, 100)
        child.stdout.once('end', () => {
          clearTimeout(grace)
          settle({code, signal})
        })
      } else settle({code, signal})
    })
  })
}
