/**
 * The DC's controller (pacemaker-controld's transition engine), as a pure
 * state machine: events in, actions out (types in ./controller-types.ts).
 *
 * On every relevant change (configuration, node attributes, membership,
 * quorum, an unexpected operation result) it runs the scheduler on its view
 * of the CIB and executes the transition graph: actions fire when every
 * input is confirmed, pseudo-actions confirm at once, batch-limit caps what
 * is in flight, every operation has a timer of its timeout + cluster-delay.
 * A new event aborts the running transition: no new action fires, the ones
 * in flight finish and are recorded, then the scheduler runs again (after
 * transition-delay when set). Every result is written to the status section
 * as Pacemaker writes it (history.ts), failures set fail-count/last-failure
 * through attrd, failure-timeout expiry is re-checked on a timer set for the
 * exact instant, lost nodes are fenced (fencer.ts) before the scheduler
 * recovers their resources, and a node asking to shut down is told it may
 * go once nothing runs on it.
 *
 * Two things the scheduler's graph lacks are added here, as Pacemaker's
 * controller and graph have them: a recurring monitor waits for the
 * start/promote/demote of its resource on that node, and a resource's
 * recurring operations are cancelled before it is stopped, promoted or
 * demoted. After a transition completes the scheduler runs once more to
 * confirm that nothing further is planned (Pacemaker goes idle directly).
 */
import type * as M from '../../formats/cib/model.js'
import {type GraphAction, schedule, type Transition} from '../scheduler/index.js'
import {nvsetValues} from '../scheduler/resources.js'
import {INFINITY, intervalMs, isTrue, parseScoreText} from '../scheduler/scores.js'
import type {Rsc, WorkingSet} from '../scheduler/types.js'
import {operationDigests} from '../executor/digest.js'
import {ExecStatus, type OpResult} from '../executor/types.js'
import type {
  ControllerAction, ControllerConfig, ControllerEvent, ControllerSnapshot, ControllerTimers, LogLevel, LrmResourceRef, StatusChange,
} from './controller-types.js'
import {historyId, missingMonitors, notifyInfoFromMeta, onFailFor, opRequest} from './controller-ops.js'
import {fenceExecutor, fencePlan, fenceRetryDelay} from './fencer.js'
import {
  applyStatusChanges, CRM_FEATURE_SET, failCountName, findNodeState, getTransientAttr, judgeResult, lastFailureName,
  lrmResourceRef, nodeIdOf, opDigest, parseTransitionKey, pendingEntry, resultEntries, setTransientAttr, transientAttrs, transitionKey,
} from './history.js'

const DEFAULT_TIMERS: ControllerTimers = {fenceRetryMs: 1_000, fenceRetryMaxMs: 60_000}
const INFINITY_TEXT = 'INFINITY'
/** Longest a recurring operation's first run waits behind its node's starts and stops (see holdRecurring). */
const MAX_RECURRING_HOLD_MS = 2_000
/** Consecutive "complete, plan again" rounds without an outside event before we stop trusting the loop. */
const MAX_SETTLE_ROUNDS = 10

type RunKind = 'pseudo' | 'op' | 'fence' | 'notify' | 'cluster' | 'cancel' | 'delete' | 'clear-failcount'

interface RunAction {
  g: GraphAction
  kind: RunKind
  deps: number[]
  state: 'waiting' | 'in-flight' | 'done' | 'failed'
  /** op: where and on what (history id) it runs */
  node?: string
  rsc?: Rsc
  /** fence: the request id */
  fenceId?: string
  /** recurring op: since when it has been held behind state changes on its node */
  heldSince?: number
}

interface RunningTransition {
  id: number
  ws: WorkingSet
  actions: Map<number, RunAction>
  order: number[]
  aborted: boolean
  abortReason?: string
}

interface InFlightOp {
  node: string
  rscId: string
  ref: LrmResourceRef
  task: string
  interval: number
  key: string
  transitionId: number
  actionId: number
  digest: string
  onFail: string
  timer: string
  notify: boolean
  /** extra lrm_rsc_op attributes (migrate_source / migrate_target of a live migration) */
  extra?: Record<string, string>
}

interface InFlightFence {
  id: string
  target: string
  action: string
  transitionId: number
  actionId: number
  timer: string
}

interface ClusterSettings {
  clusterDelayMs: number
  transitionDelayMs: number
  batchLimit: number
  stonithTimeoutMs: number
  stonithMaxAttempts: number
  recheckIntervalMs: number
  recordPending: boolean
  startFailureIsFatal: boolean
}

function settingsOf(cib: M.Cib): ClusterSettings {
  const o = nvsetValues(cib.crmConfig, new Map(), 'cib-bootstrap-options')
  const ms = (name: string, dflt: number) => intervalMs(o.get(name)) ?? dflt
  const opDefaults = nvsetValues(cib.opDefaults)
  return {
    clusterDelayMs: ms('cluster-delay', 60_000),
    transitionDelayMs: intervalMs(o.get('transition-delay') ?? o.get('crmd-transition-delay')) ?? 0,
    batchLimit: parseScoreText(o.get('batch-limit'), 0),
    stonithTimeoutMs: ms('stonith-timeout', 60_000),
    stonithMaxAttempts: parseScoreText(o.get('stonith-max-attempts'), 10),
    recheckIntervalMs: ms('cluster-recheck-interval', 15 * 60_000),
    recordPending: opDefaults.has('record-pending') ? isTrue(opDefaults.get('record-pending')) : true,
    startFailureIsFatal: o.has('start-failure-is-fatal') ? isTrue(o.get('start-failure-is-fatal')) : true,
  }
}

/**
 * What others can change that the scheduler reads: the configuration and the transient node
 * attributes (the history and node states are the DC's own records, see cibChanged).
 */
function fingerprint(cib: M.Cib): string {
  const attrs = cib.status.map((ns) => [ns.id, ns.transientAttributes])
  return JSON.stringify([cib.crmConfig, cib.nodes, cib.resources, cib.constraints, cib.rscDefaults, cib.opDefaults, cib.otherSections, attrs])
}

function versionOf(cib: M.Cib): number[] {
  return ['admin_epoch', 'epoch', 'num_updates'].map((k) => Number(cib.attributes[k] ?? 0) || 0)
}

/** admin_epoch, then epoch, then num_updates (reference §5.2). */
function compareVersions(a: M.Cib, b: M.Cib): number {
  const x = versionOf(a)
  const y = versionOf(b)
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i]
  return 0
}

const versionText = (cib: M.Cib): string => versionOf(cib).join('.')

function resultText(rc: number, status: number): string {
  if (status === ExecStatus.Timeout) return 'Timed Out'
  if (status === ExecStatus.Cancelled) return 'Cancelled'
  if (status === ExecStatus.NotInstalled) return 'Not installed'
  if (status !== ExecStatus.Done && status !== ExecStatus.Error) return 'Error'
  return ({0: 'ok', 1: 'error', 2: 'invalid parameter', 3: 'unimplemented feature', 4: 'insufficient privileges', 5: 'not installed',
    6: 'not configured', 7: 'not running', 8: 'promoted', 9: 'promoted (failed)', 190: 'degraded', 191: 'promoted (degraded)'} as Record<number, string>)[rc] ?? 'error'
}

