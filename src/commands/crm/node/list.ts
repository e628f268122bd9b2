import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags} from '../../../cli/crm-admin.js'

/** `crm node list` / `crm node show`: every node with its type and state, then its attributes. */
export default class CrmNodeList extends HakitCommand {
  static override summary = 'List the nodes of the CIB with their state and attributes (crm node list / show)'
  static override description = `One line per node, \`NAME(ID): TYPE\` followed by \`standby\`/\`maintenance\` when set, then its permanent attributes indented, as \`crm node show\` prints them.

${ADMIN_EXIT_CODES}`
  static override aliases = ['crm:node:show']
  static override examples = ['<%= config.bin %> crm node list', 'CIB_file=cib.xml <%= config.bin %> crm node show']
  static override flags = adminFlags

  async run(): Promise<void> {
    const {flags} = await this.parse(CrmNodeList)
    const {readAdminCib} = await import('../../../cli/crm-admin.js')
    const {describeNodes} = await import('../../../runtime/crm/admin/edit.js')
    this.print(describeNodes(await readAdminCib(flags)).join('\n'))
  }
}
