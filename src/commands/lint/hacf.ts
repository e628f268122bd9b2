import {Args} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'
import {LINT_ENVIRONMENT, LINT_EXIT_CODES, lintFlags} from '../../lint/flags.js'

export default class LintHacf extends HakitCommand {
  static override summary = 'Check a Heartbeat ha.cf file'
  static override description = `Checks every directive against Heartbeat 3.0.6: unknown or misspelt names (with a suggestion), values and time units (Heartbeat rejects "2s"; write 2 or 2000ms), the timing relations it enforces or warns about (deadtime > 2 x keepalive, initdead >= deadtime, ideally twice), udpport/baud placed after media lines, missing media or nodes, auto_failback, crm/pacemaker with a haresources file, and on a live system whether respawn programs and users exist.

Output: one finding a line, "file:line:col severity rule-id message". Rule ids are listed in docs/lint.md.

${LINT_EXIT_CODES}

${LINT_ENVIRONMENT}`

  static override examples = [
    {description: 'Check the installed ha.cf', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Check a copy from another host', command: '<%= config.bin %> <%= command.id %> ./node1/ha.cf --offline'},
  ]

  static override args = {
    file: Args.string({description: 'ha.cf file, - for standard input', default: '/etc/ha.d/ha.cf'}),
  }

  static override flags = lintFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(LintHacf)
    const {lintHaCfPath} = await import('../../lint/files.js')
    const {emitFindings} = await import('../../cli/lint-output.js')
    emitFindings(this.id!, await lintHaCfPath(args.file, {offline: flags.offline}), flags)
  }
}
