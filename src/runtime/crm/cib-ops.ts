/**
 * The CIB as the CRM runtime replicates it: version tuples, digests, and the
 * operations that change it. Every node applies the same operations in the
 * order the DC gives them, so each function here is pure and deterministic
 * (the DC supplies the time and origin of a change; nothing reads the clock).
 * Reference: pacemaker-runtime.md §5.2 (versions), §5.3 (replication), §5.4 (digest).
 */
import {createHash} from 'node:crypto'
import type {Cib, LrmOperation, LrmResource, NodeState, NvSet} from '../../formats/cib/model.js'
import {escapeAttr, parseCibXml, parseXmlTree, printCibXml, type XmlElement} from '../../formats/cib/xml.js'
import type {StatusChange} from './controller-types.js'
import {applyStatusChanges} from './history.js'

export interface CibVersion {
  adminEpoch: number
  epoch: number
  numUpdates: number
}

const int = (v: string | undefined): number => {
  const n = Number.parseInt(v ?? '0', 10)
  return Number.isFinite(n) && n >= 0 ? n : 0
}

export function cibVersion(cib: Cib): CibVersion {
  return {adminEpoch: int(cib.attributes.admin_epoch), epoch: int(cib.attributes.epoch), numUpdates: int(cib.attributes.num_updates)}
}

export function setCibVersion(cib: Cib, v: CibVersion): void {
  cib.attributes.admin_epoch = String(v.adminEpoch)
  cib.attributes.epoch = String(v.epoch)
  cib.attributes.num_updates = String(v.numUpdates)
}

/** < 0 when a is older than b: admin_epoch, then epoch, then num_updates (§5.2). */
export function compareVersions(a: CibVersion, b: CibVersion): number {
  return a.adminEpoch - b.adminEpoch || a.epoch - b.epoch || a.numUpdates - b.numUpdates
}

/** `0.6.40`, as Pacemaker's logs write a version. */
export function formatVersion(v: CibVersion): string {
  return `${v.adminEpoch}.${v.epoch}.${v.numUpdates}`
}

export function parseVersion(text: string): CibVersion | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text)
  return m ? {adminEpoch: Number(m[1]), epoch: Number(m[2]), numUpdates: Number(m[3])} : undefined
}

// ------------------------------------------------------------------ digests

/** Compact serialisation as Pacemaker's digests see it: document-order attributes, no whitespace between elements. */
export function compactXml(el: XmlElement): string {
  if (el.name === '#comment') return `<!--${el.comment ?? ''}-->`
  let out = `<${el.name}`
  for (const [k, v] of Object.entries(el.attrs)) out += ` ${k}="${escapeAttr(v)}"`
  const kids = el.children.filter((c) => c.name !== '#comment' || c.comment !== undefined)
  if (kids.length === 0 && el.text === undefined) return out + '/>'
  out += '>'
  if (el.text !== undefined) out += el.text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  for (const c of kids) out += compactXml(c)
  return out + `</${el.name}>`
}

/** Pacemaker's on-disk digest (`cib.xml.sig`, `cibadmin -5`): MD5 of " " + compact XML + "\n". */
export function xmlDigest(xmlText: string, file = 'cib.xml'): string {
  return createHash('md5').update(' ' + compactXml(parseXmlTree(xmlText, file)) + '\n').digest('hex')
}

/** Digest of a whole replica (configuration and status), compared after every replicated change. */
export function cibDigest(cib: Cib): string {
  return createHash('md5').update(printCibXml(cib)).digest('hex')
}

/** The CIB as every node will hold it after printing and parsing (ids filled in), so replicas compare equal. */
export function normalizeCib(cib: Cib): Cib {
  return parseCibXml(printCibXml(cib), 'CIB')
}

export function cloneCib(cib: Cib): Cib {
  return structuredClone(cib)
}

// ------------------------------------------------------------------ operations

/** A change to the CIB. Configuration changes bump epoch; status changes bump num_updates (§5.2). */
export type CibOp =
  /**
   * Replace the whole configuration (crm `configure load replace`, cibadmin --replace of configuration).
   * With `ifVersion` (`admin_epoch.epoch.num_updates` of the CIB the edit was made from) the change is
   * refused when the configuration changed since then: an admin's read-modify-replace never overwrites
   * a concurrent change (checkVersion).
   */
  | {op: 'replace-configuration'; xml: string; ifVersion?: string}
  /** Set (or with value undefined delete) cluster options in cib-bootstrap-options. */
  | {op: 'set-cluster-options'; options: Record<string, string | undefined>}
  /** Set or (value undefined) delete permanent node attributes (`crm_attribute -l forever`): configuration. */
  | {op: 'node-attributes'; uname: string; attributes: Record<string, string | undefined>}
  /** Add `<node>` entries for nodes not listed yet. */
  | {op: 'ensure-nodes'; nodes: Array<{id: string; uname: string}>}
  /** Attributes of <cib> that are not versions: have-quorum, dc-uuid (status-like: num_updates+1). */
  | {op: 'cib-attributes'; attributes: Record<string, string>}
  /** Merge attributes into a node's node_state (creating it). */
  | {op: 'node-state'; id: string; uname: string; attributes: Record<string, string>}
  /** Replace a node's whole executor history (join confirmation). */
  | {op: 'node-lrm'; id: string; uname: string; lrm: LrmResource[]}
  /** Record one operation result (replaces the entry with the same id). */
  | {op: 'lrm-op'; id: string; uname: string; resource: Omit<LrmResource, 'operations'>; record: LrmOperation}
  /** Delete a resource's history on a node (cleanup), or one entry of it. */
  | {op: 'lrm-delete'; id: string; resource: string; opId?: string}
  /** Set or (value undefined) delete transient node attributes. */
  | {op: 'transient-attributes'; id: string; uname: string; attributes: Record<string, string | undefined>}
  /** Drop every transient attribute of a node (node left or restarted). */
  | {op: 'clear-transient'; id: string}
  /** The controller's status changes (history, node_state, attributes), applied as history.ts does. */
  | {op: 'status-changes'; changes: StatusChange[]}

