import {finding, type Finding, type SourceLocation} from '../../core/findings.js'
import type {AuthKey, Authkeys, AuthkeysEntry, AuthLine} from './model.js'

export interface ParseResult<T> {
  model: T
  findings: Finding[]
}

const BLANKS = /^[ \t\f\v\r]*/

/**
 * Parses authkeys text as Heartbeat's parse_authfile does: leading blanks
 * skipped, `#` starts a comment only at the start of a line, a line starting
 * with `a` must be `auth N`, other lines are `N method [key]` where the key
 * is the third word and anything after it is ignored. Never throws: lines
 * Heartbeat would refuse are kept as `invalid` entries with an error finding.
 */
export function parseAuthkeys(text: string, file = 'authkeys'): ParseResult<Authkeys> {
  const entries: AuthkeysEntry[] = []
  const authLines: AuthLine[] = []
  const keys: AuthKey[] = []
  const findings: Finding[] = []
  const physical = text.split('\n')
  if (physical.length > 1 && physical[physical.length - 1] === '') physical.pop()

  physical.forEach((raw, index) => {
    const line = index + 1
    const at = (column: number): SourceLocation => ({file, line, column: column + 1})
    const lead = BLANKS.exec(raw)![0].length
    const body = raw.slice(lead).replace(/[\r \t\f\v]+$/, '')
    if (body === '') return entries.push({kind: 'blank', location: at(0)})
    if (body.startsWith('#')) return entries.push({kind: 'comment', text: raw.slice(lead + 1), location: at(lead)})

    const words = splitWords(body, lead)
    if (body.startsWith('a')) {
      // sscanf(line, "auth %d"): the word must be exactly "auth" followed by a number.
      const m = /^auth[ \t\f\v\r]+([+-]?\d+)/.exec(body)
      if (!m) {
        findings.push(finding('authkeys-syntax', 'error', at(lead), `invalid auth line "${body}": expected "auth N"`))
        return entries.push({kind: 'invalid', text: body, location: at(lead)})
      }
      const auth: AuthLine = {index: Number.parseInt(m[1], 10), location: at(lead)}
      const rest = body.slice(m[0].length).trim()
      if (rest !== '') auth.rest = rest
      authLines.push(auth)
      return entries.push({kind: 'auth', auth})
    }

    const indexWord = /^[+-]?\d+/.exec(words[0].text)
    if (!indexWord || words.length < 2 || indexWord[0] !== words[0].text) {
      findings.push(finding('authkeys-syntax', 'error', at(lead), `invalid key line "${body}": expected "N method [key]"`))
      return entries.push({kind: 'invalid', text: body, location: at(lead)})
    }
    const key: AuthKey = {
      index: Number.parseInt(words[0].text, 10),
      method: words[1].text,
      location: at(lead),
      methodLocation: words[1].location,
    }
    if (words[2]) {
      key.key = words[2].text
      key.keyLocation = words[2].location
    }
    if (words.length > 3) {
      key.rest = body.slice(words[3].location.column - 1 - lead)
      key.restLocation = words[3].location
    }
    keys.push(key)
    return entries.push({kind: 'key', key})

    function splitWords(textBody: string, offset: number): {text: string; location: SourceLocation}[] {
      const out: {text: string; location: SourceLocation}[] = []
      const re = /[^ \t\f\v\r]+/g
      let m: RegExpExecArray | null
      while ((m = re.exec(textBody))) out.push({text: m[0], location: at(offset + m.index)})
      return out
    }
  })
  return {model: {file, entries, authLines, keys}, findings}
}
