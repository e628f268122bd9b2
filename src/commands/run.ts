import {join} from 'node:path'
import {Flags} from '@oclif/core'
import {HakitCommand} from '../cli/base-command.js'
import {CONFIG_ERROR_EXIT, UserError} from '../core/errors.js'
import {pathExists} from '../core/fs-probe.js'

export default class Run extends HakitCommand {
  static override summary = 'Run the cluster daemon: `--legacy` replaces Heartbeat v1 on an unchanged /etc/ha.d, `--crm` runs a Pacemaker-style cluster from a CIB'
  static override description = `Reads ha.cf, haresources and authkeys from the configuration directory, refuses to start on what Heartbeat refuses (the same findings as "hakit lint all", exit 6), joins the cluster with Heartbeat's protocol (real Heartbeat peers included) and runs the haresources groups as Heartbeat does, with the deliberate differences listed in docs/run-legacy.md. Runs in the foreground; SIGTERM releases every group, tells the peers and exits. Logs go to ha.cf's logfile/debugfile/logfacility in Heartbeat's formats and to stderr.

After "hakit detach" (the cut-over to Pacemaker or to --crm, docs/cutover.md) SIGTERM leaves every group running and tells the peers nothing. --detached starts in that state (the rollback from --crm): the groups found running here are held and left alone until "hakit attach".

Operator commands (hakit standby, takeover, detach, attach, status) reach the daemon through STATE_DIR/hakit-legacy.sock and /run/hakit/legacy.sock.

With --crm (or ha.cf \`crm yes|on|respawn\` / \`pacemaker on|respawn\` and no --legacy) it runs the CRM runtime instead: the same messaging (ha.cf media, authkeys), a DC elected as Pacemaker elects it, the CIB replicated to every node and kept in STATE_DIR/cib (cib.xml + digest + numbered backups), Pacemaker's scheduler deciding placements, the resource agents run by hakit's executor. The first start takes --cib FILE (CIB XML or crm syntax) or converts haresources; later starts use the stored CIB, and the newest CIB in the cluster wins at join. The live CIB is read with \`hakit crm configure show\` through STATE_DIR/hakit-crm.sock or /run/hakit/crm.sock (see docs/crm-runtime.md).

EXIT CODES
  0  stopped by SIGTERM/SIGINT
  1  could not start (media, socket in use)
  2  bad flags
  6  configuration errors (the same findings as hakit lint all, no ha.cf in --config-dir), or no valid CIB in the state dir`

  static override examples = [
    {description: 'As the heartbeat service would run', command: '<%= config.bin %> <%= command.id %> --legacy'},
    {description: 'A second node on the same host, on 127.0.0.3 (tests, demos)', command: '<%= config.bin %> <%= command.id %> --legacy --config-dir ./n2/ha.d --node n2 --state-dir ./n2/state --bind 127.0.0.3'},
    {description: 'The CRM runtime, first start from a crm configuration', command: '<%= config.bin %> <%= command.id %> --crm --cib cluster.crm'},
  ]

  static override flags = {
    legacy: Flags.boolean({description: 'run the Heartbeat v1 (haresources) runtime', exclusive: ['crm']}),
    crm: Flags.boolean({description: 'run the CRM runtime (Pacemaker-style, from a CIB); the default when ha.cf says crm/pacemaker on', exclusive: ['legacy']}),
    cib: Flags.string({description: 'CRM runtime, first start: the CIB to start from (CIB XML or crm syntax); ignored once STATE_DIR/cib holds one'}),
    'config-dir': Flags.string({description: 'Heartbeat configuration directory', default: '/etc/ha.d'}),
    node: Flags.string({description: 'this node\'s name (default: uname -n)'}),
    'state-dir': Flags.string({description: 'state (hb_generation, hb_uuid, operator socket)', default: '/var/lib/hakit'}),
    socket: Flags.string({description: 'the only operator socket to listen on (default: STATE_DIR/hakit-legacy.sock and /run/hakit/legacy.sock; --crm: STATE_DIR/hakit-crm.sock and /run/hakit/crm.sock)'}),
    bind: Flags.string({description: 'local IPv4 address for every ucast/bcast/mcast medium (several nodes on one host)'}),
    detached: Flags.boolean({description: '--legacy: start detached: hold the groups found running here, start/stop/take over nothing until "hakit attach" (the rollback from --crm, docs/cutover.md)'}),
    'start-timeout': Flags.integer({description: '--legacy: seconds a resource script may take to start (default 120; --crm takes op timeouts from the CIB)', min: 1}),
    'stop-timeout': Flags.integer({description: '--legacy: seconds a resource script may take to stop (default 120)', min: 1}),
    'status-timeout': Flags.integer({description: '--legacy: seconds a resource status check may take (default 30)', min: 1}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Run)
    // both runtimes read ha.cf and authkeys: without them, a configuration error (exit 6, which the
    // systemd units do not restart on), not a bad command line
    const haCf = join(flags['config-dir'], 'ha.cf')
    if (!(await pathExists(haCf))) {
      throw new UserError(`${haCf}: no such file: hakit run --legacy and --crm read Heartbeat's ha.cf and authkeys from --config-dir (default /etc/ha.d)`, CONFIG_ERROR_EXIT)
    }
    let crm = flags.crm
    if (!flags.legacy && !crm) {
      const {haCfWantsCrm} = await import('../runtime/crm/config.js')
      crm = await haCfWantsCrm(flags['config-dir'])
      if (!crm) throw new UserError(`choose a runtime: hakit run --legacy (haresources) or --crm (a CIB); ${flags['config-dir']}/ha.cf does not say crm/pacemaker on`)
    }
    if (crm) {
      if (flags.detached) throw new UserError('--detached is for the legacy runtime (--legacy)')
      const {startCrmDaemon} = await import('../runtime/crm/daemon.js')
      const daemon = await startCrmDaemon({
        configDir: flags['config-dir'],
        node: flags.node,
        stateDir: flags['state-dir'],
        bindAddress: flags.bind,
        cibFile: flags.cib,
        sockets: flags.socket ? [flags.socket] : undefined,
        signals: true,
        version: this.config.version,
      })
      process.exit(await daemon.done)
    }
    if (flags.cib) throw new UserError('--cib is for the CRM runtime (--crm)')
    const {startDaemon} = await import('../runtime/legacy/daemon/daemon.js')
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
      startDetached: flags.detached,
    })
    const code = await daemon.done
    // respawned clients and the syslog pipe are gone; leave at once
    process.exit(code)
  }
}
