import {Flags} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'

export default class CrmStatus extends HakitCommand {
  static override summary = 'Cluster status in the layout of crm_mon -1 (Pacemaker 2.1.5)'
  static override description = `Prints Cluster Summary, Node List and the resources (Active Resources, or with -r the Full List of Resources) computed from the CIB's status section: the running hakit cluster's CIB (over its socket), or --cib FILE / $CIB_file as crm_mon reads it.
Only the one-shot view exists: without -1 it prints once as well. -A adds Node Attributes, -f the Migration Summary. Not yet implemented: -o, -t, -n, --json, --output-as xml (they are refused).

EXIT CODES
  0    printed
  2    the CIB cannot be read or parsed
  102  no running cluster answers on the socket

ENVIRONMENT
  CIB_file          read this CIB file instead of the running cluster
  HAKIT_CRM_SOCKET  the local daemon's socket`

  static override aliases = ['crm:mon', 'crm_mon']
  static override examples = ['<%= config.bin %> crm status', 'CIB_file=cib.xml <%= config.bin %> crm status -1 -r']
  static override flags = {
    cib: Flags.string({description: 'CIB XML file to read (default: $CIB_file, else the running hakit cluster)'}),
    socket: Flags.string({description: 'socket of the local hakit CRM daemon'}),
    'one-shot': Flags.boolean({description: 'print once and exit (also -1, as crm_mon; the only mode so far)'}),
    inactive: Flags.boolean({char: 'r', description: 'show inactive resources too (Full List of Resources)'}),
    'show-node-attributes': Flags.boolean({char: 'A', description: 'show node attributes'}),
    failcounts: Flags.boolean({char: 'f', description: 'show resource fail counts (Migration Summary)'}),
  }

  async run(): Promise<void> {
    // oclif flags cannot be digits: read crm_mon's -1 (alone or bundled, -1r) here
    const argv = this.argv.map((a) => (/^-1[a-zA-Z]+$/.test(a) ? `-${a.slice(2)}` : a === '-1' ? '--one-shot' : a))
    const {flags} = await this.parse(CrmStatus, argv)
    const {readAdminCib} = await import('../../cli/crm-admin.js')
    const {renderStatus} = await import('../../runtime/crm/status-view.js')
    const cib = await readAdminCib(flags)
    process.stdout.write(await renderStatus(cib, {inactive: flags.inactive, attributes: flags['show-node-attributes'], failcounts: flags.failcounts, now: Date.now()}))
  }
}
