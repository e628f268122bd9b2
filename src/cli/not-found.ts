/**
 * oclif's command_not_found hook: like a shell, an unknown command is one
 * line on stderr and exit 127, with the nearest known command or topic as a
 * suggestion (never a prompt: scripts must not hang).
 */
import {statSync} from 'node:fs'
import type {Command, Hook} from '@oclif/core'
import {unexpectedArgumentsMessage} from './base-command.js'
import {emitJson} from './json.js'

export const COMMAND_NOT_FOUND_EXIT = 127

/** Edit distance (insertions, deletions, substitutions; a swap of neighbours counts 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({length: a.length + 1}, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1)
    }
  }
  return d[a.length]![b.length]!
}

/**
 * The known command or topic nearest to what was typed, compared word for word
 * at the same depth (`crm resourc` → `crm resource`, `lnt` → `lint`); none when
 * nothing is close (at most 2 edits, and fewer than half the letters).
 */
export function suggestCommand(typed: string[], known: Iterable<string[]>): string[] | undefined {
  const depth = typed.length
  let best: {words: string[]; distance: number} | undefined
  const seen = new Set<string>()
  for (const words of known) {
    if (words.length < depth) continue
    const candidate = words.slice(0, depth)
    const key = candidate.join(' ')
    if (seen.has(key)) continue
    seen.add(key)
    const distance = candidate.reduce((sum, w, i) => sum + editDistance(typed[i]!, w), 0)
    if (!best || distance < best.distance) best = {words: candidate, distance}
  }
  const typedLength = typed.join(' ').length
  return best && best.distance <= 2 && best.distance * 2 < typedLength ? best.words : undefined
}

/** The command (not a topic: no command below it) that the typed words begin with, and how many words name it. */
function commandPrefix(typed: string[], config: {commands: Command.Loadable[]}): {command: Command.Loadable; depth: number} | undefined {
  for (let depth = typed.length - 1; depth > 0; depth--) {
    const id = typed.slice(0, depth).join(':')
    const command = config.commands.find((c) => !c.hidden && (c.id === id || c.aliases.includes(id)))
    if (!command) continue
    const isTopic = config.commands.some((c) => c.id.startsWith(`${command.id}:`))
    return isTopic ? undefined : {command, depth}
  }
  return undefined
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

const hook: Hook<'command_not_found'> = async function (options) {
  const config = options.config
  const visible = config.commands.filter((c) => !c.hidden)
  const known = [
    ...visible.flatMap((c) => [c.id, ...c.aliases]),
    ...config.topics.filter((t) => !t.hidden).map((t) => t.name),
  ].map((id) => id.split(':'))
  const typed = options.id.split(':')
  const bin = config.bin
  if (typed[0]!.startsWith('-')) {
    // `hakit --frobnicate`: a usage error, not a command name
    process.stderr.write(`${bin}: unknown option '${typed[0]}'. See '${bin} --help'.\n`)
    this.exit(2)
  }
  // `hakit crm verify cib.xml`: a command that takes no (more) arguments, followed by a word. oclif
  // reports it as an unknown command `crm verify cib.xml`; it is an unexpected argument.
  const prefix = commandPrefix(typed, config)
  if (prefix) {
    const id = typed.slice(0, prefix.depth).join(' ')
    const extra = typed.slice(prefix.depth)
    // a file named where the command reads one from a flag (crm verify, crm simulate, crm status …)
    const fileFlag = ['cib', 'xml-file'].map((name) => prefix.command.flags[name]).find((flag) => flag !== undefined)
    const hint = fileFlag && extra.length === 1 && isFile(extra[0]!) ? ` To read it, give ${fileFlag.char ? `-${fileFlag.char}` : `--${fileFlag.name}`} ${extra[0]}.` : ''
    const message = unexpectedArgumentsMessage(extra)
    process.stderr.write(`${bin}: ${id}: ${message}.${hint} See '${bin} ${id} --help'.\n`)
    // as the command's own usage errors (base-command.ts): the error envelope when JSON was asked for
    if (prefix.command.flags.json && [...(options.argv ?? []), ...process.argv].includes('--json')) emitJson({command: prefix.command.id, result: null, exitCode: 2, error: message})
    this.exit(2)
  }
  // the words after the command may be its arguments: try the longest prefix first
  let suggestion: string[] | undefined
  for (let depth = typed.length; depth > 0 && !suggestion; depth--) suggestion = suggestCommand(typed.slice(0, depth), known)
  process.stderr.write(`${bin}: '${typed.join(' ')}' is not a ${bin} command.${suggestion ? ` Did you mean '${suggestion.join(' ')}'?` : ''} See '${bin} --help'.\n`)
  this.exit(COMMAND_NOT_FOUND_EXIT)
}

export default hook
