import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, waitFlags} from '../../../cli/crm-admin.js'

/** `crm resource maintenance RSC [on|off]` */
export default class CrmResourceMaintenance extends HakitCommand {
  static override summary = 'Put a resource in (or out of) maintenance mode: meta maintenance=true|false (crm resource maintenance)'
  static override description = `The cluster neither starts, stops nor monitors a resource in maintenance.

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm resource maintenance web on', '<%= config.bin %> crm resource maintenance web on --wait']
  static override args = {resource: Args.string({description: 'resource id', required: true}), state: Args.string({description: 'on (default) or off', options: ['on', 'off', 'true', 'false'], default: 'on'})}
  static override flags = {...adminFlags, ...waitFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmResourceMaintenance)
    const {runAdminEdit} = await import('../../../cli/crm-admin.js')
    const {maintenanceResource} = await import('../../../runtime/crm/admin/edit.js')
    await runAdminEdit(flags, (cib) => maintenanceResource(cib, args.resource, args.state === 'on' || args.state === 'true'))
  }
}
