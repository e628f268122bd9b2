import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'
import {CONVERT_EXIT_CODES} from '../../cli/exit-codes.js'

export default class ConvertCib extends HakitCommand {
  static override summary = 'Upgrade the CIB of a Pacemaker 1.0/1.1 cluster on Heartbeat to one Pacemaker 2.1.5 accepts'
  static override description = `Reads the old cluster's configuration — a CIB XML (/var/lib/heartbeat/crm/cib.xml, cibadmin -Q output; pacemaker-1.0/1.2 schemas) and/or crm shell files (crm configure show output, crm command files), merged in order as "crm configure load update" would — and writes a CIB for Pacemaker 2.1.5 with the same placements: retired cluster options renamed (crmd-transition-delay → transition-delay), moved (default-resource-stickiness → rsc_defaults) or dropped (dc-version, cluster-infrastructure=Heartbeat, expected-quorum-votes); Heartbeat's UUID node ids replaced by corosync nodeids (ha.cf node order with --hacf); master resources as promotable clones with Promoted/Unpromoted roles; order scores as kinds; resource-failure-stickiness as migration-threshold; renamed agents and heartbeat-class resources mapped; the status section dropped. Every change is a finding. The result is checked like crm_verify (and agents against the installed OCF root).

${CONVERT_EXIT_CODES}`

  static override examples = [
    '<%= config.bin %> convert cib /var/lib/heartbeat/crm/cib.xml --hacf /etc/ha.d/ha.cf --out cib.xml',
    '<%= config.bin %> convert cib crm-configure-show.txt crm-commands.crm --to crm',
  ]

  static override strict = false

  static override args = {
    file: Args.string({description: 'CIB XML or crm file(s) of the old cluster', required: true}),
  }

  static override flags = {
    to: Flags.string({description: 'output format', options: ['cib', 'crm', 'pcs'], default: 'cib'}),
    out: Flags.string({description: 'write the output to this file (atomically) instead of stdout'}),
    json: Flags.boolean({description: 'print the findings as JSON on stdout (needs --out)'}),
    hacf: Flags.string({description: "the old cluster's ha.cf: node order (= corosync nodeids) and cluster name"}),
    'agent-dir': Flags.string({description: 'OCF agent root the agents must exist in (default: the installed one)'}),
    'no-agent-check': Flags.boolean({description: 'do not check that OCF agents are installed here'}),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(ConvertCib)
    const [{readOldCib, convertOldCib}, {printCibAs}, support, {installedAgentDir}, {loadLegacy}] = await Promise.all([
      import('../../converters/cib/convert.js'),
      import('../../converters/outputs.js'),
      import('../../cli/convert-output.js'),
      import('../../cib/verify.js'),
      import('../../converters/load.js'),
    ])
    const files = argv as string[]
    const {cib, sources} = await readOldCib(files)
    const hacf = flags.hacf ? (await loadLegacy({hacf: flags.hacf})).hacf : undefined
    const {nodeNames} = await import('../../formats/hacf/accessors.js')
    const clusterName = hacf?.directives.findLast((d) => d.name === 'cluster')?.value.trim()
    const result = convertOldCib(cib, sources, {
      nodeOrder: hacf ? nodeNames(hacf) : undefined,
      clusterName,
      agentDir: flags['no-agent-check'] ? undefined : (flags['agent-dir'] ?? installedAgentDir()),
    })
    const text = printCibAs(result.cib, flags.to as 'cib' | 'crm' | 'pcs', support.generatorHeader(this.argv))
    await support.emitConversion({command: this.id!, data: text, out: flags.out, json: flags.json, findings: result.findings})
  }
}
