/**
 * The typed model of a Pacemaker CIB: configuration and status.
 * Shared by the CIB XML and crm shell readers/writers, the converters,
 * `hakit diff crm`, the scheduler and the CRM runtime.
 *
 * Values are kept as the strings the CIB holds ("INFINITY", "60s"); helpers
 * that interpret them (parseScore, parseInterval) live in ./values.ts.
 * Optional `id`s are filled in by the writers with stable, readable ids.
 */

export interface NvPair {
  id?: string
  name: string
  value?: string
}

/** A rule on node attributes (`#uname`, `pingd`, …), as in location constraints and nvsets. */
export interface Rule {
  id?: string
  /** `<rule id-ref="…"/>`: a reference to a rule defined elsewhere (then expressions is empty). */
  idRef?: string
  score?: string
  scoreAttribute?: string
  booleanOp?: 'and' | 'or'
  role?: string
  expressions: RuleExpression[]
  /** Expressions hakit does not model (rsc_expression, op_expression), as raw XML. */
  otherElements?: string[]
}

export type RuleExpression =
  | {kind: 'expression'; id?: string; attribute: string; operation: string; value?: string; type?: string; valueSource?: string}
  | {kind: 'date_expression'; id?: string; operation: string; start?: string; end?: string; attributes?: Record<string, string>}
  | {kind: 'rule'; rule: Rule}

/** instance_attributes / meta_attributes / utilization / cluster_property_set. */
export interface NvSet {
  id?: string
  /** `<meta_attributes id-ref="…"/>`: a reference to a set defined elsewhere (then pairs is empty). */
  idRef?: string
  score?: string
  rule?: Rule
  pairs: NvPair[]
}

export interface Operation {
  id?: string
  name: string
  interval: string
  /** Other XML attributes of <op>: timeout, role, on-fail, start-delay, … */
  attributes: Record<string, string>
  instanceAttributes: NvSet[]
  metaAttributes: NvSet[]
  /** Child elements hakit does not model, as raw XML, written back verbatim after the modelled children. */
  otherElements?: string[]
}

export interface Primitive {
  kind: 'primitive'
  id: string
  class: string
  provider?: string
  type: string
  instanceAttributes: NvSet[]
  metaAttributes: NvSet[]
  utilization: NvSet[]
  operations: Operation[]
  /** `<operations id="…">`: the id of the operation set, which other primitives may reference */
  operationsId?: string
  /** `<operations id-ref="…"/>`: the operations are those of the set with that id (then operations is empty) */
  operationsRef?: string
  description?: string
  /** Other XML attributes of <primitive> kept verbatim (template, …). */
  otherAttributes?: Record<string, string>
  /** Child elements hakit does not model, as raw XML, written back verbatim after the modelled children. */
  otherElements?: string[]
}

export interface Group {
  kind: 'group'
  id: string
  metaAttributes: NvSet[]
  children: Primitive[]
  description?: string
  /** Pacemaker 1.x CIBs put instance_attributes on groups (passed down to the children). */
  instanceAttributes?: NvSet[]
  otherAttributes?: Record<string, string>
  /** Child elements hakit does not model, as raw XML, written back verbatim after the modelled children. */
  otherElements?: string[]
}

/**
 * A clone. `promotable` is true for `<clone>` with meta promotable=true and
 * for the Pacemaker 1.x `<master>` element, which sets `legacyMaster`.
 */
export interface Clone {
  kind: 'clone'
  id: string
  promotable: boolean
  legacyMaster: boolean
  metaAttributes: NvSet[]
  child: Primitive | Group
  description?: string
  instanceAttributes?: NvSet[]
  otherAttributes?: Record<string, string>
  /** Child elements hakit does not model, as raw XML, written back verbatim after the modelled children. */
  otherElements?: string[]
}

export type Resource = Primitive | Group | Clone

export interface ResourceSet {
  id?: string
  resources: string[]
  sequential?: string
  requireAll?: string
  role?: string
  action?: string
  score?: string
  /** Other attributes kept verbatim (ordering, kind, …). */
  attributes?: Record<string, string>
}

