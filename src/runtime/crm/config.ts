/**
 * Reads /etc/ha.d for `hakit run --crm`: ha.cf and authkeys for messaging
 * exactly as the legacy runtime reads them (same parsers, same refusals:
 * their lint errors stop the start, exit 6), plus where the first CIB comes
 * from: the state dir's CIB store, else `--cib FILE` (CIB XML or crm
 * syntax), else haresources converted in memory.
 */
import {hostname} from 'node:os'
import {join, resolve} from 'node:path'
import {CONFIG_ERROR_EXIT, UserError} from '../../core/errors.js'
import type {Finding} from '../../core/findings.js'
import {pathExists} from '../../core/fs-probe.js'
import {readSource} from '../../core/read-source.js'
import {parseAuthkeys} from '../../formats/authkeys/parse.js'
import {nodeNames, pacemakerEnabled, stringValue, type HaCf} from '../../formats/hacf/index.js'
import {parseHeartbeatBoolean, parseHeartbeatInt} from '../../formats/hacf/values.js'
import {parseHaCf} from '../../formats/hacf/parse.js'
import {lintAuthkeysPath, lintHaCfPath} from '../../lint/files.js'
import type {MessagingConfig} from '../messaging/config.js'
import {messagingConfigFrom} from '../messaging/from-legacy.js'

export interface CrmDaemonOptions {
  configDir: string
  node?: string
  stateDir: string
  bindAddress?: string
  /** CIB for the first start (ignored once the state dir holds a CIB). */
  cibFile?: string
  /** Skip lint's checks against this machine (tests). */
  offlineLint?: boolean
}

export interface CrmDaemonConfig {
  configDir: string
  stateDir: string
  cibDir: string
  node: string
  /** Normal nodes in ha.cf order (lowercase). */
  nodes: string[]
  haCf: HaCf
  messaging: MessagingConfig
  logfile?: string
  debugfile?: string
  logfacility?: string
  debug: number
  syslogFormat: boolean
  /** ha.cf says crm/pacemaker on (else --crm chose this runtime). */
  crmInHaCf: boolean
  cibFile?: string
  warnings: Finding[]
}

function formatFinding(f: Finding): string {
  const where = f.location ? `${f.location.file}:${f.location.line}:${f.location.column} ` : ''
  return `${where}${f.severity} ${f.id} ${f.message}`
}

/** Does ha.cf ask for the CRM (`crm yes|on|respawn`, `pacemaker on|respawn`)? */
export async function haCfWantsCrm(configDir: string): Promise<boolean> {
  const path = join(resolve(configDir), 'ha.cf')
  if (!(await pathExists(path))) return false
  try {
    return pacemakerEnabled(parseHaCf((await readSource(path)).text, path).model)
  } catch {
    return false
  }
}

export async function loadCrmDaemonConfig(options: CrmDaemonOptions): Promise<CrmDaemonConfig> {
  const configDir = resolve(options.configDir)
  const stateDir = resolve(options.stateDir)
  const haCfPath = join(configDir, 'ha.cf')
  const authPath = join(configDir, 'authkeys')
  const findings = [
    ...(await lintHaCfPath(haCfPath, {offline: options.offlineLint})),
    ...(await lintAuthkeysPath(authPath, {offline: options.offlineLint})),
  ]
  const errors = findings.filter((f) => f.severity === 'error')
  if (errors.length > 0) {
    throw new UserError(`refusing to start: the configuration in ${configDir} has errors (see hakit lint all ${configDir}):\n${errors.map(formatFinding).join('\n')}`, CONFIG_ERROR_EXIT)
  }
  const haCf = parseHaCf((await readSource(haCfPath)).text, haCfPath).model
  const authkeys = parseAuthkeys((await readSource(authPath)).text, authPath).model
  const nodes = nodeNames(haCf).map((n) => n.toLowerCase())
  const node = (options.node ?? hostname().split('.')[0]!).toLowerCase()
  if (!nodes.includes(node)) throw new UserError(`Current node [${node}] not in configuration! (ha.cf nodes: ${nodes.join(', ')}; use --node NAME)`, CONFIG_ERROR_EXIT)
  let messaging: MessagingConfig
  try {
    messaging = messagingConfigFrom(haCf, authkeys, {nodeName: node, stateDir})
  } catch (error) {
    throw new UserError(`refusing to start: ${(error as Error).message}`, CONFIG_ERROR_EXIT)
  }
  messaging.startupDeadtimeBumpMs = 0
  if (options.bindAddress) {
    messaging.media = messaging.media.map((m) => (m.kind === 'ucast' || m.kind === 'bcast' || m.kind === 'mcast' ? {...m, localAddress: options.bindAddress} : m))
  }
  const logfacility = stringValue(haCf, 'logfacility')
  const syslogmsgfmt = stringValue(haCf, 'syslogmsgfmt')
  return {
    configDir,
    stateDir,
    cibDir: join(stateDir, 'cib'),
    node,
    nodes,
    haCf,
    messaging,
    logfile: stringValue(haCf, 'logfile'),
    debugfile: stringValue(haCf, 'debugfile'),
    logfacility: logfacility === 'none' ? undefined : logfacility,
    debug: parseHeartbeatInt(stringValue(haCf, 'debug') ?? '0') ?? 0,
    syslogFormat: syslogmsgfmt === undefined ? true : parseHeartbeatBoolean(syslogmsgfmt) !== false,
    crmInHaCf: pacemakerEnabled(haCf),
    cibFile: options.cibFile,
    warnings: findings.filter((f) => f.severity === 'warning'),
  }
}
