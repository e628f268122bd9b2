import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'

export default class CrmConfigureShow extends HakitCommand {
  static override summary = 'Print a CIB as crm shell syntax (or normalised XML)'
  static override description = `Reads a CIB XML file or a crm shell file (--cib, else $CIB_file, else the running cluster via cibadmin -Q) and prints it in the layout of \`crm configure show\`: objects sorted by kind then id, children on continuation lines. What crm syntax cannot express is printed as an \`xml …\` statement, which crmsh also loads.
With --xml it prints the whole CIB as indented XML with readable ids filled in where missing.

EXIT CODES
  0  printed
  1  an ID given does not exist
  2  the input cannot be read or parsed

ENVIRONMENT
  CIB_file               the CIB to read when --cib is not given
  NO_COLOR, FORCE_COLOR  colour control (keywords, names, values and scores are coloured on a terminal)`

  static override examples = ['<%= config.bin %> crm configure show --cib cib.xml', 'CIB_file=cib.xml <%= config.bin %> crm configure show --xml', '<%= config.bin %> crm configure show g-web vip']
  static override strict = false
  static override args = {id: Args.string({description: 'print only these objects (ids; node names for nodes), as crmsh'})}

  static override flags = {
    cib: Flags.string({description: 'CIB XML or crm file to read (- for stdin)'}),
    xml: Flags.boolean({description: 'print normalised CIB XML instead of crm syntax'}),
    socket: Flags.string({description: 'socket of the local hakit CRM daemon to read the live CIB from (default: $HAKIT_CRM_SOCKET, else /run/hakit/crm.sock)'}),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(CrmConfigureShow)
    const ids = argv as string[]
    const {loadCibFromFlags} = await import('../../../cib/cib-input.js')
    if (flags.socket) process.env.HAKIT_CRM_SOCKET = flags.socket
    const {cib} = await loadCibFromFlags(flags.cib)
    if (flags.xml) {
      const {printCibXml} = await import('../../../formats/cib/xml.js')
      this.print(printCibXml(cib))
      return
    }
    const {printCrm} = await import('../../../formats/crm/print.js')
    const {makeChalk} = await import('../../../cli/color.js')
    const chalk = makeChalk()
    const colours = {keyword: chalk.yellow, ident: (t: string) => t, attrName: chalk.cyan, attrValue: chalk.red, rscref: chalk.green, idref: chalk.green, score: chalk.magenta}
    const styled = printCrm(cib, {style: chalk.level > 0 ? (role, text) => colours[role](text) : undefined})
    if (ids.length === 0) {
      this.print(styled)
      return
    }
    const {selectStatements} = await import('../../../runtime/crm/admin/configure.js')
    this.print(selectStatements(printCrm(cib), styled, ids))
  }
}
