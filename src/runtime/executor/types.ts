/**
 * The resource executor's contract: one operation request in, one result
 * record out — what pacemaker-execd does for the controller. The CRM daemon
 * codes against these types; the executor (./executor.ts) implements them.
 * Reference: shared/reference/pacemaker-runtime.md §1–3, §6.2.
 */

/** Resource classes hakit can run (Pacemaker's "standards" plus the v1 heartbeat class). */
export type ResourceClass = 'ocf' | 'lsb' | 'systemd' | 'service' | 'heartbeat' | 'stonith'

export const RESOURCE_CLASSES: readonly ResourceClass[] = ['ocf', 'lsb', 'systemd', 'service', 'heartbeat', 'stonith']

export interface AgentRef {
  class: ResourceClass
  /** ocf only (heartbeat, pacemaker, linbit, ...). */
  provider?: string
  /** Agent name: OCF type, init script, unit, v1 script, fence agent. */
  type: string
}

/** The clone an operation's resource belongs to (exported as OCF_RESKEY_CRM_meta_clone*). */
export interface CloneInfo {
  /** Instance number (`CRM_meta_clone`); OCF_RESOURCE_INSTANCE stays the primitive id for anonymous clones. */
  instance: number
  cloneMax: number
  cloneNodeMax: number
  globallyUnique: boolean
  notify: boolean
  /** Promotable clones only: promoted-max / promoted-node-max (also exported under the legacy master_* names). */
  promotedMax?: number
  promotedNodeMax?: number
}

/** The instance/node sets of a clone notification (`CRM_meta_notify_<set>_resource` / `_uname`). */
export type NotifySet =
  | 'active' | 'inactive' | 'available' | 'all'
  | 'start' | 'stop' | 'promote' | 'demote'
  | 'promoted' | 'unpromoted' | 'master' | 'slave'

/**
 * Notification data. A `notify` action has type and operation; every other action of a clone
 * with notify=true carries the sets only (observed with pacemaker-execd 2.1.5).
 */
export interface NotifyInfo {
  type?: 'pre' | 'post'
  operation?: 'start' | 'stop' | 'promote' | 'demote'
  /** The key of the notification pseudo-action it belongs to (`post`/`running`); derived from type and operation when absent. */
  keyType?: string
  keyOperation?: string
  /**
   * Only the listed lists are exported (an empty one as " "), as a transition graph gives them; otherwise
   * a missing list is exported as " " too. (A notification Pacemaker makes only because a fencing
   * implied a stop carries just the stop lists.)
   */
  onlyListed?: boolean
  /** container-attribute-target=host: every node, a guest node by its host's name (`CRM_meta_notify_all_hosts`) */
  allHosts?: string[]
  /** Instance names (`p:0 p:1`) and node names per set; missing or empty sets are exported as " ". */
  sets: Partial<Record<NotifySet, {resources?: string[]; unames?: string[]}>>
}

/** One operation to run, with everything Pacemaker puts into the agent's environment. */
export interface OpRequest {
  /** Resource id (primitive id, without `:N` for anonymous clone instances). */
  rscId: string
  agent: AgentRef
  /** start, stop, monitor, promote, demote, notify, reload, reload-agent, migrate_to, migrate_from, meta-data, validate-all;
   * stonith: on, off, reboot, status, list, monitor, metadata. */
  action: string
  /** 0 for one-shot operations and probes; > 0 for recurring monitors (ms). */
  intervalMs: number
  /** Operation timeout (ms): 20000 when nothing is configured, as Pacemaker. */
  timeoutMs: number
  /** Wait this long before running (op `start-delay`, ms). */
  startDelayMs?: number
  /** Instance attributes, verbatim (exported as OCF_RESKEY_<name>). */
  params: Record<string, string>
  /**
   * Attributes of the configured `<op>` besides name/interval/timeout, named as in the CIB
   * (`on-fail`, `role`, `start-delay`, ...): exported as OCF_RESKEY_CRM_meta_<name with - as _>.
   * When an `<op>` exists for the action, include `name` too (Pacemaker exports CRM_meta_name then).
   */
  opMeta?: Record<string, string>
  /** The op's OCF_CHECK_LEVEL instance attribute (exported without the OCF_RESKEY_ prefix). */
  checkLevel?: string
  clone?: CloneInfo
  /** notify actions (and every action of a clone with notify=true). */
  notify?: NotifyInfo
  /** The node it runs on: CRM_meta_on_node / on_node_uuid. */
  node?: {name: string; id: string}
  /** Placeholder for the controller's `action:transition:target-rc:uuid`; copied into the result. */
  transitionKey?: string
  /** Expected rc (the transition key's target); default 7 for probes, 8 for role=Promoted monitors, else 0. */
  targetRc?: number
  /** Extra environment on top of the executor's (tests, tracing). */
  env?: Record<string, string>
  /** stonith class, fencing actions (on, off, reboot, status): the node to act on. */
  fenceTarget?: string
}

/** Pacemaker's PCMK_EXEC_* (the lrm_rsc_op `op-status`). */
export enum ExecStatus {
  Pending = -1,
  Done = 0,
  Cancelled = 1,
  Timeout = 2,
  NotSupported = 3,
  Error = 4,
  ErrorHard = 5,
  ErrorFatal = 6,
  NotInstalled = 7,
  NotConnected = 8,
  Invalid = 9,
  NoFenceDevice = 10,
  NoSecrets = 11,
}

