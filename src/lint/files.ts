import {stat} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'
import {UserError} from '../core/errors.js'
import {sortFindings, type Finding} from '../core/findings.js'
import {readSource, type SourceText} from '../core/read-source.js'
import {parseAuthkeys} from '../formats/authkeys/parse.js'
import {nodeNames, pacemakerEnabled} from '../formats/hacf/accessors.js'
import {parseHaCf} from '../formats/hacf/parse.js'
import type {HaCf} from '../formats/hacf/model.js'
import type {Haresources} from '../formats/haresources/model.js'
import {parseHaresources} from '../formats/haresources/parse.js'
import {lintAuthkeys} from './authkeys.js'
import {lintHaCf} from './hacf.js'
import {lintHaresources} from './haresources.js'
import {report} from './rules.js'
import {didYouMean} from './suggest.js'
import {OFFLINE, systemViewFor, type SystemView} from './system.js'
import {pathExists} from '../core/fs-probe.js'

export interface LintPathOptions {
  /** Skip every check against this machine (scripts, programs, users, interfaces). */
  offline?: boolean
  /** Override the machine view (tests point it at fixtures). */
  system?: SystemView
}

function viewFor(path: string, options: LintPathOptions): SystemView {
  if (options.system) return options.system
  if (options.offline) return OFFLINE
  return systemViewFor(path === '-' ? '.' : dirname(path))
}


/** What Heartbeat makes of a byte order mark at the start of each file (it reads raw bytes). */
const BOM_EFFECT = {
  'ha.cf': 'the first directive becomes an unknown one ("Illegal directive")',
  haresources: 'the first node name matches no node ("Bad nodename")',
  authkeys: 'the first line is an invalid key line ("Auth line [...] is invalid")',
} as const

/** A file-bom finding when the file began with a UTF-8 byte order mark. */
function bomFindings(source: SourceText, kind: keyof typeof BOM_EFFECT): Finding[] {
  if (!source.bom) return []
  const message = `the file begins with a UTF-8 byte order mark (saved by a Windows editor): Heartbeat reads it as part of the first line, so ${BOM_EFFECT[kind]}, and does not start; save it without the mark (sed -i '1s/^\\xEF\\xBB\\xBF//' FILE)`
  return [report('file-bom', {file: source.file, line: 1, column: 1}, message)]
}

/** Reads a sibling file if it can; a sibling that cannot be read is simply not used. */
async function readSibling(path: string): Promise<string | undefined> {
  try {
    return (await readSource(path)).text
  } catch {
    return undefined
  }
}

/** Lints an authkeys file, including its mode and owner. Throws UserError (exit 2) when it cannot be read. */
export async function lintAuthkeysPath(path: string, _options: LintPathOptions = {}): Promise<Finding[]> {
  const source = await readSource(path)
  const info = path === '-' ? {} : await stat(path).then((s) => ({mode: s.mode, uid: s.uid}))
  const {model, findings} = parseAuthkeys(source.text, path)
  return sortFindings([...bomFindings(source, 'authkeys'), ...findings, ...lintAuthkeys(model, info)])
}

/** Lints ha.cf; a haresources file next to it is noticed (crm on + haresources). */
export async function lintHaCfPath(path: string, options: LintPathOptions = {}): Promise<Finding[]> {
  const source = await readSource(path)
  const {model, findings} = parseHaCf(source.text, path)
  const haresourcesPresent = path !== '-' && (await pathExists(join(dirname(path), 'haresources')))
  return sortFindings([...bomFindings(source, 'ha.cf'), ...findings, ...lintHaCf(model, {haresourcesPresent, system: viewFor(path, options)})])
}

/** Lints haresources; node names are checked against the ha.cf next to it when there is one. */
export async function lintHaresourcesPath(path: string, options: LintPathOptions = {}): Promise<Finding[]> {
  const source = await readSource(path)
  const {model, findings} = parseHaresources(source.text, path)
  let haNodes: string[] | undefined
  let haCfFile: string | undefined
  if (path !== '-') {
    haCfFile = join(dirname(path), 'ha.cf')
    const text = await readSibling(haCfFile)
    if (text !== undefined) haNodes = nodeNames(parseHaCf(text, haCfFile).model)
  }
  return sortFindings([...bomFindings(source, 'haresources'), ...findings, ...lintHaresources(model, {haNodes, haCfFile, system: viewFor(path, options)})])
}

export interface LintAllOptions extends LintPathOptions {
  /** drbd.conf to include; `null` leaves DRBD out. Default /etc/drbd.conf when it exists. */
  drbdConf?: string | null
}

export interface LintAllResult {
  findings: Finding[]
  /** Some file could not be read at all (exit code 2). */
  unreadable: boolean
}

/**
 * Lints a whole configuration directory (ha.cf, haresources, authkeys, and
 * drbd.conf when present) with the cross-file checks: haresources nodes
 * against ha.cf nodes, crm on with haresources present, DRBD hosts against
 * ha.cf nodes. One report for all files.
 */
