import {ForceCommand} from '../../../cli/force-help.js'

export default class CrmResourceForceDemote extends ForceCommand {
  static override action = 'force-demote' as const
  static override summary = 'Run demote of a CIB resource here, outside any cluster (crm_resource --force-demote)'
  static override examples = ['<%= config.bin %> crm resource force-demote p_ip --cib cib.xml']
}
