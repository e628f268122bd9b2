/**
 * Rules (pe_rules.c): node attribute expressions (typed comparisons, value-source param/meta),
 * date expressions (gt, lt, in_range, date_spec) against the cluster's "now", resource and
 * operation expressions (rsc_defaults / op_defaults), and/or and nested rules.
 */
import type * as M from '../../formats/cib/model.js'
import {parseXmlTree} from '../../formats/cib/xml.js'
import {numericCompare} from './scores.js'
import type {SNode} from './types.js'

export interface RuleContext {
  /** ms since the epoch */
  now: number
  /** value-source="param" / "meta" */
  params?: Map<string, string>
  meta?: Map<string, string>
  /** rsc_expression */
  rsc?: {cls: string; provider?: string; type: string}
  /** op_expression */
  op?: {name: string; intervalMs: number}
}

function compareValues(a: string, b: string, type: string | undefined): number {
  const t = (type ?? '').toLowerCase()
  if (t === 'integer') {
    // integers are compared as integers: "3.6" reads as 3 (pcmk__scan_ll)
    const x = Number.parseInt(a, 10)
    const y = Number.parseInt(b, 10)
    if (!Number.isNaN(x) && !Number.isNaN(y)) return x < y ? -1 : x > y ? 1 : 0
  }
  if (t === 'number' || t === 'float' || t === 'integer' || (t === '' && /^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b))) {
    const x = Number(a)
    const y = Number(b)
    if (!Number.isNaN(x) && !Number.isNaN(y)) return x < y ? -1 : x > y ? 1 : 0
  }
  if (t === 'version') return numericCompare(a, b)
  return a < b ? -1 : a > b ? 1 : 0
}

function evalExpression(e: Extract<M.RuleExpression, {kind: 'expression'}>, node: SNode | null, ctx?: RuleContext): boolean {
  const actual = node?.attrs.get(e.attribute)
  const op = e.operation.toLowerCase()
  if (op === 'defined') return actual !== undefined
  if (op === 'not_defined') return actual === undefined
  let expected = e.value
  const source = (e.valueSource ?? 'literal').toLowerCase()
  if (source === 'param') expected = e.value === undefined ? undefined : ctx?.params?.get(e.value)
  else if (source === 'meta') expected = e.value === undefined ? undefined : ctx?.meta?.get(e.value)
  if (actual === undefined || expected === undefined) return op === 'ne' && actual !== expected
  // Without an explicit type, eq/ne compare as strings, others as numbers when both look numeric.
  const type = e.type ?? (op === 'eq' || op === 'ne' ? 'string' : undefined)
  const c = compareValues(actual, expected, type)
  switch (op) {
    case 'eq': return c === 0
    case 'ne': return c !== 0
    case 'lt': return c < 0
    case 'lte': return c <= 0
    case 'gt': return c > 0
    case 'gte': return c >= 0
    default: return false
  }
}

/** An ISO 8601 date and time ("2019-09-23 09:00:00 -05:00"), ms since the epoch; no offset means UTC. */
export function parseIsoTime(text: string): number | undefined {
  // ordinal dates: YYYY-DDD
  const o = /^\s*(\d{4})-(\d{3})(?:[ T](.*))?$/.exec(text)
  if (o) {
    const day = new Date(Date.UTC(Number(o[1]), 0, Number(o[2])))
    const iso = `${day.toISOString().slice(0, 10)}${o[3] !== undefined ? ` ${o[3]}` : ''}`
    return parseIsoTime(iso)
  }
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/.exec(text)
  if (!m) return undefined
  let ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0))
  const tz = m[7]
  if (tz && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1
    const digits = tz.slice(1).replace(':', '')
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000
  }
  return ms
}

function addDuration(start: number, d: Record<string, string>): number {
  const t = new Date(start)
  const n = (k: string) => Number(d[`duration.${k}`] ?? 0)
  t.setUTCFullYear(t.getUTCFullYear() + n('years'), t.getUTCMonth() + n('months'), t.getUTCDate() + n('days') + 7 * n('weeks'))
  return t.getTime() + ((n('hours') * 60 + n('minutes')) * 60 + n('seconds')) * 1000
}

function inRange(spec: string | undefined, value: number): boolean {
  if (spec === undefined) return true
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(spec)
  if (!m) return false
  const lo = Number(m[1])
  const hi = m[2] === undefined ? lo : Number(m[2])
  return value >= lo && value <= hi
}

/** date_spec: every field given must contain the current value (UTC) */
function dateSpecMatches(now: number, d: Record<string, string>): boolean {
  const t = new Date(now)
  const get = (k: string) => d[`date_spec.${k}`]
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1)
  const yearday = Math.floor((now - yearStart) / 86_400_000) + 1
  const weekday = t.getUTCDay() === 0 ? 7 : t.getUTCDay()
  return inRange(get('years'), t.getUTCFullYear()) && inRange(get('months'), t.getUTCMonth() + 1)
    && inRange(get('monthdays'), t.getUTCDate()) && inRange(get('hours'), t.getUTCHours())
    && inRange(get('minutes'), t.getUTCMinutes()) && inRange(get('seconds'), t.getUTCSeconds())
    && inRange(get('yeardays'), yearday) && inRange(get('weekdays'), weekday)
}

function evalDate(e: Extract<M.RuleExpression, {kind: 'date_expression'}>, now: number): boolean {
  const start = e.start !== undefined ? parseIsoTime(e.start) : undefined
  let end = e.end !== undefined ? parseIsoTime(e.end) : undefined
  switch (e.operation.toLowerCase()) {
    case 'gt': return start !== undefined && now > start
    case 'lt': return end !== undefined && now < end
    case 'in_range':
      if (end === undefined && start !== undefined && e.attributes) end = addDuration(start, e.attributes)
      if (start === undefined && end === undefined) return false
      return (start === undefined || now >= start) && (end === undefined || now <= end)
    case 'date_spec': return dateSpecMatches(now, e.attributes ?? {})
    default: return false
  }
}

/** rsc_expression / op_expression (kept as raw XML by the CIB reader) */
function evalOther(xml: string, ctx?: RuleContext): boolean {
  const el = parseXmlTree(xml, 'rule')
  const a = el.attrs
  if (el.name === 'rsc_expression') {
    if (!ctx?.rsc) return false
    return (a.class === undefined || a.class === ctx.rsc.cls) && (a.provider === undefined || a.provider === ctx.rsc.provider)
      && (a.type === undefined || a.type === ctx.rsc.type)
  }
  if (el.name === 'op_expression') {
    if (!ctx?.op) return false
    if (a.name !== ctx.op.name) return false
    if (a.interval === undefined) return true
    const m = /^(\d+)(ms|s|m|min|h)?$/.exec(a.interval.trim())
    const ms = m ? Number(m[1]) * ({ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000}[m[2] ?? 's'] ?? 1000) : NaN
    return ms === ctx.op.intervalMs
  }
  return false
}

export function evalRule(rule: M.Rule, node: SNode | null, ctx?: RuleContext): boolean {
  const or = rule.booleanOp === 'or'
  const results: boolean[] = []
  for (const e of rule.expressions) {
    if (e.kind === 'expression') results.push(evalExpression(e, node, ctx))
    else if (e.kind === 'rule') results.push(evalRule(e.rule, node, ctx))
    else results.push(ctx !== undefined && evalDate(e, ctx.now))
  }
  for (const x of rule.otherElements ?? []) results.push(evalOther(x, ctx))
  if (results.length === 0) return true
  return or ? results.some(Boolean) : results.every(Boolean)
}
