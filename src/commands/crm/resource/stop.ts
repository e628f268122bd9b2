import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, waitFlags} from '../../../cli/crm-admin.js'

export default class CrmResourceStop extends HakitCommand {
  static override summary = 'Stop a resource: meta target-role=Stopped (crm resource stop)'
  static override description = `Stop a resource: meta target-role=Stopped (crm resource stop).

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm resource stop web', '<%= config.bin %> crm resource stop web --wait']
  static override args = {resource: Args.string({description: 'resource id', required: true})}
  static override flags = {...adminFlags, ...waitFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmResourceStop)
    const {runAdminEdit} = await import('../../../cli/crm-admin.js')
    const edit = await import('../../../runtime/crm/admin/edit.js')
    await runAdminEdit(flags, (cib) => edit.stopResource(cib, args.resource))
  }
}
