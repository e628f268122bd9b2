import {Args} from '@oclif/core'
import {HakitCommand} from '../cli/base-command.js'

export default class Completion extends HakitCommand {
  static override summary = 'Print the bash or zsh completion script (commands, flags, flag choices, files and directories)'
  static override description = `Prints a completion script generated from the installed commands: subcommands, flags, the choices of flags that have them (--to cib|crm|pcs), and files and directories for file arguments and flag values.

bash: add  source <(hakit completion bash)  to ~/.bashrc, or install the output as /usr/share/bash-completion/completions/hakit.
zsh:  save the output as _hakit in a directory on $fpath (before compinit), or  source <(hakit completion zsh)  after compinit.

EXIT CODES
  0  the script was printed
  2  an unknown shell`

  static override aliases = ['autocomplete']
  static override examples = [
    {description: 'bash, for this shell', command: 'source <(<%= config.bin %> <%= command.id %> bash)'},
    {description: 'bash, for every user', command: '<%= config.bin %> <%= command.id %> bash > /usr/share/bash-completion/completions/hakit'},
    {description: 'zsh', command: '<%= config.bin %> <%= command.id %> zsh > ~/.zfunc/_hakit   # with fpath+=(~/.zfunc) before compinit'},
  ]

  static override args = {
    shell: Args.string({description: 'the shell', options: ['bash', 'zsh'], default: 'bash'}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(Completion)
    const {bashCompletion, zshCompletion} = await import('../cli/completion.js')
    const commands = this.config.commands.map((c) => ({
      id: c.id,
      aliases: c.aliases,
      hidden: c.hidden,
      args: Object.values(c.args ?? {}).map((a) => ({options: a.options})),
      flags: Object.entries(c.flags ?? {}).filter(([, f]) => !f.hidden).map(([name, f]) => ({
        name,
        char: f.char,
        value: f.type === 'option',
        options: f.type === 'option' ? f.options : undefined,
      })),
    }))
    const bin = this.config.bin
    process.stdout.write(args.shell === 'zsh' ? zshCompletion(bin, commands) : bashCompletion(bin, commands))
  }
}
