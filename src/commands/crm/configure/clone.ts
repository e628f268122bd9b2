import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {CONFIGURE_HELP, configureFlags, splitStatementArgv} from '../../../cli/crm-admin.js'

/** `crm configure clone ID RSC [meta …]` */
export default class CrmConfigureClone extends HakitCommand {
  static override summary = 'Create a clone of a resource (crm configure clone)'
  static override description = `Create a clone of a resource (crm configure clone): the statement in crmsh's syntax, as \`crm configure clone ID RSC [meta …]\`.
An id that exists already is refused (crmsh: "Found existing … with same ID"); load update replaces objects instead. The result is verified (new errors refuse the commit unless --force) and committed as one versioned change.

${CONFIGURE_HELP}`
  static override examples = [
    '<%= config.bin %> crm configure clone cl-ping ping meta clone-max=2',
  ]
  static override strict = false
  static override args = {statement: Args.string({description: 'ID RSC [meta …]', required: false})}
  static override flags = configureFlags

  async run(): Promise<void> {
    const {flagArgs, words} = splitStatementArgv(this.argv)
    const {flags} = await this.parse(CrmConfigureClone, flagArgs)
    const {runConfigureStatement} = await import('../../../cli/crm-admin.js')
    await runConfigureStatement(flags, 'clone', words)
  }
}
