/**
 * Printer for the crm shell configuration language, in the layout of
 * `crm configure show` (crmsh 4.x): objects sorted by kind then id, one
 * statement per object, children on continuation lines indented by a tab.
 *
 * What crm syntax cannot say (location resource sets, nested rules,
 * attributes crmsh has no word for) is printed as an `xml …` statement,
 * which crmsh also reads, so nothing is lost.
 */
import type {Cib, Clone, Constraint, Group, Node, NvSet, Operation, Primitive, Resource, ResourceSet, Rule, RuleExpression} from '../cib/model.js'
import {printConfigElementXml, printDefaultsSetXml} from '../cib/xml.js'
import {isTrue} from '../cib/values.js'
import {quoteValue} from './tokenize.js'
import {walkConfiguration} from '../cib/walk.js'

/** Syntax roles, as crmsh's clidisplay names them; a renderer maps them to colours. */
export type CrmRole = 'keyword' | 'ident' | 'attrName' | 'attrValue' | 'rscref' | 'idref' | 'score'
export type CrmStyler = (role: CrmRole, text: string) => string

const plain: CrmStyler = (_role, text) => text

export interface PrintCrmOptions {
  style?: CrmStyler
}

/** crmsh's display order of object kinds. */
const KIND_ORDER: Record<string, number> = {node: 0, primitive: 1, group: 2, ms: 3, clone: 4, constraint: 5, rsc_ticket: 6, property: 7, rsc_defaults: 8, op_defaults: 9, xml: 10}

interface Entry {
  kind: string
  id: string
  text: string
}

export function printCrm(cib: Cib, options: PrintCrmOptions = {}): string {
  return new CrmPrinter(cib, options.style ?? plain).print()
}

class CrmPrinter {
  private readonly referenced = new Set<string>()

  constructor(
    readonly cib: Cib,
    readonly s: CrmStyler,
  ) {
    collectReferences(cib, this.referenced)
  }

  print(): string {
    const entries: Entry[] = []
    for (const n of this.cib.nodes) entries.push({kind: 'node', id: n.id, text: this.node(n)})
    for (const r of this.cib.resources) this.resource(r, entries)
    for (const c of this.cib.constraints) {
      const text = this.constraint(c)
      entries.push({kind: c.kind === 'ticket' ? 'rsc_ticket' : 'constraint', id: c.id, text})
    }
    const defaults: [string, NvSet[]][] = [
      ['property', this.cib.crmConfig],
      ['rsc_defaults', this.cib.rscDefaults],
      ['op_defaults', this.cib.opDefaults],
    ]
    for (const [kind, sets] of defaults) {
      sets.forEach((set, i) => entries.push({kind, id: set.id ?? String(i), text: this.defaultsSet(kind, set, i)}))
    }
    for (const raw of this.cib.otherSections) {
      if ((raw.parent ?? 'configuration') === 'cib') continue
      entries.push({kind: 'xml', id: raw.name, text: this.xmlStatement(raw.xml)})
    }
    entries.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    return entries.map((e) => e.text + '\n').join('')
  }

  // --- pieces ------------------------------------------------------------------

  kw(t: string): string {
    return this.s('keyword', t)
  }

  pair(name: string, value: string | undefined): string {
    if (value === undefined) return this.s('attrName', name)
    return `${this.s('attrName', name)}=${this.s('attrValue', quoteValue(value))}`
  }

  score(score: string): string {
    return this.s('score', `${crmScore(score)}:`)
  }

  /** Joins a head and its children the way crmsh does: ` \` + newline + tab. */
  join(lines: string[]): string {
    return lines.join(' \\\n\t')
  }

  xmlStatement(xml: string): string {
    const lines = xml.trimEnd().split('\n')
    return `${this.kw('xml')} ${lines.join(' \\\n')}`
  }

  /** `params [$id=X] [score:] [rule …] a=b c=d` — or undefined when crm syntax cannot say it. */
  nvset(keyword: string, set: NvSet): string | undefined {
    const parts = [this.kw(keyword)]
    if (set.idRef !== undefined) {
      if (set.pairs.length > 0 || set.rule) return undefined
      parts.push(this.pair('$id-ref', set.idRef))
      return parts.join(' ')
    }
    if (set.id !== undefined && this.referenced.has(set.id)) parts.push(this.pair('$id', set.id))
    if (set.score !== undefined) parts.push(this.score(set.score))
    if (set.rule) {
      const r = this.rule(set.rule, false)
      if (r === undefined) return undefined
      parts.push(`${this.kw('rule')} ${r}`)
    }
    // crmsh derives nvpair ids from names: a name that cannot be part of an id needs the xml form.
    if (set.pairs.some((p) => !/^[\w.-]+$/.test(p.name))) return undefined
    for (const p of set.pairs) parts.push(this.pair(p.name, p.value))
    return parts.join(' ')
  }

