import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'
import {UserError} from '../../core/errors.js'

export default class DiffCrm extends HakitCommand {
  static override summary = 'Compare two Pacemaker configurations semantically'
  static override description = `A and B may each be a CIB XML file, a crm shell file (detected by content), - for standard input, or a legacy Heartbeat directory (/etc/ha.d with haresources or ha.cf: compared as \`hakit convert\` would write it); --live compares the running cluster's CIB (cibadmin -Q) with one of those.
Formats, element order, generated ids, quoting, 1/true/yes, 60/60s/1min, INFINITY/+INFINITY, Master/Promoted and <master> vs promotable clone do not count as differences unless --strict. The status section and <cib> version attributes are never compared.
Output: one line per added, removed or changed object, with each changed field old → new, then a unified diff of the normalised crm text.

EXIT CODES
  0  the configurations are the same
  1  they differ
  2  trouble (unreadable or invalid input, bad usage)

ENVIRONMENT
  NO_COLOR, FORCE_COLOR  colour control (colour only on a terminal by default)
  CIB_file               with --live: read this file instead of the running cluster (as cibadmin does)`

  static override examples = [
    '<%= config.bin %> diff crm old.xml new.crm',
    '<%= config.bin %> diff crm --live planned.crm',
    '<%= config.bin %> diff crm --live /etc/ha.d',
    'cibadmin -Q | <%= config.bin %> diff crm - backup.xml --json',
  ]

  static override args = {
    a: Args.string({description: 'first configuration (file, legacy directory or -)', required: false}),
    b: Args.string({description: 'second configuration (file, legacy directory or -)', required: false}),
  }

  static override flags = {
    strict: Flags.boolean({description: 'count ids, spellings, order and set layout as differences too'}),
    live: Flags.boolean({description: 'use the running cluster CIB (cibadmin -Q) as the first configuration'}),
    json: Flags.boolean({description: 'print the structured changes as JSON'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(DiffCrm)
    const {loadCib, loadLiveCib} = await import('../../cib/sources.js')
    const given = [args.a, args.b].filter((x): x is string => x !== undefined)
    if (flags.live ? given.length !== 1 : given.length !== 2) {
      throw new UserError(flags.live ? 'with --live give exactly one configuration to compare with' : 'give two configurations to compare (or --live and one)')
    }
    if (given.filter((g) => g === '-').length > 1) throw new UserError('standard input (-) can be used only once')
    const a = flags.live ? await loadLiveCib() : await loadCib(given[0])
    const b = await loadCib(flags.live ? given[0] : given[1])
    const {diffCibs} = await import('../../cib/diff.js')
    const diff = diffCibs(a.cib, b.cib, {strict: flags.strict, labels: [a.label, b.label], unified: !flags.json})
    if (flags.json) {
      const result = {equal: diff.equal, a: {source: a.label, format: a.kind}, b: {source: b.label, format: b.kind}, changes: diff.changes}
      return this.printJson(result, {exitCode: diff.equal ? 0 : 1})
    }
    if (!diff.equal) {
      const {makeChalk} = await import('../../cli/color.js')
      const {renderCibDiff} = await import('../../cib/render-diff.js')
      this.print(renderCibDiff(diff, makeChalk()))
    }
    process.exitCode = diff.equal ? 0 : 1
  }
}
