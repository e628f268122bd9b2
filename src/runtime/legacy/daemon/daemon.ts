/**
 * `hakit run --legacy`: the Heartbeat v1 (haresources) daemon. Joins the
 * messaging/membership layer (HeartbeatCluster) to the legacy runtime
 * (failover machine + resource manager), serves the operator socket, runs
 * respawn clients and the watchdog, and logs in Heartbeat's formats.
 */
import {existsSync, rmSync} from 'node:fs'
import {basename, join} from 'node:path'
import type {Server} from 'node:net'
import {HeartbeatCluster} from '../../membership/cluster.js'
import {HbMessage} from '../../messaging/message.js'
import {LegacyRuntime} from '../runtime.js'
import {ResourceManager, scriptEnvironment} from '../resource-manager.js'
import {DEFAULT_SOCKET, operatorSocketPath, startOperatorServer, type NodeReport, type StatusReport} from '../operator.js'
import {resetNode} from '../stonith.js'
import {RespawnSupervisor} from '../respawn.js'
import {Watchdog} from '../watchdog.js'
import {loadDaemonConfig, formatFinding, type DaemonConfig, type DaemonOptions} from './config.js'
import {DaemonLog} from '../../daemon-log.js'

export interface RunningDaemon {
  config: DaemonConfig
  /** Resolves with the exit code once the daemon has stopped. */
  done: Promise<number>
  /** Same as SIGTERM. */
  stop(): void
}


export interface StartOptions extends DaemonOptions {
  /** Operator sockets to listen on; default the state dir's and /run/hakit/legacy.sock when it can be used. */
  sockets?: string[]
  /** Install SIGTERM/SIGINT handlers (the CLI does; tests drive stop()). */
  signals?: boolean
  /** Write log lines to stderr too (default true). */
  stderr?: boolean
  /** hakit's version, for the start-up log line. */
  version?: string
  /** Start detached (`--detached`; also when STATE_DIR/legacy-start-detached exists, a one-shot marker left by `hakit cutover --to legacy`). */
  startDetached?: boolean
}

/** One-shot marker: the next legacy daemon start is detached (the rollback from the CRM runtime under systemd). */
export const START_DETACHED_MARKER = 'legacy-start-detached'

