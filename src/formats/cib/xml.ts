/**
 * CIB XML reader and writer.
 *
 * Reads what Pacemaker 1.0–2.1 write (ids, id-refs, rules, `<master>`,
 * resource sets, the status section). What the model has no field for is
 * kept (otherAttributes, RawSection) so a read → write round trip loses
 * nothing that matters to Pacemaker. The writer emits indented XML that
 * Pacemaker 2.1.5 accepts, filling in stable, readable ids where missing.
 */
import {XMLValidator} from 'fast-xml-parser'
import {UserError} from '../../core/errors.js'
import {walkConfiguration} from './walk.js'
import {emptyCib} from './model.js'
import type {
  Cib,
  Clone,
  ColocationConstraint,
  Constraint,
  Group,
  LocationConstraint,
  LrmOperation,
  LrmResource,
  Node,
  NodeState,
  NvPair,
  NvSet,
  Operation,
  OrderConstraint,
  Primitive,
  RawSection,
  Resource,
  ResourceSet,
  Rule,
  RuleExpression,
  TicketConstraint,
} from './model.js'

// ---------------------------------------------------------------------------
// A small element tree over fast-xml-parser's ordered output

export interface XmlElement {
  name: string
  attrs: Record<string, string>
  children: XmlElement[]
  /** Text content, when an element has any (descriptions, alert recipients…). */
  text?: string
  /** Comment text, for name === '#comment'. */
  comment?: string
}

/**
 * Parses XML into an element tree; malformed XML → UserError naming file:line:col.
 * A small scanner does the work (CIBs are plain elements and attributes, and
 * this is several times faster than a general parser on 5 000-resource CIBs);
 * when it finds a problem, fast-xml-parser's validator names it precisely.
 */
export function parseXmlTree(text: string, file: string): XmlElement {
  return scanXml(text, file)
}

function scanXml(text: string, file: string, memo?: CibReadMemo): XmlElement {
  try {
    return new XmlScanner(text, memo).document()
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error
    // The validator names most problems better; it knows nothing of our depth and character limits,
    // and for some input (an unterminated comment) it gives no column: then our scanner's verdict stands.
    const check = error.ours ? true : validateQuietly(text)
    if (check !== true && Number.isInteger(check.err.line) && Number.isInteger(check.err.col)) {
      const {line, col, msg} = check.err
      const open = unclosedElements(msg)
      if (open) {
        // the validator lists the elements still open at the end as a JSON array, at the first one's place
        const end = positionOf(text, text.trimEnd().length)
        const inside = open.length > 1 ? ` (inside ${open.slice(0, -1).join(' > ')})` : ''
        throw new UserError(`malformed XML: the file ends with <${open.at(-1)}> still open${inside}: is it cut short?`, 2, {file, ...end})
      }
      throw new UserError(`malformed XML: ${msg}`, 2, {file, line, column: col})
    }
    const {line, column} = positionOf(text, error.offset)
    throw new UserError(`malformed XML: ${error.message}`, 2, {file, line, column})
  }
}

/** The element names of fast-xml-parser's "Invalid '[ "cib", … ]' found." (elements left open), outermost first. */
function unclosedElements(message: string): string[] | undefined {
  const listed = /^Invalid '(\[.*\])' found\.$/s.exec(message)
  if (!listed) return undefined
  try {
    const names: unknown = JSON.parse(listed[1]!)
    return Array.isArray(names) && names.length > 0 && names.every((n) => typeof n === 'string') ? names : undefined
  } catch {
    return undefined
  }
}

/** fast-xml-parser's verdict; should it fail itself, our scanner's message stands. */
function validateQuietly(text: string): ReturnType<typeof XMLValidator.validate> {
  try {
    return XMLValidator.validate(text, {allowBooleanAttributes: false})
  } catch {
    return true
  }
}

class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    /** A limit of this reader rather than an XML syntax error: report it as is. */
    readonly ours = false,
  ) {
    super(message)
  }
}

/**
 * Elements nested deeper than this are refused, as libxml2 (which Pacemaker
 * uses) refuses more than 256 levels; a real CIB is about 10 deep. Keeps the
 * recursive reader, writer and printers far from the stack limit.
 */
export const MAX_XML_DEPTH = 256

/**
 * The source position of element `el` of the tree parsed from `text` (rooted at `root`), if it is
 * one of its elements. The scan records no positions (a status section has tens of thousands of
 * elements, and most reads name none): the text is scanned again, recording them, and the new
 * tree, which has the same shape, is walked alongside the old one to el's counterpart.
 */
export function elementPosition(text: string, root: XmlElement, el: XmlElement): {line: number; column: number} | undefined {
  const offsets = new Map<XmlElement, number>()
  let again: XmlElement
  try {
    again = new XmlScanner(text, undefined, offsets).document()
  } catch {
    return undefined
  }
  const find = (a: XmlElement, b: XmlElement): number | undefined => {
    if (a === el) return offsets.get(b)
    for (let i = 0; i < a.children.length && i < b.children.length; i++) {
      const found = find(a.children[i]!, b.children[i]!)
      if (found !== undefined) return found
    }
    return undefined
  }
  const offset = find(root, again)
  return offset === undefined ? undefined : positionOf(text, offset)
}

function positionOf(text: string, offset: number): {line: number; column: number} {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return {line, column: offset - before.lastIndexOf('\n')}
}

/**
 * What reading a CIB that keeps changing a little can reuse from the previous read: crm status's
 * live view reads the whole CIB again on every change, and mostly one resource's history changed.
 * The big repeated elements (resources, executor histories) of the last read are remembered in
 * document order with their place in its text; an element of the new text that is, character
 * for character, one of the next few remembered ones is neither scanned nor turned into a model
 * again: the read returns the same objects as before. So a CIB read with a memo shares objects
 * with the reads before and after it: only a reader that never changes what it gets may use one.
 * Comparing with the element expected next (equal lengths first) costs far less than hashing
 * every element's text; an element inserted, changed or removed only shifts the expectation.
 */
export class CibReadMemo {
  private static readonly NAMES = ['lrm_resource', 'primitive', 'group', 'clone', 'master']
  /** How far ahead of the expected element a match is looked for (elements removed in one change). */
  private static readonly LOOKAHEAD = 64
  /** The last successful read: its text and its remembered elements in document order. */
  private previous: {text: string; seen: Seen[]} = {text: '', seen: []}
  private text = ''
  private current: Seen[] = []
  /** Where in previous.seen the next element is expected. */
  private cursor = 0
  /** The model each remembered element was read as (primitive, group, clone or lrm_resource). */
  private readonly models = new WeakMap<XmlElement, unknown>()
  /** How many elements the last read took from the memo, and how many it had to read (for tests). */
  stats = {reused: 0, read: 0}

