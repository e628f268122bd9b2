/**
 * A pcs 0.11 shell script that builds the converted configuration in a CIB
 * file (`pcs -f "$CIB" …`), with the same ids as our cib.xml: ops carry
 * `id=`, constraints `id=`/`constraint-id=`, and `--no-default-ops` keeps pcs
 * from adding the agents' other actions. `--force` lets pcs accept agents
 * that are not installed on the machine running the script (lsb:…, stonith:…).
 */
import type {Cib, Constraint, NvSet, Primitive, Resource, Rule} from '../../formats/cib/model.js'

export interface PcsScriptOptions {
  /** Lines put into the header comment (generator, inputs). */
  header?: string[]
}

export function quoteShell(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-][A-Za-z0-9_@%+=:,./#-]*$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`
}

export function printPcsScript(cib: Cib, options: PcsScriptOptions = {}): string {
  const out: string[] = [
    '#!/bin/sh',
    ...(options.header ?? []).map((l) => `# ${l}`.trimEnd()),
    '#',
    '# Builds the configuration in the CIB file $CIB (default ./pcs-cib.xml: never the cib.xml',
    '# that hakit writes beside this script).',
    '# Offline:      cibadmin --empty > pcs-cib.xml && sh this-script',
    '# Live cluster: pcs cluster cib pcs-cib.xml && sh this-script && pcs cluster cib-push pcs-cib.xml diff-against=<copy taken before>',
    '#               (or load cib.xml with `hakit convert all … --apply`, which pushes one versioned patch)',
    'set -e',
    'CIB="${CIB:-pcs-cib.xml}"',
    'pcs() { command pcs -f "$CIB" "$@"; }',
    '',
  ]
  const cmd = (...words: string[]) => out.push(words.join(' '))

  // pcs refuses cluster-name (`pcs cluster setup NAME …` sets it on a live cluster); crm_attribute
  // writes it into the same CIB file, so the file matches cib.xml.
  const pairs = cib.crmConfig.flatMap((s) => s.pairs)
  const props = pairs.filter((p) => p.name !== 'cluster-name')
  if (props.length > 0) {
    cmd('pcs property set', ...props.map((p) => quoteShell(`${p.name}=${p.value ?? ''}`)), '--force')
  }
  const clusterName = pairs.find((p) => p.name === 'cluster-name')?.value
  if (clusterName !== undefined) {
    cmd('CIB_file="$CIB" crm_attribute --type crm_config --name cluster-name --update', quoteShell(clusterName))
  }
  const defaults = cib.rscDefaults.flatMap((s) => s.pairs)
  if (defaults.length > 0) cmd('pcs resource defaults update', ...defaults.map((p) => quoteShell(`${p.name}=${p.value ?? ''}`)))

  for (const r of cib.resources) {
    // pcs cannot set a resource description: carry the haresources comment as a script comment.
    const description = r.description ?? (r.kind === 'clone' ? r.child.description : undefined)
    if (description) out.push(`# ${r.id}: ${description.replaceAll('\n', ' ')}`)
    emitResource(r, cmd)
  }
  for (const c of cib.constraints) emitConstraint(c, cmd, out)
  return `${out.join('\n')}\n`
}

type Emit = (...words: string[]) => void

function emitResource(r: Resource, cmd: Emit, group?: string): void {
  if (r.kind === 'primitive') {
    emitPrimitive(r, cmd, group)
  } else if (r.kind === 'group') {
    for (const child of r.children) emitPrimitive(child, cmd, r.id)
    const meta = pairsOf(r.metaAttributes)
    if (meta.length > 0) cmd('pcs resource meta', r.id, ...meta)
  } else {
    emitResource(r.child, cmd)
    const meta = pairsOf(r.metaAttributes).filter((p) => !p.startsWith('promotable='))
    cmd(r.promotable ? 'pcs resource promotable' : 'pcs resource clone', r.child.id, r.id, ...meta)
  }
}

