/**
 * `hakit cutover`: from `hakit run --legacy` to `hakit run --crm` on the same
 * nodes and the same /etc/ha.d, one node at a time, without stopping a
 * resource (docs/cutover.md, "To hakit's CRM runtime").
 *
 * The two daemons never manage the same resources: every legacy daemon is
 * detached first (it then starts, stops and takes over nothing), and the CRM
 * daemons start from the converted CIB with maintenance-mode=true, so their
 * probes only record where things run. The CRM daemon counts only nodes that
 * speak its protocol as members, so a node still running the (detached)
 * legacy daemon is neither a member nor a node to recover. When every node
 * runs the CRM daemon, `finish` checks with the scheduler that switching
 * maintenance off starts, stops and moves nothing, and only then switches it
 * off: the CRM cluster manages the resources where they run.
 *
 * Rollback (`switchNodeToLegacy`, one node at a time): maintenance-mode=true,
 * the CRM daemon stopped (in maintenance it stops no resource on the way
 * out), the legacy daemon started detached (it holds what it finds running
 * here and takes nothing over, even from a peer that runs no legacy daemon
 * yet); then `hakit attach` on every node.
 */
import {spawn} from 'node:child_process'
import {rm} from 'node:fs/promises'
import {join} from 'node:path'
import {UserError} from '../../core/errors.js'
import {writeFileAtomic} from '../../core/atomic-write.js'
import type {Cib} from '../../formats/cib/model.js'
import {parseCibXml} from '../../formats/cib/xml.js'
import {applyCibOp, clusterOption, ctimeString, normalizeCib} from '../crm/cib-ops.js'
import {CibStore} from '../crm/cib-store.js'
import {crmSocketPath, crmStatus, queryLiveCibXml, submitCibChange, type CrmStatus} from '../crm/socket.js'
import {START_DETACHED_MARKER} from '../legacy/daemon/daemon.js'
import {DaemonNotRunning, operatorRequest, operatorSocketPath, type StatusReport} from '../legacy/operator.js'
import {schedule} from '../scheduler/index.js'

export interface CutoverOptions {
  configDir: string
  stateDir: string
  /** The legacy daemon's operator socket (default STATE_DIR/hakit-legacy.sock). */
  legacySocket?: string
  /** The CRM daemon's socket (default STATE_DIR/hakit-crm.sock). */
  crmSocket?: string
  /** Shell command that starts the CRM daemon (default `systemctl start hakit-crm.service`). */
  startCommand?: string
  /** Shell command that starts the legacy daemon (rollback; default `systemctl start hakit-legacy.service`). */
  startLegacyCommand?: string
  /** How long to wait for a daemon to stop, start, or for the probes (ms). */
  waitMs?: number
  /** The CIB to start the CRM from (XML or crm syntax) instead of haresources converted: an edited conversion. */
  cibFile?: string
}

export const DEFAULT_START_CRM = 'systemctl start hakit-crm.service'
export const DEFAULT_START_LEGACY = 'systemctl start hakit-legacy.service'
const DEFAULT_WAIT_MS = 120_000

type Say = (line: string) => void

const legacySocketOf = (o: CutoverOptions): string => o.legacySocket ?? operatorSocketPath(o.stateDir)
const crmSocketOf = (o: CutoverOptions): string => o.crmSocket ?? crmSocketPath(o.stateDir)

async function legacyStatus(socket: string): Promise<StatusReport | undefined> {
  try {
    const wire = await operatorRequest(socket, {cmd: 'status'})
    if (!wire.ok) throw new UserError(`the legacy daemon on ${socket} refused the status request: ${wire.error}`, 1)
    return wire.status
  } catch (error) {
    if (error instanceof DaemonNotRunning) return undefined
    throw error
  }
}

async function crmStatusOrUndefined(socket: string): Promise<CrmStatus | undefined> {
  try {
    return await crmStatus(socket)
  } catch {
    return undefined
  }
}