  /** The remembered element name that starts at `<` offset `at`, if any. */
  nameAt(text: string, at: number): string | undefined {
    const first = text.charCodeAt(at + 1)
    // l, p, g, c, m: cheap rejection of every other element
    if (first !== 108 && first !== 112 && first !== 103 && first !== 99 && first !== 109) return undefined
    for (const name of CibReadMemo.NAMES) {
      if (!text.startsWith(name, at + 1)) continue
      const after = text.charCodeAt(at + 1 + name.length)
      // a space, tab, CR, LF, '>' or '/' ends the name
      if (after === 32 || after === 9 || after === 10 || after === 13 || after === 62 || after === 47) return name
    }
    return undefined
  }

  /**
   * The element starting at `at` if the last read had the same text. Its text is taken up to the
   * first closing tag of its name: when that is not where the element really ends, the text
   * cannot equal a remembered element's, which always is one whole element.
   */
  recall(text: string, at: number, name: string): {el: XmlElement; end: number} | undefined {
    const close = `</${name}>`
    const closeAt = text.indexOf(close, at)
    if (closeAt < 0) return undefined
    const end = closeAt + close.length
    const {text: before, seen} = this.previous
    const last = Math.min(seen.length, this.cursor + CibReadMemo.LOOKAHEAD)
    let candidate: string | undefined
    for (let k = this.cursor; k < last; k++) {
      const s = seen[k]!
      if (s.end - s.at !== end - at || s.el === undefined) continue
      candidate ??= text.slice(at, end)
      if (candidate !== before.slice(s.at, s.end)) continue
      this.cursor = s.after
      this.current.push({at, end, el: s.el, after: this.current.length + 1})
      this.stats.reused++
      return {el: s.el, end}
    }
    return undefined
  }

  /** An element read anew: its place in document order now, completed by done() at its end. */
  open(at: number): Seen {
    const s: Seen = {at, end: at, after: 0}
    this.current.push(s)
    return s
  }

  done(s: Seen, end: number, el: XmlElement): void {
    s.end = end
    s.el = el
    s.after = this.current.length
    this.stats.read++
  }

  model<T>(el: XmlElement, read: (el: XmlElement) => T): T {
    const known = this.models.get(el)
    if (known !== undefined) return known as T
    const model = read(el)
    this.models.set(el, model)
    return model
  }

  begin(text: string): void {
    this.text = text
    this.current = []
    this.cursor = 0
    this.stats = {reused: 0, read: 0}
  }

  /** The read succeeded: what it met is what the next read may reuse. */
  commit(): void {
    this.previous = {text: this.text, seen: this.current}
    this.current = []
  }

  abandon(): void {
    this.current = []
  }
}

/** A remembered element: where it was in the text, and the index in document order after its own remembered descendants. */
interface Seen {
  at: number
  end: number
  el?: XmlElement
  after: number
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y
const SPACE_TO_TAG = /[ \t\r\n]*</y
function onlySpaceUntil(text: string, from: number, lt: number): boolean {
  SPACE_TO_TAG.lastIndex = from
  return SPACE_TO_TAG.test(text) && SPACE_TO_TAG.lastIndex === lt + 1
}
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 58 || c === 45 || c === 46
}
const ATTRIBUTE = /\s+([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y
const SPACE = /\s*/y
const NAMED_ENTITIES: Record<string, string> = {lt: '<', gt: '>', amp: '&', quot: '"', apos: "'"}

function decodeEntities(s: string, offset: number): string {
  if (!s.includes('&')) return s
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&/g, (m: string, e: string | undefined, at: number) => {
    if (e === undefined) throw new XmlSyntaxError('bare & (write &amp;)', offset + at)
    if (e[0] === '#') {
      const code = e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10)
      if (!isXmlChar(code)) throw new XmlSyntaxError(`character reference ${m} is not a character XML allows`, offset + at, true)
      return String.fromCodePoint(code)
    }
    const v = NAMED_ENTITIES[e]
    if (v === undefined) throw new XmlSyntaxError(`unknown entity &${e};`, offset + at)
    return v
  })
}

/** XML 1.0's Char production: what a character reference may name. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)
  )
}

class XmlScanner {
  i = 0
  depth = 0
  constructor(
    readonly text: string,
    readonly memo?: CibReadMemo,
    /** Where each element starts, when asked for (elementPosition). */
    readonly offsets?: Map<XmlElement, number>,
  ) {}

  fail(message: string, at = this.i): never {
    throw new XmlSyntaxError(message, at)
  }

  skipSpace(): void {
    const c = this.text.charCodeAt(this.i)
    // mostly a '>', '/' or name follows: no regex needed (\s is only ≤ 32 or ≥ 0xa0)
    if (c > 32 && c < 0xa0) return
    SPACE.lastIndex = this.i
    SPACE.exec(this.text)
    this.i = SPACE.lastIndex
  }

  document(): XmlElement {
    let root: XmlElement | undefined
    for (;;) {
      this.skipMisc()
      if (this.i >= this.text.length) break
      if (root) this.fail('content after the root element')
      if (this.text[this.i] !== '<') this.fail('text outside the root element')
      root = this.element()
    }
    if (!root) this.fail('no root element')
    return root
  }

  /** Whitespace, comments, processing instructions and a DOCTYPE around the root element. */
  skipMisc(): void {
    for (;;) {
      this.skipSpace()
      if (this.text.startsWith('\uFEFF', this.i)) this.i++
      else if (this.text.startsWith('<?', this.i)) this.skipTo('?>')
      else if (this.text.startsWith('<!--', this.i)) this.skipTo('-->')
      else if (this.text.startsWith('<!DOCTYPE', this.i)) this.skipTo('>')
      else return
    }
  }

  skipTo(end: string): string {
    const at = this.text.indexOf(end, this.i)
    if (at < 0) this.fail(`missing ${end}`)
    const body = this.text.slice(this.i, at)
    this.i = at + end.length
    return body
  }

  element(): XmlElement {
    const start = this.i
    if (++this.depth > MAX_XML_DEPTH) throw new XmlSyntaxError(`elements nested more than ${MAX_XML_DEPTH} deep`, start, true)
    const memoName = this.memo?.nameAt(this.text, start)
    if (memoName !== undefined) {
      const seen = this.memo!.recall(this.text, start, memoName)
      if (seen) {
        this.i = seen.end
        this.depth--
        return seen.el
      }
    }
    const seen = memoName !== undefined ? this.memo!.open(start) : undefined
    const el = this.elementBody(start)
    this.depth--
    this.offsets?.set(el, start)
    if (seen) this.memo!.done(seen, this.i, el)
    return el
  }

  elementBody(start: number): XmlElement {
    this.i++ // <
    NAME.lastIndex = this.i
    const m = NAME.exec(this.text)
    if (!m) this.fail('expected an element name')
    const name = m[0]
    this.i = NAME.lastIndex
    const attrs: Record<string, string> = {}
    for (;;) {
      ATTRIBUTE.lastIndex = this.i
      const a = ATTRIBUTE.exec(this.text)
      if (!a) break
      if (Object.hasOwn(attrs, a[1])) this.fail(`attribute ${a[1]} repeated`)
      const value = a[2] ?? a[3]
      attrs[a[1]] = decodeEntities(value, ATTRIBUTE.lastIndex - 1 - value.length)
      this.i = ATTRIBUTE.lastIndex
    }
    this.skipSpace()
    if (this.text.startsWith('/>', this.i)) {
      this.i += 2
      return {name, attrs, children: []}
    }
    if (this.text[this.i] !== '>') this.fail(`malformed tag <${name}>`)
    this.i++
    const children: XmlElement[] = []
    let text = ''
    for (;;) {
      const lt = this.text.indexOf('<', this.i)
      if (lt < 0) this.fail(`<${name}> is not closed`, start)
      // whitespace before any text is trimmed anyway: skip it without copying
      if (lt > this.i && (text !== '' || !onlySpaceUntil(this.text, this.i, lt))) text += decodeEntities(this.text.slice(this.i, lt), this.i)
      this.i = lt
      if (this.text.startsWith('</', lt)) {
        this.i = lt + 2
        if (!this.text.startsWith(name, this.i) || isNameChar(this.text.charCodeAt(this.i + name.length))) this.fail(`expected </${name}>`, lt)
        this.i += name.length
        this.skipSpace()
        if (this.text[this.i] !== '>') this.fail(`malformed closing tag </${name}>`)
        this.i++
        break
      }
      if (this.text.startsWith('<!--', lt)) {
        this.i += 4
        children.push({name: '#comment', attrs: {}, children: [], comment: this.skipTo('-->')})
      } else if (this.text.startsWith('<![CDATA[', lt)) {
        this.i += 9
        text += this.skipTo(']]>')
      } else if (this.text.startsWith('<?', lt)) {
        this.skipTo('?>')
      } else {
        children.push(this.element())
      }
    }
    const trimmed = text.trim()
    return trimmed ? {name, attrs, children, text: trimmed} : {name, attrs, children}
  }
}

