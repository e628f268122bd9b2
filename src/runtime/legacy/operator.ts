/**
 * The operator protocol of `hakit run --legacy`: a unix stream socket in the
 * state directory (mode 0600) carrying one JSON request line and one JSON
 * reply line per connection. It backs `hakit standby`, `hakit takeover`
 * (hb_standby / hb_takeover) and `hakit status` (an overview, `--json`, and
 * the cl_status sub-commands, rendered here from the daemon's status report
 * with cl_status's wording and exit codes).
 */
import {createConnection, type Server} from 'node:net'
import {join} from 'node:path'
import type {FailoverSnapshot} from './failover.js'
import {listenLineSocket} from '../line-socket.js'

export const SOCKET_NAME = 'hakit-legacy.sock'
/**
 * Where operator commands look when not told: a fixed path under /run, so
 * `hakit standby` works without flags (also inside hblab's node namespaces,
 * where /run is private to the node). The daemon listens here and in its state dir.
 */
export const DEFAULT_SOCKET = '/run/hakit/legacy.sock'
const MAX_REQUEST = 64 * 1024

export function operatorSocketPath(stateDir: string): string {
  return join(stateDir, SOCKET_NAME)
}

/** Client side: `--socket`, else $HAKIT_LEGACY_SOCKET, else `--state-dir`'s socket, else DEFAULT_SOCKET. */
export function resolveSocketPath(options: {socket?: string; stateDir?: string; env?: NodeJS.ProcessEnv} = {}): string {
  const env = options.env ?? process.env
  return options.socket ?? env.HAKIT_LEGACY_SOCKET ?? (options.stateDir ? operatorSocketPath(options.stateDir) : DEFAULT_SOCKET)
}

export type OperatorRequest = {cmd: 'standby' | 'takeover'; which: string} | {cmd: 'status'} | {cmd: 'detach'} | {cmd: 'attach'}

export interface OperatorReply {
  ok: boolean
  message: string
}

export interface NodeReport {
  name: string
  type: 'normal' | 'ping'
  status: 'active' | 'up' | 'dead' | 'ping' | 'init'
  weight?: number
  site?: string
  links: Array<{name: string; status: 'up' | 'dead'}>
}

/** What the daemon tells `hakit status`: enough for every cl_status sub-command and the overview. */
export interface StatusReport {
  node: string
  version: string
  /** The daemon's PID (hakit cutover stops a detached daemon by PID). */
  pid?: number
  /** Node order as in ha.cf (cl_status listnodes prints it reversed). */
  nodes: NodeReport[]
  rscstatus: FailoverSnapshot['rscstatus']
  /** API clients known per node (respawned clients such as ipfail). */
  clients: Array<{node: string; name: string; status: 'online' | 'offline' | 'join' | 'leave'}>
  /** ha.cf values as written, plus applied defaults (cl_status hbparameter). */
  parameters: Record<string, string>
  failover?: FailoverSnapshot
  /** Packet counters of the membership layer: what was received, accepted, and dropped per reason. */
  messaging?: MessagingReport
}

export interface MessagingReport {
  sent: number
  received: number
  accepted: number
  retransmitted: number
  rexmitRequests: number
  /** Dropped packets per reason (malformed, bad-signature, replay, stale-generation, dead-node, ...). */
  rejected: Record<string, number>
}

export interface OperatorBackend {
  standby(which: string): OperatorReply | Promise<OperatorReply>
  takeover(which: string): OperatorReply | Promise<OperatorReply>
  status(): StatusReport | Promise<StatusReport>
  /** `hakit detach` (cut-over): stop managing resources, leave them running. Optional: older backends lack it. */
  detach?(): OperatorReply | Promise<OperatorReply>
  /** `hakit attach`: undo detach. */
  attach?(): OperatorReply | Promise<OperatorReply>
}

type Wire = {ok: true; reply?: OperatorReply; status?: StatusReport} | {ok: false; error: string}

/**
 * Listens on `socketPath`. A stale socket file is replaced; a socket that a
 * running daemon still answers on is an error (two daemons on one state dir).
 */
export function startOperatorServer(socketPath: string, backend: OperatorBackend): Promise<Server> {
  // a directory created here is the daemon's alone
  return listenLineSocket(socketPath, {dirMode: 0o700, idleTimeoutMs: 10_000, maxRequest: MAX_REQUEST}, (line) => answer(line, backend))
}

