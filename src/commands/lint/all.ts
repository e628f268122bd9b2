import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'
import {LINT_ENVIRONMENT, LINT_EXIT_CODES, lintFlags} from '../../lint/flags.js'

export default class LintAll extends HakitCommand {
  static override summary = 'Check a whole Heartbeat configuration (ha.cf, haresources, authkeys, drbd.conf) in one report'
  static override description = `Lints ha.cf, haresources and authkeys in DIR and the DRBD configuration, with the checks between files: haresources nodes declared in ha.cf, crm/pacemaker on while haresources exists, DRBD hosts matching the ha.cf nodes. Missing ha.cf or authkeys is an error; a file that cannot be read is reported and makes the exit code 2.

Output: one finding a line, "file:line:col severity rule-id message". Rule ids are listed in docs/lint.md.

${LINT_EXIT_CODES}

${LINT_ENVIRONMENT}`

  static override examples = [
    {description: 'Check this machine', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Check a copied configuration tree', command: '<%= config.bin %> <%= command.id %> ./node1/ha.d --drbd-conf ./node1/drbd.conf --offline'},
  ]

  static override args = {
    dir: Args.string({description: 'Heartbeat configuration directory', default: '/etc/ha.d'}),
  }

  static override flags = {
    ...lintFlags,
    'drbd-conf': Flags.string({description: 'DRBD configuration to include (default /etc/drbd.conf when it exists)'}),
    'no-drbd': Flags.boolean({description: 'leave DRBD out'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(LintAll)
    const {lintAll} = await import('../../lint/files.js')
    const {emitFindings} = await import('../../cli/lint-output.js')
    const drbdConf = flags['no-drbd'] ? null : flags['drbd-conf']
    const result = await lintAll(args.dir, {offline: flags.offline, drbdConf})
    emitFindings(this.id!, result.findings, flags, result.unreadable)
  }
}
