import {Flags} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'

export default class CrmVerify extends HakitCommand {
  static override summary = 'Check a CIB for the configuration errors crm_verify reports'
  static override description = `Reads a CIB XML or crm file (--cib, else $CIB_file, else the running cluster via cibadmin -Q) and checks: duplicate ids; constraints and id-refs that name resources or sets that do not exist; OCF agents missing from the installed agent root (--agent-dir, default $OCF_ROOT/resource.d or /usr/lib/ocf/resource.d), with a did-you-mean; no STONITH resource while stonith-enabled is true; scores and durations (intervals, timeouts) Pacemaker cannot read.

EXIT CODES
  0   no errors (warnings may be printed)
  78  errors found (as crm_verify: "config not valid"); with --strict, warnings too
  2   the input cannot be read or parsed

ENVIRONMENT
  CIB_file               the CIB to read when --cib is not given
  NO_COLOR, FORCE_COLOR  colour control`

  static override examples = ['<%= config.bin %> crm verify --cib cib.xml', '<%= config.bin %> crm verify --cib new.crm --agent-dir /usr/lib/ocf/resource.d --json']

  static override flags = {
    cib: Flags.string({description: 'CIB XML or crm file to check (- for stdin)'}),
    'agent-dir': Flags.string({description: 'OCF agent root; ocf agents must exist there (default: the installed one, $OCF_ROOT/resource.d or /usr/lib/ocf/resource.d)'}),
    'no-agent-check': Flags.boolean({description: 'do not check that OCF agents are installed (a CIB for other machines)'}),
    strict: Flags.boolean({description: 'exit 78 on warnings as well'}),
    json: Flags.boolean({description: 'print the findings as JSON'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(CrmVerify)
    const {loadCibFromFlags} = await import('../../cib/cib-input.js')
    const {readSource} = await import('../../core/read-source.js')
    const loaded = await loadCibFromFlags(flags.cib)
    // The text lets findings point at the defining line; stdin and the live CIB have none to re-read.
    const file = flags.cib ?? process.env.CIB_file
    const text = file && file !== '-' ? (await readSource(file)).text : undefined
    const {verifyCib, installedAgentDir} = await import('../../cib/verify.js')
    const agentDir = flags['no-agent-check'] ? undefined : (flags['agent-dir'] ?? installedAgentDir())
    const {hasErrors, sortFindings} = await import('../../core/findings.js')
    const findings = sortFindings(verifyCib(loaded.cib, {file: loaded.label, text, agentDir}))
    const failed = hasErrors(findings, flags.strict)
    if (flags.json) return this.printJson({valid: !failed}, {findings, exitCode: failed ? 78 : 0})
    if (findings.length > 0) {
      const {makeChalk} = await import('../../cli/color.js')
      const {renderFindingsText, renderFindingsSummary} = await import('../../cli/render-findings.js')
      this.print(renderFindingsText(findings, makeChalk()))
      process.stderr.write(`${renderFindingsSummary(findings)}\n`)
    }
    process.exitCode = failed ? 78 : 0
  }
}
