/**
 * A CIB of Pacemaker 1.0/1.1 on Heartbeat → one Pacemaker 2.1.5 accepts,
 * with the same placements (issue 14, part 3). Pure: model in, model and
 * findings out. What changes, and why:
 *
 * - cluster options: renamed (crmd-transition-delay → transition-delay),
 *   moved to rsc_defaults/op_defaults (default-resource-stickiness), or
 *   dropped because the cluster writes them (dc-version,
 *   cluster-infrastructure=Heartbeat) or they are gone (expected-quorum-votes);
 * - nodes: Heartbeat's UUID node ids become the corosync nodeids (1..N in
 *   nodelist order), keeping each node's attributes (standby, …);
 * - `<master>` → `<clone>` with promotable=true, master-max → promoted-max,
 *   Master/Slave roles → Promoted/Unpromoted everywhere;
 * - rsc_order score → kind, resource-failure-stickiness → migration-threshold,
 *   agents that were renamed, resources of the retired `heartbeat` class;
 * - the status section (operation history under the old node ids) is dropped.
 */
import {finding, sortFindings, type Finding, type Severity, type SourceLocation} from '../../core/findings.js'
import type {Cib, Clone, Constraint, Node, NvPair, NvSet, Primitive, Resource, Rule} from '../../formats/cib/model.js'
import {findMapper, type MapContext} from '../haresources/scripts/index.js'
import {CLUSTER_OPTIONS, INTERNAL_OPTIONS, RENAMED_AGENTS, RETIRED_META, RETIRED_OPTIONS, ROLE_NAMES, underscoreSpelling} from './options.js'

export interface UpgradeOptions {
  /** Node names in corosync nodelist order (nodeid = index + 1); nodes not listed follow in CIB order. */
  nodeOrder?: string[]
  /** cluster-name to set (from ha.cf `cluster`), when the CIB has none. */
  clusterName?: string
  /** Source texts, so findings point at the line that defines the object. */
  sources?: Array<{file: string; text: string}>
}

export interface CibUpgrade {
  cib: Cib
  findings: Finding[]
  /** Node uname → new node id (the corosync nodeid). */
  nodeIds: Record<string, string>
  /** Dialect notes: what kind of old CIB this was (schema, stack, master/slave, …). */
  dialect: string[]
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function upgradeCib(old: Cib, options: UpgradeOptions = {}): CibUpgrade {
  return new CibUpgrader(old, options).run()
}

class CibUpgrader {
  readonly findings: Finding[] = []
  readonly dialect: string[] = []
  readonly cib: Cib

  constructor(
    old: Cib,
    readonly options: UpgradeOptions,
  ) {
    this.cib = structuredClone(old)
  }

  run(): CibUpgrade {
    const schema = this.cib.attributes['validate-with']
    if (schema) this.dialect.push(`schema ${schema}`)
    this.cib.attributes = {'validate-with': 'pacemaker-3.9', epoch: '1', admin_epoch: '0', num_updates: '0'}
    if (schema && schema !== 'pacemaker-3.9') this.note('info', 'upgrade-schema', undefined, `validate-with ${schema} → pacemaker-3.9 (Pacemaker 2.1.5's newest schema)`)
    this.upgradeOptions()
    const nodeIds = this.upgradeNodes()
    for (const r of this.cib.resources) this.upgradeResource(r)
    for (const c of this.cib.constraints) this.upgradeConstraint(c)
    for (const set of [...this.cib.rscDefaults, ...this.cib.opDefaults]) this.upgradeMeta(set, 'rsc_defaults')
    if (this.cib.status.length > 0) {
      this.note('info', 'upgrade-status-dropped', undefined, `the status section (${this.cib.status.length} node(s) of operation history under the old node ids) is not carried over: the new cluster probes every resource when it starts`)
      this.cib.status = []
    }
    return {cib: this.cib, findings: sortFindings(this.findings), nodeIds, dialect: [...new Set(this.dialect)]}
  }

