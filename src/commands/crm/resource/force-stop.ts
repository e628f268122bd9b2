import {ForceCommand} from '../../../cli/force-help.js'

export default class CrmResourceForceStop extends ForceCommand {
  static override action = 'force-stop' as const
  static override summary = 'Run stop of a CIB resource here, outside any cluster (crm_resource --force-stop)'
  static override examples = ['<%= config.bin %> crm resource force-stop p_ip --cib cib.xml']
}
