import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, waitFlags} from '../../../cli/crm-admin.js'

/** `crm resource restart RSC…` */
export default class CrmResourceRestart extends HakitCommand {
  static override summary = 'Restart resources: stop, wait for the cluster to settle, start (crm resource restart)'
  static override description = `As crmsh: target-role=Stopped on each resource, then wait until the transition is complete (the DC has nothing left to do), then target-role=Started. The wait prints the actions that ran; with --wait the start is waited for as well. Needs a running cluster: on a CIB file there is no transition to wait for (crmsh fails there too, after the stop).

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm resource restart web', '<%= config.bin %> crm resource restart web vip --wait']
  static override strict = false
  static override args = {resource: Args.string({description: 'resource id (more may follow)', required: true})}
  static override flags = {...adminFlags, ...waitFlags}

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(CrmResourceRestart)
    const {runAdminEdit} = await import('../../../cli/crm-admin.js')
    const {resolveAdminTarget} = await import('../../../runtime/crm/admin/apply.js')
    const {startResource, stopResource} = await import('../../../runtime/crm/admin/edit.js')
    const {UserError} = await import('../../../core/errors.js')
    const ids = argv as string[]
    if ((await resolveAdminTarget(flags.cib, flags.socket)).kind === 'file') throw new UserError('restart needs a running cluster: on a CIB file there is no transition to wait for between stop and start', 1)
    process.stdout.write(`INFO: ordering ${ids.join(', ')} to stop\n`)
    await runAdminEdit(flags, (cib) => chain(cib, ids, stopResource), {wait: true})
    process.stdout.write(`INFO: ordering ${ids.join(', ')} to start\n`)
    await runAdminEdit(flags, (cib) => chain(cib, ids, startResource))
  }
}

type Edit = import('../../../runtime/crm/admin/edit.js').AdminEdit
type Cib = import('../../../formats/cib/model.js').Cib

/** One edit for several resources (one versioned change). */
function chain(cib: Cib, ids: string[], one: (cib: Cib, id: string) => Edit): Edit {
  let edit: Edit = {cib, configChanged: false, statusOps: [], notes: []}
  for (const id of ids) {
    const next = one(edit.cib, id)
    edit = {cib: next.cib, configChanged: edit.configChanged || next.configChanged, statusOps: [...edit.statusOps, ...next.statusOps], notes: [...edit.notes, ...next.notes]}
  }
  return edit
}
