import {closeSync, fstatSync, openSync, readSync} from 'node:fs'
import {constants, type FileHandle, open, stat} from 'node:fs/promises'
import {UserError} from './errors.js'

/** Configuration files larger than this are refused: no real ha.cf or CIB is near it. */
export const MAX_SOURCE_BYTES = 32 * 1024 * 1024

export interface SourceText {
  file: string
  /** The text, without a leading UTF-8 byte order mark. */
  text: string
  /** The file began with a UTF-8 byte order mark (Heartbeat reads it as part of the first word). */
  bom?: boolean
}

/**
 * Reads a text configuration file, refusing directories, devices, huge files,
 * binary content (NUL bytes) and invalid UTF-8 with a one-line UserError
 * (exit code 2: input cannot be read). `-` reads standard input.
 */
export async function readSource(file: string): Promise<SourceText> {
  const bytes = await readSourceBytes(file)
  return {file, text: decodeText(file, bytes), ...(startsWithBom(bytes) ? {bom: true} : {})}
}

/** True when the bytes begin with the UTF-8 byte order mark (which decodeText drops). */
export function startsWithBom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
}

/**
 * The bytes of a configuration file, at most MAX_SOURCE_BYTES of them.
 * Only regular files and pipes (`-`, `<(…)`, a FIFO, a socket as /dev/stdin) are read: a device such
 * as /dev/zero never ends, and a size from stat cannot be trusted (/proc files
 * say 0, devices say 0), so the read itself is bounded.
 */
export async function readSourceBytes(file: string, limit = MAX_SOURCE_BYTES): Promise<Buffer> {
  // /dev/stdin may be a socket (a parent's pipe), which cannot be opened by name: read the stream.
  if (file === '-' || file === '/dev/stdin') return readStdin(limit)
  let handle: FileHandle
  try {
    // A pipe is read like standard input (blocking until its writer is done). Anything else is opened
    // O_NONBLOCK so that a device is looked at, not waited on, before it is refused.
    const pre = await stat(file)
    const isPipe = pre.isFIFO() || pre.isSocket() // a socket too: what a parent process's pipe to our stdin often is
    handle = await open(file, isPipe ? constants.O_RDONLY : constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
  } catch (error) {
    throw new UserError(`${file}: ${describeFsError(error)}`)
  }
  try {
    const info = await handle.stat()
    if (info.isDirectory()) throw new UserError(`${file}: is a directory, expected a file`)
    if (!info.isFile() && !info.isFIFO() && !info.isSocket()) throw new UserError(`${file}: is a ${kindOf(info)}, expected a regular file`)
    return await readBounded(file, handle, limit)
  } catch (error) {
    if (error instanceof UserError) throw error
    throw new UserError(`${file}: ${describeFsError(error)}`)
  } finally {
    await handle.close().catch(() => {})
  }
}

/**
 * readSource for a regular file, without handing each step to the thread pool: for a reader that
 * reads one file again on every change of it (crm status's live view), where a loaded machine
 * makes every round trip between threads cost. Same refusals and messages as readSource.
 */
export function readRegularFileSync(file: string, limit = MAX_SOURCE_BYTES): SourceText {
  let fd: number
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
  } catch (error) {
    throw new UserError(`${file}: ${describeFsError(error)}`)
  }
  try {
    const info = fstatSync(fd)
    if (info.isDirectory()) throw new UserError(`${file}: is a directory, expected a file`)
    if (!info.isFile()) throw new UserError(`${file}: is a ${kindOf(info)}, expected a regular file`)
    // the size stat gives, and one byte more to see a file that grew meanwhile
    let bytes = Buffer.allocUnsafe(Math.min(info.size, limit) + 1)
    let total = 0
    for (;;) {
      if (total === bytes.length) {
        if (total > limit) throw tooLarge(file, bytes, limit, 'file')
        const bigger = Buffer.allocUnsafe(Math.min(bytes.length * 2, limit + 1))
        bytes.copy(bigger, 0, 0, total)
        bytes = bigger
      }
      const n = readSync(fd, bytes, total, bytes.length - total, null)
      if (n === 0) break
      total += n
    }
    if (total > limit) throw tooLarge(file, bytes.subarray(0, total), limit, 'file')
    return {file, text: decodeText(file, bytes.subarray(0, total))}
  } catch (error) {
    if (error instanceof UserError) throw error
    throw new UserError(`${file}: ${describeFsError(error)}`)
  } finally {
    closeSync(fd)
  }
}

function kindOf(info: {isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean}): string {
  if (info.isCharacterDevice()) return 'character device'
  if (info.isBlockDevice()) return 'block device'
  if (info.isSocket()) return 'socket'
  return 'special file'
}

/** Reads until end of file, refusing (with the position where the limit was crossed) past `limit` bytes. */
async function readBounded(file: string, handle: FileHandle, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, limit + 1 - total))
    const {bytesRead} = await handle.read(chunk, 0, chunk.length, null)
    if (bytesRead === 0) break
    chunks.push(chunk.subarray(0, bytesRead))
    total += bytesRead
    if (total > limit) throw tooLarge(file, Buffer.concat(chunks), limit, 'file')
  }
  return Buffer.concat(chunks, total)
}

function tooLarge(file: string, bytes: Buffer, limit: number, what: string): UserError {
  const {line, column} = positionOfByte(bytes, limit)
  return new UserError(`${what} is too large: it goes past the ${limit}-byte limit here`, 2, {file, line, column})
}

/** Decodes UTF-8 strictly, naming the line and column of the first bad byte. */
export function decodeText(file: string, bytes: Buffer): string {
  const nul = bytes.indexOf(0)
  if (nul >= 0) {
    const {line, column} = positionOfByte(bytes, nul)
    throw new UserError(`${file}:${line}:${column}: binary data (NUL byte), not a text file`)
  }
  try {
    return new TextDecoder('utf-8', {fatal: true}).decode(bytes)
  } catch {
    const bad = firstInvalidUtf8(bytes)
    const {line, column} = positionOfByte(bytes, bad)
    throw new UserError(`${file}:${line}:${column}: invalid UTF-8`)
  }
}

function positionOfByte(bytes: Buffer, offset: number): {line: number; column: number} {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++
      lineStart = i + 1
    }
  }
  return {line, column: offset - lineStart + 1}
}

function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0
    if (len === 0 || i + len > bytes.length) return i
    for (let k = 1; k < len; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i
    try {
      new TextDecoder('utf-8', {fatal: true}).decode(bytes.subarray(i, i + len))
    } catch {
      return i
    }
    i += len
  }
  return 0
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EISDIR':
      return 'is a directory, expected a file'
    case 'ENOTDIR':
      return 'a component of the path is not a directory'
    case 'ENAMETOOLONG':
      return 'file name too long'
    case 'ELOOP':
      return 'too many levels of symbolic links'
    case 'EROFS':
      return 'read-only file system'
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no space left on the device'
    case 'EEXIST':
      return 'already exists'
    case 'EXDEV':
      return 'crosses file systems'
    case 'ENXIO':
      return 'no such device or address (a socket cannot be read by name)'
    case 'EBUSY':
      return 'device or resource busy'
    case 'EINVAL':
      return 'invalid argument (this file system does not take such files)'
    default:
      return code ? `${code}` : ((error as Error)?.message ?? String(error))
  }
}

async function readStdin(limit: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer)
    total += (chunk as Buffer).length
    if (total > limit) throw tooLarge('-', Buffer.concat(chunks), limit, 'standard input')
  }
  return Buffer.concat(chunks)
}
