import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags} from '../../../cli/crm-admin.js'

/** `crm resource locate|status [RSC…]` (crm_resource --locate) */
export default class CrmResourceLocate extends HakitCommand {
  static override summary = 'Where resources are running (crm resource locate|status, crm_resource --locate)'
  static override aliases = ['crm:resource:status']
  static override description = `Prints \`resource RSC is running on: NODE\` per node (\` Promoted\` added for a promoted instance) or \`resource RSC is NOT running\` on stderr; without names, every top-level resource.

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm resource locate web', 'CIB_file=cib.xml <%= config.bin %> crm resource locate']
  static override strict = false
  static override args = {resource: Args.string({description: 'resource ids'})}
  static override flags = {...adminFlags, quiet: Flags.boolean({char: 'Q', description: 'print only node names'})}

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(CrmResourceLocate)
    const {readAdminCib} = await import('../../../cli/crm-admin.js')
    const {locateResource} = await import('../../../runtime/crm/admin/edit.js')
    const cib = await readAdminCib(flags)
    const ids = (argv as string[]).length > 0 ? (argv as string[]) : cib.resources.map((r) => r.id)
    for (const id of ids) {
      const where = await locateResource(cib, id)
      if (where.length === 0) process.stderr.write(`resource ${id} is NOT running\n`)
      for (const w of where) this.print(flags.quiet ? w.node : `resource ${id} is running on: ${w.node}${w.role ? ` ${w.role}` : ''}`)
    }
  }
}
