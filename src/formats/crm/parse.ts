/**
 * Reader for the crm shell configuration language (crmsh 4.x): the text of
 * `crm configure show`, and what `crm configure load update FILE` accepts.
 *
 * Supported statements: node, primitive, group, clone, ms, location,
 * colocation (collocation), order, rsc_ticket, property, rsc_defaults,
 * op_defaults, xml. Anything else is refused with file:line:col.
 */
import {UserError} from '../../core/errors.js'
import {emptyCib} from '../cib/model.js'
import type {
  Cib,
  Clone,
  Constraint,
  Group,
  LocationConstraint,
  Node,
  NvSet,
  Operation,
  Primitive,
  Resource,
  ResourceSet,
  Rule,
  RuleExpression,
} from '../cib/model.js'
import {parseXmlTree, readXmlFragment} from '../cib/xml.js'
import {tokenize, type Statement, type Token} from './tokenize.js'
import {didYouMean} from '../../lint/suggest.js'

/** XML attributes of <op>; any other `name=value` after `op` is an op instance attribute (OCF_CHECK_LEVEL). */
const OP_ATTRIBUTES = new Set(['id', 'name', 'interval', 'description', 'start-delay', 'interval-origin', 'timeout', 'enabled', 'record-pending', 'role', 'requires', 'on-fail'])
const SET_KEYWORDS: Record<string, 'instanceAttributes' | 'metaAttributes' | 'utilization'> = {
  params: 'instanceAttributes',
  instance_attributes: 'instanceAttributes',
  attributes: 'instanceAttributes',
  meta: 'metaAttributes',
  meta_attributes: 'metaAttributes',
  utilization: 'utilization',
}
/** Words that end a list of name=value pairs. */
const RESERVED = new Set(['params', 'instance_attributes', 'attributes', 'meta', 'meta_attributes', 'utilization', 'op', 'operations', 'op_params', 'op_meta', 'rule', 'description', 'and', 'or'])
const BINARY_OPS = new Set(['lt', 'gt', 'lte', 'gte', 'eq', 'ne'])
const UNARY_OPS = new Set(['defined', 'not_defined'])
const ORDER_KINDS = new Set(['mandatory', 'optional', 'serialize'])

/** The statements statement() reads (a misspelt one gets a did-you-mean). */
const CRM_STATEMENTS = ['node', 'primitive', 'group', 'clone', 'ms', 'master', 'location', 'colocation', 'collocation', 'order', 'rsc_ticket', 'property', 'rsc_defaults', 'op_defaults', 'xml']

/** A crm configuration parsed into the model (no status section). */
export function parseCrm(text: string, file: string): Cib {
  return new CrmParser(file).parse(text)
}

class Cursor {
  i = 0
  constructor(
    readonly tokens: Token[],
    readonly parser: CrmParser,
    readonly stmt: Statement,
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset]
  }

  done(): boolean {
    return this.i >= this.tokens.length
  }

  next(what: string): Token {
    const t = this.tokens[this.i]
    if (!t) {
      const last = this.tokens[this.tokens.length - 1]
      this.parser.fail(last, `expected ${what} after "${last.text}"`, last.text.length + 1)
    }
    this.i++
    return t
  }

  /** The next token if it is `name=value` with the given name. */
  option(name: string): string | undefined {
    const t = this.peek()
    if (t && t.eq > 0 && t.text.slice(0, t.eq) === name) {
      this.i++
      return t.text.slice(t.eq + 1)
    }
    return undefined
  }
}

class CrmParser {
  private readonly cib = emptyCib()
  /** Resources in statement order; groups and clones take their children out of it. */
  private readonly resources = new Map<string, {resource: Resource; token: Token}>()
  private readonly members: {parent: Group | Clone; ids: Token[]}[] = []

  constructor(readonly file: string) {}

  fail(token: Token | undefined, message: string, columnOffset = 0): never {
    // One line: a quoted token can span lines.
    throw new UserError(message.replace(/\r?\n/g, '\\n'), 2, {file: this.file, line: token?.line ?? 1, column: (token?.column ?? 1) + columnOffset})
  }

