import {readdir, stat} from 'node:fs/promises'
import {dirname, isAbsolute, join, resolve} from 'node:path'
import {UserError} from '../../core/errors.js'
import {finding, type Finding} from '../../core/findings.js'
import {readSource, readSourceBytes} from '../../core/read-source.js'
import type {DrbdFile, Node, Statement} from './ast.js'
import {parseDrbdText} from './parse.js'

export interface LoadedDrbd {
  /** The files read, the main one first, then included ones in inclusion order. */
  files: DrbdFile[]
  /** The main file's nodes with every top-level `include` replaced by the included files' nodes. */
  nodes: Node[]
  findings: Finding[]
}

/** drbdadm's limit on nested includes. */
const MAX_INCLUDE_DEPTH = 10

/**
 * Reads a drbd.conf and everything it includes. The main file being
 * unreadable throws a UserError (exit 2); a bad include becomes a finding
 * on the `include` line.
 */
export async function loadDrbdConfig(path: string): Promise<LoadedDrbd> {
  const findings: Finding[] = []
  const files: DrbdFile[] = []
  const main = await readDrbdSource(path, findings)
  const nodes = await expand(main.text, path, 0, new Set([resolve(path)]), files, findings)
  return {files, nodes, findings}
}

/** Parses text that is already in memory; includes are resolved relative to `file`. */
export async function loadDrbdText(text: string, file: string): Promise<LoadedDrbd> {
  const findings: Finding[] = []
  const files: DrbdFile[] = []
  const nodes = await expand(text, file, 0, new Set([resolve(file)]), files, findings)
  return {files, nodes, findings}
}

async function expand(text: string, file: string, depth: number, active: Set<string>, files: DrbdFile[], findings: Finding[]): Promise<Node[]> {
  const parsed = parseDrbdText(text, file)
  files.push(parsed.file)
  findings.push(...parsed.findings)
  const out: Node[] = []
  for (const node of parsed.file.nodes) {
    if (node.type !== 'statement' || node.keyword !== 'include') {
      out.push(node)
      continue
    }
    out.push(...(await expandInclude(node, file, depth, active, files, findings)))
  }
  return out
}

async function expandInclude(
  include: Statement,
  file: string,
  depth: number,
  active: Set<string>,
  files: DrbdFile[],
  findings: Finding[],
): Promise<Node[]> {
  if (include.args.length !== 1) {
    findings.push(finding('drbd-syntax', 'error', include.loc, `'include' takes exactly one file name or glob pattern`))
    return []
  }
  if (depth + 1 > MAX_INCLUDE_DEPTH) {
    findings.push(finding('drbd-include', 'error', include.loc, `includes nested more than ${MAX_INCLUDE_DEPTH} deep`))
    return []
  }
  const pattern = include.args[0].value
  const base = dirname(file === '-' ? './-' : file)
  const absolute = isAbsolute(pattern) ? pattern : join(base, pattern)
  let matches: string[]
  if (hasGlobChars(pattern)) {
    matches = await expandGlob(absolute)
    if (matches.length === 0) {
      findings.push(finding('drbd-include-empty', 'info', include.loc, `include pattern '${pattern}' matches no file`))
      return []
    }
  } else {
    matches = [absolute]
  }
  const out: Node[] = []
  for (const match of matches) {
    const key = resolve(match)
    if (active.has(key)) {
      findings.push(finding('drbd-include', 'error', include.loc, `'${match}' includes itself (include loop)`))
      continue
    }
    let text: string
    try {
      text = (await readDrbdSource(match, findings)).text
    } catch (error) {
      const message = error instanceof UserError ? error.message : String(error)
      findings.push(finding('drbd-include', 'error', include.loc, `cannot read included file: ${message}`))
      continue
    }
    active.add(key)
    out.push(...(await expand(text, match, depth + 1, active, files, findings)))
    active.delete(key)
  }
  return out
}

/**
 * readSource, except that invalid UTF-8 inside comments (old configs carry
 * Latin-1 or GBK comments) is read with replacement characters and a
 * `drbd-encoding` warning: drbdadm itself only cares about the ASCII
 * keywords. Invalid UTF-8 anywhere else means the file is not a drbd.conf.
 */
async function readDrbdSource(path: string, findings: Finding[]): Promise<{text: string}> {
  try {
    return await readSource(path)
  } catch (error) {
    const m = error instanceof UserError ? /^(.*):(\d+):(\d+): invalid UTF-8$/.exec(error.message) : null
    if (!m || path === '-') throw error
    const text = new TextDecoder('utf-8', {fatal: false}).decode(await readSourceBytes(path))
    const outside = replacementOutsideComment(text)
    if (outside) throw new UserError(`${path}:${outside.line}:${outside.column}: invalid UTF-8 outside a comment; not a drbd.conf text file`)
    findings.push(
      finding('drbd-encoding', 'warning', {file: path, line: Number(m[2]), column: Number(m[3])}, 'invalid UTF-8 in comments (legacy encoding?); read with replacement characters'),
    )
    return {text}
  }
}

/** The first U+FFFD that is not inside a `#` comment, if any. */
function replacementOutsideComment(text: string): {line: number; column: number} | undefined {
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    let inQuotes = false
    for (let j = 0; j < line.length; j++) {
      const ch = line[j]
      if (ch === '"') inQuotes = !inQuotes
      else if (ch === '\\' && inQuotes) j++
      else if (ch === '#' && !inQuotes) break
      else if (ch === '\uFFFD') return {line: i + 1, column: j + 1}
    }
  }
  return undefined
}

function hasGlobChars(pattern: string): boolean {
  return /[*?[]/.test(pattern)
}

/** A small glob(3): `*`, `?` and `[…]` within path segments; results sorted like glob's. */
export async function expandGlob(pattern: string): Promise<string[]> {
  const absolute = isAbsolute(pattern)
  const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0)
  let current = [absolute ? '/' : '.']
  for (const segment of segments) {
    if (segment === '') continue
    const next: string[] = []
    if (!hasGlobChars(segment)) {
      for (const dir of current) next.push(join(dir, segment))
    } else {
      const re = globSegmentToRegExp(segment)
      for (const dir of current) {
        let entries: string[]
        try {
          entries = await readdir(dir)
        } catch {
          continue
        }
        for (const entry of entries.sort()) {
          if (entry.startsWith('.') && !segment.startsWith('.')) continue
          if (re.test(entry)) next.push(join(dir, entry))
        }
      }
    }
    current = next
  }
  const existing: string[] = []
  for (const path of current) {
    try {
      if ((await stat(path)).isFile()) existing.push(path)
    } catch {
      // a literal segment that does not exist: no match
    }
  }
  return existing
}

function globSegmentToRegExp(segment: string): RegExp {
  let re = ''
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]
    if (ch === '*') re += '[^/]*'
    else if (ch === '?') re += '[^/]'
    else if (ch === '[') {
      const close = segment.indexOf(']', i + 2)
      if (close < 0) {
        re += '\\['
        continue
      }
      let body = segment.slice(i + 1, close)
      if (body.startsWith('!')) body = '^' + body.slice(1)
      re += `[${body.replace(/\\/g, '\\\\')}]`
      i = close
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}
