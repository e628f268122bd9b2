import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, resourceAttributeArgs} from '../../../cli/crm-admin.js'

/** `crm resource utilization RSC get|set|delete NAME [VALUE]` */
export default class CrmResourceUtilization extends HakitCommand {
  static override summary = 'Get, set or delete a resource utilization attribute (crm resource utilization)'
  static override description = `set writes the nvpair where it already is, else into RSC-utilization (ids as crm_resource makes them); get prints the value (exit 105 when unset).

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm resource utilization web set memory 512', '<%= config.bin %> crm resource utilization web get memory']
  static override args = resourceAttributeArgs
  static override flags = adminFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmResourceUtilization)
    const {runResourceAttribute} = await import('../../../cli/crm-admin.js')
    await runResourceAttribute('utilization', args, flags, (text) => this.print(text))
  }
}
