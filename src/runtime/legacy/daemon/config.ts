/**
 * Reads /etc/ha.d (ha.cf, haresources, authkeys) for `hakit run --legacy`
 * through the shared parsers, refuses what Heartbeat refuses (with the same
 * findings `hakit lint all` prints), and derives every part's configuration:
 * messaging, failover machine, resource manager, logging, STONITH, respawn,
 * watchdog.
 */
import {hostname} from 'node:os'
import {basename, join, resolve} from 'node:path'
import {CONFIG_ERROR_EXIT, UserError} from '../../../core/errors.js'
import type {Finding} from '../../../core/findings.js'
import {readSource} from '../../../core/read-source.js'
import {parseAuthkeys} from '../../../formats/authkeys/parse.js'
import {autoFailback, clients, directivesNamed, nodeNames, pacemakerEnabled, pingNodes, stringValue, timing, type HaCf} from '../../../formats/hacf/index.js'
import {parseHeartbeatBoolean, parseHeartbeatInt} from '../../../formats/hacf/values.js'
import {parseHaCf} from '../../../formats/hacf/parse.js'
import {parseHaresources} from '../../../formats/haresources/parse.js'
import {lintAll} from '../../../lint/files.js'
import {RULES, type RuleId} from '../../../lint/rules.js'
import {messagingConfigFrom} from '../../messaging/from-legacy.js'
import type {MessagingConfig} from '../../messaging/config.js'
import type {AutoFailback} from '../failover.js'
import {deviceFromConfig, type StonithDevice} from '../stonith.js'
import type {RespawnClient} from '../respawn.js'
import {groupsFromModel, type LegacyGroup} from '../types.js'
import {scrubSecrets} from '../../daemon-log.js'

export interface DaemonOptions {
  configDir: string
  node?: string
  stateDir: string
  /** Local address for every IPv4 medium (several nodes on one host, e.g. 127.0.0.x). */
  bindAddress?: string
  /** Per-action script timeouts in ms. */
  timeouts?: {start?: number; stop?: number; status?: number}
  /** Skip lint's checks against this machine (tests). */
  offlineLint?: boolean
}

export interface DaemonConfig {
  configDir: string
  stateDir: string
  node: string
  /** Normal nodes in ha.cf order (lowercase). */
  nodes: string[]
  haCf: HaCf
  groups: LegacyGroup[]
  messaging: MessagingConfig
  autoFailback: AutoFailback
  logfile?: string
  debugfile?: string
  logfacility?: string
  debug: number
  syslogFormat: boolean
  stonith?: StonithDevice
  /** respawn/failfast clients, ipfail left out (hakit does ipfail itself). */
  respawn: RespawnClient[]
  ipfail: boolean
  watchdog?: string
  /** ha.cf values for `cl_status hbparameter`. */
  parameters: Record<string, string>
  /** Key material from authkeys: never written to a log line (DaemonLog scrubs it). */
  secrets: string[]
  /** Lint errors Heartbeat does not refuse to start on (logged as warnings). */
  warnings: Finding[]
  timeouts: {start?: number; stop?: number; status?: number}
}

/** Does Heartbeat itself refuse to start on this finding? (ha.cf and authkeys errors always; haresources ones only when the rule says so.) */
function refusesToStart(f: Finding): boolean {
  if (f.severity !== 'error') return false
  if (f.id === 'file-unreadable' || f.id === 'all-missing-file') return true
  if (f.id.startsWith('authkeys-') || f.id.startsWith('hacf-')) return true
  const rule = RULES[f.id as RuleId]
  return rule !== undefined && /refuses to start/.test(rule.summary)
}

export function formatFinding(f: Finding): string {
  const where = f.location ? `${f.location.file}:${f.location.line}:${f.location.column} ` : ''
  return `${where}${f.severity} ${f.id} ${f.message}`
}

/**
 * Every word of an authkeys file that may be key material: the third word onwards of each
 * non-comment line other than `auth N`, read leniently (also from lines the parser refuses),
 * so that no message quoting the file can carry a key.
 */
export function authkeysSecrets(text: string): string[] {
  const secrets = new Set<string>()
  for (const line of text.split(/\r?\n/)) {
    const words = line.trim().split(/\s+/)
    if (!words[0] || words[0].startsWith('#') || words[0] === 'auth') continue
    for (const word of words.slice(2)) secrets.add(word)
  }
  return [...secrets]
}

async function readSecrets(authPath: string): Promise<string[]> {
  try {
    return authkeysSecrets((await readSource(authPath)).text)
  } catch {
    return [] // unreadable: lint reports it, and it quotes nothing from it
  }
}

