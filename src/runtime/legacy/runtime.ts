/**
 * The driver that joins the pure failover machine to the world: it runs the
 * machine's acquire/release actions through the resource manager, feeds the
 * results back, keeps the machine's timer, runs STONITH through a callback,
 * hands outgoing messages to the messaging layer and answers the operator
 * socket. `hakit run --legacy` creates one and feeds it membership events and
 * received messages.
 */
import {FailoverMachine, type FailoverAction, type FailoverConfig, type FailoverEvent, type FailoverSnapshot, type LogLevel, type Message} from './failover.js'
import type {ResourceManager} from './resource-manager.js'
import type {OperatorBackend, OperatorReply, StatusReport} from './operator.js'
import type {LegacyGroup} from './types.js'

export interface LegacyRuntimeOptions {
  /** localNode, nodes, autoFailback, stonith, compat, timers; groups are taken from `groups`. */
  config: Omit<FailoverConfig, 'groups'>
  groups: LegacyGroup[]
  resourceManager: ResourceManager
  /** Hands a message to the messaging layer: broadcast, or to `msg.dest` when set. */
  send(msg: Message): void
  /** Resets a node with the configured STONITH device (see stonith.ts `resetNode`); resolves true when it is reset. */
  fence?(node: string): Promise<boolean>
  log(level: LogLevel, text: string): void
  /** Called once the shutdown finished (clean: every group stopped and the notice sent). */
  onShutdownComplete?(clean: boolean): void
  now?: () => number
}

export class LegacyRuntime {
  private readonly machine: FailoverMachine
  private readonly groups: Map<string, LegacyGroup>
  private timer?: NodeJS.Timeout
  private shutdownWaiters: Array<(clean: boolean) => void> = []
  private finished?: boolean
  private stopped = false

  constructor(private readonly options: LegacyRuntimeOptions) {
    this.groups = new Map(options.groups.map((g) => [g.key, g]))
    this.machine = new FailoverMachine({...options.config, groups: options.groups.map((g) => ({key: g.key, ownerNode: g.ownerNode}))})
  }

  /** Membership events and received messages go in here. */
  feed(event: FailoverEvent): FailoverAction[] {
    if (this.stopped) return []
    const actions = this.machine.handle(event, this.clock())
    this.execute(actions)
    this.armTimer()
    return actions
  }

  /**
   * Before comms come up: finds groups still (partly) running here, e.g. after
   * a daemon crash, so they are reported as held and settled at the start decision.
   */
  async probeGroups(): Promise<string[]> {
    const found: string[] = []
    for (const group of this.groups.values()) {
      if ((await this.options.resourceManager.groupStatus(group)) === 'NONE') continue
      found.push(group.key)
      this.feed({type: 'found-running', key: group.key})
    }
    return found
  }

  standby(which: string): OperatorReply {
    return this.operatorResult(this.feed({type: 'standby', which}))
  }

  takeover(which: string): OperatorReply {
    return this.operatorResult(this.feed({type: 'takeover', which}))
  }

  /** `hakit detach`: stop managing resources, leave them running (see the `detach` event). */
  detach(): OperatorReply {
    return this.operatorResult(this.feed({type: 'detach'}))
  }

  /** `hakit attach`: undo `detach` (see the `attach` event). */
  attach(): OperatorReply {
    return this.operatorResult(this.feed({type: 'attach'}))
  }

  /** Gives every group up (and sends the shutdown notice); resolves with `clean`. */
  shutdown(): Promise<boolean> {
    if (this.finished !== undefined) return Promise.resolve(this.finished)
    const done = new Promise<boolean>((resolve) => this.shutdownWaiters.push(resolve))
    this.feed({type: 'shutdown'})
    return done
  }

  snapshot(): FailoverSnapshot {
    return this.machine.snapshot()
  }

  /** The operator socket's backend; `base` supplies what only the daemon knows (nodes, links, parameters). */
  operatorBackend(base: () => Omit<StatusReport, 'rscstatus' | 'failover'>): OperatorBackend {
    return {
      standby: (which) => this.standby(which),
      takeover: (which) => this.takeover(which),
      detach: () => this.detach(),
      attach: () => this.attach(),
      status: () => {
        const failover = this.snapshot()
        return {...base(), rscstatus: failover.rscstatus, failover}
      },
    }
  }

  /** Stops timers (the daemon is exiting). */
  dispose(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
  }

  private clock(): number {
    return this.options.now ? this.options.now() : Date.now()
  }

  private operatorResult(actions: FailoverAction[]): OperatorReply {
    const result = actions.find((a) => a.type === 'operator-result')
    return result && result.type === 'operator-result' ? {ok: result.ok, message: result.message} : {ok: true, message: 'done'}
  }

  private execute(actions: FailoverAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case 'log':
          this.options.log(action.level, action.text)
          break
        case 'send':
          this.options.send(action.msg)
          break
        case 'acquire': {
          const group = this.groups.get(action.key)!
          this.options.resourceManager.acquireGroup(group).then(
            (result) => {
              this.feed({type: 'acquire-done', key: action.key, ok: result.ok})
              // the give-up after a failed start could not stop everything
              if (result.stopFailed) this.feed({type: 'release-done', key: action.key, ok: false})
            },
            () => this.feed({type: 'acquire-done', key: action.key, ok: false}),
          )
          break
        }
        case 'release': {
          const group = this.groups.get(action.key)!
          this.options.resourceManager.releaseGroup(group).then(
            (result) => this.feed({type: 'release-done', key: action.key, ok: !result.stopFailed}),
            () => this.feed({type: 'release-done', key: action.key, ok: false}),
          )
          break
        }
        case 'fence': {
          const fence = this.options.fence
          if (!fence) {
            this.options.log('error', `No way to fence ${action.node}: no STONITH runner configured.`)
            queueMicrotask(() => this.feed({type: 'fence-done', node: action.node, ok: false}))
            break
          }
          fence(action.node).then(
            (ok) => this.feed({type: 'fence-done', node: action.node, ok}),
            () => this.feed({type: 'fence-done', node: action.node, ok: false}),
          )
          break
        }
        case 'operator-result':
          break
        case 'shutdown-complete':
          this.finished = action.clean
          this.options.onShutdownComplete?.(action.clean)
          for (const waiter of this.shutdownWaiters.splice(0)) waiter(action.clean)
          break
      }
    }
  }

  private armTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    const deadline = this.machine.nextDeadline()
    if (deadline === undefined || this.stopped) return
    this.timer = setTimeout(() => this.feed({type: 'tick'}), Math.max(0, deadline - this.clock()))
    this.timer.unref()
  }
}