export interface LocationConstraint {
  kind: 'location'
  id: string
  rsc?: string
  rscPattern?: string
  resourceSets?: ResourceSet[]
  role?: string
  node?: string
  score?: string
  rules: Rule[]
  resourceDiscovery?: string
  otherAttributes?: Record<string, string>
}

export interface ColocationConstraint {
  kind: 'colocation'
  id: string
  score: string
  rsc?: string
  withRsc?: string
  rscRole?: string
  withRscRole?: string
  nodeAttribute?: string
  resourceSets?: ResourceSet[]
  otherAttributes?: Record<string, string>
}

export interface OrderConstraint {
  kind: 'order'
  id: string
  first?: string
  then?: string
  firstAction?: string
  thenAction?: string
  /** Mandatory | Optional | Serialize */
  orderKind?: string
  score?: string
  symmetrical?: string
  requireAll?: string
  resourceSets?: ResourceSet[]
  otherAttributes?: Record<string, string>
}

export interface TicketConstraint {
  kind: 'ticket'
  id: string
  attributes: Record<string, string>
  resourceSets?: ResourceSet[]
}

export type Constraint = LocationConstraint | ColocationConstraint | OrderConstraint | TicketConstraint

export interface Node {
  id: string
  uname: string
  type?: string
  instanceAttributes: NvSet[]
  utilization: NvSet[]
  description?: string
  otherAttributes?: Record<string, string>
  /** Child elements hakit does not model, as raw XML, written back verbatim after the modelled children. */
  otherElements?: string[]
}

/** One entry of an lrm_resource's operation history (lrm_rsc_op). */
export interface LrmOperation {
  id: string
  operation: string
  /** All XML attributes verbatim: call-id, rc-code, op-status, interval, transition-key, … */
  attributes: Record<string, string>
}

export interface LrmResource {
  id: string
  class: string
  provider?: string
  type: string
  operations: LrmOperation[]
  /** Other XML attributes of <lrm_resource> kept verbatim (container, …). */
  otherAttributes?: Record<string, string>
}

export interface NodeState {
  id: string
  uname?: string
  /** All XML attributes verbatim: in_ccm, crmd, join, expected, crm-debug-origin, … */
  attributes: Record<string, string>
  transientAttributes: NvSet[]
  lrmResources: LrmResource[]
}

/** Configuration sections hakit does not model yet (fencing-topology, alerts, tags, templates, acls): kept as raw XML so nothing is lost. */
export interface RawSection {
  name: string
  xml: string
  /**
   * The element it belongs in: 'configuration' (default), 'resources' (bundle, template),
   * 'constraints', or 'cib'. Writers put it back at the end of that element.
   */
  parent?: string
  /** Under 'resources': how many modelled resources came before it (bundles are scheduled in configuration order). */
  position?: number
}

export interface Cib {
  /** Attributes of <cib>: validate-with, epoch, admin_epoch, num_updates, have-quorum, dc-uuid, … */
  attributes: Record<string, string>
  crmConfig: NvSet[]
  nodes: Node[]
  resources: Resource[]
  constraints: Constraint[]
  rscDefaults: NvSet[]
  opDefaults: NvSet[]
  status: NodeState[]
  otherSections: RawSection[]
  /** Children of <status> other than node_state (<tickets>), kept verbatim. */
  statusSections?: RawSection[]
}

/** The CRM feature set Pacemaker 2.1.5 writes and passes to agents (`pacemakerd --features`: v3.16.1). */
export const CRM_FEATURE_SET = '3.16.1'

export function emptyCib(): Cib {
  return {
    attributes: {'validate-with': 'pacemaker-3.9', epoch: '1', admin_epoch: '0', num_updates: '0'},
    crmConfig: [],
    nodes: [],
    resources: [],
    constraints: [],
    rscDefaults: [],
    opDefaults: [],
    status: [],
    otherSections: [],
  }
}
