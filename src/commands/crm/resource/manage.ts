import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, waitFlags} from '../../../cli/crm-admin.js'

export default class CrmResourceManage extends HakitCommand {
  static override summary = 'Let the cluster manage a resource again: meta is-managed=true (crm resource manage)'
  static override description = `Let the cluster manage a resource again: meta is-managed=true (crm resource manage).

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm resource manage web', '<%= config.bin %> crm resource manage web --wait']
  static override args = {resource: Args.string({description: 'resource id', required: true})}
  static override flags = {...adminFlags, ...waitFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmResourceManage)
    const {runAdminEdit} = await import('../../../cli/crm-admin.js')
    const edit = await import('../../../runtime/crm/admin/edit.js')
    await runAdminEdit(flags, (cib) => edit.manageResource(cib, args.resource))
  }
}
