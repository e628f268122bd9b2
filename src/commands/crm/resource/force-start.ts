import {ForceCommand} from '../../../cli/force-help.js'

export default class CrmResourceForceStart extends ForceCommand {
  static override action = 'force-start' as const
  static override summary = 'Run start of a CIB resource here, outside any cluster (crm_resource --force-start)'
  static override examples = ['<%= config.bin %> crm resource force-start p_ip --cib cib.xml']
}
