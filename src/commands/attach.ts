import {HakitCommand} from '../cli/base-command.js'
import {socketFlags} from './standby.js'

export default class Attach extends HakitCommand {
  static override summary = 'Undo "hakit detach": the legacy daemon manages its resource groups again'
  static override description = `For a rollback of the cut-over to Pacemaker (docs/cutover.md) while Pacemaker has not taken over. The detached "hakit run --legacy" daemon negotiates with its peers as at start-up ("starting", then every live peer's report), keeps the groups running here (one that a peer holds too is released here) and manages again: takeover, failback, standby. Start any v1 daemon that was stopped meanwhile BEFORE attaching the others (at start-up it adopts the groups it finds running): an attached node takes over the groups of a peer it sees dead.

EXIT CODES
  0  attached
  1  the daemon was not detached, or cannot be reached`

  static override examples = [{description: 'On every node, after stopping Pacemaker and Corosync (rollback)', command: '<%= config.bin %> <%= command.id %>'}]

  static override flags = socketFlags

  async run(): Promise<void> {
    const {flags} = await this.parse(Attach)
    const {resolveSocketPath, runDetachCommand} = await import('../runtime/legacy/operator.js')
    const out = await runDetachCommand(resolveSocketPath({socket: flags.socket, stateDir: flags['state-dir']}), 'attach')
    process.stdout.write(out.stdout)
    process.stderr.write(out.stderr)
    process.exitCode = out.exitCode
  }
}
