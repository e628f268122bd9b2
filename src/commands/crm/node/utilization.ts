import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags} from '../../../cli/crm-admin.js'

/** `crm node utilization NODE set|delete|show NAME [VALUE]` */
export default class CrmNodeUtilization extends HakitCommand {
  static override summary = 'Set, delete or show a node utilization value (crm node utilization)'
  static override description = `Permanent utilization of the node (nodes section), as crm_attribute writes them. show prints \`scope=nodes  name=NAME value=VALUE\`.

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm node utilization n1 set cpu 4']
  static override args = {
    node: Args.string({description: 'node', required: true}),
    action: Args.string({description: 'set, delete or show', required: true, options: ['set', 'delete', 'show', 'get']}),
    name: Args.string({description: 'attribute name', required: true}),
    value: Args.string({description: 'value (set)'}),
  }
  static override flags = {...adminFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmNodeUtilization)
    const edit = await import('../../../runtime/crm/admin/edit.js')
    const {runAdminEdit, readAdminCib} = await import('../../../cli/crm-admin.js')
    const lifetime = ((flags as {lifetime?: string}).lifetime ?? 'forever') as 'forever' | 'reboot'
    const set = 'utilization' as const
    if (args.action === 'show' || args.action === 'get') {
      const value = edit.getNodeAttribute(await readAdminCib(flags), args.node, args.name, lifetime, set)
      const {UserError} = await import('../../../core/errors.js')
      if (value === undefined) throw new UserError(`node ${args.node} has no utilization ${args.name}`, edit.EXIT_NO_SUCH_OBJECT)
      this.print(`scope=${lifetime === 'reboot' ? 'status' : 'nodes'}  name=${args.name} value=${value}`)
      return
    }
    if (args.action === 'set' && args.value === undefined) this.error('set needs a VALUE', {exit: 64})
    await runAdminEdit(flags, (cib) => edit.setNodeAttribute(cib, args.node, args.name, args.action === 'set' ? args.value : undefined, lifetime, set))
  }
}
