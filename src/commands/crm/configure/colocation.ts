import {Args} from '@oclif/core'
import {CONFIGURE_HELP, ConfigureStatementCommand} from '../../../cli/crm-admin.js'

/** `crm configure colocation ID SCORE: RSC[:ROLE] WITH-RSC[:ROLE] | resource sets` */
export default class CrmConfigureColocation extends ConfigureStatementCommand {
  static override statement = 'colocation'
  static override summary = 'Create a colocation constraint (crm configure colocation)'
  static override description = `Create a colocation constraint (crm configure colocation): the statement in crmsh's syntax, as \`crm configure colocation ID SCORE: RSC[:ROLE] WITH-RSC[:ROLE] | resource sets\`.
An id that exists already is refused (crmsh: "Found existing … with same ID"); load update replaces objects instead. The result is verified (new errors refuse the commit unless --force) and committed as one versioned change.

${CONFIGURE_HELP}`
  static override examples = [
    '<%= config.bin %> crm configure colocation col-web inf: g-web ms-db:Master',
  ]
  static override args = {statement: Args.string({description: 'ID SCORE: RSC[:ROLE] WITH-RSC[:ROLE] | resource sets', required: false})}
}
