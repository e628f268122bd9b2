/**
 * Resource templates and tags (complex.c unpack_template, pcmk_sched_constraints.c tag
 * expansion): a primitive with template="T" is the template's definition with the primitive's
 * own children added (its operations win over the template's of the same name and role); a
 * constraint naming a template or a tag applies to every resource derived from or tagged with it.
 */
import type * as M from '../../formats/cib/model.js'
import {parseXmlTree, readXmlFragment} from '../../formats/cib/xml.js'

function rawElements(cib: M.Cib, parent: string, name: string) {
  return cib.otherSections.filter((s) => (s.parent ?? 'configuration') === parent && s.name === name).map((s) => parseXmlTree(s.xml, 'cib'))
}

/** The configured templates, as primitives. */
function templates(cib: M.Cib): Map<string, M.Primitive> {
  const out = new Map<string, M.Primitive>()
  for (const el of rawElements(cib, 'resources', 'template')) {
    const fragment = readXmlFragment({...el, name: 'primitive'}, 'cib')
    if (fragment.kind === 'resource' && fragment.resource.kind === 'primitive') out.set(fragment.resource.id, fragment.resource)
  }
  return out
}

function opKey(op: M.Operation): string {
  const role = (op.attributes.role ?? '').toLowerCase()
  return `${op.name}-${['', 'started', 'unpromoted', 'slave'].includes(role) ? 'Unknown' : op.attributes.role}`
}

function expandPrimitive(p: M.Primitive, tpls: Map<string, M.Primitive>, derived: Map<string, string[]>): M.Primitive {
  const ref = p.otherAttributes?.template
  const t = ref !== undefined && ref !== p.id ? tpls.get(ref) : undefined
  if (!t) return p
  derived.get(t.id)!.push(p.id)
  const own = new Set(p.operations.map(opKey))
  return {
    ...t, id: p.id, otherAttributes: p.otherAttributes,
    instanceAttributes: [...t.instanceAttributes, ...p.instanceAttributes],
    metaAttributes: [...t.metaAttributes, ...p.metaAttributes],
    utilization: [...t.utilization, ...p.utilization],
    operations: p.operations.length > 0 ? [...p.operations, ...t.operations.filter((o) => !own.has(opKey(o)))] : t.operations,
  }
}

function expandResource(r: M.Resource, tpls: Map<string, M.Primitive>, derived: Map<string, string[]>): M.Resource {
  if (r.kind === 'primitive') return expandPrimitive(r, tpls, derived)
  if (r.kind === 'group') return {...r, children: r.children.map((c) => expandPrimitive(c, tpls, derived))}
  return {...r, child: expandResource(r.child, tpls, derived) as M.Primitive | M.Group}
}

/** What constraints may name besides resources: templates and tags, each with the ids they stand for. */
export type References = Map<string, string[]>

function primitivesOf(r: M.Resource): M.Primitive[] {
  if (r.kind === 'primitive') return [r]
  if (r.kind === 'group') return r.children
  return primitivesOf(r.child)
}

function mapPrimitives(r: M.Resource, f: (p: M.Primitive) => M.Primitive): M.Resource {
  if (r.kind === 'primitive') return f(r)
  if (r.kind === 'group') return {...r, children: r.children.map(f)}
  return {...r, child: mapPrimitives(r.child, f) as M.Primitive | M.Group}
}

/** `<operations id-ref="X"/>` (expand_idref): the operations of the set with id X, wherever it is defined. */
function resolveOperationRefs(cib: M.Cib, tpls: Map<string, M.Primitive>): M.Cib {
  const all = [...cib.resources.flatMap(primitivesOf), ...tpls.values()]
  if (!all.some((p) => p.operationsRef !== undefined)) return cib
  const sets = new Map<string, M.Operation[]>()
  for (const p of all) if (p.operationsId !== undefined && p.operations.length > 0 && !sets.has(p.operationsId)) sets.set(p.operationsId, p.operations)
  const resolve = (p: M.Primitive): M.Primitive =>
    p.operationsRef !== undefined && p.operations.length === 0 ? {...p, operations: sets.get(p.operationsRef) ?? []} : p
  for (const [id, t] of tpls) tpls.set(id, resolve(t))
  return {...cib, resources: cib.resources.map((r) => mapPrimitives(r, resolve))}
}

