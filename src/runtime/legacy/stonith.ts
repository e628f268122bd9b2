/**
 * STONITH for the legacy runtime: resets a node with the device configured in
 * ha.cf, through cluster-glue's `stonith` command (as Heartbeat does with its
 * plugins) or through a fence agent (fence_* reading key=value lines on
 * stdin). Messages follow Heartbeat's wording.
 */
import {runProcess} from './process.js'
import type {Logger} from './resource-manager.js'

export type StonithDevice =
  /** `stonith <type> <configfile>` or `stonith_host <host> <type> <params...>` (cluster-glue plugins). */
  | {kind: 'stonith'; type: string; configFile?: string; params?: string}
  /** A fence agent, e.g. `fence_ipmilan`, with its options (`ip`, `username`, ...). */
  | {kind: 'fence-agent'; agent: string; options: Record<string, string>}

export interface StonithOptions {
  timeoutMs?: number
  log?: Logger
  /** The `stonith` binary (cluster-glue). */
  stonithCommand?: string
}

/** The ha.cf STONITH lines that apply to this node: `stonith`, else the last `stonith_host` for `*` or this host. */
export function deviceFromConfig(
  config: {stonith?: {type: string; configFile: string}; stonithHosts?: Array<{host: string; type: string; params: string}>},
  localNode: string,
): StonithDevice | undefined {
  const hosts = (config.stonithHosts ?? []).filter((h) => h.host === '*' || h.host.toLowerCase() === localNode.toLowerCase())
  const last = hosts.at(-1)
  if (last) return {kind: 'stonith', type: last.type, params: last.params}
  if (config.stonith) return {kind: 'stonith', type: config.stonith.type, configFile: config.stonith.configFile}
  return undefined
}

export function deviceId(device: StonithDevice): string {
  return device.kind === 'stonith' ? device.type : device.agent
}

function stonithArgs(device: Extract<StonithDevice, {kind: 'stonith'}>): string[] {
  const args = ['-t', device.type]
  if (device.configFile !== undefined) args.push('-F', device.configFile)
  else args.push('-p', device.params ?? '')
  return args
}

/** Resets `node`; true when the device says it did. */
export async function resetNode(device: StonithDevice, node: string, options: StonithOptions = {}): Promise<boolean> {
  const log = options.log ?? (() => {})
  const id = deviceId(device)
  log('info', `Resetting node ${node} with [${id}]`)
  const result =
    device.kind === 'stonith'
      ? await runProcess(options.stonithCommand ?? 'stonith', ['-s', ...stonithArgs(device), '-T', 'reset', node], {timeoutMs: options.timeoutMs ?? 120_000})
      : await runProcess(device.agent, [], {timeoutMs: options.timeoutMs ?? 120_000, input: agentInput(device.options, {action: 'reboot', plug: node})})
  if (result.code === 0 && !result.timedOut) {
    log('info', `node ${node} now reset.`)
    return true
  }
  if (result.timedOut) log('error', `STONITH device ${id} timed out resetting ${node}.`)
  else if (result.spawnError) log('error', `Cannot run STONITH device ${id}: ${result.spawnError}`)
  else log('error', `Host ${node} not reset!`)
  return false
}

/** Heartbeat's hourly status check of the device. */
export async function checkDevice(device: StonithDevice, options: StonithOptions = {}): Promise<boolean> {
  const log = options.log ?? (() => {})
  const id = deviceId(device)
  log('info', `Checking status of STONITH device [${id}]`)
  const result =
    device.kind === 'stonith'
      ? await runProcess(options.stonithCommand ?? 'stonith', ['-s', ...stonithArgs(device), '-S'], {timeoutMs: options.timeoutMs ?? 60_000})
      : await runProcess(device.agent, [], {timeoutMs: options.timeoutMs ?? 60_000, input: agentInput(device.options, {action: 'monitor'})})
  if (result.code === 0 && !result.timedOut) return true
  log('error', `STONITH device ${id} not operational!`)
  log('error', 'STONITH status operation failed.')
  log('info', 'This may mean that the STONITH device has failed!')
  return false
}

function agentInput(options: Record<string, string>, extra: Record<string, string>): string {
  return Object.entries({...options, ...extra}).map(([k, v]) => `${k}=${v}\n`).join('')
}
