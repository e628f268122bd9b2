import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'

export default class CrmRaInfo extends HakitCommand {
  static override summary = "Show an agent's parameters, defaults and advertised operation timeouts"
  static override description = `AGENT is CLASS:[PROVIDER:]TYPE, PROVIDER:TYPE or TYPE (ocf:heartbeat); the layout is crmsh's "ra info".

EXIT CODES
  0    shown
  1    the agent's meta-data could not be read
  105  no such agent (with a did-you-mean)`
  static override examples = ['<%= config.bin %> crm ra info ocf:heartbeat:IPaddr2', '<%= config.bin %> crm ra info stonith:fence_dummy']
  static override args = {agent: Args.string({description: 'agent', required: true})}

  async run(): Promise<void> {
    const {args} = await this.parse(CrmRaInfo)
    const {raMetadata} = await import('../../../runtime/executor/ra.js')
    const {agentName} = await import('../../../runtime/executor/agents.js')
    const {renderAgentInfo} = await import('../../../cli/render-exec.js')
    const {agent, xml} = await raMetadata(args.agent)
    this.print(renderAgentInfo(agentName(agent), xml, agent))
  }
}
