import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, waitFlags} from '../../../cli/crm-admin.js'

/** `crm resource refresh [RSC] [NODE]` */
export default class CrmResourceRefresh extends HakitCommand {
  static override summary = 'Delete a resource history so the cluster re-probes it (crm resource refresh)'
  static override description = `Works on the resource's top-level parent (every member of its group or clone), on every node or only NODE: removes fail-count-*/last-failure-* and the whole history, so the next transition probes them again.

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm resource refresh web', '<%= config.bin %> crm resource refresh web n2', '<%= config.bin %> crm resource refresh web --wait']
  static override args = {resource: Args.string({description: 'resource id (default: all)'}), node: Args.string({description: 'only this node'})}
  static override flags = {...adminFlags, ...waitFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmResourceRefresh)
    const {runAdminEdit} = await import('../../../cli/crm-admin.js')
    const {cleanupResource} = await import('../../../runtime/crm/admin/edit.js')
    await runAdminEdit(flags, (cib) => cleanupResource(cib, args.resource, args.node, true))
  }
}