export async function loadDaemonConfig(options: DaemonOptions): Promise<DaemonConfig> {
  const configDir = resolve(options.configDir)
  const stateDir = resolve(options.stateDir)
  const authPath = join(configDir, 'authkeys')
  const secrets = await readSecrets(authPath)
  const lint = await lintAll(configDir, {drbdConf: null, offline: options.offlineLint})
  const fatal = lint.findings.filter(refusesToStart)
  if (fatal.length > 0 || lint.unreadable) {
    // some findings quote the line they are about (an authkeys line holds the key)
    const lines = (fatal.length ? fatal : lint.findings.filter((f) => f.severity === 'error')).map((f) => scrubSecrets(formatFinding(f), secrets))
    throw new UserError(`refusing to start: the configuration in ${configDir} has errors (see hakit lint all ${configDir}):\n${lines.join('\n')}`, CONFIG_ERROR_EXIT)
  }
  const warnings = lint.findings.filter((f) => f.severity === 'error')

  const haCfPath = join(configDir, 'ha.cf')
  const haCf = parseHaCf((await readSource(haCfPath)).text, haCfPath).model
  if (pacemakerEnabled(haCf)) throw new UserError(`${haCfPath}: crm/pacemaker is on: hakit run --legacy runs haresources clusters only`, CONFIG_ERROR_EXIT)
  const authkeys = parseAuthkeys((await readSource(authPath)).text, authPath).model
  const haresPath = join(configDir, 'haresources')
  let groups: LegacyGroup[] = []
  try {
    groups = groupsFromModel(parseHaresources((await readSource(haresPath)).text, haresPath).model.groups)
  } catch (error) {
    if (!(error instanceof UserError) || !/no such file/i.test(error.message)) throw error
  }

  const nodes = nodeNames(haCf).map((n) => n.toLowerCase())
  const node = (options.node ?? hostname().split('.')[0]!).toLowerCase()
  if (!nodes.includes(node)) {
    throw new UserError(`Current node [${node}] not in configuration! (ha.cf nodes: ${nodes.join(', ')}; use --node NAME)`, CONFIG_ERROR_EXIT)
  }

  let messaging: MessagingConfig
  try {
    messaging = messagingConfigFrom(haCf, authkeys, {nodeName: node, stateDir})
  } catch (error) {
    throw new UserError(`refusing to start: ${scrubSecrets((error as Error).message, secrets)}`, CONFIG_ERROR_EXIT)
  }
  // Heartbeat advertises deadtime + 2 s for 5 s after its start, to cover its own slow start. hakit's
  // start is over before it sends its first heartbeat (scripts run in child processes): no bump, so a
  // failure soon after a (fast) cold start is still seen within deadtime.
  messaging.startupDeadtimeBumpMs = 0
  if (options.bindAddress) {
    messaging.media = messaging.media.map((m) => (m.kind === 'ucast' || m.kind === 'bcast' || m.kind === 'mcast' ? {...m, localAddress: options.bindAddress} : m))
  }

  const respawn: RespawnClient[] = []
  let ipfail = false
  for (const c of clients(haCf)) {
    // ipfail talks to Heartbeat's API, which hakit does not offer: its behaviour is built in instead
    if (basename(c.command) === 'ipfail') {
      ipfail = true
      continue
    }
    respawn.push({user: c.user, command: [c.command, ...c.args].join(' '), failfast: c.kind === 'failfast'})
  }

  const stonithLine = directivesNamed(haCf, 'stonith').at(-1)
  const stonith = deviceFromConfig(
    {
      stonith: stonithLine && stonithLine.args.length >= 2 ? {type: stonithLine.args[0]!.text, configFile: stonithLine.args[1]!.text} : undefined,
      stonithHosts: directivesNamed(haCf, 'stonith_host').map((d) => ({host: d.args[0]?.text ?? '', type: d.args[1]?.text ?? '', params: d.args.slice(2).map((a) => a.text).join(' ')})),
    },
    node,
  )

  const t = timing(haCf)
  const parameters: Record<string, string> = {
    keepalive: String(t.keepaliveMs), deadtime: String(t.deadtimeMs), warntime: String(t.warntimeMs), initdead: String(t.initdeadMs),
    deadping: String(t.deadpingMs), udpport: String(messaging.udpPort ?? 694), auto_failback: autoFailback(haCf), node: nodes.join(' '),
  }
  for (const d of haCf.directives) if (!['node', 'ucast', 'bcast', 'mcast', 'serial', 'ping', 'ping_group', 'respawn', 'stonith_host'].includes(d.name)) parameters[d.name] = d.value

  const logfacility = stringValue(haCf, 'logfacility')
  const syslogmsgfmt = stringValue(haCf, 'syslogmsgfmt')
  return {
    configDir,
    stateDir,
    node,
    nodes,
    haCf,
    groups,
    messaging,
    autoFailback: autoFailback(haCf),
    logfile: stringValue(haCf, 'logfile'),
    debugfile: stringValue(haCf, 'debugfile'),
    logfacility: logfacility === 'none' ? undefined : logfacility,
    debug: parseHeartbeatInt(stringValue(haCf, 'debug') ?? '0') ?? 0,
    syslogFormat: syslogmsgfmt === undefined ? true : parseHeartbeatBoolean(syslogmsgfmt) !== false,
    stonith,
    respawn,
    ipfail: ipfail && pingNodes(haCf).length + directivesNamed(haCf, 'ping_group').length > 0,
    watchdog: stringValue(haCf, 'watchdog'),
    parameters,
    warnings,
    secrets,
    // unset entries keep the resource manager's defaults
    timeouts: Object.fromEntries(Object.entries(options.timeouts ?? {}).filter(([, v]) => v !== undefined)),
  }
}
