/**
 * Shared shell of `hakit crm resource …` / `hakit crm node …` / `hakit crm configure …`:
 * find the target (CIB file or live cluster), run one pure edit, verify it
 * (configure), commit it as one versioned change, print crmsh's notes, and
 * with --wait wait for the transition it causes.
 */
import {Args, Flags} from '@oclif/core'
import {UserError} from '../core/errors.js'
import {HakitCommand} from './base-command.js'
import type {Cib} from '../formats/cib/model.js'
import type {Finding} from '../core/findings.js'
import type {AdminEdit} from '../runtime/crm/admin/edit.js'

export const adminFlags = {
  cib: Flags.string({description: 'CIB XML file to change (default: $CIB_file, else the running hakit cluster)'}),
  socket: Flags.string({description: 'socket of the local hakit CRM daemon (default: $HAKIT_CRM_SOCKET, else /run/hakit/crm.sock)'}),
}

/** The `--wait` flags of the resource and node commands that change the live cluster. */
export const waitFlags = {
  wait: Flags.boolean({description: 'wait until the transition the change causes is complete (running cluster only), then list the actions that ran'}),
  'wait-timeout': Flags.integer({description: 'seconds --wait waits at most', default: 300}),
}

/** The flags of the configuration-changing commands (crm configure …). */
export const configureFlags = {
  ...adminFlags,
  ...waitFlags,
  force: Flags.boolean({char: 'F', description: 'commit even when the result has new verification errors (crmsh: commit force)'}),
}

export const ADMIN_EXIT_CODES = `EXIT CODES
  0    done
  1    refused (crmsh's ERROR)
  2    the CIB cannot be read or parsed
  102  no running cluster answers on the socket
  103  the CIB changed between reading and committing (nothing was changed: repeat the command)
  105  no such resource or node
  108  the resource is already there (move)
  124  --wait: the cluster did not settle before the deadline

ENVIRONMENT
  CIB_file          work on this CIB file instead of the running cluster
  HAKIT_CRM_SOCKET  the local daemon's socket`

export interface AdminContext {
  now: number
  /** True on the running cluster, false on a CIB file. */
  live: boolean
  /** Nodes a resource is active on now, from the CIB's status. */
  activeOn(id: string): Promise<string[]>
}

export interface AdminRunOptions {
  /** Refuse a configuration that gains verification errors (crmsh verifies before every commit) unless forced. */
  verify?: boolean
  force?: boolean
  /** Show the semantic diff of the configuration before committing (configure edit). */
  showDiff?: boolean
  /** --wait: after the commit, wait for the transition it causes and report what ran (live cluster only). */
  wait?: boolean
  /** The file the change was read from (configure load): its verification errors name their place in it. */
  source?: {file: string; text: string}
}

export async function runAdminEdit(
  flags: {cib?: string; socket?: string; wait?: boolean; 'wait-timeout'?: number},
  makeEdit: (cib: Cib, ctx: AdminContext) => AdminEdit | Promise<AdminEdit>,
  options: AdminRunOptions = {},
): Promise<void> {
  const {resolveAdminTarget, loadTarget, commitEdit} = await import('../runtime/crm/admin/apply.js')
  const {locateResource} = await import('../runtime/crm/admin/edit.js')
  const target = await resolveAdminTarget(flags.cib, flags.socket)
  const cib = await loadTarget(target)
  const ctx: AdminContext = {now: Date.now(), live: target.kind === 'live', activeOn: async (id) => (await locateResource(cib, id)).map((l) => l.node)}
  const edit = await makeEdit(cib, ctx)
  if (options.verify && edit.configChanged) await refuseNewErrors(cib, edit.cib, options.force ?? false, options.source)
  if (options.showDiff && edit.configChanged) await printConfigurationDiff(cib, edit.cib)
  const waiter = (options.wait ?? flags.wait) ? await startWait(target, cib, flags['wait-timeout'] ?? 300) : undefined
  await commitEdit(target, edit, ctx.now)
  if (edit.notes.length > 0) process.stdout.write(edit.notes.join('\n') + '\n')
  if (waiter) await waiter()
}

/** --wait: returns what to run after the commit (waits for the cluster to settle, prints what ran). */
async function startWait(target: {kind: 'file'; path: string} | {kind: 'live'; socket: string}, before: Cib, timeoutSeconds: number): Promise<() => Promise<void>> {
  if (target.kind === 'file') throw new UserError('--wait needs a running cluster, not a CIB file', 1)
  const {waitForIdle, describeTransition} = await import('../runtime/crm/admin/wait.js')
  return async () => {
    const after = await waitForIdle(target.socket, {timeoutMs: timeoutSeconds * 1000})
    process.stdout.write(describeTransition(before, after).join('\n') + '\n')
  }
}