async function answer(line: string, backend: OperatorBackend): Promise<Wire> {
  let request: OperatorRequest
  try {
    request = JSON.parse(line) as OperatorRequest
  } catch {
    return {ok: false, error: 'malformed request'}
  }
  switch (request?.cmd) {
    case 'standby': return {ok: true, reply: await backend.standby(String(request.which ?? 'all'))}
    case 'takeover': return {ok: true, reply: await backend.takeover(String(request.which ?? 'all'))}
    case 'status': return {ok: true, status: await backend.status()}
    case 'detach': return backend.detach ? {ok: true, reply: await backend.detach()} : {ok: false, error: 'this daemon cannot detach'}
    case 'attach': return backend.attach ? {ok: true, reply: await backend.attach()} : {ok: false, error: 'this daemon cannot attach'}
    default: return {ok: false, error: 'unknown request'}
  }
}

export class DaemonNotRunning extends Error {}

/** Client side: one request, one reply. Rejects with DaemonNotRunning when nothing listens. */
export function operatorRequest(socketPath: string, request: OperatorRequest, timeoutMs = 5000): Promise<Wire> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath)
    let data = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer from the hakit daemon on ${socketPath} within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.setEncoding('utf8')
    socket.once('connect', () => socket.write(`${JSON.stringify(request)}\n`))
    socket.on('data', (chunk: string) => {
      data += chunk
    })
    socket.once('end', () => {
      clearTimeout(timer)
      try {
        resolve(JSON.parse(data) as Wire)
      } catch {
        reject(new Error(`malformed answer from the hakit daemon on ${socketPath}`))
      }
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') reject(new DaemonNotRunning(`hakit is not running (no daemon on ${socketPath})`))
      else reject(error)
    })
  })
}

export interface CommandOutput {
  stdout: string
  stderr: string
  exitCode: number
}

/** `hakit standby [all|local|foreign|failback]` / `hakit takeover [...]`, with hb_standby's argument checks. */
export async function runStandbyCommand(socketPath: string, cmd: 'standby' | 'takeover', args: string[]): Promise<CommandOutput> {
  const usage = `usage:\nhakit ${cmd} [all|foreign|local|failback]\n`
  if (args.length > 1) return {stdout: '', stderr: `hakit ${cmd}: too many arguments\n${usage}`, exitCode: 1}
  const which = args[0] ?? 'all'
  if (!['all', 'local', 'foreign', 'failback'].includes(which)) return {stdout: '', stderr: `hakit ${cmd}: wrong resources(${which}).\n${usage}`, exitCode: 1}
  try {
    const wire = await operatorRequest(socketPath, {cmd, which})
    if (!wire.ok) return {stdout: '', stderr: `hakit ${cmd}: ${wire.error}\n`, exitCode: 1}
    const reply = wire.reply!
    return reply.ok ? {stdout: `${reply.message}\n`, stderr: '', exitCode: 0} : {stdout: '', stderr: `hakit ${cmd}: ${reply.message}\n`, exitCode: 1}
  } catch (error) {
    return {stdout: '', stderr: `hakit ${cmd}: ${(error as Error).message}\n`, exitCode: 1}
  }
}

/** `hakit detach` (the daemon stops managing resources and leaves them running: the cut-over to Pacemaker) and `hakit attach` (undo). */
export async function runDetachCommand(socketPath: string, cmd: 'detach' | 'attach' = 'detach'): Promise<CommandOutput> {
  try {
    const wire = await operatorRequest(socketPath, {cmd})
    if (!wire.ok) return {stdout: '', stderr: `hakit ${cmd}: ${wire.error}\n`, exitCode: 1}
    const reply = wire.reply!
    return reply.ok ? {stdout: `${reply.message}\n`, stderr: '', exitCode: 0} : {stdout: '', stderr: `hakit ${cmd}: ${reply.message}\n`, exitCode: 1}
  } catch (error) {
    return {stdout: '', stderr: `hakit ${cmd}: ${(error as Error).message}\n`, exitCode: 1}
  }
}

/**
 * `hakit status [--json]` (overview) and `hakit status <cl_status sub-command> ...`.
 * A daemon that is not running gives cl_status's answers for that case.
 */
export async function runStatusCommand(socketPath: string, args: string[], options: {json?: boolean} = {}): Promise<CommandOutput> {
  let status: StatusReport | undefined
  let reason = ''
  try {
    const wire = await operatorRequest(socketPath, {cmd: 'status'})
    if (wire.ok) status = wire.status
    else reason = wire.error
  } catch (error) {
    reason = (error as Error).message
  }
  if (args.length === 0) {
    if (!status) return {stdout: '', stderr: `hakit status: ${reason}\n`, exitCode: 3}
    return {stdout: options.json ? `${JSON.stringify(status, null, 2)}\n` : renderOverview(status), stderr: '', exitCode: 0}
  }
  return clStatus(args, status, reason)
}

