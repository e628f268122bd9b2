import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'
import {LINT_ENVIRONMENT, LINT_EXIT_CODES} from '../../lint/flags.js'

export default class LintDrbd extends HakitCommand {
  static override summary = 'Check a drbd.conf (0.7, 8.x or 9.x) and the files it includes'
  static override description = `Reads the file and its includes, says which DRBD dialect it is written in, and reports syntax errors, keywords of another DRBD version, duplicate minors, ports and disks, resources with one host, missing node-ids, and fencing set-ups that fail under Pacemaker.

One finding a line: file:line:col severity rule-id message.

${LINT_EXIT_CODES}

${LINT_ENVIRONMENT}`

  static override examples = ['<%= config.bin %> lint drbd', '<%= config.bin %> lint drbd /etc/drbd.d/r0.res --json', '<%= config.bin %> lint drbd drbd.conf --ha-node alpha --ha-node beta']

  static override args = {
    file: Args.string({description: 'drbd.conf to check ("-" reads standard input)', default: '/etc/drbd.conf'}),
  }

  static override flags = {
    json: Flags.boolean({description: 'print the findings as JSON (docs/json.md)'}),
    strict: Flags.boolean({description: 'count warnings as errors for the exit code'}),
    'ha-node': Flags.string({description: 'a cluster node name; DRBD hosts outside this list are reported (repeatable)', multiple: true}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(LintDrbd)
    const [{lintDrbdPath}, {lintExitCode, lintResult}, render, {makeChalk}] = await Promise.all([
      import('../../lint/drbd.js'),
      import('../../cli/lint-output.js'),
      import('../../cli/render-findings.js'),
      import('../../cli/color.js'),
    ])
    const findings = await lintDrbdPath(args.file, {haNodes: flags['ha-node']})
    const exitCode = lintExitCode(findings, flags.strict)
    if (flags.json) return this.printJson(lintResult(findings), {findings, exitCode})
    this.print(render.renderFindingsText(findings, makeChalk()))
    process.exitCode = exitCode
  }
}