/** The CIB with operation-set references resolved, templates applied to the primitives that use them, and the template and tag references. */
export function expandTemplates(input: M.Cib): {cib: M.Cib; references: References} {
  const tpls = templates(input)
  const cib = resolveOperationRefs(input, tpls)
  const references: References = new Map()
  for (const id of tpls.keys()) references.set(id, [])
  const expanded = tpls.size > 0 ? {...cib, resources: cib.resources.map((r) => expandResource(r, tpls, references))} : cib
  for (const tags of rawElements(cib, 'configuration', 'tags')) {
    for (const tag of tags.children.filter((c) => c.name === 'tag' && c.attrs.id)) {
      references.set(tag.attrs.id, tag.children.filter((c) => c.name === 'obj_ref' && c.attrs.id).map((c) => c.attrs.id))
    }
  }
  return {cib: expanded, references}
}

function expandSet(set: M.ResourceSet, refs: References): M.ResourceSet {
  if (!set.resources.some((id) => refs.has(id))) return set
  return {...set, resources: set.resources.flatMap((id) => refs.get(id) ?? [id])}
}

/** A side of a simple constraint that names a template or tag, as a resource set (pcmk__tag_to_set). */
function sideAsSet(id: string, refs: References, role: string | undefined, action?: string): M.ResourceSet {
  const members = refs.get(id)
  const set: M.ResourceSet = members ? {id, resources: members, sequential: 'false'} : {id, resources: [id]}
  if (role !== undefined) set.role = role
  if (action !== undefined) set.action = action
  return set
}

/** Constraints with template and tag references replaced by the resources they stand for. */
export function expandConstraintReferences(constraints: M.Constraint[], refs: References): M.Constraint[] {
  if (refs.size === 0) return constraints
  return constraints.map((c): M.Constraint => {
    if (c.resourceSets && c.resourceSets.length > 0) return {...c, resourceSets: c.resourceSets.map((s) => expandSet(s, refs))}
    if (c.kind === 'location' && c.rsc !== undefined && refs.has(c.rsc)) {
      const {rsc: _rsc, ...rest} = c
      return {...rest, resourceSets: [{id: c.rsc, resources: refs.get(c.rsc)!}]}
    }
    if (c.kind === 'ticket' && c.attributes.rsc !== undefined && refs.has(c.attributes.rsc)) {
      const {rsc, 'rsc-role': role, ...attributes} = c.attributes
      return {...c, attributes, resourceSets: [sideAsSet(rsc, refs, role)]}
    }
    if (c.kind === 'colocation' && ((c.rsc !== undefined && refs.has(c.rsc)) || (c.withRsc !== undefined && refs.has(c.withRsc)))) {
      const {rsc, withRsc, rscRole, withRscRole, ...rest} = c
      // two templates or tags cannot be colocated: Pacemaker ignores the constraint
      if (refs.has(rsc ?? '') && refs.has(withRsc ?? '')) return {...rest, resourceSets: []}
      return {...rest, resourceSets: [sideAsSet(rsc ?? '', refs, rscRole), sideAsSet(withRsc ?? '', refs, withRscRole)]}
    }
    if (c.kind === 'order' && ((c.first !== undefined && refs.has(c.first)) || (c.then !== undefined && refs.has(c.then)))) {
      const {first, then, firstAction, thenAction, ...rest} = c
      return {...rest, resourceSets: [sideAsSet(first ?? '', refs, undefined, firstAction), sideAsSet(then ?? '', refs, undefined, thenAction)]}
    }
    return c
  })
}
