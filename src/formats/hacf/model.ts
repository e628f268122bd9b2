import type {SourceLocation} from '../../core/findings.js'

/**
 * The typed model of a Heartbeat `ha.cf`.
 *
 * `entries` keeps every line in file order (directives, comment lines, blank
 * lines) so the printer can reproduce the file; `directives` is the same
 * directive objects without the comments, for convenient lookups.
 * Values are kept exactly as written: interpreting them (time units,
 * booleans, defaults) is done by the accessors in ./accessors.ts, which
 * follow Heartbeat 3.0.6.
 */
export interface HaCf {
  file: string
  entries: HaCfEntry[]
  directives: HaCfDirective[]
}

export type HaCfEntry =
  | {kind: 'directive'; directive: HaCfDirective}
  | {kind: 'comment'; text: string; location: SourceLocation}
  | {kind: 'blank'; location: SourceLocation}

export interface HaCfDirective {
  /** The directive word as written (Heartbeat matches it case-sensitively). */
  name: string
  /** The rest of the line after the name, comment removed, trimmed. */
  value: string
  /**
   * The value split the way Heartbeat splits it for this directive: on
   * commas and whitespace for option directives (`node a,b c`), on
   * whitespace only for whole-line directives (`respawn`, `ucast`, …).
   */
  args: HaCfArg[]
  /** Text after `#` on the same line, without the `#`. */
  comment?: string
  /** Position of the directive name. */
  location: SourceLocation
}

export interface HaCfArg {
  text: string
  location: SourceLocation
}

/**
 * How Heartbeat reads a directive's value (§2.1 of the reference):
 * - `option`: each comma/whitespace separated token is applied in turn;
 * - `line`: the whole rest of the line is handed to the directive;
 * - `media-token`: a medium per token (`bcast eth0 eth1`);
 * - `media-line`: one medium per line, the plugin parses the line.
 */
export type DirectiveStyle = 'option' | 'line' | 'media-token' | 'media-line'

/** What kind of value an option directive takes, for validation. */
export type ValueKind =
  | 'time'
  | 'boolean'
  | 'int'
  | 'port'
  | 'baud'
  | 'path'
  | 'string'
  | 'facility'
  | 'auto_failback'
  | 'crm'
  | 'enum'
  | 'names'
  | 'env'

export interface DirectiveSpec {
  style: DirectiveStyle
  kind?: ValueKind
  /** For `enum` values: the accepted words. */
  values?: readonly string[]
  /** For `int` values: inclusive bounds. */
  min?: number
  max?: number
  /** Several lines of it add up (node, ucast, respawn…) rather than replace. */
  repeatable?: boolean
  /** Only meaningful with Pacemaker (`crm on`). */
  pacemakerOnly?: boolean
  /** Obsolete but still read. */
  deprecated?: string
}

