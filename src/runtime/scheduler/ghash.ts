/**
 * Iteration order of Pacemaker's string-keyed hash tables (pcmk__strkey_table: GLib's GHashTable
 * with pcmk__str_hash). Pacemaker walks node tables such as a resource's allowed nodes in this
 * order, and a few choices keep the first of several equal candidates (the node with the most
 * free capacity, for one), so hakit must see the candidates in the same order.
 *
 * Emulates GLib 2.74: open addressing with quadratic probing, 2^shift buckets, index =
 * (hash * 11) % prime_mod[shift], growth when the occupied buckets reach 15/16 of the size
 * (rehashed in place, as g_hash_table_resize does).
 */

const PRIME_MOD = [1, 2, 3, 7, 13, 31, 61, 127, 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071, 262139, 524287, 1048573]
const MIN_SHIFT = 3

/** pcmk__str_hash: h = h * 31 + c over signed chars, 32-bit */
function strHash(key: string): number {
  let h = 0
  for (const byte of Buffer.from(key, 'utf8')) {
    const c = byte > 127 ? byte - 256 : byte
    h = (Math.imul(h, 31) + c) >>> 0
  }
  return h < 2 ? 2 : h // 0 and 1 mark unused buckets and tombstones
}

interface Table {size: number; mod: number; mask: number; hashes: number[]; keys: (string | undefined)[]; occupied: number}

function setShift(t: Table, shift: number): void {
  t.size = 1 << shift
  t.mod = PRIME_MOD[shift]
  t.mask = t.size - 1
}

function shiftFor(n: number): number {
  let i = 0
  for (; n; i++) n >>= 1
  return Math.max(i, MIN_SHIFT)
}

// (hash * 11) wraps around in 32 bits, as in C
const toIndex = (t: Table, hash: number) => (Math.imul(hash, 11) >>> 0) % t.mod

/** g_hash_table_resize: every entry re-placed, in bucket order, evicting what sits where it lands */
function resize(t: Table, count: number): void {
  const oldSize = t.size
  setShift(t, shiftFor(Math.floor(count * 1.333)))
  for (let i = oldSize; i < t.size; i++) { t.hashes[i] = 0; t.keys[i] = undefined }
  const moved = new Set<number>()
  for (let i = 0; i < oldSize; i++) {
    let hash = t.hashes[i]
    if (hash < 2) { t.hashes[i] = 0; continue }
    if (moved.has(i)) continue
    t.hashes[i] = 0
    let key = t.keys[i]
    t.keys[i] = undefined
    for (;;) {
      let index = toIndex(t, hash)
      for (let step = 1; moved.has(index); step++) index = (index + step) & t.mask
      moved.add(index)
      const replacedHash = t.hashes[index]
      const replacedKey = t.keys[index]
      t.hashes[index] = hash
      t.keys[index] = key
      if (replacedHash < 2) break
      hash = replacedHash
      key = replacedKey
    }
  }
}

/**
 * The order in which a table built by inserting these keys, in this order, is iterated. The same
 * keys come back often (a resource's allowed nodes, once per resource): the answer is kept, and
 * shared — callers must not change it.
 */
export function hashTableOrder(keys: readonly string[]): readonly string[] {
  const memoKey = keys.join('\0')
  let order = orderMemo.get(memoKey)
  if (!order) {
    // a long-lived process (the daemon) sees few distinct node sets; bound the memo anyway
    if (orderMemo.size >= 256) orderMemo.clear()
    orderMemo.set(memoKey, order = computeHashTableOrder(keys))
  }
  return order
}
const orderMemo = new Map<string, readonly string[]>()

function computeHashTableOrder(keys: readonly string[]): string[] {
  const t: Table = {size: 0, mod: 0, mask: 0, hashes: [], keys: [], occupied: 0}
  setShift(t, MIN_SHIFT)
  t.hashes = new Array(t.size).fill(0)
  t.keys = new Array(t.size).fill(undefined)
  let count = 0
  for (const key of keys) {
    const hash = strHash(key)
    let index = toIndex(t, hash)
    let exists = false
    for (let step = 1; t.hashes[index] !== 0; step++) {
      if (t.hashes[index] === hash && t.keys[index] === key) { exists = true; break }
      index = (index + step) & t.mask
    }
    if (exists) continue
    t.hashes[index] = hash
    t.keys[index] = key
    count++
    t.occupied++
    if (t.size <= t.occupied + Math.floor(t.occupied / 16)) resize(t, count)
  }
  return t.keys.filter((k): k is string => k !== undefined)
}

/**
 * g_list_sort's merge sort (the first half has floor(n/2) entries; ties keep the first half's): the
 * order Pacemaker's sorts give even where the comparison is not a total order (sort_op_by_callid;
 * compare_nodes under the balanced strategy, whose capacity comparison is not transitive).
 */
export function glistSort<T>(list: T[], cmp: (a: T, b: T) => number): T[] {
  if (list.length < 2) return list
  const half = Math.floor(list.length / 2)
  const l1 = glistSort(list.slice(0, half), cmp)
  const l2 = glistSort(list.slice(half), cmp)
  const out: T[] = []
  let i = 0
  let j = 0
  while (i < l1.length && j < l2.length) out.push(cmp(l1[i], l2[j]) <= 0 ? l1[i++] : l2[j++])
  return [...out, ...l1.slice(i), ...l2.slice(j)]
}
