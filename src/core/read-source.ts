import {readFile, stat} from 'node:fs/promises'
import {UserError} from './errors.js'

/** Configuration files larger than this are refused: no real ha.cf or CIB is near it. */
export const MAX_SOURCE_BYTES = 32 * 1024 * 1024

export interface SourceText {
  file: string
  text: string
}

/**
 * Reads a text configuration file, refusing directories, huge files,
 * binary content (NUL bytes) and invalid UTF-8 with a one-line UserError
 * (exit code 2: input cannot be read). `-` reads standard input.
 */
export async function readSource(file: string): Promise<SourceText> {
  let bytes: Buffer
  if (file === '-') {
    bytes = await readStdin()
  } else {
    let info
    try {
      info = await stat(file)
    } catch (error) {
      throw new UserError(`${file}: ${describeFsError(error)}`)
    }
    if (info.isDirectory()) throw new UserError(`${file}: is a directory, expected a file`)
    if (info.size > MAX_SOURCE_BYTES) {
      throw new UserError(`${file}: file is too large (${info.size} bytes; limit ${MAX_SOURCE_BYTES})`)
    }
    try {
      bytes = await readFile(file)
    } catch (error) {
      throw new UserError(`${file}: ${describeFsError(error)}`)
    }
  }
  return {file, text: decodeText(file, bytes)}
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
    default:
      return (error as Error)?.message ?? String(error)
  }
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of process.stdin) {
    total += (chunk as Buffer).length
    if (total > MAX_SOURCE_BYTES) throw new UserError(`-: standard input is too large (limit ${MAX_SOURCE_BYTES} bytes)`)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}