  parse(text: string): Cib {
    this.cib.attributes = {}
    for (const stmt of tokenize(text, this.file)) this.statement(stmt)
    this.resolveMembers()
    this.cib.resources = [...this.resources.values()].map((r) => r.resource)
    return this.cib
  }

  statement(stmt: Statement): void {
    const c = new Cursor(stmt.tokens, this, stmt)
    const head = c.next('a statement')
    switch (head.text) {
      case 'node':
        return this.node(c)
      case 'primitive':
        return this.addResource(this.primitive(c), stmt.tokens[1])
      case 'group':
        return this.group(c)
      case 'clone':
      case 'ms':
      case 'master':
        return this.clone(c, head.text !== 'clone')
      case 'location':
        return this.location(c)
      case 'colocation':
      case 'collocation':
        return this.colocation(c)
      case 'order':
        return this.order(c)
      case 'rsc_ticket':
        return this.ticket(c)
      case 'property':
        return this.defaults(c, this.cib.crmConfig, 'cib-bootstrap-options')
      case 'rsc_defaults':
        return this.defaults(c, this.cib.rscDefaults, 'rsc-options')
      case 'op_defaults':
        return this.defaults(c, this.cib.opDefaults, 'op-options')
      case 'xml':
        return this.xml(stmt, head)
      default:
        this.fail(head, `crm statement "${head.text}" is not supported${didYouMean(head.text, CRM_STATEMENTS)}`)
    }
  }

  // --- helpers -------------------------------------------------------------

  id(c: Cursor, what: string): Token {
    const t = c.next(what)
    if (t.eq >= 0 || t.text.length === 0) this.fail(t, `expected ${what}, found "${t.text}"`)
    return t
  }

  /** `name=value` pairs until the first token that is not one. */
  pairs(c: Cursor, set: NvSet): void {
    for (let t = c.peek(); t; t = c.peek()) {
      if (t.eq > 0) set.pairs.push({name: t.text.slice(0, t.eq), value: t.text.slice(t.eq + 1)})
      // A bare name is an nvpair without a value (crmsh prints them so).
      else if (!t.quoted && /^[A-Za-z_][\w.-]*$/.test(t.text) && !RESERVED.has(t.text)) set.pairs.push({name: t.text})
      else break
      c.i++
    }
  }

  /** An attribute set after its keyword: [$id=X] [$id-ref=X] [score:] [rule …] name=value … */
  nvset(c: Cursor, setId?: string): NvSet {
    const set: NvSet = {pairs: []}
    if (setId !== undefined) set.id = setId
    for (;;) {
      const t = c.peek()
      if (!t) break
      if (t.text.startsWith('$id=')) {
        set.id = t.text.slice(4)
        c.i++
      } else if (t.text.startsWith('$id-ref=')) {
        set.idRef = t.text.slice(8)
        c.i++
      } else if (t.eq < 0 && t.text.endsWith(':') && !t.quoted && isCrmScore(t.text.slice(0, -1)) && !set.score) {
        set.score = scoreFromCrm(t.text.slice(0, -1))
        c.i++
      } else break
    }
    if (c.peek()?.text === 'rule') {
      c.i++
      set.rule = this.rule(c, false)
    }
    this.pairs(c, set)
    return set
  }

  /** A rule after `rule`: [$id=X] [$role=R] [score:] expression {and|or expression}. */
  rule(c: Cursor, inLocation: boolean): Rule {
    const rule: Rule = {expressions: []}
    for (;;) {
      const t = c.peek()
      if (t?.text.startsWith('$id=')) {
        rule.id = t.text.slice(4)
        c.i++
      } else if (t?.text.startsWith('$id-ref=')) {
        rule.idRef = t.text.slice(8)
        c.i++
        return rule
      } else if (t?.text.startsWith('$role=') || t?.text.startsWith('role=')) {
        rule.role = t.text.slice(t.eq + 1)
        c.i++
      } else break
    }
    const scoreTok = c.peek()
    if (scoreTok && scoreTok.eq < 0 && scoreTok.text.endsWith(':') && scoreTok.text.length > 1 && !scoreTok.quoted) {
      const s = scoreTok.text.slice(0, -1)
      if (isCrmScore(s)) rule.score = scoreFromCrm(s)
      else rule.scoreAttribute = s
      c.i++
    } else if (inLocation) {
      rule.score = 'INFINITY'
    }
    rule.expressions.push(this.expression(c))
    for (let t = c.peek(); t && (t.text === 'and' || t.text === 'or'); t = c.peek()) {
      const op = t.text
      if (rule.booleanOp && rule.booleanOp !== op) this.fail(t, 'a rule cannot mix "and" and "or"; write a second rule')
      rule.booleanOp = op
      c.i++
      rule.expressions.push(this.expression(c))
    }
    return rule
  }

