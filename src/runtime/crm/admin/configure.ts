/**
 * `crm configure …` statements as pure CIB edits, with crmsh 4.4.1's rules:
 *  - create (`configure primitive|group|clone|ms|location|colocation|order …`): an id that exists
 *    is refused; group and clone members may be resources that exist at the top level (they move
 *    into the new container, which takes over their constraints), never members of another container;
 *  - update (`load update`): objects with the same id are replaced in place (a primitive stays in
 *    its group), new ones added; `property`, `rsc_defaults`, `op_defaults` merge their pairs into
 *    the set with the same id (crmsh's cib-bootstrap-options, rsc-options, op-options);
 *  - replace (`load replace`): the configuration becomes the text's; nodes are kept;
 *  - delete: a container's children stay (top level), constraints on a deleted container pass to
 *    its first child, constraints left without their resource are deleted ("hanging");
 *  - rename: the id and every constraint reference;
 *  - edit: the statements the user changed are applied as update, removed ones deleted;
 *  - show ID…: the printed statements of some objects.
 * A running resource is not deleted or renamed (crmsh's check) unless forced.
 * Reference: pacemaker-runtime.md §7.3.1; crmsh cibconfig.py (observed with CIB_file).
 */
import {UserError} from '../../../core/errors.js'
import type {Cib, Constraint, NvSet, Primitive, Resource, ResourceSet} from '../../../formats/cib/model.js'
import {emptyCib} from '../../../formats/cib/model.js'
import {parseCrm} from '../../../formats/crm/parse.js'
import {printCrm} from '../../../formats/crm/print.js'
import {tokenize, quoteValue} from '../../../formats/crm/tokenize.js'
import {printCibXml} from '../../../formats/cib/xml.js'
import type {AdminEdit} from './edit.js'

export type LoadMode = 'create' | 'update' | 'replace'

/** crmsh's ERROR exit code. */
const REFUSED = 1

type AnyResource = Resource | Primitive

function walk(list: AnyResource[], visit: (r: AnyResource, parent: AnyResource | undefined) => void, parent?: AnyResource): void {
  for (const r of list) {
    visit(r, parent)
    if (r.kind === 'group') walk(r.children, visit, r)
    if (r.kind === 'clone') walk([r.child], visit, r)
  }
}

function findWithParent(cib: Cib, id: string): {rsc: AnyResource; parent?: AnyResource} | undefined {
  let found: {rsc: AnyResource; parent?: AnyResource} | undefined
  walk(cib.resources, (r, parent) => {
    if (!found && r.id === id) found = {rsc: r, parent}
  })
  return found
}

function kindName(r: AnyResource): string {
  return r.kind === 'clone' ? (r.promotable ? 'ms' : 'clone') : r.kind
}

/** Replaces the resource with the same id anywhere in the tree; false when there is none. */
function replaceInTree(list: AnyResource[], next: AnyResource): boolean {
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!
    if (r.id === next.id) {
      list[i] = next
      return true
    }
    if (r.kind === 'group' && replaceInTree(r.children, next)) return true
    if (r.kind === 'clone') {
      const box = [r.child as AnyResource]
      if (replaceInTree(box, next)) {
        r.child = box[0] as Primitive
        return true
      }
    }
  }
  return false
}