function emitPrimitive(p: Primitive, cmd: Emit, group: string | undefined): void {
  const agent = p.provider ? `${p.class}:${p.provider}:${p.type}` : `${p.class}:${p.type}`
  const words = p.class === 'stonith' ? ['pcs stonith create', p.id, p.type] : ['pcs resource create', p.id, agent]
  words.push(...pairsOf(p.instanceAttributes))
  const meta = pairsOf(p.metaAttributes)
  if (meta.length > 0) words.push('meta', ...meta)
  if (p.operations.length > 0) {
    words.push('op')
    for (const op of p.operations) {
      words.push(op.name, quoteShell(`interval=${op.interval}`))
      for (const [k, v] of Object.entries(op.attributes)) words.push(quoteShell(`${k}=${v}`))
      if (op.id) words.push(quoteShell(`id=${op.id}`))
    }
  }
  words.push('--no-default-ops')
  if (group) words.push('--group', group)
  words.push('--force')
  cmd(...words)
}

function pairsOf(sets: NvSet[]): string[] {
  return sets.flatMap((s) => s.pairs.map((p) => quoteShell(`${p.name}=${p.value ?? ''}`)))
}

function emitConstraint(c: Constraint, cmd: Emit, out: string[]): void {
  switch (c.kind) {
    case 'location':
      if (c.rsc && c.node && c.score !== undefined && c.rules.length === 0 && !c.role) {
        cmd('pcs constraint location add', c.id, c.rsc, c.node, c.score)
      } else if (c.rsc && c.node && c.score !== undefined && c.rules.length === 0) {
        cmd('pcs constraint location', c.rsc, 'rule', quoteShell(`constraint-id=${c.id}`), quoteShell(`role=${c.role}`), quoteShell(`score=${c.score}`), quoteShell('#uname'), 'eq', quoteShell(c.node))
      } else if (c.rsc && c.rules.length === 1) {
        cmd('pcs constraint location', c.rsc, 'rule', quoteShell(`constraint-id=${c.id}`), ...ruleWords(c.rules[0]!))
      } else {
        out.push(`# location ${c.id}: not expressible as one pcs command; add it by hand`)
      }
      break
    case 'colocation': {
      const role = (r: string | undefined) => (r ? [r] : [])
      cmd('pcs constraint colocation add', ...role(c.rscRole), c.rsc ?? '', 'with', ...role(c.withRscRole), c.withRsc ?? '', c.score, quoteShell(`id=${c.id}`))
      break
    }
    case 'order': {
      const opts = [quoteShell(`id=${c.id}`)]
      if (c.orderKind) opts.push(`kind=${c.orderKind}`)
      cmd('pcs constraint order', c.firstAction ?? 'start', c.first ?? '', 'then', c.thenAction ?? 'start', c.then ?? '', ...opts)
      break
    }
    default:
      out.push(`# ${c.kind} constraint ${c.id}: not emitted`)
  }
}

function ruleWords(rule: Rule): string[] {
  const words: string[] = []
  if (rule.id) words.push(quoteShell(`id=${rule.id}`))
  if (rule.role) words.push(quoteShell(`role=${rule.role}`))
  if (rule.scoreAttribute) words.push(quoteShell(`score-attribute=${rule.scoreAttribute}`))
  else if (rule.score) words.push(quoteShell(`score=${rule.score}`))
  const exprs = rule.expressions.map((e) => {
    if (e.kind !== 'expression') return ['#', 'unsupported']
    if (e.operation === 'defined' || e.operation === 'not_defined') return [e.operation, quoteShell(e.attribute)]
    const type = e.type ? [e.type] : []
    return [quoteShell(e.attribute), e.operation, ...type, quoteShell(e.value ?? '')]
  })
  exprs.forEach((e, i) => {
    if (i > 0) words.push(rule.booleanOp ?? 'and')
    words.push(...e)
  })
  return words
}
