import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, waitFlags} from '../../../cli/crm-admin.js'

export default class CrmNodeOnline extends HakitCommand {
  static override summary = "Bring a standby node back: every standby attribute of the node set to off (crm node online)"
  static override description = `Bring a standby node back: every standby attribute of the node set to off (crm node online).

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm node online n2', '<%= config.bin %> crm node online n2 --wait']
  static override args = {node: Args.string({description: 'node (default: this host)'})}
  static override flags = {...adminFlags, ...waitFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmNodeOnline)
    const {runAdminEdit} = await import('../../../cli/crm-admin.js')
    const edit = await import('../../../runtime/crm/admin/edit.js')
    const {hostname} = await import('node:os')
    const node = (args as {node?: string}).node ?? hostname()
    await runAdminEdit(flags, (cib) => edit.onlineNode(cib, node))
  }
}
