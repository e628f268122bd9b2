/**
 * The local resource executor (what pacemaker-execd does): runs operations
 * of any class, one at a time per resource in submission order (different
 * resources in parallel), with start-delay, timeouts, recurring monitors and
 * their cancellation, and returns the lrm_rsc_op record of each result.
 */
import {hostname} from 'node:os'
import {agentName, DEFAULT_PATHS, locateAgent, type AgentPaths} from './agents.js'
import {interpretExit, planInvocation, type Invocation} from './classes.js'
import {classify, defaultTargetRc} from './rc.js'
import {operationDigests} from './digest.js'
import {parseMetadata, type AgentMetadata} from './metadata.js'
import {fenceMetadata, heartbeatMetadata, lsbMetadata} from './derived-metadata.js'
import {runAgentProcess} from './run-agent.js'
import {agentToolsEnvironment} from './tools/shims.js'
import {ExecStatus, OcfRc, type AgentRef, type Executor, type OpRequest, type OpResult, type RecurringHandle, type RecurringOptions} from './types.js'

export interface LocalExecutorOptions {
  paths?: Partial<AgentPaths>
  /** This node (CRM_meta_on_node is passed only when the request names a node; this is for tools and heartbeat scripts). */
  nodeName?: string
  nodeId?: string
  /** The attribute store file the agent-facing tools use (see tools/). */
  attributeStore?: string
  /** Put hakit's crm_attribute, attrd_updater, ... first on the agents' PATH (default true). */
  agentTools?: boolean
  /** Base environment of every agent (default: this process's). */
  baseEnv?: NodeJS.ProcessEnv
  /** Agents' working directory (default: this process's). */
  cwd?: string
  killGraceMs?: number
  maxCaptureBytes?: number
  drainMs?: number
  /** One-shot use (`force-*`): no fence-device registration to remember, so a stonith monitor always asks the agent. */
  oneShot?: boolean
  /** The cluster's members for the agents' crm_node -l/-p/-N (default: this node alone). */
  clusterNodes?: {id: string; name: string}[]
}

interface Queued {
  request: OpRequest
  submittedAt: number
  controller: AbortController
  /** Wait start-delay first (a recurring op's later runs do not, though CRM_meta_start_delay stays in their environment, as execd). */
  applyStartDelay: boolean
}

interface RecurringState {
  handle: RecurringHandle
  request: OpRequest
  onResult: (result: OpResult) => void
  options: RecurringOptions
  timer?: NodeJS.Timeout
  current?: Queued
  cancelled: boolean
  last?: {rc: number; status: ExecStatus}
  /** Resolves when the run in progress (if any) has finished. */
  running?: Promise<unknown>
}

export const DEFAULT_OP_TIMEOUT_MS = 20_000

/** Actions whose history records carry restart/secure digests (crm_op_needs_metadata). */
const DIGEST_ACTIONS = new Set(['start', 'monitor', 'promote', 'demote', 'reload', 'reload-agent', 'migrate_to', 'migrate_from', 'notify'])

export function operationKey(rscId: string, action: string, intervalMs: number): string {
  return `${rscId}_${action}_${intervalMs}`
}

export class LocalExecutor implements Executor {
  readonly paths: AgentPaths
  private callCounter = 0
  /** Tail of each resource's queue. */
  private readonly tails = new Map<string, Promise<unknown>>()
  private readonly inFlight = new Set<Queued>()
  private readonly recurring = new Map<string, RecurringState>()
  /** First time the current rc was seen, per operation key (last-rc-change). */
  private readonly rcSince = new Map<string, {rc: number; status: ExecStatus; since: number}>()
  private readonly metadataCache = new Map<string, Promise<string>>()
  /** Parsed meta-data per agent once prepare() has run (undefined: none to read, e.g. LSB). */
  private readonly parsedCache = new Map<string, AgentMetadata | undefined>()
  /** stonith devices "started" here (Pacemaker: registered with the fencer). */
  private readonly registeredDevices = new Set<string>()
  private readonly baseEnv: NodeJS.ProcessEnv
  private closed = false

  constructor(private readonly options: LocalExecutorOptions = {}) {
    this.paths = {...DEFAULT_PATHS, ...options.paths}
    const tools = options.agentTools === false ? {} : agentToolsEnvironment({
      storePath: options.attributeStore,
      nodeName: this.nodeName,
      nodeId: options.nodeId ?? '1',
      path: (options.baseEnv ?? process.env).PATH,
      clusterNodes: options.clusterNodes,
    })
    this.baseEnv = {...(options.baseEnv ?? process.env), ...tools}
  }

