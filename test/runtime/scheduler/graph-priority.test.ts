/**
 * The graph's synapse priorities against crm_simulate -G (create_graph_synapse: the resource's
 * `priority` meta attribute as scheduling left it, or the action's own when higher — INFINITY for
 * what an aborted transition still completes). Two CIBs whose resources carry different priorities
 * (primitives, a group and a member with its own, clones, a promotable clone, a clone of a group):
 * everything starting, then everything moving off a node put in standby. Judged twice: the graph
 * the controller executes (schedule().actions) and the XML `hakit crm simulate -G` writes.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fixturesDir} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {printTransitionGraphXml} from '../../../src/runtime/scheduler/graph-xml.js'
import {describeDiff, diffGraphs, hakitNamedGraph, oracleNamedGraph, sameGraph, type NamedGraph} from './graph-compare.js'
import {haveCrmSimulate, oracleGraph} from './graph-oracle.js'

const INFINITY = 1_000_000
const cases = ['priorities', 'priorities-standby']

/** The priorities as sorted "action=priority" lines (0 left out, as the XML leaves it out). */
const priorityLines = (g: NamedGraph) => [...g.priorities].map(([action, p]) => `${action}=${p}`).sort()

for (const name of cases) {
  test(`synapse priorities equal crm_simulate -G's: ${name}`, (t) => {
    if (!haveCrmSimulate()) return t.skip('crm_simulate (pacemaker-cli-utils) not installed')
    const file = join(fixturesDir, 'scheduler', `${name}.xml`)
    const expected = oracleNamedGraph(oracleGraph(file))
    // the check must see resource priorities, not only the INFINITY class
    const values = new Set(expected.priorities.values())
    for (const p of [10, 20, 30, 40, 70]) assert.ok(values.has(p), `crm_simulate's graph has a synapse of priority ${p}`)
    assert.ok(values.has(INFINITY), "crm_simulate's graph has a synapse of priority INFINITY")

    const transition = schedule(parseCibXml(readFileSync(file, 'utf8'), file))
    const graph = hakitNamedGraph(transition)
    const d = diffGraphs(expected, graph)
    assert.ok(sameGraph(d), describeDiff(d))
    assert.deepEqual(priorityLines(graph), priorityLines(expected))

    const written = oracleNamedGraph(printTransitionGraphXml(transition.workingSet, transition.actions))
    assert.deepEqual(priorityLines(written), priorityLines(expected), 'the -G XML carries the same priorities')
  })
}