  nvsets(keyword: string, sets: NvSet[] | undefined, out: string[]): boolean {
    for (const set of sets ?? []) {
      const line = this.nvset(keyword, set)
      if (line === undefined) return false
      out.push(line)
    }
    return true
  }

  /** A rule body; undefined when it nests rules (crm syntax has no way to say that). */
  rule(rule: Rule, inLocation: boolean): string | undefined {
    const parts: string[] = []
    if (rule.otherElements) return undefined
    if (rule.idRef !== undefined) return rule.expressions.length === 0 ? this.pair('$id-ref', rule.idRef) : undefined
    if (rule.id !== undefined && this.referenced.has(rule.id)) parts.push(this.pair('$id', rule.id))
    if (rule.role !== undefined) parts.push(this.pair('$role', rule.role))
    if (rule.scoreAttribute !== undefined) {
      if (rule.score !== undefined) return undefined
      parts.push(this.s('score', `${rule.scoreAttribute}:`))
    } else if (rule.score !== undefined && !(inLocation && crmScore(rule.score) === 'inf')) parts.push(this.score(rule.score))
    else if (rule.score === undefined && inLocation) return undefined
    if (rule.expressions.length === 0) return undefined
    const exprs: string[] = []
    for (const e of rule.expressions) {
      const text = this.expression(e)
      if (text === undefined) return undefined
      exprs.push(text)
    }
    parts.push(exprs.join(` ${this.kw(rule.booleanOp ?? 'and')} `))
    return parts.join(' ')
  }

  expression(e: RuleExpression): string | undefined {
    if (e.kind === 'rule') return undefined
    if (e.kind === 'expression') {
      const op = e.type ? `${e.type}:${e.operation}` : e.operation
      const unary = e.operation === 'defined' || e.operation === 'not_defined'
      if (unary !== (e.value === undefined) || (unary && e.type)) return undefined
      if (unary) return `${this.kw(op)} ${this.s('attrName', e.attribute)}`
      if (e.value === undefined) return undefined
      const value = e.valueSource && e.valueSource !== 'literal' ? `${e.valueSource}{${e.value}}` : quoteValue(e.value)
      if (e.valueSource && e.valueSource !== 'literal' && !/^[\w.-]+$/.test(e.value)) return undefined
      return `${this.s('attrName', e.attribute)} ${this.kw(op)} ${this.s('attrValue', value)}`
    }
    const parts = [this.kw('date')]
    if (e.operation === 'lt' || e.operation === 'gt') {
      const v = e.operation === 'lt' ? e.end : e.start
      if (v === undefined) return undefined
      parts.push(this.kw(e.operation), this.s('attrValue', quoteValue(v)))
      return parts.join(' ')
    }
    if (e.operation !== 'in_range' && e.operation !== 'date_spec') return undefined
    parts.push(this.kw(e.operation === 'in_range' ? 'in' : 'spec'))
    if (e.start !== undefined) parts.push(this.pair('start', e.start))
    if (e.end !== undefined) parts.push(this.pair('end', e.end))
    const wanted = e.operation === 'in_range' ? 'duration' : 'date_spec'
    for (const [k, v] of Object.entries(e.attributes ?? {})) {
      const [child, name] = k.split('.', 2)
      if (child !== wanted || name === undefined) return undefined
      if (name === 'id') continue
      parts.push(this.pair(name, v))
    }
    return parts.join(' ')
  }

  // --- objects -----------------------------------------------------------------

  node(n: Node): string {
    let head = this.kw('node')
    // crmsh reads `<id>:` only for ids of word characters and dashes.
    if (n.id !== n.uname) head += /^[\w-]+$/.test(n.id) ? ` ${this.s('ident', n.id)}:` : ` ${this.pair('$id', n.id)}`
    head += ` ${this.s('ident', n.uname)}${n.type && n.type !== 'normal' ? `:${n.type}` : ''}`
    const lines = [head]
    if (n.description !== undefined) lines.push(this.pair('description', n.description))
    const ok = !n.otherAttributes && !n.otherElements && this.nvsets('attributes', n.instanceAttributes, lines) && this.nvsets('utilization', n.utilization, lines)
    if (!ok || !/^[\w.-]+$/.test(n.uname)) return this.xmlStatement(nodeXml(n))
    return this.join(lines)
  }

