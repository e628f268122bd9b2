/**
 * An anonymous clone instance whose operation history uses another name than the scheduler's
 * ("rsc1:1" on node1 where the scheduler calls the instance rsc1:0, or "rabbitmq" without a number):
 * the transition graph names it as Pacemaker's add_resource_details and clone_op_key do, and the
 * "Executing Cluster Transition" list names it as crm_simulate does. Judged by crm_simulate -S -G
 * on suite cases (the order of independent actions in the list is the graph's and is not compared).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand, sharedDir} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {printTransitionGraphXml} from '../../../src/runtime/scheduler/graph-xml.js'
import {renderSimulation, simulate} from '../../../src/runtime/scheduler/simulate.js'
import {sectionLines} from './summary-lines.js'
import {graphResourceOperations} from './graph-compare.js'

const suite = join(sharedDir, 'corpus', 'scheduler-full')
/**
 * history ids numbered otherwise than the instances (ticket-clone-6, interleave-pseudo-stop),
 * unnumbered ones (route-remote-notify, a bundle; 10-a-then-bm-b-move-a-clone), notifications
 * after a fencing keyed by their notify_operation (bug-cl-5247), a globally-unique clone of lsb
 * agents whose last instance's ocf members stay unique (force-anon-clone-max)
 */
const CASES = ['ticket-clone-6', 'interleave-pseudo-stop', 'route-remote-notify', '10-a-then-bm-b-move-a-clone', 'bug-cl-5247', 'force-anon-clone-max']

test('anonymous clone instances with a history name: the Executing list and the -G graph name them as crm_simulate does', (t) => {
  if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
  if (!existsSync(suite)) return t.skip('scheduler-full corpus not present')
  const dir = mkdtempSync(join(tmpdir(), `hakit-graph-names-${process.pid}-`))
  try {
    for (const name of CASES) {
      const file = join(suite, `${name}.xml`)
      const graphFile = join(dir, `${name}.graph.xml`)
      const real = spawnSync('crm_simulate', ['-x', file, '-S', '-G', graphFile], {encoding: 'utf8', timeout: 120_000})
      assert.equal(real.status, 0, real.stderr)
      const sim = simulate(parseCibXml(readFileSync(file, 'utf8'), file), {execute: true})
      // a pseudo action's node aside (crm_simulate lists one only for a fencing: another engineer's fix)
      const executed = (text: string) => (sectionLines(text, 'Executing Cluster Transition:') ?? [])
        .map((l) => (/Pseudo action: +stonith-\S+-(reboot|off|on) on /.test(l) ? l : l.replace(/^(\s*\* Pseudo action: .*?) on \S+$/, '$1'))).sort()
      assert.ok(executed(real.stdout).some((l) => /Resource action/.test(l)), `${name}: resource actions are executed`)
      assert.deepEqual(executed(renderSimulation(sim)), executed(real.stdout), `${name}: Executing Cluster Transition`)
      const ours = printTransitionGraphXml(sim.transition.workingSet, sim.transition.actions)
      assert.deepEqual(graphResourceOperations(ours), graphResourceOperations(readFileSync(graphFile, 'utf8')), `${name}: -G resource operations`)
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
