import {Args} from '@oclif/core'
import {CONFIGURE_HELP, ConfigureStatementCommand} from '../../../cli/crm-admin.js'

/** `crm configure clone ID RSC [meta …]` */
export default class CrmConfigureClone extends ConfigureStatementCommand {
  static override statement = 'clone'
  static override summary = 'Create a clone of a resource (crm configure clone)'
  static override description = `Create a clone of a resource (crm configure clone): the statement in crmsh's syntax, as \`crm configure clone ID RSC [meta …]\`.
An id that exists already is refused (crmsh: "Found existing … with same ID"); load update replaces objects instead. The result is verified (new errors refuse the commit unless --force) and committed as one versioned change.

${CONFIGURE_HELP}`
  static override examples = [
    '<%= config.bin %> crm configure clone cl-ping ping meta clone-max=2',
  ]
  static override args = {statement: Args.string({description: 'ID RSC [meta …]', required: false})}
}