/** crmsh verifies before committing and refuses on errors; only errors the change introduces count here. */
async function refuseNewErrors(before: Cib, after: Cib, force: boolean, source?: {file: string; text: string}): Promise<void> {
  const {verifyCib, installedAgentDir} = await import('../cib/verify.js')
  const options = {file: 'configuration', agentDir: installedAgentDir()}
  const known = new Set(verifyCib(before, options).filter((f) => f.severity === 'error').map((f) => f.message))
  // located in the loaded file (by the ids the messages name), as crm verify --cib FILE locates them
  const fresh = verifyCib(after, source ? {...options, ...source} : options).filter((f) => f.severity === 'error' && !known.has(f.message))
  if (fresh.length === 0) return
  const where = (f: Finding) => (source && f.location ? `${f.location.file}:${f.location.line}:${f.location.column}: ` : '')
  process.stderr.write(fresh.map((f) => `ERROR: ${where(f)}${f.message}`).join('\n') + '\n')
  if (force) {
    process.stderr.write('INFO: commit forced\n')
    return
  }
  throw new UserError(`the change was not committed: ${fresh.length} verification error${fresh.length > 1 ? 's' : ''} (--force commits anyway)`, 1)
}

async function printConfigurationDiff(before: Cib, after: Cib): Promise<void> {
  const {diffCibs} = await import('../cib/diff.js')
  const {renderCibDiff} = await import('../cib/render-diff.js')
  const {makeChalk} = await import('./color.js')
  const d = diffCibs(before, after, {labels: ['live', 'edited']})
  if (!d.equal) process.stdout.write(renderCibDiff(d, makeChalk()))
}

/** Reads the CIB of the target without changing it (status, locate, get, list). */
export async function readAdminCib(flags: {cib?: string; socket?: string}): Promise<Cib> {
  const {resolveAdminTarget, loadTarget} = await import('../runtime/crm/admin/apply.js')
  return loadTarget(await resolveAdminTarget(flags.cib, flags.socket))
}

/** The positional arguments `crm resource param|meta|utilization` share. */
export const resourceAttributeArgs = {
  resource: Args.string({description: 'resource id', required: true}),
  action: Args.string({description: 'get, set, delete or show', required: true, options: ['get', 'set', 'delete', 'show']}),
  name: Args.string({description: 'attribute name', required: true}),
  value: Args.string({description: 'value (set)'}),
}

/**
 * `crm resource param|meta|utilization RSC get|set|delete NAME [VALUE]`: get prints the value
 * (exit 105 when unset); set and delete change the CIB file or the live cluster.
 */
export async function runResourceAttribute(
  kind: 'param' | 'meta' | 'utilization',
  args: {resource: string; action: string; name: string; value?: string},
  flags: {cib?: string; socket?: string},
  print: (text: string) => void,
): Promise<void> {
  const edit = await import('../runtime/crm/admin/edit.js')
  if (args.action === 'get' || args.action === 'show') {
    const value = edit.getResourceAttribute(await readAdminCib(flags), args.resource, kind, args.name)
    if (value === undefined) throw new UserError(`${args.resource} has no ${kind} ${args.name}`, edit.EXIT_NO_SUCH_OBJECT)
    print(value)
    return
  }
  if (args.action === 'set' && args.value === undefined) throw new UserError('set needs a VALUE', 64)
  await runAdminEdit(flags, (cib) => (args.action === 'set' ? edit.setResourceAttribute(cib, args.resource, kind, args.name, args.value!) : edit.deleteResourceAttribute(cib, args.resource, kind, args.name)))
}

/** The positional arguments `crm node attribute|utilization` share. */
export const nodeAttributeArgs = {
  node: Args.string({description: 'node', required: true}),
  action: Args.string({description: 'set, delete or show', required: true, options: ['set', 'delete', 'show', 'get']}),
  name: Args.string({description: 'attribute name', required: true}),
  value: Args.string({description: 'value (set)'}),
}

/**
 * `crm node attribute|utilization NODE set|delete|show NAME [VALUE]`: show prints crm_attribute's
 * `scope=… name=… value=…` (exit 105 when unset); set and delete change the CIB file or the live
 * cluster. `lifetime` reboot (attributes only): the transient attribute in the status section.
 */
export async function runNodeAttribute(
  kind: 'attribute' | 'utilization',
  args: {node: string; action: string; name: string; value?: string},
  flags: {cib?: string; socket?: string; lifetime?: string},
  print: (text: string) => void,
): Promise<void> {
  const edit = await import('../runtime/crm/admin/edit.js')
  const lifetime = (flags.lifetime ?? 'forever') as 'forever' | 'reboot'
  const set = kind === 'attribute' ? 'instance_attributes' : 'utilization'
  if (args.action === 'show' || args.action === 'get') {
    const value = edit.getNodeAttribute(await readAdminCib(flags), args.node, args.name, lifetime, set)
    if (value === undefined) throw new UserError(`node ${args.node} has no ${kind} ${args.name}`, edit.EXIT_NO_SUCH_OBJECT)
    print(`scope=${lifetime === 'reboot' ? 'status' : 'nodes'}  name=${args.name} value=${value}`)
    return
  }
  if (args.action === 'set' && args.value === undefined) throw new UserError('set needs a VALUE', 64)
  await runAdminEdit(flags, (cib) => edit.setNodeAttribute(cib, args.node, args.name, args.action === 'set' ? args.value : undefined, lifetime, set))
}

