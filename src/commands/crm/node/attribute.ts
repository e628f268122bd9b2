import {Flags} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {ADMIN_EXIT_CODES, adminFlags, nodeAttributeArgs} from '../../../cli/crm-admin.js'

/** `crm node attribute NODE set|delete|show NAME [VALUE]` */
export default class CrmNodeAttribute extends HakitCommand {
  static override summary = 'Set, delete or show a node attribute (crm node attribute)'
  static override description = `Permanent node attributes (nodes section; --lifetime reboot: transient, in the status), as crm_attribute writes them. show prints \`scope=nodes  name=NAME value=VALUE\`.

${ADMIN_EXIT_CODES}`
  static override examples = ['<%= config.bin %> crm node attribute n1 set site west']
  static override args = nodeAttributeArgs
  static override flags = {...adminFlags, lifetime: Flags.string({char: 'l', description: 'forever (default) or reboot', options: ['forever', 'reboot']})}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmNodeAttribute)
    const {runNodeAttribute} = await import('../../../cli/crm-admin.js')
    await runNodeAttribute('attribute', args, flags, (text) => this.print(text))
  }
}
