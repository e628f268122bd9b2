import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'
import {UserError} from '../../core/errors.js'

export default class ConvertAll extends HakitCommand {
  static override summary = 'Convert a whole Heartbeat v1 configuration into a Pacemaker/Corosync bundle'
  static override description = `Reads DIR/haresources, DIR/ha.cf, DIR/authkeys and drbd.conf (DIR/drbd.conf, or /etc/drbd.conf for /etc/ha.d, or --drbd) and writes into OUTDIR: cib.xml, crm.txt (crm shell), pcs.sh (pcs script), corosync.conf, authkey (mode 0400) and MIGRATION.md — every mapping, every warning, what behaves differently, and the cut-over steps. Every file is written atomically. --check plays the failover scenarios (every node starting, each node lost and back, standby, a failed start, a partition) with the v1 failover machine on the old files and the scheduler on cib.xml, prints the per-scenario table and puts the differences into MIGRATION.md "Behaviour changes".

EXIT CODES
  0  converted; no finding is an error (and with --check no undocumented difference)
  1  a finding is an error (the bundle is still written), --check found a difference that is not a documented one, or --apply was refused
  2  an input cannot be read or parsed, or the flags are wrong`

  static override examples = [
    '<%= config.bin %> convert all --out /root/pacemaker',
    '<%= config.bin %> convert all ./ha.d --drbd ./drbd.conf --out out --generate',
    '<%= config.bin %> convert all --out /root/pacemaker --apply --dry-run',
  ]

  static override args = {
    dir: Args.string({description: 'directory with haresources, ha.cf, authkeys', default: '/etc/ha.d'}),
  }

  static override flags = {
    out: Flags.string({description: 'output directory (created if missing)', required: true}),
    drbd: Flags.string({description: 'drbd.conf to use'}),
    init: Flags.string({description: 'class for init scripts and unknown scripts', options: ['lsb', 'systemd', 'service'], default: 'lsb'}),
    generate: Flags.boolean({description: 'random corosync authkey instead of one derived from the authkeys passphrase'}),
    'location-score': Flags.integer({description: "score of the preference for the line's node", default: 100}),
    stickiness: Flags.integer({description: 'resource-stickiness used for auto_failback off', default: 200}),
    json: Flags.boolean({description: 'print the findings as JSON on stdout'}),
    cib: Flags.string({description: 'Pacemaker on Heartbeat (crm on): the old CIB XML or crm file(s) to upgrade instead of converting haresources (repeatable)', multiple: true}),
    check: Flags.boolean({description: 'play the failover scenarios on both sides (v1 machine, Pacemaker scheduler), print the per-scenario table; exit 1 when a difference is not a documented one'}),
    offline: Flags.boolean({description: "do not look at this machine: scripts are not looked up in DIR/resource.d and /etc/init.d (use for files copied from another host)"}),
    apply: Flags.boolean({description: 'load the result into the running cluster with cibadmin (honours CIB_file): properties merged, resources, constraints and rsc_defaults replaced'}),
    'dry-run': Flags.boolean({description: 'with --apply: show the difference to the live CIB, change nothing', dependsOn: ['apply']}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ConvertAll)
    const [{writeConversionBundle}, support] = await Promise.all([
      import('../../converters/write-bundle.js'),
      import('../../cli/convert-output.js'),
    ])
    const {bundle, findings, behaviour} = await writeConversionBundle(args.dir, flags.out, {
      drbd: flags.drbd,
      initClass: flags.init as 'lsb' | 'systemd' | 'service',
      generateKey: flags.generate,
      locationScore: flags['location-score'],
      stickiness: flags.stickiness,
      header: support.generatorHeader(this.argv),
      offline: flags.offline,
      cib: flags.cib,
      check: flags.check,
    })
    const files = ['cib.xml', 'crm.txt', 'pcs.sh', 'corosync.conf', 'authkey', 'MIGRATION.md']
    if (!flags.json) {
      support.reportFindings(findings)
      process.stderr.write(`wrote ${files.join(', ')} to ${flags.out}\n`)
    }
    const {hasErrors} = await import('../../core/findings.js')
    let applied: {applied: boolean; versionBefore: string; versionAfter: string | null} | null = null
    if (flags.apply) {
      if (hasErrors(findings) && !flags['dry-run']) {
        throw new UserError('not applying: the conversion has error findings (fix them, or look with --dry-run)', 1)
      }
      const [{applyCib}, {renderCibDiff}, {makeChalk}] = await Promise.all([
        import('../../converters/apply.js'),
        import('../../cib/render-diff.js'),
        import('../../cli/color.js'),
      ])
      const chalk = makeChalk(process.stderr)
      const result = await applyCib(bundle.cib, {
        dryRun: flags['dry-run'],
        onDiff: (diff) => process.stderr.write(`${diff.equal ? 'the live CIB already has this configuration' : renderCibDiff(diff, chalk)}\n`),
      })
      applied = {applied: result.applied, versionBefore: result.versionBefore, versionAfter: result.versionAfter ?? null}
      if (result.applied) process.stderr.write(`applied to the live CIB (version ${result.versionBefore} → ${result.versionAfter})\n`)
      else if (flags['dry-run']) process.stderr.write(`dry run: nothing changed (live CIB version ${result.versionBefore})\n`)
    }
    let undocumented = false
    if (flags.check) {
      if (!behaviour) throw new UserError('--check: nothing to compare (no haresources group was converted)', 1)
      const {behaviourTable} = await import('../../converters/behaviour/index.js')
      ;(flags.json ? process.stderr : process.stdout).write(`${behaviourTable(behaviour).join('\n')}\n`)
      undocumented = behaviour.undocumented > 0
      process.stderr.write(undocumented ? `${behaviour.undocumented} undocumented difference(s) between Heartbeat and the conversion: see MIGRATION.md "Behaviour changes"\n` : 'behaviour check: no undocumented difference\n')
    }
    const exitCode = hasErrors(findings) || undocumented ? 1 : 0
    if (flags.json) return this.printJson({out: flags.out, files, apply: applied, behaviour: behaviour ?? null}, {findings, exitCode})
    process.exitCode = exitCode
  }
}
