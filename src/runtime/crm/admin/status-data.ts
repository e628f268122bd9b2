/**
 * What `crm_mon` knows about a cluster, as one plain data object: the
 * summary, nodes, resources, node attributes, operation history, failures
 * and bans — the content of crm_mon 2.1.5's XML (`--output-as xml`), built
 * from a CIB by the scheduler's unpacking (no placement is computed, as
 * crm_mon does not). Pure: CIB and "now" in, data out. `--json` prints it,
 * status-xml.ts writes crm_mon's XML from it.
 */
import type {Cib, LrmOperation} from '../../../formats/cib/model.js'
import {failCount} from '../../scheduler/unpack.js'
import {intervalMs} from '../../scheduler/scores.js'
import {nodeHealth} from '../../scheduler/health.js'
import {type Rsc, Role, ROLE_NAMES, type SNode, type WorkingSet} from '../../scheduler/types.js'
import {clusterOption, ctimeString} from '../cib-ops.js'

export interface CurrentDc {present: boolean; version?: string; name?: string; id?: string; withQuorum?: boolean; mixedVersion?: boolean}

export interface StatusSummary {
  stack: string
  currentDc: CurrentDc
  lastUpdate: string
  lastChange: {time: string; user: string; client: string; origin: string}
  nodesConfigured: number
  resourcesConfigured: {number: number; disabled: number; blocked: number}
  clusterOptions: {
    stonithEnabled: boolean; symmetricCluster: boolean; noQuorumPolicy: string; maintenanceMode: boolean
    stopAllResources: boolean; stonithTimeoutMs: number; priorityFencingDelayMs: number
  }
}

export interface NodeData {
  name: string; id: string; online: boolean; standby: boolean; standbyOnfail: boolean; maintenance: boolean
  pending: boolean; unclean: boolean; health: 'red' | 'yellow' | 'green'; featureSet?: string; shutdown: boolean
  expectedUp: boolean; isDc: boolean; resourcesRunning: number; type: 'member' | 'remote'
}

export interface PrimitiveData {
  kind: 'primitive'; id: string; resourceAgent: string; role: string; targetRole?: string; active: boolean
  orphaned: boolean; blocked: boolean; managed: boolean; failed: boolean; failureIgnored: boolean
  nodesRunningOn: number; lockedTo?: string; nodes: {name: string; id: string; cached: boolean}[]
}
export interface GroupData {kind: 'group'; id: string; numberResources: number; managed: boolean; disabled: boolean; resources: PrimitiveData[]}
export interface CloneData {
  kind: 'clone'; id: string; multiState: boolean; unique: boolean; managed: boolean; disabled: boolean; failed: boolean
  failureIgnored: boolean; targetRole?: string; resources: (PrimitiveData | GroupData)[]
}
export type ResourceData = PrimitiveData | GroupData | CloneData

export interface OperationData {
  call: string; task: string; rc: number; rcText: string; interval?: string
  lastRcChange?: string; execTime?: string; queueTime?: string
}
export interface ResourceHistoryData {
  id: string; orphan: boolean; migrationThreshold?: number; failCount?: number; lastFailure?: string; operations: OperationData[]
}

export interface FailureData {
  /** the operation key, or (opKey absent) the history entry's id */
  opKey?: string; id?: string; node: string; exitstatus: string; exitreason: string; exitcode: number; call: string; status: string
  lastRcChange?: string; queued?: string; exec?: string; interval?: number; task?: string
  /** for the text view */
  rscId: string; lastRcChangeEpoch?: number; execMs?: number
}

/** expected: for the attribute a ping resource maintains, the score when every host answers */
export interface NodeAttributeData {name: string; value: string; expected?: number}

export interface BanData {id: string; resource: string; node: string; weight: number; promotedOnly: boolean}

export interface StatusData {
  summary: StatusSummary
  nodes: NodeData[]
  resources: ResourceData[]
  nodeAttributes: {node: string; attributes: NodeAttributeData[]}[]
  /** absent when no online node has a status entry */
  nodeHistory?: {node: string; resources: ResourceHistoryData[]}[]
  failures: FailureData[]
  bans: BanData[]
}

