import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, waitFlags} from '../../../cli/crm-admin.js'

/** `crm resource cleanup [RSC] [NODE]` */
export default class CrmResourceCleanup extends HakitCommand {
  static override summary = 'Clear fail counts and failed history so the cluster re-probes (crm resource cleanup)'
  static override description = `Works on the resource's top-level parent (every member of its group or clone), on every node or only NODE: removes fail-count-*/last-failure-* and the history of members with a failed operation, so the next transition probes them again.

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm resource cleanup web', '<%= config.bin %> crm resource cleanup web n2', '<%= config.bin %> crm resource cleanup web --wait']
  static override args = {resource: Args.string({description: 'resource id (default: all)'}), node: Args.string({description: 'only this node'})}
  static override flags = {...adminFlags, ...waitFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmResourceCleanup)
    const {runAdminEdit} = await import('../../../cli/crm-admin.js')
    const {cleanupResource} = await import('../../../runtime/crm/admin/edit.js')
    await runAdminEdit(flags, (cib) => cleanupResource(cib, args.resource, args.node, false))
  }
}
