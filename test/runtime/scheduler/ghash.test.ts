/**
 * glistSort must give g_list_sort's order even for a comparison that is not a total order (the
 * balanced strategy's capacity comparison): checked against a plain transcription of GLib's merge
 * (copies of both halves, first half floor(n/2), ties to the first half), comparing both the result
 * and the sequence of comparisons made, on random lists under a random non-transitive comparison.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {glistSort} from '../../../src/runtime/scheduler/ghash.js'
import {prng} from '../../helpers/prng.js'

function referenceSort<T>(list: T[], cmp: (a: T, b: T) => number): T[] {
  if (list.length < 2) return list
  const half = Math.floor(list.length / 2)
  const l1 = referenceSort(list.slice(0, half), cmp)
  const l2 = referenceSort(list.slice(half), cmp)
  const out: T[] = []
  let i = 0
  let j = 0
  while (i < l1.length && j < l2.length) out.push(cmp(l1[i], l2[j]) <= 0 ? l1[i++] : l2[j++])
  return [...out, ...l1.slice(i), ...l2.slice(j)]
}

test('glistSort: the same order and the same comparisons as GLib merge sort, non-transitive comparison', () => {
  const random = prng(16)
  for (let round = 0; round < 300; round++) {
    const n = Math.floor(random() * 40)
    // each unordered pair gets a random outcome, so a < b < c < a happens
    const outcome = new Map<string, number>()
    const cmpLogged = (log: string[]) => (a: number, b: number): number => {
      log.push(`${a}:${b}`)
      if (a === b) return 0
      const key = a < b ? `${a},${b}` : `${b},${a}`
      let r = outcome.get(key)
      if (r === undefined) outcome.set(key, r = Math.floor(random() * 3) - 1)
      return a < b ? r : -r
    }
    const items = Array.from({length: n}, () => Math.floor(random() * 12))
    const expectedLog: string[] = []
    const expected = referenceSort([...items], cmpLogged(expectedLog))
    const actualLog: string[] = []
    const input = [...items]
    const actual = glistSort(input, cmpLogged(actualLog))
    assert.deepEqual(actual, expected, `round ${round}: ${items.join(' ')}`)
    assert.deepEqual(actualLog, expectedLog, `round ${round}: comparisons`)
    assert.equal(actual, input, 'sorted in place')
  }
})
