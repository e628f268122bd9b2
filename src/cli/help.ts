/**
 * hakit's help (package.json oclif.helpClass): oclif's, except that help for
 * something that is not a command or topic (`hakit help lnt`, `hakit lnt -h`)
 * answers as an unknown command does — one line, a did-you-mean, exit 127 —
 * instead of oclif's "Command lnt not found." and exit 2.
 * Loaded only when help is shown.
 */
import {type Interfaces, Help} from '@oclif/core'
import {getHelpFlagAdditions, standardizeIDFromArgv} from '@oclif/core/help'

export default class HakitHelp extends Help {
  override async showHelp(argv: string[]): Promise<void> {
    const subject = helpSubject(argv, this.config)
    if (subject === undefined) return super.showHelp(argv)
    const command = this.config.findCommand(subject)
    // oclif's own subject skips the word "help": `hakit help --help` would print the overview
    if (subject === 'help' && command) return this.showCommandHelp(command)
    if (!command && !this.config.findTopic(subject)) {
      // the command_not_found hook (src/cli/not-found.ts) prints the line and exits 127
      await this.config.runHook('command_not_found', {id: subject, argv: []})
    }
    return super.showHelp(argv)
  }
}

/** What help is asked for: the first word after joining spaced ids (`crm resource` → crm:resource), none for the root. */
function helpSubject(argv: string[], config: Interfaces.Config): string | undefined {
  const helpFlags = getHelpFlagAdditions(config)
  const [first] = standardizeIDFromArgv(argv.filter((arg) => !helpFlags.includes(arg)), config)
  return first === undefined || first.startsWith('-') ? undefined : first
}
