import {finding, type Finding, type SourceLocation} from '../../core/findings.js'
import {resourceFromToken, type Haresources, type HaresourcesEntry, type HaresourcesGroup} from './model.js'

export interface ParseResult<T> {
  model: T
  findings: Finding[]
}

/** A logical line: its text and where each physical piece of it starts. */
interface Located {
  text: string
  /** Pieces in order: offset in `text` where the piece starts, its line, and the column of its first character. */
  pieces: {offset: number; line: number; column: number}[]
}

/** What Heartbeat's haresources check reads of a line: fgets(buf, MAXLINE - 1) keeps 5118 characters. */
const HEARTBEAT_LINE_BYTES = 5118

/**
 * Parses haresources text the way ResourceManager's `ipres` pipeline reads
 * it: strip from `#` to the end of the line, join a line that ends in `\`
 * with the next one (no space added; the joined line's comment is NOT
 * stripped), split on runs of blanks and tabs. Never throws; oddities that
 * make Heartbeat do something other than what the file seems to say are
 * returned as findings.
 */
export function parseHaresources(text: string, file = 'haresources'): ParseResult<Haresources> {
  const entries: HaresourcesEntry[] = []
  const groups: HaresourcesGroup[] = []
  const findings: Finding[] = []
  const physical = text.split('\n')
  if (physical.length > 1 && physical[physical.length - 1] === '') physical.pop()
  const loc = (line: number, column: number): SourceLocation => ({file, line, column})
  let reportedCr = false

  physical.forEach((raw, i) => checkLineLength(raw, i + 1))

  for (let i = 0; i < physical.length; i++) {
    const lineNo = i + 1
    const raw = physical[i]
    const hash = raw.indexOf('#')
    const stripped = hash >= 0 ? raw.slice(0, hash) : raw
    const comment = hash >= 0 ? raw.slice(hash + 1) : undefined
    const joined: Located = {text: stripped, pieces: [{offset: 0, line: lineNo, column: 1}]}
    warnBrokenContinuation(stripped, lineNo)
    while (joined.text.endsWith('\\') && i + 1 < physical.length) {
      joined.text = joined.text.slice(0, -1)
      i++
      const next = physical[i]
      const nextHash = next.indexOf('#')
      if (nextHash >= 0) {
        findings.push(
          finding(
            'haresources-comment-in-continuation',
            'error',
            loc(i + 1, nextHash + 1),
            'ResourceManager does not strip comments on continued lines: the words after this "#" become resources',
          ),
        )
      }
      if (!next.endsWith('\\')) warnBrokenContinuation(next, i + 1)
      joined.pieces.push({offset: joined.text.length, line: i + 1, column: 1})
      joined.text += next
    }
    if (joined.text.endsWith('\\') && i + 1 >= physical.length && joined.text.trim() !== '\\') {
      findings.push(finding('haresources-trailing-backslash', 'warning', locate(joined, joined.text.length - 1), 'the last line ends with "\\" but no line follows'))
    }

    const tokens = splitBlanks(joined.text)
    if (tokens.length === 0) {
      if (comment !== undefined && stripped.trim() === '') entries.push({kind: 'comment', text: comment, location: loc(lineNo, hash + 1)})
      else entries.push({kind: 'blank', location: loc(lineNo, 1)})
      continue
    }
    for (const token of tokens) {
      if (!reportedCr && token.text.includes('\r')) {
        reportedCr = true
        findings.push(
          finding(
            'haresources-crlf',
            'error',
            locate(joined, token.offset + token.text.indexOf('\r')),
            'carriage return (DOS line ending): ResourceManager keeps it as part of the word, so the script or node name will not match',
          ),
        )
      }
    }
    const [nodeToken, ...resourceTokens] = tokens
    const group: HaresourcesGroup = {
      node: nodeToken.text,
      location: locate(joined, nodeToken.offset),
      resources: resourceTokens.map((t) => resourceFromToken(t.text, locate(joined, t.offset))),
      endLine: i + 1,
    }
    if (comment !== undefined) group.comment = comment
    if (group.resources.length === 0) {
      findings.push(finding('haresources-empty-group', 'error', group.location, `node "${group.node}" is followed by no resources`))
    }
    entries.push({kind: 'group', group})
    groups.push(group)
  }
  return {model: {file, entries, groups}, findings}

  /** Source position of character `offset` of a logical line. */
  function locate(line: Located, offset: number): SourceLocation {
    let piece = line.pieces[0]
    for (const p of line.pieces) if (p.offset <= offset) piece = p
    return loc(piece.line, piece.column + offset - piece.offset)
  }

  /**
   * Heartbeat's own haresources check reads lines with fgets into MAXLINE - 1 bytes (5118 characters):
   * the rest of a longer line is read as a line of its own, and its first word is checked as a node name.
   */
  function checkLineLength(lineText: string, lineNo: number): void {
    // (counted without copying: nearly every line is short)
    if (Buffer.byteLength(lineText) <= HEARTBEAT_LINE_BYTES) return
    const bytes = Buffer.from(lineText)
    const rest = bytes.subarray(HEARTBEAT_LINE_BYTES).toString().replace(/^[ \t\r\f\v]+/, '')
    if (rest === '' || rest.startsWith('#')) return // a blank or comment remainder is skipped
    const word = rest.split(/[ \t\r\f\v]/)[0]!
    findings.push(
      finding(
        'haresources-line-too-long',
        'error',
        loc(lineNo, 1),
        `line is ${bytes.length} bytes long: Heartbeat's start-up check reads ${HEARTBEAT_LINE_BYTES} bytes of it and the rest as a line of its own, whose first word "${word.slice(0, 40)}" is no node name ("Bad nodename"): Heartbeat does not start; continue the group on the next line with \\`,
      ),
    )
  }

  function warnBrokenContinuation(lineText: string, lineNo: number): void {
    const m = /\\([ \t\r]+)$/.exec(lineText)
    if (m) {
      findings.push(
        finding(
          'haresources-continuation-space',
          'warning',
          loc(lineNo, m.index + 1),
          m[1].includes('\r')
            ? 'the "\\" is followed by a carriage return, so the line is not continued'
            : 'the "\\" is followed by blanks, so the line is not continued',
        ),
      )
    }
  }
}

function splitBlanks(text: string): {text: string; offset: number}[] {
  const out: {text: string; offset: number}[] = []
  const re = /[^ \t]+/g
  let m: RegExpExecArray | null
  while ((m = re.exec(text))) out.push({text: m[0], offset: m.index})
  return out
}
