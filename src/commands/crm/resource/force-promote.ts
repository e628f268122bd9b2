import {ForceCommand} from '../../../cli/force-help.js'

export default class CrmResourceForcePromote extends ForceCommand {
  static override action = 'force-promote' as const
  static override summary = 'Run promote of a CIB resource here, outside any cluster (crm_resource --force-promote)'
  static override examples = ['<%= config.bin %> crm resource force-promote p_ip --cib cib.xml']
}
