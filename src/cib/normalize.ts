/**
 * Semantic normalisation of a CIB configuration, the basis of `hakit diff crm`.
 *
 * Non-strict mode removes what does not change cluster behaviour: generated
 * ids (of attribute sets, nvpairs, operations, rules, expressions, resource
 * sets), spellings of the same value (`1`/`true`/`yes`, `60`/`60s`/`1min`,
 * `+INFINITY`/`INFINITY`, Master/Promoted), `<master>` vs promotable clone,
 * how unconditional attribute sets are split, and the order of objects and
 * of expressions in a rule. Strict mode keeps all of that (the status section
 * and `<cib>` attributes such as epoch are never compared).
 */
import type {Cib, Constraint, Node, NvSet, Operation, Primitive, Resource, ResourceSet, Rule, RuleExpression} from '../formats/cib/model.js'
import {normalizeScore, parseBoolean, parseInterval} from '../formats/cib/values.js'

export interface NormalizeOptions {
  strict?: boolean
}

/** Options and meta attributes Pacemaker reads as booleans. */
const BOOLEAN_NAMES = new Set([
  'stonith-enabled', 'symmetric-cluster', 'maintenance-mode', 'start-failure-is-fatal', 'enable-startup-probes', 'stop-orphan-resources',
  'stop-orphan-actions', 'stop-all-resources', 'startup-fencing', 'concurrent-fencing', 'remove-after-stop', 'is-managed', 'notify',
  'globally-unique', 'ordered', 'interleave', 'promotable', 'allow-migrate', 'critical', 'enabled', 'record-pending', 'have-watchdog',
  'enable-acl', 'sequential', 'require-all', 'symmetrical', 'maintenance', 'standby', 'allow-unhealthy-nodes', 'fence-reaction',
])

/** Options, meta attributes and op attributes that are durations. */
const DURATION_NAMES = new Set([
  'interval', 'timeout', 'start-delay', 'failure-timeout', 'cluster-recheck-interval', 'dc-deadline', 'transition-delay',
  'crmd-transition-delay', 'stonith-timeout', 'shutdown-escalation', 'election-timeout', 'cluster-delay', 'join-integration-timeout',
  'join-finalization-timeout', 'priority-fencing-delay', 'stonith-watchdog-timeout', 'shutdown-lock-limit', 'pcmk_monitor_timeout',
  'pcmk_reboot_timeout', 'pcmk_off_timeout', 'pcmk_delay_max', 'pcmk_delay_base', 'pcmk_host_check_timeout',
])

/** Meta attributes and options whose values are scores. */
const SCORE_NAMES = new Set(['resource-stickiness', 'default-resource-stickiness', 'migration-threshold', 'priority', 'placement-strategy-score'])

/** Pacemaker 2.1 renamed these; both spellings mean the same. */
const RENAMED: Record<string, string> = {
  'master-max': 'promoted-max',
  'master-node-max': 'promoted-node-max',
  'crmd-transition-delay': 'transition-delay',
  'default-resource-stickiness': 'resource-stickiness',
}

const ROLE_NAMES: Record<string, string> = {master: 'Promoted', slave: 'Unpromoted', promoted: 'Promoted', unpromoted: 'Unpromoted', started: 'Started', stopped: 'Stopped'}

export function normalizeRole(role: string | undefined, strict = false): string | undefined {
  if (role === undefined || strict) return role
  return ROLE_NAMES[role.toLowerCase()] ?? role
}

/** A duration in a canonical spelling: `60s`, `500ms`. */
export function canonicalDuration(v: string): string {
  const ms = parseInterval(v)
  if (ms === undefined) return v
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}

/** A value in canonical spelling, knowing the name it is set under. */
export function normalizeValue(name: string, value: string | undefined, strict = false): string | undefined {
  if (value === undefined || strict) return value
  const v = value.trim()
  if (BOOLEAN_NAMES.has(name)) {
    const b = parseBoolean(v)
    if (b !== undefined) return String(b)
  }
  if (/^(yes|no|true|false|on|off)$/i.test(v)) return String(parseBoolean(v))
  if (DURATION_NAMES.has(name)) return canonicalDuration(v)
  if (SCORE_NAMES.has(name)) return normalizeScore(v)
  if (name === 'target-role' || name === 'role') return normalizeRole(v)
  return value
}

