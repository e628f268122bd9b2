/**
 * The CIB a live view keeps from the daemon's `watch` stream (the request with "cib": true): the
 * whole CIB first, then each change as the operation every replica applies. Applying it here
 * costs next to nothing where reading the whole CIB again on every change costs its size
 * (pacemaker-runtime.md §5.3: replicas stay equal by applying the same operations in order).
 * Pure: events in, the CIB out; the caller reads the CIB whole when current() has none.
 */
import type {Cib} from '../../formats/cib/model.js'
import {parseCibXml} from '../../formats/cib/xml.js'
import {applyCibOp, cibVersion, compareVersions, formatVersion, parseVersion, setCibVersion, type ChangeMeta, type CibOp, type CibVersion} from './cib-ops.js'
import type {CrmWatchEvent} from './socket.js'

/** What the daemon knows of a CIB change: the operation (when it was one) that led to `to`. */
export interface ReplicaChange {
  from: CibVersion
  to: CibVersion
  op: CibOp
  meta: ChangeMeta
}

/**
 * The daemon's side: the event a watcher that holds the CIB (`sent`: the version it was sent last)
 * gets. After a change: the operation when it follows what the watcher holds, else the whole CIB
 * (a CIB taken whole may even keep its version). A transition's progress (no CIB change) carries
 * nothing of the CIB unless the watcher is behind.
 */
export function eventForCibWatcher(
  watcher: {sent?: string},
  event: CrmWatchEvent,
  cibChanged: {change?: ReplicaChange} | undefined,
  wholeXml: () => string,
): CrmWatchEvent {
  const change = cibChanged?.change
  if (change && watcher.sent === formatVersion(change.from)) {
    const to = formatVersion(change.to)
    const out = {...event, version: to, change: {from: watcher.sent, to, op: change.op, meta: change.meta}}
    watcher.sent = to
    return out
  }
  if (!cibChanged && watcher.sent === event.version) return event
  watcher.sent = event.version
  return {...event, cib: wholeXml()}
}

export class WatchedCib {
  private held: Cib | undefined
  private pending: CrmWatchEvent[] = []
  /** The daemon streams the CIB (an older one only says that it changed). */
  streaming = false
  /** Changes applied and whole CIBs taken since the start (for tests). */
  readonly counts = {applied: 0, whole: 0}

  accept(event: CrmWatchEvent): void {
    if (event.cib === undefined && !event.change) return
    this.streaming = true
    this.pending.push(event)
  }

  /**
   * The CIB with every change received so far, or undefined when it must be read whole (nothing
   * streamed yet, or a change that does not follow the CIB held). The object is changed in place
   * by later calls: use it before asking again.
   */
  current(): Cib | undefined {
    const events = this.pending
    this.pending = []
    for (const event of events) {
      if (event.cib !== undefined) {
        this.held = parseCibXml(event.cib, 'live CIB')
        this.counts.whole++
        continue
      }
      const change = event.change!
      if (!this.held) continue
      const have = cibVersion(this.held)
      const from = parseVersion(change.from)
      const to = parseVersion(change.to)
      if (!from || !to) {
        this.held = undefined
        continue
      }
      // a CIB read whole after the change was sent already has it
      if (compareVersions(to, have) <= 0) continue
      if (compareVersions(from, have) !== 0) {
        this.held = undefined
        continue
      }
      try {
        applyCibOp(this.held, change.op, change.meta)
        setCibVersion(this.held, to)
        this.counts.applied++
      } catch {
        this.held = undefined
      }
    }
    return this.held
  }

  /** A CIB read whole (the caller's own copy: later changes are applied to it in place). */
  reset(cib: Cib): void {
    this.held = cib
    this.counts.whole++
  }
}
