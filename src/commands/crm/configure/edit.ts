import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {CONFIGURE_HELP, configureFlags} from '../../../cli/crm-admin.js'

/** `crm configure edit` */
export default class CrmConfigureEdit extends HakitCommand {
  static override summary = 'Edit the configuration as crm text in $EDITOR, then verify, show the diff and commit (crm configure edit)'
  static override description = `Opens the configuration (or only the objects named) as crm text (\`crm configure show\`) in $VISUAL, else $EDITOR, else vi. When the editor exits, the statements you changed or added are applied (as load update; a property/defaults statement replaces its set), objects whose statement you removed are deleted (as configure delete), the rest keeps its XML untouched. The text is parsed, verified (new errors refuse the commit unless --force), the semantic diff is shown (as \`hakit diff crm\`), and the new configuration is committed as ONE versioned change: if someone changed the cluster's configuration while the editor was open, the commit is refused (exit 103) and nothing is lost — the cluster keeps the other change, and your text is kept in a file named in the message (after a look, \`hakit crm configure load update FILE\` applies its statements again).

${CONFIGURE_HELP}`
  static override examples = ['<%= config.bin %> crm configure edit', 'EDITOR=nano <%= config.bin %> crm configure edit --cib cib.xml', '<%= config.bin %> crm configure edit g-web vip']
  static override strict = false
  static override args = {id: Args.string({description: 'edit only these objects (as crmsh: edit ID…)'})}
  static override flags = configureFlags

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(CrmConfigureEdit)
    const {runAdminEdit} = await import('../../../cli/crm-admin.js')
    const {editConfiguration} = await import('../../../cli/crm-edit.js')
    await editConfiguration(flags, argv as string[], runAdminEdit)
  }
}
