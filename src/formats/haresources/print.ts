import type {Haresources, HaresourcesGroup} from './model.js'

/**
 * Prints a haresources model, one group a line. A resource word that
 * contains `#` (possible only on a continued line, where ResourceManager
 * keeps comments) is moved to a continuation line so that parsing the
 * output gives the same model.
 */
export function printHaresources(model: Haresources): string {
  const lines = model.entries.flatMap((entry) => {
    switch (entry.kind) {
      case 'blank':
        return ['']
      case 'comment':
        return [`#${entry.text}`]
      case 'group':
        return printGroup(entry.group)
    }
  })
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`
}

export function printGroup(group: Pick<HaresourcesGroup, 'node' | 'resources' | 'comment'>): string[] {
  const words = group.resources.map((r) => r.raw)
  if (group.node.includes('#')) {
    // Only a continued line keeps "#": put the whole group on one.
    const head = group.comment === undefined ? '\\' : `\\#${group.comment}`
    let rest = [group.node, ...words].join(' ')
    if (rest.endsWith('\\')) rest += ' '
    return [head, rest]
  }
  const split = words.findIndex((w) => w.includes('#'))
  const head = split < 0 ? words : words.slice(0, split)
  const tail = split < 0 ? [] : words.slice(split)
  let first = [group.node, ...head].join(' ')
  if (tail.length > 0) first += ' \\'
  else if (first.endsWith('\\')) first += ' '
  if (group.comment !== undefined) first += tail.length > 0 ? `#${group.comment}` : ` #${group.comment}`
  if (tail.length === 0) return [first]
  let second = tail.join(' ')
  if (second.endsWith('\\')) second += ' '
  return [first, second]
}
