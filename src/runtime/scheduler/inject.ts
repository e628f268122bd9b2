/**
 * Event injection before scheduling, as crm_simulate does: nodes coming up,
 * going down cleanly or failing, standby, and failed operation results.
 * Works on a copy of the CIB model; the input is not modified.
 */
import type * as M from '../../formats/cib/model.js'
import {UserError} from '../../core/errors.js'

export interface Injections {
  nodeUp?: string[]
  nodeDown?: string[]
  nodeFail?: string[]
  standby?: string[]
  /** crm_simulate --op-inject (-i): RSC_TASK_INTERVAL@NODE[=RC], e.g. vip_monitor_10000@n1=7 (rc defaults to 1) */
  opFail?: string[]
  /** Sets have-quorum, as crm_simulate's --quorum does. */
  quorum?: boolean
  /** Sets have-watchdog, as crm_simulate's --watchdog does. */
  watchdog?: boolean
  now?: number
}

function nodeState(cib: M.Cib, uname: string): M.NodeState {
  let node = cib.nodes.find((n) => n.uname === uname)
  if (!node) {
    // crm_simulate adds a <node> entry (id = name) for a node the CIB does not list yet.
    node = {id: uname, uname, instanceAttributes: [], utilization: []}
    cib.nodes.push(node)
  }
  let ns = cib.status.find((s) => s.uname === uname || s.id === node.id)
  if (!ns) {
    ns = {id: node.id, uname, attributes: {id: node.id, uname}, transientAttributes: [], lrmResources: []}
    cib.status.push(ns)
  }
  return ns
}

