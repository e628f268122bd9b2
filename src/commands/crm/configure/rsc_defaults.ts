import {Args} from '@oclif/core'
import {ConfigureStatementCommand, nvSetStatementDescription} from '../../../cli/crm-admin.js'

/** `crm configure rsc_defaults [ID:] NAME=VALUE…` */
export default class CrmConfigureRscDefaults extends ConfigureStatementCommand {
  static override statement = 'rsc_defaults'
  static override summary = 'Set resource defaults (crm configure rsc_defaults)'
  static override description = nvSetStatementDescription('Set resource defaults', 'rsc_defaults', 'rsc-options')
  static override examples = [
    '<%= config.bin %> crm configure rsc_defaults resource-stickiness=100 migration-threshold=3',
  ]
  static override args = {statement: Args.string({description: '[ID:] NAME=VALUE…', required: false})}
}
