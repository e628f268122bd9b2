import {Command} from '@oclif/core'
import type {Input, ParserOutput} from '@oclif/core/interfaces'
import {UserError} from '../core/errors.js'
import type {Finding} from '../core/findings.js'
import {commandName, emitJson} from './json.js'

/** oclif's FlagOutput/ArgOutput (not exported by its interfaces). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Output = {[name: string]: any}

/**
 * Base for every hakit command: a UserError becomes one line on stderr and
 * its exit code, never a stack trace (with --json also an error envelope on
 * stdout, so a script reading stdout always gets JSON). Other errors are
 * hakit bugs and keep oclif's handling (stack shown with DEBUG=*).
 */
export abstract class HakitCommand extends Command {
  /**
   * oclif fills a missing argument from standard input when stdin is not a terminal: it drained a
   * pipe meant for `-` (`… | hakit crm configure load update -` read nothing and applied nothing)
   * and took piped text for an optional argument. Every hakit command reads `-` itself.
   * oclif also takes the value of `--strict=yes` (a flag without a value) for the next argument:
   * refused here, naming the flag.
   */
  protected override async parse<F extends Output, B extends Output, A extends Output>(options?: Input<F, B, A>, argv?: string[]): Promise<ParserOutput<F, B, A>> {
    const input = options ?? (this.ctor as unknown as Input<F, B, A>)
    refuseValuesOfSwitches(argv ?? this.argv, {...input.baseFlags, ...input.flags})
    // as oclif reads them: args and strict from the class's own statics, flags also inherited
    const own = {...input}
    const args = own.args && Object.fromEntries(Object.entries(own.args).map(([name, arg]) => [name, {...arg, ignoreStdin: true}]))
    return super.parse({...own, args, flags: input.flags, baseFlags: input.baseFlags, enableJsonFlag: input.enableJsonFlag} as Input<F, B, A>, argv)
  }

  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (error instanceof UserError) {
      process.stderr.write(`hakit: ${error.message}\n`)
      if (this.wantsJson()) emitJson({command: this.commandId(), result: null, exitCode: error.exitCode, error: error.message})
      process.exitCode = error.exitCode
      return undefined
    }
    const usage = usageErrorMessage(error)
    if (usage !== undefined) {
      // a mistyped flag or argument is bad input like any other: one line and exit 2, not oclif's
      // boxed message followed by the whole help
      const id = commandName(this.commandId())
      process.stderr.write(`hakit: ${id}: ${usage}. See '${this.config.bin} ${id} --help'.\n`)
      if (this.wantsJson()) emitJson({command: this.commandId(), result: null, exitCode: USAGE_EXIT, error: usage})
      process.exitCode = USAGE_EXIT
      return undefined
    }
    return super.catch(error)
  }

  /** Writes text to stdout with a trailing newline (unless empty). */
  protected print(text: string): void {
    if (text.length > 0) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  /** Prints the one JSON envelope (src/cli/json.ts) for this command and sets the exit code. */
  protected printJson(result: unknown, options: {findings?: readonly Finding[]; exitCode?: number; error?: string} = {}): void {
    emitJson({command: this.commandId(), result, findings: options.findings, exitCode: options.exitCode, error: options.error})
  }

  /** The id as typed (`crm resource move`); aliases report the command's own id. */
  protected commandId(): string {
    const id = this.id ?? (this.constructor as typeof Command).id ?? 'hakit'
    // oclif lists an alias as a command of its own: the canonical one is not among its aliases
    return this.config.commands.find((c) => c.aliases.includes(id) && !c.aliases.includes(c.id))?.id ?? id
  }

  private wantsJson(): boolean {
    return this.argv.includes('--json')
  }
}

/** `--json=yes`: a flag that takes no value given one (oclif would read the value as an argument). */
function refuseValuesOfSwitches(argv: readonly string[], flags: {[name: string]: {type?: string} | undefined}): void {
  for (const word of argv) {
    if (word === '--') return
    const name = /^--([^=]+)=/.exec(word)?.[1]
    if (name !== undefined && flags[name]?.type === 'boolean') {
      throw Object.assign(new Error(`flag --${name} takes no value (${word})`), {oclif: {exit: USAGE_EXIT}})
    }
  }
}

/** "unexpected argument 'b'", "unexpected arguments 'a' 'b'": the words a command line has too many. */
export function unexpectedArgumentsMessage(words: readonly string[]): string {
  return `unexpected argument${words.length === 1 ? '' : 's'} ${words.map((w) => `'${w}'`).join(' ')}`
}

/** Exit code of a command line hakit cannot parse (as oclif's own). */
export const USAGE_EXIT = 2

/**
 * The one-line text of an error oclif raised while parsing the command line (unknown flag, missing
 * or unexpected argument, a flag value it refuses), or undefined for any other error. oclif's
 * messages span several lines ("The following error occurred:", a list of arguments, "See more
 * help with --help"); the lines that say something are kept, joined.
 */
export function usageErrorMessage(error: Error & {code?: string; oclif?: {exit?: number}; args?: Array<{name?: string} | string>; flags?: string[]}): string | undefined {
  const fromParser = (error.oclif !== undefined && error.code !== 'EEXIT') || /^Parsing --/.test(error.message)
  if (!fromParser) return undefined
  if (/^Missing \d+ required arg/.test(error.message) && error.args?.length) {
    const names = error.args.map((a) => (typeof a === 'string' ? a : a.name ?? '').toUpperCase())
    return `missing argument${names.length === 1 ? '' : 's'} ${names.join(' ')}`
  }
  if (/^Unexpected arguments?:/.test(error.message) && error.args?.length) {
    // worded as not-found.ts words the extra words of a command that takes no arguments
    return unexpectedArgumentsMessage(error.args.map(String))
  }
  if (/^Nonexistent flag/.test(error.message) && error.flags?.length) {
    return `unknown flag${error.flags.length === 1 ? '' : 's'} ${error.flags.join(', ')}`
  }
  const lines = error.message
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;]*m/g, '')
    .replace(/^Parsing (--\S+)\s*\n\s*(.)/, (_, flag: string, first: string) => `${flag}: ${first.toLowerCase()}`)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'See more help with --help' && !/^The following errors? occurred:$/.test(line))
  const text = lines.join('; ').replace(/\.$/, '')
  // hakit's messages begin in lower case ("Unexpected argument: b" → "unexpected argument: b")
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text
}
