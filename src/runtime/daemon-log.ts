/**
 * Logging for both daemons (`hakit run --legacy` and the CRM runtime) in Heartbeat 3.0.6's formats (reference §8):
 *  - logfile: every message but debug; debugfile: everything;
 *  - daemon lines `Mon dd HH:MM:SS NODE heartbeat: [PID]: PRIO: text`
 *    (syslogmsgfmt true, the default) or `heartbeat[PID]: YYYY/MM/DD_HH:MM:SS PRIO: text`;
 *  - resource manager lines as Heartbeat's ResourceManager script writes them
 *    (`YYYY/MM/DD_HH:MM:SS  ResourceManager(default)[PID]:    info: ...` in the logfile,
 *    `ResourceManager(default)[PID]:\tYYYY/MM/DD_HH:MM:SS info: ...` in the debugfile);
 *  - syslog at `logfacility`, ident heartbeat, text `[PID]: PRIO: text`, through one
 *    long-lived `logger --prio-prefix` process (Node has no unix datagram sockets for /dev/log);
 *  - stderr (journald, hblab's daemon.out): the logfile format.
 * Files are opened in append mode per write batch and re-opened when replaced (logrotate).
 * A log file (and its directory) that hakit creates is readable by the daemon's user only
 * (0600 / 0700); an existing one keeps the mode its admin gave it. Every line is scrubbed of
 * the authkeys words it is given (`secrets`), whatever code produced the text.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {appendFileSync, mkdirSync, statSync} from 'node:fs'
import {dirname} from 'node:path'

export type DaemonLogLevel = 'debug' | 'info' | 'notice' | 'warn' | 'error' | 'crit'

const PRIO: Record<DaemonLogLevel, string> = {debug: 'debug', info: 'info', notice: 'notice', warn: 'WARN', error: 'ERROR', crit: 'CRIT'}
const SEVERITY: Record<DaemonLogLevel, number> = {crit: 2, error: 3, warn: 4, notice: 5, info: 6, debug: 7}

export const FACILITIES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, security: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
}

export interface DaemonLogOptions {
  node: string
  logfile?: string
  debugfile?: string
  /** Syslog facility name; undefined or 'none': no syslog. */
  logfacility?: string
  /** ha.cf `debug` level: debug lines are written only when > 0. */
  debug?: number
  /** ha.cf `syslogmsgfmt` (default true). */
  syslogFormat?: boolean
  /** Also write to stderr (default true). */
  stderr?: boolean
  /** Ident of the daemon's own lines (Heartbeat: "heartbeat"). */
  entity?: string
  now?: () => Date
  pid?: number
  /** Key material (authkeys keys) that must never appear in a log line: replaced by `[secret]`. */
  secrets?: string[]
}

/** Shorter words are not scrubbed: they would mangle ordinary text (and such a key protects nothing). */
const MIN_SCRUBBED_SECRET = 4

