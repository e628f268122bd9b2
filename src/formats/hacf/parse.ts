import {finding, type Finding, type SourceLocation} from '../../core/findings.js'
import {directiveSpec, type HaCf, type HaCfArg, type HaCfDirective, type HaCfEntry} from './model.js'

export interface ParseResult<T> {
  model: T
  findings: Finding[]
}

/** Blanks Heartbeat skips between words. */
const BLANK = /[ \t\f\v]/
/** Option directives are split on commas as well as blanks. */
const OPTION_SEPARATOR = /[, \t\f\v]/

/** Heartbeat reads ha.cf with fgets into a buffer of this size. */
const MAXLINE = 5120

/**
 * Parses ha.cf text. Never throws: ha.cf has no syntax a line can break
 * (every non-comment line is "directive value"); the only parse finding is
 * a line too long for Heartbeat's buffer. Judging the values is left to
 * the linter.
 */
export function parseHaCf(text: string, file = 'ha.cf'): ParseResult<HaCf> {
  const entries: HaCfEntry[] = []
  const directives: HaCfDirective[] = []
  const findings: Finding[] = []
  const physical = text.split('\n')
  if (physical.length > 1 && physical[physical.length - 1] === '') physical.pop()
  physical.forEach((lineText, index) => {
    // Heartbeat's reader ends a line at CR as well as LF.
    let column = 0
    for (const segment of lineText.split('\r')) {
      if (Buffer.byteLength(segment) >= MAXLINE - 1) {
        findings.push(finding('hacf-line-too-long', 'warning', {file, line: index + 1, column: column + 1}, `line is ${Buffer.byteLength(segment)} bytes long: Heartbeat reads at most ${MAXLINE - 2} bytes and takes the rest as another line`))
      }
      const entry = parseLine(segment, file, index + 1, column)
      if (entry && !(entry.kind === 'blank' && column > 0)) {
        entries.push(entry)
        if (entry.kind === 'directive') directives.push(entry.directive)
      }
      column += segment.length + 1
    }
  })
  return {model: {file, entries, directives}, findings}
}

function parseLine(text: string, file: string, line: number, offset: number): HaCfEntry | undefined {
  const at = (column: number): SourceLocation => ({file, line, column: offset + column + 1})
  let i = 0
  while (i < text.length && BLANK.test(text[i])) i++
  if (i >= text.length) return {kind: 'blank', location: at(0)}
  const hash = text.indexOf('#', i)
  if (hash === i) return {kind: 'comment', text: text.slice(i + 1), location: at(i)}
  const content = hash >= 0 ? text.slice(0, hash) : text
  const comment = hash >= 0 ? text.slice(hash + 1) : undefined
  const nameStart = i
  while (i < content.length && !BLANK.test(content[i])) i++
  const name = content.slice(nameStart, i)
  const spec = directiveSpec(name)
  const separator = spec && (spec.style === 'option' || spec.style === 'media-token') ? OPTION_SEPARATOR : BLANK
  const args: HaCfArg[] = []
  let valueStart = -1
  let j = i
  while (j < content.length) {
    if (separator.test(content[j])) {
      j++
      continue
    }
    const start = j
    while (j < content.length && !separator.test(content[j])) j++
    args.push({text: content.slice(start, j), location: at(start)})
    if (valueStart < 0) valueStart = start
  }
  // The value keeps inner spacing and separators as written, trimmed of blanks.
  const value = valueStart >= 0 ? content.slice(valueStart).replace(/[ \t\f\v]+$/, '') : ''
  const directive: HaCfDirective = {name, value, args, location: at(nameStart)}
  if (comment !== undefined) directive.comment = comment
  return {kind: 'directive', directive}
}
