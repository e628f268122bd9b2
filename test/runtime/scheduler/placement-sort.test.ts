/**
 * sortNodes under the balanced strategy against a plain transcription of Pacemaker's compare_nodes
 * sorted by g_list_sort's merge (glistSort): sortNodes reads each node once per sort and, with at
 * most one capacity name, lets the built-in stable sort do the merging. Both must give exactly the
 * reference order, on random nodes with many ties (scores, capacities, resource counts, names).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {sortNodes, nodeAvailable} from '../../../src/runtime/scheduler/placement.js'
import {compareNodeCapacities} from '../../../src/runtime/scheduler/utilization.js'
import {glistSort} from '../../../src/runtime/scheduler/ghash.js'
import {INFINITY, strcmp} from '../../../src/runtime/scheduler/scores.js'
import type {SNode} from '../../../src/runtime/scheduler/types.js'
import {prng} from '../../helpers/prng.js'

function referenceCompare(active: SNode | null) {
  return (e1: [SNode, number], e2: [SNode, number]): number => {
    const a = nodeAvailable(e1[0], e1[1], false) ? e1[1] : -INFINITY
    const b = nodeAvailable(e2[0], e2[1], false) ? e2[1] : -INFINITY
    if (a > b) return -1
    if (a < b) return 1
    const c = compareNodeCapacities(e1[0], e2[0])
    if (c !== 0) return c < 0 ? -1 : 1
    if (e1[0].numResources !== e2[0].numResources) return e1[0].numResources < e2[0].numResources ? -1 : 1
    if (active === e1[0]) return -1
    if (active === e2[0]) return 1
    return strcmp(e1[0].uname, e2[0].uname)
  }
}

function randomNodes(random: () => number, capacityNames: string[]): SNode[] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]
  return Array.from({length: 1 + Math.floor(random() * 20)}, (_v, i) => {
    let utilization: Map<string, number> | undefined
    if (random() < 0.9) {
      utilization = new Map()
      for (const name of capacityNames) if (random() < 0.85) utilization.set(name, pick([-2, 0, 1, 2, 3]))
    }
    return {
      id: String(i), uname: `n${pick([1, 2, 3, 4, 5, 6, 7, 8])}`, attrs: new Map(), online: true, unclean: false, unseen: false,
      standby: random() < 0.1, standbyOnFail: false, pending: false, shutdown: false, expectedUp: true,
      numResources: pick([0, 1, 2]), countByClone: new Map(), running: [], strategy: 'balanced', utilization,
    }
  })
}

for (const capacityNames of [[], ['cpu'], ['cpu', 'mem'], ['cpu', 'mem', 'disk']]) {
  test(`sortNodes, balanced, capacities [${capacityNames.join(' ')}]: compare_nodes in g_list_sort's order`, () => {
    const random = prng(7 + capacityNames.length)
    for (let round = 0; round < 400; round++) {
      const nodes = randomNodes(random, capacityNames)
      const entries = nodes.map((n): [SNode, number] => [n, [0, 0, 5, 10, -INFINITY, INFINITY][Math.floor(random() * 6)]])
      const active = random() < 0.5 ? nodes[Math.floor(random() * nodes.length)] : null
      const expected = glistSort([...entries], referenceCompare(active))
      assert.deepEqual(sortNodes([...entries], active).map((e) => e[0].id), expected.map((e) => e[0].id), `round ${round}`)
    }
  })
}