async function poll<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new UserError(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`, 1)
    await new Promise((r) => setTimeout(r, 250))
  }
}

function runShell(command: string): Promise<{code: number; output: string}> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], {stdio: ['ignore', 'pipe', 'pipe']})
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.on('error', (error) => resolve({code: 127, output: error.message}))
    child.on('close', (code) => resolve({code: code ?? 1, output: output.trim()}))
  })
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** haresources converted as `run --crm` converts it at a first start (or `cibFile`), with maintenance-mode=true. */
export async function maintenanceCib(configDir: string, cibFile?: string): Promise<{cib: Cib; warnings: string[]}> {
  if (cibFile) {
    const {loadCib} = await import('../../cib/sources.js')
    const cib: Cib = {...normalizeCib((await loadCib(cibFile)).cib), status: []}
    applyCibOp(cib, {op: 'set-cluster-options', options: {'maintenance-mode': 'true'}}, {origin: 'hakit-cutover', client: 'hakit-cutover', time: ctimeString(Date.now())})
    return {cib, warnings: []}
  }
  const {convertBundle} = await import('../../converters/bundle.js')
  const {legacyPaths, loadLegacy} = await import('../../converters/load.js')
  const {formatFinding} = await import('../legacy/daemon/config.js')
  const bundle = convertBundle(await loadLegacy(await legacyPaths(configDir)))
  const errors = bundle.findings.filter((f) => f.severity === 'error')
  if (errors.length > 0) {
    throw new UserError(`the conversion of ${configDir} has errors; fix them first (hakit convert all ${configDir}):\n${errors.map(formatFinding).join('\n')}`, 1)
  }
  const cib: Cib = {...normalizeCib(bundle.cib), status: []}
  applyCibOp(cib, {op: 'set-cluster-options', options: {'maintenance-mode': 'true'}}, {origin: 'hakit-cutover', client: 'hakit-cutover', time: ctimeString(Date.now())})
  return {cib, warnings: bundle.findings.filter((f) => f.severity === 'warning').map(formatFinding)}
}

/** What the legacy daemon holds on this node, for the log: group keys. */
function heldHere(status: StatusReport): string[] {
  return (status.failover?.groups ?? []).filter((g) => g.state === 'held').map((g) => g.key)
}

/**
 * Switches this node from the (detached) legacy daemon to the CRM daemon:
 * writes the maintenance-mode CIB as the CRM daemon's first CIB, stops the
 * legacy daemon (detached: it leaves every group running), starts the CRM
 * daemon and waits until it has joined a cluster with a DC and probed.
 */
export async function switchNodeToCrm(options: CutoverOptions, say: Say): Promise<void> {
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS
  const legacySocket = legacySocketOf(options)
  const crmSocket = crmSocketOf(options)
  const legacy = await legacyStatus(legacySocket)
  if (!legacy) {
    const crm = await crmStatusOrUndefined(crmSocket)
    if (crm) {
      say(`${crm.node}: already runs the CRM daemon (${crm.state}${crm.dc ? `, DC ${crm.dc}` : ''}); nothing to do`)
      return
    }
    throw new UserError(`no hakit run --legacy daemon answers on ${legacySocket}, and no CRM daemon on ${crmSocket}: nothing to cut over on this node`, 1)
  }
  const phase = legacy.failover?.phase
  if (phase !== 'detached') {
    throw new UserError(`the legacy daemon on ${legacy.node} is not detached (${phase ?? 'unknown'}): run "hakit detach" on EVERY node first, then "hakit cutover --to crm" on one node at a time (a node that is not detached takes over the groups of a node that switches)`, 1)
  }
  // a live peer whose legacy daemon still manages would take over what this node leaves running
  const managing = (legacy.failover?.peers ?? []).filter((p) => (p.status === 'up' || p.status === 'active') && p.detached === false)
  if (managing.length > 0) {
    throw new UserError(`${managing.map((p) => p.node).join(', ')} still ${managing.length > 1 ? 'run legacy daemons that manage' : 'runs a legacy daemon that manages'} resources: run "hakit detach" there first (it would take over the groups of this node when it switches)`, 1)
  }
  if (legacy.pid === undefined) throw new UserError(`the legacy daemon on ${legacySocket} does not report its PID (an older hakit): stop it with systemctl stop hakit-legacy, then start hakit-crm`, 1)
  say(`${legacy.node}: the legacy daemon (PID ${legacy.pid}) is detached; it holds ${heldHere(legacy).join(', ') || 'no group'}`)

  // the CRM daemon's first CIB: converted, with maintenance-mode=true, so its probes only record where things run
  const store = new CibStore(join(options.stateDir, 'cib'))
  if (await store.exists()) {
    const loaded = await store.load()
    if (clusterOption(loaded.cib, 'maintenance-mode') !== 'true') {
      throw new UserError(`${store.dir} already holds a CIB without maintenance-mode=true (this node ran the CRM runtime before): the CRM daemon would start from it and could start or stop resources. Move it away first`, 1)
    }
    say(`${legacy.node}: ${store.file} already holds a maintenance-mode CIB (an earlier try); keeping it`)
  } else {
    const {cib, warnings} = await maintenanceCib(options.configDir, options.cibFile)
    for (const w of warnings) say(`convert: ${w}`)
    await store.write(cib, new Date().toString())
    say(`${legacy.node}: wrote ${store.file}: ${cib.resources.length} resource(s) ${options.cibFile ? `from ${options.cibFile}` : `converted from ${join(options.configDir, 'haresources')}`}, maintenance-mode=true`)
  }

  // the detached daemon leaves every group running and sends no shutdown notice
  process.kill(legacy.pid, 'SIGTERM')
  await poll(`the legacy daemon (PID ${legacy.pid}) to exit`, waitMs, async () => (pidAlive(legacy.pid!) ? undefined : true))
  say(`${legacy.node}: the legacy daemon has stopped; the resources keep running`)

  const command = options.startCommand ?? DEFAULT_START_CRM
  const started = await runShell(command)
  if (started.code !== 0) {
    throw new UserError(`"${command}" failed (exit ${started.code})${started.output ? `: ${started.output}` : ''}. Nothing was stopped: start the CRM daemon by hand (hakit run --crm), or go back with "hakit cutover --to legacy" (the legacy daemon starts detached and holds the running groups; "hakit attach" once every node is back)`, 1)
  }
  const stuck = (what: string) => (error: unknown): never => {
    throw new UserError(`${(error as Error).message}. ${what} The resources keep running, managed by nobody on this node: see the CRM daemon's log (ha.cf's logfile), or go back with "hakit cutover --to legacy"`, 1)
  }
  const crm = await poll(`the CRM daemon on ${crmSocket} to join a cluster with a DC`, waitMs, async () => {
    const s = await crmStatusOrUndefined(crmSocket)
    return s && (s.state === 'dc' || s.state === 'not-dc') && s.dc ? s : undefined
  }).catch(stuck(`"${command}" ran, but the CRM daemon did not join.`))
  say(`${crm.node}: the CRM daemon runs (${crm.state === 'dc' ? 'DC' : `DC is ${crm.dc}`}; members: ${crm.members.join(', ')}; maintenance-mode=true)`)
  const found = await poll(`the probes on ${crm.node}`, waitMs, async () => {
    const cib = parseCibXml(await queryLiveCibXml(crmSocket), 'live CIB')
    // probed: this node has joined (its node_state says member) and has a history entry for every resource
    const here = cib.status.find((ns) => ns.uname?.toLowerCase() === crm.node)
    if (here?.attributes.join !== 'member' || here.attributes.crmd !== 'online') return undefined
    const plan = schedule(cib)
    const recorded = new Set(here.lrmResources.map((r) => r.id))
    if (plan.placement.some((p) => !recorded.has(p.resource.replace(/:\d+$/, '')))) return undefined
    if (plan.actions.some((a) => a.task === 'monitor' && a.interval === 0 && a.node === crm.node && !a.pseudo)) return undefined
    return plan.placement.filter((p) => p.current === crm.node).map((p) => p.resource)
  }).catch(stuck('The CRM daemon runs, but its probes did not finish.'))
  say(`${crm.node}: the probes found running here: ${found.join(', ') || 'nothing'}`)
}

export interface Readiness {
  ready: boolean
  /** Why maintenance-mode cannot be switched off yet (empty when ready). */
  problems: string[]
  /** Where each resource runs now (the probes' result). */
  placement: Array<{resource: string; node: string | null}>
}

/**
 * Pure: may maintenance-mode be switched off without the CRM cluster
 * starting, stopping or moving anything? Every ha.cf node must be a CRM
 * member, every resource probed on every node, and the scheduler, given the
 * live CIB with maintenance off, must plan nothing but recurring monitors.
 */
export function cutoverReadiness(cib: Cib, nodes: readonly string[], members: readonly string[]): Readiness {
  const problems: string[] = []
  for (const n of nodes) if (!members.includes(n)) problems.push(`${n} is not a member of the CRM cluster yet (run hakit cutover --to crm there)`)
  if (clusterOption(cib, 'maintenance-mode') !== 'true') problems.push('maintenance-mode is not true: the cut-over was finished already, or not started by hakit cutover')
  const resources = schedule(cib).placement.map((p) => p.resource.replace(/:\d+$/, ''))
  for (const n of nodes) {
    if (!members.includes(n)) continue
    const ns = cib.status.find((s) => s.uname?.toLowerCase() === n)
    if (ns?.attributes.join !== 'member' || ns.attributes.crmd !== 'online') {
      problems.push(`${n} has not completed its join yet`)
      continue
    }
    const recorded = new Set(ns.lrmResources.map((r) => r.id))
    for (const r of new Set(resources)) if (!recorded.has(r)) problems.push(`${r} has not been probed on ${n} yet`)
  }
  const managed = structuredClone(cib)
  applyCibOp(managed, {op: 'set-cluster-options', options: {'maintenance-mode': 'false'}}, {origin: 'hakit-cutover', client: 'hakit-cutover', time: ctimeString(Date.now())})
  const plan = schedule(managed)
  for (const a of plan.actions) {
    const problem = `${a.resource} has not been probed on ${a.node} yet`
    if (a.task === 'monitor' && a.interval === 0 && !a.pseudo && !problems.includes(problem)) problems.push(problem)
  }
  for (const s of plan.summary) {
    const where = s.from && s.to && s.from !== s.to ? `from ${s.from} to ${s.to}` : `on ${s.to ?? s.node ?? s.from ?? '?'}`
    problems.push(`maintenance off would ${s.action.toLowerCase()} ${s.resource ?? 'the node'} ${where}${s.reason ? ` (${s.reason})` : ''}`)
  }
  const placement = schedule(cib).placement.map((p) => ({resource: p.resource, node: p.current}))
  return {ready: problems.length === 0, problems, placement}
}

/** The readiness of the live CRM cluster, from this node's CRM socket. */
export async function liveReadiness(options: CutoverOptions, nodes: readonly string[]): Promise<Readiness> {
  const socket = crmSocketOf(options)
  const status = await crmStatusOrUndefined(socket)
  if (!status) throw new UserError(`no CRM daemon answers on ${socket}: run "hakit cutover --to crm" on this node first`, 1)
  const cib = parseCibXml(await queryLiveCibXml(socket), 'live CIB')
  return cutoverReadiness(cib, nodes, status.members)
}

/** When every node runs the CRM daemon and nothing would move: maintenance-mode=false. */
export async function finishCutover(options: CutoverOptions, nodes: readonly string[], say: Say): Promise<Readiness> {
  const readiness = await liveReadiness(options, nodes)
  if (!readiness.ready) return readiness
  await submitCibChange(crmSocketOf(options), {op: 'set-cluster-options', options: {'maintenance-mode': 'false'}})
  say('maintenance-mode=false: the CRM cluster manages the resources where they run')
  return readiness
}

/**
 * Rollback on this node: maintenance-mode=true (the whole cluster), the CRM
 * daemon stopped (it stops nothing in maintenance), the legacy daemon started
 * detached (it holds the groups it finds running here, takes nothing over).
 */
export async function switchNodeToLegacy(options: CutoverOptions, say: Say): Promise<void> {
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS
  const crmSocket = crmSocketOf(options)
  const crm = await crmStatusOrUndefined(crmSocket)
  if (crm) {
    const cib = parseCibXml(await queryLiveCibXml(crmSocket), 'live CIB')
    if (clusterOption(cib, 'maintenance-mode') !== 'true') {
      await submitCibChange(crmSocket, {op: 'set-cluster-options', options: {'maintenance-mode': 'true'}})
      say(`${crm.node}: maintenance-mode=true: the CRM cluster starts and stops nothing any more`)
    }
    if (crm.pid === undefined) throw new UserError(`the CRM daemon on ${crmSocket} does not report its PID (an older hakit): stop it with systemctl stop hakit-crm`, 1)
    process.kill(crm.pid, 'SIGTERM')
    await poll(`the CRM daemon (PID ${crm.pid}) to exit`, waitMs, async () => (pidAlive(crm.pid!) ? undefined : true))
    say(`${crm.node}: the CRM daemon has stopped; the resources keep running`)
  } else if (await legacyStatus(legacySocketOf(options))) {
    say('the legacy daemon already runs here; nothing to do')
    return
  }
  // the legacy daemon starts detached (one-shot marker, so that `systemctl start` needs no extra flag):
  // it holds what it finds running here and takes nothing over until `hakit attach`
  const marker = join(options.stateDir, START_DETACHED_MARKER)
  await writeFileAtomic(marker, 'written by hakit cutover --to legacy: the next hakit run --legacy starts detached\n')
  const command = options.startLegacyCommand ?? DEFAULT_START_LEGACY
  const started = await runShell(command)
  if (started.code !== 0) {
    // a marker left behind would make some later, unrelated start detached
    await rm(marker, {force: true})
    throw new UserError(`"${command}" failed (exit ${started.code})${started.output ? `: ${started.output}` : ''}`, 1)
  }
  const legacy = await poll(`the legacy daemon on ${legacySocketOf(options)} to start detached`, waitMs, async () => {
    const s = await legacyStatus(legacySocketOf(options)).catch(() => undefined)
    return s && s.failover?.phase === 'detached' ? s : undefined
  })
  say(`${legacy.node}: the legacy daemon runs detached and holds ${heldHere(legacy).join(', ') || 'no group'}`)
  say('when every node runs the legacy daemon: "hakit attach" on every node (it then manages the groups where they run)')
}

/** ha.cf's node names, lower-cased as the daemons use them. */
export async function haCfNodes(configDir: string): Promise<string[]> {
  const {readSource} = await import('../../core/read-source.js')
  const {parseHaCf} = await import('../../formats/hacf/parse.js')
  const {nodeNames} = await import('../../formats/hacf/index.js')
  const path = join(configDir, 'ha.cf')
  return nodeNames(parseHaCf((await readSource(path)).text, path).model).map((n) => n.toLowerCase())
}
