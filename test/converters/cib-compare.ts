/**
 * A normalised view of a CIB's configuration for comparing our cib.xml with
 * what pcs or crmsh built from our scripts: order of nvpairs/ops/constraints
 * and the ids of attribute sets do not matter; defaults the tools spell out
 * (colocation rsc-role=Started) are dropped. Used by tests only, until the
 * semantic `hakit diff crm` is available to converters.
 */
import type {Cib, Constraint, NvSet, Resource, Rule} from '../../src/formats/cib/model.js'

const pairs = (sets: NvSet[] | undefined, skip: string[] = []) =>
  Object.fromEntries((sets ?? []).flatMap((s) => s.pairs).filter((p) => !skip.includes(p.name)).map((p) => [p.name, p.value ?? '']).sort())

function resource(r: Resource): unknown {
  if (r.kind === 'primitive') {
    return {
      kind: r.kind,
      id: r.id,
      agent: `${r.class}:${r.provider ?? ''}:${r.type}`,
      params: pairs(r.instanceAttributes),
      meta: pairs(r.metaAttributes),
      ops: r.operations
        .map((o) => ({id: o.id, name: o.name, interval: o.interval, timeout: o.attributes.timeout, role: o.attributes.role}))
        .sort((a, b) => `${a.name}${a.interval}`.localeCompare(`${b.name}${b.interval}`)),
    }
  }
  if (r.kind === 'group') return {kind: r.kind, id: r.id, meta: pairs(r.metaAttributes), children: r.children.map(resource)}
  return {kind: r.kind, id: r.id, promotable: r.promotable, meta: pairs(r.metaAttributes), child: resource(r.child)}
}

function rule(r: Rule): unknown {
  return {
    score: r.score,
    scoreAttribute: r.scoreAttribute,
    role: r.role,
    expressions: r.expressions.map((e) => (e.kind === 'expression' ? {attribute: e.attribute, operation: e.operation, value: e.value} : e.kind)),
  }
}

function constraint(c: Constraint): unknown {
  switch (c.kind) {
    case 'location':
      return {kind: c.kind, id: c.id, rsc: c.rsc, node: c.node, score: c.score, role: c.role, rules: c.rules.map(rule)}
    case 'colocation':
      return {kind: c.kind, id: c.id, rsc: c.rsc, with: c.withRsc, rscRole: c.rscRole === 'Started' ? undefined : c.rscRole, withRole: c.withRscRole, score: c.score === 'inf' ? 'INFINITY' : c.score}
    case 'order':
      return {kind: c.kind, id: c.id, first: c.first, firstAction: c.firstAction ?? 'start', then: c.then, thenAction: c.thenAction ?? 'start', orderKind: c.orderKind ?? 'Mandatory'}
    default:
      return c
  }
}

export function normalizeCib(cib: Cib, options: {skipProperties?: string[]} = {}): unknown {
  const byId = <T extends {id: string}>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id))
  return JSON.parse(
    JSON.stringify({
      properties: pairs(cib.crmConfig, options.skipProperties),
      rscDefaults: pairs(cib.rscDefaults),
      resources: byId(cib.resources).map(resource),
      constraints: byId(cib.constraints).map(constraint),
    }),
  )
}
