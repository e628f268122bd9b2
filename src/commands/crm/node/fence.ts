import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, waitFlags} from '../../../cli/crm-admin.js'

/** `crm node fence NODE` */
export default class CrmNodeFence extends HakitCommand {
  static override summary = 'Fence a node through the cluster (crm node fence)'
  static override description = `Asks the cluster to fence NODE as crmsh does: the node's transient attribute terminate=true, upon which the DC's scheduler schedules the fencing ("termination was requested") and the DC's fencer runs the fence devices; the node's resources are recovered elsewhere once it is fenced. crmsh asks "Do you want to fence NODE?": on a terminal hakit asks the same, otherwise --force is needed. With stonith-enabled=false the cluster cannot fence: refused (exit 1). --wait waits until the fencing and the recovery are complete and lists what ran.

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm node fence n2', '<%= config.bin %> crm node fence n2 --force --wait']
  static override args = {node: Args.string({description: 'node to fence', required: true})}
  static override flags = {...adminFlags, ...waitFlags, force: Flags.boolean({char: 'F', description: 'do not ask (needed when stdin is not a terminal)'})}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmNodeFence)
    const {runAdminEdit, confirm} = await import('../../../cli/crm-admin.js')
    const {fenceNode} = await import('../../../runtime/crm/admin/edit.js')
    const question = `Fencing ${args.node} will shut down the node and migrate any resources that are running on it! Do you want to fence ${args.node}?`
    if (!flags.force && !(await confirm(question))) return
    await runAdminEdit(flags, (cib) => fenceNode(cib, args.node))
  }
}
