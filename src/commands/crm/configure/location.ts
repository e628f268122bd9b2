import {Args} from '@oclif/core'
import {CONFIGURE_HELP, ConfigureStatementCommand} from '../../../cli/crm-admin.js'

/** `crm configure location ID RSC {SCORE: NODE | rule …} [role=ROLE] [resource-discovery=…]` */
export default class CrmConfigureLocation extends ConfigureStatementCommand {
  static override statement = 'location'
  static override summary = 'Create a location constraint (crm configure location)'
  static override description = `Create a location constraint (crm configure location): the statement in crmsh's syntax, as \`crm configure location ID RSC {SCORE: NODE | rule …} [role=ROLE] [resource-discovery=…]\`.
An id that exists already is refused (crmsh: "Found existing … with same ID"); load update replaces objects instead. The result is verified (new errors refuse the commit unless --force) and committed as one versioned change.

${CONFIGURE_HELP}`
  static override examples = [
    '<%= config.bin %> crm configure location loc-web g-web 100: n1',
    '<%= config.bin %> crm configure location loc-ping g-web rule -inf: not_defined pingd or pingd lte 0',
  ]
  static override args = {statement: Args.string({description: 'ID RSC {SCORE: NODE | rule …} [role=ROLE] [resource-discovery=…]', required: false})}
}
