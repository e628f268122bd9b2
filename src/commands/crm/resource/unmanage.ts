import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, waitFlags} from '../../../cli/crm-admin.js'

export default class CrmResourceUnmanage extends HakitCommand {
  static override summary = 'Stop the cluster managing a resource: meta is-managed=false (crm resource unmanage)'
  static override description = `Stop the cluster managing a resource: meta is-managed=false (crm resource unmanage).

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm resource unmanage web', '<%= config.bin %> crm resource unmanage web --wait']
  static override args = {resource: Args.string({description: 'resource id', required: true})}
  static override flags = {...adminFlags, ...waitFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmResourceUnmanage)
    const {runAdminEdit} = await import('../../../cli/crm-admin.js')
    const edit = await import('../../../runtime/crm/admin/edit.js')
    await runAdminEdit(flags, (cib) => edit.unmanageResource(cib, args.resource))
  }
}