  // --- where things are ---------------------------------------------------------

  /** Where `id` (or the word) is defined in the sources; the first source's first line otherwise. */
  where(id: string | undefined): SourceLocation | undefined {
    const sources = this.options.sources ?? []
    if (id) {
      const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      for (const {file, text} of sources) {
        // `id="X"` as an attribute of its own (not the tail of dc-uuid="X"), else name="X", else the word.
        let at = new RegExp(`(^|\\s)id="${escaped}"`).exec(text)?.index ?? -1
        if (at >= 0) at += /^\s/.test(text.slice(at)) ? 1 : 0
        if (at < 0) at = text.indexOf(`name="${id}"`)
        if (at < 0) {
          const m = new RegExp(`(^|[\\s:"'$=])${escaped}(?=$|[\\s:"'=])`, 'm').exec(text)
          at = m ? m.index + m[1]!.length : -1
        }
        if (at < 0) continue
        const before = text.slice(0, at)
        return {file, line: before.split('\n').length, column: at - before.lastIndexOf('\n')}
      }
    }
    return sources[0] ? {file: sources[0].file, line: 1, column: 1} : undefined
  }

  note(severity: Severity, id: string, near: string | undefined, message: string): void {
    this.findings.push(finding(id, severity, this.where(near), message))
  }

  // --- cluster options ---------------------------------------------------------

  upgradeOptions(): void {
    for (const set of this.cib.crmConfig) {
      const kept: NvPair[] = []
      for (const pair of set.pairs) {
        const name = underscoreSpelling(pair.name) ?? pair.name
        if (name !== pair.name) {
          this.note('info', 'upgrade-option-spelling', pair.name, `${pair.name} → ${name} (Pacemaker 2 reads only the dashed spelling)`)
          pair.name = name
        }
        const retired = RETIRED_OPTIONS[name]
        if (name === 'cluster-infrastructure' && pair.value) this.dialect.push(`cluster-infrastructure=${pair.value}`)
        if (name === 'dc-version' && pair.value) this.dialect.push(`Pacemaker ${pair.value.split('-')[0]}`)
        if (!retired) {
          if (name === 'stonith-action' && pair.value === 'poweroff') {
            this.note('info', 'upgrade-option-value', name, 'stonith-action poweroff → off (the old spelling is deprecated)')
            pair.value = 'off'
          }
          if (!CLUSTER_OPTIONS.has(name) && !INTERNAL_OPTIONS.has(name)) {
            this.note('warning', 'upgrade-option-unknown', name, `${set.id ?? 'cluster options'}: unknown attribute '${name}' (not a Pacemaker 2.1.5 cluster option): kept, but Pacemaker ignores it`)
          }
          kept.push(pair)
          continue
        }
        switch (retired.kind) {
          case 'renamed':
            this.note('info', 'upgrade-option-renamed', name, `${name} → ${retired.to} (renamed in Pacemaker 2.0)`)
            kept.push({...pair, name: retired.to, id: pair.id?.replace(name, retired.to)})
            break
          case 'moved':
            this.moveToDefaults(pair, retired.section, retired.to)
            break
          case 'cluster-written':
            this.note('info', 'upgrade-option-dropped', name, `${name}=${pair.value ?? ''} dropped: ${retired.why}`)
            break
          case 'gone':
            this.note('warning', 'upgrade-option-dropped', name, `${name}=${pair.value ?? ''} dropped: ${retired.why}`)
            break
        }
      }
      set.pairs = kept
    }
    this.cib.crmConfig = this.cib.crmConfig.filter((s) => s.pairs.length > 0 || s.rule !== undefined)
    const all = this.cib.crmConfig.flatMap((s) => s.pairs)
    if (this.options.clusterName && !all.some((p) => p.name === 'cluster-name')) {
      const target = this.cib.crmConfig.find((s) => s.id === 'cib-bootstrap-options' && !s.rule)
      const pair = {id: 'cib-bootstrap-options-cluster-name', name: 'cluster-name', value: this.options.clusterName}
      if (target) target.pairs.push(pair)
      else this.cib.crmConfig.push({id: 'cib-bootstrap-options', pairs: [pair]})
    }
  }

