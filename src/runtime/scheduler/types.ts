/**
 * The scheduler's working set: nodes, resources, constraints and actions
 * derived from one CIB. Mirrors the concepts of Pacemaker's scheduler
 * (lib/pengine + lib/pacemaker) with plain objects.
 */
import type * as M from '../../formats/cib/model.js'
import type {NotifyData} from './notifications.js'
import type {RscTicket} from './tickets.js'

export enum Role { Unknown = 0, Stopped = 1, Started = 2, Unpromoted = 3, Promoted = 4 }

export const ROLE_NAMES = ['Unknown', 'Stopped', 'Started', 'Unpromoted', 'Promoted'] as const

export function roleFromText(text: string | undefined): Role {
  switch ((text ?? '').toLowerCase()) {
    case 'stopped': return Role.Stopped
    case 'started': return Role.Started
    case 'unpromoted': case 'slave': return Role.Unpromoted
    case 'promoted': case 'master': return Role.Promoted
    default: return Role.Unknown
  }
}

export interface SNode {
  id: string
  uname: string
  /**
   * the node's own score (the deprecated `score` attribute of <node>): where every resource's score
   * on it starts; -INFINITY once its status says it is offline or shutting down (as node->weight)
   */
  weight?: number
  /** Node attributes for rules: instance attributes, transient attributes, #uname, #id, #kind, #is_dc. */
  attrs: Map<string, string>
  online: boolean
  unclean: boolean
  unseen: boolean
  standby: boolean
  /** standby and maintenance as the configuration alone sets them: what a fencing, which wipes the transient attributes, leaves */
  configured?: {standby: boolean; maintenance: boolean}
  standbyOnFail: boolean
  pending: boolean
  shutdown: boolean
  expectedUp: boolean
  fenceReason?: string
  /** Resources assigned so far (tie-break between equal scores). */
  numResources: number
  /** Instances assigned here, per clone (for clone-node-max). */
  countByClone: Map<string, number>
  running: Rsc[]
  /** a Pacemaker Remote node, and its connection resource */
  remote?: boolean
  remoteRsc?: Rsc
  remoteRequiresReset?: boolean
  /** online/unclean as unpacked, before scheduling changes them (what the current status shows) */
  unpackedOnline?: boolean
  unpackedUnclean?: boolean
  /** a guest node (its connection runs in a container resource) */
  guest?: boolean
  /** node_fenced recorded for a remote node */
  remoteWasFenced?: boolean
  /** maintenance mode: resources on it are left alone */
  maintenance?: boolean
  /** a remote or guest node's maintenance mode as the controller last told it (node_in_maintenance) */
  remoteMaintenance?: number
  /** the cluster's placement-strategy (node comparisons need it) */
  strategy?: string
  /** remaining capacity (utilization attributes) */
  utilization?: Map<string, number>
  /** the guest node of a bundle replica: no resource but the replica's child may run or be probed there */
  bundleReplica?: boolean
  /** a bundle's guest node: its bundle, and whether <nodes> configures it too (resources get it by default only then, and only before the bundle) */
  bundleOwner?: Rsc
  bundleNodeConfigured?: boolean
  /** created while unpacking the status, for an orphaned connection: no resource had it when resources were unpacked */
  fromOrphanConnection?: boolean
}

export type OnFail = 'ignore' | 'block' | 'stop' | 'restart' | 'standby' | 'fence' | 'demote' | 'reset_remote' | 'restart_container'

export interface OpConfig {
  name: string
  intervalMs: number
  role: Role
  /** the role the op element names, when it names one (recurring actions tell "none" from Started) */
  configuredRole?: Role
  onFail?: string
  enabled: boolean
  timeout?: string
}

export interface Colocation {
  id: string
  dependent: Rsc
  primary: Rsc
  score: number
  dependentRole: Role
  primaryRole: Role
  nodeAttribute?: string
  /** whether the dependent influences where an active primary goes (influence, else the dependent's critical) */
  influence: boolean
}

export interface LocationRule {
  id: string
  rsc: Rsc
  role: Role
  /** resource-discovery: 0 always, 1 never, 2 exclusive */
  discover?: number
  /** node -> score to add */
  nodes: Array<{node: SNode; score: number}>
}

