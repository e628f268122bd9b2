import type {DrbdFile, Node, Word} from './ast.js'

/**
 * Prints nodes back to drbd.conf text in a canonical layout (two-space
 * indent, one statement a line). Comments are not kept; `skip` blocks are
 * printed verbatim. parse(print(x)) gives x back (locations aside).
 */
export function printDrbd(nodes: readonly Node[]): string {
  const lines: string[] = []
  printNodes(nodes, 0, lines)
  return lines.length ? `${lines.join('\n')}\n` : ''
}

export function printDrbdFile(file: DrbdFile): string {
  return printDrbd(file.nodes)
}

function printNodes(nodes: readonly Node[], depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth)
  for (const node of nodes) {
    if (node.type === 'skip') {
      lines.push(indent + node.raw)
      continue
    }
    const head = [printWord({value: node.keyword, quoted: false}), ...node.args.map(printWord)].join(' ')
    if (node.type === 'statement') {
      lines.push(`${indent}${head};`)
    } else if (node.body.length === 0) {
      lines.push(`${indent}${head} {`, `${indent}}`)
    } else {
      lines.push(`${indent}${head} {`)
      printNodes(node.body, depth + 1, lines)
      lines.push(`${indent}}`)
    }
  }
}

/** Characters a bare word cannot hold (they end a word in the lexer). */
const NEEDS_QUOTES = /[ \t\n\r\f\v\uFEFF{};#"]|^$/

export function printWord(word: Pick<Word, 'value' | 'quoted'>): string {
  if (!word.quoted && !NEEDS_QUOTES.test(word.value)) return word.value
  return `"${word.value.replace(/[\\"]/g, '\\$&')}"`
}
