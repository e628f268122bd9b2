import type {Node} from '../../../src/formats/drbd/index.js'

/** The tree without source positions, for parse → print → parse comparisons. */
export function stripLocations(nodes: readonly Node[]): unknown[] {
  return nodes.map((n) => {
    if (n.type === 'skip') return {type: 'skip', raw: n.raw}
    const args = n.args.map((a) => ({value: a.value, quoted: a.quoted}))
    return n.type === 'statement' ? {type: n.type, keyword: n.keyword, args} : {type: n.type, keyword: n.keyword, args, body: stripLocations(n.body)}
  })
}
