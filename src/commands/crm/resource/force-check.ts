import {ForceCommand} from '../../../cli/force-help.js'

export default class CrmResourceForceCheck extends ForceCommand {
  static override action = 'force-check' as const
  static override summary = 'Run a one-shot monitor (probe) of a CIB resource here, outside any cluster (crm_resource --force-check)'
  static override examples = ['<%= config.bin %> crm resource force-check p_ip --cib cib.xml']
}