export class Controller {
  private readonly timers: ControllerTimers
  private isDc = false
  private view: M.Cib | null = null
  private members = new Set<string>()
  private quorate = false
  private settings: ClusterSettings | null = null
  private transitionId = -1
  private transition: RunningTransition | null = null
  private replanNeeded = false
  /** a join round is open: plan nothing until it completes */
  private integrating = false
  /** the re-plan after a completed transition (a self-check: no transition-delay, no state change logged unless it finds work) */
  private settleCheck = false
  private delayPassed = false
  private fsaState: 'S_NOT_DC' | 'S_IDLE' | 'S_POLICY_ENGINE' | 'S_TRANSITION_ENGINE' = 'S_NOT_DC'
  private settleRounds = 0
  private readonly inflight = new Map<string, InFlightOp>()
  private readonly inflightFences = new Map<string, InFlightFence>()
  /** our fencing requests confirmed from another request's success: their own answers are expected late */
  private readonly mergedFences = new Set<string>()
  /** node → history id → "task_interval" → the transition key it was started with */
  private readonly recurring = new Map<string, Map<string, Map<string, string>>>()
  /** attribute writes asked of attrd and not yet seen in a CIB from the daemon: "node\0name" → value */
  private readonly pendingAttrs = new Map<string, string | null>()
  private readonly fenceFailures = new Map<string, number>()
  private readonly fenceBackoff = new Set<string>()
  private readonly shuttingDown = new Set<string>()
  private readonly shutdownSent = new Set<string>()
  private readonly activeTimers = new Set<string>()
  /** the working set of the last scheduler run (resource settings for results outside a transition) */
  private lastWs: WorkingSet | null = null
  /** the time of the event being handled */
  private now = 0
  /** when the recheck timer fires */
  private recheckAt: number | undefined
  private out: ControllerAction[] = []

  constructor(private readonly config: ControllerConfig) {
    this.timers = {...DEFAULT_TIMERS, ...config.timers}
  }

  snapshot(): ControllerSnapshot {
    const inFlight = [...this.inflight.values()].map((o) => `${o.rscId}_${o.task}_${o.interval}@${o.node}`)
    for (const f of this.inflightFences.values()) inFlight.push(`stonith-${f.target}-${f.action}`)
    return {isDc: this.isDc, state: this.integrating ? 'S_INTEGRATION' : this.fsaState, transitionId: this.transitionId, inFlight: inFlight.sort(), cib: this.view}
  }

  handle(event: ControllerEvent): ControllerAction[] {
    this.out = []
    this.now = event.now
    if (event.type === 'became-dc') this.becomeDc(event.cib, event.members, event.quorate, event.fenced ?? [])
    else if (event.type === 'lost-dc') this.loseDc()
    else if (this.isDc && this.view) {
      switch (event.type) {
        case 'cib-changed': this.cibChanged(event.cib); break
        case 'node-joined': this.nodeJoined(event.node, event.history); break
        case 'node-lost': this.nodeLost(event.node); break
        case 'shutdown-request': this.shutdownRequest(event.node, event.now); break
        case 'quorum':
          if (this.quorate !== event.quorate) {
            this.quorate = event.quorate
            this.abort(event.quorate ? 'Quorum gained' : 'Quorum lost')
          }
          break
        case 'join':
          if (event.open && !this.integrating) this.abort('Node join')
          this.integrating = event.open
          break
        case 'op-result': this.opResult(event.node, event.result, event.now); break
        case 'timer-fired': this.timerFired(event.timer, event.now); break
        case 'fence-result': this.fenceResult(event.id, event.ok, event.reason, event.executedBy, event.target); break
        case 'cleanup': this.cleanup(event.rscId, event.node, event.refresh === true); break
      }
    }
    if (this.isDc) this.drive(event.now)
    return this.out
  }

  // ----------------------------------------------------------------- output

  private log(level: LogLevel, message: string): void {
    this.out.push({type: 'log', level, message})
  }

  private update(changes: StatusChange[]): void {
    if (changes.length === 0) return
    applyStatusChanges(this.view!, changes)
    this.out.push({type: 'cib-update', changes})
  }

  private setAttr(node: string, name: string, value: string | null): void {
    setTransientAttr(this.view!, node, name, value)
    this.pendingAttrs.set(`${node}\0${name}`, value)
    this.out.push({type: 'attr-update', node, name, value})
  }

  private setTimer(timer: string, at: number): void {
    this.activeTimers.add(timer)
    this.out.push({type: 'set-timer', timer, at})
  }

  private cancelTimer(timer: string): void {
    if (!this.activeTimers.delete(timer)) return
    this.out.push({type: 'cancel-timer', timer})
  }

  private static readonly FSA_INPUTS = {
    S_POLICY_ENGINE: 'input=I_PE_CALC cause=C_FSA_INTERNAL origin=abort_transition_graph',
    S_TRANSITION_ENGINE: 'input=I_PE_SUCCESS cause=C_IPC_MESSAGE origin=handle_response',
    S_IDLE: 'input=I_TE_SUCCESS cause=C_FSA_INTERNAL origin=notify_crmd',
    S_NOT_DC: 'input=I_RELEASE_DC cause=C_FSA_INTERNAL origin=do_dc_release',
  }

  private setState(next: Controller['fsaState']): void {
    if (next === this.fsaState) return
    this.log('notice', `State transition ${this.fsaState} -> ${next} | ${Controller.FSA_INPUTS[next]}`)
    this.fsaState = next
  }

  // ------------------------------------------------------------- membership

  private becomeDc(cib: M.Cib, members: string[], quorate: boolean, fenced: string[]): void {
    this.isDc = true
    this.integrating = false
    this.fsaState = 'S_IDLE'
    this.view = structuredClone(cib)
    this.members = new Set(members)
    this.quorate = quorate
    this.settings = settingsOf(this.view)
    this.log('notice', `Taking over DC status for this partition`)
    const changes: StatusChange[] = []
    for (const m of members) {
      changes.push({kind: 'node-state', node: m, attributes: {id: nodeIdOf(this.view, m), uname: m, in_ccm: 'true', crmd: 'online', 'crm-debug-origin': 'do_state_transition', join: 'member', expected: 'member'}})
      this.registerRecurringFromHistory(m, findNodeState(this.view, m)?.lrmResources ?? [])
    }
    for (const ns of this.view.status) {
      const uname = ns.uname ?? ns.id
      if (this.members.has(uname)) continue
      if (ns.attributes.in_ccm === 'true' || ns.attributes.crmd === 'online') {
        changes.push({kind: 'node-state', node: uname, attributes: {in_ccm: 'false', crmd: 'offline', 'crm-debug-origin': 'do_state_transition', join: 'down'}})
      }
    }
    // fenced while nobody recorded it: cleanly down, as after our own fencing (Pacemaker's execute_stonith_cleanup)
    for (const target of fenced) {
      if (this.members.has(target)) continue
      this.log('notice', `Marking ${target}, target of a previous stonith action, as clean`)
      changes.push(...fencedNodeState(target))
    }
    this.update(changes)
    this.replanNeeded = true
  }

  private loseDc(): void {
    if (!this.isDc) return
    this.log('info', 'Releasing DC status')
    for (const t of [...this.activeTimers]) this.cancelTimer(t)
    this.setState('S_NOT_DC')
    this.isDc = false
    this.integrating = false
    this.transition = null
    this.inflight.clear()
    this.inflightFences.clear()
    this.mergedFences.clear()
    this.recurring.clear()
    this.pendingAttrs.clear()
    this.replanNeeded = false
    this.view = null
  }

