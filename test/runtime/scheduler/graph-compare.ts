/**
 * Compares hakit's action graph with crm_simulate's transition graph (-G). Ids differ between
 * the two, so an action is named by its operation key and node (`rsc:0_start_0@node1`; pseudo
 * events carry no node in Pacemaker's graph, fencing names its target) and an edge by the pair
 * of names "first -> then". Each action's synapse priority is compared too (what an aborted
 * transition still runs).
 */
import type {XmlElement} from '../../../src/formats/cib/xml.js'
import {parseXmlTree} from '../../../src/formats/cib/xml.js'
import type {GraphAction, Transition} from '../../../src/runtime/scheduler/index.js'

export interface NamedGraph {
  actions: Set<string>
  edges: Set<string>
  /** the synapse priority of every action that has one (absent: 0) */
  priorities: Map<string, number>
}

function oracleName(el: XmlElement): string {
  const key = el.attrs.internal_operation_key ?? el.attrs.operation_key ?? el.attrs.operation
  const node = el.name === 'pseudo_event' && el.attrs.operation !== 'stonith' ? '' : el.attrs.on_node ?? ''
  return `${el.attrs.operation}:${key}@${node}`
}

/** crm_simulate's graph XML → names (an empty text is an empty graph). */
export function oracleNamedGraph(xml: string): NamedGraph {
  const g: NamedGraph = {actions: new Set(), edges: new Set(), priorities: new Map()}
  if (xml.trim() === '') return g
  const root = parseXmlTree(xml, 'graph.xml')
  for (const synapse of root.children.filter((c) => c.name === 'synapse')) {
    const set = synapse.children.find((c) => c.name === 'action_set')
    const action = set?.children.find((c) => c.name !== '#comment')
    if (!action) continue
    const then = oracleName(action)
    g.actions.add(then)
    if (synapse.attrs.priority !== undefined) g.priorities.set(then, Number(synapse.attrs.priority))
    for (const trigger of synapse.children.find((c) => c.name === 'inputs')?.children ?? []) {
      for (const first of trigger.children) if (first.name !== '#comment') g.edges.add(`${oracleName(first)} -> ${then}`)
    }
  }
  return g
}

export function hakitName(a: Pick<GraphAction, 'key' | 'task' | 'pseudo' | 'node'>): string {
  return `${a.task}:${a.key}@${a.pseudo && a.task !== 'stonith' ? '' : a.node ?? ''}`
}

/** hakit's graph → names; an input may be an action outside the graph (one that cannot run), named from the working set. */
export function hakitNamedGraph(t: Transition): NamedGraph {
  // the graph first: building it adds the per-instance notify actions to the working set
  const graph = t.actions
  const byId = new Map<number, string>()
  for (const a of t.workingSet.actions) {
    byId.set(a.id, hakitName({key: a.uuid, task: a.task, pseudo: a.pseudo, node: a.node?.uname ?? null}))
  }
  const g: NamedGraph = {actions: new Set(), edges: new Set(), priorities: new Map()}
  for (const a of graph) {
    g.actions.add(hakitName(a))
    if (a.priority) g.priorities.set(hakitName(a), a.priority)
    for (const d of a.after) g.edges.add(`${byId.get(d) ?? `#${d}`} -> ${hakitName(a)}`)
  }
  return g
}

export interface GraphDiff {
  missingActions: string[]
  extraActions: string[]
  missingEdges: string[]
  extraEdges: string[]
  /** actions both graphs have whose synapse priorities differ: `name: got P, crm_simulate Q` */
  priorities: string[]
}

/** What hakit lacks (missing) and adds (extra) against the oracle. */
export function diffGraphs(expected: NamedGraph, got: NamedGraph): GraphDiff {
  const minus = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x)).sort()
  return {
    missingActions: minus(expected.actions, got.actions),
    extraActions: minus(got.actions, expected.actions),
    missingEdges: minus(expected.edges, got.edges),
    extraEdges: minus(got.edges, expected.edges),
    priorities: [...expected.actions].filter((a) => got.actions.has(a) && (expected.priorities.get(a) ?? 0) !== (got.priorities.get(a) ?? 0)).sort()
      .map((a) => `${a}: ${got.priorities.get(a) ?? 0}, crm_simulate ${expected.priorities.get(a) ?? 0}`),
  }
}

