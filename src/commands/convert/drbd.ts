import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'

export default class ConvertDrbd extends HakitCommand {
  static override summary = 'Convert drbd.conf resources to Pacemaker promotable clones'
  static override description = `Reads drbd.conf (any dialect: 0.7, 8.x, 9.x) and its includes, and prints an
ocf:linbit:drbd promotable clone for every DRBD resource (notify=true, one monitor per role with
different intervals, the agent's timeouts; clone-max = number of hosts). Stacked resources are
colocated with and ordered after their lower resource.
Exit 0, or 1 when a finding is an error, 2 when the file cannot be read.`

  static override examples = ['<%= config.bin %> convert drbd', '<%= config.bin %> convert drbd /etc/drbd.d/r0.res --to crm']

  static override args = {
    file: Args.string({description: 'drbd.conf', default: '/etc/drbd.conf'}),
  }

  static override flags = {
    to: Flags.string({description: 'output format', options: ['cib', 'crm', 'pcs'], default: 'cib'}),
    out: Flags.string({description: 'write the output to this file (atomically) instead of stdout'}),
    json: Flags.boolean({description: 'print the findings as JSON on stdout (needs --out)'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ConvertDrbd)
    const [{loadLegacy}, {convertDrbd}, {printCibAs}, support] = await Promise.all([
      import('../../converters/load.js'),
      import('../../converters/drbd/convert.js'),
      import('../../converters/outputs.js'),
      import('../../converters/command-support.js'),
    ])
    const inputs = await loadLegacy({drbd: args.file})
    const result = convertDrbd(inputs.drbd ?? [])
    const text = printCibAs(result.cib, flags.to as 'cib' | 'crm' | 'pcs', support.generatorHeader(this.argv))
    process.exitCode = await support.emitConversion({data: text, out: flags.out, json: flags.json, findings: [...inputs.findings, ...result.findings]})
  }
}
