import {finding, type Finding} from '../../core/findings.js'
import type {DrbdFile, Loc, Node, Section, Statement, Word} from './ast.js'
import {isKnownKeyword, keywordSpec} from './keywords.js'
import {Lexer, type Token} from './lexer.js'

export interface ParseTextResult {
  file: DrbdFile
  /** Syntax errors (`drbd-syntax`), each naming file:line:column. */
  findings: Finding[]
}

/**
 * Parses one drbd.conf / *.res text into its syntax tree. Never throws: bad
 * input gives `drbd-syntax` findings and as much of the tree as could be read.
 * `include` statements are kept, not followed (see load.ts).
 */
export function parseDrbdText(text: string, file: string): ParseTextResult {
  return new Parser(text, file).parse()
}

/** Real files nest five levels deep; beyond this, a block is skipped unread (and recursion stays bounded). */
const MAX_DEPTH = 50

class Parser {
  private readonly lexer: Lexer
  private depth = 0
  private readonly findings: Finding[] = []

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    this.lexer = new Lexer(text)
  }

  parse(): ParseTextResult {
    const nodes = this.parseNodes('top', undefined)
    for (const e of this.lexer.errors) {
      this.findings.push(finding('drbd-syntax', 'error', {file: this.file, line: e.line, column: e.column}, e.message))
    }
    return {file: {file: this.file, nodes}, findings: this.findings}
  }

  private loc(token: Token): Loc {
    return {file: this.file, line: token.line, column: token.column}
  }

  private error(token: Token, message: string): void {
    this.findings.push(finding('drbd-syntax', 'error', this.loc(token), message))
  }

  /** Reads nodes until the `}` closing `opener` (or end of text at top level). */
  private parseNodes(context: string, opener: Section | undefined): Node[] {
    const nodes: Node[] = []
    for (;;) {
      const token = this.lexer.peek()
      if (token.kind === 'eof') {
        if (opener) {
          this.findings.push(
            finding('drbd-syntax', 'error', opener.loc, `'${describeSection(opener)}' is not closed: missing '}' before the end of the file`),
          )
        }
        return nodes
      }
      this.lexer.next()
      if (token.kind === '}') {
        if (opener) return nodes
        this.error(token, `unexpected '}' (no section is open)`)
        continue
      }
      if (token.kind === ';') {
        this.error(token, `unexpected ';' (empty statement)`)
        continue
      }
      if (token.kind === '{') {
        this.error(token, `unexpected '{': a section needs a keyword before its brace`)
        const anonymous: Section = {type: 'section', keyword: '', args: [], body: [], loc: this.loc(token)}
        this.parseBody(anonymous, 'unknown')
        continue
      }
      if (token.kind === 'string') {
        this.error(token, `expected a keyword, found the quoted string "${token.value}"`)
      }
      if (token.kind === 'word' && token.value === 'skip') {
        const skip = this.parseSkip(token)
        if (skip) nodes.push(skip)
        continue
      }
      nodes.push(this.parseNode(token, context))
    }
  }

  private parseNode(keywordToken: Token, context: string): Node {
    const keyword = keywordToken.value
    const loc = this.loc(keywordToken)
    const args: Word[] = []
    let lastLine = keywordToken.line
    for (;;) {
      const token = this.lexer.peek()
      if (token.kind === 'word' || token.kind === 'string') {
        // A known keyword on a new line almost always means the previous line lacks its ';'.
        if (token.kind === 'word' && token.line > lastLine && isKnownKeyword(context, token.value)) {
          this.error(keywordToken, `missing ';' after '${[keyword, ...args.map((a) => a.value)].join(' ')}'`)
          return {type: 'statement', keyword, args, loc}
        }
        this.lexer.next()
        args.push({value: token.value, quoted: token.kind === 'string', loc: this.loc(token)})
        lastLine = token.line
        continue
      }
      if (token.kind === ';') {
        this.lexer.next()
        return {type: 'statement', keyword, args, loc} satisfies Statement
      }
      if (token.kind === '{') {
        this.lexer.next()
        const section: Section = {type: 'section', keyword, args, body: [], loc}
        const spec = keywordSpec(context, keyword, true)
        this.parseBody(section, spec?.opaque ? 'opaque' : (spec?.context ?? 'unknown'))
        return section
      }
      // '}' or end of file: the statement was never terminated.
      this.error(keywordToken, `missing ';' after '${[keyword, ...args.map((a) => a.value)].join(' ')}'`)
      return {type: 'statement', keyword, args, loc}
    }
  }

  /** Reads a section's body after its `{`, or skips it when nesting is absurdly deep. */
  private parseBody(section: Section, context: string): void {
    if (this.depth >= MAX_DEPTH) {
      this.findings.push(finding('drbd-syntax', 'error', section.loc, `sections nested more than ${MAX_DEPTH} deep; the block is skipped`))
      if (this.lexer.skipBlock() < 0) {
        this.findings.push(finding('drbd-syntax', 'error', section.loc, `'${describeSection(section)}' is not closed: missing '}' before the end of the file`))
      }
      return
    }
    this.depth++
    section.body = this.parseNodes(context, section)
    this.depth--
  }

  /** `skip [anything] { … }` — kept verbatim. */
  private parseSkip(skipToken: Token): Node | undefined {
    for (;;) {
      const token = this.lexer.next()
      if (token.kind === '{') break
      if (token.kind === 'eof' || token.kind === ';' || token.kind === '}') {
        this.error(skipToken, `'skip' must be followed by a '{ … }' block`)
        return undefined
      }
    }
    const end = this.lexer.skipBlock()
    if (end < 0) {
      this.error(skipToken, `'skip' block is not closed: missing '}' before the end of the file`)
      return {type: 'skip', raw: this.text.slice(skipToken.offset).replace(/\s+$/, '') + '\n}', loc: this.loc(skipToken)}
    }
    return {type: 'skip', raw: this.text.slice(skipToken.offset, end), loc: this.loc(skipToken)}
  }
}

export function describeSection(section: Section): string {
  return [section.keyword, ...section.args.map((a) => a.value)].join(' ')
}