/** A readable overview of the daemon's view. */
export function renderOverview(status: StatusReport): string {
  const lines = [`hakit legacy runtime on ${status.node} (${status.version}), resources held here: ${status.rscstatus}`, '', 'Nodes:']
  for (const node of status.nodes) {
    const links = node.links.map((l) => `${l.name} ${l.status}`).join(', ')
    const me = node.name === status.node ? ' (this node)' : ''
    const impl = status.failover?.peers.find((p) => p.node === node.name)?.impl
    lines.push(`  ${node.name.padEnd(16)} ${node.status.padEnd(7)} ${node.type}${impl ? `, ${impl}` : ''}${me}${links ? `  links: ${links}` : ''}`)
  }
  if (status.failover) {
    lines.push('', 'Resource groups:')
    for (const g of status.failover.groups) {
      const held = g.heldBy.length ? g.heldBy.join(' + ') : 'nobody'
      const flags = [g.state !== 'held' && g.state !== 'stopped' ? g.state : '', g.failedHere ? 'failed to start here' : '', g.heldBy.length > 1 ? 'HELD TWICE' : ''].filter(Boolean)
      lines.push(`  ${g.key}  (owner ${g.owner})  held by ${held}${flags.length ? `  [${flags.join(', ')}]` : ''}`)
    }
    lines.push('', `auto_failback ${status.failover.autoFailback}; standby: ${status.failover.standby}`)
    if (status.failover.phase === 'detached') lines.push('DETACHED (hakit detach): resources are left as they are; stopping the daemon leaves them running.')
  }
  if (status.messaging) {
    const m = status.messaging
    const dropped = Object.entries(m.rejected).filter(([, n]) => n > 0)
    const total = dropped.reduce((sum, [, n]) => sum + n, 0)
    lines.push('', `Packets: ${m.received} received, ${m.accepted} accepted, ${total} dropped; ${m.sent} sent, ${m.retransmitted} retransmitted`)
    lines.push(`  dropped by reason: ${dropped.length ? dropped.map(([reason, n]) => `${reason} ${n}`).join(', ') : 'none'}`)
  }
  return `${lines.join('\n')}\n`
}

const CL_USAGE = `Usage: hakit status <sub-command> [<options>] [<parameters>]
Sub-commands (cl_status):
  hbstatus [-v]                    Is the cluster daemon running on this node?
  listnodes [-p|-n] [-v]           List the cluster nodes (-p ping, -n normal)
  nodestatus <node>                active, up, dead, ping or init
  nodetype <node>                  normal or ping
  nodeweight <node>
  nodesite <node>
  listhblinks [-v] <node>          The heartbeat links of a node
  hblinkstatus <node> <link>       up or dead
  clientstatus <node> <client> [<timeout>]
  rscstatus                        none, local, foreign, all or transition
  hbparameter -p <name>            A ha.cf parameter's value
Options: -m  human-readable output
`

