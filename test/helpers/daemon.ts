/**
 * What the loopback labs (test/runtime/crm/crm-lab.ts, test/runtime/legacy/daemon/lab.ts) do with
 * the daemons they start: spawn one with its output collected, stop it (SIGTERM, then SIGKILL by
 * PID after a deadline), and poll for a condition with a generous deadline.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {projectRoot} from './cli.js'

/** A lab node's daemon: its process and everything it printed since it was started. */
export interface DaemonSlot {
  proc?: ChildProcess
  output: string
}

/** Starts `command` in the background (NO_COLOR set); its stdout and stderr are appended to `slot.output`. */
export function startDaemon(slot: DaemonSlot, command: readonly string[], env: NodeJS.ProcessEnv = {}): void {
  slot.output = ''
  const [file, ...argv] = command
  const proc = spawn(file!, argv, {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1', ...env}})
  proc.stdout!.on('data', (d: Buffer) => (slot.output += d.toString()))
  proc.stderr!.on('data', (d: Buffer) => (slot.output += d.toString()))
  slot.proc = proc
}

export function isRunning(proc: ChildProcess | undefined): boolean {
  return proc !== undefined && proc.exitCode === null && proc.signalCode === null
}

/** Whether a process still runs: alive and not a zombie (pid 1 here may not reap orphans). */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

/** The lab's power cut (test/helpers/kill-tree.sh): the shell fence agents use the same script. */
export const KILL_TREE_SCRIPT = join(projectRoot, 'test', 'helpers', 'kill-tree.sh')

/**
 * A power cut of a running daemon: it and every process descended from it (the agents it started and
 * theirs) are SIGKILLed together, by PID (kill-tree.sh). Nothing to do when it has ended already.
 */
export function killTree(proc: ChildProcess | undefined): void {
  if (!proc || !isRunning(proc) || proc.pid === undefined) return
  const r = spawnSync('sh', [KILL_TREE_SCRIPT, String(proc.pid)], {encoding: 'utf8'})
  // the daemon at least must die, whatever happened to the walk
  if (r.status !== 0) proc.kill('SIGKILL')
}

/** SIGTERM and wait for the exit (SIGKILL after timeoutMs); the exit code, at once when it has ended already. */
export async function stopDaemon(proc: ChildProcess | undefined, timeoutMs: number): Promise<number | null> {
  if (!proc || !isRunning(proc)) return proc?.exitCode ?? null
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  proc.kill('SIGTERM')
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs)
  const code = await exited
  clearTimeout(timer)
  return code
}

/** Polls every intervalMs until `check` holds; past the deadline (and one last check) throws, with `describe()`. */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, options: {timeoutMs: number; intervalMs: number; describe: () => string}): Promise<void> {
  const end = Date.now() + options.timeoutMs
  while (Date.now() < end) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, options.intervalMs))
  }
  if (await check()) return
  throw new Error(`timed out waiting for ${what}\n${options.describe()}`)
}
