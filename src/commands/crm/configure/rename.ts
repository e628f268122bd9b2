import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {CONFIGURE_HELP, configureFlags} from '../../../cli/crm-admin.js'

/** `crm configure rename OLD NEW` */
export default class CrmConfigureRename extends HakitCommand {
  static override summary = 'Rename a resource or constraint (crm configure rename)'
  static override description = `Changes the id of a resource or constraint and every constraint reference to it, as crmsh does. A running resource is not renamed on a running cluster unless --force (its history stays under the old id).

${CONFIGURE_HELP}`
  static override examples = ['<%= config.bin %> crm configure rename web web-old', '<%= config.bin %> crm configure rename loc-1 loc-web --cib cib.xml']
  static override args = {
    old: Args.string({description: 'current id', required: true}),
    new: Args.string({description: 'new id', required: true}),
  }
  static override flags = configureFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmConfigureRename)
    const {runAdminEdit, runningResources} = await import('../../../cli/crm-admin.js')
    const {renameObject} = await import('../../../runtime/crm/admin/configure.js')
    await runAdminEdit(flags, async (cib, ctx) => renameObject(cib, args.old, args.new, {running: ctx.live ? await runningResources(cib, [args.old]) : new Set(), force: flags.force}))
  }
}