/** cl_status, rendered from a status report (`undefined`: the daemon is not running). */
export function clStatus(args: string[], status: StatusReport | undefined, reason = 'hakit is not running'): CommandOutput {
  const [sub, ...rest] = args
  if (sub === undefined || sub === '-h' || sub === '--help') return {stdout: CL_USAGE, stderr: '', exitCode: 0}
  const flags = new Set<string>()
  const params: string[] = []
  let pname: string | undefined
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!
    if (arg === '-p' && sub === 'hbparameter') pname = rest[++i]
    else if (/^-[a-z]+$/.test(arg)) for (const c of arg.slice(1)) flags.add(c)
    else params.push(arg)
  }
  const human = flags.has('m')
  const out = (text: string, exitCode = 0): CommandOutput => ({stdout: text ? `${text}\n` : '', stderr: '', exitCode})
  const err = (text: string, exitCode: number): CommandOutput => ({stdout: '', stderr: `${text}\n`, exitCode})
  const known = ['hbstatus', 'listnodes', 'nodestatus', 'nodetype', 'nodeweight', 'nodesite', 'listhblinks', 'hblinkstatus', 'clientstatus', 'rscstatus', 'hbparameter']
  if (!known.includes(sub)) return err(`ERROR: ${sub}: invalid sub-command.`, 11)
  if (sub === 'hbstatus' && !status) return out('Heartbeat is stopped on this machine.', 1)
  if (!status) return err(`ERROR: Cannot signon with heartbeat\nREASON: ${reason}`, 1)
  const node = (name: string | undefined) => status.nodes.find((n) => n.name === name?.toLowerCase())
  const needNode = (count: number, message: string) => (params.length < count ? err(message, 11) : undefined)

  switch (sub) {
    case 'hbstatus': {
      if (!flags.has('v')) return out('Heartbeat is running on this machine.')
      const head = human ? [`Heartbeat version ${status.version}`, 'Resources controlled by "haresources"'] : [`version:\t${status.version}`, 'managed by:\t"haresources"']
      return out([...head, listNodesVerbose(status, true, true)].join('\n'))
    }
    case 'listnodes': {
      const ping = flags.has('p')
      const normal = flags.has('n')
      const all = ping === normal
      if (flags.has('v')) return out(`${human ? 'The nodes are as follow:\n' : ''}${listNodesVerbose(status, all || normal, all || ping)}`)
      const names = [...status.nodes].reverse().filter((n) => all || (ping ? n.type === 'ping' : n.type === 'normal')).map((n) => n.name)
      return out([...(human ? ['The nodes are as follow:'] : []), ...names].join('\n'))
    }
    case 'nodestatus':
    case 'nodetype':
    case 'nodeweight':
    case 'nodesite': {
      const missing = needNode(1, 'Not enough parameters.')
      if (missing) return missing
      const n = node(params[0])
      if (!n) return err('Error. May be due to incorrect node name', 11)
      if (sub === 'nodestatus') return out(human ? `The cluster node ${n.name} is ${n.status}` : n.status, ['active', 'up', 'ping'].includes(n.status) ? 0 : 1)
      if (sub === 'nodetype') return out(human ? `The node ${n.name}'s type: ${n.type}` : n.type)
      if (sub === 'nodeweight') return out(human ? `The weight of the cluster node ${n.name} is ${n.weight ?? 100}` : String(n.weight ?? 100))
      return out(human ? `The site of the cluster node ${n.name} is ${n.site ?? ''}` : (n.site ?? ''))
    }
    case 'listhblinks': {
      const missing = needNode(1, 'No enough parameter.')
      if (missing) return missing
      const n = node(params[0])
      if (!n) return err('ERROR: Cannot start heartbeat link interface walk.\nREASON: EINVAL', 13)
      const lines = n.links.map((l) => (flags.has('v') ? `\t${l.name}\t${l.status}` : `\t${l.name}`))
      return out([...(human ? ['\tthis node has the following heartbeat links:'] : []), ...lines].join('\n'))
    }
    case 'hblinkstatus': {
      const missing = needNode(2, 'No enough parameter.')
      if (missing) return missing
      const link = node(params[0])?.links.find((l) => l.name === params[1])
      if (!link) return err('ERROR: Cannot get heartbeat link status', 13)
      return out(human ? `The node ${params[0]}'s heartbeat link ${link.name} is ${link.status}` : link.status, link.status === 'up' ? 0 : 1)
    }
    case 'clientstatus': {
      const missing = needNode(2, 'No enough parameter.')
      if (missing) return missing
      const client = status.clients.find((c) => c.node === params[0]?.toLowerCase() && c.name === params[1])
      const n = node(params[0])
      if (!n || (n.status === 'dead' && !client)) return err('REASON: No timely response.', 13)
      const state = client?.status ?? 'offline'
      return out(state, {online: 0, offline: 1, join: 2, leave: 3}[state])
    }
    case 'rscstatus':
      return out(human ? `This node is holding ${status.rscstatus} resources.` : status.rscstatus)
    case 'hbparameter': {
      if (pname === undefined) return err('No enough parameter.', 11)
      const value = pname === 'hbversion' ? status.version : status.parameters[pname]
      if (value === undefined) return err(`ERROR: Cannot get parameter ${pname}'s value`, 1)
      return out(human ? `Heartbeat parameter ${pname}'s value: ${value}` : value)
    }
  }
  return err(`ERROR: ${sub}: invalid sub-command.`, 11)
}

function listNodesVerbose(status: StatusReport, normal: boolean, ping: boolean): string {
  const blocks: string[] = []
  for (const n of [...status.nodes].reverse()) {
    if ((n.type === 'normal' && !normal) || (n.type === 'ping' && !ping)) continue
    blocks.push('', `${n.name}\t${n.status}\t(nodetype: ${n.type})`, ...n.links.map((l) => `\t${l.name}\t${l.status}`))
  }
  return blocks.join('\n')
}
