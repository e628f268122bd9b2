import {Args} from '@oclif/core'
import {CONFIGURE_HELP, ConfigureStatementCommand} from '../../../cli/crm-admin.js'

/** `crm configure primitive ID [CLASS:[PROVIDER:]]TYPE [params …] [meta …] [utilization …] [op NAME …]` */
export default class CrmConfigurePrimitive extends ConfigureStatementCommand {
  static override statement = 'primitive'
  static override summary = 'Create a primitive resource (crm configure primitive)'
  static override description = `Create a primitive resource (crm configure primitive): the statement in crmsh's syntax, as \`crm configure primitive ID [CLASS:[PROVIDER:]]TYPE [params …] [meta …] [utilization …] [op NAME …]\`.
An id that exists already is refused (crmsh: "Found existing … with same ID"); load update replaces objects instead. The result is verified (new errors refuse the commit unless --force) and committed as one versioned change.

${CONFIGURE_HELP}`
  static override examples = [
    '<%= config.bin %> crm configure primitive web ocf:heartbeat:apache params configfile=/etc/apache2/apache2.conf op monitor interval=30s timeout=20s',
    '<%= config.bin %> crm configure primitive vip IPaddr2 params ip=10.0.0.10 cidr_netmask=24 --cib cib.xml',
  ]
  static override args = {statement: Args.string({description: 'ID [CLASS:[PROVIDER:]]TYPE [params …] [meta …] [utilization …] [op NAME …]', required: false})}
}
