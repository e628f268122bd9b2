import {HakitCommand} from '../../../cli/base-command.js'

export default class CrmRaClasses extends HakitCommand {
  static override summary = 'List resource agent classes (and OCF providers) usable here'
  static override description = `As crmsh "ra classes": lsb, ocf with its providers, service, stonith, and systemd where PID 1 is systemd — plus heartbeat (Heartbeat v1 resource.d scripts, which hakit runs and Pacemaker 2 no longer does).

EXIT CODES
  0  always (a class whose directory is missing is left out)`
  static override examples = ['<%= config.bin %> crm ra classes']

  async run(): Promise<void> {
    await this.parse(CrmRaClasses)
    const {raClasses} = await import('../../../runtime/executor/ra.js')
    const {renderClasses} = await import('../../../cli/render-exec.js')
    this.print(renderClasses(raClasses()))
  }
}