  moveToDefaults(pair: NvPair, section: 'rsc_defaults' | 'op_defaults', to: string): void {
    const sets = section === 'rsc_defaults' ? this.cib.rscDefaults : this.cib.opDefaults
    const existing = sets.flatMap((s) => s.pairs).find((p) => p.name === to)
    if (existing) {
      this.note('info', 'upgrade-option-moved', pair.name, `${pair.name}=${pair.value ?? ''} dropped: ${section} already sets ${to}=${existing.value ?? ''}, which wins`)
      return
    }
    let set = sets.find((s) => !s.rule && !s.idRef)
    if (!set) {
      set = {id: section === 'rsc_defaults' ? 'rsc-options' : 'op-options', pairs: []}
      sets.push(set)
    }
    set.pairs.push({id: `${set.id}-${to}`, name: to, value: pair.value})
    this.note('info', 'upgrade-option-moved', pair.name, `${pair.name}=${pair.value ?? ''} → ${section} ${to}=${pair.value ?? ''} (no longer a cluster option)`)
  }

  // --- nodes ---------------------------------------------------------------------

  upgradeNodes(): Record<string, string> {
    const order = [...(this.options.nodeOrder ?? [])]
    for (const n of this.cib.nodes) if (!order.some((o) => o.toLowerCase() === n.uname.toLowerCase())) order.push(n.uname)
    const nodeIds: Record<string, string> = {}
    order.forEach((name, i) => (nodeIds[name] = String(i + 1)))
    const uuids = this.cib.nodes.filter((n) => UUID.test(n.id))
    if (uuids.length > 0) this.dialect.push('Heartbeat UUID node ids')
    const upgraded: Node[] = []
    for (const n of this.cib.nodes) {
      const name = order.find((o) => o.toLowerCase() === n.uname.toLowerCase())!
      const id = nodeIds[name]!
      if (n.id !== id) this.note('info', 'upgrade-node-id', n.id, `node ${n.uname}: id ${n.id} → ${id} (its corosync nodeid${this.options.nodeOrder ? ', from the ha.cf node order' : ''})`)
      const node: Node = {...n, id}
      if (node.type === 'normal') delete node.type
      // A node with nothing but default attributes is left out: Pacemaker adds it from corosync, and an
      // offline CIB that lists nodes never seen makes crm_verify warn about fencing them.
      const meaningful = [...n.instanceAttributes, ...n.utilization].some((set) => set.rule || set.idRef || set.pairs.some((p) => !isDefaultNodeAttribute(p)))
      if (!meaningful && !n.description) {
        this.note('info', 'upgrade-node-dropped', n.id, `node ${n.uname} (id ${n.id}) left out: it has no attribute worth keeping; Pacemaker adds it with corosync nodeid ${id}`)
        continue
      }
      this.note('info', 'upgrade-node-kept', n.id, `node ${n.uname} kept for its attributes, as corosync nodeid ${id}`)
      upgraded.push(node)
    }
    this.cib.nodes = upgraded
    return nodeIds
  }

  // --- resources ------------------------------------------------------------------

  upgradeResource(r: Resource): void {
    for (const s of r.metaAttributes) this.upgradeMeta(s, r.id)
    if (r.kind === 'primitive') {
      this.upgradePrimitive(r)
    } else if (r.kind === 'group') {
      for (const s of r.metaAttributes) {
        const old = s.pairs.filter((p) => p.name === 'ordered' || p.name === 'collocated')
        for (const p of old) this.note(p.value === 'false' ? 'warning' : 'info', 'upgrade-group-option', r.id, `group ${r.id}: ${p.name}=${p.value ?? ''} dropped (groups are always ordered and colocated now${p.value === 'false' ? '; use a resource set to keep them independent' : ''})`)
        s.pairs = s.pairs.filter((p) => !old.includes(p))
      }
      r.children.forEach((c) => this.upgradeResource(c))
    } else {
      this.upgradeClone(r)
      this.upgradeResource(r.child)
    }
  }

