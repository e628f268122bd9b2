import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {UserError} from '../../../core/errors.js'

export default class CrmRaList extends HakitCommand {
  static override summary = 'List the agents of a class (CLASS, ocf:PROVIDER, or crmsh\'s ocf PROVIDER)'
  static override description = `EXIT CODES
  0    listed
  2    a provider given twice (ocf:heartbeat heartbeat)
  105  unknown class or provider (with a did-you-mean)`
  static override examples = ['<%= config.bin %> crm ra list ocf:heartbeat', '<%= config.bin %> crm ra list ocf pacemaker', '<%= config.bin %> crm ra list stonith']
  static override args = {
    class: Args.string({description: 'CLASS[:PROVIDER] (default: ocf)', required: false}),
    provider: Args.string({description: 'PROVIDER, as crmsh takes it (crm ra list ocf heartbeat)', required: false}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(CrmRaList)
    if (args.provider !== undefined && args.class?.includes(':')) throw new UserError(`give the provider once: "${args.class}" already names one`, 2)
    const {raList} = await import('../../../runtime/executor/ra.js')
    const spec = args.provider === undefined ? (args.class ?? 'ocf') : `${args.class}:${args.provider}`
    this.print(raList(spec).join('\n'))
  }
}
