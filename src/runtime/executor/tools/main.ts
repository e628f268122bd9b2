/**
 * hakit's own crm_attribute, crm_master, attrd_updater, crm_node,
 * crm_resource, cibadmin and crm_mon — the subset resource agents call —
 * run by the shims that the executor puts first on agents' PATH (and in
 * HA_SBIN_DIR). They read and write node attributes through the running CRM
 * daemon's socket when HAKIT_ATTRD_SOCKET names one (attrd then dampens and
 * replicates, as pacemaker-attrd does), else through the local file store
 * named by HAKIT_ATTRIBUTE_STORE; output formats and exit codes are
 * Pacemaker 2.1.5's. See docs/executor.md for the list.
 *
 * Usage: main.js TOOL [ARGS...]
 */
import {hostname} from 'node:os'
import {FileAttributeStore} from '../attribute-store.js'
import type {AttributeEntry, AttributeLifetime, AttributeStore} from '../types.js'
import {attributeRequest} from '../../crm/socket.js'
import {intervalMs} from '../../scheduler/scores.js'
import {getopt, UsageError, type OptionSpec, type Parsed} from './getopt.js'

/** Pacemaker exit codes (crm_exit_t). */
const EXIT = {ok: 0, error: 1, usage: 64, unavailable: 69, notConnected: 102, noSuch: 105} as const

interface Io {
  out: (line: string) => void
  err: (line: string) => void
  env: NodeJS.ProcessEnv
}

function localNode(env: NodeJS.ProcessEnv): string {
  return env.HAKIT_NODE_NAME || hostname()
}

/** The CRM daemon's attrd, reached over its socket (what attrd_updater reaches over Pacemaker's IPC). */
class DaemonAttributeStore implements AttributeStore {
  constructor(private readonly socket: string) {}

  async get(node: string, name: string, lifetime: AttributeLifetime): Promise<string | undefined> {
    return (await attributeRequest(this.socket, {action: 'get', node, name, lifetime})).value
  }

  async set(node: string, name: string, value: string, lifetime: AttributeLifetime, dampenMs?: number): Promise<void> {
    await attributeRequest(this.socket, {action: 'set', node, name, value, lifetime, ...(dampenMs !== undefined ? {dampenMs} : {})})
  }

  async delete(node: string, name: string, lifetime: AttributeLifetime, dampenMs?: number): Promise<void> {
    await attributeRequest(this.socket, {action: 'delete', node, name, lifetime, ...(dampenMs !== undefined ? {dampenMs} : {})})
  }

  async list(node?: string): Promise<AttributeEntry[]> {
    return (await attributeRequest(this.socket, {action: 'list', ...(node !== undefined ? {node} : {})})).entries ?? []
  }
}

function store(env: NodeJS.ProcessEnv): AttributeStore {
  return env.HAKIT_ATTRD_SOCKET ? new DaemonAttributeStore(env.HAKIT_ATTRD_SOCKET) : new FileAttributeStore(env.HAKIT_ATTRIBUTE_STORE)
}

function str(parsed: Parsed, name: string): string | undefined {
  const v = parsed.options.get(name)
  return typeof v === 'string' ? v : undefined
}

const has = (parsed: Parsed, name: string) => parsed.options.has(name)

// ---------------------------------------------------------------------------
// crm_attribute (and crm_master, which is crm_attribute --promotion)

const CRM_ATTRIBUTE: OptionSpec[] = [
  {name: 'node', short: 'N', long: ['node'], arg: 'required'},
  {name: 'node', short: 'U', long: ['uname'], arg: 'required'},
  {name: 'name', short: 'n', long: ['name', 'attr-name'], arg: 'required'},
  {name: 'update', short: 'v', long: ['update', 'attr-value'], arg: 'required'},
  {name: 'query', short: 'G', long: ['query', 'get-value'], arg: 'none'},
  {name: 'delete', short: 'D', long: ['delete', 'delete-attr'], arg: 'none'},
  {name: 'lifetime', short: 'l', long: ['lifetime'], arg: 'required'},
  {name: 'type', short: 't', long: ['type'], arg: 'required'},
  {name: 'quiet', short: 'q', long: ['quiet'], arg: 'none'},
  {name: 'quiet', short: 'Q', arg: 'none'},
  {name: 'default', short: 'd', long: ['default'], arg: 'required'},
  {name: 'promotion', short: 'p', long: ['promotion'], arg: 'optional'},
  {name: 'id', short: 'i', long: ['id', 'attr-id'], arg: 'required'},
  {name: 'set', short: 's', long: ['set-name'], arg: 'required'},
  {name: 'resource', short: 'r', long: ['resource'], arg: 'required'},
  {name: 'verbose', short: 'V', long: ['verbose'], arg: 'none'},
  {name: 'utilization', short: 'z', long: ['utilization'], arg: 'none'},
  {name: 'version', short: '$', long: ['version'], arg: 'none'},
  {name: 'help', short: 'h', long: ['help'], arg: 'none'},
]

