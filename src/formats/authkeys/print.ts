import type {AuthKey, Authkeys, AuthLine} from './model.js'

/** Prints an authkeys model, one line per entry, in file order. */
export function printAuthkeys(model: Authkeys): string {
  const lines = model.entries.map((entry) => {
    switch (entry.kind) {
      case 'blank':
        return ''
      case 'comment':
        return `#${entry.text}`
      case 'invalid':
        return entry.text
      case 'auth':
        return printAuthLine(entry.auth)
      case 'key':
        return printKey(entry.key)
    }
  })
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`
}

export function printAuthLine(auth: Pick<AuthLine, 'index' | 'rest'>): string {
  return auth.rest === undefined ? `auth ${auth.index}` : `auth ${auth.index} ${auth.rest}`
}

export function printKey(key: Pick<AuthKey, 'index' | 'method' | 'key' | 'rest'>): string {
  const words = [String(key.index), key.method]
  if (key.key !== undefined) words.push(key.key)
  if (key.rest !== undefined) words.push(key.rest)
  return words.join(' ')
}
