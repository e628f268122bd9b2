import {Args} from '@oclif/core'
import {CONFIGURE_HELP, ConfigureStatementCommand} from '../../../cli/crm-admin.js'

/** `crm configure ms ID RSC [meta …]` */
export default class CrmConfigureMs extends ConfigureStatementCommand {
  static override statement = 'ms'
  static override summary = 'Create a promotable clone (crm configure ms; a <master> as crmsh 4.4.1 writes it)'
  static override description = `Create a promotable clone (crm configure ms; a <master> as crmsh 4.4.1 writes it): the statement in crmsh's syntax, as \`crm configure ms ID RSC [meta …]\`.
An id that exists already is refused (crmsh: "Found existing … with same ID"); load update replaces objects instead. The result is verified (new errors refuse the commit unless --force) and committed as one versioned change.

${CONFIGURE_HELP}`
  static override examples = [
    '<%= config.bin %> crm configure ms ms-db db meta promoted-max=1 notify=true',
  ]
  static override args = {statement: Args.string({description: 'ID RSC [meta …]', required: false})}
}