export const sameGraph = (d: GraphDiff): boolean =>
  d.missingActions.length + d.extraActions.length + d.missingEdges.length + d.extraEdges.length + d.priorities.length === 0

/** One line: the first difference of each kind. */
export function describeDiff(d: GraphDiff): string {
  const parts: string[] = []
  if (d.missingActions.length) parts.push(`missing ${d.missingActions.length} action(s), e.g. ${d.missingActions[0]}`)
  if (d.extraActions.length) parts.push(`extra ${d.extraActions.length} action(s), e.g. ${d.extraActions[0]}`)
  if (d.missingEdges.length) parts.push(`missing ${d.missingEdges.length} edge(s), e.g. ${d.missingEdges[0]}`)
  if (d.extraEdges.length) parts.push(`extra ${d.extraEdges.length} edge(s), e.g. ${d.extraEdges[0]}`)
  if (d.priorities.length) parts.push(`${d.priorities.length} synapse priorit${d.priorities.length === 1 ? 'y differs' : 'ies differ'}, e.g. ${d.priorities[0]}`)
  return parts.join('; ')
}

/**
 * The clone notification variables (CRM_meta_notify_*) of every action both graphs have, where
 * crm_simulate's carries any: one line per action whose variables differ (the first variable
 * that does), empty when all agree.
 */
export function diffNotifyVariables(xml: string, t: Transition): string[] {
  if (!xml.includes('CRM_meta_notify_')) return []
  const got = new Map(t.actions.map((a) => [hakitName(a), a.notifyMeta ?? {}]))
  const out: string[] = []
  for (const synapse of parseXmlTree(xml, 'graph.xml').children.filter((c) => c.name === 'synapse')) {
    const action = synapse.children.find((c) => c.name === 'action_set')?.children.find((c) => c.name !== '#comment')
    if (!action) continue
    const attributes = action.children.find((c) => c.name === 'attributes')?.attrs ?? {}
    const expected = new Map(Object.entries(attributes).filter(([k]) => k.startsWith('CRM_meta_notify_')).map(([k, v]) => [k.slice('CRM_meta_'.length), v]))
    const mine = got.get(oracleName(action))
    if (expected.size === 0 || !mine) continue
    const names = [...new Set([...expected.keys(), ...Object.keys(mine)])].sort()
    const first = names.find((n) => expected.get(n) !== mine[n])
    if (first) out.push(`${oracleName(action)}: ${first}=${JSON.stringify(mine[first] ?? null)}, crm_simulate ${JSON.stringify(expected.get(first) ?? null)}`)
  }
  return out
}

/**
 * Every resource operation of a graph XML (crm_simulate's or hakit's -G) as its element names it:
 * operation_key, internal_operation_key, on_node, and the <primitive>'s id and long-id, sorted
 * (the ids of the synapses differ between the two and are left out).
 */
export function graphResourceOperations(xml: string): string[] {
  const attr = (text: string, name: string) => new RegExp(`(?:^| )${name}="([^"]*)"`).exec(text)?.[1] ?? '-'
  return [...xml.matchAll(/<action_set>\s*<rsc_op ([^>]*)>\s*<primitive ([^>]*)\/>/g)]
    .map(([, op, prim]) => `${attr(op, 'operation_key')} ${attr(op, 'internal_operation_key')} ${attr(op, 'on_node')} ${attr(prim, 'id')} ${attr(prim, 'long-id')}`)
    .sort()
}
