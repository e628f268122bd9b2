/**
 * The cancels of recurring monitors, judged against crm_simulate -G on every suite case with a
 * bundle (graphs cached by graph-oracle.ts): the same cancel actions and the same edges into and
 * out of them. Pacemaker orders no recurring action it has no task for
 * (a cancel) after a guest connection's start (apply_container_ordering), so a promoted
 * instance's monitor is cancelled, and the instance demoted, even when its connection is
 * stopping for good and its start cannot run.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {fullSuiteDir as suite} from './full-suite-cases.js'
import type {NamedGraph} from './graph-compare.js'
import {haveCrmSimulate} from './graph-oracle.js'
import {suiteGraphs} from './suite-graphs.js'

const isCancel = (name: string) => name.startsWith('cancel:')
const touchesCancel = (edge: string) => edge.split(' -> ').some(isCancel)

test('cancels of recurring monitors in suite cases with bundles: the same actions and edges as crm_simulate -G', {timeout: 1_800_000}, (t) => {
  if (!existsSync(suite)) return t.skip('scheduler-full corpus not present')
  if (!haveCrmSimulate()) return t.skip('crm_simulate not installed')
  const differing: string[] = []
  let cancels = 0
  const pick = (g: NamedGraph) => ({
    actions: [...g.actions].filter(isCancel).sort(),
    edges: [...g.edges].filter(touchesCancel).sort(),
  })
  for (const {name, expected, got} of suiteGraphs((xml) => xml.includes('<bundle'), 'operation="cancel"')) {
    const want = pick(expected)
    const have = pick(got)
    cancels += want.actions.length
    if (JSON.stringify(want) !== JSON.stringify(have)) differing.push(`${name}: expected ${JSON.stringify(want)}, got ${JSON.stringify(have)}`)
  }
  t.diagnostic(`${cancels} cancel actions in crm_simulate's graphs of suite cases with bundles`)
  assert.ok(cancels > 0, 'no bundle case cancels a monitor: the check checks nothing')
  assert.deepEqual(differing, [])
})