export const RC_TEXT: Record<string, string> = {
  0: 'ok', 1: 'error', 2: 'invalid parameter', 3: 'unimplemented feature', 4: 'insufficient privileges', 5: 'not installed',
  6: 'not configured', 7: 'not running', 8: 'promoted', 9: 'promoted (failed)', 190: 'OCF_DEGRADED', 191: 'promoted (degraded)',
}
/** Pacemaker 2.1.5's execution statuses (PCMK_EXEC_*) as crm_mon names them. */
export const EXEC_TEXT: Record<string, string> = {
  '-1': 'pending', 0: 'complete', 1: 'Cancelled', 2: 'Timed Out', 3: 'Unsupported', 4: 'Error', 5: 'Hard error', 6: 'Fatal error',
  7: 'Not installed', 8: 'Internal communication failure', 9: 'Cannot execute now', 10: 'No fence device', 11: 'No secrets',
}

export function rcText(rc: number): string {
  return RC_TEXT[rc] ?? 'unknown'
}

function isTrue(v: string | undefined): boolean {
  return v !== undefined && ['true', 'on', 'yes', 'y', '1'].includes(v.toLowerCase())
}

export function leaves(r: Rsc): Rsc[] {
  return r.children.length === 0 ? [r] : r.children.flatMap(leaves)
}

/** target-role Stopped on the resource or a parent (what crm_mon counts as DISABLED). */
export function isDisabled(r: Rsc): boolean {
  for (let x: Rsc | undefined = r; x; x = x.parent) {
    const role = x.meta.get('target-role')
    if (role !== undefined) return role.toLowerCase() === 'stopped'
  }
  return false
}

function topOf(r: Rsc): Rsc {
  let x = r
  while (x.parent) x = x.parent
  return x
}

/** native_active: running on an unclean node, an online one, or (unmanaged) an offline one. */
function primitiveActive(r: Rsc): boolean {
  return r.runningOn.some((n) => (n.unpackedUnclean ?? n.unclean) || (n.unpackedOnline ?? n.online) || !r.managed)
}

/** rsc->fns->active(rsc, all): a collective is active when all (or any) of its children are. */
export function isActive(r: Rsc, all: boolean): boolean {
  if (r.variant === 'primitive') return primitiveActive(r)
  const children = r.children
  if (children.length === 0) return false
  return all ? children.every((c) => isActive(c, true)) : children.some((c) => isActive(c, false))
}

/** crm_mon's node feature set: only for online cluster nodes ("<3.15.1" when they do not say). */
function featureSet(n: SNode): string | undefined {
  if (!(n.unpackedOnline ?? n.online) || n.remote || n.guest) return undefined
  return n.attrs.get('#feature-set') ?? '<3.15.1'
}

export function summaryData(cib: Cib, ws: WorkingSet, now: number): StatusSummary {
  const dcId = cib.attributes['dc-uuid']
  const dc = dcId === undefined ? undefined : ws.nodes.find((n) => n.id === dcId)
  const sets = ws.nodes.map(featureSet).filter((f): f is string => f !== undefined)
  const currentDc: CurrentDc = dc
    ? {present: true, version: clusterOption(cib, 'dc-version') ?? '', name: dc.uname, id: dc.id, withQuorum: isTrue(cib.attributes['have-quorum']), mixedVersion: new Set(sets).size > 1}
    : {present: false}
  // pe__count_common: every primitive, orphans only while active
  const instances = ws.resources.flatMap(leaves).filter((r) => !r.orphan || r.role > Role.Stopped)
  const a = cib.attributes
  const ms = (name: string, fallback: number) => intervalMs(clusterOption(cib, name)) ?? fallback
  return {
    stack: clusterOption(cib, 'cluster-infrastructure') ?? 'unknown',
    currentDc,
    lastUpdate: ctimeString(now),
    lastChange: {time: a['cib-last-written'] ?? '', user: a['update-user'] ?? '', client: a['update-client'] ?? '', origin: a['update-origin'] ?? ''},
    nodesConfigured: ws.nodes.length,
    resourcesConfigured: {number: instances.length, disabled: instances.filter(isDisabled).length, blocked: instances.filter((r) => r.block).length},
    clusterOptions: {
      stonithEnabled: ws.options.stonithEnabled, symmetricCluster: ws.options.symmetric, noQuorumPolicy: ws.options.noQuorumPolicy,
      maintenanceMode: ws.options.maintenanceMode, stopAllResources: ws.options.stopAll,
      stonithTimeoutMs: ms('stonith-timeout', 60_000), priorityFencingDelayMs: ms('priority-fencing-delay', 0),
    },
  }
}

