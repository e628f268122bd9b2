import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, waitFlags} from '../../../cli/crm-admin.js'

/** `crm resource ban RSC [NODE] [LIFETIME]` */
export default class CrmResourceBan extends HakitCommand {
  static override summary = 'Keep a resource off a node with a cli-ban constraint (crm resource ban)'
  static override description = `Adds location cli-ban-RSC-on-NODE (-INFINITY, role Started); without a node, the node it runs on now.

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm resource ban web n1', '<%= config.bin %> crm resource ban web n1 --wait']
  static override args = {
    resource: Args.string({description: 'resource id', required: true}),
    node: Args.string({description: 'node (default: where it runs)'}),
    lifetime: Args.string({description: 'ISO 8601 duration'}),
  }
  static override flags = {...adminFlags, ...waitFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmResourceBan)
    const {runAdminEdit} = await import('../../../cli/crm-admin.js')
    const {banResource} = await import('../../../runtime/crm/admin/edit.js')
    await runAdminEdit(flags, async (cib, ctx) => banResource(cib, args.resource, {node: args.node, lifetime: args.lifetime, activeOn: await ctx.activeOn(args.resource), now: ctx.now}))
  }
}
