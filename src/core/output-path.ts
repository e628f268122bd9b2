/**
 * Writing what the user asked for with --out: one file, or a directory of
 * files (a bundle) that replaces the previous one as a whole. Every problem
 * with the path — empty, under a file, a device, a dangling or looping
 * symlink, a name too long, no permission, a filesystem that refuses files
 * (/proc) — is one UserError line (exit 2), found before anything is written
 * where it can be.
 */
import {lstat, mkdir, open, readdir, realpath, rename, rm, stat, type FileHandle} from 'node:fs/promises'
import type {Stats} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {staleTempEntries, tempNameFor, writeFileAtomic} from './atomic-write.js'
import {UserError} from './errors.js'
import {describeFsError} from './read-source.js'

export interface OutputFile {
  name: string
  data: string | Uint8Array
  mode?: number
}

/** Writes one output file atomically (temp file + rename); a symlink is followed and kept. */
export async function writeOutputFile(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const target = await resolveOutputFile(path)
  await removeStaleTemps(dirname(target))
  try {
    await writeFileAtomic(target, data, mode)
  } catch (error) {
    throw cannotWrite(path, error)
  }
}

/**
 * Writes `files` as the whole content of directory `dir`: they are written
 * into a temp directory beside it, which is renamed into place; a previous
 * bundle there is renamed aside first and removed after. So the directory
 * holds the old bundle or the new one, never a mix. A directory holding
 * anything else is refused rather than replaced.
 */
export async function writeOutputDirectory(dir: string, files: OutputFile[]): Promise<void> {
  const target = await resolveOutputDirectory(dir, new Set(files.map((f) => f.name)))
  const parent = dirname(target.path)
  await removeStaleTemps(parent)
  const temp = tempNameFor(target.path, 'tmp')
  try {
    await mkdir(temp, {mode: target.mode ?? 0o755})
    for (const f of files) await writeDurably(join(temp, f.name), f.data, f.mode ?? 0o644)
    await syncDirectory(temp)
  } catch (error) {
    await rm(temp, {recursive: true, force: true})
    throw cannotWrite(dir, error)
  }
  if (target.mode === undefined) {
    await renameOrClean(dir, temp, target.path)
  } else {
    // rename(2) cannot replace a non-empty directory: move the old one aside, the new one in, then drop the old.
    const old = tempNameFor(target.path, 'old')
    await renameOrClean(dir, target.path, old, temp)
    try {
      await rename(temp, target.path)
    } catch (error) {
      await rename(old, target.path).catch(() => {})
      await rm(temp, {recursive: true, force: true})
      throw cannotWrite(dir, error)
    }
    await rm(old, {recursive: true, force: true})
  }
  await syncDirectory(parent).catch(() => {})
}

async function renameOrClean(shown: string, from: string, to: string, cleanup = from): Promise<void> {
  try {
    await rename(from, to)
  } catch (error) {
    await rm(cleanup, {recursive: true, force: true})
    throw cannotWrite(shown, error)
  }
}

async function writeDurably(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const handle = await open(path, 'wx', mode)
  try {
    await handle.writeFile(data)
    await handle.chmod(mode)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

async function syncDirectory(path: string): Promise<void> {
  let handle: FileHandle | undefined
  try {
    handle = await open(path, 'r')
    await handle.sync()
  } finally {
    await handle?.close()
  }
}

/** Temp files and directories a killed hakit left beside the output. */
async function removeStaleTemps(dir: string): Promise<void> {
  for (const name of await staleTempEntries(dir)) await rm(join(dir, name), {recursive: true, force: true}).catch(() => {})
}

/** The regular file (or not yet existing name) to write for `path`. */
async function resolveOutputFile(path: string): Promise<string> {
  if (path.trim() === '') throw new UserError('the output path is empty')
  const info = await lstatOrThrow(path)
  if (!info) {
    await requireDirectory(path, dirname(path))
    return path
  }
  if (info.isSymbolicLink()) return resolveOutputFile(await followLink(path))
  if (info.isDirectory()) throw new UserError(`${path}: is a directory; give a file name`)
  if (!info.isFile()) throw new UserError(`${path}: is a ${kindOf(info)}, not a regular file (the output replaces its target with a rename, which would replace the ${kindOf(info)})`)
  return path
}

/** The directory to replace (with its mode), or a new one whose parents are made. */
async function resolveOutputDirectory(dir: string, bundleNames: Set<string>): Promise<{path: string; mode?: number}> {
  if (dir.trim() === '') throw new UserError('the output directory is empty')
  const path = resolve(dir)
  const info = await lstatOrThrow(path, dir)
  if (!info) {
    await makeParents(dir, dirname(path))
    return {path}
  }
  if (info.isSymbolicLink()) return resolveOutputDirectory(await followLink(dir), bundleNames)
  if (!info.isDirectory()) throw new UserError(`${dir}: exists and is not a directory`)
  let names: string[]
  try {
    names = await readdir(path)
  } catch (error) {
    throw cannotWrite(dir, error)
  }
  const foreign = names.filter((n) => !bundleNames.has(n))
  if (foreign.length > 0) {
    throw new UserError(`${dir}: holds files that are not part of a bundle (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}); give a new or empty directory, or the directory of an earlier bundle (it is replaced as a whole)`)
  }
  return {path, mode: info.mode & 0o7777}
}

async function lstatOrThrow(path: string, shown = path): Promise<Stats | undefined> {
  try {
    return await lstat(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw cannotWrite(shown, error)
  }
}

async function followLink(path: string): Promise<string> {
  try {
    return await realpath(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new UserError(`${path}: is a dangling symbolic link (its target does not exist)`)
    if (code === 'ELOOP') throw new UserError(`${path}: symbolic link loop`)
    throw cannotWrite(path, error)
  }
}

/** The directory a new output file goes into must exist (a single file's directory is not created). */
async function requireDirectory(shown: string, dir: string): Promise<void> {
  let info
  try {
    info = await stat(dir)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new UserError(`${shown}: directory ${dir} does not exist`)
    throw cannotWrite(shown, error)
  }
  if (!info.isDirectory()) throw new UserError(`${shown}: ${dir} is not a directory`)
}

/** mkdir -p, one level at a time, so each failure names its cause (a recursive mkdir spins on /proc). */
async function makeParents(shown: string, dir: string): Promise<void> {
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw cannotWrite(shown, error)
  })
  if (info) {
    if (!info.isDirectory()) throw new UserError(`${shown}: ${dir} is not a directory`)
    return
  }
  const parent = dirname(dir)
  if (parent === dir) throw new UserError(`${shown}: cannot create ${dir}`)
  await makeParents(shown, parent)
  try {
    await mkdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotWrite(shown, error)
  }
}

function kindOf(info: {isCharacterDevice(): boolean; isBlockDevice(): boolean; isFIFO(): boolean; isSocket(): boolean}): string {
  if (info.isCharacterDevice()) return 'character device'
  if (info.isBlockDevice()) return 'block device'
  if (info.isFIFO()) return 'named pipe'
  if (info.isSocket()) return 'socket'
  return 'special file'
}

function cannotWrite(path: string, error: unknown): UserError {
  if (error instanceof UserError) return error
  return new UserError(`${path}: cannot write: ${describeFsError(error)}`)
}