type Scope = 'status' | 'nodes' | 'crm_config'

async function crmAttribute(argv: string[], io: Io, tool = 'crm_attribute'): Promise<number> {
  const p = getopt(argv, CRM_ATTRIBUTE)
  if (has(p, 'help')) {
    io.out(`Usage: ${tool} -n NAME [-N NODE] [-l reboot|forever] [-G|-v VALUE|-D] [-q] [-d DEFAULT] [-p [RSC]]  (hakit subset)`)
    return EXIT.ok
  }
  if (has(p, 'version')) {
    io.out('Pacemaker 2.1.5 (hakit agent tools)')
    return EXIT.ok
  }
  let name = str(p, 'name')
  let lifetime = str(p, 'lifetime')
  const type = str(p, 'type')
  let node = str(p, 'node')
  if (has(p, 'promotion')) {
    // Promotion score: master-<resource>, transient unless told otherwise, on this node.
    const rsc = str(p, 'promotion') ?? str(p, 'resource') ?? io.env.OCF_RESOURCE_INSTANCE
    if (!rsc) {
      io.err(`${tool}: Error: Promotion score requires a resource (OCF_RESOURCE_INSTANCE is not set)`)
      return EXIT.usage
    }
    name = `master-${rsc}` // not stripped of :N (agents pass OCF_RESOURCE_INSTANCE, which anonymous clones get without it)
    lifetime ??= 'reboot'
  }
  if (!name) {
    io.err(`${tool}: Error: must specify attribute name`)
    return EXIT.usage
  }
  let scope: Scope
  if (type === 'status' || lifetime === 'reboot') scope = 'status'
  else if (type === 'nodes' || lifetime === 'forever' || (type === undefined && node !== undefined)) scope = 'nodes'
  else if (type === 'crm_config' || type === undefined) scope = 'crm_config'
  else {
    io.err(`${tool}: Error: unsupported type or lifetime "${type ?? lifetime}" (hakit supports status, nodes, crm_config)`)
    return EXIT.usage
  }
  if (scope !== 'crm_config') node ??= localNode(io.env)
  // Cluster properties live under a pseudo node in the local store.
  const where = scope === 'crm_config' ? '#cluster' : node!
  const life: AttributeLifetime = scope === 'status' ? 'reboot' : 'forever'
  const attrs = store(io.env)
  if (has(p, 'delete')) {
    const existed = (await attrs.get(where, name, life)) !== undefined
    await attrs.delete(where, name, life)
    if (existed && !has(p, 'quiet')) io.out(`Deleted ${scope} attribute: id=${nvpairId(scope, where, name, io.env)} name=${name}`)
    return EXIT.ok
  }
  const value = str(p, 'update')
  if (value !== undefined) {
    await attrs.set(where, name, value, life)
    return EXIT.ok
  }
  const current = (await attrs.get(where, name, life)) ?? str(p, 'default')
  if (current === undefined) {
    io.err(`${tool}: Error performing operation: No such device or address`)
    return EXIT.noSuch
  }
  io.out(has(p, 'quiet') ? current : `scope=${scope}  name=${name} value=${current}`)
  return EXIT.ok
}

