import {Flags} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'

export default class CrmSimulate extends HakitCommand {
  static override summary = 'Simulate the cluster\'s response to events, as crm_simulate does'
  static override description = `Reads a CIB (configuration and status: a CIB XML file, a crm shell file, standard input, or the running cluster) and runs hakit's scheduler, a re-implementation of Pacemaker 2.1.5's. It prints, as crm_simulate does: the current cluster status (before any injected event), the requested modifications, the "Transition Summary:" (Start, Stop, Move, Recover, Restart, Promote, Demote, Fence …), the simulated execution ("Executing Cluster Transition:") and the revised status the executed actions leave. Actions that cannot run (blocked, no quorum) are not executed, so they do not show as done.

The flags are crm_simulate's: -R computes the transition, -S (hakit's default when neither is given) also simulates its execution. Events are injected first: nodes coming up, going down or failing, standby, results of operations that already happened (-i, RESOURCE_TASK_INTERVAL@NODE=RC, interval in ms; rc defaults to 1), quorum and watchdog. -F makes an action fail when the simulated transition runs it; the transition stops there, and the revised status shows the failure (save it with -O and run again with -x to see the reaction).

EXIT CODES
  0   the transition was computed
  2   the input cannot be read or parsed, or an injection names an unknown resource or is malformed (an unknown node is added, as crm_simulate does)
  102 -L and no running cluster could be reached`

  static override examples = [
    '<%= config.bin %> crm simulate -x cib.xml',
    '<%= config.bin %> crm simulate -LS --node-fail node2',
    '<%= config.bin %> crm simulate -x cib.xml -S -i vip_monitor_10000@node1=7 -F vip_stop_0@node1=1 -O after.xml',
    '<%= config.bin %> crm simulate -x site.crm -R --show-scores',
    '<%= config.bin %> crm simulate -x cib.xml --json --graph',
  ]

  static override flags = {
    'xml-file': Flags.string({char: 'x', description: 'the CIB to simulate: XML or crm shell syntax (- for stdin)', exclusive: ['live-check', 'xml-pipe']}),
    'xml-pipe': Flags.boolean({char: 'p', description: 'read the CIB from standard input'}),
    'live-check': Flags.boolean({char: 'L', description: 'use the running cluster\'s CIB (the local hakit daemon, else cibadmin -Q)'}),
    socket: Flags.string({description: 'with -L: the hakit CRM daemon\'s socket'}),
    run: Flags.boolean({char: 'R', description: 'compute the transition and show the actions the cluster will take'}),
    simulate: Flags.boolean({char: 'S', description: 'like --run, and simulate taking those actions: show the resulting status (the default)'}),
    'show-scores': Flags.boolean({char: 's', description: 'also print allocation scores'}),
    'node-up': Flags.string({char: 'u', description: 'bring NODE online before scheduling', multiple: true}),
    'node-down': Flags.string({char: 'd', description: 'take NODE offline cleanly (its history is dropped)', multiple: true}),
    'node-fail': Flags.string({char: 'f', description: 'make NODE fail (lost from the membership, needs fencing)', multiple: true}),
    standby: Flags.string({description: 'put NODE in standby', multiple: true}),
    'op-inject': Flags.string({char: 'i', description: 'record the result of an operation that happened: RESOURCE_TASK_INTERVAL@NODE[=RC]', multiple: true}),
    'op-fail': Flags.string({char: 'F', description: 'make this action fail if the simulated transition runs it: RESOURCE_TASK_INTERVAL@NODE=RC', multiple: true}),
    quorum: Flags.string({char: 'q', description: 'set whether the cluster has quorum: 1/true or 0/false'}),
    'no-quorum': Flags.boolean({description: 'the cluster has no quorum (same as -q 0)', hidden: true}),
    watchdog: Flags.string({char: 'w', description: 'set whether the nodes have an active watchdog: 1/true or 0/false'}),
    'set-datetime': Flags.string({char: 't', description: 'the time the scheduler runs at (ISO 8601, e.g. 2026-12-06T10:00:00Z)'}),
    'save-input': Flags.string({char: 'I', description: 'save the CIB the scheduler runs on (after the injections) to FILE'}),
    'save-output': Flags.string({char: 'O', description: 'save the CIB after the simulated transition to FILE'}),
    'save-graph': Flags.string({char: 'G', description: 'save the transition graph (Pacemaker\'s XML) to FILE'}),
    json: Flags.boolean({description: 'print the summary actions as JSON records {action, resource, node, from, to, role, …}'}),
    graph: Flags.boolean({description: 'with --json: also print the action graph (scheduled actions, dependencies first) and the placement'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(CrmSimulate)
    const {runSimulateCommand} = await import('../../cib/simulate-run.js')
    const {simulation, render} = await runSimulateCommand({
      xmlFile: flags['xml-pipe'] ? '-' : flags['xml-file'], live: flags['live-check'] || (!flags['xml-file'] && !flags['xml-pipe']), socket: flags.socket,
      execute: flags.simulate || !flags.run, showScores: flags['show-scores'],
      nodeUp: flags['node-up'], nodeDown: flags['node-down'], nodeFail: flags['node-fail'], standby: flags.standby,
      opInject: flags['op-inject'], opFail: flags['op-fail'], quorum: flags['no-quorum'] ? '0' : flags.quorum, watchdog: flags.watchdog,
      setDatetime: flags['set-datetime'], saveInput: flags['save-input'], saveOutput: flags['save-output'], saveGraph: flags['save-graph'],
    })
    if (flags.json) {
      const tr = simulation.transition
      const extra = flags.graph ? {graph: tr.actions, placement: tr.placement} : {}
      return this.printJson({actions: tr.summary, ...extra, ...(simulation.failed.length ? {failed: simulation.failed} : {})})
    }
    this.print(render())
  }
}