function setNodeUp(ns: M.NodeState, up: boolean): void {
  Object.assign(ns.attributes, up
    ? {in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member'}
    : {in_ccm: 'false', crmd: 'offline', join: 'down', expected: 'down'})
}

function setTransient(ns: M.NodeState, name: string, value: string): void {
  if (ns.transientAttributes.length === 0) ns.transientAttributes.push({id: `status-${ns.id}`, pairs: []})
  const set = ns.transientAttributes[0]
  const p = set.pairs.find((x) => x.name === name)
  if (p) p.value = value
  else set.pairs.push({id: `status-${ns.id}-${name}`, name, value})
}

function getTransient(ns: M.NodeState, name: string): string | undefined {
  for (const s of ns.transientAttributes) for (const p of s.pairs) if (p.name === name) return p.value
  return undefined
}

function findPrimitive(cib: M.Cib, id: string): M.Primitive | undefined {
  for (const r of cib.resources) {
    if (r.kind === 'primitive' && r.id === id) return r
    if (r.kind === 'group') { const m = r.children.find((c) => c.id === id); if (m) return m }
    if (r.kind === 'clone') {
      const c = r.child
      if (c.kind === 'primitive' && c.id === id) return c
      if (c.kind === 'group') { const m = c.children.find((x) => x.id === id); if (m) return m }
    }
  }
  return undefined
}

function injectOpFail(cib: M.Cib, spec: string, now: number, report: string[]): void {
  const m = /^(.+)_([a-z_-]+)_(\d+)@([^=]+)(?:=(-?\d+))?$/.exec(spec)
  if (!m) throw new UserError(`--op-inject '${spec}': expected RESOURCE_TASK_INTERVAL@NODE[=RC], e.g. vip_monitor_10000@node1=7`)
  const [, rscId, task, interval, uname, rcText] = m
  const rc = rcText === undefined ? 1 : Number(rcText)
  const base = rscId.replace(/:\d+$/, '')
  const prim = findPrimitive(cib, base)
  if (!prim) throw new UserError(`--op-inject '${spec}': unknown resource '${rscId}'`)
  const ns = nodeState(cib, uname)
  let lrm = ns.lrmResources.find((r) => r.id === rscId)
  if (!lrm) {
    lrm = {id: rscId, class: prim.class, provider: prim.provider, type: prim.type, operations: []}
    ns.lrmResources.push(lrm)
  }
  let callId = 0
  for (const s of cib.status) for (const r of s.lrmResources) for (const o of r.operations) callId = Math.max(callId, Number(o.attributes['call-id'] ?? 0))
  const target = task === 'monitor' && interval === '0' ? 7 : 0
  const key = `1:1:${target}:hakit-inject`
  const ts = String(Math.floor(now / 1000))
  const attributes: Record<string, string> = {
    id: `${rscId}_last_failure_0`, operation_key: `${rscId}_${task}_${interval}`, operation: task, 'transition-key': key,
    'transition-magic': `0:${rc};${key}`, 'call-id': String(callId + 1), 'rc-code': String(rc), 'op-status': '0', interval,
    'last-rc-change': ts, 'exec-time': '0', 'queue-time': '0', on_node: uname,
  }
  lrm.operations.push({id: attributes.id, operation: task, attributes})
  report.push(`Injecting ${spec} into the configuration`)
  if (rc !== target && !(target === 7 && rc === 7)) {
    const name = `fail-count-${rscId}#${task}_${interval}`
    const old = getTransient(ns, name)
    const next = task === 'start' || task === 'stop' ? 'INFINITY' : old === 'INFINITY' ? 'INFINITY' : String((Number(old) || 0) + 1)
    setTransient(ns, name, next)
    setTransient(ns, `last-failure-${rscId}#${task}_${interval}`, ts)
    report.push(`Injecting attribute ${name}=value++ into /node_state '${ns.id}'`, `Injecting attribute last-failure-${rscId}#${task}_${interval}=${ts} into /node_state '${ns.id}'`)
  }
}

/** Returns a new CIB with the injected events applied. */
export function applyInjections(input: M.Cib, inj: Injections): M.Cib {
  return injectEvents(input, inj).cib
}

/** True when any injection is requested. */
export function hasInjections(inj: Injections): boolean {
  return inj.quorum !== undefined || inj.watchdog !== undefined || [inj.nodeUp, inj.nodeDown, inj.nodeFail, inj.standby, inj.opFail].some((l) => (l?.length ?? 0) > 0)
}

/**
 * Applies the injected events and reports them in crm_simulate's words (its
 * "Performing Requested Modifications" list), in crm_simulate's order.
 */
export function injectEvents(input: M.Cib, inj: Injections): {cib: M.Cib; report: string[]} {
  const cib: M.Cib = structuredClone(input)
  const report: string[] = []
  const now = inj.now ?? Date.now()
  if (inj.quorum !== undefined) {
    cib.attributes['have-quorum'] = inj.quorum ? '1' : '0'
    report.push(`Setting quorum: ${inj.quorum ? 1 : 0}`)
  }
  if (inj.watchdog !== undefined) {
    setClusterOption(cib, 'have-watchdog', inj.watchdog ? 'true' : 'false')
    report.push(`Setting watchdog: ${inj.watchdog ? 1 : 0}`)
  }
  for (const n of inj.nodeUp ?? []) {
    report.push(`Bringing node ${n} online`)
    setNodeUp(nodeState(cib, n), true)
  }
  for (const n of inj.nodeDown ?? []) {
    report.push(`Taking node ${n} offline`)
    const ns = nodeState(cib, n)
    setNodeUp(ns, false)
    ns.lrmResources = []
    ns.transientAttributes = []
  }
  for (const n of inj.nodeFail ?? []) {
    report.push(`Failing node ${n}`)
    const ns = nodeState(cib, n)
    setNodeUp(ns, true)
    ns.attributes.in_ccm = 'false'
  }
  for (const n of inj.standby ?? []) {
    report.push(`Putting node ${n} in standby`)
    setTransient(nodeState(cib, n), 'standby', 'on')
  }
  for (const spec of inj.opFail ?? []) injectOpFail(cib, spec, now, report)
  return {cib, report}
}

/** crm_simulate --watchdog sets have-watchdog in the cluster options. */
function setClusterOption(cib: M.Cib, name: string, value: string): void {
  for (const set of cib.crmConfig) {
    const p = set.pairs.find((x) => x.name === name)
    if (p) { p.value = value; return }
  }
  if (cib.crmConfig.length === 0) cib.crmConfig.push({id: 'cib-bootstrap-options', pairs: []})
  cib.crmConfig[0].pairs.push({id: `cib-bootstrap-options-${name}`, name, value})
}
