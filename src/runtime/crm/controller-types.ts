/**
 * The contract between the DC's controller (a pure state machine, ./controller.ts)
 * and the CRM daemon that drives it: events in, actions out, no I/O.
 *
 * The controller keeps its own view of the CIB. The daemon feeds it the CIB
 * whenever the replicated CIB changes (`cib-changed`), membership and quorum
 * changes, the executors' results and fired timers; the controller answers
 * with operations to run on nodes, status-section updates to replicate,
 * attribute updates for attrd, fencing requests, timers and log lines (in
 * Pacemaker's wording). Times are epoch milliseconds carried by every event,
 * so the machine never reads a clock.
 *
 * Reference: shared/reference/pacemaker-runtime.md §3, §4.4–4.7, §6.
 */
import type * as M from '../../formats/cib/model.js'
import type {OpRequest, OpResult} from '../executor/types.js'

export type {OpRequest, OpResult} from '../executor/types.js'

export interface ControllerConfig {
  /** The node this controller runs on (the DC while it is DC). */
  localNode: string
  /** Generated once per controller start; the last field of every transition-key. */
  controllerUuid: string
  /** Overrides for the delays Pacemaker takes from the CIB's options or hard-codes. */
  timers?: Partial<ControllerTimers>
}

export interface ControllerTimers {
  /** First retry after a failed fencing; doubles each time up to fenceRetryMaxMs. */
  fenceRetryMs: number
  fenceRetryMaxMs: number
}

export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'crit'

/** Which part of the CIB changed (a hint; the controller compares its view anyway). */
export type CibSection = 'configuration' | 'status' | 'attributes'

export type ControllerEvent =
  /** This node won the election: the full CIB (after join/sync) and the nodes that are members now. */
  /** `fenced`: nodes whose fencing succeeded while there was no DC to record it (a DC that fenced itself or died first). */
  | {type: 'became-dc'; now: number; cib: M.Cib; members: string[]; quorate: boolean; fenced?: string[]}
  /** Another node is DC now, or this node is shutting down: forget transitions, cancel timers. */
  | {type: 'lost-dc'; now: number}
  /** The replicated CIB changed (configuration, node attributes, node_state, ...). */
  | {type: 'cib-changed'; now: number; cib: M.Cib; sections?: CibSection[]}
  /**
   * A node completed the join: its controller is a member, with the executor history it reported
   * (join_confirm). The DC replaces that node's lrm section with it.
   */
  | {type: 'node-joined'; now: number; node: string; history: M.LrmResource[]}
  /**
   * A node left the membership (or its controller died). Unclean unless it had asked to shut
   * down and its resources were stopped (then a clean leave).
   */
  | {type: 'node-lost'; now: number; node: string}
  /** A node's controller asked to leave (SIGTERM on that node: req_shutdown). */
  | {type: 'shutdown-request'; now: number; node: string}
  | {type: 'quorum'; now: number; quorate: boolean}
  /**
   * The DC opened (true) or completed (false) a join round. While it is open no new transition
   * starts (the running one is aborted: in-flight operations finish), as Pacemaker's DC computes
   * nothing in S_INTEGRATION/S_FINALIZE_JOIN: the joining nodes' histories are not known yet.
   */
  | {type: 'join'; now: number; open: boolean}
  /** A result from a node's executor: one-shot operations, and recurring monitors when their rc/status changes. */
  | {type: 'op-result'; now: number; node: string; result: OpResult}
  /** A timer set with `set-timer` expired. */
  | {type: 'timer-fired'; now: number; timer: string}
  /**
   * crm_resource --cleanup / --refresh: forget a resource's history (and fail counts) on a node, or
   * everywhere; the scheduler probes it again. Without `refresh` only resources with failures.
   */
  | {type: 'cleanup'; now: number; rscId?: string; node?: string; refresh?: boolean}
  /** The outcome of a `fence` action. */
  | {type: 'fence-result'; now: number; id: string; target: string; ok: boolean; reason?: string; executedBy?: string}