/** Serialises an element tree (used for raw sections and by the writer). */
export function printXmlTree(el: XmlElement, indent = ''): string {
  if (el.name === '#comment') return `${indent}<!--${el.comment ?? ''}-->\n`
  const attrs = Object.entries(el.attrs)
    .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
    .join('')
  const kids = el.children.filter((c) => c.name !== '#comment' || c.comment !== undefined)
  if (kids.length === 0 && el.text === undefined) return `${indent}<${el.name}${attrs}/>\n`
  if (kids.length === 0) return `${indent}<${el.name}${attrs}>${escapeText(el.text ?? '')}</${el.name}>\n`
  let out = `${indent}<${el.name}${attrs}>\n`
  if (el.text !== undefined) out += `${indent}  ${escapeText(el.text)}\n`
  for (const c of kids) out += printXmlTree(c, indent + '  ')
  return out + `${indent}</${el.name}>\n`
}

const attrSpecial = /[&<>"\n\t]/

export function escapeAttr(v: string): string {
  if (!attrSpecial.test(v)) return v // most values: no copy
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;')
}

function escapeText(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

// ---------------------------------------------------------------------------
// Reading: element tree → model

class Reader {
  /** `text` is what the elements were parsed from, to name the line and column of a problem. */
  constructor(
    readonly file: string,
    readonly text?: string,
    readonly memo?: CibReadMemo,
  ) {}

  /** The tree being read (the root of the elements fail() names). */
  private root?: XmlElement

  /** A structural problem at element `el` (line 1, column 1 when its position is unknown). */
  fail(message: string, el?: XmlElement): never {
    const at = (el && this.text !== undefined && this.root && elementPosition(this.text, this.root, el)) || {line: 1, column: 1}
    throw new UserError(message, 2, {file: this.file, ...at})
  }

  need(el: XmlElement, attr: string): string {
    const v = el.attrs[attr]
    if (v === undefined) this.fail(`<${el.name}${el.attrs.id ? ` id="${el.attrs.id}"` : ''}> has no ${attr} attribute`, el)
    return v
  }

  cib(root: XmlElement): Cib {
    this.root = root
    if (root.name !== 'cib') this.fail(`root element is <${root.name}>, expected <cib>`, root)
    const cib: Cib = {...emptyCib(), attributes: {...root.attrs}}
    const configuration = elements(root).find((c) => c.name === 'configuration')
    if (!configuration) this.fail('<cib> has no <configuration> section', root)
    for (const child of elements(root)) {
      if (child.name === 'configuration') continue
      if (child.name === 'status') {
        cib.status = elements(child).filter((e) => e.name === 'node_state').map((e) => this.nodeState(e))
        // <tickets> and anything else the status may hold is kept verbatim
        const other = elements(child).filter((e) => e.name !== 'node_state').map((e) => raw(e, 'status'))
        if (other.length > 0) cib.statusSections = other
      }
      else cib.otherSections.push(raw(child, 'cib'))
    }
    for (const section of elements(configuration)) {
      switch (section.name) {
        case 'crm_config':
          cib.crmConfig = elements(section).map((e) => this.nvset(e))
          break
        case 'nodes':
          cib.nodes = elements(section).filter((e) => e.name === 'node').map((e) => this.node(e))
          break
        case 'resources':
          for (const e of elements(section)) {
            if (isResourceElement(e.name)) cib.resources.push(this.resource(e))
            // a bundle's place among the resources decides its order for the scheduler
            else cib.otherSections.push({...raw(e, 'resources'), position: cib.resources.length})
          }
          break
        case 'constraints':
          for (const e of elements(section)) {
            const c = this.constraint(e)
            if (c) cib.constraints.push(c)
            else cib.otherSections.push(raw(e, 'constraints'))
          }
          break
        case 'rsc_defaults':
          cib.rscDefaults = elements(section).map((e) => this.nvset(e))
          break
        case 'op_defaults':
          cib.opDefaults = elements(section).map((e) => this.nvset(e))
          break
        default:
          cib.otherSections.push(raw(section, 'configuration'))
      }
    }
    return cib
  }

  nvset(el: XmlElement): NvSet {
    const set: NvSet = {pairs: []}
    if (el.attrs.id !== undefined) set.id = el.attrs.id
    if (el.attrs['id-ref'] !== undefined) set.idRef = el.attrs['id-ref']
    if (el.attrs.score !== undefined) set.score = el.attrs.score
    for (const c of elements(el)) {
      if (c.name === 'nvpair') {
        const pair: NvPair = {name: c.attrs.name ?? c.attrs['id-ref'] ?? this.need(c, 'name')}
        if (c.attrs.id !== undefined) pair.id = c.attrs.id
        if (c.attrs.value !== undefined) pair.value = c.attrs.value
        set.pairs.push(pair)
      } else if (c.name === 'rule') {
        set.rule = this.rule(c)
      } else if (c.name === 'attributes') {
        // Pacemaker 0.6 wrapped nvpairs in <attributes>: read them as direct children.
        const inner = this.nvset({...c, name: el.name, attrs: {}})
        set.pairs.push(...inner.pairs)
      } else {
        this.fail(`unsupported element <${c.name}> in <${el.name}${el.attrs.id ? ` id="${el.attrs.id}"` : ''}>`, c)
      }
    }
    return set
  }

  rule(el: XmlElement): Rule {
    const rule: Rule = {expressions: []}
    const a = el.attrs
    if (a.id !== undefined) rule.id = a.id
    if (a['id-ref'] !== undefined) rule.idRef = a['id-ref']
    if (a.score !== undefined) rule.score = a.score
    if (a['score-attribute'] !== undefined) rule.scoreAttribute = a['score-attribute']
    if (a['boolean-op'] !== undefined) rule.booleanOp = a['boolean-op'] === 'or' ? 'or' : 'and'
    if (a.role !== undefined) rule.role = a.role
    for (const c of elements(el)) {
      if (c.name === 'expression' || c.name === 'date_expression' || c.name === 'rule') rule.expressions.push(this.expression(c))
      else (rule.otherElements ??= []).push(printXmlTree(c).trimEnd())
    }
    return rule
  }

  expression(el: XmlElement): RuleExpression {
    const a = el.attrs
    if (el.name === 'expression') {
      const e: RuleExpression = {kind: 'expression', attribute: this.need(el, 'attribute'), operation: this.need(el, 'operation')}
      if (a.id !== undefined) e.id = a.id
      if (a.value !== undefined) e.value = a.value
      if (a.type !== undefined) e.type = a.type
      if (a['value-source'] !== undefined) e.valueSource = a['value-source']
      return e
    }
    if (el.name === 'date_expression') {
      const e: RuleExpression = {kind: 'date_expression', operation: this.need(el, 'operation')}
      if (a.id !== undefined) e.id = a.id
      if (a.start !== undefined) e.start = a.start
      if (a.end !== undefined) e.end = a.end
      const extra: Record<string, string> = {}
      for (const c of elements(el)) for (const [k, v] of Object.entries(c.attrs)) extra[`${c.name}.${k}`] = v
      if (Object.keys(extra).length > 0) e.attributes = extra
      return e
    }
    if (el.name === 'rule') return {kind: 'rule', rule: this.rule(el)}
    this.fail(`unsupported rule element <${el.name}>`, el)
  }

  operation(el: XmlElement): Operation {
    const {id, name, interval, ...rest} = el.attrs
    const op: Operation = {
      name: name ?? this.need(el, 'name'),
      interval: interval ?? this.need(el, 'interval'),
      attributes: rest,
      instanceAttributes: [],
      metaAttributes: [],
    }
    if (id !== undefined) op.id = id
    for (const c of elements(el)) {
      if (c.name === 'instance_attributes') op.instanceAttributes.push(this.nvset(c))
      else if (c.name === 'meta_attributes') op.metaAttributes.push(this.nvset(c))
      else (op.otherElements ??= []).push(printXmlTree(c).trimEnd())
    }
    return op
  }

  resource(el: XmlElement): Resource {
    if (el.name === 'primitive') return this.primitive(el)
    if (el.name === 'group') return this.group(el)
    return this.clone(el)
  }

  primitive(el: XmlElement): Primitive {
    return this.memo ? this.memo.model(el, (e) => this.primitiveRead(e)) : this.primitiveRead(el)
  }

  primitiveRead(el: XmlElement): Primitive {
    const {id, class: cls, provider, type, description, ...rest} = el.attrs
    const p: Primitive = {
      kind: 'primitive',
      id: id ?? this.need(el, 'id'),
      class: cls ?? (rest.template ? '' : this.need(el, 'class')),
      type: type ?? (rest.template ? '' : this.need(el, 'type')),
      instanceAttributes: [],
      metaAttributes: [],
      utilization: [],
      operations: [],
    }
    if (provider !== undefined) p.provider = provider
    if (description !== undefined) p.description = description
    if (Object.keys(rest).length > 0) p.otherAttributes = rest
    for (const c of elements(el)) {
      if (c.name === 'instance_attributes') p.instanceAttributes.push(this.nvset(c))
      else if (c.name === 'meta_attributes') p.metaAttributes.push(this.nvset(c))
      else if (c.name === 'utilization') p.utilization.push(this.nvset(c))
      else if (c.name === 'operations') {
        if (c.attrs['id-ref'] !== undefined) p.operationsRef = c.attrs['id-ref']
        if (c.attrs.id !== undefined) p.operationsId = c.attrs.id
        p.operations.push(...elements(c).filter((o) => o.name === 'op').map((o) => this.operation(o)))
      }
      else (p.otherElements ??= []).push(printXmlTree(c).trimEnd())
    }
    return p
  }

  group(el: XmlElement): Group {
    return this.memo ? this.memo.model(el, (e) => this.groupRead(e)) : this.groupRead(el)
  }

  groupRead(el: XmlElement): Group {
    const {id, description, ...rest} = el.attrs
    const g: Group = {kind: 'group', id: id ?? this.need(el, 'id'), metaAttributes: [], children: []}
    if (description !== undefined) g.description = description
    if (Object.keys(rest).length > 0) g.otherAttributes = rest
    for (const c of elements(el)) {
      if (c.name === 'primitive') g.children.push(this.primitive(c))
      else if (c.name === 'meta_attributes') g.metaAttributes.push(this.nvset(c))
      else if (c.name === 'instance_attributes') (g.instanceAttributes ??= []).push(this.nvset(c))
      else (g.otherElements ??= []).push(printXmlTree(c).trimEnd())
    }
    return g
  }

  clone(el: XmlElement): Clone {
    return this.memo ? this.memo.model(el, (e) => this.cloneRead(e)) : this.cloneRead(el)
  }

  cloneRead(el: XmlElement): Clone {
    const {id, description, ...rest} = el.attrs
    const metaAttributes: NvSet[] = []
    const instanceAttributes: NvSet[] = []
    let child: Primitive | Group | undefined
    const otherElements: string[] = []
    for (const c of elements(el)) {
      if (c.name === 'primitive') child = this.primitive(c)
      else if (c.name === 'group') child = this.group(c)
      else if (c.name === 'meta_attributes') metaAttributes.push(this.nvset(c))
      else if (c.name === 'instance_attributes') instanceAttributes.push(this.nvset(c))
      else otherElements.push(printXmlTree(c).trimEnd())
    }
    if (!child) this.fail(`<${el.name} id="${id}"> has no primitive or group inside`, el)
    const legacyMaster = el.name === 'master'
    const promotable = legacyMaster || metaAttributes.some((s) => s.pairs.some((p) => p.name === 'promotable' && isTrueValue(p.value)))
    const clone: Clone = {kind: 'clone', id: id ?? this.need(el, 'id'), promotable, legacyMaster, metaAttributes, child}
    if (instanceAttributes.length > 0) clone.instanceAttributes = instanceAttributes
    if (otherElements.length > 0) clone.otherElements = otherElements
    if (description !== undefined) clone.description = description
    if (Object.keys(rest).length > 0) clone.otherAttributes = rest
    return clone
  }

  resourceSet(el: XmlElement): ResourceSet {
    const {id, sequential, 'require-all': requireAll, role, action, score, ...rest} = el.attrs
    const set: ResourceSet = {resources: elements(el).filter((r) => r.name === 'resource_ref').map((r) => this.need(r, 'id'))}
    if (id !== undefined) set.id = id
    if (sequential !== undefined) set.sequential = sequential
    if (requireAll !== undefined) set.requireAll = requireAll
    if (role !== undefined) set.role = role
    if (action !== undefined) set.action = action
    if (score !== undefined) set.score = score
    if (Object.keys(rest).length > 0) set.attributes = rest
    return set
  }

  sets(el: XmlElement): ResourceSet[] | undefined {
    const sets = elements(el).filter((c) => c.name === 'resource_set').map((c) => this.resourceSet(c))
    return sets.length > 0 ? sets : undefined
  }

  constraint(el: XmlElement): Constraint | undefined {
    const id = this.need(el, 'id')
    if (el.name === 'rsc_location') {
      const {id: _id, rsc, 'rsc-pattern': rscPattern, role, node, score, 'resource-discovery': rd, ...rest} = el.attrs
      const c: LocationConstraint = {kind: 'location', id, rules: elements(el).filter((r) => r.name === 'rule').map((r) => this.rule(r))}
      if (rsc !== undefined) c.rsc = rsc
      if (rscPattern !== undefined) c.rscPattern = rscPattern
      const sets = this.sets(el)
      if (sets) c.resourceSets = sets
      if (role !== undefined) c.role = role
      if (node !== undefined) c.node = node
      if (score !== undefined) c.score = score
      if (rd !== undefined) c.resourceDiscovery = rd
      if (Object.keys(rest).length > 0) c.otherAttributes = rest
      return c
    }
    if (el.name === 'rsc_colocation') {
      const {id: _id, score, rsc, 'with-rsc': withRsc, 'rsc-role': rscRole, 'with-rsc-role': withRscRole, 'node-attribute': nodeAttribute, ...rest} = el.attrs
      const c: ColocationConstraint = {kind: 'colocation', id, score: score ?? ''}
      if (rsc !== undefined) c.rsc = rsc
      if (withRsc !== undefined) c.withRsc = withRsc
      if (rscRole !== undefined) c.rscRole = rscRole
      if (withRscRole !== undefined) c.withRscRole = withRscRole
      if (nodeAttribute !== undefined) c.nodeAttribute = nodeAttribute
      const sets = this.sets(el)
      if (sets) c.resourceSets = sets
      if (Object.keys(rest).length > 0) c.otherAttributes = rest
      return c
    }
    if (el.name === 'rsc_order') {
      const {id: _id, first, then, 'first-action': fa, 'then-action': ta, kind, score, symmetrical, 'require-all': ra, ...rest} = el.attrs
      const c: OrderConstraint = {kind: 'order', id}
      if (first !== undefined) c.first = first
      if (then !== undefined) c.then = then
      if (fa !== undefined) c.firstAction = fa
      if (ta !== undefined) c.thenAction = ta
      if (kind !== undefined) c.orderKind = kind
      if (score !== undefined) c.score = score
      if (symmetrical !== undefined) c.symmetrical = symmetrical
      if (ra !== undefined) c.requireAll = ra
      const sets = this.sets(el)
      if (sets) c.resourceSets = sets
      if (Object.keys(rest).length > 0) c.otherAttributes = rest
      return c
    }
    if (el.name === 'rsc_ticket') {
      const {id: _id, ...rest} = el.attrs
      const c: TicketConstraint = {kind: 'ticket', id, attributes: rest}
      const sets = this.sets(el)
      if (sets) c.resourceSets = sets
      return c
    }
    return undefined
  }

  node(el: XmlElement): Node {
    const {id, uname, type, description, ...rest} = el.attrs
    const n: Node = {id: id ?? this.need(el, 'id'), uname: uname ?? id, instanceAttributes: [], utilization: []}
    if (type !== undefined) n.type = type
    if (description !== undefined) n.description = description
    if (Object.keys(rest).length > 0) n.otherAttributes = rest
    for (const c of elements(el)) {
      if (c.name === 'instance_attributes') n.instanceAttributes.push(this.nvset(c))
      else if (c.name === 'utilization') n.utilization.push(this.nvset(c))
      else (n.otherElements ??= []).push(printXmlTree(c).trimEnd())
    }
    return n
  }

  nodeState(el: XmlElement): NodeState {
    // Pacemaker's own test CIBs have node_states without id; keep them as they are
    const state: NodeState = {id: el.attrs.id ?? '', attributes: {...el.attrs}, transientAttributes: [], lrmResources: []}
    if (el.attrs.uname !== undefined) state.uname = el.attrs.uname
    for (const c of elements(el)) {
      if (c.name === 'transient_attributes') state.transientAttributes.push(...elements(c).map((s) => this.nvset(s)))
      else if (c.name === 'lrm') {
        for (const list of elements(c)) for (const r of elements(list)) if (r.name === 'lrm_resource') state.lrmResources.push(this.lrmResource(r))
      }
    }
    return state
  }

  lrmResource(el: XmlElement): LrmResource {
    return this.memo ? this.memo.model(el, (e) => this.lrmResourceRead(e)) : this.lrmResourceRead(el)
  }

  lrmResourceRead(el: XmlElement): LrmResource {
    const {id, class: cls, provider, type, ...rest} = el.attrs
    const r: LrmResource = {id: id ?? this.need(el, 'id'), class: cls ?? '', type: type ?? '', operations: []}
    if (provider !== undefined) r.provider = provider
    if (Object.keys(rest).length > 0) r.otherAttributes = rest
    for (const op of elements(el)) {
      if (op.name !== 'lrm_rsc_op') continue
      // the model takes the element's attributes object itself: the tree is the reader's alone and never changes
      r.operations.push({id: this.need(op, 'id'), operation: op.attrs.operation ?? '', attributes: op.attrs})
    }
    return r
  }
}

/** An element's child elements, comments left out; the children array itself when it holds no comment (callers only read it). */
function elements(el: XmlElement): XmlElement[] {
  const children = el.children
  for (const c of children) if (c.name === '#comment') return children.filter((c) => c.name !== '#comment')
  return children
}

function isResourceElement(name: string): boolean {
  return name === 'primitive' || name === 'group' || name === 'clone' || name === 'master'
}

function isTrueValue(v: string | undefined): boolean {
  return v !== undefined && ['true', 'on', 'yes', 'y', '1'].includes(v.trim().toLowerCase())
}

function raw(el: XmlElement, parent: string): RawSection {
  return {name: el.name, xml: printXmlTree(el).trimEnd(), parent}
}

/** What a single configuration element (as in a crm `xml …` statement) reads as. */
export type XmlFragment =
  | {kind: 'resource'; resource: Resource}
  | {kind: 'constraint'; constraint: Constraint}
  | {kind: 'node'; node: Node}
  | {kind: 'sets'; section: 'crmConfig' | 'rscDefaults' | 'opDefaults'; sets: NvSet[]}
  | {kind: 'raw'; section: RawSection}

/** Reads one configuration element: a resource, a constraint, a node, or anything else as raw XML. */
export function readXmlFragment(el: XmlElement, file: string, text?: string): XmlFragment {
  const reader = new Reader(file, text)
  if (isResourceElement(el.name)) return {kind: 'resource', resource: reader.resource(el)}
  if (el.name === 'node') return {kind: 'node', node: reader.node(el)}
  const section = ({crm_config: 'crmConfig', rsc_defaults: 'rscDefaults', op_defaults: 'opDefaults'} as const)[el.name as 'crm_config']
  if (section) return {kind: 'sets', section, sets: elements(el).map((e) => reader.nvset(e))}
  const constraint = el.name.startsWith('rsc_') ? reader.constraint(el) : undefined
  if (constraint) return {kind: 'constraint', constraint}
  const parent = ['bundle', 'template'].includes(el.name) ? 'resources' : el.name.startsWith('rsc_') ? 'constraints' : 'configuration'
  return {kind: 'raw', section: raw(el, parent)}
}

/** Reads CIB XML text into the model; bad XML or structure → UserError naming the file (and line:col for syntax). */
export function parseCibXml(text: string, file: string, memo?: CibReadMemo): Cib {
  if (!memo) return new Reader(file, text).cib(parseXmlTree(text, file))
  memo.begin(text)
  try {
    const cib = new Reader(file, text, memo).cib(scanXml(text, file, memo))
    memo.commit()
    return cib
  } catch {
    memo.abandon()
    // reused elements carry positions in an earlier text: a plain read names the right place
    return parseCibXml(text, file)
  }
}

// ---------------------------------------------------------------------------
// Writing: model → XML

/** Hands out readable ids, never reusing one already in the CIB. */
export class IdAllocator {
  private readonly used = new Set<string>()
  private readonly nextSuffix = new Map<string, number>()

  reserve(id: string | undefined): void {
    if (id !== undefined) this.used.add(id)
  }

  /** `wanted` if free, else wanted-1, wanted-2, …; characters XML ids cannot hold become `_`. */
  take(existing: string | undefined, wanted: string): string {
    if (existing !== undefined) return existing
    let base = wanted.replace(/[^A-Za-z0-9_.-]/g, '_')
    if (!/^[A-Za-z_]/.test(base)) base = `id-${base}`
    let id = base
    if (this.used.has(id)) {
      // Suffixes below the remembered one are taken already (the set only grows): linear, not O(N²).
      let n = this.nextSuffix.get(base) ?? 1
      while (this.used.has((id = `${base}-${n}`))) n++
      this.nextSuffix.set(base, n + 1)
    }
    this.used.add(id)
    return id
  }
}

/** Collects every id in the model so generated ids never collide with them. */
function reserveIds(cib: Cib, ids: IdAllocator): void {
  walkConfiguration(cib, {
    nvsets(list) {
      for (const s of list) {
        ids.reserve(s.id)
        for (const p of s.pairs) ids.reserve(p.id)
      }
    },
    rule(r) {
      ids.reserve(r.id)
      for (const e of r.expressions) if (e.kind !== 'rule') ids.reserve(e.id)
    },
    resource: (r) => ids.reserve(r.id),
    operation: (op) => ids.reserve(op.id),
    constraint(c) {
      ids.reserve(c.id)
      for (const s of c.resourceSets ?? []) ids.reserve(s.id)
    },
  })
}

class Writer {
  readonly ids = new IdAllocator()
  /** What is written so far, a line at a time with its newline (appending is cheaper than joining thousands of lines). */
  text = ''

  line(depth: number, text: string): void {
    this.text += indent(depth) + text + '\n'
  }

  open(depth: number, name: string, attrs: Record<string, string | undefined>, hasChildren: boolean): void {
    this.line(depth, `<${name}${attrText(attrs)}${hasChildren ? '' : '/'}>`)
  }

  close(depth: number, name: string): void {
    this.line(depth, `</${name}>`)
  }

  rawLines(depth: number, xml: string[] | undefined): void {
    for (const block of xml ?? []) for (const l of block.split('\n')) this.line(depth, l)
  }

  nvset(depth: number, element: string, set: NvSet, idBase: string): void {
    if (set.idRef !== undefined && set.pairs.length === 0 && !set.rule) {
      this.open(depth, element, {'id-ref': set.idRef}, false)
      return
    }
    const id = this.ids.take(set.id, idBase)
    const has = set.pairs.length > 0 || set.rule !== undefined
    this.open(depth, element, {id, score: set.score}, has)
    if (!has) return
    if (set.rule) this.rule(depth + 1, set.rule, `${id}-rule`)
    for (const p of set.pairs) {
      this.open(depth + 1, 'nvpair', {id: this.ids.take(p.id, `${id}-${p.name}`), name: p.name, value: p.value}, false)
    }
    this.close(depth, element)
  }

  nvsets(depth: number, element: string, sets: NvSet[] | undefined, idBase: string): void {
    ;(sets ?? []).forEach((s, i) => this.nvset(depth, element, s, i === 0 ? idBase : `${idBase}-${i}`))
  }

  rule(depth: number, rule: Rule, idBase: string): void {
    if (rule.idRef !== undefined && rule.expressions.length === 0) {
      this.open(depth, 'rule', {'id-ref': rule.idRef}, false)
      return
    }
    const id = this.ids.take(rule.id, idBase)
    const attrs = {id, score: rule.score, 'score-attribute': rule.scoreAttribute, 'boolean-op': rule.booleanOp, role: rule.role}
    const hasChildren = rule.expressions.length + (rule.otherElements?.length ?? 0) > 0
    this.open(depth, 'rule', attrs, hasChildren)
    if (!hasChildren) return
    rule.expressions.forEach((e, i) => {
      const base = `${id}-expression${i === 0 ? '' : `-${i}`}`
      if (e.kind === 'rule') this.rule(depth + 1, e.rule, `${id}-rule${i === 0 ? '' : `-${i}`}`)
      else if (e.kind === 'expression') {
        this.open(depth + 1, 'expression', {id: this.ids.take(e.id, base), attribute: e.attribute, operation: e.operation, value: e.value, type: e.type, 'value-source': e.valueSource}, false)
      } else {
        const eid = this.ids.take(e.id, base)
        const children = new Map<string, Record<string, string>>()
        for (const [k, v] of Object.entries(e.attributes ?? {})) {
          const dot = k.indexOf('.')
          const child = dot > 0 ? k.slice(0, dot) : 'date_spec'
          if (!children.has(child)) children.set(child, {})
          children.get(child)![dot > 0 ? k.slice(dot + 1) : k] = v
        }
        this.open(depth + 1, 'date_expression', {id: eid, operation: e.operation, start: e.start, end: e.end}, children.size > 0)
        if (children.size === 0) return
        for (const [name, attrs] of children) this.open(depth + 2, name, {...attrs, id: this.ids.take(attrs.id, `${eid}-${name}`)}, false)
        this.close(depth + 1, 'date_expression')
      }
    })
    this.rawLines(depth + 1, rule.otherElements)
    this.close(depth, 'rule')
  }

  primitive(depth: number, p: Primitive): void {
    const attrs = {id: p.id, class: p.class || undefined, provider: p.provider, type: p.type || undefined, description: p.description, ...p.otherAttributes}
    const has = p.instanceAttributes.length + p.metaAttributes.length + p.utilization.length + p.operations.length + (p.otherElements?.length ?? 0) > 0 || p.operationsRef !== undefined
    this.open(depth, 'primitive', attrs, has)
    if (!has) return
    this.nvsets(depth + 1, 'instance_attributes', p.instanceAttributes, `${p.id}-instance_attributes`)
    this.nvsets(depth + 1, 'meta_attributes', p.metaAttributes, `${p.id}-meta_attributes`)
    this.nvsets(depth + 1, 'utilization', p.utilization, `${p.id}-utilization`)
    if (p.operations.length > 0) {
      this.open(depth + 1, 'operations', {id: p.operationsId}, true)
      for (const op of p.operations) this.operation(depth + 2, op, p.id)
      this.close(depth + 1, 'operations')
    } else if (p.operationsRef !== undefined) {
      this.open(depth + 1, 'operations', {'id-ref': p.operationsRef}, false)
    }
    this.rawLines(depth + 1, p.otherElements)
    this.close(depth, 'primitive')
  }

  operation(depth: number, op: Operation, rscId: string): void {
    const id = this.ids.take(op.id, `${rscId}-${op.name}-${op.interval}`)
    const has = op.instanceAttributes.length + op.metaAttributes.length + (op.otherElements?.length ?? 0) > 0
    this.open(depth, 'op', {id, name: op.name, interval: op.interval, ...op.attributes}, has)
    if (!has) return
    this.nvsets(depth + 1, 'instance_attributes', op.instanceAttributes, `${id}-instance_attributes`)
    this.nvsets(depth + 1, 'meta_attributes', op.metaAttributes, `${id}-meta_attributes`)
    this.rawLines(depth + 1, op.otherElements)
    this.close(depth, 'op')
  }

  resource(depth: number, r: Resource): void {
    if (r.kind === 'primitive') return this.primitive(depth, r)
    if (r.kind === 'group') {
      this.open(depth, 'group', {id: r.id, description: r.description, ...r.otherAttributes}, true)
      this.nvsets(depth + 1, 'instance_attributes', r.instanceAttributes, `${r.id}-instance_attributes`)
      this.nvsets(depth + 1, 'meta_attributes', r.metaAttributes, `${r.id}-meta_attributes`)
      for (const c of r.children) this.primitive(depth + 1, c)
      this.rawLines(depth + 1, r.otherElements)
      this.close(depth, 'group')
      return
    }
    const element = r.legacyMaster ? 'master' : 'clone'
    this.open(depth, element, {id: r.id, description: r.description, ...r.otherAttributes}, true)
    this.nvsets(depth + 1, 'instance_attributes', r.instanceAttributes, `${r.id}-instance_attributes`)
    this.nvsets(depth + 1, 'meta_attributes', r.metaAttributes, `${r.id}-meta_attributes`)
    this.resource(depth + 1, r.child)
    this.rawLines(depth + 1, r.otherElements)
    this.close(depth, element)
  }

  resourceSets(depth: number, sets: ResourceSet[] | undefined, idBase: string): void {
    ;(sets ?? []).forEach((s, i) => {
      const attrs = {id: this.ids.take(s.id, `${idBase}-${i}`), sequential: s.sequential, 'require-all': s.requireAll, role: s.role, action: s.action, score: s.score, ...s.attributes}
      this.open(depth, 'resource_set', attrs, s.resources.length > 0)
      if (s.resources.length === 0) return
      for (const ref of s.resources) this.open(depth + 1, 'resource_ref', {id: ref}, false)
      this.close(depth, 'resource_set')
    })
  }

  constraint(depth: number, c: Constraint): void {
    const sets = c.resourceSets ?? []
    switch (c.kind) {
      case 'location': {
        const attrs = {id: c.id, rsc: c.rsc, 'rsc-pattern': c.rscPattern, role: c.role, node: c.node, score: c.score, 'resource-discovery': c.resourceDiscovery, ...c.otherAttributes}
        const has = sets.length + c.rules.length > 0
        this.open(depth, 'rsc_location', attrs, has)
        if (!has) return
        this.resourceSets(depth + 1, c.resourceSets, c.id)
        c.rules.forEach((r, i) => this.rule(depth + 1, r, `${c.id}-rule${i === 0 ? '' : `-${i}`}`))
        this.close(depth, 'rsc_location')
        return
      }
      case 'colocation': {
        const attrs = {id: c.id, score: c.score || undefined, rsc: c.rsc, 'rsc-role': c.rscRole, 'with-rsc': c.withRsc, 'with-rsc-role': c.withRscRole, 'node-attribute': c.nodeAttribute, ...c.otherAttributes}
        return this.withSets(depth, 'rsc_colocation', attrs, c)
      }
      case 'order': {
        const attrs = {id: c.id, first: c.first, 'first-action': c.firstAction, then: c.then, 'then-action': c.thenAction, kind: c.orderKind, score: c.score, symmetrical: c.symmetrical, 'require-all': c.requireAll, ...c.otherAttributes}
        return this.withSets(depth, 'rsc_order', attrs, c)
      }
      case 'ticket':
        return this.withSets(depth, 'rsc_ticket', {id: c.id, ...c.attributes}, c)
    }
  }

  withSets(depth: number, element: string, attrs: Record<string, string | undefined>, c: Constraint): void {
    const has = (c.resourceSets?.length ?? 0) > 0
    this.open(depth, element, attrs, has)
    if (!has) return
    this.resourceSets(depth + 1, c.resourceSets, c.id)
    this.close(depth, element)
  }

  node(depth: number, n: Node): void {
    const has = n.instanceAttributes.length + n.utilization.length + (n.otherElements?.length ?? 0) > 0
    this.open(depth, 'node', {id: n.id, uname: n.uname, type: n.type, description: n.description, ...n.otherAttributes}, has)
    if (!has) return
    this.nvsets(depth + 1, 'instance_attributes', n.instanceAttributes, `nodes-${n.id}`)
    this.nvsets(depth + 1, 'utilization', n.utilization, `nodes-${n.id}-utilization`)
    this.rawLines(depth + 1, n.otherElements)
    this.close(depth, 'node')
  }

  nodeState(depth: number, s: NodeState): void {
    const attrs = {...s.attributes, id: s.id || undefined, uname: s.uname ?? s.attributes.uname}
    const has = s.transientAttributes.length + s.lrmResources.length > 0
    this.open(depth, 'node_state', orderIdFirst(attrs), has)
    if (!has) return
    if (s.transientAttributes.length > 0) {
      this.line(depth + 1, `<transient_attributes id="${escapeAttr(s.id)}">`)
      this.nvsets(depth + 2, 'instance_attributes', s.transientAttributes, `status-${s.id}`)
      this.line(depth + 1, '</transient_attributes>')
    }
    if (s.lrmResources.length > 0) {
      this.line(depth + 1, `<lrm id="${escapeAttr(s.id)}">`)
      this.line(depth + 2, '<lrm_resources>')
      for (const r of s.lrmResources) {
        this.open(depth + 3, 'lrm_resource', {id: r.id, class: r.class, provider: r.provider, type: r.type, ...r.otherAttributes}, r.operations.length > 0)
        if (r.operations.length === 0) continue
        for (const op of r.operations) this.line(depth + 4, `<lrm_rsc_op${operationAttrText(op)}/>`)
        this.close(depth + 3, 'lrm_resource')
      }
      this.line(depth + 2, '</lrm_resources>')
      this.line(depth + 1, '</lrm>')
    }
    this.close(depth, 'node_state')
  }

  raw(depth: number, sections: RawSection[], parent: string): void {
    for (const s of sections) {
      if ((s.parent ?? 'configuration') !== parent) continue
      for (const l of s.xml.split('\n')) this.line(depth, l)
    }
  }

  section(depth: number, name: string, body: () => void): void {
    const start = this.text.length
    this.line(depth, `<${name}>`)
    const opened = this.text.length
    body()
    if (this.text.length === opened) this.text = `${this.text.slice(0, start)}${indent(depth)}<${name}/>\n`
    else this.close(depth, name)
  }

  cib(cib: Cib): string {
    reserveIds(cib, this.ids)
    const attrs = {...cib.attributes}
    attrs['validate-with'] = schemaFor(attrs['validate-with'])
    for (const k of ['epoch', 'admin_epoch', 'num_updates']) attrs[k] ??= '0'
    this.line(0, `<cib${attrText(attrs)}>`)
    this.line(1, '<configuration>')
    this.section(2, 'crm_config', () => this.nvsets(3, 'cluster_property_set', cib.crmConfig, 'cib-bootstrap-options'))
    this.section(2, 'nodes', () => cib.nodes.forEach((n) => this.node(3, n)))
    this.section(2, 'resources', () => {
      // bundles and templates go back where they were among the resources (their order matters)
      const raws = cib.otherSections.filter((s) => (s.parent ?? 'configuration') === 'resources')
      const rawAt = (i: number) => this.raw(3, raws.filter((s) => s.position === i), 'resources')
      cib.resources.forEach((r, i) => { rawAt(i); this.resource(3, r) })
      this.raw(3, raws.filter((s) => s.position === undefined || s.position >= cib.resources.length), 'resources')
    })
    this.section(2, 'constraints', () => {
      cib.constraints.forEach((c) => this.constraint(3, c))
      this.raw(3, cib.otherSections, 'constraints')
    })
    if (cib.rscDefaults.length > 0) this.section(2, 'rsc_defaults', () => this.nvsets(3, 'meta_attributes', cib.rscDefaults, 'rsc-options'))
    if (cib.opDefaults.length > 0) this.section(2, 'op_defaults', () => this.nvsets(3, 'meta_attributes', cib.opDefaults, 'op-options'))
    this.raw(2, cib.otherSections, 'configuration')
    this.line(1, '</configuration>')
    this.section(1, 'status', () => {
      this.raw(2, cib.statusSections ?? [], 'status')
      cib.status.forEach((s) => this.nodeState(2, s))
    })
    this.raw(1, cib.otherSections, 'cib')
    this.line(0, '</cib>')
    return this.text
  }
}

/**
 * The schema named in validate-with. Pacemaker 2.1.5 validates pacemaker-1.0
 * … pacemaker-3.9 and upgrades older ones on load; a missing or unknown value
 * becomes pacemaker-3.0, the oldest 3.x schema (it still allows <master>).
 */
function schemaFor(validateWith: string | undefined): string {
  if (validateWith && /^pacemaker-(\d+)\.(\d+)$/.test(validateWith)) return validateWith
  return 'pacemaker-3.0'
}

function orderIdFirst(attrs: Record<string, string | undefined>): Record<string, string | undefined> {
  const {id, ...rest} = attrs
  return {id, ...rest}
}

/**
 * An lrm_rsc_op's attributes as attrText(orderIdFirst({...attributes, id, operation})) writes
 * them — id first, then the recorded ones in their order, operation in its place (else last) —
 * without the two copies of a 17-attribute object: a CIB's status is mostly these, and every
 * replicated change prints the whole CIB for its digest.
 */
const INDENTS = Array.from({length: 16}, (_, depth) => '  '.repeat(depth))
function indent(depth: number): string {
  return INDENTS[depth] ?? '  '.repeat(depth)
}

function operationAttrText(op: LrmOperation): string {
  let s = ` id="${escapeAttr(op.id)}"`
  let operationWritten = false
  const a = op.attributes
  for (const k in a) {
    if (k === 'id') continue
    let v: string | undefined = a[k]
    if (k === 'operation') {
      v = op.operation
      operationWritten = true
    }
    if (v !== undefined) s += ` ${k}="${escapeAttr(v)}"`
  }
  if (!operationWritten) s += ` operation="${escapeAttr(op.operation)}"`
  return s
}

function attrText(attrs: Record<string, string | undefined>): string {
  let s = ''
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) s += ` ${k}="${escapeAttr(v)}"`
  return s
}

/** One resource or constraint as an XML element (for crm `xml` statements); missing ids are filled in. */
export function printConfigElementXml(item: Resource | Constraint): string {
  const w = new Writer()
  if (item.kind === 'primitive' || item.kind === 'group' || item.kind === 'clone') w.resource(0, item)
  else w.constraint(0, item)
  return w.text
}

/** One attribute set wrapped in its section (`<rsc_defaults>`, `<op_defaults>`, `<crm_config>`), for crm `xml` statements. */
export function printDefaultsSetXml(section: 'crm_config' | 'rsc_defaults' | 'op_defaults', set: NvSet, idBase: string): string {
  const w = new Writer()
  w.line(0, `<${section}>`)
  w.nvset(1, section === 'crm_config' ? 'cluster_property_set' : 'meta_attributes', set, idBase)
  w.line(0, `</${section}>`)
  return w.text
}

/** Writes the model as CIB XML, filling in readable ids where the model has none. */
export function printCibXml(cib: Cib): string {
  return new Writer().cib(cib)
}
