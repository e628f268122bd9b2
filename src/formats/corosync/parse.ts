/**
 * Reads corosync.conf the way corosync's own parser (exec/coroparse.c) does:
 * one statement a line — `name {`, `}`, or `key: value`; `#` starts a
 * comment line; blank lines are ignored. Errors carry file:line:column.
 */
import {UserError} from '../../core/errors.js'
import type {CorosyncConf, CorosyncItem, CorosyncSection} from './model.js'

export function parseCorosyncConf(text: string, file: string): CorosyncConf {
  const root: CorosyncConf = {items: []}
  const stack: Array<{items: CorosyncItem[]; section?: CorosyncSection}> = [root]
  const lines = text.split(/\r?\n/)
  lines.forEach((raw, index) => {
    const lineNo = index + 1
    const column = raw.length - raw.trimStart().length + 1
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const location = {file, line: lineNo, column}
    const top = stack.at(-1)!
    if (line === '}') {
      if (stack.length === 1) throw new UserError("unexpected '}'", 2, location)
      stack.pop()
      return
    }
    const open = /^([^\s:{}]+)\s*\{$/.exec(line)
    if (open) {
      const sec: CorosyncSection = {kind: 'section', name: open[1]!, items: [], location}
      top.items.push(sec)
      stack.push({items: sec.items, section: sec})
      return
    }
    const kv = /^([^\s:{}]+)\s*:\s*([\s\S]*)$/.exec(line) // a value may hold a lone \r or U+2028, as corosync reads it
    if (kv) {
      top.items.push({kind: 'pair', key: kv[1]!, value: kv[2]!.trim(), location})
      return
    }
    throw new UserError(`cannot parse '${line}': expected 'key: value', 'name {' or '}'`, 2, location)
  })
  if (stack.length > 1) {
    const open = stack.at(-1)!.section!
    throw new UserError(`section '${open.name}' is not closed`, 2, open.location)
  }
  return root
}