  resource(r: Resource, entries: Entry[]): void {
    const text = this.resourceText(r)
    if (text === undefined) {
      // crmsh sorts an xml statement with the objects of its kind.
      entries.push({kind: r.kind === 'clone' ? (r.legacyMaster ? 'ms' : 'clone') : r.kind, id: r.id, text: this.xmlStatement(printConfigElementXml(r))})
      return
    }
    entries.push({kind: r.kind === 'clone' ? (r.legacyMaster ? 'ms' : 'clone') : r.kind, id: r.id, text})
    if (r.kind === 'group') for (const c of r.children) this.resource(c, entries)
    if (r.kind === 'clone') this.resource(r.child, entries)
  }

  resourceText(r: Resource): string | undefined {
    if (r.kind === 'primitive') return this.primitive(r)
    if (r.kind === 'group') return this.container(r, 'group', r.children.map((c) => c.id))
    return this.container(r, r.legacyMaster ? 'ms' : 'clone', [r.child.id])
  }

  container(r: Group | Clone, keyword: string, children: string[]): string | undefined {
    if (r.otherAttributes || r.otherElements) return undefined
    const lines = [`${this.kw(keyword)} ${this.s('ident', r.id)} ${children.map((c) => this.s('rscref', c)).join(' ')}`]
    if (r.description !== undefined) lines.push(this.pair('description', r.description))
    if (!this.nvsets('meta', r.metaAttributes, lines)) return undefined
    if (!this.nvsets('params', r.instanceAttributes, lines)) return undefined
    return this.join(lines)
  }

  primitive(p: Primitive): string | undefined {
    const {template, ...other} = p.otherAttributes ?? {}
    if (Object.keys(other).length > 0 || p.otherElements) return undefined
    let spec: string
    if (template !== undefined) {
      if (p.class || p.type) return undefined
      spec = this.s('idref', `@${template}`)
    } else {
      if (!p.class || !p.type || (p.class === 'ocf' && !p.provider)) return undefined
      spec = [p.class, p.provider, p.type].filter((x) => x !== undefined).join(':')
    }
    const lines = [`${this.kw('primitive')} ${this.s('ident', p.id)} ${spec}`]
    if (p.description !== undefined) lines.push(this.pair('description', p.description))
    if (!this.nvsets('params', p.instanceAttributes, lines)) return undefined
    if (!this.nvsets('meta', p.metaAttributes, lines)) return undefined
    if (!this.nvsets('utilization', p.utilization, lines)) return undefined
    for (const op of p.operations) {
      const text = this.operation(op)
      if (text === undefined) return undefined
      lines.push(text)
    }
    return this.join(lines)
  }

  operation(op: Operation): string | undefined {
    if (op.otherElements) return undefined
    const parts = [`${this.kw('op')} ${op.name}`, this.pair('interval', op.interval)]
    for (const [k, v] of Object.entries(op.attributes)) {
      if (k === 'name' || k === 'interval' || k === 'id') continue
      parts.push(this.pair(k, v))
    }
    const [first, ...more] = op.instanceAttributes
    if (first) {
      if (first.idRef !== undefined || first.rule || first.score !== undefined) return undefined
      // Inline op parameters (OCF_CHECK_LEVEL=20) must not shadow op attributes.
      if (first.pairs.some((p) => p.value === undefined || ['id', 'name', 'interval', 'description', 'start-delay', 'interval-origin', 'timeout', 'enabled', 'record-pending', 'role', 'requires', 'on-fail'].includes(p.name))) return undefined
      for (const p of first.pairs) parts.push(this.pair(p.name, p.value))
    }
    for (const set of more) {
      const t = this.nvset('op_params', set)
      if (t === undefined) return undefined
      parts.push(t)
    }
    for (const set of op.metaAttributes) {
      const t = this.nvset('op_meta', set)
      if (t === undefined) return undefined
      parts.push(t)
    }
    return parts.join(' ')
  }

  constraint(c: Constraint): string {
    const text = this.constraintText(c)
    return text ?? this.xmlStatement(printConfigElementXml(c))
  }

