/**
 * Transient node attributes (pacemaker-attrd), as a pure state machine.
 *
 * One instance per node. Every node holds the whole table (node × name →
 * value), replicated by broadcasting each update; readers (attrd_updater -Q,
 * crm_attribute -l reboot -G, the agents' tools) see a change at once. One
 * node, the writer (the DC's node here; attrd elects its own in Pacemaker),
 * writes the table to the CIB's status section: at once, or — for an
 * attribute with a dampening delay — when the delay has passed without a
 * further change (each change restarts the delay, so a flapping value is
 * written once it holds). Private attributes are never written. A lost peer's
 * attributes are dropped (the controller erases them from the CIB).
 * Reference: shared/reference/pacemaker-runtime.md §5.5.
 */
import type {LogLevel, StatusChange} from './controller-types.js'

export interface AttrdConfig {
  localNode: string
}

export interface AttributeValue {
  node: string
  name: string
  value: string
  /** attrd_updater -d: delay before the value is written to the CIB (ms). */
  dampenMs: number
  /** attrd_updater -p: never written to the CIB. */
  private: boolean
}

export type AttrdMessage =
  | {op: 'update'; node: string; name: string; value: string | null; dampenMs: number; private: boolean}
  /** The writer's whole table, for a peer that joined. */
  | {op: 'sync'; values: AttributeValue[]}

export type AttrdEvent =
  /** A local client sets (value) or deletes (null) an attribute; dampenMs/private as attrd_updater -d/-p. */
  | {type: 'update'; now: number; node: string; name: string; value: string | null; dampenMs?: number; private?: boolean; origin?: string}
  | {type: 'peer-message'; now: number; from: string; message: AttrdMessage}
  | {type: 'peer-joined'; now: number; node: string}
  | {type: 'peer-lost'; now: number; node: string}
  /** This node became (true) or stopped being (false) the writer. */
  | {type: 'writer'; now: number; isWriter: boolean}
  | {type: 'timer-fired'; now: number; timer: string}

export type AttrdAction =
  | {type: 'broadcast'; message: AttrdMessage}
  | {type: 'send'; to: string; message: AttrdMessage}
  /** Writer only: transient-attr changes for the status section. */
  | {type: 'cib-update'; changes: StatusChange[]}
  | {type: 'set-timer'; timer: string; at: number}
  | {type: 'cancel-timer'; timer: string}
  | {type: 'log'; level: LogLevel; message: string}

interface Attribute {
  dampenMs: number
  private: boolean
  /** node → value (null: deleted, still to be removed from the CIB) */
  values: Map<string, string | null>
  /** what the CIB holds, as far as this writer knows */
  written: Map<string, string>
  timerArmed: boolean
}

const dampenTimer = (name: string) => `attrd-dampen:${name}`

export class Attrd {
  private readonly attrs = new Map<string, Attribute>()
  private isWriter = false
  private out: AttrdAction[] = []

  constructor(private readonly config: AttrdConfig) {}

  /** attrd_updater -Q [-A]: current values (what readers see at once), optionally for one node or name. */
  query(filter: {node?: string; name?: string} = {}): AttributeValue[] {
    const out: AttributeValue[] = []
    for (const [name, a] of this.attrs) {
      if (filter.name !== undefined && filter.name !== name) continue
      for (const [node, value] of a.values) {
        if (value === null || (filter.node !== undefined && filter.node !== node)) continue
        out.push({node, name, value, dampenMs: a.dampenMs, private: a.private})
      }
    }
    return out.sort((x, y) => x.name.localeCompare(y.name) || x.node.localeCompare(y.node))
  }

  get(node: string, name: string): string | undefined {
    return this.attrs.get(name)?.values.get(node) ?? undefined
  }

  handle(event: AttrdEvent): AttrdAction[] {
    this.out = []
    switch (event.type) {
      case 'update': {
        const message: AttrdMessage = {op: 'update', node: event.node, name: event.name, value: event.value, dampenMs: event.dampenMs ?? this.attrs.get(event.name)?.dampenMs ?? 0, private: event.private ?? false}
        this.apply(message, event.origin ?? this.config.localNode, event.now)
        this.out.push({type: 'broadcast', message})
        break
      }
      case 'peer-message':
        if (event.message.op === 'update') this.apply(event.message, event.from, event.now)
        else this.sync(event.message.values, event.now)
        break
      case 'peer-joined':
        if (this.isWriter) this.out.push({type: 'send', to: event.node, message: {op: 'sync', values: this.query()}})
        break
      case 'peer-lost': {
        let any = false
        for (const a of this.attrs.values()) {
          any = a.values.delete(event.node) || any
          a.written.delete(event.node)
        }
        if (any) this.log('notice', `Removing all ${event.node} attributes for peer loss`)
        break
      }
      case 'writer':
        this.isWriter = event.isWriter
        // a new writer writes everything it knows (the CIB may lag behind the old writer's table)
        if (event.isWriter) for (const name of this.attrs.keys()) this.write(name)
        break
      case 'timer-fired':
        if (event.timer.startsWith('attrd-dampen:')) {
          const name = event.timer.slice('attrd-dampen:'.length)
          const a = this.attrs.get(name)
          if (a) a.timerArmed = false
          this.write(name)
        }
        break
    }
    return this.out
  }

  private log(level: LogLevel, message: string): void {
    this.out.push({type: 'log', level, message})
  }

  private apply(u: Extract<AttrdMessage, {op: 'update'}>, origin: string, now: number): void {
    let a = this.attrs.get(u.name)
    if (!a) {
      a = {dampenMs: u.dampenMs, private: u.private, values: new Map(), written: new Map(), timerArmed: false}
      this.attrs.set(u.name, a)
    }
    a.dampenMs = u.dampenMs
    a.private = u.private
    const old = a.values.get(u.node) ?? null
    if (old === u.value) return
    a.values.set(u.node, u.value)
    const delay = a.dampenMs > 0 ? `write delay of ${a.dampenMs}ms` : 'no write delay'
    this.log('info', `Setting ${u.name}[${u.node}]: ${old ?? '(unset)'} -> ${u.value ?? '(unset)'} | from ${origin} with ${delay}`)
    if (a.dampenMs > 0) {
      // start or restart the dampening delay; the value is written once it has held that long
      a.timerArmed = true
      this.out.push({type: 'set-timer', timer: dampenTimer(u.name), at: now + a.dampenMs})
    } else {
      this.write(u.name)
    }
  }

  private sync(values: AttributeValue[], now: number): void {
    for (const v of values) {
      // our own node's values are ours to say; the writer learns them from our updates
      if (v.node === this.config.localNode && this.attrs.get(v.name)?.values.has(v.node)) continue
      this.apply({op: 'update', node: v.node, name: v.name, value: v.value, dampenMs: v.dampenMs, private: v.private}, 'sync', now)
    }
  }

  /** The writer puts the attribute's values into the status section (all nodes at once, as attrd does). */
  private write(name: string): void {
    const a = this.attrs.get(name)
    if (!a || !this.isWriter || a.timerArmed) return
    const changes: StatusChange[] = []
    for (const [node, value] of [...a.values]) {
      if (value === null) {
        a.values.delete(node)
        if (a.written.delete(node) || !a.private) changes.push({kind: 'transient-attr', node, name, value: null})
        continue
      }
      if (a.private || a.written.get(node) === value) continue
      a.written.set(node, value)
      changes.push({kind: 'transient-attr', node, name, value})
    }
    if (changes.length > 0) this.out.push({type: 'cib-update', changes})
  }
}