  expression(c: Cursor): RuleExpression {
    const first = c.next('a rule expression')
    if (UNARY_OPS.has(first.text)) {
      return {kind: 'expression', attribute: c.next('an attribute name').text, operation: first.text}
    }
    if (first.text === 'date') return this.dateExpression(c)
    const opTok = c.next('a comparison (eq, ne, lt, lte, gt, gte)')
    let type: string | undefined
    let operation = opTok.text
    const colon = operation.indexOf(':')
    if (colon > 0) {
      type = operation.slice(0, colon)
      operation = operation.slice(colon + 1)
    }
    if (!BINARY_OPS.has(operation)) this.fail(opTok, `unknown comparison "${opTok.text}" in rule`)
    const valueTok = c.next('a value')
    const e: RuleExpression = {kind: 'expression', attribute: first.text, operation, value: valueTok.text}
    const source = /^(param|meta)\{(.*)\}$/.exec(valueTok.text)
    if (source && !valueTok.quoted) {
      e.valueSource = source[1]
      e.value = source[2]
    }
    if (type) e.type = type
    return e
  }

  dateExpression(c: Cursor): RuleExpression {
    const opTok = c.next('a date operation (lt, gt, in, spec)')
    const operation = opTok.text === 'in' ? 'in_range' : opTok.text === 'spec' ? 'date_spec' : opTok.text
    if (operation === 'lt' || operation === 'gt') {
      const v = c.next('a date').text
      return operation === 'lt' ? {kind: 'date_expression', operation, end: v} : {kind: 'date_expression', operation, start: v}
    }
    if (operation !== 'in_range' && operation !== 'date_spec') this.fail(opTok, `unknown date operation "${opTok.text}"`)
    const e: RuleExpression = {kind: 'date_expression', operation}
    const attributes: Record<string, string> = {}
    for (let t = c.peek(); t && t.eq > 0; t = c.peek()) {
      c.i++
      const name = t.text.slice(0, t.eq)
      const value = t.text.slice(t.eq + 1)
      if (operation === 'in_range' && name === 'start') e.start = value
      else if (operation === 'in_range' && name === 'end') e.end = value
      else attributes[`${operation === 'in_range' ? 'duration' : 'date_spec'}.${name}`] = value
    }
    if (Object.keys(attributes).length > 0) e.attributes = attributes
    return e
  }

  /** Trailing attribute sets of a resource: params/meta/utilization in any order. */
  resourceSets(c: Cursor, target: {instanceAttributes?: NvSet[]; metaAttributes: NvSet[]; utilization?: NvSet[]; description?: string}, allowed: string[]): void {
    while (!c.done()) {
      const t = c.peek()!
      const desc = c.option('description')
      if (desc !== undefined) {
        target.description = desc
        continue
      }
      const field = SET_KEYWORDS[t.text]
      if (!field || !allowed.includes(field)) return
      c.i++
      ;(target[field] ??= []).push(this.nvset(c))
    }
  }

  addResource(r: Resource, token: Token): void {
    if (this.resources.has(r.id)) this.fail(token, `resource "${r.id}" is defined twice`)
    this.resources.set(r.id, {resource: r, token})
  }

  // --- statements ------------------------------------------------------------