function nodeData(ws: WorkingSet, n: SNode, dcId: string | undefined): NodeData {
  const health = nodeHealth(ws, n)
  return {
    name: n.uname, id: n.id, online: n.unpackedOnline ?? n.online, standby: n.standby, standbyOnfail: n.standbyOnFail,
    maintenance: !!n.maintenance, pending: n.pending, unclean: n.unpackedUnclean ?? n.unclean,
    health: health < 0 ? 'red' : health === 0 ? 'yellow' : 'green', featureSet: featureSet(n), shutdown: n.shutdown,
    expectedUp: n.expectedUp, isDc: n.id === dcId, resourcesRunning: n.running.length, type: n.remote || n.guest ? 'remote' : 'member',
  }
}

/** The role crm_mon shows: a pending start or stop first, Started as Unpromoted inside a promotable clone. */
function displayedRole(r: Rsc): string {
  if (r.pendingNode && r.runningOn.length > 0) return 'Starting'
  const role = r.role === Role.Started && topOf(r).promotable ? Role.Unpromoted : r.role
  return ROLE_NAMES[role]
}

function printableId(r: Rsc): string {
  return r.unique || !r.parent ? r.id : r.id.replace(/:\d+$/, '')
}

function primitiveData(r: Rsc): PrimitiveData {
  const agent = r.cls === 'ocf' || r.provider ? `${r.cls}:${r.provider ?? ''}:${r.type}` : `${r.cls}:${r.type}`
  const was = r.unpacked ?? {managed: r.managed, block: r.block, lockNode: r.lockNode}
  return {
    kind: 'primitive', id: printableId(r), resourceAgent: agent, role: displayedRole(r), targetRole: r.meta.get('target-role'),
    active: isActive(r, true), orphaned: r.orphan, blocked: was.block, managed: was.managed, failed: r.failed,
    failureIgnored: r.failureIgnored, nodesRunningOn: r.runningOn.length, lockedTo: was.lockNode?.uname,
    nodes: r.runningOn.map((n) => ({name: n.uname, id: n.id, cached: n.unpackedOnline ?? n.online})),
  }
}

function resourceData(r: Rsc): ResourceData {
  if (r.variant === 'primitive') return primitiveData(r)
  const managed = r.unpacked?.managed ?? r.managed
  if (r.variant === 'group') {
    return {kind: 'group', id: r.id, numberResources: r.children.length, managed, disabled: isDisabled(r), resources: r.children.map(primitiveData)}
  }
  return {
    kind: 'clone', id: r.id, multiState: r.promotable, unique: r.unique, managed, disabled: isDisabled(r), failed: r.failed,
    failureIgnored: r.failureIgnored, targetRole: r.meta.get('target-role'),
    // the XML lists every instance, inactive orphans too (the text leaves those out)
    resources: r.children.map((c) => resourceData(c) as PrimitiveData | GroupData),
  }
}

/** Resources in the order crm_mon unpacks them: by priority (stable), then orphans still active. */
export function displayOrder(ws: WorkingSet): Rsc[] {
  const byPriority = ws.configOrder.map((r, i) => ({r, i})).sort((a, b) => b.r.priority - a.r.priority || a.i - b.i).map((x) => x.r)
  const orphans = ws.resources.filter((r) => !ws.configOrder.includes(r) && r.runningOn.length > 0)
  return [...byPriority, ...orphans].filter((r) => ws.resources.includes(r))
}

