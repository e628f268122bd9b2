import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../cli/base-command.js'
import {OPERATOR_EXIT_CODES} from '../cli/exit-codes.js'

export const socketFlags = {
  socket: Flags.string({description: 'operator socket of the daemon (default $HAKIT_LEGACY_SOCKET, else STATE_DIR/hakit-legacy.sock, else /run/hakit/legacy.sock)'}),
  'state-dir': Flags.string({description: 'state directory the daemon was started with'}),
}

export default class Standby extends HakitCommand {
  static override summary = 'hb_standby: hand this node\'s resource groups to the peer'
  static override description = `Asks the running "hakit run --legacy" daemon to go standby for a set of groups, relative to this node: all (default), local (groups this node owns in haresources), foreign (the others), failback (= foreign). Uses Heartbeat's standby handshake, so it works with a real Heartbeat peer. It does not wait for the move: watch it with "hakit status".

${OPERATOR_EXIT_CODES}`

  static override examples = [
    {description: 'Hand every group to the peer (maintenance of this node)', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Hand back only the groups this node does not own (manual failback)', command: '<%= config.bin %> <%= command.id %> foreign'},
    {description: 'A second daemon on the same host', command: '<%= config.bin %> <%= command.id %> all --state-dir ./n2/state'},
  ]

  static override args = {which: Args.string({description: 'all | local | foreign | failback', required: false})}
  static override flags = socketFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Standby)
    await runOperator(this, 'standby', args.which, flags)
  }
}

export async function runOperator(cmd: HakitCommand, which: 'standby' | 'takeover', set: string | undefined, flags: {socket?: string; 'state-dir'?: string}): Promise<void> {
  const {resolveSocketPath, runStandbyCommand} = await import('../runtime/legacy/operator.js')
  const out = await runStandbyCommand(resolveSocketPath({socket: flags.socket, stateDir: flags['state-dir']}), which, set === undefined ? [] : [set])
  process.stdout.write(out.stdout)
  process.stderr.write(out.stderr)
  process.exitCode = out.exitCode
  void cmd
}
