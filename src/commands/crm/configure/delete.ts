import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {CONFIGURE_HELP, configureFlags} from '../../../cli/crm-admin.js'

/** `crm configure delete ID…` */
export default class CrmConfigureDelete extends HakitCommand {
  static override summary = 'Delete resources, constraints or attribute sets (crm configure delete)'
  static override description = `Deletes each ID as crmsh does: a group's or clone's children stay (at the top level) and a simple constraint on the container passes to its first child; a constraint left without its resource is deleted ("INFO: hanging location:… deleted"); a resource is dropped from resource sets. A running resource (other than a group) is not deleted on a running cluster unless --force (crmsh: "resource X is running, can't delete it"): stop it first.

${CONFIGURE_HELP}`
  static override examples = ['<%= config.bin %> crm configure delete loc-web', '<%= config.bin %> crm configure delete web vip --cib cib.xml']
  static override strict = false
  static override args = {id: Args.string({description: 'object id (more may follow)', required: true})}
  static override flags = configureFlags

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(CrmConfigureDelete)
    const {runAdminEdit, runningResources} = await import('../../../cli/crm-admin.js')
    const {deleteObjects} = await import('../../../runtime/crm/admin/configure.js')
    const ids = argv as string[]
    await runAdminEdit(flags, async (cib, ctx) => deleteObjects(cib, ids, {running: ctx.live ? await runningResources(cib, ids) : new Set(), force: flags.force}))
  }
}
