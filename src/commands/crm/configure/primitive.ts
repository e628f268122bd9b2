import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {CONFIGURE_HELP, configureFlags, splitStatementArgv} from '../../../cli/crm-admin.js'

/** `crm configure primitive ID [CLASS:[PROVIDER:]]TYPE [params …] [meta …] [utilization …] [op NAME …]` */
export default class CrmConfigurePrimitive extends HakitCommand {
  static override summary = 'Create a primitive resource (crm configure primitive)'
  static override description = `Create a primitive resource (crm configure primitive): the statement in crmsh's syntax, as \`crm configure primitive ID [CLASS:[PROVIDER:]]TYPE [params …] [meta …] [utilization …] [op NAME …]\`.
An id that exists already is refused (crmsh: "Found existing … with same ID"); load update replaces objects instead. The result is verified (new errors refuse the commit unless --force) and committed as one versioned change.

${CONFIGURE_HELP}`
  static override examples = [
    '<%= config.bin %> crm configure primitive web ocf:heartbeat:apache params configfile=/etc/apache2/apache2.conf op monitor interval=30s timeout=20s',
    '<%= config.bin %> crm configure primitive vip IPaddr2 params ip=10.0.0.10 cidr_netmask=24 --cib cib.xml',
  ]
  static override strict = false
  static override args = {statement: Args.string({description: 'ID [CLASS:[PROVIDER:]]TYPE [params …] [meta …] [utilization …] [op NAME …]', required: false})}
  static override flags = configureFlags

  async run(): Promise<void> {
    const {flagArgs, words} = splitStatementArgv(this.argv)
    const {flags} = await this.parse(CrmConfigurePrimitive, flagArgs)
    const {runConfigureStatement} = await import('../../../cli/crm-admin.js')
    await runConfigureStatement(flags, 'primitive', words)
  }
}