export async function lintAll(dir: string, options: LintAllOptions = {}): Promise<LintAllResult> {
  const info = await stat(dir).catch(() => undefined)
  if (!info) throw new UserError(`${dir}: no such directory`)
  if (!info.isDirectory()) throw new UserError(`${dir}: not a directory (lint all takes the Heartbeat configuration directory, e.g. /etc/ha.d)`)
  const system = options.system ?? (options.offline ? OFFLINE : systemViewFor(dir))
  const findings: Finding[] = []
  let unreadable = false

  async function load(name: keyof typeof BOM_EFFECT): Promise<string | undefined | null> {
    const path = join(dir, name)
    if (!(await pathExists(path))) return null
    try {
      const source = await readSource(path)
      findings.push(...bomFindings(source, name))
      return source.text
    } catch (error) {
      if (!(error instanceof UserError)) throw error
      unreadable = true
      findings.push(report('file-unreadable', {file: path, line: 1, column: 1}, error.message))
      return undefined
    }
  }

  const haCfPath = join(dir, 'ha.cf')
  const haresourcesPath = join(dir, 'haresources')
  const authkeysPath = join(dir, 'authkeys')
  const haCfText = await load('ha.cf')
  const haresourcesText = await load('haresources')
  const authkeysText = await load('authkeys')

  let haCf: HaCf | undefined
  let haresources: Haresources | undefined
  if (haCfText === null) {
    findings.push(report('all-missing-file', {file: haCfPath, line: 1, column: 1}, 'no ha.cf: Heartbeat cannot start', 'error'))
  } else if (haCfText !== undefined) {
    const parsed = parseHaCf(haCfText, haCfPath)
    haCf = parsed.model
    findings.push(...parsed.findings, ...lintHaCf(haCf, {haresourcesPresent: haresourcesText !== null, system}))
  }

  const pacemaker = haCf ? pacemakerEnabled(haCf) : false
  if (haresourcesText === null) {
    if (haCf && !pacemaker) {
      findings.push(report('all-missing-file', {file: haresourcesPath, line: 1, column: 1}, 'no haresources: Heartbeat runs but manages no resources', 'warning'))
    }
  } else if (haresourcesText !== undefined) {
    const parsed = parseHaresources(haresourcesText, haresourcesPath)
    haresources = parsed.model
    const haNodes = haCf ? nodeNames(haCf) : undefined
    findings.push(...parsed.findings, ...lintHaresources(parsed.model, {haNodes, haCfFile: haCfPath, system}))
  }

  if (authkeysText === null) {
    findings.push(report('all-missing-file', {file: authkeysPath, line: 1, column: 1}, 'no authkeys: Heartbeat refuses to start ("No authentication specified")', 'error'))
  } else if (authkeysText !== undefined) {
    const s = await stat(authkeysPath)
    const parsed = parseAuthkeys(authkeysText, authkeysPath)
    findings.push(...parsed.findings, ...lintAuthkeys(parsed.model, {mode: s.mode, uid: s.uid}))
  }

  const drbdConf = options.drbdConf === undefined ? await defaultDrbdConf(dir) : options.drbdConf
  const drbd = await lintDrbdIfPresent(drbdConf, haCf ? nodeNames(haCf) : undefined, options.drbdConf !== undefined)
  findings.push(...drbd.findings)
  if (drbd.unreadable) unreadable = true
  if (drbdConf !== null && haresources && !drbd.unreadable && (await pathExists(drbdConf))) {
    findings.push(...(await checkDrbddiskResources(haresources, drbdConf)))
  }
  return {findings: sortFindings(findings), unreadable}
}

/**
 * The DRBD configuration that belongs with a Heartbeat directory: the
 * system's /etc/drbd.conf for /etc/ha.d, else a drbd.conf inside the
 * directory (copied trees keep it beside the Heartbeat files), else none.
 */
async function defaultDrbdConf(dir: string): Promise<string | null> {
  if (resolve(dir) === '/etc/ha.d') return '/etc/drbd.conf'
  const beside = join(dir, 'drbd.conf')
  return (await pathExists(beside)) ? beside : null
}

/** drbddisk::NAME (and drbdupper::NAME) must name a resource of the DRBD configuration. */
async function checkDrbddiskResources(haresources: Haresources, drbdConf: string): Promise<Finding[]> {
  const {loadDrbd} = await import('../formats/drbd/index.js')
  let names: string[]
  try {
    names = (await loadDrbd(drbdConf)).model.resources.map((r) => r.name)
  } catch {
    return []
  }
  const out: Finding[] = []
  for (const group of haresources.groups) {
    for (const r of group.resources) {
      if (r.script !== 'drbddisk' && r.script !== 'drbdupper') continue
      const name = r.args[0]
      if (name === undefined || name === 'all' || names.includes(name)) continue
      out.push(report('haresources-drbd-resource-unknown', r.location, `${r.raw}: ${drbdConf} defines no DRBD resource "${name}"${didYouMean(name, names)}`))
    }
  }
  return out
}

/** DRBD is optional: a missing default /etc/drbd.conf is no finding; one named explicitly is. */
async function lintDrbdIfPresent(path: string | null, haNodes: string[] | undefined, explicit: boolean): Promise<LintAllResult> {
  if (path === null) return {findings: [], unreadable: false}
  if (!(await pathExists(path))) {
    if (!explicit) return {findings: [], unreadable: false}
    return {findings: [report('file-unreadable', {file: path, line: 1, column: 1}, `${path}: no such file or directory`)], unreadable: true}
  }
  // Loaded only when there is a DRBD configuration to check.
  const {lintDrbdPath} = await import('./drbd.js')
  try {
    return {findings: await lintDrbdPath(path, {haNodes}), unreadable: false}
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    return {findings: [report('file-unreadable', {file: path, line: 1, column: 1}, error.message)], unreadable: true}
  }
}
