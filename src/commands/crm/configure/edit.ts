import {HakitCommand} from '../../../cli/base-command.js'
import {CONFIGURE_HELP, configureFlags} from '../../../cli/crm-admin.js'

/** `crm configure edit` */
export default class CrmConfigureEdit extends HakitCommand {
  static override summary = 'Edit the configuration as crm text in $EDITOR, then verify, show the diff and commit (crm configure edit)'
  static override description = `Opens the whole configuration as crm text (\`crm configure show\`) in $VISUAL, else $EDITOR, else vi. When the editor exits, the text is parsed, verified (new errors refuse the commit unless --force), the semantic diff is shown (as \`hakit diff crm\`), and the new configuration is committed as ONE versioned change: if someone changed the cluster's configuration while the editor was open, the commit is refused (exit 103) and nothing is lost — the cluster keeps the other change, and your text is kept in a file named in the message (load it again with \`hakit crm configure load replace FILE\` after a look).

${CONFIGURE_HELP}`
  static override examples = ['<%= config.bin %> crm configure edit', 'EDITOR=nano <%= config.bin %> crm configure edit --cib cib.xml']
  static override flags = configureFlags

  async run(): Promise<void> {
    const {flags} = await this.parse(CrmConfigureEdit)
    const {runAdminEdit} = await import('../../../cli/crm-admin.js')
    const {editConfiguration} = await import('../../../cli/crm-edit.js')
    await editConfiguration(flags, runAdminEdit)
  }
}
