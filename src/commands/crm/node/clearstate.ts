import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, waitFlags} from '../../../cli/crm-admin.js'

export default class CrmNodeClearstate extends HakitCommand {
  static override summary = "Forget a node's status: history and transient attributes, as after fencing (crm node clearstate)"
  static override description = `Forget a node's status: history and transient attributes, as after fencing (crm node clearstate).

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm node clearstate n2', '<%= config.bin %> crm node clearstate n2 --wait']
  static override args = {node: Args.string({description: 'node', required: true})}
  static override flags = {...adminFlags, ...waitFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmNodeClearstate)
    const {runAdminEdit} = await import('../../../cli/crm-admin.js')
    const edit = await import('../../../runtime/crm/admin/edit.js')
    const {hostname} = await import('node:os')
    const node = (args as {node?: string}).node ?? hostname()
    await runAdminEdit(flags, (cib) => edit.clearNodeState(cib, node))
  }
}
