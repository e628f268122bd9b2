import {Flags} from '@oclif/core'
import {HakitCommand} from '../cli/base-command.js'
import {UserError} from '../core/errors.js'

export default class Cutover extends HakitCommand {
  static override summary = 'Switch the nodes from "hakit run --legacy" to "hakit run --crm" (or back) one at a time, without stopping a resource'
  static override description = `The cut-over from the v1 runtime to hakit's CRM runtime on the same nodes and the same /etc/ha.d (docs/cutover.md, "To hakit's CRM runtime"):

  1. "hakit detach" on EVERY node: the legacy daemons start, stop and take over nothing any more.
  2. "hakit cutover --to crm" on one node at a time: writes the CRM daemon's first CIB (haresources converted, maintenance-mode=true), stops the detached legacy daemon (the resources keep running), starts the CRM daemon (--start, default "systemctl start hakit-crm.service") and waits until it has joined a cluster with a DC and its probes found what runs here. A node that still runs the legacy daemon is not a CRM member: nobody recovers or fences it.
  3. "hakit cutover --finish" once, on any node, when every node runs the CRM daemon: checks that every node is a CRM member and every resource probed everywhere, and that the scheduler, with maintenance off, would start, stop or move nothing; then sets maintenance-mode=false. The CRM cluster manages the resources where they run. "--check" does the checks only.

Rollback: "hakit cutover --to legacy" on one node at a time sets maintenance-mode=true, stops the CRM daemon (in maintenance it stops nothing) and starts the legacy daemon detached (--start-legacy, default "systemctl start hakit-legacy.service"; a one-shot marker STATE_DIR/legacy-start-detached makes that start detached): it holds the groups it finds running here and takes nothing over, not even from a peer that still runs the CRM daemon. Then "hakit attach" on every node: the legacy daemons manage the groups where they run.

Afterwards make the switch survive a reboot: "systemctl disable hakit-legacy; systemctl enable hakit-crm" (or the reverse after a rollback).

EXIT CODES
  0  done (--check: ready to finish)
  1  refused or failed, with the reason: a legacy daemon not detached, conversion errors, a daemon that does not start or stop in --wait, a cluster not ready to finish (each reason on its own line)
  2  bad flags or unreadable configuration`

  static override examples = [
    {description: 'On every node first', command: '<%= config.bin %> detach'},
    {description: 'Then on each node in turn', command: '<%= config.bin %> <%= command.id %> --to crm'},
    {description: 'Would switching maintenance off move anything?', command: '<%= config.bin %> <%= command.id %> --check'},
    {description: 'From an edited conversion (the same file on every node)', command: '<%= config.bin %> <%= command.id %> --to crm --cib /root/hakit-pacemaker/crm.txt'},
    {description: 'Once every node runs the CRM daemon', command: '<%= config.bin %> <%= command.id %> --finish'},
    {description: 'Rollback, on each node in turn, then "hakit attach" on every node', command: '<%= config.bin %> <%= command.id %> --to legacy'},
    {description: 'Without systemd (the CRM daemon started by a command of yours)', command: '<%= config.bin %> <%= command.id %> --to crm --start "setsid hakit run --crm </dev/null >>/var/log/hakit-crm.out 2>&1 &"'},
  ]

  static override flags = {
    to: Flags.string({description: 'switch this node to the CRM runtime (crm) or back to the legacy one (legacy)', options: ['crm', 'legacy'], exclusive: ['finish', 'check']}),
    finish: Flags.boolean({description: 'every node runs the CRM daemon: check, then maintenance-mode=false', exclusive: ['check']}),
    check: Flags.boolean({description: 'only check whether --finish would go ahead (nothing would start, stop or move)'}),
    'config-dir': Flags.string({description: 'Heartbeat configuration directory', default: '/etc/ha.d'}),
    'state-dir': Flags.string({description: 'the daemons\' state directory', default: '/var/lib/hakit'}),
    socket: Flags.string({description: 'the legacy daemon\'s operator socket (default STATE_DIR/hakit-legacy.sock)'}),
    'crm-socket': Flags.string({description: 'the CRM daemon\'s socket (default STATE_DIR/hakit-crm.sock)'}),
    start: Flags.string({description: 'shell command that starts the CRM daemon', default: 'systemctl start hakit-crm.service'}),
    'start-legacy': Flags.string({description: 'shell command that starts the legacy daemon (rollback)', default: 'systemctl start hakit-legacy.service'}),
    cib: Flags.string({description: '--to crm: start the CRM from this CIB (XML or crm syntax; for example the conversion, edited) instead of converting haresources; maintenance-mode=true is added. Give the same file on every node'}),
    wait: Flags.integer({description: 'seconds to wait for a daemon to stop, start, join, or probe', default: 120, min: 1}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Cutover)
    if (!flags.to && !flags.finish && !flags.check) throw new UserError('say what to do: --to crm (on each node), --finish or --check (once), --to legacy (rollback)')
    const cutover = await import('../runtime/cutover/to-crm.js')
    const options = {
      configDir: flags['config-dir'],
      stateDir: flags['state-dir'],
      legacySocket: flags.socket,
      crmSocket: flags['crm-socket'],
      startCommand: flags.start,
      startLegacyCommand: flags['start-legacy'],
      waitMs: flags.wait * 1000,
      cibFile: flags.cib,
    }
    const say = (line: string): void => this.print(line)
    if (flags.to === 'crm') return cutover.switchNodeToCrm(options, say)
    if (flags.to === 'legacy') return cutover.switchNodeToLegacy(options, say)
    const nodes = await cutover.haCfNodes(flags['config-dir'])
    const readiness = flags.finish ? await cutover.finishCutover(options, nodes, say) : await cutover.liveReadiness(options, nodes)
    for (const p of readiness.placement) say(`${p.resource}: ${p.node ? `running on ${p.node}` : 'not running'}`)
    if (!readiness.ready) {
      throw new UserError(`not ready to switch maintenance-mode off:\n${readiness.problems.map((p) => `  ${p}`).join('\n')}`, 1)
    }
    if (flags.check) say('ready: maintenance off would start, stop and move nothing (hakit cutover --finish)')
  }
}