/** Who made a change and when: the DC decides it once, every replica writes the same. */
export interface ChangeMeta {
  origin: string
  client: string
  /** ctime-style time string (`Sat Nov 21 23:50:47 2026`). */
  time: string
}

export function isConfigurationOp(op: CibOp): boolean {
  return op.op === 'replace-configuration' || op.op === 'set-cluster-options' || op.op === 'ensure-nodes' || op.op === 'node-attributes'
}

export function ctimeString(ms: number): string {
  const d = new Date(ms)
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getDay()]
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()]
  const p = (n: number) => String(n).padStart(2, '0')
  return `${day} ${month} ${String(d.getDate()).padStart(2, ' ')} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${d.getFullYear()}`
}

export interface ApplyResult {
  /** False when the operation changes nothing (no version bump, nothing to replicate). */
  changed: boolean
  configChanged: boolean
}

function nodeState(cib: Cib, id: string, uname: string): NodeState {
  let state = cib.status.find((s) => s.id === id)
  if (!state) {
    state = {id, uname, attributes: {id, uname}, transientAttributes: [], lrmResources: []}
    cib.status.push(state)
  }
  return state
}

function bootstrapSet(cib: Cib): NvSet {
  let set = cib.crmConfig.find((s) => s.id === 'cib-bootstrap-options')
  if (!set) {
    set = {id: 'cib-bootstrap-options', pairs: []}
    cib.crmConfig.unshift(set)
  }
  return set
}

/** Copies `values` into `into`; whether anything changed. */
function assignChanged(into: Record<string, string>, values: Record<string, string>): boolean {
  let changed = false
  for (const [k, v] of Object.entries(values)) {
    if (into[k] !== v) {
      into[k] = v
      changed = true
    }
  }
  return changed
}

/**
 * Applies one operation in place and bumps the version as Pacemaker does.
 * The same (cib, op, meta) gives the same result on every node.
 */
export function applyCibOp(cib: Cib, op: CibOp, meta: ChangeMeta): ApplyResult {
  const changed = applyWithoutVersion(cib, op)
  if (!changed) return {changed: false, configChanged: false}
  const v = cibVersion(cib)
  const configChanged = isConfigurationOp(op)
  setCibVersion(cib, configChanged ? {...v, epoch: v.epoch + 1, numUpdates: 0} : {...v, numUpdates: v.numUpdates + 1})
  if (configChanged) {
    cib.attributes['cib-last-written'] = meta.time
    cib.attributes['update-origin'] = meta.origin
    cib.attributes['update-client'] = meta.client
  }
  return {changed: true, configChanged}
}

/** Starts the error of a versioned replace whose CIB moved on; clients map it to cibadmin's exit code 103. */
export const VERSION_CONFLICT = 'CIB changed in the meantime'

/**
 * A versioned replace applies only to the configuration it was made from. Only admin_epoch and
 * epoch count (as crmsh's "CIB changed in the meantime" check): num_updates moves with every status
 * update, which a configuration replace never touches, so it cannot lose one.
 */
function checkVersion(cib: Cib, ifVersion: string): void {
  const base = parseVersion(ifVersion)
  if (!base) throw new Error(`malformed CIB version "${ifVersion}" (admin_epoch.epoch.num_updates)`)
  const now = cibVersion(cib)
  if (now.adminEpoch !== base.adminEpoch || now.epoch !== base.epoch) {
    throw new Error(`${VERSION_CONFLICT}: the change was made from version ${ifVersion}, the cluster's configuration is now at ${formatVersion(now)}; nothing was changed (re-read the CIB and repeat the edit)`)
  }
}

