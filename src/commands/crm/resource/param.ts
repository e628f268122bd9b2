import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, resourceAttributeArgs} from '../../../cli/crm-admin.js'

/** `crm resource param RSC get|set|delete NAME [VALUE]` */
export default class CrmResourceParam extends HakitCommand {
  static override summary = 'Get, set or delete a resource parameter (instance attribute) (crm resource param)'
  static override description = `set writes the nvpair where it already is, else into RSC-instance_attributes (ids as crm_resource makes them); get prints the value (exit 105 when unset).

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm resource param vip set ip 192.0.2.10', '<%= config.bin %> crm resource param vip get ip']
  static override args = resourceAttributeArgs
  static override flags = adminFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmResourceParam)
    const {runResourceAttribute} = await import('../../../cli/crm-admin.js')
    await runResourceAttribute('param', args, flags, (text) => this.print(text))
  }
}
