import {Flags} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'

export default class CrmSimulate extends HakitCommand {
  static override summary = 'Compute the transition Pacemaker would schedule for a CIB (like crm_simulate -R)'
  static override description = `Reads a CIB (configuration and status) and runs hakit's scheduler, a re-implementation of Pacemaker 2.1.5's: it prints the current cluster status, the "Transition Summary:" in crm_simulate's format (Start, Stop, Move, Recover, Restart, Promote, Demote, Fence …) and the revised status once every runnable action succeeded.

Events can be injected first, as crm_simulate does: nodes coming up, going down or failing, standby, failed operation results (RESOURCE_TASK_INTERVAL@NODE[=RC], interval in ms, rc defaults to 1).

EXIT CODES
  0   the transition was computed
  2   the input cannot be read or parsed, or an injection names an unknown resource (an unknown node is added, as crm_simulate does)`

  static override examples = [
    '<%= config.bin %> crm simulate --xml-file cib.xml',
    '<%= config.bin %> crm simulate --xml-file cib.xml --node-fail node2 --json',
    '<%= config.bin %> crm simulate --xml-file cib.xml --op-fail vip_monitor_10000@node1=7 --show-scores',
  ]

  static override flags = {
    'xml-file': Flags.string({char: 'x', description: 'CIB XML file to schedule (- for stdin)', required: true}),
    json: Flags.boolean({description: 'print the summary actions as JSON records {action, resource, node, from, to, role, …}'}),
    graph: Flags.boolean({description: 'with --json: also print the action graph (scheduled actions, dependencies first) and the placement'}),
    'show-scores': Flags.boolean({char: 's', description: 'also print allocation scores'}),
    'node-up': Flags.string({description: 'bring NODE online before scheduling', multiple: true}),
    'node-down': Flags.string({description: 'take NODE down cleanly (its history is dropped)', multiple: true}),
    'node-fail': Flags.string({description: 'make NODE fail (lost from the membership, needs fencing)', multiple: true}),
    standby: Flags.string({description: 'put NODE in standby', multiple: true}),
    'op-fail': Flags.string({description: 'record a failed result RESOURCE_TASK_INTERVAL@NODE[=RC]', multiple: true}),
    quorum: Flags.boolean({char: 'q', description: 'set whether the cluster has quorum (--no-quorum: it has not)', allowNo: true}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(CrmSimulate)
    const {readSource} = await import('../../core/read-source.js')
    const {parseCibXml} = await import('../../formats/cib/xml.js')
    const {applyInjections} = await import('../../runtime/scheduler/inject.js')
    const {schedule} = await import('../../runtime/scheduler/index.js')
    const src = await readSource(flags['xml-file'])
    let cib = parseCibXml(src.text, flags['xml-file'] === '-' ? '<stdin>' : flags['xml-file'])
    const inj = {nodeUp: flags['node-up'], nodeDown: flags['node-down'], nodeFail: flags['node-fail'], standby: flags.standby, opFail: flags['op-fail'], quorum: flags.quorum}
    if (Object.values(inj).some((v) => typeof v === 'boolean' || (v && v.length > 0))) cib = applyInjections(cib, inj)
    const tr = schedule(cib, {showScores: flags['show-scores']})
    if (flags.json) {
      const extra = flags.graph ? {graph: tr.actions, placement: tr.placement} : {}
      return this.printJson({actions: tr.summary, ...extra})
    }
    const {clusterStatus} = await import('../../runtime/scheduler/status-text.js')
    const out = ['Current cluster status:', ...clusterStatus(tr.workingSet, false), '']
    if (flags['show-scores'] && tr.scores.length > 0) out.push(...tr.scores, '')
    out.push('Transition Summary:', ...tr.summaryLines, '', 'Revised Cluster Status:', ...clusterStatus(tr.workingSet, true))
    this.print(out.join('\n'))
  }
}
