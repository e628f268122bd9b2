import type {HaCf, HaCfDirective} from './model.js'

/**
 * Prints an ha.cf model: one directive a line (`name value  #comment`),
 * comment and blank lines where they were. Layout inside a line is
 * normalised; parsing the output gives the same model (positions aside).
 */
export function printHaCf(model: HaCf): string {
  const lines = model.entries.map((entry) => {
    switch (entry.kind) {
      case 'blank':
        return ''
      case 'comment':
        return `#${entry.text}`
      case 'directive':
        return printDirective(entry.directive)
    }
  })
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`
}

export function printDirective(d: Pick<HaCfDirective, 'name' | 'value' | 'comment'>): string {
  const text = d.value === '' ? d.name : `${d.name} ${d.value}`
  return d.comment === undefined ? text : `${text} #${d.comment}`
}
