/**
 * Random mutations of scheduler-suite CIBs for differential testing against crm_simulate:
 * each mutation changes one input the newer scheduler features depend on (node availability,
 * tickets, maintenance, placement strategy and capacities, target roles, resource parameters)
 * on the XML tree, so that both schedulers read exactly the same file.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseXmlTree, printXmlTree, type XmlElement} from '../../../src/formats/cib/xml.js'
import {prng} from '../../helpers/prng.js'

function* walk(el: XmlElement): Generator<XmlElement> {
  yield el
  for (const c of el.children) yield* walk(c)
}

function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name)
}

function pick<T>(rnd: () => number, list: T[]): T | undefined {
  return list.length === 0 ? undefined : list[Math.floor(rnd() * list.length)]
}

function setNvpair(parent: XmlElement, setName: string, setId: string, name: string, value: string): void {
  let set = parent.children.find((c) => c.name === setName)
  if (!set) {
    set = {name: setName, attrs: {id: setId}, children: []}
    parent.children.unshift(set)
  }
  const existing = set.children.find((c) => c.name === 'nvpair' && c.attrs.name === name)
  if (existing) existing.attrs.value = value
  else set.children.push({name: 'nvpair', attrs: {id: `${setId}-${name}`, name, value}, children: []})
}

export interface Mutation {
  name: string
  apply(cib: XmlElement, rnd: () => number): boolean
}

const primitives = (cib: XmlElement) => [...walk(cib)].filter((e) => e.name === 'primitive' && e.attrs.id && e.attrs.class !== undefined)
const nodes = (cib: XmlElement) => [...walk(child(cib, 'configuration') ?? cib)].filter((e) => e.name === 'node' && e.attrs.type !== 'remote')
const crmConfig = (cib: XmlElement) => child(child(cib, 'configuration')!, 'crm_config')

export const MUTATIONS: Mutation[] = [
  {name: 'node standby', apply(cib, rnd) {
    const n = pick(rnd, nodes(cib))
    if (!n) return false
    setNvpair(n, 'instance_attributes', `${n.attrs.id}-mut`, 'standby', rnd() < 0.8 ? 'on' : 'off')
    return true
  }},
  {name: 'ticket flipped', apply(cib, rnd) {
    const t = pick(rnd, [...walk(cib)].filter((e) => e.name === 'ticket_state'))
    if (!t) return false
    t.attrs.granted = t.attrs.granted === 'true' ? 'false' : 'true'
    return true
  }},
  {name: 'resource maintenance', apply(cib, rnd) {
    const p = pick(rnd, primitives(cib))
    if (!p) return false
    setNvpair(p, 'meta_attributes', `${p.attrs.id}-mut-meta`, 'maintenance', 'true')
    return true
  }},
  {name: 'placement strategy', apply(cib, rnd) {
    const cfg = crmConfig(cib)
    const set = cfg?.children.find((c) => c.name === 'cluster_property_set')
    if (!set) return false
    const value = pick(rnd, ['default', 'utilization', 'minimal', 'balanced'])!
    setNvpair(cfg!, 'cluster_property_set', set.attrs.id ?? 'cib-bootstrap-options', 'placement-strategy', value)
    return true
  }},
  {name: 'node capacity', apply(cib, rnd) {
    const n = pick(rnd, nodes(cib).filter((x) => child(x, 'utilization')))
    const u = n && child(n, 'utilization')
    const pair = u && pick(rnd, u.children.filter((c) => c.name === 'nvpair'))
    if (!pair) return false
    pair.attrs.value = String(Math.floor(rnd() * 16))
    return true
  }},
  {name: 'target-role Stopped', apply(cib, rnd) {
    const p = pick(rnd, primitives(cib))
    if (!p) return false
    setNvpair(p, 'meta_attributes', `${p.attrs.id}-mut-meta`, 'target-role', 'Stopped')
    return true
  }},
  {name: 'parameter changed', apply(cib, rnd) {
    const p = pick(rnd, primitives(cib).filter((x) => x.attrs.class !== 'stonith'))
    if (!p) return false
    setNvpair(p, 'instance_attributes', `${p.attrs.id}-mut-params`, 'mutated', String(Math.floor(rnd() * 1000)))
    return true
  }},
  {name: 'allow-migrate', apply(cib, rnd) {
    const p = pick(rnd, primitives(cib))
    if (!p) return false
    setNvpair(p, 'meta_attributes', `${p.attrs.id}-mut-meta`, 'allow-migrate', rnd() < 0.5 ? 'true' : 'false')
    return true
  }},
]

const resourcesSection = (cib: XmlElement) => child(child(cib, 'configuration')!, 'resources')
const nodesSection = (cib: XmlElement) => child(child(cib, 'configuration')!, 'nodes')
/** the guest node names a bundle with a primitive creates (its id, "-", the replica number) */
const bundleGuestNames = (cib: XmlElement) => (resourcesSection(cib)?.children ?? []).filter((b) => b.name === 'bundle' && child(b, 'primitive'))
  .flatMap((b) => {
    const agent = b.children.find((c) => ['docker', 'podman', 'rkt'].includes(c.name))
    const replicas = Number(agent?.attrs.replicas ?? agent?.attrs['promoted-max'] ?? agent?.attrs.masters ?? 1) || 1
    return Array.from({length: replicas}, (_, i) => `${b.attrs.id}-${i}`)
  })

