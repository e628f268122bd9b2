import {Args, Flags, loadHelpClass} from '@oclif/core'
import {HakitCommand} from '../cli/base-command.js'

/**
 * `hakit help [COMMAND]`: the help @oclif/plugin-help gave, built in so that the CLI loads no
 * plugin at start-up and help runs on the bundled oclif (the plugin brought a second copy).
 */
export default class HelpCommand extends HakitCommand {
  static override summary = 'Display help for hakit or one of its commands'
  static override description = `Prints the help of a command or topic, as COMMAND --help does; without a command, the overview of every topic and command.

EXIT CODES
  0   the help was printed
  2   an unknown flag
  127 not a hakit command or topic (with the nearest one as a suggestion)`

  static override examples = [
    '<%= config.bin %> help',
    '<%= config.bin %> help crm resource move',
    '<%= config.bin %> help --nested-commands',
  ]

  static override args = {
    command: Args.string({description: 'the command or topic (its words)', required: false}),
  }

  static override flags = {
    'nested-commands': Flags.boolean({char: 'n', description: 'include all nested commands in the output'}),
  }

  static override strict = false

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(HelpCommand)
    const Help = await loadHelpClass(this.config)
    await new Help(this.config, {all: flags['nested-commands']}).showHelp(argv as string[])
  }
}
