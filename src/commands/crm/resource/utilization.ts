import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags} from '../../../cli/crm-admin.js'

/** `crm resource utilization RSC get|set|delete NAME [VALUE]` */
export default class CrmResourceUtilization extends HakitCommand {
  static override summary = 'Get, set or delete a resource utilization attribute (crm resource utilization)'
  static override description = `set writes the nvpair where it already is, else into RSC-utilization (ids as crm_resource makes them); get prints the value (exit 105 when unset).

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm resource utilization web set target-role Stopped', '<%= config.bin %> crm resource utilization web get target-role']
  static override args = {
    resource: Args.string({description: 'resource id', required: true}),
    action: Args.string({description: 'get, set, delete or show', required: true, options: ['get', 'set', 'delete', 'show']}),
    name: Args.string({description: 'attribute name', required: true}),
    value: Args.string({description: 'value (set)'}),
  }
  static override flags = adminFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmResourceUtilization)
    const edit = await import('../../../runtime/crm/admin/edit.js')
    const {runAdminEdit, readAdminCib} = await import('../../../cli/crm-admin.js')
    if (args.action === 'get' || args.action === 'show') {
      const value = edit.getResourceAttribute(await readAdminCib(flags), args.resource, 'utilization', args.name)
      const {UserError} = await import('../../../core/errors.js')
      if (value === undefined) throw new UserError(`${args.resource} has no utilization ${args.name}`, edit.EXIT_NO_SUCH_OBJECT)
      this.print(value)
      return
    }
    if (args.action === 'set' && args.value === undefined) this.error('set needs a VALUE', {exit: 64})
    await runAdminEdit(flags, (cib) => (args.action === 'set' ? edit.setResourceAttribute(cib, args.resource, 'utilization', args.name, args.value!) : edit.deleteResourceAttribute(cib, args.resource, 'utilization', args.name)))
  }
}
