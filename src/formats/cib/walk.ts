import type {Constraint, Cib, NvSet, Operation, Resource, Rule} from './model.js'

/** What `walkConfiguration` calls; every callback is optional. */
export interface ConfigurationVisitor {
  /** Each list of nvsets: cluster options, defaults, node and resource attributes, op attributes. */
  nvsets?(sets: NvSet[]): void
  /** Every rule, in nvsets and location constraints, nested rules included. */
  rule?(rule: Rule): void
  /** Every resource, group members and clone children included. */
  resource?(resource: Resource): void
  operation?(op: Operation): void
  constraint?(constraint: Constraint): void
}

/** Visits every object of a CIB's configuration section that carries ids or references. */
export function walkConfiguration(cib: Cib, visit: ConfigurationVisitor): void {
  const rule = (r: Rule) => {
    visit.rule?.(r)
    for (const e of r.expressions) if (e.kind === 'rule') rule(e.rule)
  }
  const sets = (list: NvSet[] | undefined) => {
    if (!list) return
    visit.nvsets?.(list)
    for (const s of list) if (s.rule) rule(s.rule)
  }
  const resource = (r: Resource) => {
    visit.resource?.(r)
    sets(r.metaAttributes)
    if (r.kind === 'primitive') {
      sets(r.instanceAttributes)
      sets(r.utilization)
      for (const op of r.operations) {
        visit.operation?.(op)
        sets(op.instanceAttributes)
        sets(op.metaAttributes)
      }
    } else if (r.kind === 'group') {
      sets(r.instanceAttributes)
      r.children.forEach(resource)
    } else {
      sets(r.instanceAttributes)
      resource(r.child)
    }
  }
  sets(cib.crmConfig)
  sets(cib.rscDefaults)
  sets(cib.opDefaults)
  for (const n of cib.nodes) {
    sets(n.instanceAttributes)
    sets(n.utilization)
  }
  cib.resources.forEach(resource)
  for (const c of cib.constraints) {
    visit.constraint?.(c)
    if (c.kind === 'location') c.rules.forEach(rule)
  }
}
