import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, waitFlags} from '../../../cli/crm-admin.js'

/** `crm resource clear RSC [NODE]` */
export default class CrmResourceClear extends HakitCommand {
  static override summary = 'Remove the cli-prefer/cli-ban constraints of a resource (crm resource clear)'
  static override description = `Deletes cli-prefer-RSC and every cli-ban-RSC-on-* (with NODE only those on that node), as crm_resource --clear. Only constraints named after this resource are touched.

${ADMIN_EXIT_CODES}`
  static override aliases = ['crm:resource:unmove', 'crm:resource:unmigrate', 'crm:resource:unban']
  static override examples = ['<%= config.bin %> crm resource clear web', '<%= config.bin %> crm resource clear web --wait']
  static override args = {resource: Args.string({description: 'resource id', required: true}), node: Args.string({description: 'only this node'})}
  static override flags = {...adminFlags, ...waitFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmResourceClear)
    const {runAdminEdit} = await import('../../../cli/crm-admin.js')
    const {clearResource} = await import('../../../runtime/crm/admin/edit.js')
    await runAdminEdit(flags, (cib) => clearResource(cib, args.resource, args.node))
  }
}
