import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, waitFlags} from '../../../cli/crm-admin.js'

export default class CrmNodeStandby extends HakitCommand {
  static override summary = "Put a node in standby: resources move away (crm node standby)"
  static override description = `Put a node in standby: resources move away (crm node standby).

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm node standby n2', '<%= config.bin %> crm node standby n2 --wait']
  static override args = {node: Args.string({description: 'node (default: this host)'}), lifetime: Args.string({description: 'forever (default) or reboot', options: ['forever', 'reboot']})}
  static override flags = {...adminFlags, ...waitFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmNodeStandby)
    const {runAdminEdit} = await import('../../../cli/crm-admin.js')
    const edit = await import('../../../runtime/crm/admin/edit.js')
    const {hostname} = await import('node:os')
    const node = (args as {node?: string}).node ?? hostname()
    const lifetime = ((args as {lifetime?: string}).lifetime ?? 'forever') as 'forever' | 'reboot'
    await runAdminEdit(flags, (cib) => edit.standbyNode(cib, node, lifetime))
  }
}
