/**
 * `hakit run --crm`: one process per node doing what Pacemaker's daemons do
 * on the Heartbeat stack (cib, crmd, lrmd, pengine, attrd in one), as thin I/O
 * around pure machines:
 *   - messaging and membership: the same HeartbeatCluster the legacy runtime
 *     uses (ha.cf media, authkeys, deadtime), CRM messages as `t=hakit-crm`;
 *   - the cluster layer (node.ts): DC election, join, CIB replication, quorum;
 *   - the CIB store (cib-store.ts): persisted before a change is acknowledged;
 *   - the DC's controller (controller.ts): scheduler → transition graph →
 *     operations on the nodes' executors → results into the status section;
 *   - the executor (../executor): runs the resource agents on this node;
 *   - the local socket (socket.ts): live CIB queries and changes.
 * Logs go to ha.cf's log targets in the Heartbeat-stack format with
 * Pacemaker 1.x's daemon names (`crmd:`, `cib:`) and Pacemaker's wording.
 */
import {randomUUID} from 'node:crypto'
import {performance} from 'node:perf_hooks'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {Server} from 'node:net'
import {pathExists} from '../../core/fs-probe.js'
import {UserError} from '../../core/errors.js'
import type {Cib} from '../../formats/cib/model.js'
import {emptyCib} from '../../formats/cib/model.js'
import {printCibXml} from '../../formats/cib/xml.js'
import {DaemonLog, type DaemonLogLevel} from '../daemon-log.js'
import {HeartbeatCluster} from '../membership/cluster.js'
import {HbMessage} from '../messaging/message.js'
import {LocalExecutor} from '../executor/executor.js'
import {ExecStatus, type Executor, type OpRequest, type OpResult, type RecurringHandle} from '../executor/types.js'
import {parseInterval} from '../../formats/cib/values.js'
import {cibVersion, clusterOption, formatVersion, normalizeCib, type CibOp} from './cib-ops.js'
import {eventForCibWatcher, type ReplicaChange} from './watched-cib.js'
import {lrmResourceRef, resultEntries} from './history.js'
import {CibStore} from './cib-store.js'
import {loadCrmDaemonConfig, type CrmDaemonConfig, type CrmDaemonOptions} from './config.js'
import {Controller} from './controller.js'
import {FencedNodes, Fencer, type FencerAction} from './fencer.js'
import {Attrd, type AttrdAction, type AttrdEvent, type AttrdMessage} from './attrd.js'
import {AttrdAttributeStore} from './attrd-store.js'
import type {ControllerAction, ControllerEvent, FenceLevel} from './controller-types.js'
import {CrmNode, type CrmNodeAction, type CrmNodeEvent} from './node.js'
import {CRM_MESSAGE_TYPE, encodeCrmMessages, Reassembler, type CrmMessage, type CrmState} from './protocol.js'
import {crmSocketPath, DEFAULT_CRM_SOCKET, startCrmSocket, type AttributeAnswer, type AttributeRequest, type CrmStatus, type CrmWatchEvent} from './socket.js'

export interface CrmStartOptions extends CrmDaemonOptions {
  /** Sockets to listen on; default STATE_DIR/hakit-crm.sock and /run/hakit/crm.sock when usable. */
  sockets?: string[]
  signals?: boolean
  stderr?: boolean
  version?: string
  /** Overrides the CIB's dc-deadtime (tests). */
  dcDeadtimeMs?: number
  /** Overrides the CIB's shutdown-escalation: how long a graceful stop waits for the DC to stop this node's resources. */
  shutdownEscalationMs?: number
  /** The executor (default: a LocalExecutor for this node). */
  executor?: Executor
}

export interface RunningCrmDaemon {
  config: CrmDaemonConfig
  /** Resolves with the exit code once the daemon has stopped. */
  done: Promise<number>
  /** Same as SIGTERM. */
  stop(): void
  status(): CrmStatus
}

/** Controller traffic between nodes (the `controller` CRM message). */
type ControllerWire =
  | {kind: 'execute'; request: OpRequest}
  | {kind: 'cancel'; rscId: string; action: string; intervalMs: number}
  | {kind: 'op-result'; result: OpResult}
  | {kind: 'fence'; id: string; target: string; action: string; levels: FenceLevel[]; timeoutMs: number}
  | {kind: 'fence-result'; id: string; target: string; action?: string; ok: boolean; reason?: string; executedBy: string}
  | {kind: 'shutdown-request'}
  | {kind: 'shutdown-ok'}
  | {kind: 'attrd'; message: AttrdMessage}

/** Pacemaker's default shutdown-escalation. */
const DEFAULT_SHUTDOWN_ESCALATION_MS = 20 * 60_000

