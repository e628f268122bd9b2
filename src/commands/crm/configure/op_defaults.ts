import {Args} from '@oclif/core'
import {ConfigureStatementCommand, nvSetStatementDescription} from '../../../cli/crm-admin.js'

/** `crm configure op_defaults [ID:] NAME=VALUE…` */
export default class CrmConfigureOpDefaults extends ConfigureStatementCommand {
  static override statement = 'op_defaults'
  static override summary = 'Set operation defaults (crm configure op_defaults)'
  static override description = nvSetStatementDescription('Set operation defaults', 'op_defaults', 'op-options')
  static override examples = [
    '<%= config.bin %> crm configure op_defaults timeout=60s',
  ]
  static override args = {statement: Args.string({description: '[ID:] NAME=VALUE…', required: false})}
}
