import {Args} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'
import {LINT_ENVIRONMENT, LINT_EXIT_CODES, lintFlags} from '../../lint/flags.js'

export default class LintHaresources extends HakitCommand {
  static override summary = 'Check a Heartbeat haresources file'
  static override description = `Reads the file as ResourceManager does (comments, "\\" continuation, the bare-IP IPaddr shorthand, script::arg::arg) and checks: preferred nodes declared in the ha.cf next to it, resource scripts present in resource.d or init.d (with a suggestion: drbdisk -> drbddisk), IP addresses, netmasks and broadcasts, a resource used twice, continuation and line-ending traps.

Output: one finding a line, "file:line:col severity rule-id message". Rule ids are listed in docs/lint.md.

${LINT_EXIT_CODES}

${LINT_ENVIRONMENT}`

  static override examples = [
    {description: 'Check the installed haresources', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Check a copy without looking at this machine', command: '<%= config.bin %> <%= command.id %> ./haresources --offline'},
  ]

  static override args = {
    file: Args.string({description: 'haresources file, - for standard input', default: '/etc/ha.d/haresources'}),
  }

  static override flags = lintFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(LintHaresources)
    const {lintHaresourcesPath} = await import('../../lint/files.js')
    const {emitFindings} = await import('../../cli/lint-output.js')
    emitFindings(this.id!, await lintHaresourcesPath(args.file, {offline: flags.offline}), flags)
  }
}
