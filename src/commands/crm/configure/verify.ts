import {HakitCommand} from '../../../cli/base-command.js'
import {adminFlags} from '../../../cli/crm-admin.js'

/** `crm configure verify` */
export default class CrmConfigureVerify extends HakitCommand {
  static override summary = 'Check the configuration of the cluster or a CIB file (crm configure verify)'
  static override description = `The checks of \`hakit crm verify\` (crm_verify's that matter to users: duplicate ids, dangling references, missing agents, no STONITH while stonith-enabled, unreadable scores and durations) on the running hakit cluster (--socket) or a CIB file (--cib, $CIB_file). Errors and warnings are printed as crmsh prints them.

EXIT CODES
  0    no errors (warnings may be printed)
  1    errors found (crmsh's ERROR)
  2    the CIB cannot be read or parsed
  102  no running cluster answers on the socket

ENVIRONMENT
  CIB_file          check this CIB file instead of the running cluster
  HAKIT_CRM_SOCKET  the local daemon's socket`
  static override examples = ['<%= config.bin %> crm configure verify', '<%= config.bin %> crm configure verify --cib cib.xml']
  static override flags = adminFlags

  async run(): Promise<void> {
    const {flags} = await this.parse(CrmConfigureVerify)
    const {readAdminCib} = await import('../../../cli/crm-admin.js')
    const {verifyCib, installedAgentDir} = await import('../../../cib/verify.js')
    const findings = verifyCib(await readAdminCib(flags), {file: 'configuration', agentDir: installedAgentDir()})
    for (const f of findings) process.stdout.write(`${f.severity === 'error' ? 'ERROR' : f.severity === 'warning' ? 'WARNING' : 'INFO'}: ${f.message}\n`)
    process.exitCode = findings.some((f) => f.severity === 'error') ? 1 : 0
  }
}