/** How long a join round may hold the DC's scheduling (Pacemaker's crmd-integration-timeout, 3 min). */
const JOIN_HOLD_LIMIT_MS = 180_000

const FSA_STATE: Record<CrmState, string> = {
  starting: 'S_STARTING', pending: 'S_PENDING', election: 'S_ELECTION', dc: 'S_INTEGRATION', 'not-dc': 'S_NOT_DC', stopping: 'S_STOPPING',
}

/** The CIB for a node's very first start: --cib, else haresources converted, else empty. */
async function initialCib(config: CrmDaemonConfig, log: (level: DaemonLogLevel, text: string) => void): Promise<Cib> {
  if (config.cibFile) {
    const {loadCib} = await import('../../cib/sources.js')
    const loaded = await loadCib(config.cibFile)
    log('info', `Initial CIB from ${loaded.label} (${loaded.kind})`)
    return {...normalizeCib(loaded.cib), status: []}
  }
  const haresources = join(config.configDir, 'haresources')
  if (await pathExists(haresources)) {
    const {convertBundle} = await import('../../converters/bundle.js')
    const {legacyPaths, loadLegacy} = await import('../../converters/load.js')
    const bundle = convertBundle(await loadLegacy(await legacyPaths(config.configDir)))
    log('info', `Initial CIB converted from ${haresources} (${bundle.cib.resources.length} resource(s))`)
    for (const f of bundle.findings) log(f.severity === 'error' ? 'error' : 'warn', `convert: ${f.id} ${f.message}`)
    return {...normalizeCib(bundle.cib), status: []}
  }
  log('warn', 'No CIB in the state directory, no --cib and no haresources: starting with an empty configuration')
  return emptyCib()
}

