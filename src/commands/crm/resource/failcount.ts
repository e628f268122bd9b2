import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags} from '../../../cli/crm-admin.js'

/** `crm resource failcount RSC show|delete NODE` */
export default class CrmResourceFailcount extends HakitCommand {
  static override summary = 'Show or delete the fail counts of a resource on a node (crm resource failcount)'
  static override description = `show prints crm_failcount's line (\`scope=status  name=fail-count-RSC value=N\`, the sum over operations); delete removes the fail-count and last-failure attributes of the resource on the node.

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm resource failcount web show n1', '<%= config.bin %> crm resource failcount web delete n1']
  static override args = {
    resource: Args.string({description: 'resource id', required: true}),
    action: Args.string({description: 'show or delete', required: true, options: ['show', 'delete']}),
    node: Args.string({description: 'node', required: true}),
  }
  static override flags = adminFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmResourceFailcount)
    const edit = await import('../../../runtime/crm/admin/edit.js')
    const {runAdminEdit, readAdminCib} = await import('../../../cli/crm-admin.js')
    if (args.action === 'show') {
      const entries = edit.failCounts(await readAdminCib(flags), args.resource, args.node)
      const total = entries.reduce((sum, e) => (e.value === 'INFINITY' || sum === Infinity ? Infinity : sum + Number(e.value)), 0)
      this.print(`scope=status  name=fail-count-${args.resource} value=${total === Infinity ? 'INFINITY' : total}`)
      return
    }
    await runAdminEdit(flags, (cib) => edit.deleteFailCount(cib, args.resource, args.node))
  }
}
