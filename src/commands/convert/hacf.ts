import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'
import {CONVERT_EXIT_CODES} from '../../cli/exit-codes.js'

export default class ConvertHacf extends HakitCommand {
  static override summary = 'Convert ha.cf (+ authkeys) to corosync.conf for corosync 3, or to CIB properties'
  static override description = `Reads ha.cf (a file, or the one in a directory) and prints corosync.conf for corosync 3 (knet links, nodelist, two_node quorum, token from deadtime, crypto) — or, with --to cib|crm|pcs, the CIB part: cluster properties, resource-stickiness, ping clones, fencing resources. The corosync.conf is checked for keys corosync -t does not look at.

${CONVERT_EXIT_CODES}`

  static override examples = [
    '<%= config.bin %> convert hacf',
    '<%= config.bin %> convert hacf /etc/ha.d/ha.cf --authkeys /etc/ha.d/authkeys --out corosync.conf',
    '<%= config.bin %> convert hacf /etc/ha.d --to crm',
  ]

  static override args = {
    path: Args.string({description: 'ha.cf, or a directory holding it', default: '/etc/ha.d'}),
  }

  static override flags = {
    to: Flags.string({description: 'output format', options: ['corosync', 'cib', 'crm', 'pcs'], default: 'corosync'}),
    out: Flags.string({description: 'write the output to this file (atomically) instead of stdout'}),
    json: Flags.boolean({description: 'print the findings as JSON on stdout (needs --out)'}),
    authkeys: Flags.string({description: 'authkeys file (default: the one beside ha.cf in a directory)'}),
    drbd: Flags.string({description: 'drbd.conf, to learn node addresses'}),
    haresources: Flags.string({description: 'haresources, to add the nodes it names to the nodelist'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ConvertHacf)
    const [{loadLegacy, fileOrDirEntry, pathExists}, {convertBundle}, {printCibAs}, support, corosync] = await Promise.all([
      import('../../converters/load.js'),
      import('../../converters/bundle.js'),
      import('../../converters/outputs.js'),
      import('../../cli/convert-output.js'),
      import('../../formats/corosync/index.js'),
    ])
    const {file, dir} = args.path === '-' ? {file: '-', dir: undefined} : await fileOrDirEntry(args.path, 'ha.cf')
    const besides = async (name: string) => (dir && (await pathExists(`${dir}/${name}`)) ? `${dir}/${name}` : undefined)
    const inputs = await loadLegacy({
      hacf: file,
      authkeys: flags.authkeys ?? (await besides('authkeys')),
      drbd: flags.drbd ?? (await besides('drbd.conf')),
      haresources: flags.haresources ?? (await besides('haresources')),
    })
    const bundle = convertBundle({...inputs, haresources: undefined, extraNodesFrom: inputs.haresources})
    const findings = [...inputs.findings, ...bundle.findings.filter((f) => !f.id.startsWith('convert-authkey'))]
    let text: string
    if (flags.to === 'corosync') {
      text = corosync.printCorosyncConf(bundle.corosync)
      findings.push(...corosync.checkCorosyncConf(corosync.parseCorosyncConf(text, flags.out ?? 'corosync.conf'), flags.out ?? 'corosync.conf'))
    } else {
      text = printCibAs(bundle.cib, flags.to as 'cib' | 'crm' | 'pcs', support.generatorHeader(this.argv))
    }
    await support.emitConversion({command: this.id!, data: text, out: flags.out, json: flags.json, findings})
  }
}
