import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, resourceAttributeArgs} from '../../../cli/crm-admin.js'

/** `crm resource meta RSC get|set|delete NAME [VALUE]` */
export default class CrmResourceMeta extends HakitCommand {
  static override summary = 'Get, set or delete a resource meta attribute (crm resource meta)'
  static override description = `set writes the nvpair where it already is, else into RSC-meta_attributes (ids as crm_resource makes them); get prints the value (exit 105 when unset).

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm resource meta web set target-role Stopped', '<%= config.bin %> crm resource meta web get target-role']
  static override args = resourceAttributeArgs
  static override flags = adminFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmResourceMeta)
    const {runResourceAttribute} = await import('../../../cli/crm-admin.js')
    await runResourceAttribute('meta', args, flags, (text) => this.print(text))
  }
}
