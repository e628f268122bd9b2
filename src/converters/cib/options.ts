/**
 * Cluster options of Pacemaker 2.1.5 (the metadata of pacemaker-schedulerd,
 * -controld and -based) and what became of the options of Pacemaker
 * 1.0/1.1 on Heartbeat. Used by `convert cib` (to upgrade) and by
 * `crm verify` (to flag them, as crmsh's "unknown attribute" warning does).
 */

/** Every cluster option name Pacemaker 2.1.5 knows. */
export const CLUSTER_OPTIONS = new Set([
  // pacemaker-schedulerd
  'no-quorum-policy', 'symmetric-cluster', 'maintenance-mode', 'start-failure-is-fatal', 'enable-startup-probes', 'shutdown-lock',
  'shutdown-lock-limit', 'stonith-enabled', 'stonith-action', 'stonith-timeout', 'have-watchdog', 'concurrent-fencing', 'startup-fencing',
  'priority-fencing-delay', 'cluster-delay', 'batch-limit', 'migration-limit', 'stop-all-resources', 'stop-orphan-resources',
  'stop-orphan-actions', 'remove-after-stop', 'pe-error-series-max', 'pe-warn-series-max', 'pe-input-series-max', 'node-health-strategy',
  'node-health-base', 'node-health-green', 'node-health-yellow', 'node-health-red', 'placement-strategy',
  // pacemaker-controld
  'dc-version', 'cluster-infrastructure', 'cluster-name', 'dc-deadtime', 'cluster-recheck-interval', 'load-threshold', 'node-action-limit',
  'fence-reaction', 'election-timeout', 'shutdown-escalation', 'join-integration-timeout', 'join-finalization-timeout', 'transition-delay',
  'stonith-watchdog-timeout', 'stonith-max-attempts',
  // pacemaker-based
  'enable-acl', 'cluster-ipc-limit',
])

/** Options Pacemaker itself writes (crmsh does not warn about them either). */
export const INTERNAL_OPTIONS = new Set(['last-lrm-refresh'])

export type RetiredOption =
  /** Same meaning, new name. */
  | {kind: 'renamed'; to: string}
  /** Now a resource or operation default. */
  | {kind: 'moved'; section: 'rsc_defaults' | 'op_defaults'; to: string}
  /** Written by the cluster itself: a value from the old cluster must not be carried over. */
  | {kind: 'cluster-written'; why: string}
  /** No equivalent any more. */
  | {kind: 'gone'; why: string}

/** Options of Pacemaker 1.0/1.1 (on Heartbeat) that 2.1.5 no longer reads under that name. */
export const RETIRED_OPTIONS: Record<string, RetiredOption> = {
  'crmd-transition-delay': {kind: 'renamed', to: 'transition-delay'},
  'crmd-integration-timeout': {kind: 'renamed', to: 'join-integration-timeout'},
  'crmd-finalization-timeout': {kind: 'renamed', to: 'join-finalization-timeout'},
  'default-resource-stickiness': {kind: 'moved', section: 'rsc_defaults', to: 'resource-stickiness'},
  'is-managed-default': {kind: 'moved', section: 'rsc_defaults', to: 'is-managed'},
  'default-action-timeout': {kind: 'moved', section: 'op_defaults', to: 'timeout'},
  'default-resource-failure-stickiness': {kind: 'gone', why: 'failure stickiness was replaced by the migration-threshold resource option (failures before a resource moves)'},
  'expected-quorum-votes': {kind: 'gone', why: "Corosync's votequorum counts the votes (quorum provider corosync_votequorum in corosync.conf)"},
  'dc-version': {kind: 'cluster-written', why: 'the DC writes its own version'},
  'cluster-infrastructure': {kind: 'cluster-written', why: 'Pacemaker sets it to corosync; "Heartbeat" is no longer a supported stack'},
  'last-lrm-refresh': {kind: 'cluster-written', why: 'the controller writes it when resources are refreshed'},
}

/** `stonith_enabled` (Pacemaker 0.6 spelling) → stonith-enabled when that is a known option. */
export function underscoreSpelling(name: string): string | undefined {
  const dashed = name.replaceAll('_', '-')
  return dashed !== name && (CLUSTER_OPTIONS.has(dashed) || dashed in RETIRED_OPTIONS) ? dashed : undefined
}

/** Resource meta attributes of Pacemaker 1.0 that no longer exist. */
export const RETIRED_META: Record<string, string> = {
  'resource-failure-stickiness': 'replaced by migration-threshold, the number of failures before the resource moves away',
}

/** Old role names (Pacemaker < 2.1) → the names 2.1 uses. */
export const ROLE_NAMES: Record<string, string> = {Master: 'Promoted', Slave: 'Unpromoted'}

/** Agents that were renamed or replaced since Pacemaker 1.0/1.1. */
export const RENAMED_AGENTS: Record<string, {to: {class: string; provider?: string; type: string}; why: string}> = {
  'ocf:heartbeat:drbd': {to: {class: 'ocf', provider: 'linbit', type: 'drbd'}, why: 'the DRBD agent ships with drbd-utils as ocf:linbit:drbd'},
  'ocf:pacemaker:pingd': {to: {class: 'ocf', provider: 'pacemaker', type: 'ping'}, why: 'ocf:pacemaker:pingd was removed; ocf:pacemaker:ping takes the same host_list, multiplier, dampen and name'},
  'ocf:heartbeat:Stateful': {to: {class: 'ocf', provider: 'pacemaker', type: 'Stateful'}, why: 'Stateful is a Pacemaker agent'},
}