function normalizeName(name: string, strict: boolean): string {
  return strict ? name : RENAMED[name] ?? name
}

export function normalizeCib(cib: Cib, options: NormalizeOptions = {}): Cib {
  return new Normalizer(!!options.strict).cib(cib)
}

class Normalizer {
  constructor(readonly strict: boolean) {}

  id<T extends string | undefined>(id: T): T | undefined {
    return this.strict ? id : undefined
  }

  cib(cib: Cib): Cib {
    const byId = <T extends {id: string}>(list: T[]) => (this.strict ? list : [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    return {
      attributes: {},
      crmConfig: this.sets(cib.crmConfig),
      nodes: this.strict ? cib.nodes.map((n) => this.node(n)) : [...cib.nodes.map((n) => this.node(n))].sort((a, b) => (a.uname < b.uname ? -1 : a.uname > b.uname ? 1 : 0)),
      resources: byId(cib.resources.map((r) => this.resource(r))),
      constraints: byId(cib.constraints.map((c) => this.constraint(c))),
      rscDefaults: this.sets(cib.rscDefaults),
      opDefaults: this.sets(cib.opDefaults),
      status: [],
      otherSections: this.strict ? [...cib.otherSections] : [...cib.otherSections].sort((a, b) => (a.xml < b.xml ? -1 : 1)),
    }
  }

  /**
   * Attribute sets: in non-strict mode all unconditional sets are merged into
   * one (the first value of a name wins, as Pacemaker reads them), and the
   * pairs are sorted by name.
   */
  sets(sets: NvSet[] | undefined): NvSet[] {
    const list = sets ?? []
    if (this.strict) return list.map((s) => this.set(s))
    const merged: NvSet = {pairs: []}
    const seen = new Set<string>()
    const conditional: NvSet[] = []
    for (const s of list) {
      if (s.rule || s.score !== undefined || s.idRef !== undefined) {
        conditional.push(this.set(s))
        continue
      }
      for (const p of s.pairs) {
        const name = normalizeName(p.name, false)
        if (seen.has(name)) continue
        seen.add(name)
        const pair: {name: string; value?: string} = {name}
        const value = normalizeValue(name, p.value)
        if (value !== undefined) pair.value = value
        merged.pairs.push(pair)
      }
    }
    merged.pairs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    return merged.pairs.length > 0 ? [merged, ...conditional] : conditional
  }

  set(s: NvSet): NvSet {
    const out: NvSet = {pairs: s.pairs.map((p) => {
      const name = normalizeName(p.name, this.strict)
      const pair: {id?: string; name: string; value?: string} = {name}
      if (this.strict && p.id !== undefined) pair.id = p.id
      const value = normalizeValue(name, p.value, this.strict)
      if (value !== undefined) pair.value = value
      return pair
    })}
    if (!this.strict) out.pairs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    if (this.strict && s.id !== undefined) out.id = s.id
    if (s.idRef !== undefined) out.idRef = s.idRef
    if (s.score !== undefined) out.score = this.strict ? s.score : normalizeScore(s.score)
    if (s.rule) out.rule = this.rule(s.rule)
    return out
  }

  rule(r: Rule): Rule {
    const out: Rule = {expressions: r.expressions.map((e) => this.expression(e))}
    if (this.strict && r.id !== undefined) out.id = r.id
    if (r.idRef !== undefined) out.idRef = r.idRef
    if (r.score !== undefined) out.score = this.strict ? r.score : normalizeScore(r.score)
    if (r.scoreAttribute !== undefined) out.scoreAttribute = r.scoreAttribute
    // One expression: and/or make no difference.
    if (r.booleanOp !== undefined && (this.strict || (r.booleanOp === 'or' && r.expressions.length > 1))) out.booleanOp = r.booleanOp
    if (r.role !== undefined) out.role = normalizeRole(r.role, this.strict)
    if (!this.strict) out.expressions.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
    if (r.otherElements) out.otherElements = [...r.otherElements]
    return out
  }

  expression(e: RuleExpression): RuleExpression {
    if (e.kind === 'rule') return {kind: 'rule', rule: this.rule(e.rule)}
    if (this.strict) return {...e}
    const {id: _id, ...rest} = e
    if (rest.kind === 'expression' && (rest.valueSource === 'literal')) delete rest.valueSource
    return rest
  }

  operation(op: Operation): Operation {
    const attributes: Record<string, string> = {}
    for (const k of Object.keys(op.attributes).sort()) {
      const v = normalizeValue(k, op.attributes[k], this.strict)!
      attributes[k] = k === 'role' ? normalizeRole(v, this.strict)! : v
    }
    const out: Operation = {
      name: op.name,
      interval: this.strict ? op.interval : canonicalDuration(op.interval),
      attributes,
      instanceAttributes: this.sets(op.instanceAttributes),
      metaAttributes: this.sets(op.metaAttributes),
    }
    if (this.strict && op.id !== undefined) out.id = op.id
    if (op.otherElements) out.otherElements = [...op.otherElements]
    return out
  }

  primitive(p: Primitive): Primitive {
    const out: Primitive = {
      kind: 'primitive',
      id: p.id,
      class: p.class,
      type: p.type,
      instanceAttributes: this.sets(p.instanceAttributes),
      metaAttributes: this.sets(p.metaAttributes),
      utilization: this.sets(p.utilization),
      operations: p.operations.map((o) => this.operation(o)),
    }
    if (!this.strict) out.operations.sort((a, b) => opKey(a).localeCompare(opKey(b)))
    if (p.provider !== undefined) out.provider = p.provider
    if (p.description !== undefined) out.description = p.description
    if (p.otherAttributes) out.otherAttributes = {...p.otherAttributes}
    if (p.otherElements) out.otherElements = [...p.otherElements]
    return out
  }

  resource(r: Resource): Resource {
    if (r.kind === 'primitive') return this.primitive(r)
    const meta = this.sets(r.metaAttributes)
    const instanceAttributes = this.sets(r.instanceAttributes)
    if (r.kind === 'group') {
      const g: Resource = {kind: 'group', id: r.id, metaAttributes: meta, children: r.children.map((c) => this.primitive(c))}
      if (instanceAttributes.length > 0) g.instanceAttributes = instanceAttributes
      if (r.description !== undefined) g.description = r.description
      if (r.otherAttributes) g.otherAttributes = {...r.otherAttributes}
      if (r.otherElements) g.otherElements = [...r.otherElements]
      return g
    }
    const c: Resource = {kind: 'clone', id: r.id, promotable: r.promotable, legacyMaster: this.strict ? r.legacyMaster : false, metaAttributes: meta, child: this.resource(r.child) as Primitive}
    if (!this.strict) {
      // A promotable clone says so in its meta attributes whatever the source spelling.
      const sets = c.metaAttributes.filter((s) => !(s.rule || s.score !== undefined || s.idRef !== undefined))
      const base = sets[0] ?? {pairs: []}
      base.pairs = base.pairs.filter((p) => p.name !== 'promotable')
      if (r.promotable) base.pairs.push({name: 'promotable', value: 'true'})
      base.pairs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      if (sets.length === 0 && base.pairs.length > 0) c.metaAttributes.unshift(base)
      c.metaAttributes = c.metaAttributes.filter((s) => s.pairs.length > 0 || s.rule || s.idRef !== undefined)
    }
    if (instanceAttributes.length > 0) c.instanceAttributes = instanceAttributes
    if (r.description !== undefined) c.description = r.description
    if (r.otherAttributes) c.otherAttributes = {...r.otherAttributes}
    if (r.otherElements) c.otherElements = [...r.otherElements]
    return c
  }

  resourceSet(s: ResourceSet): ResourceSet {
    const out: ResourceSet = {resources: [...s.resources]}
    if (this.strict) return {...s, resources: out.resources}
    const seq = s.sequential === undefined ? true : parseBoolean(s.sequential) ?? true
    const all = s.requireAll === undefined ? true : parseBoolean(s.requireAll) ?? true
    if (!seq) out.sequential = 'false'
    if (!all) out.requireAll = 'false'
    if (s.role !== undefined) out.role = normalizeRole(s.role)
    if (s.action !== undefined) out.action = s.action
    if (s.score !== undefined) out.score = normalizeScore(s.score)
    if (s.attributes) out.attributes = {...s.attributes}
    return out
  }

  constraint(c: Constraint): Constraint {
    const sets = c.resourceSets?.map((s) => this.resourceSet(s))
    const other = c.kind !== 'ticket' && c.otherAttributes ? {otherAttributes: {...c.otherAttributes}} : {}
    switch (c.kind) {
      case 'location': {
        const out: Constraint = {kind: 'location', id: c.id, rules: c.rules.map((r) => this.rule(r)), ...other}
        if (c.rsc !== undefined) out.rsc = c.rsc
        if (c.rscPattern !== undefined) out.rscPattern = c.rscPattern
        if (sets) out.resourceSets = sets
        if (c.role !== undefined) out.role = normalizeRole(c.role, this.strict)
        if (c.node !== undefined) out.node = c.node
        if (c.score !== undefined) out.score = this.strict ? c.score : normalizeScore(c.score)
        if (c.resourceDiscovery !== undefined) out.resourceDiscovery = c.resourceDiscovery
        return out
      }
      case 'colocation': {
        const out: Constraint = {kind: 'colocation', id: c.id, score: this.strict ? c.score : normalizeScore(c.score), ...other}
        if (c.rsc !== undefined) out.rsc = c.rsc
        if (c.withRsc !== undefined) out.withRsc = c.withRsc
        // rsc-role and with-rsc-role default to Started: saying so changes nothing.
        const rscRole = this.colocationRole(c.rscRole)
        const withRscRole = this.colocationRole(c.withRscRole)
        if (rscRole !== undefined) out.rscRole = rscRole
        if (withRscRole !== undefined) out.withRscRole = withRscRole
        if (c.nodeAttribute !== undefined) out.nodeAttribute = c.nodeAttribute
        if (sets) out.resourceSets = sets
        return out
      }
      case 'order': {
        const out: Constraint = {kind: 'order', id: c.id, ...other}
        if (c.first !== undefined) out.first = c.first
        if (c.then !== undefined) out.then = c.then
        if (c.firstAction !== undefined) out.firstAction = c.firstAction
        if (c.thenAction !== undefined) out.thenAction = c.thenAction
        if (this.strict) {
          if (c.orderKind !== undefined) out.orderKind = c.orderKind
          if (c.score !== undefined) out.score = c.score
        } else {
          // Pacemaker: a kind wins over a score; score 0 is Optional, any other is Mandatory, neither is Mandatory.
          const score = c.score === undefined ? undefined : Number.parseInt(normalizeScore(c.score).replace('INFINITY', '1000000'), 10)
          out.orderKind = c.orderKind ?? (score === 0 ? 'Optional' : 'Mandatory')
        }
        if (c.symmetrical !== undefined) out.symmetrical = normalizeValue('symmetrical', c.symmetrical, this.strict)
        if (c.requireAll !== undefined) out.requireAll = normalizeValue('require-all', c.requireAll, this.strict)
        if (sets) out.resourceSets = sets
        return out
      }
      case 'ticket': {
        const attributes: Record<string, string> = {}
        for (const k of Object.keys(c.attributes).sort()) attributes[k] = k === 'rsc-role' ? normalizeRole(c.attributes[k], this.strict)! : c.attributes[k]
        const out: Constraint = {kind: 'ticket', id: c.id, attributes}
        if (sets) out.resourceSets = sets
        return out
      }
    }
  }

  colocationRole(role: string | undefined): string | undefined {
    const r = normalizeRole(role, this.strict)
    return !this.strict && r === 'Started' ? undefined : r
  }

  node(n: Node): Node {
    const out: Node = {id: this.strict ? n.id : n.uname, uname: n.uname, instanceAttributes: this.sets(n.instanceAttributes), utilization: this.sets(n.utilization)}
    const type = this.strict ? n.type : n.type === 'normal' || n.type === 'member' ? undefined : n.type
    if (type !== undefined) out.type = type
    if (n.description !== undefined) out.description = n.description
    if (n.otherAttributes) out.otherAttributes = {...n.otherAttributes}
    if (n.otherElements) out.otherElements = [...n.otherElements]
    return out
  }
}

/** How an operation is identified: name, interval and role (`monitor 10s Promoted`). */
export function opKey(op: Operation): string {
  const role = op.attributes.role
  return `${op.name} ${op.interval}${role ? ` ${role}` : ''}`
}
