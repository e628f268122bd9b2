import {HakitCommand} from '../cli/base-command.js'
import {socketFlags} from './standby.js'

export default class Detach extends HakitCommand {
  static override summary = 'Cut-over to Pacemaker: the legacy daemon stops managing resources and leaves them running'
  static override description = `Tells the running "hakit run --legacy" daemon to stop managing its resource groups for good: what runs keeps running, nothing is started or stopped any more (no takeover when a peer dies or leaves, no failback, no standby). Stopping a detached daemon afterwards (SIGTERM, systemctl stop) leaves every group running and sends no shutdown notice, so the peers do not take over. Detach EVERY node before stopping any daemon: a node that is not detached takes over the groups of a stopped peer after deadtime. To undo (rollback), "hakit attach": no restart needed. See docs/cutover.md.

Refused (exit 1, with the reason) while resources are starting or stopping, a standby runs, or the start-up negotiation is not finished: try again a moment later.

EXIT CODES
  0  detached (also when it already was)
  1  refused (the reason is printed: try again a moment later), or no daemon answers on the socket`

  static override examples = [
    {description: 'On every node, once Pacemaker (in maintenance mode) sees every resource where it runs', command: '<%= config.bin %> <%= command.id %>'},
  ]

  static override flags = socketFlags

  async run(): Promise<void> {
    const {flags} = await this.parse(Detach)
    const {resolveSocketPath, runDetachCommand} = await import('../runtime/legacy/operator.js')
    const out = await runDetachCommand(resolveSocketPath({socket: flags.socket, stateDir: flags['state-dir']}))
    process.stdout.write(out.stdout)
    process.stderr.write(out.stderr)
    process.exitCode = out.exitCode
  }
}
