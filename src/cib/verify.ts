/**
 * The configuration checks of crm_verify that matter to users: duplicate
 * ids, references to resources or sets that do not exist, resource agents
 * missing from an agent directory, no STONITH resource while stonith-enabled
 * is true, and scores or durations Pacemaker cannot read.
 */
import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {closest} from '../lint/suggest.js'
import {CLUSTER_OPTIONS, INTERNAL_OPTIONS, RETIRED_META, RETIRED_OPTIONS, underscoreSpelling} from '../converters/cib/options.js'
import {finding, type Finding, type SourceLocation} from '../core/findings.js'
import type {Cib, NvSet, Primitive, Resource, Rule} from '../formats/cib/model.js'
import {char2score, isInterval, isScore, parseBoolean} from '../formats/cib/values.js'

export interface VerifyOptions {
  /** File name for finding locations. */
  file: string
  /** The source text, to point findings at the line that defines the object. */
  text?: string
  /** OCF agent root (…/resource.d): when given, ocf agents must exist under it. */
  agentDir?: string
}

/** The installed OCF agent root ($OCF_ROOT/resource.d, else /usr/lib/ocf/resource.d), when it exists. */
export function installedAgentDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env.OCF_ROOT ? join(env.OCF_ROOT, 'resource.d') : '/usr/lib/ocf/resource.d'
  return existsSync(dir) ? dir : undefined
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

export function verifyCib(cib: Cib, options: VerifyOptions): Finding[] {
  return new Verifier(cib, options).run()
}

const DURATION_OP_ATTRIBUTES = ['timeout', 'start-delay']
const SCORE_META = ['resource-stickiness', 'migration-threshold', 'priority']
const DURATION_META = ['failure-timeout']

class Verifier {
  readonly findings: Finding[] = []
  readonly resources = new Map<string, Resource>()
  readonly ids = new Map<string, string>()

  constructor(
    readonly cib: Cib,
    readonly options: VerifyOptions,
  ) {}

  /** Where `id` is defined in the source text (first `id="X"`, or the word X in crm text). */
  where(id: string | undefined): SourceLocation | undefined {
    const {text, file} = this.options
    if (!text || !id) return {file, line: 1, column: 1}
    let at = text.indexOf(`id="${id}"`)
    if (at < 0) {
      const m = new RegExp(`(^|[\\s:"'])${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\s:"'=])`, 'm').exec(text)
      at = m ? m.index + m[1].length : -1
    }
    if (at < 0) return {file, line: 1, column: 1}
    const before = text.slice(0, at)
    const line = before.split('\n').length
    return {file, line, column: at - before.lastIndexOf('\n')}
  }

  add(id: string, severity: 'error' | 'warning', near: string | undefined, message: string): void {
    this.findings.push(finding(id, severity, this.where(near), message))
  }

  defineId(id: string | undefined, what: string): void {
    if (id === undefined || id === '') return
    const previous = this.ids.get(id)
    if (previous !== undefined) this.add('duplicate-id', 'error', id, `id "${id}" is used twice (${previous} and ${what})`)
    else this.ids.set(id, what)
  }

  run(): Finding[] {
    this.collectIds()
    this.checkReferences()
    this.checkValues()
    this.checkAgents()
    this.checkStonith()
    this.checkRetired()
    return this.findings
  }

  // --- ids ---------------------------------------------------------------------

  sets(list: NvSet[] | undefined, owner: string): void {
    for (const s of list ?? []) {
      this.defineId(s.id, `attribute set of ${owner}`)
      for (const p of s.pairs) this.defineId(p.id, `nvpair ${p.name} of ${owner}`)
      if (s.rule) this.rule(s.rule, owner)
    }
  }

  rule(r: Rule, owner: string): void {
    this.defineId(r.id, `rule of ${owner}`)
    for (const e of r.expressions) {
      if (e.kind === 'rule') this.rule(e.rule, owner)
      else this.defineId(e.id, `expression of ${owner}`)
    }
  }

  resource(r: Resource): void {
    this.defineId(r.id, `${r.kind} ${r.id}`)
    this.resources.set(r.id, r)
    this.sets(r.metaAttributes, r.id)
    if (r.kind === 'primitive') {
      this.sets(r.instanceAttributes, r.id)
      this.sets(r.utilization, r.id)
      for (const op of r.operations) {
        this.defineId(op.id, `op ${op.name} of ${r.id}`)
        this.sets(op.instanceAttributes, `${r.id} op ${op.name}`)
        this.sets(op.metaAttributes, `${r.id} op ${op.name}`)
      }
    } else if (r.kind === 'group') {
      this.sets(r.instanceAttributes, r.id)
      r.children.forEach((c) => this.resource(c))
    } else {
      this.sets(r.instanceAttributes, r.id)
      this.resource(r.child)
    }
  }

