import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, waitFlags} from '../../../cli/crm-admin.js'

export default class CrmResourceStart extends HakitCommand {
  static override summary = 'Start a resource: meta target-role=Started (crm resource start)'
  static override description = `Start a resource: meta target-role=Started (crm resource start).

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm resource start web --cib cib.xml', '<%= config.bin %> crm resource start web --wait']
  static override args = {resource: Args.string({description: 'resource id', required: true})}
  static override flags = {...adminFlags, ...waitFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmResourceStart)
    const {runAdminEdit} = await import('../../../cli/crm-admin.js')
    const edit = await import('../../../runtime/crm/admin/edit.js')
    await runAdminEdit(flags, (cib) => edit.startResource(cib, args.resource))
  }
}
