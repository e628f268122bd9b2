import {ForceCommand} from '../../../cli/force-help.js'

export default class CrmResourceValidate extends ForceCommand {
  static override action = 'validate' as const
  static override summary = 'Run validate-all of a CIB resource here, outside any cluster (crm_resource --validate)'
  static override examples = ['<%= config.bin %> crm resource validate p_ip --cib cib.xml']
}
