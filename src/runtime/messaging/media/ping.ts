/**
 * Ping nodes (`ping host`, `ping_group name host...`). Node has no raw ICMP
 * sockets and the raw-socket packages are unmaintained native addons, so this
 * runs the system's iputils `ping` (one long-lived process per host) and treats
 * every echo reply line as a sign of life. A group is alive when any host answers.
 */
import {ChildProcess, spawn} from 'node:child_process'
import {EventEmitter} from 'node:events'
import {createInterface} from 'node:readline'

/**
 * Emits 'reply' (host: string) for every echo reply, 'error' (e: Error) when
 * ping cannot run.
 */
export class PingMedium extends EventEmitter {
  private readonly children = new Map<string, ChildProcess>()
  private stopped = false

  constructor(
    /** The ping node name: the host itself, or the ping_group name. */
    readonly name: string,
    readonly hosts: string[],
    private readonly intervalMs: number,
  ) {
    super()
  }

  start(): void {
    for (const host of this.hosts) this.spawnPing(host)
  }

  private spawnPing(host: string): void {
    if (this.stopped) return
    // iputils accepts intervals below 0.2 s only for root; clamp for others
    const minimum = process.getuid?.() === 0 ? 0.01 : 0.2
    const interval = Math.max(minimum, this.intervalMs / 1000).toFixed(3)
    const child = spawn('ping', ['-n', '-i', interval, host], {stdio: ['ignore', 'pipe', 'ignore']})
    this.children.set(host, child)
    createInterface({input: child.stdout!}).on('line', (line) => {
      if (/bytes from /.test(line)) this.emit('reply', host)
    })
    child.on('error', (e) => this.emit('error', e))
    child.on('exit', () => {
      this.children.delete(host)
      // ping exits on unreachable networks etc.; retry after a pause
      if (!this.stopped) setTimeout(() => this.spawnPing(host), 1000).unref()
    })
  }

  close(): void {
    this.stopped = true
    for (const child of this.children.values()) child.kill('SIGTERM')
    this.children.clear()
  }
}
