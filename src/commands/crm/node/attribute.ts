import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags} from '../../../cli/crm-admin.js'

/** `crm node attribute NODE set|delete|show NAME [VALUE]` */
export default class CrmNodeAttribute extends HakitCommand {
  static override summary = 'Set, delete or show a node attribute (crm node attribute)'
  static override description = `Permanent node attributes (nodes section; --lifetime reboot: transient, in the status), as crm_attribute writes them. show prints \`scope=nodes  name=NAME value=VALUE\`.

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm node attribute n1 set site west']
  static override args = {
    node: Args.string({description: 'node', required: true}),
    action: Args.string({description: 'set, delete or show', required: true, options: ['set', 'delete', 'show', 'get']}),
    name: Args.string({description: 'attribute name', required: true}),
    value: Args.string({description: 'value (set)'}),
  }
  static override flags = {...adminFlags, lifetime: Flags.string({char: 'l', description: 'forever (default) or reboot', options: ['forever', 'reboot']})}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmNodeAttribute)
    const edit = await import('../../../runtime/crm/admin/edit.js')
    const {runAdminEdit, readAdminCib} = await import('../../../cli/crm-admin.js')
    const lifetime = ((flags as {lifetime?: string}).lifetime ?? 'forever') as 'forever' | 'reboot'
    const set = 'instance_attributes' as const
    if (args.action === 'show' || args.action === 'get') {
      const value = edit.getNodeAttribute(await readAdminCib(flags), args.node, args.name, lifetime, set)
      const {UserError} = await import('../../../core/errors.js')
      if (value === undefined) throw new UserError(`node ${args.node} has no attribute ${args.name}`, edit.EXIT_NO_SUCH_OBJECT)
      this.print(`scope=${lifetime === 'reboot' ? 'status' : 'nodes'}  name=${args.name} value=${value}`)
      return
    }
    if (args.action === 'set' && args.value === undefined) this.error('set needs a VALUE', {exit: 64})
    await runAdminEdit(flags, (cib) => edit.setNodeAttribute(cib, args.node, args.name, args.action === 'set' ? args.value : undefined, lifetime, set))
  }
}
