/**
 * Tokenizer for the crm shell configuration language (`crm configure show`,
 * `crm configure load update FILE`): one statement per line, `\` at the end
 * of a line continues it, `#` at the start of a line is a comment, values may
 * be quoted with "…" (\" and \\ escapes) or '…'. Every token keeps its
 * line and column so errors can name file:line:col.
 */
import {UserError} from '../../core/errors.js'

export interface Token {
  /** The text with quotes removed and escapes resolved. */
  text: string
  /** Offset in `text` of the first `=` that was outside quotes, or -1. */
  eq: number
  /** True when any part of the token was quoted. */
  quoted: boolean
  line: number
  column: number
}

export interface Statement {
  tokens: Token[]
  /** Comment lines directly above the statement (without the leading `#`). */
  comments: string[]
  /** The raw source text of the statement (continuations included), for `xml` statements. */
  source: string
  line: number
}

export function tokenize(text: string, file: string): Statement[] {
  const statements: Statement[] = []
  let i = 0
  let line = 1
  let col = 1
  let pendingComments: string[] = []
  const n = text.length

  const advance = () => {
    if (text[i] === '\n') {
      line++
      col = 1
    } else col++
    i++
  }

  while (i < n) {
    // Start of a physical line that starts a statement: skip blanks, handle comments.
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) advance()
    if (i >= n) break
    if (text[i] === '\n') {
      advance()
      continue
    }
    if (text[i] === '#') {
      const start = i + 1
      while (i < n && text[i] !== '\n') advance()
      pendingComments.push(text.slice(start, i).replace(/^ /, '').trimEnd())
      continue
    }
    const stmt: Statement = {tokens: [], comments: pendingComments, source: '', line}
    pendingComments = []
    const sourceStart = i
    let sourceEnd = i
    // Read tokens until an unescaped end of line.
    for (;;) {
      while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) advance()
      if (i >= n) break
      if (text[i] === '\n') {
        advance()
        break
      }
      if (text[i] === '\\' && isLineEnd(text, i + 1)) {
        // Continuation: skip to the next line.
        while (i < n && text[i] !== '\n') advance()
        if (i < n) advance()
        continue
      }
      const tok: Token = {text: '', eq: -1, quoted: false, line, column: col}
      while (i < n) {
        // Fast path: a run of ordinary characters (no blanks, quotes, backslash or =).
        PLAIN.lastIndex = i
        const run = PLAIN.exec(text)
        if (run) {
          tok.text += run[0]
          i += run[0].length
          col += run[0].length
          continue
        }
        const c = text[i]
        if (c === ' ' || c === '\t' || c === '\r' || c === '\n') break
        if (c === '\\' && isLineEnd(text, i + 1)) break
        if (c === '"' || c === "'") {
          const quote = c
          const qLine = line
          const qCol = col
          tok.quoted = true
          advance()
          for (;;) {
            if (i >= n) throw new UserError(`unterminated ${quote} quote`, 2, {file, line: qLine, column: qCol})
            const q = text[i]
            if (q === quote) {
              advance()
              break
            }
            if (quote === '"' && q === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
              advance()
              tok.text += text[i]
              advance()
              continue
            }
            tok.text += q
            advance()
          }
          continue
        }
        if (c === '=' && tok.eq < 0) tok.eq = tok.text.length
        tok.text += c
        advance()
      }
      stmt.tokens.push(tok)
      sourceEnd = i
    }
    stmt.source = text.slice(sourceStart, sourceEnd)
    if (stmt.tokens.length > 0) statements.push(stmt)
  }
  return statements
}

const PLAIN = /[^ \t\r\n"'\\=]+/y

function isLineEnd(text: string, i: number): boolean {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i++
  return i >= text.length || text[i] === '\n'
}

const NO_QUOTES = /^[\p{L}\p{N}_.-]+$/u

/** Quotes a value the way crmsh does: bare when it is a plain word, "…" otherwise. */
export function quoteValue(v: string): string {
  if (NO_QUOTES.test(v)) return v
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}