/** Every directive Heartbeat 3.0.6 (Debian build) accepts. */
export const HACF_DIRECTIVES: Readonly<Record<string, DirectiveSpec>> = {
  node: {style: 'option', kind: 'names', repeatable: true},
  keepalive: {style: 'option', kind: 'time'},
  deadtime: {style: 'option', kind: 'time'},
  deadping: {style: 'option', kind: 'time'},
  initdead: {style: 'option', kind: 'time'},
  warntime: {style: 'option', kind: 'time'},
  udpport: {style: 'option', kind: 'port'},
  baud: {style: 'option', kind: 'baud'},
  bcast: {style: 'media-token', repeatable: true},
  udp: {style: 'media-token', repeatable: true, deprecated: "'udp' is an old name of 'bcast'"},
  mcast: {style: 'media-line', repeatable: true},
  mcast6: {style: 'media-line', repeatable: true},
  ucast: {style: 'media-line', repeatable: true},
  ucast6: {style: 'media-line', repeatable: true},
  serial: {style: 'media-token', repeatable: true},
  ping: {style: 'media-token', repeatable: true},
  ping6: {style: 'media-token', repeatable: true},
  ping_group: {style: 'media-line', repeatable: true},
  auto_failback: {style: 'option', kind: 'auto_failback'},
  nice_failback: {style: 'option', kind: 'boolean', deprecated: "obsolete: use 'auto_failback on|off'"},
  hopfudge: {style: 'option', kind: 'int', min: 0, max: 255},
  logfile: {style: 'option', kind: 'path'},
  debugfile: {style: 'option', kind: 'path'},
  logfacility: {style: 'option', kind: 'facility'},
  use_logd: {style: 'option', kind: 'boolean'},
  conn_logd_time: {style: 'option', kind: 'time'},
  debug: {style: 'option', kind: 'int', min: 0, max: 255},
  syslogmsgfmt: {style: 'option', kind: 'boolean'},
  log_badpack: {style: 'option', kind: 'boolean'},
  watchdog: {style: 'option', kind: 'path'},
  stonith: {style: 'line'},
  stonith_host: {style: 'line', repeatable: true},
  respawn: {style: 'line', repeatable: true},
  failfast: {style: 'line', repeatable: true},
  apiauth: {style: 'line', repeatable: true},
  env: {style: 'option', kind: 'env', repeatable: true},
  hbgenmethod: {style: 'option', kind: 'enum', values: ['file', 'time']},
  realtime: {style: 'option', kind: 'boolean'},
  rtprio: {style: 'option', kind: 'int', min: 1, max: 99},
  memreserve: {style: 'option', kind: 'int', min: 1},
  coredumps: {style: 'option', kind: 'boolean'},
  coreroot: {style: 'option', kind: 'path'},
  msgfmt: {style: 'option', kind: 'enum', values: ['classic', 'netstring']},
  compression: {style: 'option', kind: 'enum', values: ['zlib', 'bz2']},
  compression_threshold: {style: 'option', kind: 'int', min: 1},
  traditional_compression: {style: 'option', kind: 'boolean'},
  max_rexmit_delay: {style: 'option', kind: 'int', min: 1},
  autojoin: {style: 'option', kind: 'enum', values: ['none', 'other', 'any']},
  uuidfrom: {style: 'option', kind: 'enum', values: ['file', 'nodename']},
  cluster: {style: 'option', kind: 'string'},
  quorum_server: {style: 'option', kind: 'string', pacemakerOnly: true},
  use_apphbd: {style: 'option', kind: 'boolean'},
  crm: {style: 'option', kind: 'crm'},
  pacemaker: {style: 'option', kind: 'crm'},
  crm_daemon_dir: {style: 'option', kind: 'path', pacemakerOnly: true},
  crmd_spawns_pengine: {style: 'option', kind: 'boolean', pacemakerOnly: true},
  record_config_changes: {style: 'option', kind: 'boolean', pacemakerOnly: true},
  record_pengine_inputs: {style: 'option', kind: 'boolean', pacemakerOnly: true},
  enable_config_writes: {style: 'option', kind: 'boolean', pacemakerOnly: true},
}

export function directiveSpec(name: string): DirectiveSpec | undefined {
  return Object.hasOwn(HACF_DIRECTIVES, name) ? HACF_DIRECTIVES[name] : undefined
}

/** Directives that create a heartbeat medium. */
export const MEDIA_DIRECTIVES = ['bcast', 'udp', 'mcast', 'mcast6', 'ucast', 'ucast6', 'serial', 'ping', 'ping6', 'ping_group'] as const

/** Values `crm`/`pacemaker` accept; every one but off/false/no/n/0 turns Pacemaker on. */
export const CRM_VALUES = ['on', 'off', 'yes', 'no', 'y', 'n', 'true', 'false', '1', '0', 'respawn', 'minimal', 'manual', 'ccm-only', 'valgrind'] as const

export const BAUD_RATES = [9600, 19200, 38400, 57600, 115200, 230400, 460800] as const

export const SYSLOG_FACILITIES = [
  'auth', 'authpriv', 'cron', 'daemon', 'ftp', 'kern', 'lpr', 'mail', 'news', 'syslog', 'user', 'uucp',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7', 'security', 'none',
] as const