/** The nvpair id Pacemaker would give the attribute (`status-1-foo`, `nodes-1-foo`, `cib-bootstrap-options-foo`; `:` and `#` become `.`). */
function nvpairId(scope: Scope, node: string, name: string, env: NodeJS.ProcessEnv): string {
  const safe = name.replace(/[:#]/g, '.')
  if (scope === 'crm_config') return `cib-bootstrap-options-${safe}`
  const id = node === localNode(env) ? env.HAKIT_NODE_ID || '1' : node
  return `${scope}-${id}-${safe}`
}

async function crmMaster(argv: string[], io: Io): Promise<number> {
  // Pacemaker's crm_master script: crm_attribute --promotion, lifetime forever unless -l says otherwise.
  const p = getopt(argv, CRM_ATTRIBUTE)
  const args = [`--promotion${str(p, 'resource') ? `=${str(p, 'resource')}` : ''}`]
  if (!has(p, 'lifetime')) args.push('--lifetime', 'forever')
  for (const [key, value] of p.options) {
    if (key === 'resource' || key === 'promotion') continue
    const spec = CRM_ATTRIBUTE.find((s) => s.name === key && s.long)!
    args.push(value === true ? `--${spec.long![0]}` : `--${spec.long![0]}=${value}`)
  }
  return crmAttribute(args, io) // messages say crm_attribute, as Pacemaker's crm_master script runs it
}

// ---------------------------------------------------------------------------
// attrd_updater

const ATTRD_UPDATER: OptionSpec[] = [
  {name: 'name', short: 'n', long: ['name'], arg: 'required'},
  {name: 'update', short: 'U', long: ['update'], arg: 'required'},
  {name: 'update', short: 'v', arg: 'required'},
  {name: 'both', short: 'B', long: ['update-both'], arg: 'required'},
  {name: 'delay-only', short: 'Y', long: ['update-delay'], arg: 'none'},
  {name: 'query', short: 'Q', long: ['query'], arg: 'none'},
  {name: 'delete', short: 'D', long: ['delete'], arg: 'none'},
  {name: 'refresh', short: 'R', long: ['refresh'], arg: 'none'},
  {name: 'delay', short: 'd', long: ['delay'], arg: 'required'},
  {name: 'set', short: 's', long: ['set'], arg: 'required'},
  {name: 'node', short: 'N', long: ['node'], arg: 'required'},
  {name: 'all', short: 'A', long: ['all'], arg: 'none'},
  {name: 'lifetime', short: 'l', long: ['lifetime'], arg: 'required'},
  {name: 'private', short: 'p', long: ['private'], arg: 'none'},
  {name: 'quiet', short: 'q', long: ['quiet'], arg: 'none'},
  {name: 'verbose', short: 'V', long: ['verbose'], arg: 'none'},
  {name: 'version', short: '$', long: ['version'], arg: 'none'},
  {name: 'help', short: 'h', long: ['help'], arg: 'none'},
]

async function attrdUpdater(argv: string[], io: Io): Promise<number> {
  const p = getopt(argv, ATTRD_UPDATER)
  if (has(p, 'help')) {
    io.out('Usage: attrd_updater -n NAME (-U VALUE|-B VALUE -d DELAY|-Y -d DELAY|-Q [-A]|-D|-R) [-N NODE]  (hakit subset)')
    return EXIT.ok
  }
  if (has(p, 'refresh')) return EXIT.ok
  const name = str(p, 'name')
  if (!name) {
    io.err('attrd_updater: Error: --name must be specified')
    return EXIT.usage
  }
  const attrs = store(io.env)
  if (has(p, 'query')) {
    const entries = (await attrs.list()).filter((e) => e.lifetime === 'reboot' && e.name === name && (has(p, 'all') || e.node === (str(p, 'node') ?? localNode(io.env))))
    if (entries.length === 0) {
      io.err(`attrd_updater: Could not query value of ${name}: attribute does not exist`)
      return EXIT.noSuch
    }
    for (const e of entries) io.out(`name="${e.name}" host="${e.node}" value="${e.value}"`)
    return EXIT.ok
  }
  const node = str(p, 'node') ?? localNode(io.env)
  const value = str(p, 'update') ?? str(p, 'both')
  // -d: the write delay (crm_get_msec: a bare number is seconds)
  const delay = str(p, 'delay')
  const dampenMs = delay === undefined ? undefined : intervalMs(delay)
  if (delay !== undefined && dampenMs === undefined) {
    io.err(`attrd_updater: Error: invalid delay "${delay}"`)
    return EXIT.usage
  }
  if (has(p, 'delete') || value === '') {
    await attrs.delete(node, name, 'reboot', dampenMs)
    return EXIT.ok
  }
  if (value !== undefined) {
    await attrs.set(node, name, value, 'reboot', dampenMs)
    return EXIT.ok
  }
  if (has(p, 'delay-only')) {
    // -Y: only the delay changes; attrd keeps the value (nothing to do without one)
    const current = await attrs.get(node, name, 'reboot')
    if (current !== undefined && dampenMs !== undefined) await attrs.set(node, name, current, 'reboot', dampenMs)
    return EXIT.ok
  }
  io.err('attrd_updater: Error: must specify a command (-U, -B, -Y, -Q, -D or -R)')
  return EXIT.usage
}

// ---------------------------------------------------------------------------
// crm_node

const CRM_NODE: OptionSpec[] = [
  {name: 'name', short: 'n', long: ['name'], arg: 'none'},
  {name: 'name-for-id', short: 'N', long: ['name-for-id'], arg: 'required'},
  {name: 'id', short: 'i', long: ['cluster-id'], arg: 'none'},
  {name: 'list', short: 'l', long: ['list'], arg: 'none'},
  {name: 'partition', short: 'p', long: ['partition'], arg: 'none'},
  {name: 'quorum', short: 'q', long: ['quorum'], arg: 'none'},
  {name: 'force', short: 'f', long: ['force'], arg: 'none'},
  {name: 'remove', short: 'R', long: ['remove'], arg: 'required'},
  {name: 'verbose', short: 'V', long: ['verbose'], arg: 'none'},
  {name: 'version', short: '$', long: ['version'], arg: 'none'},
  {name: 'help', short: 'h', long: ['help'], arg: 'none'},
]

/** The cluster's members: HAKIT_CLUSTER_NODES ("1:n1 2:n2", set by the CRM daemon), else this node alone. */
function members(env: NodeJS.ProcessEnv): {id: string; name: string}[] {
  const listed = (env.HAKIT_CLUSTER_NODES ?? '').split(/[\s,]+/).filter(Boolean).map((entry) => {
    const at = entry.indexOf(':')
    return {id: entry.slice(0, at), name: entry.slice(at + 1)}
  }).filter((m) => m.id !== '' && m.name !== '')
  return listed.length > 0 ? listed : [{id: env.HAKIT_NODE_ID || '1', name: localNode(env)}]
}

function crmNode(argv: string[], io: Io): number {
  const p = getopt(argv, CRM_NODE)
  const name = localNode(io.env)
  const id = io.env.HAKIT_NODE_ID || '1'
  const nodes = members(io.env)
  if (has(p, 'help')) io.out('Usage: crm_node -n|-i|-l|-p|-q|-N ID  (hakit subset)')
  else if (has(p, 'id')) io.out(id)
  else if (has(p, 'list')) for (const m of nodes) io.out(`${m.id} ${m.name} member`)
  else if (has(p, 'partition')) io.out(nodes.map((m) => `${m.name} `).join(''))
  else if (has(p, 'quorum')) io.out('1')
  else if (str(p, 'name-for-id') !== undefined) {
    const member = nodes.find((m) => m.id === str(p, 'name-for-id'))
    if (!member) {
      io.err(`crm_node: Could not find node with ID ${str(p, 'name-for-id')}`)
      return EXIT.noSuch
    }
    io.out(member.name)
  } else if (has(p, 'remove')) {
    io.err('crm_node: node removal needs the cluster (not available to agents run by hakit)')
    return EXIT.notConnected
  } else io.out(name) // -n, and the default
  return EXIT.ok
}

// ---------------------------------------------------------------------------
// crm_resource, cibadmin, crm_mon: no cluster to ask when agents run outside the CRM daemon.

function notConnected(tool: string, io: Io): number {
  io.err(`${tool}: Could not connect to the CIB: Transport endpoint is not connected (hakit: no cluster; only node attributes are available to agents here)`)
  return EXIT.notConnected
}

const TOOLS: Record<string, (argv: string[], io: Io) => number | Promise<number>> = {
  crm_attribute: (argv, io) => crmAttribute(argv, io),
  crm_master: crmMaster,
  attrd_updater: attrdUpdater,
  crm_node: crmNode,
  crm_resource: (_argv, io) => notConnected('crm_resource', io),
  cibadmin: (_argv, io) => notConnected('cibadmin', io),
  crm_mon: (_argv, io) => notConnected('crm_mon', io),
}

export const AGENT_TOOLS = Object.keys(TOOLS)

/** Runs one tool; resolves with its exit code. */
export async function runTool(tool: string, argv: string[], io: Io): Promise<number> {
  const impl = TOOLS[tool]
  if (!impl) {
    io.err(`hakit agent tools: unknown tool "${tool}"`)
    return EXIT.usage
  }
  try {
    return await impl(argv, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${tool}: ${error.message}`)
      return EXIT.usage
    }
    io.err(`${tool}: ${(error as Error).message}`)
    return EXIT.error
  }
}

const isMain = process.argv[1] !== undefined && /[\\/]tools[\\/]main\.(js|ts)$/.test(process.argv[1])
if (isMain) {
  const [tool, ...argv] = process.argv.slice(2)
  void runTool(tool ?? '', argv, {
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
    env: process.env,
  }).then((code) => (process.exitCode = code))
}