  node(c: Cursor): void {
    let id: string | undefined
    let t = c.next('a node name')
    if (t.text.startsWith('$id=')) {
      id = t.text.slice(4)
      t = c.next('a node name')
    } else if (t.text.endsWith(':') && t.eq < 0) {
      id = t.text.slice(0, -1)
      t = c.next('a node name')
    }
    let uname = t.text
    let type: string | undefined
    const colon = uname.indexOf(':')
    if (colon > 0) {
      type = uname.slice(colon + 1)
      uname = uname.slice(0, colon)
    }
    const node: Node = {id: id ?? uname, uname, instanceAttributes: [], utilization: []}
    if (type) node.type = type
    while (!c.done()) {
      const desc = c.option('description')
      if (desc !== undefined) {
        node.description = desc
        continue
      }
      const k = c.next('attributes or utilization')
      if (k.text === 'attributes') node.instanceAttributes.push(this.nvset(c))
      else if (k.text === 'utilization') node.utilization.push(this.nvset(c))
      else this.fail(k, `unexpected "${k.text}" in node (expected attributes or utilization)`)
    }
    this.cib.nodes.push(node)
  }

  primitive(c: Cursor): Primitive {
    const id = this.id(c, 'a resource id').text
    const specTok = c.next('a resource agent (class:provider:type)')
    const p: Primitive = {kind: 'primitive', id, class: '', type: '', instanceAttributes: [], metaAttributes: [], utilization: [], operations: []}
    if (specTok.text.startsWith('@')) {
      p.otherAttributes = {template: specTok.text.slice(1)}
    } else {
      const parts = specTok.text.split(':')
      if (parts.some((x) => x.length === 0) || parts.length > 3) this.fail(specTok, `bad resource agent "${specTok.text}" (expected class:provider:type)`)
      if (parts.length === 1) {
        // crmsh looks the agent up; the common case is an OCF heartbeat agent.
        p.class = 'ocf'
        p.provider = 'heartbeat'
        p.type = parts[0]
      } else if (parts.length === 2) {
        p.class = parts[0]
        p.type = parts[1]
      } else {
        p.class = parts[0]
        p.provider = parts[1]
        p.type = parts[2]
      }
      if (p.class === 'ocf' && !p.provider) this.fail(specTok, `OCF resource agent "${specTok.text}" needs a provider (ocf:provider:type)`)
    }
    while (!c.done()) {
      const t = c.peek()!
      const desc = c.option('description')
      if (desc !== undefined) {
        p.description = desc
        continue
      }
      if (SET_KEYWORDS[t.text] && t.text !== 'attributes') {
        c.i++
        p[SET_KEYWORDS[t.text]].push(this.nvset(c))
      } else if (t.text === 'operations') {
        // `operations $id=X`: the id of the <operations> element, which the model does not keep.
        c.i++
        c.option('$id')
      } else if (t.text === 'op') {
        c.i++
        p.operations.push(this.operation(c))
      } else {
        this.fail(t, `unexpected "${t.text}" in primitive ${id} (expected params, meta, utilization or op)`)
      }
    }
    return p
  }

  operation(c: Cursor): Operation {
    const nameTok = c.next('an operation name')
    if (nameTok.eq >= 0) this.fail(nameTok, `expected an operation name, found "${nameTok.text}"`)
    const op: Operation = {name: nameTok.text, interval: '', attributes: {}, instanceAttributes: [], metaAttributes: []}
    const params: NvSet = {pairs: []}
    for (let t = c.peek(); t; t = c.peek()) {
      if (t.eq > 0) {
        c.i++
        const name = t.text.slice(0, t.eq)
        const value = t.text.slice(t.eq + 1)
        if (name === 'interval') op.interval = value
        else if (name === 'id' || name === '$id') op.id = value
        else if (OP_ATTRIBUTES.has(name)) op.attributes[name] = value
        else params.pairs.push({name, value})
      } else if (t.text === 'op_params') {
        c.i++
        op.instanceAttributes.push(this.nvset(c))
      } else if (t.text === 'op_meta') {
        c.i++
        op.metaAttributes.push(this.nvset(c))
      } else break
    }
    if (op.interval === '') op.interval = '0s'
    if (params.pairs.length > 0) op.instanceAttributes.unshift(params)
    return op
  }

  group(c: Cursor): void {
    const idTok = this.id(c, 'a group id')
    const g: Group = {kind: 'group', id: idTok.text, metaAttributes: [], children: []}
    const ids: Token[] = []
    for (let t = c.peek(); t && t.eq < 0 && !SET_KEYWORDS[t.text]; t = c.peek()) ids.push(c.next('a resource'))
    if (ids.length === 0) this.fail(idTok, `group ${g.id} lists no resources`, idTok.text.length)
    this.resourceSets(c, g, ['metaAttributes', 'instanceAttributes'])
    if (!c.done()) this.fail(c.peek(), `unexpected "${c.peek()!.text}" in group ${g.id}`)
    this.members.push({parent: g, ids})
    this.addResource(g, idTok)
  }