  get nodeName(): string {
    return this.options.nodeName ?? hostname()
  }

  execute(request: OpRequest): Promise<OpResult> {
    if (this.closed) return Promise.resolve(this.immediateResult(request, OcfRc.ErrGeneric, ExecStatus.Invalid, 'Executor is shutting down', Date.now()))
    return this.enqueue({request, submittedAt: Date.now(), controller: new AbortController(), applyStartDelay: true})
  }

  private enqueue(item: Queued): Promise<OpResult> {
    const rsc = item.request.rscId
    const previous = this.tails.get(rsc) ?? Promise.resolve()
    const run = previous.then(() => this.run(item))
    const tail = run.catch(() => {})
    this.tails.set(rsc, tail)
    void tail.then(() => {
      if (this.tails.get(rsc) === tail) this.tails.delete(rsc)
    })
    return run
  }

  startRecurring(request: OpRequest, onResult: (result: OpResult) => void, options: RecurringOptions = {}): RecurringHandle {
    const handle: RecurringHandle = {rscId: request.rscId, action: request.action, intervalMs: request.intervalMs}
    const key = operationKey(handle.rscId, handle.action, handle.intervalMs)
    const old = this.recurring.get(key)
    if (old) void this.cancel(old.handle)
    const state: RecurringState = {handle, request, onResult, options, cancelled: false}
    this.recurring.set(key, state)
    // The first run honours start-delay (passed in the request); later runs come `interval` after the previous one ended.
    this.scheduleRecurring(state, 0, true)
    return handle
  }

  private scheduleRecurring(state: RecurringState, delayMs: number, first: boolean): void {
    state.timer = setTimeout(() => {
      state.timer = undefined
      if (state.cancelled) return
      const item: Queued = {request: state.request, submittedAt: Date.now(), controller: new AbortController(), applyStartDelay: first}
      state.current = item
      state.running = this.enqueue(item).then((result) => {
        state.current = undefined
        const changed = !state.last || state.last.rc !== result.rc || state.last.status !== result.status
        state.last = {rc: result.rc, status: result.status}
        if (result.status === ExecStatus.Cancelled || state.cancelled) return
        if (changed || !state.options.changesOnly) state.onResult(result)
        this.scheduleRecurring(state, state.request.intervalMs, false)
      })
    }, delayMs)
  }

  async cancel(handle: RecurringHandle): Promise<void> {
    const key = operationKey(handle.rscId, handle.action, handle.intervalMs)
    const state = this.recurring.get(key)
    if (!state) return
    this.recurring.delete(key)
    state.cancelled = true
    if (state.timer) clearTimeout(state.timer)
    if (state.current) {
      state.current.controller.abort()
      // Running now: wait until its process group is gone. Still queued behind another op: it will never run, no need to wait.
      if (this.inFlight.has(state.current)) await state.running
    }
    state.onResult(this.immediateResult(state.request, OcfRc.Ok, ExecStatus.Cancelled, '', Date.now()))
  }

  async shutdown(): Promise<void> {
    this.closed = true
    await Promise.all([...this.recurring.values()].map((s) => this.cancel(s.handle)))
    for (const item of this.inFlight) item.controller.abort()
    await Promise.all([...this.tails.values()])
  }

  async metadata(agent: AgentRef): Promise<string> {
    const key = agentName(agent)
    let cached = this.metadataCache.get(key)
    if (!cached) {
      cached = this.readMetadata(agent)
      this.metadataCache.set(key, cached)
      cached.catch(() => this.metadataCache.delete(key))
    }
    return cached
  }

  private async readMetadata(agent: AgentRef): Promise<string> {
    const located = locateAgent(agent, this.paths)
    if (located.state !== 'ok') throw new Error(located.state === 'missing' || located.state === 'unavailable' ? located.detail : `${located.path} is not executable`)
    if (located.via === 'lsb') return lsbMetadata(agent.type, located.path)
    if (located.via === 'heartbeat') return heartbeatMetadata(agent.type)
    const action = located.via === 'fence' || located.via === 'glue' ? 'metadata' : 'meta-data'
    const request: OpRequest = {rscId: agent.type, agent, action, intervalMs: 0, timeoutMs: 30_000, params: {}}
    const invocation = planInvocation(request, this.planContext(located.path, located.via))
    const run = await runAgentProcess(invocation.file, invocation.args, {
      env: {...this.baseEnv, ...invocation.env}, input: invocation.input, timeoutMs: request.timeoutMs,
      keepHead: true, maxCaptureBytes: 4 * 1024 * 1024, cwd: this.options.cwd,
    })
    if (run.exitCode !== 0 || !run.stdout.includes('<resource-agent')) {
      throw new Error(`${agentName(agent)} meta-data failed (${run.timedOut ? 'timed out' : `exit ${run.exitCode ?? run.signal}`})`)
    }
    return located.via === 'fence' ? fenceMetadata(run.stdout, agentName(agent)) : run.stdout
  }

