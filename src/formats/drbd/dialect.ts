import {dirname, relative} from 'node:path'
import type {Loc, Node, Section, Statement} from './ast.js'
import {DIALECTS, type Dialect, type Support, describeSupport, keywordSpec, support} from './keywords.js'

/** One construct that only some DRBD versions accept. */
export interface Evidence {
  /** Human description, e.g. "`incon-degr-cmd` in resource". */
  construct: string
  support: Support
  loc: Loc
  /** Support of the nearest version-specific section around it (e.g. `syncer {}`), if any. */
  within?: Support
}

export interface UnknownKeyword {
  keyword: string
  context: string
  isSection: boolean
  loc: Loc
}

export interface DialectReport {
  /** The dialect the file is written in (best guess when it mixes versions). */
  dialect: Dialect
  /** Every dialect whose drbdadm accepts all the version-specific constructs found (possibly empty). */
  compatible: Dialect[]
  /** The version-specific constructs found, in file order. */
  evidence: Evidence[]
  /** Evidence that the chosen dialect does not accept. */
  conflicts: Evidence[]
  /** Evidence the chosen dialect only accepts for compatibility (deprecated). */
  deprecated: Evidence[]
  /** Keywords no DRBD version knows in their place. */
  unknown: UnknownKeyword[]
  /** One sentence: why this dialect. */
  reason: string
}

const FLAG_OPTIONS = new Set(['allow-two-primaries', 'always-asbp', 'discard-my-data', 'use-rle', 'wait-after-sb', 'tcp-cork'])

/**
 * Detects the dialect from the constructs used, per construct, not per file:
 * each keyword-in-context (and a few value forms) has the set of versions
 * accepting it. The dialect is the one that rejects the fewest constructs;
 * among those, the one that accepts the most of them without the
 * compatibility crutch; remaining ties go 8.4 > 8.3 > 9 > 0.7 (9 and 0.7
 * need positive evidence).
 */
export function detectDialect(nodes: readonly Node[], mainFile?: string): DialectReport {
  const evidence: Evidence[] = []
  const unknown: UnknownKeyword[] = []
  walk(nodes, 'top', evidence, unknown)

  const conflictsOf = (d: Dialect) => evidence.filter((e) => !e.support[d])
  const okCount = (d: Dialect) => evidence.filter((e) => e.support[d] === 'ok').length
  const preference: Dialect[] = ['8.4', '8.3', '9', '0.7']
  const ranked = [...DIALECTS].sort(
    (a, b) => conflictsOf(a).length - conflictsOf(b).length || okCount(b) - okCount(a) || preference.indexOf(a) - preference.indexOf(b),
  )
  const dialect = ranked[0]
  const compatible = DIALECTS.filter((d) => conflictsOf(d).length === 0)
  const conflicts = conflictsOf(dialect)
  const deprecated = evidence.filter((e) => e.support[dialect] === 'compat')
  // The most telling constructs first: those the runner-up dialect lacks, then those fewest versions accept; each construct once.
  const runnerUp = ranked[1]
  const breadth = (e: Evidence) => DIALECTS.filter((d) => e.support[d]).length
  const tellsApart = (e: Evidence) => (e.support[runnerUp] === 'ok' ? 1 : 0)
  const seen = new Set<string>()
  const decisive = evidence
    .filter((e) => e.support[dialect] === 'ok' && DIALECTS.some((d) => e.support[d] !== 'ok'))
    .filter((e) => !seen.has(e.construct) && seen.add(e.construct) !== undefined)
    .map((e, i) => ({e, i}))
    .sort((a, b) => tellsApart(a.e) - tellsApart(b.e) || breadth(a.e) - breadth(b.e) || a.i - b.i)
    .map(({e}) => e)
  let reason: string
  if (evidence.length === 0) reason = 'no version-specific keyword: any DRBD version accepts it; assumed 8.4'
  else if (decisive.length === 0) reason = `only constructs every version accepts; assumed ${dialect}`
  else {
    const where = (loc: Loc) => `${mainFile !== undefined && loc.file !== mainFile ? `${relative(dirname(mainFile), loc.file)}:` : ''}${loc.line}:${loc.column}`
    const shown = decisive.slice(0, 3).map((e) => `${e.construct} (${where(e.loc)})`)
    reason = `${shown.join(', ')}${decisive.length > 3 ? ` and ${decisive.length - 3} more` : ''}`
    if (conflicts.length > 0) reason += `; mixes in ${conflicts.length} construct(s) of other versions`
  }
  return {dialect, compatible, evidence, conflicts, deprecated, unknown, reason}
}