  constraintText(c: Constraint): string | undefined {
    switch (c.kind) {
      case 'location': {
        if (c.otherAttributes || c.resourceSets || (c.rsc === undefined) === (c.rscPattern === undefined)) return undefined
        let head = `${this.kw('location')} ${this.s('ident', c.id)} ${c.rsc !== undefined ? this.s('rscref', c.rsc) : `/${c.rscPattern}/`}`
        if (/\s/.test(c.rscPattern ?? '')) return undefined
        if (c.role !== undefined) head += ` ${this.pair('role', c.role)}`
        if (c.resourceDiscovery !== undefined) head += ` ${this.pair('resource-discovery', c.resourceDiscovery)}`
        if (c.rules.length === 0) {
          if (c.node === undefined || c.score === undefined) return undefined
          return `${head} ${this.score(c.score)} ${this.s('ident', c.node)}`
        }
        if (c.node !== undefined || c.score !== undefined) return undefined
        const lines = [head]
        for (const r of c.rules) {
          const text = this.rule(r, true)
          if (text === undefined) return undefined
          lines.push(`${this.kw('rule')} ${text}`)
        }
        return this.join(lines)
      }
      case 'colocation': {
        if (!c.score) return undefined
        const {...rest} = c.otherAttributes ?? {}
        if (Object.keys(rest).length > 0) return undefined
        let body: string | undefined
        if (c.resourceSets) {
          if (c.rsc !== undefined || c.withRsc !== undefined) return undefined
          body = this.sets(c.resourceSets, 'colocation')
        } else {
          if (c.rsc === undefined || c.withRsc === undefined) return undefined
          body = `${this.rscQual(c.rsc, c.rscRole)} ${this.rscQual(c.withRsc, c.withRscRole)}`
        }
        if (body === undefined) return undefined
        const tail = c.nodeAttribute !== undefined ? ` ${this.pair('node-attribute', c.nodeAttribute)}` : ''
        return `${this.kw('colocation')} ${this.s('ident', c.id)} ${this.score(c.score)} ${body}${tail}`
      }
      case 'order': {
        // crmsh turns require-all on a plain order into a resource set: keep the XML form.
        if (c.otherAttributes || c.requireAll !== undefined || (c.orderKind !== undefined && c.score !== undefined)) return undefined
        let body: string | undefined
        if (c.resourceSets) {
          if (c.first !== undefined || c.then !== undefined) return undefined
          body = this.sets(c.resourceSets, 'order')
        } else {
          if (c.first === undefined || c.then === undefined) return undefined
          body = `${this.rscQual(c.first, c.firstAction)} ${this.rscQual(c.then, c.thenAction)}`
        }
        if (body === undefined) return undefined
        let head = `${this.kw('order')} ${this.s('ident', c.id)}`
        if (c.orderKind !== undefined) head += ` ${this.s('score', `${c.orderKind}:`)}`
        else if (c.score !== undefined) head += ` ${this.score(c.score)}`
        let tail = ''
        if (c.symmetrical !== undefined) tail += ` ${this.pair('symmetrical', c.symmetrical)}`
        if (c.requireAll !== undefined) tail += ` ${this.pair('require-all', c.requireAll)}`
        return `${head} ${body}${tail}`
      }
      case 'ticket': {
        const {ticket, rsc, 'rsc-role': role, ...rest} = c.attributes
        if (ticket === undefined || !/^[\w.-]+$/.test(ticket)) return undefined
        let body: string | undefined
        if (c.resourceSets) {
          if (rsc !== undefined) return undefined
          body = this.sets(c.resourceSets, 'ticket')
        } else {
          if (rsc === undefined) return undefined
          body = this.rscQual(rsc, role)
        }
        if (body === undefined) return undefined
        const tail = Object.entries(rest)
          .map(([k, v]) => ` ${this.pair(k, v)}`)
          .join('')
        return `${this.kw('rsc_ticket')} ${this.s('ident', c.id)} ${this.s('score', `${ticket}:`)} ${body}${tail}`
      }
    }
  }

  rscQual(rsc: string, qual: string | undefined): string {
    return qual === undefined ? this.s('rscref', rsc) : `${this.s('rscref', rsc)}:${qual}`
  }