  clone(c: Cursor, legacyMaster: boolean): void {
    const idTok = this.id(c, 'a clone id')
    const childTok = this.id(c, 'the resource to clone')
    const clone: Clone = {kind: 'clone', id: idTok.text, promotable: legacyMaster, legacyMaster, metaAttributes: [], child: placeholder(childTok.text)}
    this.resourceSets(c, clone, ['metaAttributes', 'instanceAttributes'])
    if (!c.done()) this.fail(c.peek(), `unexpected "${c.peek()!.text}" in ${legacyMaster ? 'ms' : 'clone'} ${clone.id}`)
    if (!legacyMaster) {
      clone.promotable = clone.metaAttributes.some((s) => s.pairs.some((p) => p.name === 'promotable' && /^(true|yes|on|y|1)$/i.test(p.value ?? '')))
    }
    this.members.push({parent: clone, ids: [childTok]})
    this.addResource(clone, idTok)
  }

  /** Groups and clones may name resources defined later: move the children in once all are read. */
  resolveMembers(): void {
    const take = (t: Token, parent: string): Resource => {
      const entry = this.resources.get(t.text)
      if (!entry) this.fail(t, `${parent} refers to resource "${t.text}", which is not defined`)
      this.resources.delete(t.text)
      return entry.resource
    }
    // Groups first: a clone may hold a group.
    for (const {parent, ids} of this.members.filter((m) => m.parent.kind === 'group')) {
      const g = parent as Group
      for (const t of ids) {
        const r = take(t, `group ${g.id}`)
        if (r.kind !== 'primitive') this.fail(t, `group ${g.id} can only hold primitives, "${t.text}" is a ${r.kind}`)
        g.children.push(r)
      }
    }
    for (const {parent, ids} of this.members.filter((m) => m.parent.kind === 'clone')) {
      const clone = parent as Clone
      const r = take(ids[0], `clone ${clone.id}`)
      if (r.kind === 'clone') this.fail(ids[0], `clone ${clone.id} cannot hold another clone ("${r.id}")`)
      clone.child = r
    }
  }

  location(c: Cursor): void {
    const id = this.id(c, 'a constraint id').text
    const rscTok = c.next('a resource')
    const loc: LocationConstraint = {kind: 'location', id, rules: []}
    if (rscTok.text.startsWith('/') && rscTok.text.endsWith('/') && rscTok.text.length > 1) loc.rscPattern = rscTok.text.slice(1, -1)
    else if (rscTok.text === '{' || rscTok.text === '(' || rscTok.text === '[') this.fail(rscTok, 'resource sets in location constraints are not supported in crm syntax; use an xml statement')
    else loc.rsc = rscTok.text
    for (;;) {
      const role = c.option('role')
      if (role !== undefined) {
        loc.role = role
        continue
      }
      const rd = c.option('resource-discovery')
      if (rd !== undefined) {
        loc.resourceDiscovery = rd
        continue
      }
      break
    }
    const t = c.next('a score and node, or a rule')
    if (t.text === 'rule') {
      loc.rules.push(this.rule(c, true))
      while (c.peek()?.text === 'rule') {
        c.i++
        loc.rules.push(this.rule(c, true))
      }
    } else {
      if (!t.text.endsWith(':') || !isCrmScore(t.text.slice(0, -1))) this.fail(t, `expected a score like "100:" or "inf:", found "${t.text}"`)
      loc.score = scoreFromCrm(t.text.slice(0, -1))
      loc.node = c.next('a node name').text
    }
    if (!c.done()) this.fail(c.peek(), `unexpected "${c.peek()!.text}" in location ${id}`)
    this.cib.constraints.push(loc)
  }

