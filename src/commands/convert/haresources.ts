import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'
import {CONVERT_EXIT_CODES} from '../../cli/exit-codes.js'

export default class ConvertHaresources extends HakitCommand {
  static override summary = 'Convert haresources (+ ha.cf) to a Pacemaker configuration'
  static override description = `Reads a haresources file, or a directory holding haresources and ha.cf (and drbd.conf), and prints the Pacemaker configuration: one group per line in file order, each v1 script mapped to its OCF agent, init scripts as lsb: (or systemd:), a location preference for the named node, auto_failback as resource-stickiness, drbddisk as an ocf:linbit:drbd promotable clone. Findings go to stderr (or stdout as JSON with --json).

${CONVERT_EXIT_CODES}`

  static override examples = [
    '<%= config.bin %> convert haresources',
    '<%= config.bin %> convert haresources /etc/ha.d --to crm',
    '<%= config.bin %> convert haresources haresources --hacf ha.cf --drbd drbd.conf --to pcs --out pcs.sh',
  ]

  static override args = {
    path: Args.string({description: 'haresources file, or a directory with haresources and ha.cf', default: '/etc/ha.d'}),
  }

  static override flags = {
    to: Flags.string({description: 'output format', options: ['cib', 'crm', 'pcs'], default: 'cib'}),
    out: Flags.string({description: 'write the output to this file (atomically) instead of stdout'}),
    json: Flags.boolean({description: 'print the findings as JSON on stdout (needs --out)'}),
    hacf: Flags.string({description: 'ha.cf to read nodes and auto_failback from (default: the one in the directory)'}),
    drbd: Flags.string({description: 'drbd.conf for bare drbddisk, clone-max and device checks'}),
    init: Flags.string({description: 'class for init scripts and unknown scripts', options: ['lsb', 'systemd', 'service'], default: 'lsb'}),
    'location-score': Flags.integer({description: 'score of the preference for the line\'s node', default: 100}),
    stickiness: Flags.integer({description: 'resource-stickiness used for auto_failback off', default: 200}),
    offline: Flags.boolean({description: 'do not look scripts up in resource.d and /etc/init.d on this machine (files copied from another host)'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ConvertHaresources)
    const [{loadLegacy, legacyPaths, pathExists}, {convertBundle}, {printCibAs}, support, {stat}] = await Promise.all([
      import('../../converters/load.js'),
      import('../../converters/bundle.js'),
      import('../../converters/outputs.js'),
      import('../../cli/convert-output.js'),
      import('node:fs/promises'),
    ])
    const isDir = args.path !== '-' && (await pathExists(args.path)) && (await stat(args.path)).isDirectory()
    const paths = isDir
      ? await legacyPaths(args.path, {hacf: flags.hacf, drbd: flags.drbd})
      : {haresources: args.path, hacf: flags.hacf, drbd: flags.drbd}
    if (!paths.haresources) throw new (await import('../../core/errors.js')).UserError(`${args.path}: no haresources in this directory`)
    const inputs = await loadLegacy({haresources: paths.haresources, hacf: paths.hacf, drbd: paths.drbd, lookUpScripts: !flags.offline})
    const bundle = convertBundle({
      ...inputs,
      expectResources: true,
      initClass: flags.init as 'lsb' | 'systemd' | 'service',
      locationScore: flags['location-score'],
      stickiness: flags.stickiness,
    })
    // corosync and authkey findings belong to `convert hacf` / `convert authkeys`.
    const findings = [...inputs.findings, ...bundle.findings.filter((f) => !/^convert-(auth|hacf-token|node-addr|hacf-watchdog)/.test(f.id))]
    const text = printCibAs(bundle.cib, flags.to as 'cib' | 'crm' | 'pcs', support.generatorHeader(this.argv))
    await support.emitConversion({command: this.id!, data: text, out: flags.out, json: flags.json, findings})
  }
}