  upgradeClone(c: Clone): void {
    if (c.legacyMaster) {
      this.dialect.push('master/slave resources')
      this.note('info', 'upgrade-master', c.id, `master ${c.id} → clone with promotable=true (the master element is deprecated)`)
      c.legacyMaster = false
      c.promotable = true
      const meta = c.metaAttributes.find((s) => !s.rule && !s.idRef) ?? c.metaAttributes[0]
      const set = meta ?? {id: `${c.id}-meta_attributes`, pairs: []}
      if (!meta) c.metaAttributes.push(set)
      if (!set.pairs.some((p) => p.name === 'promotable')) set.pairs.unshift({id: `${set.id ?? c.id}-promotable`, name: 'promotable', value: 'true'})
    }
    const renames: Record<string, string> = {'master-max': 'promoted-max', 'master-node-max': 'promoted-node-max'}
    for (const s of c.metaAttributes) {
      for (const p of s.pairs) {
        const to = renames[p.name]
        if (!to) continue
        this.note('info', 'upgrade-clone-option', c.id, `${c.id}: ${p.name} → ${to}`)
        p.id = p.id?.replace(p.name, to)
        p.name = to
      }
    }
  }

  upgradeMeta(set: NvSet, owner: string): void {
    const kept: NvPair[] = []
    for (const p of set.pairs) {
      if (p.name === 'target-role' && p.value && ROLE_NAMES[p.value]) {
        this.note('info', 'upgrade-role', owner, `${owner}: target-role ${p.value} → ${ROLE_NAMES[p.value]}`)
        p.value = ROLE_NAMES[p.value]
      }
      if (p.name in RETIRED_META) {
        if (p.name === 'resource-failure-stickiness' && /^-(INFINITY|inf)$/i.test(p.value ?? '') && !set.pairs.some((x) => x.name === 'migration-threshold')) {
          // -INFINITY moved the resource away on its first failure: that is migration-threshold=1.
          kept.push({id: p.id?.replace(p.name, 'migration-threshold'), name: 'migration-threshold', value: '1'})
          this.note('info', 'upgrade-meta', owner, `${owner}: resource-failure-stickiness=${p.value} → migration-threshold=1 (move away on the first failure, as before)`)
        } else {
          this.note('warning', 'upgrade-meta', owner, `${owner}: ${p.name}=${p.value ?? ''} dropped: ${RETIRED_META[p.name]}; set migration-threshold to the number of failures after which it should move`)
        }
        continue
      }
      kept.push(p)
    }
    set.pairs = kept
  }

  upgradePrimitive(p: Primitive): void {
    for (const op of p.operations) {
      const role = op.attributes.role
      if (role && ROLE_NAMES[role]) {
        op.attributes.role = ROLE_NAMES[role]
        this.note('info', 'upgrade-role', p.id, `${p.id}: op ${op.name} role ${role} → ${ROLE_NAMES[role]}`)
      }
    }
    const agent = `${p.class}:${p.provider ? `${p.provider}:` : ''}${p.type}`
    const renamed = RENAMED_AGENTS[agent]
    if (renamed) {
      p.class = renamed.to.class
      p.provider = renamed.to.provider
      p.type = renamed.to.type
      this.note('warning', 'upgrade-agent', p.id, `${p.id}: ${agent} → ${p.class}:${p.provider ? `${p.provider}:` : ''}${p.type} (${renamed.why})`)
    }
    if (p.class === 'heartbeat') this.upgradeHeartbeatClass(p)
    if (p.class === 'stonith' && p.type.startsWith('external/')) {
      this.note('info', 'upgrade-stonith-plugin', p.id, `${p.id}: stonith:${p.type} is a cluster-glue plugin: install cluster-glue on every node, or use the fence-agents equivalent`)
    }
  }