  /** Parsed meta-data, or undefined when the agent has none we can read (digests then cover op-digest only). */
  async parsedMetadata(agent: AgentRef): Promise<AgentMetadata | undefined> {
    try {
      return parseMetadata(await this.metadata(agent), agentName(agent))
    } catch {
      return undefined
    }
  }

  private planContext(path: string, via: string, fenceHostArgument?: string) {
    return {path, via, ocfRoot: this.paths.ocfRoot, heartbeatConfigDir: this.paths.heartbeatConfigDir, nodeName: this.nodeName, fenceHostArgument}
  }

  private async run(item: Queued): Promise<OpResult> {
    const {request, controller} = item
    this.inFlight.add(item)
    try {
      if (item.applyStartDelay && request.startDelayMs && request.startDelayMs > 0) await abortableSleep(request.startDelayMs, controller.signal)
      const startedAt = Date.now()
      const queueTimeMs = startedAt - item.submittedAt
      if (controller.signal.aborted) return this.finish(request, {rc: OcfRc.Ok, status: ExecStatus.Cancelled, exitReason: ''}, startedAt, 0, queueTimeMs, '', '')
      try {
        return await this.runNow(request, controller.signal, startedAt, queueTimeMs)
      } catch (error) {
        // A bug or an unexpected system error must still give the caller a result, never a wedged queue.
        return this.finish(request, {rc: OcfRc.ErrGeneric, status: ExecStatus.Error, exitReason: `hakit executor: ${(error as Error).message}`}, startedAt, 0, queueTimeMs, '', '')
      }
    } finally {
      this.inFlight.delete(item)
    }
  }

  private async runNow(request: OpRequest, signal: AbortSignal, startedAt: number, queueTimeMs: number): Promise<OpResult> {
    const located = locateAgent(request.agent, this.paths)
    if (located.state === 'missing' || located.state === 'unavailable') {
      const reason = located.state === 'unavailable' ? located.detail : this.notInstalledReason(request)
      const result = this.finish(request, {rc: OcfRc.ErrInstalled, status: ExecStatus.NotInstalled, exitReason: reason}, startedAt, 0, queueTimeMs, '', '')
      result.hint = located.detail
      return result
    }
    if (located.state === 'not-executable') {
      return this.finish(request, {rc: OcfRc.ErrPerm, status: ExecStatus.Done, exitReason: 'Child process was unable to execute file'}, startedAt, 0, queueTimeMs, '', '')
    }
    const isFence = located.via === 'fence' || located.via === 'glue'
    // Like the controller, read the agent's meta-data on first use: restart and secure digests need it.
    if (DIGEST_ACTIONS.has(request.action)) await this.prepare(request.agent)
    // A stonith "resource" is a registration: stop unregisters (no agent run), monitor of an unregistered device is "not running".
    if (isFence && request.action === 'stop') {
      this.registeredDevices.delete(request.rscId)
      return this.finish(request, {rc: OcfRc.Ok, status: ExecStatus.Done, exitReason: ''}, startedAt, 0, queueTimeMs, '', '')
    }
    if (isFence && request.action === 'monitor' && !this.options.oneShot && !this.registeredDevices.has(request.rscId)) {
      return this.finish(request, {rc: OcfRc.NotRunning, status: ExecStatus.Done, exitReason: ''}, startedAt, 0, queueTimeMs, '', '')
    }
    if (request.action === 'meta-data' || (isFence && request.action === 'metadata')) {
      try {
        const xml = await this.metadata(request.agent)
        const result = this.finish(request, {rc: OcfRc.Ok, status: ExecStatus.Done, exitReason: ''}, startedAt, Date.now() - startedAt, queueTimeMs, xml, '')
        result.output = xml
        return result
      } catch (error) {
        return this.finish(request, {rc: OcfRc.ErrGeneric, status: ExecStatus.Error, exitReason: (error as Error).message}, startedAt, 0, queueTimeMs, '', '')
      }
    }
    let fenceHostArgument: string | undefined
    if (located.via === 'fence') fenceHostArgument = await this.fenceHostArgument(request)
    const invocation: Invocation = planInvocation(request, this.planContext(located.path, located.via, fenceHostArgument))
    const run = await runAgentProcess(invocation.file, invocation.args, {
      env: {...this.baseEnv, ...invocation.env, ...request.env},
      input: invocation.input,
      cwd: this.options.cwd,
      timeoutMs: request.timeoutMs,
      killGraceMs: this.options.killGraceMs,
      maxCaptureBytes: invocation.wantsFullOutput ? 4 * 1024 * 1024 : this.options.maxCaptureBytes,
      keepHead: invocation.wantsFullOutput,
      drainMs: this.options.drainMs,
      signal,
    })
    const outcome = interpretExit(request, located.via, invocation, run)
    if (isFence && request.action === 'start' && outcome.rc === OcfRc.Ok) this.registeredDevices.add(request.rscId)
    // A timed-out operation ran until the timeout fired (execd records that, not 0, as observed in the lab).
    const execTime = run.timedOutAfterMs ?? run.durationMs
    const result = this.finish(request, outcome, startedAt, execTime, queueTimeMs, run.stdout, run.stderr)
    if (invocation.wantsFullOutput) result.output = run.stdout
    if (run.droppedBytes > 0) result.hint = `agent output truncated: ${run.droppedBytes} bytes dropped`
    return result
  }