export async function startDaemon(options: StartOptions): Promise<RunningDaemon> {
  const config = await loadDaemonConfig(options)
  const log = new DaemonLog({
    node: config.node, logfile: config.logfile, debugfile: config.debugfile, logfacility: config.logfacility,
    debug: config.debug, syslogFormat: config.syslogFormat, stderr: options.stderr, secrets: config.secrets,
  })
  const hbVersion = `hakit ${options.version ?? ''}`.trim()
  log.log('info', `**************************`)
  log.log('info', `Configuration validated. Starting heartbeat ${hbVersion} (legacy haresources runtime) on ${config.node}`)
  for (const f of config.warnings) log.log('warn', `config: ${formatFinding(f)}`)
  for (const {file, mode} of log.readableByOthers()) {
    log.log('warn', `log file ${file} is readable by other users (mode ${mode.toString(8).padStart(3, '0')}): chmod 600 it; hakit creates its log files 0600`)
  }

  let startDetached = options.startDetached ?? false
  const marker = join(config.stateDir, START_DETACHED_MARKER)
  if (existsSync(marker)) {
    // consumed at once: a later restart (reboot) starts normally
    rmSync(marker, {force: true})
    startDetached = true
    log.log('info', `${marker} found (hakit cutover --to legacy): starting detached`)
  }

  const resourceManager = new ResourceManager({
    resourceDirs: [join(config.configDir, 'resource.d'), '/etc/init.d'],
    timeouts: config.timeouts,
    env: scriptEnvironment({
      configDir: config.configDir, node: config.node, logfile: config.logfile, debugfile: config.debugfile,
      logfacility: config.logfacility, debug: config.debug, niceFailback: config.autoFailback !== 'legacy',
    }),
    outputFile: config.debugfile,
    log: (level, text) => log.script(level, text),
  })

  const cluster = new HeartbeatCluster(config.messaging, log.log)
  let exiting = false
  let resolveDone!: (code: number) => void
  const done = new Promise<number>((resolve) => (resolveDone = resolve))

  const runtime = new LegacyRuntime({
    config: {localNode: config.node, nodes: config.nodes, autoFailback: config.autoFailback, stonith: config.stonith !== undefined, ipfail: config.ipfail, startDetached},
    groups: config.groups,
    resourceManager,
    log: log.log,
    send: (msg) => {
      if (exiting) return
      try {
        cluster.send(new HbMessage(Object.entries(msg)))
      } catch (error) {
        log.log('error', `cannot send ${msg.t}: ${(error as Error).message}`)
      }
    },
    fence: config.stonith && ((node) => resetNode(config.stonith!, node, {log: log.log})),
  })

  const respawn = new RespawnSupervisor(config.respawn, {
    log: log.log,
    onFailfast: (client, reason) => log.log('crit', `failfast client ${client.command} died (${reason}): Heartbeat would reboot this node; hakit leaves that to the operator and STONITH`),
  })
  const watchdog = config.watchdog ? new Watchdog(config.watchdog, log.log) : undefined
  let watchdogTimer: NodeJS.Timeout | undefined

  // ---- membership → failover machine
  const normal = new Set(config.nodes)
  const pingCount = (): number => cluster.nodeNames().filter((n) => cluster.nodeType(n) === 'ping' && cluster.nodeStatus(n) === 'ping').length
  cluster.on('node-status', (e: {node: string; status: string}) => {
    if (e.node === config.node) return
    if (normal.has(e.node)) {
      if (e.status !== 'ping') runtime.feed({type: 'node-status', node: e.node, status: e.status as 'init' | 'up' | 'active' | 'dead'})
    } else if (config.ipfail && cluster.commsUp) runtime.feed({type: 'ping-count', count: pingCount()})
  })
  cluster.on('node-restart', (e: {node: string}) => runtime.feed({type: 'peer-restarted', node: e.node}))
  cluster.on('partition-healed', (e: {node: string}) => runtime.feed({type: 'partition-healed', node: e.node}))
  cluster.on('shutdown-notice-contradicted', (e: {node: string}) => runtime.feed({type: 'notice-contradicted', node: e.node}))
  cluster.on('comms-up', () => {
    // Comms can come up on a peer's repnodes before its first status packet was read: a peer we
    // hear on some link is alive (up), not dead, for the start decision.
    for (const name of config.nodes) {
      if (name === config.node || cluster.nodeStatus(name) !== 'init') continue
      if (cluster.links(name).some((l) => l.status === 'up')) runtime.feed({type: 'node-status', node: name, status: 'up'})
    }
    runtime.feed({type: 'comms-up'})
    respawn.start()
    if (config.ipfail) runtime.feed({type: 'ping-count', count: pingCount()})
  })
  cluster.on('message', (msg: HbMessage, info: {from: string; self?: boolean}) => {
    if (info.self) return
    runtime.feed({type: 'message', from: info.from, msg: msg.toJSON()})
  })

  // ---- operator socket
  const status = (): Omit<StatusReport, 'rscstatus' | 'failover'> => {
    const nodes: NodeReport[] = cluster.nodeNames().map((name) => ({
      name,
      type: cluster.nodeType(name) ?? 'normal',
      status: (cluster.nodeStatus(name) ?? 'init') as NodeReport['status'],
      links: cluster.links(name).map((l) => ({name: l.name, status: l.status})),
    }))
    const pids = respawn.pids()
    const clients = config.respawn.map((c, i) => ({node: config.node, name: basename(c.command.split(' ')[0]!), status: (pids[i] ? 'online' : 'offline') as 'online' | 'offline'}))
    const stats = cluster.stats
    const messaging = {sent: stats.sent, received: stats.received, accepted: stats.accepted, retransmitted: stats.retransmitted, rexmitRequests: stats.rexmitRequests, rejected: {...stats.rejected}}
    return {node: config.node, version: hbVersion, pid: process.pid, nodes, clients, parameters: config.parameters, messaging}
  }
  const sockets = options.sockets ?? [operatorSocketPath(config.stateDir), DEFAULT_SOCKET]
  const servers: Server[] = []
  for (const socket of sockets) {
    try {
      servers.push(await startOperatorServer(socket, runtime.operatorBackend(status)))
    } catch (error) {
      // /run/hakit is optional (not writable without root, taken by another daemon on this host)
      const message = `operator socket ${socket}: ${(error as Error).message}`
      if (socket === DEFAULT_SOCKET) log.log('debug', message)
      else {
        log.log('error', message)
        throw error
      }
    }
  }

  // ---- shutdown
  const finish = async (code: number): Promise<void> => {
    exiting = true
    if (watchdogTimer) clearInterval(watchdogTimer)
    await respawn.stop().catch(() => {})
    runtime.dispose()
    await cluster.stop().catch(() => {})
    for (const server of servers) server.close()
    watchdog?.close(code === 0)
    log.log('info', 'Heartbeat shutdown complete.')
    log.close()
    resolveDone(code)
  }
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    // a detached daemon (hakit detach, the cut-over) leaves its groups running and sends no shutdown notice
    if (runtime.snapshot().phase === 'detached') log.log('info', 'Received SIGTERM while detached: leaving the cluster, resources stay as they are.')
    else log.log('info', 'Received SIGTERM: giving up resources and leaving the cluster.')
    void runtime.shutdown().then(async (clean) => {
      // let the shutdone notice (and a retransmission request, if any) go out before the sockets close
      await new Promise((r) => setTimeout(r, Math.min(300, config.messaging.keepaliveMs)))
      await finish(clean ? 0 : 1)
    })
  }
  if (options.signals) {
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
    process.on('SIGHUP', () => log.log('info', 'SIGHUP ignored: restart hakit to read a changed configuration.'))
  }

  // ---- start
  for (const key of await runtime.probeGroups()) log.log('warn', `Resource group ${key} was already running at startup.`)
  try {
    await cluster.start()
  } catch (error) {
    log.log('error', `cannot start the cluster media: ${(error as Error).message}`)
    await finish(1)
    return {config, done, stop}
  }
  if (watchdog?.open()) {
    watchdogTimer = setInterval(() => watchdog.tickle(), Math.max(100, Math.floor(config.messaging.keepaliveMs / 2)))
  }
  log.log('info', `${config.groups.length} resource group(s); auto_failback ${config.autoFailback}; ${config.stonith ? 'STONITH configured' : 'no STONITH device'}`)
  return {config, done, stop}
}