  collectIds(): void {
    this.sets(this.cib.crmConfig, 'crm_config')
    this.sets(this.cib.rscDefaults, 'rsc_defaults')
    this.sets(this.cib.opDefaults, 'op_defaults')
    const nodeIds = new Set<string>()
    for (const n of this.cib.nodes) {
      if (nodeIds.has(n.id)) this.add('duplicate-id', 'error', n.id, `node id "${n.id}" is used twice`)
      nodeIds.add(n.id)
      this.sets(n.instanceAttributes, `node ${n.uname}`)
      this.sets(n.utilization, `node ${n.uname}`)
    }
    this.cib.resources.forEach((r) => this.resource(r))
    for (const c of this.cib.constraints) {
      this.defineId(c.id, `${c.kind} constraint ${c.id}`)
      for (const s of c.resourceSets ?? []) this.defineId(s.id, `resource set of ${c.id}`)
      if (c.kind === 'location') c.rules.forEach((r) => this.rule(r, c.id))
    }
  }

  // --- references ----------------------------------------------------------------

  /** Ids defined in sections hakit keeps as raw XML (templates, tags, bundles) also count as targets. */
  rawIds(): Set<string> {
    const out = new Set<string>()
    for (const s of this.cib.otherSections) for (const m of s.xml.matchAll(/\bid="([^"]*)"/g)) out.add(m[1])
    return out
  }

  checkReferences(): void {
    const raw = this.rawIds()
    const known = (id: string) => this.resources.has(id) || raw.has(id)
    const ref = (c: string, what: string, id: string | undefined) => {
      if (id !== undefined && !known(id)) this.add('dangling-reference', 'error', c, `${what} refers to resource "${id}", which does not exist`)
    }
    for (const c of this.cib.constraints) {
      const name = `${c.kind} ${c.id}`
      if (c.kind === 'location') ref(c.id, name, c.rsc)
      else if (c.kind === 'colocation') {
        ref(c.id, name, c.rsc)
        ref(c.id, name, c.withRsc)
      } else if (c.kind === 'order') {
        ref(c.id, name, c.first)
        ref(c.id, name, c.then)
      } else ref(c.id, name, c.attributes.rsc)
      for (const s of c.resourceSets ?? []) for (const r of s.resources) ref(c.id, name, r)
    }
    // id-refs to attribute sets and rules
    const refSets = (list: NvSet[] | undefined, owner: string) => {
      for (const s of list ?? []) {
        if (s.idRef !== undefined && !this.ids.has(s.idRef) && !raw.has(s.idRef)) this.add('dangling-reference', 'error', owner, `${owner} refers to attribute set "${s.idRef}", which does not exist`)
        if (s.rule) refRule(s.rule, owner)
      }
    }
    const refRule = (r: Rule, owner: string) => {
      if (r.idRef !== undefined && !this.ids.has(r.idRef)) this.add('dangling-reference', 'error', owner, `${owner} refers to rule "${r.idRef}", which does not exist`)
      for (const e of r.expressions) if (e.kind === 'rule') refRule(e.rule, owner)
    }
    for (const r of this.resources.values()) {
      refSets(r.metaAttributes, r.id)
      if (r.kind === 'primitive') {
        refSets(r.instanceAttributes, r.id)
        refSets(r.utilization, r.id)
      }
    }
    for (const c of this.cib.constraints) if (c.kind === 'location') c.rules.forEach((r) => refRule(r, c.id))
  }

  // --- values ---------------------------------------------------------------------

  score(near: string, what: string, v: string | undefined): void {
    if (v !== undefined && !isScore(v)) this.add('invalid-score', 'error', near, `${what}: "${v}" is not a score (an integer, INFINITY or -INFINITY)`)
  }

  duration(near: string, what: string, v: string | undefined): void {
    if (v !== undefined && !isInterval(v)) this.add('invalid-interval', 'error', near, `${what}: "${v}" is not a duration (like 30s, 1min, 500ms or PT1M)`)
  }

  metaValues(list: NvSet[] | undefined, owner: string): void {
    for (const s of list ?? []) {
      this.score(owner, `attribute set score of ${owner}`, s.score)
      for (const p of s.pairs) {
        if (SCORE_META.includes(p.name) && p.value !== undefined && !isScore(p.value)) {
          // No schema checks these: Pacemaker reads a leading integer and ignores the rest.
          if (/^\s*[+-]?\d/.test(p.value)) this.add('score-trailing-characters', 'warning', owner, `${p.name} of ${owner}: "${p.value}" is read as ${char2score(p.value)}`)
          else this.score(owner, `${p.name} of ${owner}`, p.value)
        }
        if (DURATION_META.includes(p.name)) this.duration(owner, `${p.name} of ${owner}`, p.value)
      }
    }
  }

  ruleValues(r: Rule, owner: string): void {
    this.score(owner, `rule score in ${owner}`, r.score)
    for (const e of r.expressions) if (e.kind === 'rule') this.ruleValues(e.rule, owner)
  }