  /** Resources of a colocation/order/ticket, as a simple pair or as resource sets. */
  resourceList(c: Cursor, kind: 'colocation' | 'order' | 'ticket'): {simple?: {rsc: string; qual?: string}[]; sets?: ResourceSet[]; options: Record<string, string>} {
    const items: {rsc: string; qual?: string; set: number; tok: Token}[] = []
    const sets: {sequential?: string; requireAll?: string; bracket?: string}[] = [{}]
    const options: Record<string, string> = {}
    let forceSets = false
    let open: string | undefined
    for (let t = c.peek(); t; t = c.peek()) {
      c.i++
      if (t.text === '_rsc_set_') {
        forceSets = true
      } else if (t.text === '(' || t.text === '[') {
        if (open) this.fail(t, 'resource sets cannot be nested')
        open = t.text
        sets.push(t.text === '[' ? {requireAll: 'false', bracket: '['} : {sequential: 'false', bracket: '('})
      } else if (t.text === ')' || t.text === ']') {
        if (!open || (open === '(') !== (t.text === ')')) this.fail(t, `unbalanced "${t.text}"`)
        open = undefined
        sets.push({})
      } else if (t.eq > 0) {
        const name = t.text.slice(0, t.eq)
        const value = t.text.slice(t.eq + 1)
        if (open) {
          const s = sets[sets.length - 1]
          if (name === 'sequential') s.sequential = value
          else if (name === 'require-all') s.requireAll = value
          else this.fail(t, `unknown resource set option "${name}"`)
        } else options[name] = value
      } else {
        const colon = t.text.indexOf(':')
        items.push(colon > 0 ? {rsc: t.text.slice(0, colon), qual: t.text.slice(colon + 1), set: sets.length - 1, tok: t} : {rsc: t.text, set: sets.length - 1, tok: t})
      }
    }
    if (open) this.fail(c.tokens[c.tokens.length - 1], `missing closing "${open === '(' ? ')' : ']'}"`)
    if (items.length === 0) this.fail(c.tokens[c.tokens.length - 1], 'expected resources')
    const plain = !forceSets && items.every((i) => sets[i.set].bracket === undefined)
    if (plain && (kind === 'ticket' ? items.length === 1 : items.length === 2)) return {simple: items, options}
    // Consecutive resources with the same qualifier in the same bracket make one set.
    const result: ResourceSet[] = []
    let prev: {set: number; qual?: string} | undefined
    for (const item of items) {
      if (!prev || prev.set !== item.set || prev.qual !== item.qual) {
        const s: ResourceSet = {resources: []}
        const shape = sets[item.set]
        if (shape.sequential !== undefined) s.sequential = shape.sequential
        if (shape.requireAll !== undefined) s.requireAll = shape.requireAll
        if (item.qual !== undefined) {
          if (kind === 'order') s.action = item.qual
          else s.role = item.qual
        }
        result.push(s)
      }
      result[result.length - 1].resources.push(item.rsc)
      prev = item
    }
    return {sets: result, options}
  }

  colocation(c: Cursor): void {
    const id = this.id(c, 'a constraint id').text
    const scoreTok = c.next('a score')
    if (!scoreTok.text.endsWith(':') || !isCrmScore(scoreTok.text.slice(0, -1))) this.fail(scoreTok, `expected a score like "inf:", found "${scoreTok.text}"`)
    const list = this.resourceList(c, 'colocation')
    const con: Constraint = {kind: 'colocation', id, score: scoreFromCrm(scoreTok.text.slice(0, -1))}
    if (list.simple) {
      const [a, b] = list.simple
      con.rsc = a.rsc
      con.withRsc = b.rsc
      if (a.qual) con.rscRole = a.qual
      if (b.qual) con.withRscRole = b.qual
    } else con.resourceSets = list.sets
    const {'node-attribute': nodeAttribute, ...rest} = list.options
    if (nodeAttribute !== undefined) con.nodeAttribute = nodeAttribute
    if (Object.keys(rest).length > 0) con.otherAttributes = rest
    this.cib.constraints.push(con)
  }