  private registerRecurringFromHistory(node: string, history: M.LrmResource[]): void {
    const perNode = new Map<string, Map<string, string>>()
    for (const r of history) {
      for (const op of r.operations) {
        const interval = Number(op.attributes.interval ?? 0)
        if (interval <= 0 || op.attributes['op-status'] === '-1' || op.attributes['op-status'] === '1') continue
        if (!op.id.endsWith(`_${interval}`) || op.id.endsWith('_last_failure_0')) continue
        const m = perNode.get(r.id) ?? new Map<string, string>()
        m.set(`${op.operation}_${interval}`, op.attributes['transition-key'] ?? '')
        perNode.set(r.id, m)
      }
    }
    this.recurring.set(node, perNode)
  }

  private nodeJoined(node: string, history: M.LrmResource[]): void {
    this.members.add(node)
    this.shuttingDown.delete(node)
    this.shutdownSent.delete(node)
    this.fenceFailures.delete(node)
    this.fenceBackoff.delete(node)
    this.cancelTimer(`fence-retry:${node}`)
    this.forgetPendingAttrs(node)
    this.update([
      {kind: 'erase-attributes', node},
      {kind: 'replace-history', node, resources: history},
      {kind: 'node-state', node, attributes: {id: nodeIdOf(this.view!, node), uname: node, in_ccm: 'true', crmd: 'online', 'crm-debug-origin': 'do_lrm_query_internal', join: 'member', expected: 'member'}},
    ])
    this.registerRecurringFromHistory(node, history)
    this.abort(`Node ${node} joined`)
  }

  private nodeLost(node: string): void {
    if (!this.members.delete(node)) return
    const clean = this.shutdownSent.has(node)
    this.log(clean ? 'info' : 'notice', clean ? `Node ${node} left the cluster after shutting down` : `Node ${node} state is now lost`)
    this.recurring.delete(node)
    for (const [id, op] of this.inflight) {
      if (op.node !== node) continue
      this.inflight.delete(id)
      this.cancelTimer(op.timer)
      this.log('warning', `Action ${op.actionId} (${op.rscId}_${op.task}_${op.interval}) was pending on ${node} (offline)`)
      this.failRunAction(op.transitionId, op.actionId)
    }
    const changes: StatusChange[] = []
    if (clean) {
      changes.push({kind: 'node-state', node, attributes: {in_ccm: 'false', crmd: 'offline', 'crm-debug-origin': 'peer_update_callback', join: 'down', expected: 'down'}})
      changes.push({kind: 'erase-node', node})
    } else {
      // attrd drops a lost peer's attributes; its history stays until it is fenced or rejoins
      changes.push({kind: 'node-state', node, attributes: {in_ccm: 'false', crmd: 'offline', 'crm-debug-origin': 'peer_update_callback', join: 'down'}})
      changes.push({kind: 'erase-attributes', node})
    }
    this.eraseAttrsPending(node)
    this.shuttingDown.delete(node)
    this.shutdownSent.delete(node)
    this.update(changes)
    this.abort(`Node ${node} left the membership`)
  }

  private forgetPendingAttrs(node: string): void {
    for (const key of [...this.pendingAttrs.keys()]) if (key.startsWith(`${node}\0`)) this.pendingAttrs.delete(key)
  }

  /** A node that left keeps no attributes: until the daemon's CIB shows that, ours says so. */
  private eraseAttrsPending(node: string): void {
    this.forgetPendingAttrs(node)
    for (const [name] of transientAttrs(this.view!, node)) this.pendingAttrs.set(`${node}\0${name}`, null)
  }

  private cleanup(rscId: string | undefined, node: string | undefined, refresh: boolean): void {
    const changes: StatusChange[] = []
    for (const ns of this.view!.status) {
      const uname = ns.uname ?? ns.id
      if (node !== undefined && node !== uname) continue
      const attrs = transientAttrs(this.view!, uname)
      for (const r of ns.lrmResources) {
        if (rscId !== undefined && r.id !== rscId && r.id.replace(/:\d+$/, '') !== rscId) continue
        const failCounts = [...attrs.keys()].filter((n) => n.startsWith(`fail-count-${r.id}#`) || n.startsWith(`last-failure-${r.id}#`))
        const failed = failCounts.length > 0 || r.operations.some((o) => o.id.endsWith('_last_failure_0'))
        if (!failed && !refresh) continue
        this.log('notice', `Forgetting ${r.id} on ${uname}: ${refresh ? 'refresh' : 'cleanup'} requested`)
        changes.push(...this.cancelRecurring(uname, r.id))
        changes.push({kind: 'delete-resource', node: uname, rscId: r.id})
        for (const name of failCounts) this.setAttr(uname, name, null)
      }
    }
    this.update(changes)
    if (changes.length > 0) this.abort('Resource history deleted')
  }

  private shutdownRequest(node: string, now: number): void {
    if (!this.members.has(node) || this.shuttingDown.has(node)) return
    this.shuttingDown.add(node)
    this.log('info', `Creating shutdown request for ${node}`)
    this.setAttr(node, 'shutdown', String(Math.floor(now / 1000)))
    this.abort('Shutdown request')
  }

  // -------------------------------------------------------------------- CIB

  private cibChanged(cib: M.Cib): void {
    if (compareVersions(cib, this.view!) < 0) {
      // replication delivers CIBs in order; an older one is a leftover
      this.log('info', `Ignoring CIB ${versionText(cib)}: older than ${versionText(this.view!)}`)
      return
    }
    const next = structuredClone(cib)
    // The executor history and node states are the DC's own records, and a CIB from the daemon may
    // predate the last updates we sent: keep ours (history is deleted through the `cleanup` event).
    for (const mine of this.view!.status) {
      const theirs = next.status.find((ns) => ns.id === mine.id)
      // our old view is dropped: its records move over without copying
      if (theirs) {
        theirs.lrmResources = mine.lrmResources
        theirs.attributes = mine.attributes
      } else {
        next.status.push({...mine, transientAttributes: []})
      }
    }
    for (const [key, value] of [...this.pendingAttrs]) {
      const [node, name] = key.split('\0')
      if ((getTransientAttr(next, node, name) ?? null) === value) this.pendingAttrs.delete(key)
      else setTransientAttr(next, node, name, value)
    }
    const before = fingerprint(this.view!)
    const configBefore = JSON.stringify([this.view!.crmConfig, this.view!.opDefaults])
    this.view = next
    if (JSON.stringify([next.crmConfig, next.opDefaults]) !== configBefore) this.settings = settingsOf(next)
    if (fingerprint(next) !== before) this.abort('Configuration or status change')
  }

  // ------------------------------------------------------------- scheduling

  private abort(reason: string): void {
    this.settleRounds = 0
    this.settleCheck = false
    this.replanNeeded = true
    // every new event restarts transition-delay
    this.delayPassed = false
    this.cancelTimer('transition-delay')
    if (this.transition && !this.transition.aborted) {
      this.transition.aborted = true
      this.transition.abortReason = reason
      this.log('info', `Transition ${this.transition.id} aborted: ${reason}`)
    }
  }

