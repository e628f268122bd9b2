/**
 * Reads the legacy inputs of a conversion: a /etc/ha.d-like directory (or
 * single files) and drbd.conf, parsed by the format parsers. Parse findings
 * are kept; only an unreadable file is a UserError.
 */
import {access, constants, stat} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'
import {UserError} from '../core/errors.js'
import {finding, type Finding} from '../core/findings.js'
import {readSource} from '../core/read-source.js'
import {parseAuthkeys, type Authkeys} from '../formats/authkeys/index.js'
import {loadDrbd} from '../formats/drbd/index.js'
import {parseHaCf, type HaCf} from '../formats/hacf/index.js'
import {parseHaresources, type Haresources} from '../formats/haresources/index.js'
import {drbdResourceInfos} from './drbd/convert.js'
import type {DrbdResourceInfo} from './haresources/types.js'
import type {InstalledScript} from './haresources/init-scripts.js'
import {looksLikeBareIp} from './haresources/ipaddr-shorthand.js'
import {isDirectory, pathExists} from '../core/fs-probe.js'

export interface LegacyInputs {
  haresources?: Haresources
  hacf?: HaCf
  authkeys?: Authkeys
  drbd?: DrbdResourceInfo[]
  findings: Finding[]
  /** Files read, for the report. */
  files: string[]
  /** Scripts haresources names, as found on this machine; undefined when not looked up (offline). */
  scripts?: Map<string, InstalledScript | null>
}



export interface LoadOptions {
  haresources?: string
  hacf?: string
  authkeys?: string
  drbd?: string
  /**
   * Look the haresources scripts up on this machine: in the configuration's own resource.d
   * (the haresources file's directory) and in /etc/init.d. Off for --offline.
   */
  lookUpScripts?: boolean
}

/** Where Pacemaker runs lsb: scripts from. */
export const INIT_D = '/etc/init.d'

/** Reads and parses one file, collecting its findings and name into `into`. */
async function readParsed<M>(
  path: string,
  parse: (text: string, file: string) => {model: M; findings: Finding[]},
  into: {findings: Finding[]; files: string[]},
): Promise<M> {
  const src = await readSource(path)
  const parsed = parse(src.text, src.file)
  into.findings.push(...parsed.findings)
  into.files.push(src.file)
  return parsed.model
}

/**
 * haresources as its author meant it. A file saved with DOS line ends keeps a CR at the end of the
 * last word of each line, where ResourceManager keeps it too (that script or IP address is not found):
 * converted as-is, `lsb:tomcat\r` reached cib.xml, crm.txt and pcs.sh. The CRs are dropped, and the
 * parser's error becomes a warning saying so.
 */
function parseHaresourcesAsMeant(text: string, file: string): {model: Haresources; findings: Finding[]} {
  const parsed = parseHaresources(text, file)
  const cr = parsed.findings.find((f) => f.id === 'haresources-crlf')
  const read = cr ? parseHaresources(text.replace(/\r+(?=\n|$)/g, ''), file) : parsed
  // a line too long for Heartbeat's own start-up check is read whole here (lint and MIGRATION.md say it)
  const findings = read.findings.filter((f) => f.id !== 'haresources-line-too-long')
  if (cr) {
    const note = 'haresources has DOS line ends (CR LF): Heartbeat kept the CR in the last word of each line, so that script or address was not found; converted without them. Run dos2unix on the file if Heartbeat still reads it'
    findings.unshift(finding('convert-haresources-crlf', 'warning', cr.location, note))
  }
  return {model: read.model, findings}
}

