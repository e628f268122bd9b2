import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'

export default class CrmRaList extends HakitCommand {
  static override summary = 'List the agents of a class (CLASS or ocf:PROVIDER)'
  static override description = `EXIT CODES
  0    listed
  105  unknown class or provider (with a did-you-mean)`
  static override examples = ['<%= config.bin %> crm ra list ocf:heartbeat', '<%= config.bin %> crm ra list stonith']
  static override args = {class: Args.string({description: 'CLASS[:PROVIDER] (default: ocf)', required: false})}

  async run(): Promise<void> {
    const {args} = await this.parse(CrmRaList)
    const {raList} = await import('../../../runtime/executor/ra.js')
    this.print(raList(args.class ?? 'ocf').join('\n'))
  }
}