  /** Fire what can fire; when the transition is over, plan the next one if anything asked for it. */
  private drive(now: number): void {
    for (let guard = 0; guard < 100; guard++) {
      if (this.transition) {
        this.fire(this.transition, now)
        if (this.transitionInFlight(this.transition.id) > 0) return
        this.finishTransition(this.transition)
      }
      if (!this.replanNeeded) {
        this.setState('S_IDLE')
        return
      }
      // the join completes first (then node-joined brings the histories and this runs again)
      if (this.integrating) return
      const delay = this.settings!.transitionDelayMs
      if (delay > 0 && !this.delayPassed && !this.settleCheck) {
        if (!this.activeTimers.has('transition-delay')) this.setTimer('transition-delay', now + delay)
        this.setState('S_IDLE')
        return
      }
      if (!this.settleCheck) this.setState('S_POLICY_ENGINE')
      this.delayPassed = false
      this.replanNeeded = false
      this.plan(now)
      this.settleCheck = false
      if (!this.transition) {
        this.setState('S_IDLE')
        return
      }
      this.setState('S_TRANSITION_ENGINE')
    }
    this.log('error', 'Too many transitions in a row without progress; waiting for the next event')
  }

  private schedulerInput(): M.Cib {
    const v = this.view!
    // The running cluster stamps its feature set on the CIB (a file may lack it; Pacemaker then reads
    // fail counts the pre-1.1.17 way and would miss ours).
    return {...v, attributes: {...v.attributes, crm_feature_set: CRM_FEATURE_SET, 'have-quorum': this.quorate ? '1' : '0', 'dc-uuid': nodeIdOf(v, this.config.localNode)}}
  }

  private runScheduler(now: number): Transition | null {
    try {
      return schedule(this.schedulerInput(), {now})
    } catch (err) {
      this.log('error', `Scheduler failed: ${(err as Error).message}`)
      return null
    }
  }

  private plan(now: number): void {
    let t = this.runScheduler(now)
    if (!t) return
    if (this.expireFailures(t.workingSet, now)) {
      t = this.runScheduler(now)
      if (!t) return
    }
    this.lastWs = t.workingSet
    this.armRecheck(t.workingSet, now)
    this.sendShutdowns(t)
    let nextId = Math.max(t.workingSet.actionSeq, ...t.actions.map((g) => g.id + 1))
    // a node's shutdown is sent by sendShutdowns once nothing runs there; the scheduler's do_shutdown is not executed
    const graph: GraphAction[] = t.actions.filter((g) => g.task !== 'do_shutdown')
    const missing = missingMonitors(t.workingSet, t.actions, (node, rscId, key) => this.recurring.get(node)?.get(rscId)?.has(key) === true)
    for (const m of missing) {
      graph.push({id: nextId++, task: 'monitor', key: `${m.rsc.id}_monitor_${m.intervalMs}`, resource: m.rsc.id, node: m.node, interval: m.intervalMs, pseudo: false, runnable: true, after: []})
    }
    const kinds = new Map(graph.map((g) => [g.id, this.runKind(g, t.workingSet)]))
    // pseudo-actions alone change nothing (a group's stop and start whose members are all blocked):
    // Pacemaker runs such a graph once and goes idle, so they do not make the check below re-plan
    if (this.settleCheck && [...kinds.values()].every((k) => k === 'pseudo')) {
      // the check after a completed transition found nothing: as Pacemaker, nothing was computed
      this.transition = null
      this.log('debug', 'Scheduler confirms the cluster has settled')
      return
    }
    this.transitionId++
    const id = this.transitionId
    this.log('notice', `Calculated transition ${id}${t.summaryLines.length === 0 ? '' : `: ${t.summaryLines.map((l) => l.trim().replace(/\s+/g, ' ')).join('; ')}`}`)
    for (const m of missing) this.log('info', `Scheduling missing recurring monitor ${historyId(m.rsc)}_monitor_${m.intervalMs} on ${m.node}`)
    if (graph.length === 0) {
      this.transition = null
      this.log('notice', `Transition ${id} (Complete=0, Pending=0, Fired=0, Skipped=0, Incomplete=0): Complete`)
      return
    }
    const actions = new Map<number, RunAction>()
    const graphIds = new Set(graph.map((g) => g.id))
    for (const g of graph) {
      const rsc = g.resource ? t.workingSet.byId.get(g.resource) : undefined
      const kind = kinds.get(g.id)!
      const deps = [...g.after]
      if (kind === 'op' && g.interval > 0) {
        // a recurring monitor runs after the start/promote/demote of its resource on that node
        for (const o of graph) {
          if (o.resource === g.resource && o.node === g.node && o.interval === 0 && ['start', 'promote', 'demote', 'migrate_from'].includes(o.task)) deps.push(o.id)
        }
      }
      actions.set(g.id, {g, kind, deps: deps.filter((d) => graphIds.has(d)), state: 'waiting', ...(g.node ? {node: g.node} : {}), ...(rsc ? {rsc} : {})})
    }
    this.transition = {id, ws: t.workingSet, actions, order: graph.map((g) => g.id), aborted: false}
    this.setState('S_TRANSITION_ENGINE')
    this.fire(this.transition, now)
  }

  /** How the controller carries out a graph action. */
  private runKind(g: GraphAction, ws: WorkingSet): RunKind {
    const rsc = g.resource ? ws.byId.get(g.resource) : undefined
    // clear_failcount is a controller task, not an agent operation
    if (g.task === 'clear_failcount') return rsc && g.node ? 'clear-failcount' : 'cluster'
    if (g.task === 'stonith') return 'fence'
    if (g.pseudo) return 'pseudo'
    // a clone instance's notification: an agent call, never recorded in the history
    if (g.task === 'notify' && rsc && g.node) return 'notify'
    if (g.task === 'cancel' && rsc && g.node) return 'cancel'
    if ((g.task === 'delete' || g.task === 'lrm_delete') && rsc && g.node) return 'delete'
    if (rsc && rsc.variant === 'primitive' && g.node) return 'op'
    return 'cluster'
  }

  private transitionInFlight(id: number): number {
    let n = 0
    for (const o of this.inflight.values()) if (o.transitionId === id) n++
    for (const f of this.inflightFences.values()) if (f.transitionId === id) n++
    return n
  }

  private finishTransition(t: RunningTransition): void {
    let complete = 0
    let failed = 0
    let waiting = 0
    for (const a of t.actions.values()) {
      if (a.state === 'done') complete++
      else if (a.state === 'failed') failed++
      else waiting++
    }
    const ok = !t.aborted && failed === 0 && waiting === 0
    this.log('notice', `Transition ${t.id} (Complete=${complete}, Pending=0, Fired=0, Skipped=${waiting}, Incomplete=${failed}): ${ok ? 'Complete' : 'Stopped'}`)
    this.transition = null
    if (ok) {
      // Pacemaker goes idle here; we ask the scheduler once more, which must find nothing to do once settled.
      if (++this.settleRounds <= MAX_SETTLE_ROUNDS) {
        this.replanNeeded = true
        this.settleCheck = true
      }
      else this.log('error', `Transition ${t.id} completed ${MAX_SETTLE_ROUNDS} times in a row with more to do; waiting for the next event`)
    }
  }

  private depsDone(t: RunningTransition, a: RunAction): boolean {
    // what has priority INFINITY (a clone's post notifications) also follows an input that failed (pcmk__update_graph)
    const failedCounts = (a.g.priority ?? 0) >= INFINITY
    return a.deps.every((d) => {
      const state = t.actions.get(d)?.state
      return state === 'done' || (failedCounts && state === 'failed')
    })
  }

