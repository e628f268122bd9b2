import {Args} from '@oclif/core'
import {HakitCommand} from '../cli/base-command.js'
import {OPERATOR_EXIT_CODES} from '../cli/exit-codes.js'
import {runOperator, socketFlags} from './standby.js'

export default class Takeover extends HakitCommand {
  static override summary = 'hb_takeover: ask the peer to hand resource groups to this node'
  static override description = `Asks the running "hakit run --legacy" daemon to take a set of groups back, relative to this node: all (default), local (groups this node owns), foreign, failback. The peer releases them through Heartbeat's standby handshake. Also lifts this node's "failed to start here" marks.

${OPERATOR_EXIT_CODES}`

  static override examples = [
    {description: 'Take every group (back) to this node', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Take back only the groups this node owns in haresources', command: '<%= config.bin %> <%= command.id %> local'},
  ]

  static override args = {which: Args.string({description: 'all | local | foreign | failback', required: false})}
  static override flags = socketFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Takeover)
    await runOperator(this, 'takeover', args.which, flags)
  }
}
