/**
 * One ordering of the action graph judged edge by edge on the whole scheduler suite (graph.test.ts
 * compares whole graphs; this names the ordering when it breaks): a remote
 * connection's fail-count clearing comes before the connection's start
 * (pcmk__order_remote_connection_actions). Every such edge crm_simulate -G draws (graphs cached
 * by graph-oracle.ts) must be in hakit's graph, and hakit must draw none it does not.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {fullSuiteDir as suite} from './full-suite-cases.js'
import {haveCrmSimulate} from './graph-oracle.js'
import {suiteGraphs} from './suite-graphs.js'

const clearThenStart = (edge: string) => {
  const m = /^clear_failcount:(.+)_clear_failcount_0@\S* -> start:(.+)_start_0@/.exec(edge)
  return m !== null && m[1] === m[2]
}

test("a remote connection's fail count is cleared before it starts, as crm_simulate -G orders it", {timeout: 1_800_000}, (t) => {
  if (!existsSync(suite)) return t.skip('scheduler-full corpus not present')
  if (!haveCrmSimulate()) return t.skip('crm_simulate not installed')
  const differing: string[] = []
  let edges = 0
  const remote = (xml: string) => xml.includes('ocf:pacemaker:remote') || /type="remote"/.test(xml) || xml.includes('<bundle')
  for (const {name, expected: oracle, got: hakit} of suiteGraphs(remote, 'clear_failcount')) {
    const expected = [...oracle.edges].filter(clearThenStart).sort()
    const got = [...hakit.edges].filter(clearThenStart).sort()
    edges += expected.length
    if (JSON.stringify(expected) !== JSON.stringify(got)) differing.push(`${name}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`)
  }
  t.diagnostic(`${edges} clear_failcount -> start edges in crm_simulate's graphs`)
  assert.ok(edges > 0, 'no suite case has such an edge: the check checks nothing')
  assert.deepEqual(differing, [])
})