  private busy(node: string, rscId: string): boolean {
    for (const o of this.inflight.values()) if (o.node === node && o.rscId === rscId) return true
    return false
  }

  private fire(t: RunningTransition, now: number): void {
    let progress = true
    while (progress) {
      progress = false
      const changing = this.nodesChangingState(t)
      for (const id of t.order) {
        const a = t.actions.get(id)!
        // an aborted transition still completes what has priority INFINITY (a clone's post notifications, as Pacemaker's abort_priority)
        if (t.aborted && (a.g.priority ?? 0) < INFINITY) continue
        if (a.state !== 'waiting' || !this.depsDone(t, a)) continue
        const inFlight = this.inflight.size + this.inflightFences.size
        switch (a.kind) {
          case 'pseudo':
          case 'cluster':
            a.state = 'done'
            progress = true
            break
          case 'delete': {
            // the scheduler's clean-up (an orphan after its stop, a changed agent): the node's history of it is forgotten
            const rscId = historyId(a.rsc!)
            this.log('notice', `Forgetting ${rscId} on ${a.node!}: clean-up scheduled`)
            this.update([...this.cancelRecurring(a.node!, rscId), {kind: 'delete-resource', node: a.node!, rscId}])
            a.state = 'done'
            progress = true
            break
          }
          case 'clear-failcount':
            // no-wait, as Pacemaker's (CRM_meta_op_no_wait): done once the clear is sent
            this.clearFailcount(a.node!, historyId(a.rsc!))
            a.state = 'done'
            progress = true
            break
          case 'cancel':
            // the scheduler's cancellation of a recurring operation: done as soon as asked
            this.update(this.cancelRecurringOp(a.node!, historyId(a.rsc!), a.g.key, a.g.interval))
            a.state = 'done'
            progress = true
            break
          case 'notify':
            if (this.settings!.batchLimit > 0 && inFlight >= this.settings!.batchLimit) break
            if (!this.fireNotify(t, a, now)) break
            progress = true
            break
          case 'op': {
            const rscId = historyId(a.rsc!)
            if (a.g.interval > 0 && changing.has(a.node!) && this.holdRecurring(t, a, now)) break
            if (this.busy(a.node!, rscId)) break
            if (this.settings!.batchLimit > 0 && inFlight >= this.settings!.batchLimit) break
            this.fireOp(t, a, now)
            progress = true
            break
          }
          case 'fence':
            if (this.fenceBackoff.has(a.g.node!)) break
            if (this.settings!.batchLimit > 0 && inFlight >= this.settings!.batchLimit) break
            this.fireFence(t, a, now)
            progress = true
            break
        }
      }
    }
  }

  /** Nodes where a start, stop, promote, demote or migration of this transition runs or is ready to run. */
  private nodesChangingState(t: RunningTransition): Set<string> {
    const nodes = new Set<string>()
    for (const o of t.actions.values()) {
      if (o.kind !== 'op' || o.g.interval !== 0 || nodes.has(o.node!)) continue
      if (o.state === 'in-flight' || (o.state === 'waiting' && this.depsDone(t, o))) nodes.add(o.node!)
    }
    return nodes
  }

  /**
   * A recurring operation's first run waits while its node is changing state (nodesChangingState):
   * nothing waits for the monitor, and on a loaded machine it takes CPU from the agents the service
   * is waiting for (docs/faults.md: a group's takeover in the lab). Pacemaker fires them side by
   * side. Held at most MAX_RECURRING_HOLD_MS (a timer re-drives).
   */
  private holdRecurring(t: RunningTransition, a: RunAction, now: number): boolean {
    a.heldSince ??= now
    if (now - a.heldSince >= MAX_RECURRING_HOLD_MS) return false
    const timer = `recurring-hold:${t.id}`
    if (!this.activeTimers.has(timer)) this.setTimer(timer, a.heldSince + MAX_RECURRING_HOLD_MS)
    return true
  }

  /**
   * The scheduler's clear_failcount (a failure that expired, or was recorded with parameters that
   * changed since), as Pacemaker's controller does it (handle_failcount_op): every fail count and
   * last-failure time of the resource on that node is cleared through attrd, and its last_failure_0
   * history entry is erased. Without this the scheduler asks for the same clear after every transition.
   */
  private clearFailcount(node: string, rscId: string): void {
    const names = [...transientAttrs(this.view!, node).keys()].filter((n) => n.startsWith(`fail-count-${rscId}#`) || n.startsWith(`last-failure-${rscId}#`))
    const failure = findNodeState(this.view!, node)?.lrmResources.find((r) => r.id === rscId)?.operations.some((o) => o.id === `${rscId}_last_failure_0`)
    if (names.length === 0 && !failure) return
    this.log('notice', `Clearing failure of ${rscId} on ${node}: clear_failcount scheduled`)
    for (const name of names) this.setAttr(node, name, null)
    if (failure) this.update([{kind: 'delete-op', node, rscId, opId: `${rscId}_last_failure_0`}])
  }

  private cancelRecurring(node: string, rscId: string, except?: string): StatusChange[] {
    const ops = this.recurring.get(node)?.get(rscId)
    if (!ops) return []
    const changes: StatusChange[] = []
    for (const taskInterval of [...ops.keys()]) {
      if (taskInterval === except) continue
      const i = taskInterval.lastIndexOf('_')
      const task = taskInterval.slice(0, i)
      const interval = Number(taskInterval.slice(i + 1))
      ops.delete(taskInterval)
      this.out.push({type: 'cancel-recurring', node, rscId, action: task, intervalMs: interval})
      // the controller erases a cancelled recurring op's history entry
      changes.push({kind: 'delete-op', node, rscId, opId: `${rscId}_${task}_${interval}`})
    }
    return changes
  }

  /** Cancels one recurring operation, named by its key (rsc_task_interval). */
  private cancelRecurringOp(node: string, rscId: string, key: string, interval: number): StatusChange[] {
    const task = /^.*_([^_]+)_\d+$/.exec(key)?.[1] ?? 'monitor'
    const ops = this.recurring.get(node)?.get(rscId)
    if (!ops?.delete(`${task}_${interval}`)) return []
    this.out.push({type: 'cancel-recurring', node, rscId, action: task, intervalMs: interval})
    return [{kind: 'delete-op', node, rscId, opId: `${rscId}_${task}_${interval}`}]
  }

