/**
 * The CIB on disk, kept as Pacemaker's based keeps /var/lib/pacemaker/cib
 * (pacemaker-runtime.md §5.4): `cib.xml` + `cib.xml.sig` (MD5 of the compact
 * XML), the previous version archived as `cib-N.raw` (+ `.sig`) with N from
 * `cib.last` (wrapping at 100), no status section and num_updates="0" on disk.
 *
 * Written only when the configuration changed, atomically (temp file, fsync,
 * rename, directory fsync), and before the change is acknowledged. On load a
 * file whose digest does not match (edited behind the daemon's back, or torn)
 * is renamed `cib.auto.*` and the newest valid backup is used; when none is
 * valid the start is refused with a message saying what to do.
 */
import {link, mkdir, open, readFile, readdir, rename, stat, unlink} from 'node:fs/promises'
import {join} from 'node:path'
import {UserError} from '../../core/errors.js'
import {writeFileAtomic} from '../../core/atomic-write.js'
import type {Cib} from '../../formats/cib/model.js'
import {parseCibXml, printCibXml} from '../../formats/cib/xml.js'
import {emptyCib} from '../../formats/cib/model.js'
import {cibVersion, formatVersion, setCibVersion, xmlDigest} from './cib-ops.js'

/** Backups wrap at this number, as Pacemaker's. */
export const BACKUP_WRAP = 100

export interface LoadedStore {
  cib: Cib
  /** Which file it came from: 'cib.xml', 'cib-N.raw', or 'none' (no CIB on disk yet). */
  source: string
  /** What happened, in Pacemaker's wording, for the log. */
  messages: Array<{level: 'info' | 'warn' | 'error'; text: string}>
}

/** The CIB's on-disk form: no status, num_updates 0, dc-uuid dropped. */
export function onDiskXml(cib: Cib, writtenAt: string): string {
  const v = cibVersion(cib)
  const attributes = {...cib.attributes}
  delete attributes['dc-uuid']
  attributes['cib-last-written'] = writtenAt
  const disk: Cib = {...cib, attributes, status: []}
  setCibVersion(disk, {...v, numUpdates: 0})
  return printCibXml(disk)
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

export class CibStore {
  readonly file: string
  readonly sigFile: string
  readonly lastFile: string

  constructor(readonly dir: string) {
    this.file = join(dir, 'cib.xml')
    this.sigFile = join(dir, 'cib.xml.sig')
    this.lastFile = join(dir, 'cib.last')
  }

  /** True when a CIB has been written here before (cib.xml or a backup). */
  async exists(): Promise<boolean> {
    if (await exists(this.file)) return true
    try {
      return (await readdir(this.dir)).some((f) => /^cib-\d+\.raw$/.test(f))
    } catch {
      return false
    }
  }

  private async nextBackupNumber(): Promise<number> {
    try {
      const n = Number.parseInt(await readFile(this.lastFile, 'utf8'), 10)
      return Number.isFinite(n) && n >= 0 ? n % BACKUP_WRAP : 0
    } catch {
      return 0
    }
  }

  /**
   * Writes the configuration (not the status) of `cib`: archives the current
   * cib.xml as cib-N.raw (a hard link, as Pacemaker), then replaces cib.xml and
   * its signature. Returns the digest written.
   */
  async write(cib: Cib, writtenAt: string): Promise<string> {
    await mkdir(this.dir, {recursive: true, mode: 0o750})
    if (await exists(this.file)) {
      const n = await this.nextBackupNumber()
      const raw = join(this.dir, `cib-${n}.raw`)
      await unlink(raw).catch(() => {})
      await unlink(`${raw}.sig`).catch(() => {})
      await link(this.file, raw)
      if (await exists(this.sigFile)) await link(this.sigFile, `${raw}.sig`)
      await writeFileAtomic(this.lastFile, String((n + 1) % BACKUP_WRAP), 0o640)
    }
    const xml = onDiskXml(cib, writtenAt)
    const digest = xmlDigest(xml)
    // a crash between the two renames leaves a mismatch, which load() treats as "not written" and
    // falls back to the archived previous version (that change had not been acknowledged yet)
    await writeFileAtomic(this.file, xml, 0o600)
    await writeFileAtomic(this.sigFile, digest, 0o600)
    await fsyncDir(this.dir)
    return digest
  }

  /** Reads one CIB file and checks it against its signature; undefined when unusable (reason given). */
  private async readVerified(path: string): Promise<{cib: Cib} | {reason: string}> {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      return {reason: `cannot read: ${(error as Error).message}`}
    }
    let expected: string | undefined
    try {
      expected = (await readFile(`${path}.sig`, 'utf8')).trim()
    } catch {
      expected = undefined
    }
    let digest: string
    let cib: Cib
    try {
      digest = xmlDigest(text, path)
      cib = parseCibXml(text, path)
    } catch (error) {
      return {reason: `not a valid CIB: ${(error as Error).message}`}
    }
    if (expected !== undefined && expected !== digest) return {reason: `digest mismatch: expected ${expected}, calculated ${digest}`}
    return {cib}
  }

  /** The backups, newest first (cib.last names the next number to use). */
  private async backupsNewestFirst(): Promise<string[]> {
    let names: string[]
    try {
      names = (await readdir(this.dir)).filter((f) => /^cib-\d+\.raw$/.test(f))
    } catch {
      return []
    }
    const next = await this.nextBackupNumber()
    const age = (name: string) => (next - Number(/\d+/.exec(name)![0]) + BACKUP_WRAP) % BACKUP_WRAP || BACKUP_WRAP
    return names.sort((a, b) => age(a) - age(b)).map((n) => join(this.dir, n))
  }

  /**
   * Loads the CIB: cib.xml when its digest matches, else (after moving it
   * aside as cib.auto.*) the newest valid backup. A directory with no CIB at
   * all gives an empty one (`source: 'none'`). Refuses (UserError, exit 6)
   * when there are CIB files but none is valid.
   */
  async load(): Promise<LoadedStore> {
    const messages: LoadedStore['messages'] = []
    if (!(await this.exists())) return {cib: emptyCib(), source: 'none', messages}
    if (await exists(this.file)) {
      const main = await this.readVerified(this.file)
      if ('cib' in main) return {cib: this.loaded(main.cib), source: 'cib.xml', messages}
      const aside = join(this.dir, `cib.auto.${Date.now().toString(36)}`)
      await rename(this.file, aside)
      await rename(this.sigFile, `${aside}.sig`).catch(() => {})
      messages.push({level: 'error', text: `${this.file} was manually modified or damaged (${main.reason}): moved aside as ${aside}`})
    }
    for (const backup of await this.backupsNewestFirst()) {
      const got = await this.readVerified(backup)
      if ('cib' in got) {
        const cib = this.loaded(got.cib)
        messages.push({level: 'warn', text: `Continuing with the last valid backup ${backup} (version ${formatVersion(cibVersion(cib))})`})
        return {cib, source: backup.slice(this.dir.length + 1), messages}
      }
      messages.push({level: 'warn', text: `Ignoring backup ${backup}: ${got.reason}`})
    }
    throw new UserError(
      `refusing to start: no valid CIB in ${this.dir} (${messages.map((m) => m.text).join('; ')}). ` +
        `Restore a CIB there, or remove the directory and start with --cib FILE (the cluster's CIB is taken from the DC when this node joins).`,
      6,
    )
  }

  private loaded(cib: Cib): Cib {
    delete cib.attributes['dc-uuid']
    cib.attributes.admin_epoch ??= '0'
    cib.status = []
    return cib
  }
}