/** Joins command-line words into one crm statement, quoting values the shell unquoted. */
export function statementFromArgs(words: string[]): string {
  return words
    .map((w) => {
      if (!/[\s"'\\#]/.test(w) || w === '') return w === '' ? '""' : w
      const eq = w.indexOf('=')
      return eq > 0 && /^[\w$.-]+$/.test(w.slice(0, eq)) ? `${w.slice(0, eq)}=${quoteValue(w.slice(eq + 1))}` : quoteValue(w)
    })
    .join(' ')
}

const CONTAINERS = new Set(['group', 'clone', 'ms', 'master'])
const MEMBER_END = new Set(['params', 'meta', 'description', 'attributes', 'instance_attributes', 'meta_attributes'])

/**
 * Group and clone members the text names but does not define: they must exist in the CIB, at
 * the top level or inside a container the text redefines (crmsh: "Child … already in …").
 */
function borrowedMembers(cib: Cib, text: string, file: string): Map<string, AnyResource> {
  const statements = tokenize(text, file)
  const defined = new Set(statements.filter((s) => /^(primitive|group|clone|ms|master)$/.test(s.tokens[0]?.text ?? '')).map((s) => s.tokens[1]?.text))
  const borrowed = new Map<string, AnyResource>()
  for (const s of statements) {
    const head = s.tokens[0]?.text ?? ''
    if (!CONTAINERS.has(head) || s.tokens.length < 3) continue
    const container = s.tokens[1]!.text
    const members: string[] = []
    for (const t of s.tokens.slice(2)) {
      if (t.eq >= 0 || MEMBER_END.has(t.text)) break
      members.push(t.text)
      if (head !== 'group') break
    }
    for (const id of members) {
      if (defined.has(id) || borrowed.has(id)) continue
      const found = findWithParent(cib, id)
      if (!found) continue // the parser names the undefined member with file:line:col
      if (found.parent && found.parent.id !== container && !defined.has(found.parent.id)) {
        throw new UserError(`Cannot create ${head}:${container}: Child ${kindName(found.rsc)}:${id} already in ${kindName(found.parent)}:${found.parent.id}`, REFUSED)
      }
      borrowed.set(id, found.rsc)
    }
  }
  return borrowed
}

/** Parses `text` with the borrowed members defined, then puts the CIB's own objects back in their place (ids untouched). */
function parseWithMembers(cib: Cib, text: string, file: string): {parsed: Cib; borrowed: Set<string>} {
  const borrowed = borrowedMembers(cib, text, file)
  // appended after the text so error positions stay those of the user's lines
  const extra = [...borrowed.values()].map((r) => printCrm({...emptyCib(), resources: [structuredClone(r) as Resource]})).join('\n')
  const parsed = parseCrm(extra ? `${text}\n${extra}\n` : text, file)
  for (const r of borrowed.values()) replaceInTree(parsed.resources, structuredClone(r))
  // a borrowed group brings its members: none of them is new
  return {parsed, borrowed: new Set([...borrowed.values()].flatMap(idsOf))}
}

function childrenOf(r: AnyResource): AnyResource[] {
  return r.kind === 'group' ? r.children : r.kind === 'clone' ? [r.child] : []
}

function idsOf(r: AnyResource): string[] {
  const ids: string[] = []
  walk([r], (x) => ids.push(x.id))
  return ids
}

function mergeSets(into: NvSet[], sets: NvSet[], replace: boolean): void {
  for (const set of sets) {
    const same = set.id !== undefined ? into.find((s) => s.id === set.id) : undefined
    if (!same) {
      into.push(structuredClone(set))
      continue
    }
    if (replace) {
      Object.assign(same, structuredClone(set))
      continue
    }
    for (const p of set.pairs) {
      const old = same.pairs.find((x) => x.name === p.name)
      if (old) old.value = p.value
      else same.pairs.push({...p})
    }
  }
}

/** The configuration with the statements of `text` applied (create, load update, load replace). */
export function loadConfiguration(cib: Cib, text: string, file: string, mode: LoadMode, options: {replaceSets?: boolean} = {}): AdminEdit {
  const {parsed, borrowed} = parseWithMembers(cib, text, file)
  const next = structuredClone(cib)
  const notes: string[] = []
  if (mode === 'replace') {
    next.crmConfig = parsed.crmConfig
    next.rscDefaults = parsed.rscDefaults
    next.opDefaults = parsed.opDefaults
    next.resources = parsed.resources
    next.constraints = parsed.constraints
    next.otherSections = parsed.otherSections
  } else {
    const existingIds = new Set<string>()
    walk(next.resources, (r) => existingIds.add(r.id))
    for (const c of next.constraints) existingIds.add(c.id)
    for (const r of parsed.resources) {
      const mine = idsOf(r).filter((id) => !borrowed.has(id))
      if (mode === 'create') {
        for (const id of mine) {
          const old = findWithParent(next, id)
          if (old) throw new UserError(`Cannot create ${kindName(r)} with ID '${id}': Found existing ${kindName(old.rsc)} with same ID.`, REFUSED)
        }
      }
      // borrowed members leave their old place (the top level, or the container being redefined)
      const moving = new Set(idsOf(r).filter((id) => id !== r.id))
      // members a redefined container no longer names stay, at the top level
      const old = findWithParent(next, r.id)?.rsc
      const dropped = old ? childrenOf(old).filter((c) => !moving.has(c.id)) : []
      next.resources = next.resources.filter((x) => !moving.has(x.id))
      if (!replaceInTree(next.resources, r)) {
        next.resources.push(r)
        redirectChildConstraints(next, r, notes)
      }
      next.resources.push(...(dropped as Resource[]))
    }
    for (const c of parsed.constraints) {
      const i = next.constraints.findIndex((x) => x.id === c.id)
      if (i >= 0 && mode === 'create') throw new UserError(`Cannot create ${c.kind} with ID '${c.id}': Found existing ${next.constraints[i]!.kind} with same ID.`, REFUSED)
      if (i >= 0) next.constraints[i] = c
      else if (existingIds.has(c.id)) throw new UserError(`Cannot create ${c.kind} with ID '${c.id}': the id is used by a resource`, REFUSED)
      else next.constraints.push(c)
    }
    const replaceSets = options.replaceSets ?? false
    mergeSets(next.crmConfig, parsed.crmConfig, replaceSets)
    mergeSets(next.rscDefaults, parsed.rscDefaults, replaceSets)
    mergeSets(next.opDefaults, parsed.opDefaults, replaceSets)
    next.otherSections.push(...parsed.otherSections)
  }
  for (const node of parsed.nodes) {
    const i = next.nodes.findIndex((n) => n.uname === node.uname)
    if (i >= 0) next.nodes[i] = {...node, id: next.nodes[i]!.id}
    else next.nodes.push(node)
  }
  return {cib: next, configChanged: configurationText(next) !== configurationText(cib), statusOps: [], notes}
}

function configurationText(cib: Cib): string {
  return printCibXml({...cib, status: []})
}

// ------------------------------------------------------------------ references

function setsOf(c: Constraint): ResourceSet[] {
  return c.resourceSets ?? []
}

/** Every resource id a constraint names. */
function references(c: Constraint): string[] {
  const ids = setsOf(c).flatMap((s) => s.resources)
  if (c.kind === 'location' && c.rsc) ids.push(c.rsc)
  if (c.kind === 'colocation') ids.push(...[c.rsc, c.withRsc].filter((x): x is string => !!x))
  if (c.kind === 'order') ids.push(...[c.first, c.then].filter((x): x is string => !!x))
  if (c.kind === 'ticket' && c.attributes.rsc) ids.push(c.attributes.rsc)
  return ids
}

function renameReference(c: Constraint, from: string, to: string): boolean {
  let changed = false
  const swap = (v: string | undefined): string | undefined => {
    if (v !== from) return v
    changed = true
    return to
  }
  if (c.kind === 'location') c.rsc = swap(c.rsc)
  if (c.kind === 'colocation') {
    c.rsc = swap(c.rsc)
    c.withRsc = swap(c.withRsc)
  }
  if (c.kind === 'order') {
    c.first = swap(c.first)
    c.then = swap(c.then)
  }
  if (c.kind === 'ticket' && c.attributes.rsc === from) {
    c.attributes.rsc = to
    changed = true
  }
  for (const s of setsOf(c)) s.resources = s.resources.map((id) => swap(id)!)
  return changed
}

function constraintLabel(c: Constraint): string {
  return `${c.kind === 'ticket' ? 'rsc_ticket' : c.kind}:${c.id}`
}

/** Drops a resource from a constraint; true when the constraint is left meaningless (crmsh's "silly"). */
function dropReference(c: Constraint, id: string): boolean {
  if (c.resourceSets && c.resourceSets.length > 0) {
    for (const s of c.resourceSets) s.resources = s.resources.filter((r) => r !== id)
    c.resourceSets = c.resourceSets.filter((s) => s.resources.length > 0)
    const left = c.resourceSets.reduce((n, s) => n + s.resources.length, 0)
    return c.kind === 'location' || c.kind === 'ticket' ? left < 1 : left <= 1
  }
  return references(c).includes(id)
}

/**
 * A new container takes over its members' constraints (crmsh's _redirect_children_constraints):
 * references to a direct member now name the container; a constraint left naming the container
 * twice is dropped.
 */
function redirectChildConstraints(cib: Cib, container: AnyResource, notes: string[]): void {
  for (const child of childrenOf(container)) {
    for (const c of cib.constraints) if (renameReference(c, child.id, container.id)) notes.push(`INFO: modified ${constraintLabel(c)} from ${child.id} to ${container.id}`)
  }
  cib.constraints = cib.constraints.filter((c) => {
    if (c.kind === 'location' || c.kind === 'ticket' || c.resourceSets?.length) return true
    const refs = references(c)
    return !(refs.length === 2 && refs[0] === container.id && refs[1] === container.id)
  })
}

// ------------------------------------------------------------------ delete, rename

export interface DeleteOptions {
  /** Resources active now (crmsh refuses to delete a running, managed primitive or clone). */
  running: Set<string>
  force?: boolean
  /** Skip ids that are gone (an edit's removed constraint that an earlier deletion took with it as hanging). */
  missingOk?: boolean
}

export function deleteObjects(cib: Cib, ids: string[], options: DeleteOptions): AdminEdit {
  const next = structuredClone(cib)
  const notes: string[] = []
  for (const id of ids) {
    const found = findWithParent(next, id)
    if (found) {
      if (!options.force && found.rsc.kind !== 'group' && options.running.has(id)) throw new UserError(`resource ${id} is running, can't delete it`, REFUSED)
      deleteResource(next, found.rsc, found.parent, notes)
      continue
    }
    const c = next.constraints.findIndex((x) => x.id === id)
    if (c >= 0) {
      next.constraints.splice(c, 1)
      continue
    }
    let done = false
    for (const sets of [next.crmConfig, next.rscDefaults, next.opDefaults]) {
      const i = sets.findIndex((s) => s.id === id)
      if (i >= 0) {
        sets.splice(i, 1)
        done = true
      }
    }
    if (!done && !options.missingOk) throw new UserError(`object ${id} does not exist`, REFUSED)
  }
  return {cib: next, configChanged: configurationText(next) !== configurationText(cib), statusOps: [], notes}
}

function deleteResource(cib: Cib, rsc: AnyResource, parent: AnyResource | undefined, notes: string[]): void {
  // a container's children are not deleted: they go to the top level
  const children = childrenOf(rsc)
  if (parent?.kind === 'group') parent.children = parent.children.filter((c) => c.id !== rsc.id)
  else if (parent?.kind === 'clone') throw new UserError(`${rsc.id} is the child of clone ${parent.id}: delete the clone first`, REFUSED)
  const at = cib.resources.findIndex((r) => r.id === rsc.id)
  if (at >= 0) cib.resources.splice(at, 1, ...(children as Resource[]))
  else cib.resources.push(...(children as Resource[]))
  const kept: Constraint[] = []
  for (const c of cib.constraints) {
    if (!references(c).includes(rsc.id)) {
      kept.push(c)
      continue
    }
    // a simple constraint on a container passes to its first child
    if (!c.resourceSets?.length && children[0] && renameReference(c, rsc.id, children[0].id)) {
      notes.push(`INFO: modified ${constraintLabel(c)} from ${rsc.id} to ${children[0].id}`)
      kept.push(c)
      continue
    }
    if (dropReference(c, rsc.id)) notes.push(`INFO: hanging ${constraintLabel(c)} deleted`)
    else {
      notes.push(`INFO: constraint ${constraintLabel(c)} updated`)
      kept.push(c)
    }
  }
  cib.constraints = kept
}

export function renameObject(cib: Cib, from: string, to: string, options: DeleteOptions): AdminEdit {
  const next = structuredClone(cib)
  const notes: string[] = []
  if (!/^[A-Za-z_][\w.:-]*$/.test(to)) throw new UserError(`${to}: not a valid id`, REFUSED)
  const taken = findWithParent(next, to) || next.constraints.some((c) => c.id === to)
  if (taken) throw new UserError(`id ${to} is already in use`, REFUSED)
  const found = findWithParent(next, from)
  if (found) {
    if (!options.force && options.running.has(from)) throw new UserError(`resource ${from} is running, can't rename it`, REFUSED)
    found.rsc.id = to
    for (const c of next.constraints) if (renameReference(c, from, to)) notes.push(`INFO: modified ${constraintLabel(c)} from ${from} to ${to}`)
  } else {
    const c = next.constraints.find((x) => x.id === from)
    if (!c) throw new UserError(`object ${from} does not exist`, REFUSED)
    c.id = to
  }
  return {cib: next, configChanged: true, statusOps: [], notes}
}

// ------------------------------------------------------------------ edit

/** Statement key → its words (formatting and continuations do not count). */
function statementsByKey(text: string, file: string): Map<string, {words: string; head: string; id: string}> {
  const out = new Map<string, {words: string; head: string; id: string}>()
  for (const st of tokenize(text, file)) {
    const head = st.tokens[0]?.text ?? ''
    const words = st.tokens.map((t) => JSON.stringify(t.text)).join(' ')
    // an xml statement has no id of its own: its text is its key
    const id = head === 'xml' ? words : (st.tokens[1]?.text ?? '').replace(/:$/, '')
    out.set(`${head} ${id}`, {words, head, id})
  }
  return out
}

/**
 * `crm configure edit`: only the statements the user changed or added are applied (as load update,
 * attribute sets replaced rather than merged); objects whose statement was removed are deleted.
 * Unchanged objects keep their XML as it was (ids included). `edited` is parsed whole first, so
 * errors point at the user's file.
 */
export function applyEditedText(cib: Cib, original: string, edited: string, file: string, options: DeleteOptions): AdminEdit {
  parseWithMembers(cib, edited, file)
  const before = statementsByKey(original, 'original')
  const after = statementsByKey(edited, file)
  const changed = tokenize(edited, file).filter((st) => {
    const head = st.tokens[0]?.text ?? ''
    const key = head === 'xml' ? `xml ${st.tokens.map((t) => JSON.stringify(t.text)).join(' ')}` : `${head} ${(st.tokens[1]?.text ?? '').replace(/:$/, '')}`
    return before.get(key)?.words !== after.get(key)?.words
  })
  const removed = [...before.entries()].filter(([key, st]) => !after.has(key) && st.head !== 'node' && st.head !== 'xml').map(([, st]) => st.id)
  let edit: AdminEdit = {cib, configChanged: false, statusOps: [], notes: []}
  if (changed.length > 0) edit = loadConfiguration(cib, changed.map((st) => st.source).join('\n') + '\n', file, 'update', {replaceSets: true})
  if (removed.length > 0) {
    const gone = deleteObjects(edit.cib, removed, {...options, missingOk: true})
    edit = {...gone, notes: [...edit.notes, ...gone.notes]}
  }
  return {...edit, configChanged: configurationText(edit.cib) !== configurationText(cib)}
}

// ------------------------------------------------------------------ show ID…

/** A printed configuration cut into statements (a statement's continuation lines start with a tab). */
function statements(text: string): string[] {
  const out: string[] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    if (/^\s/.test(line) && out.length > 0) out[out.length - 1] += `\n${line}`
    else out.push(line)
  }
  return out
}

/**
 * `crm configure show ID…`: the statements of the given objects (a node also by name), in the
 * printed order. `plain` and `styled` are the same print without and with colours.
 */
export function selectStatements(plain: string, styled: string, ids: string[]): string {
  const names = statements(plain)
  const shown = statements(styled)
  const wanted = new Set(ids)
  const found = new Set<string>()
  const keep: string[] = []
  names.forEach((statement, i) => {
    const words = statement.split(/\s+/)
    const keys = [words[1]?.replace(/:$/, ''), words[0] === 'node' ? words[2]?.replace(/:.*$/, '') : undefined].filter((k): k is string => !!k)
    const hit = keys.find((k) => wanted.has(k))
    if (hit === undefined) return
    found.add(hit)
    keep.push(shown[i] ?? statement)
  })
  const missing = ids.filter((id) => !found.has(id))
  if (missing.length > 0) throw new UserError(`object ${missing.join(', ')} does not exist`, REFUSED)
  return keep.join('\n') + '\n'
}