  private fireOp(t: RunningTransition, a: RunAction, now: number): void {
    const rsc = a.rsc!
    const node = a.node!
    const task = a.g.task
    const interval = a.g.interval
    const rscId = historyId(rsc)
    const notify = a.g.notifyMeta ? notifyInfoFromMeta(a.g.notifyMeta) : undefined
    const request = opRequest(t.ws, rsc, task, interval, node, '', notify)
    const key = transitionKey(a.g.id, t.id, request.targetRc ?? 0, this.config.controllerUuid)
    request.transitionKey = key
    const ref = lrmResourceRef(rscId, request.agent)
    const changes: StatusChange[] = []
    if (task === 'stop' || task === 'promote' || task === 'demote' || task === 'migrate_to') changes.push(...this.cancelRecurring(node, rscId))
    if (interval > 0) {
      const existing = this.recurring.get(node)?.get(rscId)
      if (existing?.has(`${task}_${interval}`)) {
        existing.delete(`${task}_${interval}`)
        this.out.push({type: 'cancel-recurring', node, rscId, action: task, intervalMs: interval})
      }
      const perNode = this.recurring.get(node) ?? new Map<string, Map<string, string>>()
      const perRsc = perNode.get(rscId) ?? new Map<string, string>()
      perRsc.set(`${task}_${interval}`, key)
      perNode.set(rscId, perRsc)
      this.recurring.set(node, perNode)
    }
    // a live migration names both ends (CRM_meta_migrate_source/_target; recorded in the history too)
    let extra: Record<string, string> | undefined
    if (task === 'migrate_to' || task === 'migrate_from') {
      const source = rsc.partialMigrationSource?.uname ?? rsc.runningOn[0]?.uname
      const target = rsc.partialMigrationTarget?.uname ?? rsc.allocatedTo?.uname
      if (source !== undefined && target !== undefined) {
        extra = {migrate_source: source, migrate_target: target}
        request.opMeta = {...request.opMeta, ...extra}
      }
    }
    // as the executor digests it (its OCF_CHECK_LEVEL included): what a pending entry records
    const digest = operationDigests(request).opDigest
    if (this.settings!.recordPending && interval === 0) {
      const pending = pendingEntry(rscId, node, task, interval, key, digest, Math.floor(now / 1000))
      Object.assign(pending.attributes, extra)
      changes.push({kind: 'record-op', node, resource: ref, op: pending})
    }
    this.update(changes)
    const timer = `action:${t.id}:${a.g.id}`
    this.inflight.set(`${node}|${rscId}|${task}|${interval}`, {
      node, rscId, ref, task, interval, key, transitionId: t.id, actionId: a.g.id, digest, onFail: onFailFor(t.ws, rsc, task, interval), timer, notify: false,
      ...(extra ? {extra} : {}),
    })
    a.state = 'in-flight'
    const where = node === this.config.localNode ? 'locally on' : 'on'
    this.log('notice', `Initiating ${task} operation ${rscId}_${task}_${interval} ${where} ${node} | action ${a.g.id}`)
    this.setTimer(timer, now + request.timeoutMs + (request.startDelayMs ?? 0) + this.settings!.clusterDelayMs)
    this.out.push({type: 'execute', node, request})
  }

  /**
   * One instance's notification, as the graph gives it (notify_type, notify_operation and the
   * instance/node lists of the whole transition). False while the instance is busy on that node.
   */
  private fireNotify(t: RunningTransition, a: RunAction, now: number): boolean {
    const rsc = a.rsc!
    const node = a.node!
    if (!this.members.has(node)) {
      // the node left since the graph was computed: nobody there to tell (the transition will be replanned)
      a.state = 'done'
      return true
    }
    const rscId = historyId(rsc)
    const id = `${node}|${rscId}|notify|0`
    if (this.inflight.has(id)) return false
    const key = transitionKey(a.g.id, t.id, 0, this.config.controllerUuid)
    const info = notifyInfoFromMeta(a.g.notifyMeta ?? {})
    const request = opRequest(t.ws, rsc, 'notify', 0, node, key, info)
    request.opMeta = {...request.opMeta, ...(info.type ? {notify_type: info.type} : {}), ...(info.operation ? {notify_operation: info.operation} : {})}
    const timer = `action:${t.id}:${a.g.id}`
    this.inflight.set(id, {
      node, rscId, ref: {id: rscId, class: request.agent.class, type: request.agent.type}, task: 'notify', interval: 0, key, transitionId: t.id,
      actionId: a.g.id, digest: '', onFail: 'ignore', timer, notify: true,
    })
    a.state = 'in-flight'
    this.setTimer(timer, now + request.timeoutMs + this.settings!.clusterDelayMs)
    this.out.push({type: 'execute', node, request})
    return true
  }

  private fireFence(t: RunningTransition, a: RunAction, now: number): void {
    const target = a.g.node!
    const wa = t.ws.actions.find((x) => x.id === a.g.id)
    const action = (wa?.fenceOp ?? t.ws.options.stonithAction) === 'off' ? 'off' : 'reboot'
    const timeoutMs = this.settings!.stonithTimeoutMs
    const levels = fencePlan(this.view!, target, action, timeoutMs)
    const executor = fenceExecutor(this.members, this.config.localNode, target)
    const id = `${t.id}:${a.g.id}:stonith-${target}-${action}`
    this.log('notice', `Requesting fencing (${action}) of node ${target} | action=${a.g.id} timeout=${timeoutMs}`)
    a.fenceId = id
    a.state = 'in-flight'
    if (levels.length === 0 || executor === undefined) {
      this.log('error', `No devices found in cluster to fence ${target}`)
      this.inflightFences.set(id, {id, target, action, transitionId: t.id, actionId: a.g.id, timer: ''})
      this.fenceResult(id, false, 'No fence device', undefined)
      return
    }
    const timer = `fence:${id}`
    this.inflightFences.set(id, {id, target, action, transitionId: t.id, actionId: a.g.id, timer})
    this.setTimer(timer, now + Math.round(timeoutMs * 1.2) + this.settings!.clusterDelayMs)
    this.out.push({type: 'fence', id, target, action, levels, executor, timeoutMs})
  }

  private failRunAction(transitionId: number, actionId: number): void {
    const t = this.transition
    if (!t || t.id !== transitionId) return
    const a = t.actions.get(actionId)
    if (a && a.state !== 'done') a.state = 'failed'
    this.abort('Action failed')
  }

  private confirmRunAction(transitionId: number, actionId: number): void {
    const t = this.transition
    if (!t || t.id !== transitionId) return
    const a = t.actions.get(actionId)
    if (!a || a.state !== 'in-flight') return
    a.state = 'done'
  }

  // ---------------------------------------------------------------- results

  private failureRsc(rscId: string): Rsc | undefined {
    const ws = this.workingSet()
    if (!ws) return undefined
    return ws.byId.get(rscId) ?? [...ws.byId.values()].find((r) => r.variant === 'primitive' && historyId(r) === rscId)
  }

  private workingSet(): WorkingSet | null {
    this.lastWs ??= this.runScheduler(this.now)?.workingSet ?? null
    return this.transition?.ws ?? this.lastWs
  }

