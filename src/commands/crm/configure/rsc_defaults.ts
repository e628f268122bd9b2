import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {CONFIGURE_HELP, configureFlags, splitStatementArgv} from '../../../cli/crm-admin.js'

/** `crm configure rsc_defaults [ID:] NAME=VALUE…` */
export default class CrmConfigureRscDefaults extends HakitCommand {
  static override summary = 'Set resource defaults (crm configure rsc_defaults)'
  static override description = `Set resource defaults (crm configure rsc_defaults): the statement in crmsh's syntax, as \`crm configure rsc_defaults [ID:] NAME=VALUE…\`.
The pairs are merged into the set with that id (default: crmsh's rsc-options); other pairs stay. The result is verified (new errors refuse the commit unless --force) and committed as one versioned change.

${CONFIGURE_HELP}`
  static override examples = [
    '<%= config.bin %> crm configure rsc_defaults resource-stickiness=100 migration-threshold=3',
  ]
  static override strict = false
  static override args = {statement: Args.string({description: '[ID:] NAME=VALUE…', required: false})}
  static override flags = configureFlags

  async run(): Promise<void> {
    const {flagArgs, words} = splitStatementArgv(this.argv)
    const {flags} = await this.parse(CrmConfigureRscDefaults, flagArgs)
    const {runConfigureStatement} = await import('../../../cli/crm-admin.js')
    await runConfigureStatement(flags, 'rsc_defaults', words)
  }
}