/** Flags of an ordering between two actions (pe_ordering). */
export const O = {
  none: 0,
  optional: 1 << 0,
  impliesThen: 1 << 4,
  impliesFirst: 1 << 5,
  promotedImpliesFirst: 1 << 6,
  impliesThenPrinted: 1 << 7,
  impliesFirstPrinted: 1 << 8,
  runnableLeft: 1 << 9,
  restart: 1 << 10,
  oneOrMore: 1 << 11,
  asymmetrical: 1 << 12,
  sameNode: 1 << 13,
  preserve: 1 << 14,
  thenCancelsFirst: 1 << 15,
  antiColocation: 1 << 16,
  probe: 1 << 17,
  impliesThenOnNode: 1 << 18,
  impliesFirstMigratable: 1 << 19,
  pseudoLeft: 1 << 20,
  applyFirstNonMigratable: 1 << 21,
  /** utilization: a stop frees capacity before a start on that node (pe_order_load; graph only) */
  load: 1 << 22,
  /** kind=Serialize (pe_order_serialize_only): implies nothing, yet an unrunnable 'first' stays an input in the graph */
  serializeOnly: 1 << 23,
} as const

/**
 * An ordering between two actions, listed in then.before and first.after (one object for both
 * lists: big clusters have 100 000). `type` holds the flags as 'then' sees them (the update and the
 * graph's checks disable or change them there); `addedType` the flags it was added with, which
 * 'first' keeps seeing (Pacemaker keeps one copy in each list).
 */
export interface ActionEdge {
  first: Action
  then: Action
  type: number
  readonly addedType: number
}

export interface Action {
  id: number
  rsc?: Rsc
  /** start, stop, promote, demote, monitor, running, stopped, promoted, demoted, stonith, … */
  task: string
  /** Operation key: rsc_task_interval (or task for node actions). */
  uuid: string
  node?: SNode
  intervalMs: number
  optional: boolean
  runnable: boolean
  pseudo: boolean
  requiresAny: boolean
  runnableBefore: number
  requiredRunnableBefore: number
  reason?: string
  before: ActionEdge[]
  after: ActionEdge[]
  /** stonith only */
  fenceOp?: string
  /** Needs (quorum/fencing) do not apply (stop, demote, …). */
  needsNothing: boolean
  /** part of a live migration that can still happen (pe_action_migrate_runnable) */
  migrateRunnable?: boolean
  /** a stop that cleans up after a completed migration */
  dangling?: boolean
  /** in the graph even when optional (pe_action_print_always) */
  printAlways?: boolean
  /** runs on the DC whatever the node's state (pe_action_dc: lrm_delete, a CIB-only history clean-up) */
  onDc?: boolean
  /** a recurring operation to restart with new parameters (pe_action_reschedule) */
  reschedule?: boolean
  /** clone notifications: the notify_* meta-attributes (notify actions, and the operations they are about) */
  notifyMeta?: Map<string, string>
  /** maintenance_nodes: the remote and guest nodes whose maintenance mode changes */
  maintenanceNodes?: Array<{id: string; maintenance: boolean}>
  /** the action's own priority (clone "post" notifications: INFINITY); the graph's synapse takes the resource's when higher */
  priority?: number
}

export interface Ordering {
  id: number
  firstRsc?: Rsc
  firstTask?: string
  firstAction?: Action
  thenRsc?: Rsc
  thenTask?: string
  thenAction?: Action
  type: number
}

export type Variant = 'primitive' | 'group' | 'clone' | 'bundle'

/** Per-kind behaviour (Pacemaker's resource_alloc_functions_t). */
export interface VariantMethods {
  assign(rsc: Rsc, prefer: SNode | null): SNode | null
  createActions(rsc: Rsc): void
  internalConstraints(rsc: Rsc): void
  applyColocScore(dependent: Rsc, primary: Rsc, coloc: Colocation, forDependent: boolean): void
  applyLocation(rsc: Rsc, loc: LocationRule): void
  actionFlags(action: Action, node: SNode | null): {optional: boolean; runnable: boolean}
  updateOrderedActions(first: Action, then: Action, node: SNode | null, flags: Flags, filter: Flags, type: number): number
}

export interface Flags {
  optional: boolean
  runnable: boolean
  migrateRunnable?: boolean
}