export async function startCrmDaemon(options: CrmStartOptions): Promise<RunningCrmDaemon> {
  const config = await loadCrmDaemonConfig(options)
  const logOptions = {
    node: config.node, logfile: config.logfile, debugfile: config.debugfile, logfacility: config.logfacility,
    debug: config.debug, syslogFormat: config.syslogFormat, stderr: options.stderr,
  }
  const crmd = new DaemonLog({...logOptions, entity: 'crmd'})
  const cibd = new DaemonLog({...logOptions, entity: 'cib'})
  const log = crmd.log
  const version = `hakit ${options.version ?? ''}`.trim()
  log('info', `CRM runtime ${version} starting on ${config.node} (nodes: ${config.nodes.join(', ')})`)
  for (const f of config.warnings) log('warn', `config: ${f.id} ${f.message}`)

  // ---- the CIB
  const store = new CibStore(config.cibDir)
  let cib: Cib
  if (await store.exists()) {
    const loaded = await store.load()
    for (const m of loaded.messages) cibd.log(m.level, m.text)
    cib = loaded.cib
    cibd.log('info', `Read CIB ${formatVersion(cibVersion(cib))} from ${join(config.cibDir, loaded.source)}`)
    if (config.cibFile) log('warn', `Ignoring --cib ${config.cibFile}: ${config.cibDir} already holds this node's CIB (the cluster's newest CIB wins at join)`)
  } else {
    cib = await initialCib(config, log)
    const digest = await store.write(cib, new Date().toString())
    cibd.log('info', `Wrote version ${formatVersion({...cibVersion(cib), numUpdates: 0})} of the CIB to disk (digest: ${digest})`)
  }

  const cluster = new HeartbeatCluster(config.messaging, log)
  const sockets = options.sockets ?? [crmSocketPath(config.stateDir), DEFAULT_CRM_SOCKET]
  // agents' attrd_updater/crm_attribute talk to this daemon over its first socket; fence agents may live
  // elsewhere than /usr/sbin (HAKIT_FENCE_AGENT_DIR, e.g. /usr/local/sbin or a test's own agent);
  // heartbeat-class scripts live in CONFIG_DIR/resource.d (HA_DIR), as for Heartbeat's own lrmd
  const executor: Executor = options.executor ?? new LocalExecutor({
    nodeName: config.node, nodeId: config.node, attributeStore: join(config.stateDir, 'attributes.json'),
    baseEnv: {...process.env, HAKIT_ATTRD_SOCKET: sockets[0]!},
    paths: {heartbeatConfigDir: config.configDir, ...(process.env.HAKIT_FENCE_AGENT_DIR ? {fenceDir: process.env.HAKIT_FENCE_AGENT_DIR} : {})},
  })
  const machine = new CrmNode({localNode: config.node, nodes: config.nodes, dcVersion: version, dcDeadtimeMs: options.dcDeadtimeMs, peerDeadtimeMs: cluster.timings.deadtimeMs}, cib)
  /** crm status live views subscribed over the socket (the watch request); `sent`: the CIB version a CIB watcher holds */
  const watchers = new Set<{send: (event: CrmWatchEvent) => void; withCib: boolean; sent?: string}>()
  const controller = new Controller({localNode: config.node, controllerUuid: randomUUID()})
  /** Fencings that succeeded while this node was not DC: a next DC here marks them clean instead of fencing again. */
  const fencedNodes = new FencedNodes()
  /** This node's fencer: answers a request for a node already fenced from that result, merges duplicates. */
  const fencer = new Fencer(config.node)
  let controllerActive = false
  let finished = false
  let resolveDone!: (code: number) => void
  const done = new Promise<number>((resolve) => (resolveDone = resolve))
  const replies = new Map<string, (r: {ok: boolean; error?: string; version?: string}) => void>()
  let requestCounter = 0
  const recurring = new Map<string, RecurringHandle>()
  const timers = new Map<string, NodeJS.Timeout>()
  /** The machines' set-timer/cancel-timer actions: one named timer each, re-armed by a new set. */
  const armTimer = (name: string, at: number, fire: () => void): void => {
    clearTimeout(timers.get(name))
    timers.set(name, setTimeout(() => {
      timers.delete(name)
      fire()
    }, Math.max(0, at - Date.now())))
  }
  const cancelTimer = (name: string): void => {
    clearTimeout(timers.get(name))
    timers.delete(name)
  }
  let tickTimer: NodeJS.Timeout | undefined
  let chain: Promise<void> = Promise.resolve()

  const cpuMs = (): number => process.cpuUsage().user / 1000

  // ---- sending
  const send = (msg: CrmMessage, to?: string): void => {
    if (finished) return
    const messages = encodeCrmMessages(msg, to)
    if (messages.length > 1) log('debug', `Sending ${msg.crm}${to ? ` to ${to}` : ''} in ${messages.length} fragments`)
    try {
      for (const fields of messages) cluster.send(new HbMessage(Object.entries(fields)))
    } catch (error) {
      log('error', `Cannot send ${msg.crm}: ${(error as Error).message}`)
    }
  }
  const sendController = (to: string | undefined, payload: ControllerWire): void => send({crm: 'controller', payload}, to)

  // ---- the cluster layer
  const feed = (event: CrmNodeEvent extends infer E ? (E extends unknown ? Omit<E, 'now' | 'cpuMs'> : never) : never): void => {
    if (finished) return
    const actions = machine.feed({...event, now: Date.now(), cpuMs: cpuMs()} as CrmNodeEvent)
    chain = chain.then(() => perform(actions)).catch((error: Error) => log('error', `internal error: ${error.stack ?? error.message}`))
    scheduleTick()
  }
  const scheduleTick = (): void => {
    if (tickTimer) clearTimeout(tickTimer)
    const deadline = machine.nextDeadline()
    if (!Number.isFinite(deadline) || finished) return
    tickTimer = setTimeout(() => feed({type: 'tick'}), Math.max(0, deadline - Date.now()))
  }

  const perform = async (actions: CrmNodeAction[]): Promise<void> => {
    attrdMembership()
    fencedNodes.membership(new Set(machine.members))
    fencer.feed({type: 'membership', members: new Set(machine.members)})
    for (const a of actions) {
      switch (a.type) {
        case 'send':
          send(a.msg, a.to)
          break
        case 'persist': {
          const digest = await store.write(a.cib, a.time)
          cibd.log('info', `Wrote version ${formatVersion({...cibVersion(a.cib), numUpdates: 0})} of the CIB to disk (digest: ${digest})`)
          break
        }
        case 'log':
          ;(a.daemon === 'cib' ? cibd : crmd).log(a.level, a.text)
          break
        case 'state':
          log('notice', `State transition ${FSA_STATE[a.previous]} -> ${FSA_STATE[a.state]}${a.dc ? ` (DC is ${a.dc})` : ''}`)
          if (a.previous === 'dc' && a.state !== 'dc' && controllerActive) {
            controllerActive = false
            controllerFeed({type: 'lost-dc'}, true)
            attrdFeed({type: 'writer', isWriter: false})
          }
          if (shutdownWanted && a.dc && a.dc !== config.node && a.state === 'not-dc') sendController(a.dc, {kind: 'shutdown-request'})
          if (a.dc && a.dc !== config.node && a.state === 'not-dc') fencedNodes.following(a.dc)
          break
        case 'cib-changed':
          // the live views first: the controller's planning can take a while on a large CIB
          notifyWatchers({change: a.change && {...a.change, to: a.version}})
          if (controllerActive) controllerFeed({type: 'cib-changed', cib: structuredClone(machine.cib)})
          break
        case 'reply':
          replies.get(a.id)?.({ok: a.ok, ...(a.error ? {error: a.error} : {}), ...(a.version ? {version: formatVersion(a.version)} : {})})
          replies.delete(a.id)
          break
        case 'history-deleted': {
          // the controller keeps its own records of the executor history: a tool's deletion reaches
          // it as a cleanup, so it forgets the resource there and probes it again (as Pacemaker's
          // controller does on crm_resource --cleanup)
          const uname = machine.cib.status.find((ns) => ns.id === a.nodeId)?.uname ?? a.nodeId
          if (controllerActive) controllerFeed({type: 'cleanup', rscId: a.rscId, node: uname, refresh: true})
          break
        }
        case 'join-started':
          if (controllerActive) {
            controllerFeed({type: 'join', open: true})
            // Pacemaker's crmd-integration-timeout: a join round that never completes must not hold the DC forever
            armTimer('join-hold', Date.now() + JOIN_HOLD_LIMIT_MS, () => {
              log('warn', `Join not complete after ${JOIN_HOLD_LIMIT_MS / 1000}s: scheduling with the nodes that joined`)
              controllerFeed({type: 'join', open: false})
            })
          }
          break
        case 'dc-ready':
          cancelTimer('join-hold')
          if (controllerActive) controllerFeed({type: 'join', open: false})
          if (!controllerActive && machine.state === 'dc') {
            log('notice', `State transition S_FINALIZE_JOIN -> S_POLICY_ENGINE | input=I_FINALIZED`)
            controllerActive = true
            controllerFeed({type: 'became-dc', cib: structuredClone(machine.cib), members: [...machine.members], quorate: machine.quorum.state.have, fenced: fencedNodes.takeover(new Set(machine.members), Date.now())})
            attrdFeed({type: 'writer', isWriter: true})
            if (shutdownWanted) controllerFeed({type: 'shutdown-request', node: config.node})
          }
          break
        case 'node-joined':
          if (controllerActive) controllerFeed({type: 'node-joined', node: a.node, history: a.lrm})
          break
        case 'node-lost':
          if (controllerActive) controllerFeed({type: 'node-lost', node: a.node})
          break
        case 'quorum':
          if (controllerActive) controllerFeed({type: 'quorum', quorate: a.have})
          break
      }
    }
  }

  const submit = (op: CibOp, client: string): Promise<{ok: boolean; error?: string; version?: string}> =>
    new Promise((resolve) => {
      const id = `${config.node}-${process.pid}-${++requestCounter}`
      replies.set(id, resolve)
      feed({type: 'submit', id, op, client})
    })

  // ---- the controller (active on the DC only)
  function controllerFeed(event: ControllerEvent extends infer E ? (E extends unknown ? Omit<E, 'now'> : never) : never, force = false): void {
    if (!controllerActive && !force) return
    const actions = controller.handle({...event, now: Date.now()} as ControllerEvent)
    if (peInputs) savePeInputs(actions)
    performController(actions)
  }

  // HAKIT_PE_INPUTS=DIR: keep the controller's view at every calculated transition as DIR/pe-input-N.xml
  // (Pacemaker keeps pe-input-N.bz2; `crm_simulate -x` / `hakit crm simulate --xml-file` replay them)
  const peInputs = process.env.HAKIT_PE_INPUTS
  function savePeInputs(actions: ControllerAction[]): void {
    for (const a of actions) {
      const m = a.type === 'log' ? /^Calculated transition (\d+)/.exec(a.message) : null
      const view = controller.snapshot().cib
      if (!m || !view) continue
      try {
        mkdirSync(peInputs!, {recursive: true})
        writeFileSync(join(peInputs!, `pe-input-${m[1]}.xml`), printCibXml(view))
      } catch (error) {
        log('warn', `cannot save pe-input-${m[1]}: ${(error as Error).message}`)
      }
    }
  }

  const performController = (actions: ControllerAction[]): void => {
    for (const a of actions) {
      switch (a.type) {
        case 'execute':
          if (a.node === config.node) runLocal(a.request)
          else sendController(a.node, {kind: 'execute', request: a.request})
          break
        case 'cancel-recurring':
          if (a.node === config.node) cancelLocal(a.rscId, a.action, a.intervalMs)
          else sendController(a.node, {kind: 'cancel', rscId: a.rscId, action: a.action, intervalMs: a.intervalMs})
          break
        case 'cib-update':
          void submit({op: 'status-changes', changes: a.changes}, 'crmd')
          break
        case 'attr-update':
          attrdFeed({type: 'update', node: a.node, name: a.name, value: a.value, origin: config.node})
          break
        case 'fence':
          if (a.executor === config.node) fenceRequested(a.id, a.target, a.action, a.levels)
          else sendController(a.executor, {kind: 'fence', id: a.id, target: a.target, action: a.action, levels: a.levels, timeoutMs: a.timeoutMs})
          break
        case 'shutdown-node':
          if (a.node === config.node) void leave()
          else sendController(a.node, {kind: 'shutdown-ok'})
          break
        case 'set-timer':
          armTimer(a.timer, a.at, () => controllerFeed({type: 'timer-fired', timer: a.timer}))
          break
        case 'cancel-timer':
          cancelTimer(a.timer)
          break
        case 'log':
          log(a.level === 'warning' ? 'warn' : a.level, a.message)
          break
      }
    }
    // live status views show the transition's actions in flight as soon as they are sent
    if (actions.some((a) => a.type === 'execute')) notifyWatchers()
  }

  // ---- the local executor
  const reportResult = (result: OpResult): void => {
    if (finished) return
    if (machine.state === 'dc' && controllerActive) controllerFeed({type: 'op-result', node: config.node, result})
    else if (machine.dc && machine.dc !== config.node) sendController(machine.dc, {kind: 'op-result', result})
  }
  const runLocal = (request: OpRequest): void => {
    log('info', `Requesting local execution of ${request.action} operation for ${request.rscId} on ${config.node} | transition_key=${request.transitionKey ?? ''}`)
    if (request.intervalMs > 0) {
      const handle = executor.startRecurring(request, reportResult, {changesOnly: true})
      recurring.set(`${request.rscId}_${request.action}_${request.intervalMs}`, handle)
      return
    }
    executor.execute(request).then(
      (result) => {
        // exec-time/queue-time as pacemaker-execd logs them: where an outage's time goes (bench/crm-lab.mjs's timeline)
        log('notice', `Result of ${request.action} operation for ${request.rscId} on ${config.node}: ${result.classification.text} | rc=${result.rc} exec-time=${result.execTimeMs}ms queue-time=${result.queueTimeMs}ms`)
        // kept by the cluster layer until the replica shows it: if this report is lost with its DC, the next join carries it
        if (result.status !== ExecStatus.Cancelled && request.action !== 'notify') {
          feed({type: 'executed', resource: lrmResourceRef(request.rscId, request.agent), ops: resultEntries(result, config.node, result.transitionKey ?? request.transitionKey ?? '')})
        }
        reportResult(result)
      },
      (error: Error) => log('error', `executor: ${error.message}`),
    )
  }
  const cancelLocal = (rscId: string, action: string, intervalMs: number): void => {
    const key = `${rscId}_${action}_${intervalMs}`
    const handle = recurring.get(key)
    if (!handle) return
    recurring.delete(key)
    void executor.cancel(handle)
  }
  /** Runs the fencing levels in order until one succeeds (every device of a level must). */
  const fenceLocal = async (id: string, target: string, levels: FenceLevel[]): Promise<{ok: boolean; reason?: string}> => {
    log('notice', `Requesting fencing of ${target} (${id})`)
    let reason = 'no fencing level'
    for (const level of levels) {
      let ok = true
      for (const device of level.devices) {
        // answered meanwhile (another node's run fenced the target): the devices left are not run
        if (!fencer.open(id)) return {ok: true}
        const result = await executor.execute(device.request)
        if (result.rc !== 0) {
          ok = false
          reason = `${device.device}: ${result.exitReason || result.classification.text}`
          break
        }
      }
      if (ok) {
        log('notice', `Operation ${id} targeting ${target} by level ${level.index}: OK`)
        return {ok: true}
      }
    }
    log('error', `Fencing of ${target} failed: ${reason}`)
    return {ok: false, reason}
  }

  type FenceOutcome = {id: string; target: string; action?: string; ok: boolean; reason?: string}
  const fenceLevels = new Map<string, {action: string; levels: FenceLevel[]}>()
  /** A DC asks this node to fence: the fencer runs it, or answers it from a fencing done or in progress. */
  const fenceRequested = (id: string, target: string, action: string, levels: FenceLevel[]): void => {
    fenceLevels.set(id, {action, levels})
    performFencer(fencer.feed({type: 'request', id, target, action, now: Date.now()}))
  }
  const performFencer = (actions: FencerAction[]): void => {
    for (const a of actions) {
      if (a.type === 'log') log(a.level, a.text)
      else if (a.type === 'run') {
        void fenceLocal(a.id, a.target, fenceLevels.get(a.id)?.levels ?? [])
          .then((r) => performFencer(fencer.feed({type: 'run-done', id: a.id, ...r, now: Date.now()})))
      } else {
        const action = fenceLevels.get(a.id)?.action
        fenceLevels.delete(a.id)
        announceFenceResult({id: a.id, target: a.target, ...(action ? {action} : {}), ok: a.ok, ...(a.reason ? {reason: a.reason} : {})}, a.executedBy)
      }
    }
  }
  /**
   * A fencing this node ran (or answered): its result goes to every node, as Pacemaker's fencer broadcasts it.
   * The DC that asked may be gone (it fenced itself, or died meanwhile): the others remember the
   * success, and whoever becomes DC next records it instead of fencing the node again.
   */
  const announceFenceResult = (outcome: FenceOutcome, executedBy: string): void => {
    sendController(undefined, {kind: 'fence-result', ...outcome, executedBy})
    fenceResultHeard(config.node, {...outcome, executedBy})
  }
  const fenceResultHeard = (from: string, result: FenceOutcome & {executedBy: string}): void => {
    if (controllerActive) {
      controllerFeed({type: 'fence-result', ...result})
      return
    }
    if (!result.ok) return
    log('notice', `Peer ${result.target} was terminated by ${result.executedBy}${from === config.node ? '' : ` (reported by ${from})`}: OK${result.target === machine.dc ? ' (it was our DC)' : ''}`)
    fencedNodes.record(result.target, Date.now(), machine.dc)
  }

  const onController = (from: string, payload: ControllerWire): void => {
    switch (payload.kind) {
      case 'execute':
      case 'cancel':
        // only the DC we follow gives orders: one that lost DC status (a stalled node waking up, a heal)
        // may still send its transition's actions
        if (from !== machine.dc) {
          log('warn', `Discarding ${payload.kind === 'execute' ? `${payload.request.action} of ${payload.request.rscId}` : `cancel of ${payload.rscId}`} from ${from}: our DC is ${machine.dc ?? 'not known'}`)
          break
        }
        if (payload.kind === 'execute') runLocal(payload.request)
        else cancelLocal(payload.rscId, payload.action, payload.intervalMs)
        break
      case 'op-result':
        controllerFeed({type: 'op-result', node: from, result: payload.result})
        break
      case 'fence':
        fenceRequested(payload.id, payload.target, payload.action, payload.levels)
        break
      case 'fence-result':
        // the controller first: a request of ours the fencer answers from this result is then already confirmed
        fenceResultHeard(from, {id: payload.id, target: payload.target, ok: payload.ok, ...(payload.reason ? {reason: payload.reason} : {}), executedBy: payload.executedBy})
        performFencer(fencer.feed({type: 'heard', id: payload.id, target: payload.target, ...(payload.action ? {action: payload.action} : {}), ok: payload.ok, executedBy: payload.executedBy, now: Date.now()}))
        break
      case 'shutdown-request':
        controllerFeed({type: 'shutdown-request', node: from})
        break
      case 'attrd':
        attrdFeed({type: 'peer-message', from, message: payload.message})
        break
      case 'shutdown-ok':
        if (from === machine.dc) {
          log('notice', `Shutting down controller after confirmation from ${from}`)
          void leave()
        }
        break
    }
  }

  // ---- node attributes (attrd): replicated among the members, written to the CIB by the DC
  const attrd = new Attrd({localNode: config.node})
  let attrdMembers = new Set<string>([config.node])
  function attrdFeed(event: AttrdEvent extends infer E ? (E extends unknown ? Omit<E, 'now'> : never) : never): void {
    if (finished) return
    performAttrd(attrd.handle({...event, now: Date.now()} as AttrdEvent))
  }
  function performAttrd(actions: AttrdAction[]): void {
    for (const a of actions) {
      switch (a.type) {
        case 'broadcast':
          sendController(undefined, {kind: 'attrd', message: a.message})
          break
        case 'send':
          sendController(a.to, {kind: 'attrd', message: a.message})
          break
        case 'cib-update':
          void submit({op: 'status-changes', changes: a.changes}, 'attrd')
          break
        case 'set-timer':
          armTimer(a.timer, a.at, () => attrdFeed({type: 'timer-fired', timer: a.timer}))
          break
        case 'cancel-timer':
          cancelTimer(a.timer)
          break
        case 'log':
          log(a.level === 'warning' ? 'warn' : a.level, `attrd: ${a.message}`)
          break
      }
    }
  }
  /** Members that came or went since the last look: attrd syncs newcomers and forgets the lost. */
  function attrdMembership(): void {
    const now = new Set(machine.members)
    for (const n of now) if (!attrdMembers.has(n)) attrdFeed({type: 'peer-joined', node: n})
    for (const n of attrdMembers) if (!now.has(n)) attrdFeed({type: 'peer-lost', node: n})
    attrdMembers = now
  }

  // The agents' tools (crm_attribute, crm_master, attrd_updater) reach attrd over the local socket
  // (HAKIT_ATTRD_SOCKET in the agents' environment), as Pacemaker's reach pacemaker-attrd over IPC:
  // transient attributes go through attrd (replicated, dampened), permanent ones are CIB changes.
  const nodePairs = (node: string) => node === '#cluster'
    ? machine.cib.crmConfig.flatMap((set) => set.pairs)
    : machine.cib.nodes.find((n) => n.uname === node)?.instanceAttributes.flatMap((set) => set.pairs) ?? []
  const attributeStore = new AttrdAttributeStore(attrd, {
    perform: performAttrd,
    now: () => Date.now(),
    getPermanent: (node, name) => nodePairs(node).find((p) => p.name === name)?.value,
    setPermanent: async (node, name, value) => {
      const change: CibOp = node === '#cluster'
        ? {op: 'set-cluster-options', options: {[name]: value ?? undefined}}
        : {op: 'node-attributes', uname: node, attributes: {[name]: value ?? undefined}}
      const r = await submit(change, 'crm_attribute')
      if (!r.ok) throw new Error(r.error ?? 'refused')
    },
    listPermanent: (node) => machine.cib.nodes.filter((n) => node === undefined || n.uname === node)
      .flatMap((n) => n.instanceAttributes.flatMap((set) => set.pairs.map((p) => ({node: n.uname, name: p.name, value: p.value ?? '', lifetime: 'forever' as const})))),
  })
  const attributeRequestFromTools = async (r: AttributeRequest): Promise<AttributeAnswer> => {
    switch (r.action) {
      case 'get': {
        const value = await attributeStore.get(r.node, r.name, r.lifetime)
        return value === undefined ? {} : {value}
      }
      case 'set':
        await attributeStore.set(r.node, r.name, r.value, r.lifetime, r.dampenMs)
        return {}
      case 'delete':
        await attributeStore.delete(r.node, r.name, r.lifetime, r.dampenMs)
        return {}
      case 'list':
        return {entries: await attributeStore.list(r.node)}
    }
  }

  // ---- membership and messages
  const reassembler = new Reassembler()
  /**
   * `died`: the node the messaging layer has just declared dead. Only that declaration makes the cluster
   * layer forget a node: a node still marked dead from earlier may already have spoken the CRM protocol
   * again (its messages can arrive before its next status packet revives it), and another node's status
   * change must not make us forget it a second time.
   */
  const membership = (died?: string): {type: 'membership'; live: string[]; dead: string[]; heard: Record<string, number>; deadtimes: Record<string, number>} => {
    const others = config.nodes.filter((n) => n !== config.node)
    // when each node was last heard, on the machine's clock (the messaging layer's is monotonic)
    const monotonicToWall = Date.now() - performance.now()
    const heard: Record<string, number> = {}
    // the dead time the messaging layer applies to each peer (the one it advertises): the loss hold's rule uses it
    const deadtimes: Record<string, number> = {}
    for (const n of others) {
      const at = cluster.lastHeardAt(n)
      if (at !== undefined) heard[n] = at + monotonicToWall
      deadtimes[n] = cluster.deadIntervalFor(n.toLowerCase())
    }
    return {
      type: 'membership',
      live: others.filter((n) => ['up', 'active'].includes(cluster.nodeStatus(n) ?? 'init')),
      dead: died ? [died] : [],
      heard,
      deadtimes,
    }
  }
  cluster.on('node-status', (e: {node: string; status: string}) => {
    if (e.node !== config.node) feed(membership(e.status === 'dead' ? e.node : undefined))
  })
  // a node loss waits until every member still counted is heard again (node.ts, loss-hold.ts): tell it
  cluster.on('message', (_msg: HbMessage, info: {from: string; self?: boolean}) => {
    if (!info.self && machine.holdingLosses) feed({type: 'heard', node: info.from})
  })
  cluster.on('comms-up', () => {
    cluster.setLocalStatus('active')
    feed(membership())
  })
  cluster.on(`message:${CRM_MESSAGE_TYPE}`, (msg: HbMessage, info: {from: string; self?: boolean}) => {
    if (info.self || finished) return
    const fragment = msg.has('fragid')
    const crm = reassembler.accept(info.from.toLowerCase(), (name) => msg.get(name))
    if (!crm) {
      if (!fragment) log('warn', `Ignoring a malformed CRM message from ${info.from}`)
      return
    }
    if (crm.crm === 'controller') {
      // only between members of the same cluster: the DC's orders, and results to the DC
      onController(info.from.toLowerCase(), crm.payload as ControllerWire)
      return
    }
    feed({type: 'message', from: info.from, msg: crm})
  })

  // ---- socket
  function watchEvent(): CrmWatchEvent {
    const snap = controllerActive ? controller.snapshot() : undefined
    return {version: formatVersion(cibVersion(machine.cib)), ...(snap ? {transition: {id: snap.transitionId, inFlight: snap.inFlight}} : {})}
  }
  /** Tells every live view; one that holds the CIB gets the change, or the whole CIB (eventForCibWatcher). */
  function notifyWatchers(cibChanged?: {change?: ReplicaChange}): void {
    if (watchers.size === 0) return
    const event = watchEvent()
    let xml: string | undefined
    const whole = () => (xml ??= printCibXml(machine.cib))
    for (const w of watchers) w.send(w.withCib ? eventForCibWatcher(w, event, cibChanged, whole) : event)
  }
  const status = (): CrmStatus => ({
    node: config.node, state: machine.state, ...(machine.dc ? {dc: machine.dc} : {}), members: [...machine.members],
    quorum: machine.quorum.state.have, version: formatVersion(cibVersion(machine.cib)), pid: process.pid,
    ...(controllerActive ? {controller: controller.snapshot().state} : {}),
  })
  const backend = {
    query: () => printCibXml(machine.cib),
    status,
    submit: (change: CibOp) => submit(change, 'cibadmin'),
    attribute: attributeRequestFromTools,
    watch: (listener: (event: CrmWatchEvent) => void, withCib = false) => {
      const watcher = {send: listener, withCib, sent: undefined as string | undefined}
      watchers.add(watcher)
      const event = watchEvent()
      if (withCib) {
        watcher.sent = event.version
        listener({...event, cib: printCibXml(machine.cib)})
      } else listener(event)
      return () => watchers.delete(watcher)
    },
  }
  const servers: Server[] = []
  for (const socket of sockets) {
    try {
      servers.push(await startCrmSocket(socket, backend))
    } catch (error) {
      const message = `CRM socket ${socket}: ${(error as Error).message}`
      if (socket === DEFAULT_CRM_SOCKET) log('debug', message)
      else throw new UserError(`refusing to start: ${message}`, 1)
    }
  }

  // ---- stopping
  let shutdownWanted = false
  let leaving = false
  const finish = async (code: number): Promise<void> => {
    if (finished) return
    finished = true
    if (tickTimer) clearTimeout(tickTimer)
    for (const t of timers.values()) clearTimeout(t)
    await executor.shutdown().catch(() => {})
    await cluster.stop().catch(() => {})
    for (const server of servers) server.close()
    log('info', 'CRM shutdown complete')
    crmd.close()
    cibd.close()
    resolveDone(code)
  }
  const leave = async (): Promise<void> => {
    if (leaving) return
    leaving = true
    feed({type: 'shutdown'})
    await chain
    cluster.sendShutdownNotice()
    // let the notices (and a retransmission, if asked) go out before the sockets close
    await new Promise((r) => setTimeout(r, Math.min(300, config.messaging.keepaliveMs)))
    await finish(0)
  }
  const stop = (): void => {
    if (shutdownWanted || finished) return
    shutdownWanted = true
    // the cluster option as this node's replica has it when the stop begins (Pacemaker's controller reads it from the CIB too)
    const escalation = options.shutdownEscalationMs ?? parseInterval(clusterOption(machine.cib, 'shutdown-escalation')) ?? DEFAULT_SHUTDOWN_ESCALATION_MS
    log('notice', `Initiating controller shutdown sequence | limit=${escalation}ms`)
    const dc = machine.dc
    if (machine.state === 'dc' && controllerActive) controllerFeed({type: 'shutdown-request', node: config.node})
    else if (machine.state === 'not-dc' && dc) {
      log('info', `Sending shutdown request to all peers (DC is ${dc})`)
      sendController(dc, {kind: 'shutdown-request'})
    } else {
      log('info', 'No DC: leaving without stopping resources')
      void leave()
      return
    }
    setTimeout(() => {
      if (!leaving) {
        log('error', `Shutdown escalation: leaving after ${escalation}ms without the DC's confirmation`)
        void leave()
      }
    }, escalation).unref()
  }
  if (options.signals) {
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
    process.on('SIGHUP', () => log('info', 'SIGHUP ignored: the configuration lives in the CIB; change it with a CIB update'))
  }

  // ---- start
  try {
    await cluster.start()
  } catch (error) {
    log('error', `cannot start the cluster media: ${(error as Error).message}`)
    await finish(1)
    return {config, done, stop, status}
  }
  feed({type: 'start', cib})
  feed(membership())
  return {config, done, stop, status}
}