/** Attributes crm_mon never shows (its own bookkeeping). */
const HIDDEN_ATTRIBUTE = /^(fail-count-|last-failure-|shutdown|terminate|standby|#)/

/**
 * add_extra_info: the score a ping resource (type ping or pingd) writes into the attribute named
 * by its `name` parameter (default pingd) when all its hosts answer: multiplier × hosts.
 */
function pingExpected(resources: Rsc[], attribute: string): number | undefined {
  for (const r of resources) {
    const inChildren = pingExpected(r.children, attribute)
    if (inChildren !== undefined) return inChildren
    if (!['ping', 'pingd'].includes((r.type ?? '').toLowerCase()) || !r.prim) continue
    const params = new Map<string, string>()
    for (const set of r.prim.instanceAttributes) if (!set.rule) for (const p of set.pairs) if (!params.has(p.name)) params.set(p.name, p.value ?? '')
    if ((params.get('name') ?? 'pingd').toLowerCase() !== attribute.toLowerCase()) continue
    const hosts = params.get('host_list')
    const count = hosts === undefined ? 0 : hosts.split(' ').length
    const multiplier = /^-?\d+/.test(params.get('multiplier') ?? '') ? parseInt(params.get('multiplier')!, 10) : 1
    return multiplier * count
  }
  return undefined
}

/** Per online node: its permanent and transient attributes, sorted by name. */
export function nodeAttributes(cib: Cib, ws: WorkingSet): {node: string; attributes: NodeAttributeData[]}[] {
  const out: {node: string; attributes: NodeAttributeData[]}[] = []
  for (const n of ws.nodes) {
    if (!(n.unpackedOnline ?? n.online)) continue
    const attrs = new Map<string, string>()
    const node = cib.nodes.find((x) => x.id === n.id)
    for (const set of node?.instanceAttributes ?? []) if (!set.rule) for (const p of set.pairs) attrs.set(p.name, p.value ?? '')
    for (const set of cib.status.find((x) => x.id === n.id)?.transientAttributes ?? []) for (const p of set.pairs) attrs.set(p.name, p.value ?? '')
    const shown = [...attrs].filter(([name]) => !HIDDEN_ATTRIBUTE.test(name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    if (shown.length > 0) {
      out.push({node: n.uname, attributes: shown.map(([name, value]) => {
        const expected = pingExpected(ws.resources, name)
        return expected === undefined ? {name, value} : {name, value, expected}
      })})
    }
  }
  return out
}

/** The latest last-failure of a resource on a node (the scheduler sums the counts). */
function lastFailure(r: Rsc, n: SNode): number {
  const base = r.unique ? r.id : r.id.replace(/:\d+$/, '')
  let last = 0
  for (const [k, v] of n.attrs) {
    if (!k.startsWith('last-failure-')) continue
    const name = k.slice('last-failure-'.length).replace(/#.*$/, '')
    if (name === base || (!r.unique && name.replace(/:\d+$/, '') === base)) last = Math.max(last, Number(v) || 0)
  }
  return last
}

function findHistoryResource(ws: WorkingSet, id: string): Rsc | undefined {
  // an anonymous clone's history may name an instance number it no longer has
  const base = id.replace(/:\d+$/, '')
  return ws.byId.get(id) ?? ws.byId.get(`${id}:0`) ?? (base !== id ? (ws.byId.get(base) ?? ws.byId.get(`${base}:0`)) : undefined)
}

/** get_operation_list: no notifies, no probes that found the resource stopped, in call order. */
function operationList(ops: LrmOperation[]): LrmOperation[] {
  const list = ops.filter((op) => {
    const task = op.attributes.operation ?? op.operation
    const probe = task === 'monitor' && Number(op.attributes.interval ?? 0) === 0
    return task !== 'notify' && !(probe && Number(op.attributes['rc-code'] ?? 0) === 7)
  })
  const call = (op: LrmOperation) => Number(op.attributes['call-id'] ?? 0)
  return list.map((op, i) => ({op, i})).sort((x, y) => {
    const a = call(x.op)
    const b = call(y.op)
    if (a === -1 || b === -1) return a === b ? x.i - y.i : a === -1 ? 1 : -1
    if (a !== b) return a - b
    const la = Number(x.op.attributes['last-rc-change'] ?? -1)
    const lb = Number(y.op.attributes['last-rc-change'] ?? -1)
    return la >= 0 && lb >= 0 && la !== lb ? la - lb : x.i - y.i
  }).map((x) => x.op)
}

function epochText(v: string | undefined): string | undefined {
  return v !== undefined && /^\d+$/.test(v) && v !== '0' ? ctimeString(Number(v) * 1000) : undefined
}

/**
 * node_summary: per online node with a status entry (status order), each resource's history —
 * with `operations` every operation (-o), else only resources with a fail count (-f).
 */
export function nodeHistory(cib: Cib, ws: WorkingSet, operations: boolean, timing: boolean): {node: string; resources: ResourceHistoryData[]}[] | undefined {
  if (cib.status.length === 0) return undefined
  const out: {node: string; resources: ResourceHistoryData[]}[] = []
  for (const state of cib.status) {
    const n = ws.nodeById.get(state.id)
    if (!n || !(n.unpackedOnline ?? n.online)) continue
    const resources: ResourceHistoryData[] = []
    for (const lrm of state.lrmResources) {
      const r = findHistoryResource(ws, lrm.id)
      if (!r) {
        if (operations && operationList(lrm.operations).length > 0) resources.push({id: lrm.id, orphan: true, operations: []})
        continue
      }
      const count = failCount(ws, r, n)
      // pe_get_failcount reports the last failure only with a fail count
      const last = count > 0 ? lastFailure(r, n) : 0
      const history = (id: string): ResourceHistoryData => ({
        id, orphan: false, migrationThreshold: r.migrationThreshold,
        ...(count > 0 ? {failCount: Math.min(count, 1_000_000)} : {}),
        ...(last > 0 ? {lastFailure: ctimeString(last * 1000)} : {}),
        operations: [],
      })
      if (!operations) {
        if (count > 0) resources.push(history(lrm.id))
        continue
      }
      const ops = operationList(lrm.operations)
      if (ops.length === 0) continue
      const entry = history(printableId(r))
      for (const op of ops) {
        const a = op.attributes
        const task0 = a.operation ?? op.operation
        const interval = a.interval ?? '0'
        const rc = Number(a['rc-code'] ?? 0)
        const data: OperationData = {call: a['call-id'] ?? '', task: task0 === 'monitor' && Number(interval) === 0 ? 'probe' : task0, rc, rcText: rcText(rc)}
        if (interval !== '0') data.interval = `${interval}ms`
        if (timing) {
          const changed = epochText(a['last-rc-change'])
          if (changed) data.lastRcChange = changed
          if (a['exec-time'] !== undefined) data.execTime = `${a['exec-time']}ms`
          if (a['queue-time'] !== undefined) data.queueTime = `${a['queue-time']}ms`
        }
        entry.operations.push(data)
      }
      resources.push(entry)
    }
    out.push({node: n.uname, resources})
  }
  // the section is printed only when some online node has a status entry
  return out.length > 0 ? out : undefined
}

/** parse_op_key: RSC_TASK_INTERVAL (the resource id may contain underscores). */
function parseOpKey(key: string): {rsc: string; task: string; interval: number} | undefined {
  const m = /^(.+)_(migrate_to|migrate_from|[^_]+)_(\d+)$/.exec(key)
  return m ? {rsc: m[1]!, task: m[2]!, interval: Number(m[3])} : undefined
}

/** A probe whose failure only means "cannot run here" (pcmk_xe_mask_probe_failure): never listed. */
function maskedProbe(op: LrmOperation): boolean {
  const a = op.attributes
  if ((a.operation ?? op.operation) !== 'monitor' || Number(a.interval ?? 0) !== 0) return false
  return a['rc-code'] === '5' || a['rc-code'] === '2' || a['op-status'] === '7'
}

/** ISO-like time with zone, as crm_mon's XML writes last-rc-change of failures. */
function isoTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000)
  const p = (n: number) => String(n).padStart(2, '0')
  const off = -d.getTimezoneOffset()
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${p(Math.floor(Math.abs(off) / 60))}:${p(Math.abs(off) % 60)}`
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}${zone}`
}

/** Failed Resource Actions: what unpacking recorded as failed, masked probe failures left out. */
export function failures(ws: WorkingSet): FailureData[] {
  const out: FailureData[] = []
  for (const {op, node} of ws.failedOps ?? []) {
    if (maskedProbe(op)) continue
    const a = op.attributes
    const key = a.operation_key || op.id
    const parsed = parseOpKey(key)
    const named = a.operation_key ? {opKey: key} : {id: op.id}
    if (!parsed) continue
    const rc = Number(a['rc-code'] ?? 0)
    const status = a['op-status'] ?? '0'
    const changed = a['last-rc-change']
    const epoch = changed !== undefined && /^\d+$/.test(changed) && changed !== '0' ? Number(changed) : undefined
    const f: FailureData = {
      ...named, node: node.uname, exitstatus: rcText(rc), exitreason: a['exit-reason'] ?? 'none', exitcode: rc,
      call: a['call-id'] ?? '', status: EXEC_TEXT[status] ?? 'Error', rscId: parsed.rsc,
    }
    if (epoch !== undefined) {
      f.lastRcChangeEpoch = epoch
      f.lastRcChange = isoTime(epoch)
      if (a['queue-time'] !== undefined) f.queued = a['queue-time']
      if (a['exec-time'] !== undefined) f.exec = a['exec-time']
      f.interval = Number(a.interval ?? 0)
      f.task = a.operation ?? op.operation
    }
    if (a['exec-time'] !== undefined) f.execMs = Number(a['exec-time'])
    out.push(f)
  }
  return out
}

/**
 * Location constraints that keep a resource off a node (negative score), in unpacking order:
 * what crm_mon -L lists and its XML always carries. A rule's entry is named by the rule's id.
 */
export function bans(cib: Cib, ws: WorkingSet): BanData[] {
  const out: BanData[] = []
  const byId = new Map(cib.constraints.filter((c) => c.kind === 'location').map((c) => [c.id, c]))
  const seen = new Map<string, number>()
  const entries: BanData[][] = []
  for (const loc of ws.locations) {
    const c = byId.get(loc.id)
    if (!c || c.kind !== 'location') continue
    const k = `${loc.id}\0${loc.rsc.id}`
    const n = seen.get(k) ?? 0
    seen.set(k, n + 1)
    const ruleIndex = c.node !== undefined ? n - 1 : n
    const id = ruleIndex >= 0 ? (c.rules[ruleIndex]?.id ?? loc.id) : loc.id
    // generate_location_rule: an "and" rule starts from a copy of the node list (g_list_prepend: reversed),
    // an "or" rule appends the nodes that match (in order)
    const rule = ruleIndex >= 0 ? c.rules[ruleIndex] : undefined
    const nodes = rule && (rule.booleanOp ?? 'and') === 'and' ? [...loc.nodes].reverse() : loc.nodes
    const bansHere: BanData[] = []
    for (const {node, score} of nodes) {
      if (score < 0) bansHere.push({id, resource: printableId(loc.rsc), node: node.uname, weight: Math.max(score, -1_000_000), promotedOnly: loc.role === Role.Promoted})
    }
    entries.push(bansHere)
  }
  // Pacemaker prepends each new location to its list: the last configured comes first
  for (const e of entries.reverse()) out.push(...e)
  return out
}

export function statusData(cib: Cib, ws: WorkingSet, now: number, timing = true): StatusData {
  const dcId = cib.attributes['dc-uuid']
  return {
    summary: summaryData(cib, ws, now),
    nodes: ws.nodes.map((n) => nodeData(ws, n, dcId)),
    resources: displayOrder(ws).map(resourceData),
    nodeAttributes: nodeAttributes(cib, ws),
    nodeHistory: nodeHistory(cib, ws, true, timing)?.filter((h) => h.resources.length > 0),
    failures: failures(ws),
    bans: bans(cib, ws),
  }
}
