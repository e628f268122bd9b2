import {Args} from '@oclif/core'
import {ConfigureStatementCommand, nvSetStatementDescription} from '../../../cli/crm-admin.js'

/** `crm configure property [ID:] NAME=VALUE…` */
export default class CrmConfigureProperty extends ConfigureStatementCommand {
  static override statement = 'property'
  static override summary = 'Set cluster options (crm configure property)'
  static override description = nvSetStatementDescription('Set cluster options', 'property', 'cib-bootstrap-options')
  static override examples = [
    '<%= config.bin %> crm configure property stonith-enabled=false no-quorum-policy=ignore',
  ]
  static override args = {statement: Args.string({description: '[ID:] NAME=VALUE…', required: false})}
}
