import {Command} from '@oclif/core'
import {UserError} from '../core/errors.js'
import type {Finding} from '../core/findings.js'
import {emitJson} from './json.js'

/**
 * Base for every hakit command: a UserError becomes one line on stderr and
 * its exit code, never a stack trace (with --json also an error envelope on
 * stdout, so a script reading stdout always gets JSON). Other errors are
 * hakit bugs and keep oclif's handling (stack shown with DEBUG=*).
 */
export abstract class HakitCommand extends Command {
  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (error instanceof UserError) {
      process.stderr.write(`hakit: ${error.message}\n`)
      if (this.wantsJson()) emitJson({command: this.commandId(), result: null, exitCode: error.exitCode, error: error.message})
      process.exitCode = error.exitCode
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
