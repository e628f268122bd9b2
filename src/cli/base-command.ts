import {Command} from '@oclif/core'
import {UserError} from '../core/errors.js'

/**
 * Base for every hakit command: a UserError becomes one line on stderr and
 * its exit code, never a stack trace. Other errors are hakit bugs and keep
 * oclif's handling (stack shown with DEBUG=*).
 */
export abstract class HakitCommand extends Command {
  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (error instanceof UserError) {
      process.stderr.write(`hakit: ${error.message}\n`)
      process.exitCode = error.exitCode
      return undefined
    }
    return super.catch(error)
  }

  /** Writes text to stdout with a trailing newline (unless empty). */
  protected print(text: string): void {
    if (text.length > 0) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }
}
