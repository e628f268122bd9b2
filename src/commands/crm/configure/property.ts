import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {CONFIGURE_HELP, configureFlags, splitStatementArgv} from '../../../cli/crm-admin.js'

/** `crm configure property [ID:] NAME=VALUE…` */
export default class CrmConfigureProperty extends HakitCommand {
  static override summary = 'Set cluster options (crm configure property)'
  static override description = `Set cluster options (crm configure property): the statement in crmsh's syntax, as \`crm configure property [ID:] NAME=VALUE…\`.
The pairs are merged into the set with that id (default: crmsh's cib-bootstrap-options); other pairs stay. The result is verified (new errors refuse the commit unless --force) and committed as one versioned change.

${CONFIGURE_HELP}`
  static override examples = [
    '<%= config.bin %> crm configure property stonith-enabled=false no-quorum-policy=ignore',
  ]
  static override strict = false
  static override args = {statement: Args.string({description: '[ID:] NAME=VALUE…', required: false})}
  static override flags = configureFlags

  async run(): Promise<void> {
    const {flagArgs, words} = splitStatementArgv(this.argv)
    const {flags} = await this.parse(CrmConfigureProperty, flagArgs)
    const {runConfigureStatement} = await import('../../../cli/crm-admin.js')
    await runConfigureStatement(flags, 'property', words)
  }
}
