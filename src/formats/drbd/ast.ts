import type {SourceLocation} from '../../core/findings.js'

/**
 * The syntax tree of a drbd.conf file, shared by every dialect: drbd.conf is
 * nested `keyword [args] { … }` sections and `keyword [args];` statements,
 * whatever the version. Which keywords are valid where is decided later
 * (keywords.ts, dialect.ts), so one parser reads 0.7, 8.x and 9.x files.
 */
export type Loc = SourceLocation

/** One word or quoted string; `value` has quotes removed and escapes resolved. */
export interface Word {
  value: string
  quoted: boolean
  loc: Loc
}

export interface Statement {
  type: 'statement'
  keyword: string
  args: Word[]
  loc: Loc
}

export interface Section {
  type: 'section'
  keyword: string
  args: Word[]
  body: Node[]
  loc: Loc
}

/** `skip [text] { … }`: ignored by drbdadm, kept verbatim (text from `skip` to its closing brace). */
export interface Skip {
  type: 'skip'
  raw: string
  loc: Loc
}

export type Node = Statement | Section | Skip

export interface DrbdFile {
  file: string
  nodes: Node[]
}
