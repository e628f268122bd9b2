import {Args} from '@oclif/core'
import {CONFIGURE_HELP, ConfigureStatementCommand} from '../../../cli/crm-admin.js'

/** `crm configure group ID RSC… [meta …] [description=…]` */
export default class CrmConfigureGroup extends ConfigureStatementCommand {
  static override statement = 'group'
  static override summary = 'Create a group of existing or new primitives (crm configure group)'
  static override description = `Create a group of existing or new primitives (crm configure group): the statement in crmsh's syntax, as \`crm configure group ID RSC… [meta …] [description=…]\`.
An id that exists already is refused (crmsh: "Found existing … with same ID"); load update replaces objects instead. The result is verified (new errors refuse the commit unless --force) and committed as one versioned change.

${CONFIGURE_HELP}`
  static override examples = [
    '<%= config.bin %> crm configure group g-web vip web meta resource-stickiness=100',
  ]
  static override args = {statement: Args.string({description: 'ID RSC… [meta …] [description=…]', required: false})}
}
