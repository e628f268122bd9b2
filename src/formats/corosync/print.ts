import type {CorosyncConf, CorosyncItem} from './model.js'

/** corosync.conf text, four-space indentation, a blank line between top-level sections. */
export function printCorosyncConf(conf: CorosyncConf): string {
  const out: string[] = []
  for (const c of conf.header ?? []) out.push(`# ${c}`.trimEnd())
  if (out.length > 0) out.push('')
  conf.items.forEach((item, i) => {
    if (i > 0 && item.kind === 'section') out.push('')
    printItem(item, '', out)
  })
  return `${out.join('\n')}\n`
}

function printItem(item: CorosyncItem, indent: string, out: string[]): void {
  if (item.kind === 'pair') {
    out.push(`${indent}${item.key}: ${item.value}`)
    return
  }
  for (const c of item.comments ?? []) out.push(`${indent}# ${c}`.trimEnd())
  out.push(`${indent}${item.name} {`)
  for (const child of item.items) printItem(child, `${indent}    `, out)
  out.push(`${indent}}`)
}
