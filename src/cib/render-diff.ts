/** Text rendering of a CIB diff: a summary per object, then the unified diff, coloured by role. */
import type {ChalkInstance} from 'chalk'
import type {CibDiff} from './diff.js'

export function renderCibDiff(diff: CibDiff, chalk: ChalkInstance): string {
  if (diff.equal) return ''
  const lines: string[] = []
  for (const c of diff.changes) {
    const word = c.change === 'added' ? chalk.green('added') : c.change === 'removed' ? chalk.red('removed') : chalk.yellow('changed')
    lines.push(`${word} ${c.kind} ${chalk.bold(c.id || '(default set)')}`)
    for (const f of c.fields) {
      const old = f.old === undefined ? chalk.dim('(unset)') : chalk.red(show(f.old))
      const nu = f.new === undefined ? chalk.dim('(unset)') : chalk.green(show(f.new))
      lines.push(`    ${chalk.cyan(f.field)}: ${old} → ${nu}`)
    }
  }
  lines.push('')
  for (const l of diff.unified.trimEnd().split('\n')) {
    if (l.startsWith('+++') || l.startsWith('---')) lines.push(chalk.bold(l))
    else if (l.startsWith('@@')) lines.push(chalk.cyan(l))
    else if (l.startsWith('+')) lines.push(chalk.green(l))
    else if (l.startsWith('-')) lines.push(chalk.red(l))
    else lines.push(l)
  }
  return lines.join('\n') + '\n'
}

function show(v: string): string {
  return v === '' || /\s/.test(v) ? JSON.stringify(v) : v
}
