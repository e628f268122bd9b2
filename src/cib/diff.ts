/**
 * Semantic, id-keyed diff of two CIB configurations (`hakit diff crm`).
 * Both sides are normalised (see ./normalize.ts), flattened into objects
 * keyed by kind and id, each a map of field → value, and compared field by
 * field. The text view is a unified diff of the normalised crm text.
 */
import {createTwoFilesPatch} from 'diff'
import type {Cib, Constraint, Node, NvSet, Operation, Primitive, Resource, ResourceSet, Rule, RuleExpression} from '../formats/cib/model.js'
import {printCrm} from '../formats/crm/print.js'
import {normalizeCib, opKey, type NormalizeOptions} from './normalize.js'

export interface FieldChange {
  /** `params ip`, `meta target-role`, `op monitor 10s timeout`, `score`, … */
  field: string
  old?: string
  new?: string
}

export interface ObjectChange {
  /** `primitive`, `group`, `clone`, `location`, `property`, `node`, … */
  kind: string
  id: string
  change: 'added' | 'removed' | 'changed'
  /** For `changed`: each field that differs. For added/removed: empty. */
  fields: FieldChange[]
}

export interface CibDiff {
  equal: boolean
  changes: ObjectChange[]
  /** Unified diff of the normalised crm text (empty when equal). */
  unified: string
}

type Flat = Map<string, {kind: string; id: string; fields: Map<string, string>}>

/** Compares two configurations; labels name the sides in the unified diff header. */
export function diffCibs(a: Cib, b: Cib, options: NormalizeOptions & {labels?: [string, string]; unified?: boolean} = {}): CibDiff {
  const na = normalizeCib(a, options)
  const nb = normalizeCib(b, options)
  const fa = flatten(na, !!options.strict)
  const fb = flatten(nb, !!options.strict)
  const changes: ObjectChange[] = []
  for (const [key, obj] of fa) {
    const other = fb.get(key)
    if (!other) {
      changes.push({kind: obj.kind, id: obj.id, change: 'removed', fields: []})
      continue
    }
    const fields: FieldChange[] = []
    for (const [f, v] of obj.fields) {
      const w = other.fields.get(f)
      if (w === undefined) fields.push({field: f, old: v})
      else if (w !== v) fields.push({field: f, old: v, new: w})
    }
    for (const [f, w] of other.fields) if (!obj.fields.has(f)) fields.push({field: f, new: w})
    if (fields.length > 0) changes.push({kind: obj.kind, id: obj.id, change: 'changed', fields})
  }
  for (const [key, obj] of fb) if (!fa.has(key)) changes.push({kind: obj.kind, id: obj.id, change: 'added', fields: []})
  changes.sort((x, y) => (x.kind === y.kind ? (x.id < y.id ? -1 : x.id > y.id ? 1 : 0) : x.kind < y.kind ? -1 : 1))
  const equal = changes.length === 0
  let unified = ''
  if (!equal && options.unified !== false) {
    const [la, lb] = options.labels ?? ['a', 'b']
    unified = createTwoFilesPatch(la, lb, printCrm(na), printCrm(nb), undefined, undefined, {context: 3})
    unified = unified.replace(/^=+\n/, '')
  }
  return {equal, changes, unified}
}

// ---------------------------------------------------------------------------

function flatten(cib: Cib, strict: boolean): Flat {
  const out: Flat = new Map()
  const add = (kind: string, id: string, fields: Map<string, string>) => {
    let key = `${kind}\u0000${id}`
    for (let n = 2; out.has(key); n++) key = `${kind}\u0000${id}#${n}`
    out.set(key, {kind, id, fields})
  }
  for (const n of cib.nodes) add('node', n.uname, nodeFields(n, strict))
  for (const r of cib.resources) resource(r, undefined, add)
  for (const c of cib.constraints) add(c.kind, c.id, constraintFields(c))
  const defaults: [string, NvSet[]][] = [
    ['property', cib.crmConfig],
    ['rsc_defaults', cib.rscDefaults],
    ['op_defaults', cib.opDefaults],
  ]
  for (const [kind, sets] of defaults) {
    sets.forEach((s, i) => {
      const f = new Map<string, string>()
      setFields(f, '', s, true)
      const unconditional = i === 0 && !s.rule && s.score === undefined && s.idRef === undefined
      add(kind, strict ? s.id ?? String(i) : unconditional ? DEFAULT_SET_IDS[kind] : setLabel(s) || String(i), f)
    })
  }
  for (const raw of cib.otherSections) add('xml', `${raw.parent ?? 'configuration'}/${raw.name}`, new Map([['xml', raw.xml]]))
  return out
}