export const CONFIGURE_HELP = `EXIT CODES
  0    committed (or nothing to change)
  1    refused (crmsh's ERROR: an id that exists, a member of another group, new verification errors, a running resource)
  2    the statement or the CIB cannot be read or parsed (file:line:column)
  102  no running cluster answers on the socket
  103  the CIB changed between reading and committing: nothing was changed, repeat the command
  124  --wait: the cluster did not settle before the deadline

ENVIRONMENT
  CIB_file          work on this CIB file instead of the running cluster
  HAKIT_CRM_SOCKET  the local daemon's socket`

/**
 * Splits a statement command's raw words into hakit's flags and the crm statement. oclif would
 * take a negative score (`-inf:`) for a flag and does not keep the order of repeated words, so
 * the statement is taken verbatim: everything that is not one of the command's flags.
 */
export function splitStatementArgv(raw: string[]): {flagArgs: string[]; words: string[]} {
  const flagArgs: string[] = []
  const words: string[] = []
  for (let i = 0; i < raw.length; i++) {
    const w = raw[i]!
    if (w === '--') {
      words.push(...raw.slice(i + 1))
      break
    }
    if (w === '--cib' || w === '--socket' || w === '--wait-timeout') flagArgs.push(w, raw[++i] ?? '')
    else if (/^--(cib|socket|wait-timeout)=/.test(w) || ['--force', '-F', '--wait', '--help', '-h'].includes(w)) flagArgs.push(w)
    else words.push(w)
  }
  return {flagArgs, words}
}

/** The help of the statements that merge NAME=VALUE pairs into a set: property, rsc_defaults, op_defaults. */
export function nvSetStatementDescription(what: string, keyword: string, defaultSetId: string): string {
  return `${what} (crm configure ${keyword}): the statement in crmsh's syntax, as \`crm configure ${keyword} [ID:] NAME=VALUE…\`.
The pairs are merged into the set with that id (default: crmsh's ${defaultSetId}); other pairs stay. The result is verified (new errors refuse the commit unless --force) and committed as one versioned change.

${CONFIGURE_HELP}`
}

/**
 * Base of the `crm configure KEYWORD …` statement commands: the statement is taken verbatim from
 * the command line (splitStatementArgv) and committed by runConfigureStatement. A subclass gives
 * its keyword, help texts and its statement argument's description.
 */
export abstract class ConfigureStatementCommand extends HakitCommand {
  /** crmsh's keyword that begins the statement (primitive, group, …, op_defaults). */
  static statement: string
  static override strict = false
  static override flags = configureFlags

  async run(): Promise<void> {
    const command = this.constructor as typeof ConfigureStatementCommand
    const {flagArgs, words} = splitStatementArgv(this.argv)
    // oclif's parse copies only a class's own static properties: name the inherited ones
    const {flags} = await this.parse({args: command.args, flags: command.flags, strict: command.strict}, flagArgs)
    await runConfigureStatement(flags, command.statement, words)
  }
}

/** `crm configure primitive|group|…|property …`: one statement from the command line. */
export async function runConfigureStatement(flags: {cib?: string; socket?: string; force?: boolean; wait?: boolean; 'wait-timeout'?: number}, kind: string, words: string[]): Promise<void> {
  if (words.length === 0) throw new UserError(`crm configure ${kind} needs a statement (see --help)`, 64)
  const {loadConfiguration, statementFromArgs} = await import('../runtime/crm/admin/configure.js')
  const text = `${kind} ${statementFromArgs(words)}\n`
  // the defaults statements merge into an existing set; objects are created
  const mode = kind === 'property' || kind === 'rsc_defaults' || kind === 'op_defaults' ? 'update' : 'create'
  await runAdminEdit(
    flags,
    (cib) => {
      const edit = loadConfiguration(cib, text, 'command line', mode)
      // crmsh 4.4.1 still writes <master>, and says so
      if (kind === 'ms' && words.length >= 2) edit.notes.unshift(`WARNING: "ms" is deprecated. Please use "clone ${words[0]} ${words[1]} meta promotable=true"`)
      return edit
    },
    {verify: true, force: flags.force},
  )
}

/** The resources active now (crmsh does not delete or rename a running resource; it checks only on a live cluster). */
export async function runningResources(cib: Cib, ids: string[]): Promise<Set<string>> {
  const {locateResource} = await import('../runtime/crm/admin/edit.js')
  const running = new Set<string>()
  for (const id of ids) {
    try {
      if ((await locateResource(cib, id)).length > 0) running.add(id)
    } catch {
      // not a resource (a constraint or a set)
    }
  }
  return running
}

/** crmsh's utils.ask: y/n on a terminal; without one the answer cannot be given, so refuse (exit 1). */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UserError(`${question} (stdin is not a terminal: use --force)`, 1)
  const {createInterface} = await import('node:readline/promises')
  const rl = createInterface({input: process.stdin, output: process.stderr})
  try {
    const answer = await rl.question(`${question} (y/n)? `)
    if (/^y(es)?$/i.test(answer.trim())) return true
    process.exitCode = 1
    return false
  } finally {
    rl.close()
  }
}