export interface Rsc {
  id: string
  variant: Variant
  fns: VariantMethods
  parent?: Rsc
  children: Rsc[]
  /** primitive config (for primitives and clone instances) */
  prim?: M.Primitive
  cls: string
  provider?: string
  type: string
  meta: Map<string, string>
  ops: OpConfig[]
  priority: number
  stickiness: number
  migrationThreshold: number
  failureTimeoutMs: number
  managed: boolean
  failed: boolean
  stopFlag: boolean
  block: boolean
  orphan: boolean
  unique: boolean
  promotable: boolean
  critical: boolean
  isFenceDevice: boolean
  needs: 'nothing' | 'quorum' | 'fencing'
  provisional: boolean
  allocating: boolean
  merging: boolean
  restarting: boolean
  role: Role
  nextRole: Role
  runningOn: SNode[]
  knownOn: Set<SNode>
  allowed: Map<SNode, number>
  allocatedTo: SNode | null
  /** the node score when it was assigned (promotable colocation merges it) */
  allocatedWeight?: number
  thisWith: Colocation[]
  withThis: Colocation[]
  actions: Action[]
  /** clone settings */
  cloneMax: number
  cloneNodeMax: number
  promotedMax: number
  promotedNodeMax: number
  interleave: boolean
  /** clones: instances ordered; groups: members ordered (deprecated group meta, default true) */
  ordered: boolean
  /** groups: members colocated (deprecated `collocated` meta, default true) */
  colocated: boolean
  /** clones: globally-unique ignored for the agent's class (pe__force_anon); Pacemaker still flags the instances unique */
  forcedAnonymous?: boolean
  /** the id the operation history uses for this instance, when it differs (Pacemaker's clone_name) */
  cloneName?: string
  /** clone instance number (primitive/group inside a clone) */
  instance?: number
  /** promotion preference for promotable instances */
  promotionPriority: number
  sortIndex: number
  /** node where a pending start/op was seen */
  pendingNode?: SNode
  /** the first pending operation in the history (probes aside): shown as Starting, (Monitoring) … */
  /** the operation in progress shown as Starting, Stopping …; `kept`: its history entry has an id crm_simulate's injected results do not overwrite (not <rsc>_last_0) */
  pendingTask?: {task: string; node: SNode; kept: boolean}
  /** target-role Stopped or similar explicit next role */
  explicitNextRole: boolean
  /** per-node location scores for the promoted role */
  promotedLocations: LocationRule[]
  /** resources with history on a node but unknown to the configuration */
  configured: boolean
  /** nodes its failure (on-fail=fence) fences; a later success does not clear such a failure */
  fencedByFailure?: Set<SNode>
  /** has a failed probe/monitor history; used for display */
  failedOn: Set<SNode>
  /** on-fail=ignore failures seen (display "failure ignored") */
  failureIgnored: boolean
  /** meta notify=true: clone notifications */
  notify?: boolean
  /** a clone's notification data for its start, stop, promote and demote (clone_expand makes their notify actions in that order) */
  notifications?: NotifyData[]
  /** maintenance (resource meta or cluster maintenance-mode): unmanaged, nothing scheduled */
  maintenance?: boolean
  /** resource-discovery of location constraints per node: 0 always, 1 never, 2 exclusive */
  discoverMode?: Map<SNode, number>
  /** some location constraint has resource-discovery=exclusive */
  exclusiveDiscover?: boolean
  /** utilization attributes (primitives) */
  utilization?: Map<string, number>
  /** instance attributes of a group or clone (its members' parameters include them) */
  instanceSets?: M.NvSet[]
  /** a start is pending or forced (pe_rsc_start_pending): no migration, no reload */
  startPending?: boolean
  /** requires=unfencing (explicit, or the default when a device provides unfencing) */
  needsUnfencing?: boolean
  /** nodes where its fail count is being cleared (the failure's parameters changed) */
  failcountCleared?: Set<SNode>
  /** the node a shutdown lock keeps it on */
  lockNode?: SNode
  /** flags as unpacked from the status, before constraints and scheduling change them (the current status shows these) */
  unpacked?: {managed: boolean; block: boolean; lockNode?: SNode; role?: Role}
  /** the resource this one runs inside (meta container) */
  container?: Rsc
  /** the resources that run inside this one */
  fillers?: Rsc[]
  /** an ocf:pacemaker:remote connection */
  isRemoteConnection?: boolean
  /** its reconnect_interval parameter */
  remoteReconnectMs?: number
  /** an agent reload is scheduled instead of a restart (pe_rsc_reload) */
  reload?: boolean
  /** meta multiple-active: what to do when found active on several nodes */
  recovery?: 'stop_start' | 'stop_only' | 'block' | 'stop_unexpected'
  /** multiple-active=stop_unexpected is in effect: only the unexpected copies are stopped */
  stopUnexpected?: boolean
  /** meta allow-migrate: moves by migrate_to/migrate_from instead of stop/start */
  allowMigrate?: boolean
  /** a migration recorded half done (migrate_to succeeded, migrate_from not yet) */
  partialMigrationSource?: SNode
  partialMigrationTarget?: SNode
  /** sources of migrations that completed but were never stopped there */
  danglingMigrations?: SNode[]
  /** recurring operations (task_interval) the history shows active, per node (process_recurring) */
  activeRecurring?: Map<SNode, Set<string>>
  /** rsc_ticket dependencies */
  tickets?: RscTicket[]
  /** a bundle's connection: may run on a remote node, and only prefers its container's host (pe_rsc_allow_remote_remotes) */
  allowRemoteRemotes?: boolean
  /** bundles: the replicas and their implicit resources (bundle.ts) */
  bundle?: BundleData
}

