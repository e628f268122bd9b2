import {Flags} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'

export default class CrmStatus extends HakitCommand {
  static override summary = 'Cluster status as crm_mon (Pacemaker 2.1.5) shows it: one-shot, live, XML or JSON'
  static override description = `Prints Cluster Summary, Node List and the resources (Active Resources, or with -r the Full List of Resources) computed from the CIB's status section: the running hakit cluster's CIB (over its socket), or --cib FILE / $CIB_file as crm_mon reads it.
-A adds Node Attributes, -f the Migration Summary, -o the operation history (Operations, -t with timing details), -n lists resources under their node. --output-as xml prints crm_mon's XML (API 2.25: the same elements and attributes, for monitoring scripts); --json the same data as one JSON object.
Without -1 on a terminal the view stays on screen and redraws whenever the cluster changes (the daemon's watch subscription, or the CIB file changing), highlighting the lines that changed and showing the transition in flight; q or Ctrl-C quits. Not on a terminal, it prints once.

EXIT CODES
  0    printed
  2    the CIB cannot be read or parsed
  64   bad usage (unknown --output-as)
  102  no running cluster answers on the socket (as crm_mon)

ENVIRONMENT
  CIB_file          read this CIB file instead of the running cluster
  HAKIT_CRM_SOCKET  the local daemon's socket
  NO_COLOR          live view: mark changed lines with '>' instead of reverse video
  COLUMNS, LINES    live view: the size when the terminal does not say (frames are cut to it)`

  static override aliases = ['crm:mon', 'crm_mon']
  static override examples = [
    '<%= config.bin %> crm status',
    'CIB_file=cib.xml <%= config.bin %> crm status -1 -r',
    '<%= config.bin %> crm_mon -1 -o -t',
    '<%= config.bin %> crm_mon -1 --output-as xml',
    '<%= config.bin %> crm status -1 -n -r --json',
  ]

  static override flags = {
    cib: Flags.string({description: 'CIB XML file to read (default: $CIB_file, else the running hakit cluster)'}),
    socket: Flags.string({description: 'socket of the local hakit CRM daemon'}),
    'one-shot': Flags.boolean({description: 'print once and exit (also -1, as crm_mon)'}),
    inactive: Flags.boolean({char: 'r', description: 'show inactive resources too (Full List of Resources)'}),
    'show-node-attributes': Flags.boolean({char: 'A', description: 'show node attributes'}),
    failcounts: Flags.boolean({char: 'f', description: 'show resource fail counts (Migration Summary)'}),
    operations: Flags.boolean({char: 'o', description: 'show the operation history of every resource (Operations)'}),
    'timing-details': Flags.boolean({char: 't', description: 'with -o: when each operation ran and how long it took'}),
    'group-by-node': Flags.boolean({char: 'n', description: 'list resources under the node they run on'}),
    'output-as': Flags.string({description: 'text (default) or xml (crm_mon --output-as xml)'}),
    'as-xml': Flags.boolean({char: 'X', description: 'same as --output-as xml (crm_mon\'s deprecated -X)', hidden: true}),
    json: Flags.boolean({description: 'print the status data as one JSON object'}),
  }

  async run(): Promise<void> {
    // oclif flags cannot be digits: read crm_mon's -1 (alone or bundled, -1r) here; --output-as=xml too
    const argv = this.argv.flatMap((a) => (/^-1[a-zA-Z]+$/.test(a) ? ['--one-shot', `-${a.slice(2)}`] : a === '-1' ? ['--one-shot'] : [a]))
    const {flags} = await this.parse(CrmStatus, argv)
    const {UserError} = await import('../../core/errors.js')
    const outputAs = flags['as-xml'] ? 'xml' : (flags['output-as'] ?? 'text')
    if (!['text', 'xml'].includes(outputAs)) throw new UserError(`--output-as ${outputAs}: must be text or xml`, 64)
    const format = flags.json ? 'json' : (outputAs as 'text' | 'xml')
    const options = {
      inactive: flags.inactive, attributes: flags['show-node-attributes'], failcounts: flags.failcounts, operations: flags.operations,
      timing: flags['timing-details'], byNode: flags['group-by-node'], format,
      request: ['crm_mon', ...this.argv.map((a) => (a === '--one-shot' ? '-1' : a))].join(' '),
    } as const
    const {readAdminCib} = await import('../../cli/crm-admin.js')
    if (!flags['one-shot'] && format === 'text' && process.stdout.isTTY && process.stdin.isTTY) {
      const {resolveAdminTarget, loadTarget} = await import('../../runtime/crm/admin/apply.js')
      const {CibReadMemo} = await import('../../formats/cib/xml.js')
      const live = await import('../../cli/crm-status-live.js')
      const target = await resolveAdminTarget(flags.cib, flags.socket)
      // every redraw reads the whole CIB again: the memo re-reads only what changed
      const memo = new CibReadMemo()
      const read = () => loadTarget(target, memo)
      await live.runLiveStatus(target.kind === 'file' ? live.fileSource(target.path, read) : live.socketSource(target.socket, read), options)
      return
    }
    const {renderStatus} = await import('../../runtime/crm/status-view.js')
    const rendered = await renderStatus(await readAdminCib(flags), {...options, now: Date.now()})
    if (format === 'json') return this.printJson(JSON.parse(rendered))
    process.stdout.write(rendered)
  }
}