function walk(nodes: readonly Node[], context: string, evidence: Evidence[], unknown: UnknownKeyword[], within?: Support): void {
  for (const node of nodes) {
    if (node.type === 'skip') continue
    const isSection = node.type === 'section'
    const spec = keywordSpec(context, node.keyword, isSection)
    if (!spec) {
      if (context !== 'opaque' && context !== 'unknown') unknown.push({keyword: node.keyword, context, isSection, loc: node.loc})
      if (isSection) walk(node.body, 'unknown', evidence, unknown, within)
      continue
    }
    const before = evidence.length
    if (!spec.universal) {
      const where = context === 'top' ? 'at top level' : `in ${context === 'host' ? 'on' : context}`
      record(evidence, `\`${node.keyword}${isSection ? ' {}' : ''}\` ${where}`, spec.support, node.loc, within)
    }
    if (node.type === 'statement') valueForms(node, evidence, within)
    else {
      sectionForms(node, evidence, within)
      const specific = evidence.length > before ? spec.support : within
      walk(node.body, spec.opaque ? 'opaque' : (spec.context ?? 'unknown'), evidence, unknown, specific)
    }
  }
}

const recordIn = (evidence: Evidence[], construct: string, s: Support, loc: Loc, within?: Support) => record(evidence, construct, s, loc, within)

function record(evidence: Evidence[], construct: string, s: Support, loc: Loc, within?: Support): void {
  // Constructs every version accepts tell nothing about the version.
  if (DIALECTS.every((d) => s[d] === 'ok')) return
  evidence.push(within ? {construct, support: s, loc, within} : {construct, support: s, loc})
}

/** Value forms that changed between versions. */
function valueForms(node: Statement, evidence: Evidence[], within: Support | undefined): void {
  const record = (construct: string, s: Support, loc: Loc) => recordIn(evidence, construct, s, loc, within)
  const words = node.args.map((a) => a.value)
  const first = words[0]
  if (node.keyword === 'device' && words.includes('minor')) record('`device … minor N`', support('8.3 8.4 9'), node.loc)
  if (node.keyword === 'meta-disk' && first !== undefined && first !== 'internal' && !words.join('').includes('[')) {
    record('`meta-disk PATH` without an index', support('8.4 9'), node.loc)
  }
  if (node.keyword === 'disk' && first === 'none') record('`disk none` (diskless)', support('9'), node.loc)
  if (node.keyword === 'address' && first === 'ipv6') record('`address ipv6`', support('8.3 8.4 9'), node.loc)
  if (node.keyword === 'on-io-error' && first === 'panic') record('`on-io-error panic`', support('0.7 8.3 8.4'), node.loc)
  if (node.keyword === 'on-io-error' && first === 'call-local-io-error') record('`on-io-error call-local-io-error`', support('8.3 8.4 9'), node.loc)
  if (FLAG_OPTIONS.has(node.keyword) && (first === 'yes' || first === 'no')) {
    record(`\`${node.keyword} ${first}\` (explicit yes/no)`, support('8.4 9'), node.loc)
  }
  if (node.keyword === 'usage-count' && first === 'ask') record('`usage-count ask`', support('8.3 8.4 9'), node.loc)
}

function sectionForms(node: Section, evidence: Evidence[], within: Support | undefined): void {
  const record = (construct: string, s: Support, loc: Loc) => recordIn(evidence, construct, s, loc, within)
  if (node.keyword === 'on' && node.args.length > 1) record('`on` with several host names', support('8.3 8.4 9'), node.loc)
}

export {describeSupport}
