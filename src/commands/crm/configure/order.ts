import {Args} from '@oclif/core'
import {CONFIGURE_HELP, ConfigureStatementCommand} from '../../../cli/crm-admin.js'

/** `crm configure order ID [KIND:|SCORE:] FIRST[:ACTION] THEN[:ACTION] [symmetrical=…]` */
export default class CrmConfigureOrder extends ConfigureStatementCommand {
  static override statement = 'order'
  static override summary = 'Create an order constraint (crm configure order)'
  static override description = `Create an order constraint (crm configure order): the statement in crmsh's syntax, as \`crm configure order ID [KIND:|SCORE:] FIRST[:ACTION] THEN[:ACTION] [symmetrical=…]\`.
An id that exists already is refused (crmsh: "Found existing … with same ID"); load update replaces objects instead. The result is verified (new errors refuse the commit unless --force) and committed as one versioned change.

${CONFIGURE_HELP}`
  static override examples = [
    '<%= config.bin %> crm configure order ord-web Mandatory: ms-db:promote g-web:start',
  ]
  static override args = {statement: Args.string({description: 'ID [KIND:|SCORE:] FIRST[:ACTION] THEN[:ACTION] [symmetrical=…]', required: false})}
}
