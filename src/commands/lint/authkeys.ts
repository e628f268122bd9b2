import {Args} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'
import {LINT_ENVIRONMENT, LINT_EXIT_CODES, lintFlags} from '../../lint/flags.js'

export default class LintAuthkeys extends HakitCommand {
  static override summary = 'Check a Heartbeat authkeys file'
  static override description = `Checks the file the way Heartbeat 3.0.6 reads it: permissions (Heartbeat refuses a key file readable by group or others), the auth line, key indexes, methods and keys. crc gives no authentication at all, md5 is weak, short or sample keys are flagged.

Output: one finding a line, "file:line:col severity rule-id message". Rule ids are listed in docs/lint.md.

${LINT_EXIT_CODES}

${LINT_ENVIRONMENT}`

  static override examples = [
    {description: 'Check the installed key file', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Check a copy, machine-readable', command: '<%= config.bin %> <%= command.id %> ./authkeys --json'},
  ]

  static override args = {
    file: Args.string({description: 'authkeys file, - for standard input', default: '/etc/ha.d/authkeys'}),
  }

  // Nothing in authkeys depends on the machine, so no --offline here.
  static override flags = {json: lintFlags.json, strict: lintFlags.strict}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(LintAuthkeys)
    const {lintAuthkeysPath} = await import('../../lint/files.js')
    const {emitFindings} = await import('../../cli/lint-output.js')
    emitFindings(this.id!, await lintAuthkeysPath(args.file), flags)
  }
}
