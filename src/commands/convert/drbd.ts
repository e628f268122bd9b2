import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'
import {CONVERT_EXIT_CODES} from '../../cli/exit-codes.js'

export default class ConvertDrbd extends HakitCommand {
  static override summary = 'Convert drbd.conf resources to Pacemaker promotable clones'
  static override description = `Reads drbd.conf (any dialect: 0.7, 8.x, 9.x) and its includes, and prints an ocf:linbit:drbd promotable clone for every DRBD resource (notify=true, one monitor per role with different intervals, the agent's timeouts; clone-max = number of hosts). Stacked resources are colocated with and ordered after their lower resource. --to drbd9 prints the configuration rewritten for DRBD 9 instead (for sites upgrading DRBD too; check it with drbdadm -c FILE dump all).

${CONVERT_EXIT_CODES}`

  static override examples = ['<%= config.bin %> convert drbd', '<%= config.bin %> convert drbd /etc/drbd.d/r0.res --to crm', '<%= config.bin %> convert drbd /etc/drbd.conf --to drbd9 --out /tmp/drbd9.conf']

  static override args = {
    file: Args.string({description: 'drbd.conf', default: '/etc/drbd.conf'}),
  }

  static override flags = {
    to: Flags.string({description: 'output format', options: ['cib', 'crm', 'pcs', 'drbd9'], default: 'cib'}),
    out: Flags.string({description: 'write the output to this file (atomically) instead of stdout'}),
    json: Flags.boolean({description: 'print the findings as JSON on stdout (needs --out)'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ConvertDrbd)
    const [{loadLegacy}, {convertDrbd, dopdHandlerFindings}, {printCibAs}, support] = await Promise.all([
      import('../../converters/load.js'),
      import('../../converters/drbd/convert.js'),
      import('../../converters/outputs.js'),
      import('../../cli/convert-output.js'),
    ])
    if (flags.to === 'drbd9') {
      const {loadDrbd, printDrbd9Config} = await import('../../formats/drbd/index.js')
      const parsed = await loadDrbd(args.file)
      const out = printDrbd9Config(parsed.model)
      const header = support.generatorHeader(this.argv).map((l) => `# ${l}`).join('\n')
      await support.emitConversion({command: this.id!, data: `${header}\n${out.text}`, out: flags.out, json: flags.json, findings: [...parsed.findings, ...out.notes, ...dopdHandlerFindings(parsed.model)]})
      return
    }
    const inputs = await loadLegacy({drbd: args.file})
    const result = convertDrbd(inputs.drbd ?? [], {file: args.file})
    const text = printCibAs(result.cib, flags.to as 'cib' | 'crm' | 'pcs', support.generatorHeader(this.argv))
    await support.emitConversion({command: this.id!, data: text, out: flags.out, json: flags.json, findings: [...inputs.findings, ...result.findings]})
  }
}