/** In non-strict mode the unconditional sets are merged and named like crmsh names them. */
const DEFAULT_SET_IDS: Record<string, string> = {property: 'cib-bootstrap-options', rsc_defaults: 'rsc-options', op_defaults: 'op-options'}

function setLabel(s: NvSet): string {
  const parts: string[] = []
  if (s.id !== undefined) parts.push(s.id)
  if (s.idRef !== undefined) parts.push(`@${s.idRef}`)
  if (s.score !== undefined) parts.push(`${s.score}:`)
  if (s.rule) parts.push(`rule ${ruleText(s.rule)}`)
  return parts.join(' ')
}

/** Fields of attribute sets: `prefix name` for unconditional pairs, `prefix[label] name` for the others. */
function setFields(f: Map<string, string>, prefix: string, s: NvSet, first: boolean): void {
  const label = first && !s.rule && s.score === undefined && s.idRef === undefined && s.id === undefined ? '' : `[${setLabel(s)}]`
  const head = `${prefix}${label}`
  if (label && s.pairs.length === 0) f.set(`${head}`, '(empty)')
  for (const p of s.pairs) f.set(head ? `${head} ${p.name}` : p.name, p.value ?? '')
}

function setsFields(f: Map<string, string>, prefix: string, sets: NvSet[] | undefined): void {
  ;(sets ?? []).forEach((s, i) => setFields(f, prefix, s, i === 0))
}

function attrs(f: Map<string, string>, prefix: string, record: Record<string, string | undefined> | undefined): void {
  for (const [k, v] of Object.entries(record ?? {})) if (v !== undefined) f.set(`${prefix}${k}`, v)
}

/** Fields every resource kind has: its parent, description, unmodelled attributes and elements. */
function commonResourceFields(f: Map<string, string>, r: Resource, parent: string | undefined): void {
  if (parent) f.set('in', parent)
  if (r.description !== undefined) f.set('description', r.description)
  attrs(f, '', r.otherAttributes)
  if (r.otherElements) f.set('xml', r.otherElements.join('\n'))
}

function primitiveFields(p: Primitive, parent: string | undefined): Map<string, string> {
  const f = new Map<string, string>()
  f.set('agent', [p.class, p.provider, p.type].filter((x) => x).join(':'))
  commonResourceFields(f, p, parent)
  setsFields(f, 'params', p.instanceAttributes)
  setsFields(f, 'meta', p.metaAttributes)
  setsFields(f, 'utilization', p.utilization)
  const seen = new Map<string, number>()
  for (const op of p.operations) {
    let key = `op ${opKey(op)}`
    const n = (seen.get(key) ?? 0) + 1
    seen.set(key, n)
    if (n > 1) key += ` #${n}`
    opFields(f, key, op)
  }
  return f
}

function opFields(f: Map<string, string>, key: string, op: Operation): void {
  f.set(key, 'present')
  if (op.id !== undefined) f.set(`${key} id`, op.id)
  for (const [k, v] of Object.entries(op.attributes)) if (k !== 'role') f.set(`${key} ${k}`, v)
  if (op.otherElements) f.set(`${key} xml`, op.otherElements.join('\n'))
  setsFields(f, `${key} params`, op.instanceAttributes)
  setsFields(f, `${key} meta`, op.metaAttributes)
}