/** One replica of a bundle: its container, optional IP and remote connection, and the child instance inside. */
export interface BundleReplica {
  offset: number
  ipaddr?: string
  ip?: Rsc
  container: Rsc
  remote?: Rsc
  child?: Rsc
  /** the guest node the remote connection creates */
  node?: SNode
}

export interface BundleData {
  /** docker, podman or rkt */
  agent: string
  image: string
  replicasPerHost: number
  nreplicas: number
  promotedMax: number
  /** the clone of the configured primitive over the replicas */
  child?: Rsc
  replicas: BundleReplica[]
}

export interface ClusterOptions {
  stonithEnabled: boolean
  symmetric: boolean
  noQuorumPolicy: 'stop' | 'ignore' | 'freeze' | 'suicide' | 'demote'
  haveQuorum: boolean
  startFailureIsFatal: boolean
  stopOrphanResources: boolean
  startupFencing: boolean
  stonithAction: string
  haveStonithResource: boolean
  dcUuid?: string
  maintenanceMode: boolean
  shutdownLock: boolean
  /** stop-all-resources */
  stopAll: boolean
  shutdownLockLimitMs: number
  /** some fence device provides unfencing */
  enableUnfencing: boolean
  /** default, utilization, minimal or balanced */
  placementStrategy: string
  /** concurrent-fencing (2.1.5 default false: fencing actions are chained) */
  concurrentFencing: boolean
  /** stop-orphan-actions: cancel recurring operations no longer configured */
  stopOrphanActions: boolean
}

export interface WorkingSet {
  /** recurring operations whose failure expired: rescheduled as if their restart digest changed */
  rescheduleAfterFailureTimeout?: Set<M.LrmOperation>
  cib: M.Cib
  now: number
  options: ClusterOptions
  nodes: SNode[]
  nodeById: Map<string, SNode>
  nodeByName: Map<string, SNode>
  /** top-level resources in allocation order */
  resources: Rsc[]
  /** top-level resources in configuration order (summary order) */
  configOrder: Rsc[]
  /** every resource by id (primitives, groups, clones, clone instances) */
  byId: Map<string, Rsc>
  colocations: Colocation[]
  locations: LocationRule[]
  orderings: Ordering[]
  actions: Action[]
  actionSeq: number
  orderSeq: number
  /** lazily filled index of actions by rsc/uuid */
  fenceActions: Action[]
  orphans: Rsc[]
  /** Failed operations as unpacking records them (record_failed_op), for crm_mon's Failed Resource Actions; filled only when an array is given. */
  failedOps?: {op: M.LrmOperation; node: SNode; rsc: Rsc}[]
  scoresLog: string[]
  showScores: boolean
  errors: string[]
  /** primitives whose stops and starts are ordered through load_stopped_NODE (placement strategies) */
  loadOrdered?: Rsc[]
  /** templates and tags constraints may name, with the resources they stand for */
  references?: Map<string, string[]>
  /** configuration checks that wait until resources are assigned (bundle connections addressed by their host's name) */
  deferredParamChecks?: Array<{rsc: Rsc; node: SNode; op: M.LrmOperation; lastFailure?: boolean}>
  /** containers of failed bundled resources, stopped where they run once all history is read (stop_needed) */
  stopNeeded?: Rsc[]
}
