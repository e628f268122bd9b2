import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, waitFlags} from '../../../cli/crm-admin.js'

/** `crm resource move RSC [NODE] [LIFETIME] [force]` */
export default class CrmResourceMove extends HakitCommand {
  static override summary = 'Move a resource to a node with a cli-prefer constraint (crm resource move)'
  static override description = `Adds location cli-prefer-RSC (INFINITY on NODE, role Started) as crm_resource --move does; with force also bans the node it runs on now (cli-ban-RSC-on-NODE), which is needed when resource-stickiness is INFINITY. Without a node, force bans the current node. The constraint stays until \`hakit crm resource clear RSC\`.

${ADMIN_EXIT_CODES}`
  static override aliases = ['crm:resource:migrate']
  static override examples = ['<%= config.bin %> crm resource move web n2 force', '<%= config.bin %> crm resource move web n2 PT1H --cib cib.xml', '<%= config.bin %> crm resource move web n2 force --wait']
  static override strict = false
  static override args = {
    resource: Args.string({description: 'resource id', required: true}),
    rest: Args.string({description: '[NODE] [LIFETIME] [force]'}),
  }
  static override flags = {...adminFlags, ...waitFlags, lifetime: Flags.string({char: 'u', description: 'ISO 8601 duration, e.g. PT1H'}), force: Flags.boolean({char: 'f', description: 'also ban the current node'})}

  async run(): Promise<void> {
    const {args, argv, flags} = await this.parse(CrmResourceMove)
    const {runAdminEdit} = await import('../../../cli/crm-admin.js')
    const {moveResource} = await import('../../../runtime/crm/admin/edit.js')
    const words = (argv as string[]).slice(1)
    const force = flags.force || words.includes('force')
    const lifetime = flags.lifetime ?? words.find((w) => /^P/.test(w))
    const node = words.find((w) => w !== 'force' && !/^P/.test(w))
    await runAdminEdit(flags, async (cib, ctx) => moveResource(cib, args.resource, {node, lifetime, force, activeOn: await ctx.activeOn(args.resource), now: ctx.now}))
  }
}