  order(c: Cursor): void {
    const id = this.id(c, 'a constraint id').text
    const con: Constraint = {kind: 'order', id}
    const t = c.peek()
    if (t && t.eq < 0 && t.text.endsWith(':') && !t.quoted) {
      const s = t.text.slice(0, -1)
      if (ORDER_KINDS.has(s.toLowerCase())) con.orderKind = s[0].toUpperCase() + s.slice(1).toLowerCase()
      else if (isCrmScore(s)) con.score = scoreFromCrm(s)
      else this.fail(t, `expected Mandatory:, Optional:, Serialize: or a score, found "${t.text}"`)
      c.i++
    }
    const list = this.resourceList(c, 'order')
    if (list.simple) {
      const [a, b] = list.simple
      con.first = a.rsc
      con.then = b.rsc
      if (a.qual) con.firstAction = a.qual
      if (b.qual) con.thenAction = b.qual
    } else con.resourceSets = list.sets
    const {symmetrical, 'require-all': requireAll, ...rest} = list.options
    if (symmetrical !== undefined) con.symmetrical = symmetrical
    if (requireAll !== undefined) con.requireAll = requireAll
    if (Object.keys(rest).length > 0) con.otherAttributes = rest
    this.cib.constraints.push(con)
  }

  ticket(c: Cursor): void {
    const id = this.id(c, 'a constraint id').text
    const tk = c.next('ticket:')
    if (!tk.text.endsWith(':')) this.fail(tk, `expected "ticket:", found "${tk.text}"`)
    const list = this.resourceList(c, 'ticket')
    const con: Constraint = {kind: 'ticket', id, attributes: {ticket: tk.text.slice(0, -1), ...list.options}}
    if (list.simple) {
      con.attributes.rsc = list.simple[0].rsc
      if (list.simple[0].qual) con.attributes['rsc-role'] = list.simple[0].qual
    } else con.resourceSets = list.sets
    this.cib.constraints.push(con)
  }

  /** property / rsc_defaults / op_defaults: statements naming the same set (or none) merge into it. */
  defaults(c: Cursor, sets: NvSet[], defaultId: string): void {
    let setId: string | undefined
    const t = c.peek()
    if (t && t.eq < 0 && t.text.endsWith(':') && !t.quoted && t.text !== 'rule') {
      setId = t.text.slice(0, -1)
      c.i++
    }
    const set = this.nvset(c, setId)
    if (!c.done()) this.fail(c.peek(), `unexpected "${c.peek()!.text}" (expected name=value)`)
    set.id ??= defaultId
    const existing = sets.find((s) => s.id === set.id)
    if (existing && !set.rule && !existing.rule) {
      for (const p of set.pairs) {
        const old = existing.pairs.find((q) => q.name === p.name)
        if (old) old.value = p.value
        else existing.pairs.push(p)
      }
    } else sets.push(set)
  }

  xml(stmt: Statement, head: Token): void {
    const body = stmt.source.replace(/\\[ \t\r]*\n/g, '\n').replace(/^xml\b/, '')
    let tree
    try {
      tree = parseXmlTree(body, this.file)
    } catch (error) {
      this.fail(head, `bad xml statement: ${(error as Error).message.replace(/^[^:]*:\d+:\d+: /, '')}`)
    }
    let frag
    try {
      frag = readXmlFragment(tree, this.file)
    } catch (error) {
      if (!(error instanceof UserError)) throw error
      this.fail(head, `bad xml statement: ${error.message.replace(/^[^:]*:\d+:\d+: /, '')}`)
    }
    if (frag.kind === 'resource') this.addResource(frag.resource, head)
    else if (frag.kind === 'constraint') this.cib.constraints.push(frag.constraint)
    else if (frag.kind === 'node') this.cib.nodes.push(frag.node)
    else if (frag.kind === 'sets') this.cib[frag.section].push(...frag.sets)
    else this.cib.otherSections.push(frag.section)
  }
}

function placeholder(id: string): Primitive {
  return {kind: 'primitive', id, class: '', type: '', instanceAttributes: [], metaAttributes: [], utilization: [], operations: []}
}

/** inf, +inf, -inf, INFINITY spellings and integers. */
export function isCrmScore(s: string): boolean {
  return /^[+-]?(inf|infinity|\d+)$/i.test(s)
}

/** crm score spelling → CIB spelling: inf → INFINITY, -inf → -INFINITY. */
export function scoreFromCrm(s: string): string {
  const m = /^([+-]?)(inf|infinity)$/i.exec(s)
  if (m) return m[1] === '-' ? '-INFINITY' : 'INFINITY'
  return s
}