/** One change to the status section, applied through replication (see history.ts applyStatusChanges). */
export type StatusChange =
  /** Add or replace (same id) one lrm_rsc_op under node/lrm/lrm_resources/lrm_resource. */
  | {kind: 'record-op'; node: string; resource: LrmResourceRef; op: M.LrmOperation}
  /** Delete one lrm_rsc_op (by id) of a resource on a node. */
  | {kind: 'delete-op'; node: string; rscId: string; opId: string}
  /** Delete a resource's whole history on a node (lrm_delete, cleanup). */
  | {kind: 'delete-resource'; node: string; rscId: string}
  /** Replace a node's whole lrm section (join_confirm). */
  | {kind: 'replace-history'; node: string; resources: M.LrmResource[]}
  /** Merge attributes into node_state (in_ccm, crmd, join, expected, crm-debug-origin). */
  | {kind: 'node-state'; node: string; attributes: Record<string, string>}
  /** Erase a node's history and transient attributes (after it was fenced or left cleanly). */
  | {kind: 'erase-node'; node: string; keepAttributes?: boolean}
  /** Erase a node's transient attributes only (it left: attrd forgets them; its history stays until it is fenced or rejoins). */
  | {kind: 'erase-attributes'; node: string}
  /** Set (value) or delete (null) one transient attribute (attrd's write-out; nvpair id status-<id>-<name>). */
  | {kind: 'transient-attr'; node: string; name: string; value: string | null}

export interface LrmResourceRef {
  /** History id: the primitive id, with `:N` only for globally unique clone instances. */
  id: string
  class: string
  provider?: string
  type: string
}

/** One fencing level (fencing-topology index): every device in it must succeed. */
export interface FenceLevel {
  index: number
  devices: Array<{device: string; request: OpRequest}>
}

export type ControllerAction =
  /**
   * Run an operation on a node's executor. `request.intervalMs > 0` starts a recurring
   * operation (its results come back as op-result only when rc or status changes).
   * `request.transitionKey` identifies the result.
   */
  | {type: 'execute'; node: string; request: OpRequest}
  /** Stop a recurring operation on a node (an in-flight run is killed, reported Cancelled). */
  | {type: 'cancel-recurring'; node: string; rscId: string; action: string; intervalMs: number}
  /** Changes to the status section to apply to the CIB and replicate (num_updates bump). */
  | {type: 'cib-update'; changes: StatusChange[]}
  /**
   * Set (value) or delete (null) a transient node attribute through attrd without dampening:
   * fail-count-*, last-failure-*, shutdown. The controller's own view has it already.
   */
  | {type: 'attr-update'; node: string; name: string; value: string | null}
  /**
   * Fence a node: try the levels in order until one succeeds (every device of a level must
   * succeed); report with `fence-result` and the same id. `executor` is the node that should
   * run the devices (never the target while another node is up).
   */
  | {type: 'fence'; id: string; target: string; action: 'reboot' | 'off' | 'on'; levels: FenceLevel[]; executor: string; timeoutMs: number}
  /** Tell a node whose resources are stopped that it may exit now (crm_event do_shutdown). */
  | {type: 'shutdown-node'; node: string}
  /** Fire `timer-fired` at `at` (epoch ms); re-setting an id replaces it. */
  | {type: 'set-timer'; timer: string; at: number}
  | {type: 'cancel-timer'; timer: string}
  | {type: 'log'; level: LogLevel; message: string}

/** What the controller is doing, for tests and `crmadmin`-like queries. */
export interface ControllerSnapshot {
  isDc: boolean
  /** S_IDLE, S_POLICY_ENGINE, S_TRANSITION_ENGINE, S_INTEGRATION (a join round is open), S_NOT_DC. */
  state: string
  transitionId: number
  /** Actions dispatched and not yet confirmed: `rsc_task_interval@node` or `stonith-node-reboot`. */
  inFlight: string[]
  cib: M.Cib | null
}
