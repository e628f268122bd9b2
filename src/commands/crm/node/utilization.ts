import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, nodeAttributeArgs} from '../../../cli/crm-admin.js'

/** `crm node utilization NODE set|delete|show NAME [VALUE]` */
export default class CrmNodeUtilization extends HakitCommand {
  static override summary = 'Set, delete or show a node utilization value (crm node utilization)'
  static override description = `Permanent utilization of the node (nodes section), as crm_attribute writes them. show prints \`scope=nodes  name=NAME value=VALUE\`.

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm node utilization n1 set cpu 4']
  static override args = nodeAttributeArgs
  static override flags = {...adminFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmNodeUtilization)
    const {runNodeAttribute} = await import('../../../cli/crm-admin.js')
    await runNodeAttribute('utilization', args, flags, (text) => this.print(text))
  }
}