/**
 * Mutations of what decides which nodes a resource's allowed nodes hold and with which default
 * score (--show-scores prints every one): the symmetric default, the order bundles are unpacked
 * in, guest nodes that <nodes> configures, exclusive resource discovery.
 */
export const ALLOWED_NODE_MUTATIONS: Mutation[] = [
  {name: 'asymmetric cluster', apply(cib) {
    const cfg = crmConfig(cib)
    const set = cfg?.children.find((c) => c.name === 'cluster_property_set')
    if (!set) return false
    setNvpair(cfg!, 'cluster_property_set', set.attrs.id ?? 'cib-bootstrap-options', 'symmetric-cluster', 'false')
    return true
  }},
  {name: 'bundle guest node configured', apply(cib, rnd) {
    const nodesEl = nodesSection(cib)
    const configured = new Set((nodesEl?.children ?? []).map((n) => n.attrs.uname))
    const name = pick(rnd, bundleGuestNames(cib).filter((n) => !configured.has(n)))
    if (!nodesEl || !name) return false
    nodesEl.children.push({name: 'node', attrs: {id: name, type: 'remote', uname: name}, children: []})
    return true
  }},
  {name: 'bundle guest node unconfigured', apply(cib, rnd) {
    const nodesEl = nodesSection(cib)
    const guests = new Set(bundleGuestNames(cib))
    const n = pick(rnd, (nodesEl?.children ?? []).filter((x) => x.name === 'node' && guests.has(x.attrs.uname)))
    if (!nodesEl || !n) return false
    nodesEl.children.splice(nodesEl.children.indexOf(n), 1)
    return true
  }},
  {name: 'resource moved first or last', apply(cib, rnd) {
    const section = resourcesSection(cib)
    const r = pick(rnd, (section?.children ?? []).filter((c) => ['bundle', 'primitive', 'group', 'clone', 'master'].includes(c.name)))
    if (!section || !r) return false
    section.children.splice(section.children.indexOf(r), 1)
    if (rnd() < 0.5) section.children.unshift(r)
    else section.children.push(r)
    return true
  }},
  {name: 'exclusive discovery dropped', apply(cib, rnd) {
    const loc = pick(rnd, [...walk(cib)].filter((e) => e.name === 'rsc_location' && e.attrs['resource-discovery'] !== undefined))
    if (!loc) return false
    delete loc.attrs['resource-discovery']
    return true
  }},
]

export interface MutatedCase {
  /** The suite case's file name. */
  file: string
  mutation: Mutation
  /** The mutated CIB, also written to `path`. */
  text: string
  path: string
}

/**
 * Mutated suite cases, drawn at random (a case, then a mutation that applies to it) and written
 * to `dir`, at most `maxTries` draws. The caller stops when it has enough: what it judges and how
 * many it keeps is its own, the random sequence for a seed is the same for every caller.
 */
export function* drawMutatedCases(suite: string, files: string[], mutations: Mutation[], rnd: () => number, dir: string, maxTries: number): Generator<MutatedCase> {
  for (let tries = 0; tries < maxTries; tries++) {
    const file = files[Math.floor(rnd() * files.length)]!
    const tree = parseXmlTree(readFileSync(join(suite, file), 'utf8'), file)
    const mutation = mutations[Math.floor(rnd() * mutations.length)]!
    if (!mutation.apply(tree, rnd)) continue
    const text = printXmlTree(tree)
    const path = join(dir, `${tries}-${file}`)
    writeFileSync(path, text)
    yield {file, mutation, text, path}
  }
}
