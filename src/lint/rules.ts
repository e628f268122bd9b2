import {finding, type Finding, type Severity, type SourceLocation} from '../core/findings.js'

export interface RuleInfo {
  /** Severity the rule normally reports with (a few rules raise or lower it case by case, see `varies`). */
  severity: Severity
  summary: string
  /** The rule uses another severity in some cases (explained in the summary). */
  varies?: boolean
  /** Looks at this machine (scripts, programs, users, interfaces); skipped with --offline. */
  live?: boolean
}

/**
 * Every lint rule of the legacy Heartbeat files, by stable id. docs/lint.md
 * lists the same ids; a test keeps them in step.
 */
export const RULES = {
  // authkeys
  'authkeys-syntax': {severity: 'error', summary: 'a line Heartbeat cannot read (not `auth N`, not `N method [key]`): Heartbeat refuses to start'},
  'authkeys-mode': {severity: 'error', summary: 'file readable by group or others (any of mode 0044): Heartbeat refuses to start ("Bad permissions on keyfile"); 600 recommended'},
  'authkeys-owner': {severity: 'warning', summary: 'file not owned by root: Heartbeat does not check the owner, but whoever owns it can read and change the cluster key'},
  'authkeys-missing-auth': {severity: 'error', summary: 'no `auth N` line: Heartbeat refuses to start'},
  'authkeys-duplicate-auth': {severity: 'warning', summary: 'more than one `auth` line: only the last one counts'},
  'authkeys-auth-unknown-index': {severity: 'error', summary: '`auth N` names an index with no (valid) key line: Heartbeat refuses to start'},
  'authkeys-index-range': {severity: 'error', summary: 'key index outside 0..15: Heartbeat refuses to start'},
  'authkeys-duplicate-index': {severity: 'error', summary: 'the same key index defined twice'},
  'authkeys-unknown-method': {severity: 'error', summary: 'method other than crc, md5, sha1 (did-you-mean): Heartbeat refuses to start'},
  'authkeys-missing-key': {severity: 'error', summary: 'md5 or sha1 line without a key: Heartbeat refuses to start'},
  'authkeys-crc-key': {severity: 'error', summary: 'crc line with a key: Heartbeat rejects the entry (crc takes no key)'},
  'authkeys-crc': {severity: 'warning', summary: 'the active method is crc: no authentication at all, anyone on the network can forge cluster messages'},
  'authkeys-crc-listed': {severity: 'warning', summary: 'a crc line that is not the active one: Heartbeat still accepts packets naming its index, so anyone can forge messages'},
  'authkeys-md5': {severity: 'warning', summary: 'md5 is a weak HMAC; prefer sha1'},
  'authkeys-short-key': {severity: 'warning', summary: 'md5/sha1 key shorter than 16 characters'},
  'authkeys-placeholder-key': {severity: 'warning', summary: 'key is sample or placeholder text (`HI!`, `Hello!`, `xxxx`, `changeme`…)'},
  'authkeys-ignored-text': {severity: 'info', summary: 'text after the key is ignored (authkeys comments start only at the beginning of a line)'},
  'authkeys-hash-in-key': {severity: 'warning', summary: 'the key contains `#`: it is part of the key, not a comment'},

  // ha.cf
  'hacf-unknown-directive': {severity: 'error', summary: 'directive Heartbeat does not know (names are case-sensitive; did-you-mean): Heartbeat refuses to start'},
  'hacf-deprecated': {severity: 'info', summary: '`udp` is an old name of `bcast`'},
  'hacf-nice-failback': {severity: 'warning', summary: 'nice_failback is obsolete; Heartbeat logs errors and maps it to auto_failback'},
  'hacf-missing-value': {severity: 'error', summary: 'directive without a value'},
  'hacf-invalid-value': {severity: 'error', summary: 'value the directive rejects (boolean, number range, port, baud rate, facility, enum, env): Heartbeat refuses to start'},
  'hacf-multiple-values': {severity: 'warning', summary: 'several values on one line for a single-valued directive: each is applied in turn, the last wins'},
  'hacf-duplicate-directive': {severity: 'warning', varies: true, summary: 'single-valued directive given on several lines: the last wins (error for baud, watchdog, crm/pacemaker, which Heartbeat refuses twice)'},
  'hacf-time-unit': {severity: 'error', summary: 'time with a unit other than ms/us (`2s`, `2sec`): Heartbeat silently rejects it and refuses to start'},
  'hacf-time-invalid': {severity: 'error', summary: 'time value that is not a number, or zero where Heartbeat needs more (keepalive, warntime)'},
  'hacf-deadtime-short': {severity: 'error', summary: 'deadtime not greater than twice keepalive: Heartbeat refuses to start'},
  'hacf-deadping-short': {severity: 'error', summary: 'deadping not greater than twice keepalive: Heartbeat refuses to start'},
  'hacf-initdead-smaller': {severity: 'error', summary: 'initdead smaller than deadtime: Heartbeat refuses to start'},
  'hacf-initdead-short': {severity: 'warning', summary: 'initdead (set or defaulted) below twice deadtime or below 10 s: nodes booting slowly are declared dead'},
  'hacf-warntime-range': {severity: 'warning', summary: 'warntime not between keepalive and deadtime: late-heartbeat warnings are useless or constant'},
  'hacf-udpport-after-media': {severity: 'warning', varies: true, summary: 'udpport after a bcast/ucast line: those media keep the old port (error when the port differs, warning when it is the same)'},
  'hacf-baud-after-media': {severity: 'warning', varies: true, summary: 'baud after a media line in a file with serial media: serial media before it keep 19200 (error when a serial line precedes a different baud rate); nothing without a serial line'},
  'hacf-no-media': {severity: 'error', summary: 'no medium at all (Heartbeat refuses to start), or only ping media (nodes cannot hear each other)'},
  'hacf-media-invalid': {severity: 'error', summary: 'malformed media line (ucast without peer, mcast fields, ttl outside 0..4, ping_group without hosts)'},
  'hacf-interface-missing': {severity: 'error', live: true, summary: 'bcast/ucast/mcast interface that does not exist on this machine (did-you-mean): Heartbeat refuses to start'},
  'hacf-too-many-media': {severity: 'error', summary: 'more than 64 media'},
  'hacf-no-nodes': {severity: 'error', summary: 'no node line: Heartbeat refuses to start'},
  'hacf-one-node': {severity: 'warning', summary: 'fewer than two nodes: nothing to fail over to'},
  'hacf-duplicate-node': {severity: 'warning', summary: 'the same node declared twice'},
  'hacf-too-many-nodes': {severity: 'error', summary: 'more than 100 nodes (ping nodes included)'},
  'hacf-auto-failback-invalid': {severity: 'error', summary: 'auto_failback value other than on/off/legacy (or a boolean): Heartbeat refuses to start'},
  'hacf-auto-failback-legacy': {severity: 'warning', summary: 'auto_failback is legacy (set or by default): deprecated, hb_standby is refused; say on or off'},
  'hacf-autojoin-haresources': {severity: 'error', summary: 'autojoin other than none with haresources management: Heartbeat refuses to start'},
  'hacf-crm-with-haresources': {severity: 'warning', summary: 'crm/pacemaker is on while a haresources file exists: Heartbeat ignores haresources'},
  'hacf-pacemaker-only': {severity: 'info', summary: 'Pacemaker-only directive while crm/pacemaker is off: ignored'},
  'hacf-no-logging': {severity: 'info', varies: true, summary: 'no logfile, debugfile or logfacility: messages go to logd (error when use_logd is off: Heartbeat refuses to start)'},
  'hacf-line-too-long': {severity: 'warning', summary: 'line longer than 5120 bytes: Heartbeat reads the rest as a separate line'},
  'hacf-respawn-invalid': {severity: 'error', summary: 'respawn/failfast without user and command, or command not a full path: Heartbeat refuses to start'},
  'hacf-respawn-missing': {severity: 'error', live: true, summary: 'respawn/failfast program missing or not executable on this machine (did-you-mean): Heartbeat refuses to start'},
  'hacf-respawn-user': {severity: 'error', live: true, summary: 'respawn/failfast user unknown on this machine: Heartbeat refuses to start'},
  'hacf-apiauth-invalid': {severity: 'error', summary: 'apiauth without client or uid=/gid= list: Heartbeat refuses to start'},
  'hacf-apiauth-unknown-id': {severity: 'warning', live: true, summary: 'apiauth names a user or group unknown on this machine'},
  'hacf-stonith-invalid': {severity: 'error', summary: 'stonith without type and config file, stonith_host without host and type'},

  // haresources
  'haresources-empty-group': {severity: 'error', summary: 'a node name with no resources after it'},
  'haresources-no-groups': {severity: 'warning', summary: 'the file holds no resource group (empty, or only comments): Heartbeat runs but manages no resources'},
  'haresources-comment-in-continuation': {severity: 'error', summary: '`#` on a continued line: ResourceManager keeps it, the words after it become resources'},
  'haresources-continuation-space': {severity: 'warning', summary: '`\\` followed by blanks or CR: the line is not continued'},
  'haresources-trailing-backslash': {severity: 'warning', summary: 'the last line ends with `\\`'},
  'haresources-line-too-long': {severity: 'error', summary: 'line longer than 5118 bytes: Heartbeat\'s start-up check reads the rest as a line of its own and takes its first word for a node name ("Bad nodename"): Heartbeat does not start'},
  'haresources-crlf': {severity: 'error', summary: 'DOS line endings: the CR becomes part of the last word of each line'},
  'haresources-node-undeclared': {severity: 'error', summary: 'preferred node not declared by a node line in ha.cf (did-you-mean): Heartbeat refuses to start ("Bad nodename")'},
  'haresources-script-missing': {severity: 'error', live: true, summary: 'resource script not found in resource.d or init.d (did-you-mean, e.g. drbdisk → drbddisk)'},
  'haresources-script-near-miss': {severity: 'warning', summary: 'with --offline: a script name within two edits of a shipped Heartbeat script but not one (drbdisk → drbddisk); not looked up on the machine'},
  'haresources-script-not-executable': {severity: 'error', live: true, summary: 'resource script found but not executable: ResourceManager skips it'},
  'haresources-ip-invalid': {severity: 'error', summary: 'malformed IP address, netmask/CIDR or broadcast in an IPaddr/IPaddr2 resource'},
  'haresources-ip-trailing-slash': {severity: 'info', summary: 'IPaddr spec ending in `/`: ignored by IPaddr, but converters and readers may trip on it'},
  'haresources-ipaddr-args': {severity: 'error', summary: 'IPaddr/IPaddr2 resource without exactly one address argument'},
  'haresources-ipaddr-nic': {severity: 'info', live: true, summary: 'IPaddr without a nic on a host with several interfaces: the interface is picked from the routing table'},
  'haresources-drbd-resource-unknown': {severity: 'error', summary: '`drbddisk::NAME` names no resource of the DRBD configuration (`lint all`, did-you-mean)'},
  'haresources-duplicate-resource': {severity: 'error', summary: 'the same resource (or IP address) in two places: groups fight over it'},

  // cross-file (`lint all`)
  'all-missing-file': {severity: 'error', varies: true, summary: 'ha.cf or authkeys missing (error); haresources missing while not running Pacemaker (warning)'},
  'file-unreadable': {severity: 'error', summary: 'a file `lint all` could not read (binary, invalid UTF-8, permission, too large); exit code 2'},
  // worded without "refuses to start" on purpose: `hakit run --legacy` reads past the mark and starts
  'file-bom': {severity: 'error', summary: 'ha.cf, haresources or authkeys begins with a UTF-8 byte order mark (Windows editors add one): Heartbeat takes it for part of the first word and will not start; hakit itself reads past it'},
} satisfies Record<string, RuleInfo>

export type RuleId = keyof typeof RULES

/** Builds a finding for rule `id` with the rule's severity unless given. */
export function report(id: RuleId, location: SourceLocation | undefined, message: string, severity?: Severity): Finding {
  return finding(id, severity ?? (RULES[id] as RuleInfo).severity, location, message)
}