  private opResult(node: string, r: OpResult, now: number): void {
    const id = `${node}|${r.rscId}|${r.action}|${r.intervalMs}`
    const inf = this.inflight.get(id)
    const matched = inf !== undefined && (r.transitionKey === undefined || r.transitionKey === inf.key)
    const key = r.transitionKey ?? inf?.key ?? ''
    const target = r.targetRc ?? parseTransitionKey(key)?.targetRc ?? 0
    if (!matched && !this.members.has(node)) {
      // a node that left (or was fenced) has no say in the history any more
      this.log('info', `Ignoring result of ${r.operationKey} from ${node}: not a cluster member`)
      return
    }
    if (!matched && r.intervalMs > 0) {
      const running = this.recurring.get(node)?.get(r.rscId)?.get(`${r.action}_${r.intervalMs}`)
      if (running === undefined || (r.transitionKey !== undefined && running !== '' && running !== r.transitionKey)) {
        // the result of a recurring operation we cancelled (or replaced), still in flight when we did
        this.log('info', `Ignoring result of cancelled operation ${r.operationKey} on ${node}`)
        return
      }
    }
    const verdict = judgeResult(r.action, r.intervalMs, r.rc, r.status, target)
    const text = resultText(r.rc, r.status)
    if (matched) {
      this.inflight.delete(id)
      this.cancelTimer(inf.timer)
    }
    if (r.action === 'notify') {
      if (matched) this.confirmRunAction(inf.transitionId, inf.actionId)
      return
    }
    if (r.status === ExecStatus.Cancelled) return
    const ref = inf?.ref ?? this.resourceRef(node, r.rscId)
    this.log(verdict === 'failed' ? 'warning' : 'notice', `Result of ${r.action} operation for ${r.rscId} on ${node}: ${text}${r.exitReason ? ` (${r.exitReason})` : ''} | call=${r.callId} key=${r.operationKey} rc=${r.rc}`)
    const changes: StatusChange[] = []
    if (ref) {
      for (const op of resultEntries({...r, targetRc: target}, node, key, {fallbackDigest: inf?.digest, extra: inf?.extra})) changes.push({kind: 'record-op', node, resource: ref, op})
    }
    this.update(changes)
    const isProbe = r.action === 'monitor' && r.intervalMs === 0
    if (verdict === 'failed' && !isProbe) this.countFailure(node, r, inf?.onFail, now)
    if (matched) {
      if (verdict === 'expected') {
        this.confirmRunAction(inf.transitionId, inf.actionId)
      } else {
        const expected = resultText(target, ExecStatus.Done)
        this.log('warning', `Transition ${inf.transitionId} action ${inf.actionId} (${r.operationKey} on ${node}): expected '${expected}' but got '${text}' | target-rc=${target} rc=${r.rc} call-id=${r.callId}`)
        this.failRunAction(inf.transitionId, inf.actionId)
        this.abort(`Event failed`)
      }
    } else if (verdict !== 'expected') {
      this.abort(`${r.operationKey} on ${node}: ${text}`)
    }
  }

  private resourceRef(node: string, rscId: string): LrmResourceRef | undefined {
    const r = findNodeState(this.view!, node)?.lrmResources.find((x) => x.id === rscId)
    if (r) return {id: r.id, class: r.class, ...(r.provider !== undefined ? {provider: r.provider} : {}), type: r.type}
    const rsc = this.failureRsc(rscId)
    if (rsc?.prim) return {id: rscId, class: rsc.prim.class, ...(rsc.prim.provider !== undefined ? {provider: rsc.prim.provider} : {}), type: rsc.prim.type}
    return undefined
  }

  /** fail-count and last-failure as the DC asks attrd to set them (reference §3.3). */
  private countFailure(node: string, r: OpResult, onFail: string | undefined, now: number): void {
    const rsc = this.failureRsc(r.rscId)
    const ws = this.workingSet()
    const effectiveOnFail = onFail ?? (rsc && ws ? onFailFor(ws, rsc, r.action, r.intervalMs) : 'restart')
    const nowSec = String(Math.floor(now / 1000))
    if (effectiveOnFail !== 'ignore') {
      const name = failCountName(r.rscId, r.action, r.intervalMs)
      const old = getTransientAttr(this.view!, node, name)
      let value: string
      if (r.action === 'stop' || (r.action === 'start' && this.settings!.startFailureIsFatal)) value = INFINITY_TEXT
      else if (old !== undefined && /^\+?INFINITY$/i.test(old)) value = INFINITY_TEXT
      else value = String(Math.min(1_000_000, (Number.parseInt(old ?? '0', 10) || 0) + 1))
      this.log('info', `Setting ${name}[${node}]: ${old ?? '(unset)'} -> ${value === INFINITY_TEXT ? 'INFINITY' : value} | from ${this.config.localNode} with no write delay`)
      this.setAttr(node, name, value)
    }
    this.setAttr(node, lastFailureName(r.rscId, r.action, r.intervalMs), nowSec)
  }

  private timerFired(timer: string, now: number): void {
    if (!this.activeTimers.delete(timer)) return
    if (timer === 'transition-delay') {
      this.delayPassed = true
      this.log('info', `New Transition Timer just popped | input=I_PE_CALC time=${this.settings!.transitionDelayMs}ms`)
      return
    }
    if (timer === 'recheck') {
      this.log('info', 'Cluster Recheck Timer just popped | input=I_PE_CALC')
      this.abort('Recheck timer')
      return
    }
    // the held recurring operations are looked at again by drive(), which follows every event
    if (timer.startsWith('recurring-hold:')) return
    if (timer.startsWith('fence-retry:')) {
      this.fenceBackoff.delete(timer.slice('fence-retry:'.length))
      this.abort('Fencing retry')
      return
    }
    if (timer.startsWith('fence:')) {
      const id = timer.slice('fence:'.length)
      const f = this.inflightFences.get(id)
      if (f) this.fenceResult(id, false, 'Timer expired', undefined)
      return
    }
    for (const op of this.inflight.values()) {
      if (op.timer !== timer) continue
      const ms = now
      this.log('error', `Node ${op.node} did not send ${op.task} result (via controller) within the action timeout plus cluster-delay`)
      // Pacemaker records call-id -1 here, which its scheduler sorts after every later result of that
      // node; the node's latest call-id keeps the timeout after what came before and before what follows.
      this.opResult(op.node, {
        rscId: op.rscId, action: op.task, intervalMs: op.interval, operationKey: `${op.rscId}_${op.task}_${op.interval}`, callId: this.latestCallId(op.node), rc: 1,
        status: ExecStatus.Timeout, exitReason: 'Action timeout plus cluster-delay expired', execTimeMs: 0, queueTimeMs: 0, lastRun: Math.floor(ms / 1000),
        lastRcChange: Math.floor(ms / 1000), opDigest: op.digest, transitionKey: op.key, targetRc: parseTransitionKey(op.key)?.targetRc ?? 0,
        classification: {class: 'soft', failed: true, text: 'Timed Out'}, stdoutTail: '', stderrTail: '',
      }, now)
      return
    }
  }

  private latestCallId(node: string): number {
    let max = 0
    for (const r of findNodeState(this.view!, node)?.lrmResources ?? []) {
      for (const o of r.operations) max = Math.max(max, Number(o.attributes['call-id'] ?? 0) || 0)
    }
    return max
  }