function applyWithoutVersion(cib: Cib, op: CibOp): boolean {
  switch (op.op) {
    case 'replace-configuration': {
      if (op.ifVersion !== undefined) checkVersion(cib, op.ifVersion)
      const next = parseCibXml(op.xml, 'configuration')
      const before = printCibXml({...cib, status: []})
      cib.crmConfig = next.crmConfig
      cib.nodes = next.nodes
      cib.resources = next.resources
      cib.constraints = next.constraints
      cib.rscDefaults = next.rscDefaults
      cib.opDefaults = next.opDefaults
      cib.otherSections = next.otherSections
      // the printer fills in ids: keep the replica as every node will parse it
      const normal = normalizeCib({...cib, status: []})
      Object.assign(cib, {...normal, status: cib.status, attributes: cib.attributes})
      return printCibXml({...cib, status: []}) !== before
    }
    case 'set-cluster-options':
      return setPairs(bootstrapSet(cib), op.options, (name) => `cib-bootstrap-options-${name}`)
    case 'ensure-nodes': {
      let changed = false
      for (const n of op.nodes) {
        if (cib.nodes.some((x) => x.uname.toLowerCase() === n.uname.toLowerCase())) continue
        cib.nodes.push({id: n.id, uname: n.uname, instanceAttributes: [], utilization: []})
        changed = true
      }
      return changed
    }
    case 'node-attributes': {
      let node = cib.nodes.find((n) => n.uname.toLowerCase() === op.uname.toLowerCase())
      if (!node) {
        node = {id: op.uname, uname: op.uname, instanceAttributes: [], utilization: []}
        cib.nodes.push(node)
      }
      let set = node.instanceAttributes[0]
      if (!set) {
        set = {id: `nodes-${node.id}`, pairs: []}
        node.instanceAttributes.push(set)
      }
      const changed = setPairs(set, op.attributes, (name) => `nodes-${node.id}-${name}`)
      return changed
    }
    case 'cib-attributes':
      return assignChanged(cib.attributes, op.attributes)
    case 'node-state':
      return assignChanged(nodeState(cib, op.id, op.uname).attributes, op.attributes)
    case 'node-lrm': {
      const state = nodeState(cib, op.id, op.uname)
      state.lrmResources = structuredClone(op.lrm)
      return true
    }
    case 'lrm-op': {
      const state = nodeState(cib, op.id, op.uname)
      let rsc = state.lrmResources.find((r) => r.id === op.resource.id)
      if (!rsc) {
        rsc = {...structuredClone(op.resource), operations: []}
        state.lrmResources.push(rsc)
      }
      const i = rsc.operations.findIndex((o) => o.id === op.record.id)
      if (i >= 0) rsc.operations[i] = structuredClone(op.record)
      else rsc.operations.push(structuredClone(op.record))
      return true
    }
    case 'lrm-delete': {
      const state = cib.status.find((s) => s.id === op.id)
      if (!state) return false
      const i = state.lrmResources.findIndex((r) => r.id === op.resource)
      if (i < 0) return false
      if (op.opId === undefined) {
        state.lrmResources.splice(i, 1)
        return true
      }
      const ops = state.lrmResources[i]!.operations
      const j = ops.findIndex((o) => o.id === op.opId)
      if (j < 0) return false
      ops.splice(j, 1)
      return true
    }
    case 'transient-attributes': {
      const state = nodeState(cib, op.id, op.uname)
      let set = state.transientAttributes[0]
      if (!set) {
        set = {id: `status-${op.id}`, pairs: []}
        state.transientAttributes.push(set)
      }
      const changed = setPairs(set, op.attributes, (name) => `status-${op.id}-${name.replace(/#/g, '.')}`)
      if (set.pairs.length === 0) state.transientAttributes = []
      return changed
    }
    case 'clear-transient': {
      const state = cib.status.find((s) => s.id === op.id)
      if (!state || state.transientAttributes.length === 0) return false
      state.transientAttributes = []
      return true
    }
    case 'status-changes':
      if (op.changes.length === 0) return false
      applyStatusChanges(cib, op.changes)
      return true
  }
}

/** The node id a uname has in this CIB (`<node id=… uname=…>`), else the uname itself. */
export function nodeIdOf(cib: Cib, uname: string): string {
  return cib.nodes.find((n) => n.uname.toLowerCase() === uname.toLowerCase())?.id ?? uname
}

export function clusterOption(cib: Cib, name: string): string | undefined {
  for (const set of cib.crmConfig) for (const p of set.pairs) if (p.name === name) return p.value
  return undefined
}

/** Sets (a value) or removes (undefined) each attribute in an nvpair set; true when anything changed. */
function setPairs(set: NvSet, attributes: Record<string, string | undefined>, idFor: (name: string) => string): boolean {
  let changed = false
  for (const [name, value] of Object.entries(attributes)) {
    const i = set.pairs.findIndex((p) => p.name === name)
    if (value === undefined) {
      if (i >= 0) {
        set.pairs.splice(i, 1)
        changed = true
      }
    } else if (i < 0) {
      set.pairs.push({id: idFor(name), name, value})
      changed = true
    } else if (set.pairs[i]!.value !== value) {
      set.pairs[i]!.value = value
      changed = true
    }
  }
  return changed
}