  /** pcmk_host_argument, else `plug` when the agent's meta-data has plug but no port, else port. */
  private async fenceHostArgument(request: OpRequest): Promise<string> {
    if (request.params.pcmk_host_argument) return request.params.pcmk_host_argument
    if (request.fenceTarget === undefined) return 'port'
    const metadata = await this.parsedMetadata(request.agent)
    const names = new Set(metadata?.parameters.map((p) => p.name))
    return names.has('plug') && !names.has('port') ? 'plug' : 'port'
  }

  private notInstalledReason(request: OpRequest): string {
    // Pacemaker's wording: "<type>: No such file or directory" (LSB: the script path).
    if (request.agent.class === 'lsb') return `${this.paths.initDir}/${request.agent.type}: No such file or directory`
    return `${request.agent.type}: No such file or directory`
  }

  private immediateResult(request: OpRequest, rc: number, status: ExecStatus, reason: string, at: number): OpResult {
    return this.finish(request, {rc, status, exitReason: reason}, at, 0, 0, '', '')
  }

  private finish(
    request: OpRequest,
    outcome: {rc: number; status: ExecStatus; exitReason: string},
    startedAt: number,
    execTimeMs: number,
    queueTimeMs: number,
    stdout: string,
    stderr: string,
  ): OpResult {
    const key = operationKey(request.rscId, request.action, request.intervalMs)
    const lastRun = Math.floor(startedAt / 1000)
    const previous = this.rcSince.get(key)
    let since = lastRun
    if (request.intervalMs > 0 && previous && previous.rc === outcome.rc && previous.status === outcome.status) since = previous.since
    if (outcome.status !== ExecStatus.Cancelled) this.rcSince.set(key, {rc: outcome.rc, status: outcome.status, since})
    const targetRc = request.targetRc ?? defaultTargetRc(request.action, request.intervalMs, request.opMeta?.role)
    return {
      rscId: request.rscId,
      action: request.action,
      intervalMs: request.intervalMs,
      operationKey: key,
      callId: ++this.callCounter,
      rc: outcome.rc,
      status: outcome.status,
      exitReason: outcome.exitReason,
      execTimeMs,
      queueTimeMs,
      lastRun,
      lastRcChange: since,
      ...operationDigests(request, this.cachedMetadata(request.agent)),
      transitionKey: request.transitionKey,
      targetRc,
      classification: classify(request.action, request.intervalMs, outcome.rc, outcome.status, targetRc),
      stdoutTail: tail(stdout),
      stderrTail: tail(stderr),
    }
  }

  /** Metadata already fetched (digests must not run agents on their own). */
  private cachedMetadata(agent: AgentRef): AgentMetadata | undefined {
    return this.parsedCache.get(agentName(agent))
  }

  /** Fetches and parses an agent's meta-data once so that results carry restart/secure digests (the controller does this on first use). */
  async prepare(agent: AgentRef): Promise<void> {
    const key = agentName(agent)
    if (this.parsedCache.has(key)) return
    if (agent.class !== 'ocf' && agent.class !== 'stonith') {
      this.parsedCache.set(key, undefined)
      return
    }
    this.parsedCache.set(key, await this.parsedMetadata(agent))
  }
}

const TAIL_BYTES = 4096
function tail(text: string): string {
  return text.length > TAIL_BYTES ? text.slice(text.length - TAIL_BYTES) : text
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, {once: true})
  })
}
