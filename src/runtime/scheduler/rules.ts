/** Evaluation of location rules on node attributes (expression, and/or, nested rules). */
import type * as M from '../../formats/cib/model.js'
import {numericCompare} from './scores.js'
import type {SNode} from './types.js'

function compareValues(a: string, b: string, type: string | undefined): number {
  const t = (type ?? '').toLowerCase()
  if (t === 'number' || t === 'integer' || t === 'float' || (t === '' && /^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b))) {
    const x = Number(a)
    const y = Number(b)
    if (!Number.isNaN(x) && !Number.isNaN(y)) return x < y ? -1 : x > y ? 1 : 0
  }
  if (t === 'version') return numericCompare(a, b)
  return a < b ? -1 : a > b ? 1 : 0
}

function evalExpression(e: Extract<M.RuleExpression, {kind: 'expression'}>, node: SNode): boolean {
  const actual = node.attrs.get(e.attribute)
  const op = e.operation.toLowerCase()
  if (op === 'defined') return actual !== undefined
  if (op === 'not_defined') return actual === undefined
  if (actual === undefined || e.value === undefined) return op === 'ne' && actual !== e.value
  // Without an explicit type, eq/ne compare as strings, others as numbers when both look numeric.
  const type = e.type ?? (op === 'eq' || op === 'ne' ? 'string' : undefined)
  const c = compareValues(actual, e.value, type)
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

export function evalRule(rule: M.Rule, node: SNode): boolean {
  const or = rule.booleanOp === 'or'
  if (rule.expressions.length === 0) return true
  for (const e of rule.expressions) {
    let ok: boolean
    if (e.kind === 'expression') ok = evalExpression(e, node)
    else if (e.kind === 'rule') ok = evalRule(e.rule, node)
    else ok = false // date expressions are outside the supported subset
    if (or && ok) return true
    if (!or && !ok) return false
  }
  return !or
}
