import type {Loc} from './ast.js'

export type TokenKind = 'word' | 'string' | '{' | '}' | ';' | 'eof'

export interface Token {
  kind: TokenKind
  /** Word text, or the unescaped content of a string. */
  value: string
  /** Line and column of the token's first character. */
  line: number
  column: number
  /** Offset of the token in the text (for `skip` bodies). */
  offset: number
}

export interface LexError {
  message: string
  line: number
  column: number
}

/**
 * Characters that end a word: blanks, `{ } ; # "`. Everything else (including
 * `: [ ] %`) stays in the word, so `10.0.0.1:7788` and `/dev/sdb[0]` are one
 * word each; the model splits them. drbdadm's own scanner is stricter; hakit
 * reads first and reports later.
 */
function endsWord(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v' ||
    ch === '{' || ch === '}' || ch === ';' || ch === '#' || ch === '"'
}

/** A pull lexer over drbd.conf text; never throws, collects errors instead. */
export class Lexer {
  private pos = 0
  private line = 1
  private lineStart = 0
  private peeked: Token | undefined
  readonly errors: LexError[] = []

  constructor(readonly text: string) {}

  peek(): Token {
    this.peeked ??= this.scan()
    return this.peeked
  }

  next(): Token {
    const token = this.peek()
    this.peeked = undefined
    return token
  }

  /**
   * Called after the `{` of a `skip` section has been consumed: skips to the
   * matching `}` counting nested braces (comments and one-line quoted strings
   * do not count) and returns the offset just after it, or -1 at end of text.
   */
  skipBlock(): number {
    this.peeked = undefined
    let depth = 1
    const t = this.text
    while (this.pos < t.length) {
      const ch = t[this.pos]
      if (ch === '\n') {
        this.newline()
        continue
      }
      if (ch === '#') {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++
        continue
      }
      if (ch === '"') {
        const close = t.indexOf('"', this.pos + 1)
        const eol = t.indexOf('\n', this.pos + 1)
        if (close > 0 && (eol < 0 || close < eol)) {
          this.pos = close + 1
          continue
        }
      }
      this.pos++
      if (ch === '{') depth++
      if (ch === '}' && --depth === 0) return this.pos
    }
    return -1
  }

  private newline(): void {
    this.pos++
    this.line++
    this.lineStart = this.pos
  }

  private scan(): Token {
    const t = this.text
    for (;;) {
      if (this.pos >= t.length) return this.token('eof', '', this.pos)
      const ch = t[this.pos]
      if (ch === '\n') {
        this.newline()
      } else if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v' || ch === '\uFEFF') {
        this.pos++
      } else if (ch === '#') {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++
      } else {
        break
      }
    }
    const start = this.pos
    const ch = t[start]
    if (ch === '{' || ch === '}' || ch === ';') {
      this.pos++
      return this.token(ch, ch, start)
    }
    if (ch === '"') return this.scanString(start)
    while (this.pos < t.length && !endsWord(t[this.pos])) this.pos++
    return this.token('word', t.slice(start, this.pos), start)
  }

  /** `"…"` with backslash escapes; a newline before the closing quote is an error (drbdadm agrees). */
  private scanString(start: number): Token {
    const t = this.text
    let value = ''
    this.pos++
    while (this.pos < t.length) {
      const ch = t[this.pos]
      if (ch === '"') {
        this.pos++
        return this.token('string', value, start)
      }
      if (ch === '\n') break
      if (ch === '\\' && this.pos + 1 < t.length && t[this.pos + 1] !== '\n') {
        value += t[this.pos + 1]
        this.pos += 2
        continue
      }
      value += ch
      this.pos++
    }
    this.errors.push({message: 'unterminated quoted string', line: this.line, column: start - this.lineStart + 1})
    return this.token('string', value, start)
  }

  private token(kind: TokenKind, value: string, start: number): Token {
    return {kind, value, line: this.line, column: start - this.lineStart + 1, offset: start}
  }

  /** Location helper for callers. */
  locOf(file: string, token: Token): Loc {
    return {file, line: token.line, column: token.column}
  }
}