/** Loads the named files; missing optional ones are skipped. */
export async function loadLegacy(paths: LoadOptions): Promise<LegacyInputs> {
  const result: LegacyInputs = {findings: [], files: []}
  if (paths.haresources) {
    result.haresources = await readParsed(paths.haresources, parseHaresourcesAsMeant, result)
    refuseTooManyResources(result.haresources)
  }
  if (paths.hacf) result.hacf = await readParsed(paths.hacf, parseHaCf, result)
  if (paths.authkeys) result.authkeys = await readParsed(paths.authkeys, parseAuthkeys, result)
  if (paths.haresources && paths.lookUpScripts && result.haresources) {
    const names = result.haresources.groups.flatMap((g) => g.resources.filter((r) => !(r.args.length === 0 && looksLikeBareIp(r.script))).map((r) => r.script))
    // /etc/init.d first: that is the script Pacemaker's lsb: class runs.
    const dirs = paths.haresources === '-' ? [INIT_D] : [INIT_D, join(resolve(dirname(paths.haresources)), 'resource.d')]
    result.scripts = await lookUpScripts(names, dirs)
  }
  if (paths.drbd) {
    const parsed = await loadDrbd(paths.drbd)
    result.drbd = drbdResourceInfos(parsed.model)
    result.findings.push(...parsed.findings)
    result.files.push(...parsed.model.files.map((f) => f.file))
  }
  return result
}

/**
 * More haresources resources than this are refused: each becomes a primitive of
 * a few kilobytes in every output, so a pathological file would otherwise need
 * gigabytes. A real cluster has tens.
 */
export const MAX_CONVERTED_RESOURCES = 20_000

function refuseTooManyResources(model: Haresources): void {
  let count = 0
  for (const group of model.groups) {
    for (const resource of group.resources) {
      if (++count > MAX_CONVERTED_RESOURCES) {
        throw new UserError(`more than ${MAX_CONVERTED_RESOURCES} resources, more than hakit converts (a real cluster has tens); this is resource ${count}`, 2, resource.location ?? group.location)
      }
    }
  }
}

/**
 * The files of a legacy configuration directory: DIR/haresources, DIR/ha.cf,
 * DIR/authkeys and a drbd.conf in DIR (or /etc/drbd.conf beside /etc/ha.d).
 * `explicit` entries win over the directory's.
 */
export async function legacyPaths(dir: string, explicit: LoadOptions = {}): Promise<LoadOptions> {
  if (!(await isDirectory(dir))) {
    throw new UserError((await pathExists(dir)) ? `${dir}: not a directory (give the Heartbeat configuration directory, e.g. /etc/ha.d)` : `${dir}: no such directory`)
  }
  const pick = async (name: string) => ((await pathExists(join(dir, name))) ? join(dir, name) : undefined)
  let drbd = explicit.drbd ?? (await pick('drbd.conf'))
  if (!drbd && dir.replace(/\/+$/, '') === '/etc/ha.d' && (await pathExists('/etc/drbd.conf'))) drbd = '/etc/drbd.conf'
  return {
    haresources: explicit.haresources ?? (await pick('haresources')),
    hacf: explicit.hacf ?? (await pick('ha.cf')),
    authkeys: explicit.authkeys ?? (await pick('authkeys')),
    drbd,
  }
}

/** A FILE|DIR argument: the file itself, or `name` inside the directory. */
export async function fileOrDirEntry(path: string, name: string): Promise<{file: string; dir?: string}> {
  if (await isDirectory(path)) {
    const file = join(path, name)
    if (!(await pathExists(file))) throw new UserError(`${path}: no ${name} in this directory`)
    return {file, dir: path}
  }
  return {file: path}
}

export {pathExists}

/**
 * Finds each script in `dirs` (first match wins), with its text when it
 * is a readable text file. Names with a slash are never looked up.
 */
export async function lookUpScripts(names: readonly string[], dirs: readonly string[]): Promise<Map<string, InstalledScript | null>> {
  const found = new Map<string, InstalledScript | null>()
  for (const name of new Set(names)) {
    if (name === '' || name.includes('/') || name === '.' || name === '..') continue
    let hit: InstalledScript | null = null
    for (const dir of dirs) {
      const path = join(dir, name)
      const info = await stat(path).catch(() => undefined)
      if (!info?.isFile()) continue
      const executable = await access(path, constants.X_OK).then(() => true, () => false)
      const text = info.size <= 1024 * 1024 ? await readSource(path).then((s) => s.text, () => undefined) : undefined
      hit = {path, initD: resolve(dir) === INIT_D, executable, ...(text !== undefined ? {text} : {})}
      break
    }
    found.set(name, hit)
  }
  return found
}