  /** `class="heartbeat"` ran /etc/ha.d/resource.d scripts with positional parameters 1, 2, …; Pacemaker 2 has no such class. */
  upgradeHeartbeatClass(p: Primitive): void {
    this.dialect.push('heartbeat-class resources')
    const oldType = p.type
    const args = p.instanceAttributes.flatMap((s) => s.pairs).filter((x) => /^\d+$/.test(x.name)).sort((a, b) => Number(a.name) - Number(b.name)).map((x) => x.value ?? '')
    const mapper = findMapper(p.type)
    const token = [p.type, ...args].join('::')
    const ctx: MapContext = {token, node: '', line: 0, report: (severity, id, message) => this.note(severity, id, p.id, message)}
    const mapped = mapper?.map(args, ctx)
    if (!mapped || mapped.kind !== 'primitive') {
      this.note('error', 'upgrade-heartbeat-class', p.id, `${p.id}: heartbeat:${p.type} (a resource.d script) has no equivalent Pacemaker 2 can run${mapped?.kind === 'drbd' ? ' here: DRBD becomes an ocf:linbit:drbd promotable clone, which changes the structure — convert it by hand' : ': make it an lsb: init script or an OCF agent'}; left as is`)
      return
    }
    p.class = mapped.agent.class
    p.provider = mapped.agent.provider
    p.type = mapped.agent.type
    p.instanceAttributes = mapped.params.length > 0 ? [{id: `${p.id}-instance_attributes`, pairs: mapped.params.map(([name, value]) => ({id: `${p.id}-instance_attributes-${name}`, name, value}))}] : []
    this.note('warning', 'upgrade-heartbeat-class', p.id, `${p.id}: heartbeat:${oldType} ${args.join(' ')} → ${p.class}:${p.provider ? `${p.provider}:` : ''}${p.type} ${mapped.params.map(([k, v]) => `${k}=${v}`).join(' ')} (the heartbeat class is gone; check the operations)`.trimEnd())
  }

  // --- constraints ------------------------------------------------------------------

  upgradeConstraint(c: Constraint): void {
    const role = (value: string | undefined, what: string): string | undefined => {
      if (value && ROLE_NAMES[value]) {
        this.note('info', 'upgrade-role', c.id, `${c.id}: ${what} ${value} → ${ROLE_NAMES[value]}`)
        return ROLE_NAMES[value]
      }
      return value
    }
    const rules = (list: Rule[]) => {
      for (const r of list) {
        r.role = role(r.role, 'rule role')
        rules(r.expressions.flatMap((e) => (e.kind === 'rule' ? [e.rule] : [])))
      }
    }
    for (const s of c.resourceSets ?? []) s.role = role(s.role, 'resource set role')
    if (c.kind === 'location') {
      c.role = role(c.role, 'role')
      rules(c.rules)
    } else if (c.kind === 'colocation') {
      c.rscRole = role(c.rscRole, 'rsc-role')
      c.withRscRole = role(c.withRscRole, 'with-rsc-role')
    } else if (c.kind === 'order' && c.score !== undefined && c.orderKind === undefined) {
      // Pacemaker 1.0 orders had a score: 0 = optional, anything else = mandatory.
      const kind = /^0+$/.test(c.score.replace(/^[+-]/, '')) ? 'Optional' : 'Mandatory'
      this.note('info', 'upgrade-order-score', c.id, `${c.id}: score=${c.score} → kind=${kind} (order scores are deprecated)`)
      c.orderKind = kind
      delete c.score
    }
  }
}

/** standby/maintenance off: what a node is anyway. */
function isDefaultNodeAttribute(p: NvPair): boolean {
  return ['standby', 'maintenance'].includes(p.name) && /^(off|false|no|n|0)$/i.test(p.value ?? '')
}
