import {Flags} from '@oclif/core'
import {HakitCommand} from '../cli/base-command.js'
import {UserError} from '../core/errors.js'

export default class Run extends HakitCommand {
  static override summary = 'Run the cluster daemon: `--legacy` replaces Heartbeat v1 on an unchanged /etc/ha.d'
  static override description = `Reads ha.cf, haresources and authkeys from the configuration directory, refuses to start on what Heartbeat refuses (the same findings as "hakit lint all", exit 6), joins the cluster with Heartbeat's protocol (real Heartbeat peers included) and runs the haresources groups as Heartbeat does, with the deliberate differences listed in docs/run-legacy.md. Runs in the foreground; SIGTERM releases every group, tells the peers and exits. Logs go to ha.cf's logfile/debugfile/logfacility in Heartbeat's formats and to stderr.

After "hakit detach" (the cut-over to Pacemaker, docs/cutover.md) SIGTERM leaves every group running and tells the peers nothing.

Operator commands (hakit standby, takeover, detach, attach, status) reach the daemon through STATE_DIR/hakit-legacy.sock and /run/hakit/legacy.sock.`

  static override examples = [
    {description: 'As the heartbeat service would run', command: '<%= config.bin %> <%= command.id %> --legacy'},
    {description: 'A second node on the same host, on 127.0.0.3 (tests, demos)', command: '<%= config.bin %> <%= command.id %> --legacy --config-dir ./n2/ha.d --node n2 --state-dir ./n2/state --bind 127.0.0.3'},
  ]

  static override flags = {
    legacy: Flags.boolean({description: 'run the Heartbeat v1 (haresources) runtime (the only runtime so far)', required: true}),
    'config-dir': Flags.string({description: 'Heartbeat configuration directory', default: '/etc/ha.d'}),
    node: Flags.string({description: 'this node\'s name (default: uname -n)'}),
    'state-dir': Flags.string({description: 'state (hb_generation, hb_uuid, operator socket)', default: '/var/lib/hakit'}),
    socket: Flags.string({description: 'the only operator socket to listen on (default: STATE_DIR/hakit-legacy.sock and /run/hakit/legacy.sock)'}),
    bind: Flags.string({description: 'local IPv4 address for every ucast/bcast/mcast medium (several nodes on one host)'}),
    'start-timeout': Flags.integer({description: 'seconds a resource script may take to start (default 120)', min: 1}),
    'stop-timeout': Flags.integer({description: 'seconds a resource script may take to stop (default 120)', min: 1}),
    'status-timeout': Flags.integer({description: 'seconds a resource status check may take (default 30)', min: 1}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Run)
    if (!flags.legacy) throw new UserError('only the legacy runtime exists: use hakit run --legacy')
    const {startDaemon} = await import('../runtime/daemon/daemon.js')
    const seconds = (s: number | undefined) => (s === undefined ? undefined : s * 1000)
    const daemon = await startDaemon({
      configDir: flags['config-dir'],
      node: flags.node,
      stateDir: flags['state-dir'],
      bindAddress: flags.bind,
      timeouts: {start: seconds(flags['start-timeout']), stop: seconds(flags['stop-timeout']), status: seconds(flags['status-timeout'])},
      sockets: flags.socket ? [flags.socket] : undefined,
      signals: true,
      version: this.config.version,
    })
    const code = await daemon.done
    // respawned clients and the syslog pipe are gone; leave at once
    process.exit(code)
  }
}