  /** Resource sets as crmsh writes them: `( a b )` not sequential, `[ a b ]` not require-all, bare otherwise. */
  sets(sets: ResourceSet[], kind: 'colocation' | 'order' | 'ticket'): string | undefined {
    const out: string[] = []
    let previousPlain = false
    let count = 0
    for (const set of sets) {
      if (set.score !== undefined || set.attributes || set.resources.length === 0) return undefined
      const qual = kind === 'order' ? set.action : set.role
      if (kind === 'order' ? set.role !== undefined : set.action !== undefined) return undefined
      const seq = set.sequential === undefined ? undefined : isTrue(set.sequential)
      const all = set.requireAll === undefined ? undefined : isTrue(set.requireAll, true)
      const refs = set.resources.map((r) => this.rscQual(r, qual))
      count += refs.length
      if (all === false) {
        out.push('[', ...refs)
        if (seq !== false) out.push(this.pair('sequential', 'true'))
        out.push(']')
        previousPlain = false
      } else if (seq === false) {
        out.push('(', ...refs)
        if (set.requireAll !== undefined) out.push(this.pair('require-all', set.requireAll))
        out.push(')')
        previousPlain = false
      } else {
        // Two bare sets in a row would read back as one.
        if (previousPlain) return undefined
        // An explicit sequential=true / require-all=true is the default; crmsh prints such a set bare too.
        if (!(seq ?? true) || !(all ?? true)) return undefined
        out.push(...refs)
        previousPlain = true
      }
    }
    const single = sets.length === 1 && previousPlain
    if (single && count <= (kind === 'ticket' ? 1 : 2)) out.unshift('_rsc_set_')
    return out.join(' ')
  }

  defaultsSet(keyword: string, set: NvSet, index: number): string {
    const id = set.id ?? (keyword === 'property' ? 'cib-bootstrap-options' : keyword === 'rsc_defaults' ? 'rsc-options' : 'op-options') + (index > 0 ? `-${index}` : '')
    let head = /^[\w-]+$/.test(id) ? `${this.kw(keyword)} ${this.s('ident', id)}:` : `${this.kw(keyword)} ${this.pair('$id', id)}`
    if (set.idRef !== undefined) head += ` ${this.pair('$id-ref', set.idRef)}`
    if (set.score !== undefined) head += ` ${this.score(set.score)}`
    if (set.rule) {
      const r = this.rule(set.rule, false)
      if (r === undefined) {
        const section = keyword === 'property' ? 'crm_config' : keyword
        return this.xmlStatement(printDefaultsSetXml(section as 'crm_config', set, id))
      }
      head += ` ${this.kw('rule')} ${r}`
    }
    if (set.pairs.some((p) => !/^[\w.-]+$/.test(p.name))) {
      return this.xmlStatement(printDefaultsSetXml((keyword === 'property' ? 'crm_config' : keyword) as 'crm_config', set, id))
    }
    return this.join([head, ...set.pairs.map((p) => this.pair(p.name, p.value))])
  }
}

function nodeXml(n: Node): string {
  const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')
  const attrs = {id: n.id, uname: n.uname, type: n.type, description: n.description, ...n.otherAttributes}
  const text = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(v!)}"`)
    .join('')
  const pairs = (el: string, sets: NvSet[], base: string) =>
    sets
      .map((s, i) => `  <${el} id="${esc(s.id ?? `${base}${i ? `-${i}` : ''}`)}">\n${s.pairs.map((p) => `    <nvpair id="${esc(p.id ?? `${s.id ?? base}-${p.name}`)}" name="${esc(p.name)}"${p.value === undefined ? '' : ` value="${esc(p.value)}"`}/>\n`).join('')}  </${el}>\n`)
      .join('')
  const body = pairs('instance_attributes', n.instanceAttributes, `nodes-${n.id}`) + pairs('utilization', n.utilization, `nodes-${n.id}-utilization`)
  return body ? `<node${text}>\n${body}</node>` : `<node${text}/>`
}

/** INFINITY → inf, -INFINITY → -inf, as crmsh prints scores. */
export function crmScore(score: string): string {
  const m = /^([+-]?)INFINITY$/i.exec(score.trim())
  if (m) return m[1] === '-' ? '-inf' : 'inf'
  return score
}

function collectReferences(cib: Cib, out: Set<string>): void {
  walkConfiguration(cib, {
    nvsets(list) {
      for (const s of list) if (s.idRef) out.add(s.idRef)
    },
    rule(r) {
      if (r.idRef) out.add(r.idRef)
    },
  })
}
