import {Flags} from '@oclif/core'
import {HakitCommand} from '../cli/base-command.js'

export default class Status extends HakitCommand {
  static override summary = 'Cluster status from the running daemon: an overview, --json, or a cl_status sub-command'
  static override description = `Without a sub-command: a readable overview of this node's view (nodes, links, each group's owner and holder, standby state); exit 3 when no daemon runs.

With a cl_status sub-command, cl_status's output and exit codes:
  hbstatus [-v]                 0 running, 1 stopped
  listnodes [-p|-n] [-v]        nodes in reverse ha.cf order
  nodestatus NODE               active/up/ping: 0, dead/init: 1, unknown node: 11
  nodetype NODE                 normal | ping
  listhblinks [-v] NODE         links (13 for an unknown node)
  hblinkstatus NODE LINK        up: 0, dead: 1, unknown link: 13
  rscstatus                     none | local | foreign | all | transition
  clientstatus NODE CLIENT      online 0, offline 1, join 2, leave 3
  hbparameter -p NAME, nodeweight NODE, nodesite NODE
Option -m gives cl_status's human-readable wording. --json prints the overview in hakit's JSON envelope (docs/json.md).

EXIT CODES
  overview  0 the daemon answered, 3 no daemon runs
  sub-commands: cl_status's codes above (hbstatus 1 when stopped, 11/13 for an unknown node/link, …)`

  static override strict = false
  static override flags = {
    json: Flags.boolean({description: 'the full status report as JSON (overview only)'}),
    socket: Flags.string({description: 'operator socket of the daemon'}),
    'state-dir': Flags.string({description: 'state directory the daemon was started with'}),
  }

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --json',
    '<%= config.bin %> <%= command.id %> nodestatus n2',
    '<%= config.bin %> <%= command.id %> listnodes -v',
  ]

  async run(): Promise<void> {
    // cl_status options (-v, -m, -p NAME, -n) are passed through as they are, so argv is read by hand
    const rest: string[] = []
    let json = false
    let socket: string | undefined
    let stateDir: string | undefined
    const argv = [...this.argv]
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!
      if (arg === '--json') json = true
      else if (arg === '--socket') socket = argv[++i]
      else if (arg.startsWith('--socket=')) socket = arg.slice(9)
      else if (arg === '--state-dir') stateDir = argv[++i]
      else if (arg.startsWith('--state-dir=')) stateDir = arg.slice(12)
      else rest.push(arg)
    }
    const {resolveSocketPath, runStatusCommand} = await import('../runtime/legacy/operator.js')
    const out = await runStatusCommand(resolveSocketPath({socket, stateDir}), rest, {json})
    if (json && rest.length === 0) {
      // The overview as the envelope; without a daemon, the error (exit 3, as cl_status).
      if (out.exitCode === 0) return this.printJson(JSON.parse(out.stdout))
      process.stderr.write(out.stderr)
      return this.printJson(null, {exitCode: out.exitCode, error: out.stderr.trim().replace(/^hakit status: /, '')})
    }
    process.stdout.write(out.stdout)
    process.stderr.write(out.stderr)
    process.exitCode = out.exitCode
  }
}