/** OCF return codes (ocf-returncodes, plus Pacemaker's degraded codes and its internal "pending"). */
export enum OcfRc {
  Ok = 0,
  ErrGeneric = 1,
  ErrArgs = 2,
  ErrUnimplemented = 3,
  ErrPerm = 4,
  ErrInstalled = 5,
  ErrConfigured = 6,
  NotRunning = 7,
  RunningPromoted = 8,
  FailedPromoted = 9,
  Degraded = 190,
  DegradedPromoted = 191,
  Pending = 193,
}

/**
 * How Pacemaker reads a result (reference §1.5):
 * ok — success (incl. 190 DEGRADED on monitors, which counts as 0);
 * promoted — running promoted (8/191) when that was expected;
 * not-running — 7 where it is not a failure (probe, stop, expected);
 * degraded — success but degraded (190/191): shown, not a failure;
 * soft — recover per on-fail, counted in the fail count (1, unexpected 7/8, 9, unknown codes);
 * hard — ban from this node (2, 4, 5; 3 on a one-shot op);
 * fatal — ban from every node (6);
 * cancelled — not a failure; not-supported — 3 on a recurring op: no recovery at all.
 */
export type RcClass = 'ok' | 'promoted' | 'not-running' | 'degraded' | 'soft' | 'hard' | 'fatal' | 'cancelled' | 'not-supported'

export interface Classification {
  class: RcClass
  /** Is this a failure the controller must act on (fail count, recovery)? */
  failed: boolean
  /** Human text as crm_mon prints it (`ok`, `not running`, `Timed Out`, ...). */
  text: string
}

/** Everything an `lrm_rsc_op` needs. */
export interface OpResult {
  rscId: string
  action: string
  intervalMs: number
  /** `<rsc>_<action>_<interval>`. */
  operationKey: string
  /** Per-executor counter, starting at 1 (restarts with the executor). */
  callId: number
  /** OCF rc after the class's mapping (LSB status codes → OCF, heartbeat status text → 0/7, ...). */
  rc: number
  status: ExecStatus
  /** From the agent's `ocf-exit-reason:` stderr line, or the executor's own reason (timeout, not installed). */
  exitReason: string
  /** Agent run time (ms); for a timeout, the time until it fired (as pacemaker-execd records). */
  execTimeMs: number
  /** Time queued behind other operations of the resource plus start-delay (ms). */
  queueTimeMs: number
  /** Epoch seconds when the operation ran (`last-run`). */
  lastRun: number
  /** Epoch seconds when this rc was first seen for this operation key (`last-rc-change`). */
  lastRcChange: number
  /** op-digest: MD5 of the instance attributes (+ CRM_meta_timeout for recurring ops), as Pacemaker computes it. */
  opDigest: string
  /** Present when the agent supports reload/reload-agent: op-restart-digest and op-force-restart. */
  opRestartDigest?: string
  opForceRestart?: string
  /** Present when the agent has private parameters: op-secure-params and op-secure-digest. */
  opSecureParams?: string
  opSecureDigest?: string
  transitionKey?: string
  targetRc: number
  classification: Classification
  /** Last bytes of the agent's stdout/stderr (bounded capture). */
  stdoutTail: string
  stderrTail: string
  /** Full stdout of meta-data / list actions (bounded); same as stdoutTail otherwise. */
  output?: string
  /** For people, not for the CIB: a did-you-mean for a missing agent, why a class is unavailable. */
  hint?: string
}

export interface RecurringHandle {
  rscId: string
  action: string
  intervalMs: number
}

export interface RecurringOptions {
  /** Report only results whose rc or status changed (pacemaker-execd's notify-changes-only); default false. */
  changesOnly?: boolean
}

/** Runs resource-agent operations. One operation at a time per resource, in submission order. */
export interface Executor {
  /** Runs one operation (queued behind the resource's earlier ones). */
  execute(request: OpRequest): Promise<OpResult>
  /**
   * Starts a recurring operation (interval > 0): first run after start-delay (or right away),
   * next run `intervalMs` after the previous one completed. `onResult` gets each result.
   */
  startRecurring(request: OpRequest, onResult: (result: OpResult) => void, options?: RecurringOptions): RecurringHandle
  /** Stops a recurring operation; an in-flight run is killed and reported Cancelled. Resolves when it is gone. */
  cancel(handle: RecurringHandle): Promise<void>
  /** The agent's meta-data XML (cached per agent). */
  metadata(agent: AgentRef): Promise<string>
  /** Cancels every recurring op and kills running agents. */
  shutdown(): Promise<void>
}

/** Node attribute lifetimes: transient (`reboot`, status section) or permanent (`forever`, nodes section). */
export type AttributeLifetime = 'reboot' | 'forever'

export interface AttributeEntry {
  node: string
  name: string
  value: string
  lifetime: AttributeLifetime
}

/**
 * Node attributes as the agent-facing tools (crm_attribute, crm_master, attrd_updater)
 * see them. Now a local file store; the CRM daemon supplies its replicated one.
 */
export interface AttributeStore {
  get(node: string, name: string, lifetime: AttributeLifetime): Promise<string | undefined>
  /** `dampenMs`: delay before the value is written out (attrd's dampening); readers see it at once. */
  set(node: string, name: string, value: string, lifetime: AttributeLifetime, dampenMs?: number): Promise<void>
  delete(node: string, name: string, lifetime: AttributeLifetime, dampenMs?: number): Promise<void>
  list(node?: string): Promise<AttributeEntry[]>
}
