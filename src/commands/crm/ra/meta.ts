import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'

export default class CrmRaMeta extends HakitCommand {
  static override summary = "Print an agent's meta-data XML"
  static override description = `LSB and heartbeat-class scripts get meta-data synthesized as Pacemaker does for LSB (from the INIT INFO block).

EXIT CODES
  0    printed
  1    the agent's meta-data could not be read
  105  no such agent (with a did-you-mean)`
  static override examples = ['<%= config.bin %> crm ra meta ocf:pacemaker:Stateful']
  static override args = {agent: Args.string({description: 'agent', required: true})}

  async run(): Promise<void> {
    const {args} = await this.parse(CrmRaMeta)
    const {raMetadata} = await import('../../../runtime/executor/ra.js')
    this.print((await raMetadata(args.agent)).xml)
  }
}
