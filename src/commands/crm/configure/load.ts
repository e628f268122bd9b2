import {Args} from '@oclif/core'
import {HakitCommand} from '../../../cli/base-command.js'
import {CONFIGURE_HELP, configureFlags} from '../../../cli/crm-admin.js'

/** `crm configure load update|replace|push FILE` */
export default class CrmConfigureLoad extends HakitCommand {
  static override summary = 'Load crm statements or CIB XML from a file (crm configure load update|replace|push)'
  static override description = `Reads FILE (crm syntax or CIB XML; - for stdin) and applies it as crmsh's \`configure load\`:
  update   objects with the same id are replaced in place (a primitive stays in its group), new ones are added, the rest is kept; property/rsc_defaults/op_defaults pairs are merged into the set with the same id
  replace  the configuration becomes the file's (nodes are kept)
  push     as update, and objects the file does not name are deleted (a running resource only with --force; nodes are kept)
The result is verified (new errors refuse the commit unless --force) and committed as one versioned change (one epoch bump).

${CONFIGURE_HELP}`
  static override examples = ['<%= config.bin %> crm configure load update new.crm', '<%= config.bin %> crm configure load replace cluster.crm --cib cib.xml', 'cat extra.crm | <%= config.bin %> crm configure load update -', '<%= config.bin %> crm configure load push cluster.crm --cib cib.xml', '<%= config.bin %> crm configure load xml update extra.xml']
  static override args = {
    method: Args.string({description: 'update, replace or push (crmsh\'s `xml` before it is accepted: the form is told by content anyway)', required: true, options: ['update', 'replace', 'push', 'xml']}),
    file: Args.string({description: 'crm or CIB XML file (- for stdin)', required: true}),
    xmlFile: Args.string({description: 'the file, after `xml METHOD`'}),
  }
  static override flags = configureFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CrmConfigureLoad)
    const {runAdminEdit, runningResources} = await import('../../../cli/crm-admin.js')
    const {UserError} = await import('../../../core/errors.js')
    const {readSource} = await import('../../../core/read-source.js')
    const {looksLikeXml} = await import('../../../cib/sources.js')
    const {applyEditedText, loadConfiguration} = await import('../../../runtime/crm/admin/configure.js')
    const {printCrm} = await import('../../../formats/crm/print.js')
    // crmsh: load [xml] METHOD FILE
    const [method, path] = args.method === 'xml' ? [args.file, args.xmlFile] : [args.method, args.file]
    if (method !== 'update' && method !== 'replace' && method !== 'push') throw new UserError(`load: method must be update, replace or push, not "${method}"`, 64)
    if (!path) throw new UserError('load: no file given', 64)
    const {text, file} = await readSource(path)
    const crm = looksLikeXml(text) ? await xmlAsCrm(text, file) : text
    if (method !== 'push') {
      await runAdminEdit(flags, (cib) => loadConfiguration(cib, crm, file, method), {verify: true, force: flags.force, source: {file, text}})
      return
    }
    // crmsh's push is an edit of the whole configuration: what the file changes or adds is applied,
    // what it leaves out is deleted
    await runAdminEdit(
      flags,
      async (cib, ctx) => {
        const objects = [...cib.resources.map((r) => r.id), ...cib.constraints.map((c) => c.id)]
        return applyEditedText(cib, printCrm(cib), crm, file, {running: ctx.live ? await runningResources(cib, objects) : new Set(), force: flags.force})
      },
      {verify: true, force: flags.force, source: {file, text}},
    )
  }
}

/** CIB XML is loaded through its crm text, so both forms follow the same update rules. */
async function xmlAsCrm(text: string, file: string): Promise<string> {
  const {parseCibXml} = await import('../../../formats/cib/xml.js')
  const {printCrm} = await import('../../../formats/crm/print.js')
  return printCrm(parseCibXml(text, file))
}
