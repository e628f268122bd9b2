import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {CONFIGURE_HELP, configureFlags, splitStatementArgv} from '../../../cli/crm-admin.js'

/** `crm configure op_defaults [ID:] NAME=VALUE…` */
export default class CrmConfigureOpDefaults extends HakitCommand {
  static override summary = 'Set operation defaults (crm configure op_defaults)'
  static override description = `Set operation defaults (crm configure op_defaults): the statement in crmsh's syntax, as \`crm configure op_defaults [ID:] NAME=VALUE…\`.
The pairs are merged into the set with that id (default: crmsh's op-options); other pairs stay. The result is verified (new errors refuse the commit unless --force) and committed as one versioned change.

${CONFIGURE_HELP}`
  static override examples = [
    '<%= config.bin %> crm configure op_defaults timeout=60s',
  ]
  static override strict = false
  static override args = {statement: Args.string({description: '[ID:] NAME=VALUE…', required: false})}
  static override flags = configureFlags

  async run(): Promise<void> {
    const {flagArgs, words} = splitStatementArgv(this.argv)
    const {flags} = await this.parse(CrmConfigureOpDefaults, flagArgs)
    const {runConfigureStatement} = await import('../../../cli/crm-admin.js')
    await runConfigureStatement(flags, 'op_defaults', words)
  }
}