function resource(r: Resource, parent: string | undefined, add: (kind: string, id: string, fields: Map<string, string>) => void): void {
  if (r.kind === 'primitive') {
    add('primitive', r.id, primitiveFields(r, parent))
    return
  }
  const f = new Map<string, string>()
  commonResourceFields(f, r, parent)
  setsFields(f, 'meta', r.metaAttributes)
  setsFields(f, 'params', r.instanceAttributes)
  if (r.kind === 'group') {
    f.set('resources', r.children.map((c) => c.id).join(' '))
    add('group', r.id, f)
    for (const c of r.children) resource(c, `group ${r.id}`, add)
  } else {
    f.set('resource', r.child.id)
    if (r.legacyMaster) f.set('element', 'master')
    add(r.promotable ? 'promotable clone' : 'clone', r.id, f)
    resource(r.child, `clone ${r.id}`, add)
  }
}

export function ruleText(r: Rule): string {
  if (r.idRef !== undefined && r.expressions.length === 0) return `@${r.idRef}`
  const parts: string[] = []
  if (r.id !== undefined) parts.push(`$id=${r.id}`)
  if (r.role !== undefined) parts.push(`role=${r.role}`)
  if (r.scoreAttribute !== undefined) parts.push(`${r.scoreAttribute}:`)
  if (r.score !== undefined) parts.push(`${r.score}:`)
  parts.push([...r.expressions.map(expressionText), ...(r.otherElements ?? [])].join(` ${r.booleanOp ?? 'and'} `))
  return parts.join(' ')
}

function expressionText(e: RuleExpression): string {
  if (e.kind === 'rule') return `(${ruleText(e.rule)})`
  const id = e.id !== undefined ? `$id=${e.id} ` : ''
  if (e.kind === 'expression') {
    const op = e.type ? `${e.type}:${e.operation}` : e.operation
    if (e.value === undefined) return `${id}${op} ${e.attribute}`
    return `${id}${e.attribute} ${op} ${e.valueSource ? `${e.valueSource}{${e.value}}` : e.value}`
  }
  const extra = Object.entries({start: e.start, end: e.end, ...e.attributes})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
  return `${id}date ${e.operation} ${extra.join(' ')}`.trimEnd()
}

function setsText(sets: ResourceSet[]): string {
  return sets
    .map((s) => {
      const opts = Object.entries({id: s.id, sequential: s.sequential, 'require-all': s.requireAll, role: s.role, action: s.action, score: s.score, ...s.attributes})
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${v}`)
      return `( ${[...s.resources, ...opts].join(' ')} )`
    })
    .join(' ')
}

function constraintFields(c: Constraint): Map<string, string> {
  const f = new Map<string, string>()
  switch (c.kind) {
    case 'location':
      attrs(f, '', {rsc: c.rsc, 'rsc-pattern': c.rscPattern, role: c.role, node: c.node, score: c.score, 'resource-discovery': c.resourceDiscovery})
      c.rules.forEach((r, i) => f.set(c.rules.length === 1 ? 'rule' : `rule ${i + 1}`, ruleText(r)))
      break
    case 'colocation':
      attrs(f, '', {score: c.score, rsc: c.rsc, 'rsc-role': c.rscRole, 'with-rsc': c.withRsc, 'with-rsc-role': c.withRscRole, 'node-attribute': c.nodeAttribute})
      break
    case 'order':
      attrs(f, '', {first: c.first, 'first-action': c.firstAction, then: c.then, 'then-action': c.thenAction, kind: c.orderKind, score: c.score, symmetrical: c.symmetrical, 'require-all': c.requireAll})
      break
    case 'ticket':
      attrs(f, '', c.attributes)
      break
  }
  if (c.kind !== 'ticket') attrs(f, '', c.otherAttributes)
  if (c.resourceSets) f.set('resource sets', setsText(c.resourceSets))
  return f
}

function nodeFields(n: Node, strict: boolean): Map<string, string> {
  const f = new Map<string, string>()
  if (strict) f.set('id', n.id)
  if (n.type !== undefined) f.set('type', n.type)
  if (n.description !== undefined) f.set('description', n.description)
  attrs(f, '', n.otherAttributes)
  if (n.otherElements) f.set('xml', n.otherElements.join('\n'))
  setsFields(f, 'attributes', n.instanceAttributes)
  setsFields(f, 'utilization', n.utilization)
  return f
}