  private fenceResult(id: string, ok: boolean, reason: string | undefined, executedBy: string | undefined, target?: string): void {
    if (this.mergedFences.delete(id)) {
      this.log('info', `Fencing request ${id} answered (${ok ? 'OK' : reason ?? 'Error'}) after it was confirmed from another request's result`)
      return
    }
    const f = this.inflightFences.get(id)
    const own = !f && ok && target !== undefined ? [...this.inflightFences.values()].find((x) => x.target === target && x.action !== 'on') : undefined
    if (own) {
      // Another request's success fenced the node ours is fencing (the previous DC's, run on its own or
      // by another node): ours is confirmed from it, as the fencer answers duplicate requests. What our
      // fencer does with our request (it answers it from that result, or its run ends) comes later.
      this.log('notice', `Peer ${own.target} was terminated by ${executedBy ?? 'another node'} for request ${id}: confirming our request ${own.id} from that result`)
      this.mergedFences.add(own.id)
      this.fenceSucceeded(own, executedBy)
      return
    }
    if (!f) {
      // a fencing this DC did not ask for (a previous DC's, or one it stopped waiting for): a success is
      // recorded all the same, as Pacemaker's DC does, so the node is not fenced again
      if (ok && target && !this.members.has(target)) {
        this.log('notice', `Peer ${target} was terminated by ${executedBy ?? 'another node'} (not our request): OK`)
        this.update(fencedNodeState(target))
        this.abort('External Fencing Operation')
      }
      return
    }
    if (ok) {
      this.fenceSucceeded(f, executedBy)
      return
    }
    this.inflightFences.delete(id)
    if (f.timer) this.cancelTimer(f.timer)
    const failures = (this.fenceFailures.get(f.target) ?? 0) + 1
    this.fenceFailures.set(f.target, failures)
    this.log('error', `Peer ${f.target} was not terminated (${f.action}) by ${executedBy ?? 'anyone'} on behalf of pacemaker-controld.${this.config.localNode}: ${reason ?? 'Error'}`)
    this.failRunAction(f.transitionId, f.actionId)
    this.fenceBackoff.add(f.target)
    if (failures >= this.settings!.stonithMaxAttempts) {
      this.log('crit', `Too many failures (${failures}) to fence ${f.target}, giving up`)
      return
    }
    const delay = fenceRetryDelay(failures, this.timers.fenceRetryMs, this.timers.fenceRetryMaxMs)
    this.setTimer(`fence-retry:${f.target}`, this.now + delay)
  }

  /** Our request `f` succeeded (by its own run, or confirmed from another request's): the node is cleanly down. */
  private fenceSucceeded(f: InFlightFence, executedBy: string | undefined): void {
    this.inflightFences.delete(f.id)
    if (f.timer) this.cancelTimer(f.timer)
    this.log('notice', `Peer ${f.target} was terminated (${f.action}) by ${executedBy ?? this.config.localNode} on behalf of pacemaker-controld.${this.config.localNode}: OK`)
    this.fenceFailures.delete(f.target)
    this.members.delete(f.target)
    this.recurring.delete(f.target)
    this.eraseAttrsPending(f.target)
    for (const [opId, op] of this.inflight) {
      if (op.node !== f.target) continue
      this.inflight.delete(opId)
      this.cancelTimer(op.timer)
      this.failRunAction(op.transitionId, op.actionId)
    }
    this.update(fencedNodeState(f.target))
    this.confirmRunAction(f.transitionId, f.actionId)
  }

  // ----------------------------------------------------- failures and timers

  /** Clears fail counts whose failure-timeout has passed (the scheduler's clear_failcount). */
  private expireFailures(ws: WorkingSet, now: number): boolean {
    let cleared = false
    for (const ns of this.view!.status) {
      const node = ns.uname ?? ns.id
      for (const [name] of transientAttrs(this.view!, node)) {
        const m = /^fail-count-(.+)#(.+)_(\d+)$/.exec(name)
        if (!m) continue
        const [, rscId, task, interval] = m
        const ft = this.failureTimeout(ws, rscId)
        const last = Number(getTransientAttr(this.view!, node, `last-failure-${rscId}#${task}_${interval}`) ?? 0)
        if (ft <= 0 || last <= 0 || now <= last * 1000 + ft) continue
        this.log('notice', `Clearing failure of ${rscId} on ${node} because it expired`)
        this.setAttr(node, name, null)
        this.setAttr(node, `last-failure-${rscId}#${task}_${interval}`, null)
        const lrm = ns.lrmResources.find((r) => r.id === rscId)
        const changes: StatusChange[] = []
        for (const op of lrm?.operations ?? []) {
          if (op.attributes.operation_key !== `${rscId}_${task}_${interval}`) continue
          if (op.id === `${rscId}_last_failure_0`) changes.push({kind: 'delete-op', node, rscId, opId: op.id})
          else if (Number(interval) > 0 && op.attributes['rc-code'] !== String(parseTransitionKey(op.attributes['transition-key'])?.targetRc ?? 0)) {
            // an expired failed recurring monitor is scheduled again
            changes.push({kind: 'delete-op', node, rscId, opId: op.id})
            const ops = this.recurring.get(node)?.get(rscId)
            if (ops?.delete(`${task}_${interval}`)) this.out.push({type: 'cancel-recurring', node, rscId, action: task, intervalMs: Number(interval)})
          }
        }
        this.update(changes)
        cleared = true
      }
    }
    return cleared
  }

  private failureTimeout(ws: WorkingSet, rscId: string): number {
    const rsc = ws.byId.get(rscId) ?? ws.byId.get(`${rscId}:0`)
    return rsc?.failureTimeoutMs ?? 0
  }

  /** The recheck timer: the earliest failure expiry, else cluster-recheck-interval. */
  private armRecheck(ws: WorkingSet, now: number): void {
    let expiry = Number.POSITIVE_INFINITY
    for (const ns of this.view!.status) {
      const node = ns.uname ?? ns.id
      for (const [name] of transientAttrs(this.view!, node)) {
        const m = /^fail-count-(.+)#(.+_\d+)$/.exec(name)
        if (!m) continue
        const ft = this.failureTimeout(ws, m[1])
        const last = Number(getTransientAttr(this.view!, node, `last-failure-${m[1]}#${m[2]}`) ?? 0)
        // the scheduler drops a failure once now > last-failure + failure-timeout
        if (ft > 0 && last > 0) expiry = Math.min(expiry, last * 1000 + ft + 1)
      }
    }
    const interval = this.settings!.recheckIntervalMs
    const armed = this.activeTimers.has('recheck') && this.recheckAt !== undefined && this.recheckAt > now
    let at: number
    if (Number.isFinite(expiry) && (interval <= 0 || expiry < now + interval)) at = Math.max(expiry, now + 1)
    else if (interval > 0) at = armed && this.recheckAt! <= now + interval ? this.recheckAt! : now + interval
    else return
    if (armed && at === this.recheckAt) return
    this.recheckAt = at
    this.setTimer('recheck', at)
  }

  /**
   * Nodes that asked to leave and run no managed resource any more may go (crm_event do_shutdown).
   * Unmanaged ones (maintenance-mode, is-managed=false) stay running, as with Pacemaker: that is
   * how a node leaves without touching its services (hakit cutover --to legacy). A blocked one
   * (a failed stop without fencing) keeps the node until the failure is cleaned up, or until the
   * node's own shutdown-escalation.
   */
  private sendShutdowns(t: Transition): void {
    for (const node of this.shuttingDown) {
      if (this.shutdownSent.has(node) || !this.members.has(node)) continue
      const sn = t.workingSet.nodeByName.get(node)
      // a blocked resource (its stop failed without fencing) holds the node: Pacemaker orders its stop,
      // which cannot run, before the shutdown (pcmk__order_stops_before_shutdown)
      if (!sn || sn.running.some((r) => r.managed || r.block)) continue
      if (t.actions.some((a) => a.node === node && !a.pseudo && a.task !== 'do_shutdown')) continue
      this.shutdownSent.add(node)
      this.log('notice', `Initiating do_shutdown operation on ${node}`)
      this.out.push({type: 'shutdown-node', node})
    }
  }
}

/** A fenced node's status (send_stonith_update): cleanly down, its history and attributes erased. */
function fencedNodeState(node: string): StatusChange[] {
  return [
    {kind: 'node-state', node, attributes: {in_ccm: 'false', crmd: 'offline', 'crm-debug-origin': 'send_stonith_update', join: 'down', expected: 'down'}},
    {kind: 'erase-node', node},
  ]
}
