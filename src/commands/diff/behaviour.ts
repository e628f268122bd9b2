import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'

export default class DiffBehaviour extends HakitCommand {
  static override summary = 'Compare where Heartbeat v1 and Pacemaker put each group, scenario by scenario'
  static override description = `Plays the same scenarios — every node starting, each node lost, each node back (auto_failback), standby of each node, each group failing to start on its owner, a partition — with hakit's v1 failover machine (Heartbeat-compatible mode) on the legacy directory DIR, and with hakit's port of the Pacemaker 2.1.5 scheduler on CIB (a CIB XML or crm file, e.g. the converted cib.xml after review). Groups are matched by the ids hakit convert gives each haresources line. Prints one row per scenario and group: where it ends up under v1 and under Pacemaker, same or different, and the reason of each difference.

EXIT CODES
  0  same, or only documented deliberate differences
  1  a difference that is not documented
  2  trouble (unreadable input, a group missing from the CIB)`

  static override examples = ['<%= config.bin %> diff behaviour /etc/ha.d /root/pacemaker/cib.xml', '<%= config.bin %> diff behaviour ./ha.d cib.xml --json']

  static override args = {
    dir: Args.string({description: 'legacy Heartbeat directory (haresources, ha.cf)', required: true}),
    cib: Args.string({description: 'CIB XML or crm file', required: true}),
  }

  static override flags = {
    json: Flags.boolean({description: 'print the scenarios as JSON'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(DiffBehaviour)
    const [{loadCib}, {diffBehaviour}, {behaviourTable}] = await Promise.all([
      import('../../cib/sources.js'),
      import('../../converters/behaviour/diff.js'),
      import('../../converters/behaviour/index.js'),
    ])
    const loaded = await loadCib(args.cib)
    const report = await diffBehaviour(args.dir, loaded.cib, loaded.label)
    const exitCode = report.undocumented > 0 ? 1 : 0
    if (flags.json) return this.printJson(report, {exitCode})
    this.print(behaviourTable(report).join('\n'))
    for (const s of report.scenarios) for (const g of s.groups) if (!g.same) this.print(`${s.name}, ${g.unit}: ${g.reason}${g.documented ? '' : ' (not a documented difference)'}`)
    process.exitCode = exitCode
  }
}