/** Replaces every occurrence of a secret in `text`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) if (secret.length >= MIN_SCRUBBED_SECRET && out.includes(secret)) out = out.split(secret).join('[secret]')
  return out
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

/** `Nov 21 22:43:45` (syslog's stamp: day padded with a space). */
export function syslogStamp(d: Date): string {
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** `2026/11/21_22:43:45` (Heartbeat's file stamp). */
export function fileStamp(d: Date): string {
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())}_${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

export class DaemonLog {
  private syslog?: ChildProcess
  private syslogBroken = false
  private readonly pid: number
  private readonly entity: string
  private readonly failedFiles = new Set<string>()
  private lastLine = ''
  private lastAt = 0
  private readonly secrets: string[]

  constructor(private readonly options: DaemonLogOptions) {
    this.pid = options.pid ?? process.pid
    this.entity = options.entity ?? 'heartbeat'
    this.secrets = (options.secrets ?? []).filter((s) => s.length >= MIN_SCRUBBED_SECRET)
    for (const file of [options.logfile, options.debugfile]) {
      if (file) {
        try {
          mkdirSync(dirname(file), {recursive: true, mode: 0o700})
        } catch {
          // reported on the first write
        }
      }
    }
  }

  /** Log files that exist and that other users can read (mode & 0o044): worth a warning at start. */
  readableByOthers(): Array<{file: string; mode: number}> {
    const found: Array<{file: string; mode: number}> = []
    for (const file of new Set([this.options.logfile, this.options.debugfile])) {
      if (!file) continue
      try {
        const mode = statSync(file).mode & 0o777
        if (mode & 0o044) found.push({file, mode})
      } catch {
        // not created yet: it will be 0600
      }
    }
    return found
  }

  /** The daemon's own lines (membership, failover decisions). */
  log = (level: DaemonLogLevel, raw: string): void => {
    if (level === 'debug' && !this.options.debug) return
    const text = this.scrub(raw)
    // membership and failover both report a few events (restart, shutdown notice): log them once
    const key = `${level} ${text}`
    const at = Date.now()
    if (key === this.lastLine && at - this.lastAt < 1000) return
    this.lastLine = key
    this.lastAt = at
    const now = (this.options.now ?? (() => new Date()))()
    const prio = PRIO[level]
    const line = this.options.syslogFormat === false
      ? `${this.entity}[${this.pid}]: ${fileStamp(now)} ${prio}: ${text}\n`
      : `${syslogStamp(now)} ${this.options.node} ${this.entity}: [${this.pid}]: ${prio}: ${text}\n`
    this.write(level, line, line)
    this.toSyslog(level, `[${this.pid}]: ${prio}: ${text}`, this.entity)
  }

  /** Lines of the resource manager, in the format of Heartbeat's ResourceManager script (ha_log). */
  script = (level: DaemonLogLevel, raw: string, tag = 'ResourceManager(default)'): void => {
    if (level === 'debug' && !this.options.debug) return
    const text = this.scrub(raw)
    const now = (this.options.now ?? (() => new Date()))()
    const prio = PRIO[level]
    const fullTag = `${tag}[${this.pid}]`
    this.write(level, `${fileStamp(now)}  ${fullTag}:    ${prio}: ${text}\n`, `${fullTag}:\t${fileStamp(now)} ${prio}: ${text}\n`)
    this.toSyslog(level, `${prio}: ${text}`, fullTag)
  }

  private scrub(text: string): string {
    return this.secrets.length ? scrubSecrets(text, this.secrets) : text
  }

  close(): void {
    this.syslog?.stdin?.end()
    this.syslog = undefined
  }

  private write(level: DaemonLogLevel, logLine: string, debugLine: string): void {
    const {logfile, debugfile} = this.options
    if (logfile && level !== 'debug') this.append(logfile, logLine)
    if (debugfile) this.append(debugfile, debugLine)
    if (this.options.stderr !== false) process.stderr.write(logLine)
  }

  private append(file: string, line: string): void {
    try {
      // appendFileSync opens by name each time: a rotated file is followed at once
      appendFileSync(file, line, {mode: 0o600})
      this.failedFiles.delete(file)
    } catch (error) {
      if (this.failedFiles.has(file)) return
      this.failedFiles.add(file)
      process.stderr.write(`hakit: cannot write log file ${file}: ${(error as Error).message}\n`)
    }
  }

  private toSyslog(level: DaemonLogLevel, text: string, tag: string): void {
    const facility = this.options.logfacility
    if (!facility || facility === 'none' || this.syslogBroken || level === 'debug') return
    const code = FACILITIES[facility]
    if (code === undefined) return
    if (!this.syslog) {
      // one `logger` for the daemon's lifetime; the priority travels as a <PRI> prefix on each line
      const child = spawn('logger', ['--prio-prefix', '-t', this.entity], {stdio: ['pipe', 'ignore', 'ignore']})
      child.on('error', () => {
        this.syslogBroken = true
        this.syslog = undefined
      })
      child.stdin.on('error', () => {})
      child.unref()
      this.syslog = child
    }
    // logger takes the tag from -t; a per-line tag is written into the text as Heartbeat's ha_log does with -t
    const body = tag === this.entity ? text : `${tag}: ${text}`
    this.syslog.stdin?.write(`<${code * 8 + SEVERITY[level]}>${body.replace(/\n/g, ' ')}\n`)
  }
}