  checkValues(): void {
    for (const r of this.resources.values()) {
      this.metaValues(r.metaAttributes, r.id)
      if (r.kind !== 'primitive') continue
      for (const op of r.operations) {
        this.duration(r.id, `interval of ${r.id} op ${op.name}`, op.interval)
        for (const a of DURATION_OP_ATTRIBUTES) this.duration(r.id, `${a} of ${r.id} op ${op.name}`, op.attributes[a])
      }
    }
    this.metaValues(this.cib.rscDefaults, 'rsc_defaults')
    for (const s of this.cib.opDefaults) for (const p of s.pairs) if (p.name === 'timeout' || p.name === 'interval') this.duration('op_defaults', `op_defaults ${p.name}`, p.value)
    for (const c of this.cib.constraints) {
      const name = `${c.kind} ${c.id}`
      if (c.kind === 'location') {
        this.score(c.id, name, c.score)
        c.rules.forEach((r) => this.ruleValues(r, c.id))
      } else if (c.kind === 'colocation') {
        if (c.score === '' && !c.otherAttributes?.['score-attribute']) this.add('invalid-score', 'error', c.id, `${name} has no score`)
        else if (c.score !== '') this.score(c.id, name, c.score)
      } else if (c.kind === 'order') {
        this.score(c.id, name, c.score)
        if (c.orderKind !== undefined && !['Mandatory', 'Optional', 'Serialize'].includes(c.orderKind)) {
          this.add('invalid-value', 'error', c.id, `${name}: kind "${c.orderKind}" is not Mandatory, Optional or Serialize`)
        }
      }
      for (const s of c.resourceSets ?? []) this.score(c.id, `resource set in ${name}`, s.score)
    }
  }

  // --- agents and fencing ----------------------------------------------------------

  primitives(): Primitive[] {
    return [...this.resources.values()].filter((r): r is Primitive => r.kind === 'primitive')
  }

  checkAgents(): void {
    const dir = this.options.agentDir
    if (!dir) return
    const providers = entries(dir)
    for (const p of this.primitives()) {
      if (p.class !== 'ocf' || !p.provider) continue
      if (!existsSync(join(dir, p.provider, p.type))) {
        this.add('unknown-agent', 'error', p.id, `${p.id}: resource agent ocf:${p.provider}:${p.type} is not installed in ${dir}${this.agentHint(dir, providers, p.provider, p.type)}`)
      }
    }
  }

  /** ` (did you mean ocf:P:T?)`: the type among the provider's agents, else the same type elsewhere, else the provider. */
  agentHint(dir: string, providers: string[], provider: string, type: string): string {
    const own = providers.includes(provider) ? closest(type, entries(join(dir, provider))) : undefined
    if (own) return ` (did you mean ocf:${provider}:${own}?)`
    const elsewhere = providers.find((other) => existsSync(join(dir, other, type)))
    if (elsewhere) return ` (did you mean ocf:${elsewhere}:${type}?)`
    const otherProvider = closest(provider, providers)
    if (otherProvider && existsSync(join(dir, otherProvider, type))) return ` (did you mean ocf:${otherProvider}:${type}?)`
    for (const other of providers) {
      const near = closest(type, entries(join(dir, other)))
      if (near) return ` (did you mean ocf:${other}:${near}?)`
    }
    return ''
  }

  /**
   * Cluster options Pacemaker 2.1.5 does not know, as crmsh reports them ("cib-bootstrap-options:
   * unknown attribute 'X'"), saying what the option became; retired resource meta attributes.
   */
  checkRetired(): void {
    for (const set of this.cib.crmConfig) {
      for (const p of set.pairs) {
        if (CLUSTER_OPTIONS.has(p.name) || INTERNAL_OPTIONS.has(p.name)) continue
        const spelled = underscoreSpelling(p.name)
        const retired = RETIRED_OPTIONS[spelled ?? p.name]
        const now = retired?.kind === 'renamed' ? `renamed ${retired.to} in Pacemaker 2.0`
          : retired?.kind === 'moved' ? `now ${retired.section} ${retired.to}`
          : retired ? retired.why
          : spelled ? `write ${spelled}`
          : undefined
        const hint = now ?? (closest(p.name, CLUSTER_OPTIONS) ? `did you mean ${closest(p.name, CLUSTER_OPTIONS)}?` : undefined)
        this.add(retired || spelled ? 'retired-option' : 'unknown-option', 'warning', p.id ?? p.name, `${set.id ?? 'crm_config'}: unknown attribute '${p.name}'${hint ? `: ${hint}` : ''}`)
      }
    }
    for (const r of this.resources.values()) {
      for (const s of r.metaAttributes) {
        for (const p of s.pairs) {
          if (p.name in RETIRED_META) this.add('retired-option', 'warning', p.id ?? r.id, `${r.id}: attribute ${p.name} does not exist: ${RETIRED_META[p.name]}`)
        }
      }
    }
  }

  checkStonith(): void {
    let enabled: string | undefined
    for (const s of this.cib.crmConfig) {
      if (s.rule) continue
      const p = s.pairs.find((x) => x.name === 'stonith-enabled')
      if (p && enabled === undefined) enabled = p.value
    }
    const on = parseBoolean(enabled) ?? true
    if (!on) return
    const hasStonith = this.primitives().some((p) => p.class === 'stonith')
    if (!hasStonith) {
      this.add('no-stonith', 'error', 'stonith-enabled', `no STONITH resource is defined while stonith-enabled is ${enabled ?? 'true (the default)'}: Pacemaker will not start any resource`)
    }
  }
}
