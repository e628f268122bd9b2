import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {FORCE_HELP} from '../../../cli/force-help.js'

export default class CrmResourceForceCheck extends HakitCommand {
  static override summary = 'Run a one-shot monitor (probe) of a CIB resource here, outside any cluster (crm_resource --force-check)'
  static override description = FORCE_HELP
  static override examples = ['<%= config.bin %> crm resource force-check p_ip --cib cib.xml']
  static override args = {resource: Args.string({description: 'resource id', required: true})}
  static override flags = {
    cib: Flags.string({description: 'CIB XML or crm file (default: $CIB_file, else the running cluster)'}),
    verbose: Flags.boolean({char: 'V', description: 'also show validate-all output'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmResourceForceCheck)
    const {runForceCommand} = await import('../../../cli/force-command.js')
    await runForceCommand('force-check', args.resource, flags.cib, flags.verbose)
  }
}
