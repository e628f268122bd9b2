import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, waitFlags} from '../../../cli/crm-admin.js'

export default class CrmNodeMaintenance extends HakitCommand {
  static override summary = "Put a node in maintenance: node attribute maintenance=on (crm node maintenance)"
  static override description = `Put a node in maintenance: node attribute maintenance=on (crm node maintenance).

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm node maintenance n2', '<%= config.bin %> crm node maintenance n2 --wait']
  static override args = {node: Args.string({description: 'node (default: this host)'})}
  static override flags = {...adminFlags, ...waitFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmNodeMaintenance)
    const {runAdminEdit} = await import('../../../cli/crm-admin.js')
    const edit = await import('../../../runtime/crm/admin/edit.js')
    const {hostname} = await import('node:os')
    const node = (args as {node?: string}).node ?? hostname()
    await runAdminEdit(flags, (cib) => edit.nodeMaintenance(cib, node, true))
  }
}
