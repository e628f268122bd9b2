/**
 * The executor's AttributeStore (what crm_attribute, crm_master and
 * attrd_updater talk to) on top of the node's Attrd machine: transient
 * attributes (`-l reboot`) go through attrd — replicated, dampened, written by
 * the writer — and readers see them at once; permanent ones (`-l forever`) are
 * node instance attributes in the configuration, handed to the daemon.
 * A thin adapter: the daemon supplies how attrd's actions are carried out and
 * how permanent attributes are read and written.
 */
import type {AttributeEntry, AttributeLifetime, AttributeStore} from '../executor/types.js'
import type {Attrd, AttrdAction} from './attrd.js'

export interface AttrdStoreIo {
  /** Carries out attrd's actions (broadcast to peers, CIB updates from the writer, timers, logs). */
  perform(actions: AttrdAction[]): void
  now(): number
  /** Permanent node attributes (configuration/nodes/node/instance_attributes). */
  getPermanent(node: string, name: string): string | undefined
  setPermanent(node: string, name: string, value: string | null): Promise<void>
  listPermanent(node?: string): AttributeEntry[]
}

export class AttrdAttributeStore implements AttributeStore {
  constructor(private readonly attrd: Attrd, private readonly io: AttrdStoreIo) {}

  async get(node: string, name: string, lifetime: AttributeLifetime): Promise<string | undefined> {
    return lifetime === 'reboot' ? this.attrd.get(node, name) : this.io.getPermanent(node, name)
  }

  async set(node: string, name: string, value: string, lifetime: AttributeLifetime, dampenMs?: number): Promise<void> {
    if (lifetime === 'forever') return this.io.setPermanent(node, name, value)
    this.io.perform(this.attrd.handle({type: 'update', now: this.io.now(), node, name, value, ...(dampenMs !== undefined ? {dampenMs} : {})}))
  }

  async delete(node: string, name: string, lifetime: AttributeLifetime, dampenMs?: number): Promise<void> {
    if (lifetime === 'forever') return this.io.setPermanent(node, name, null)
    this.io.perform(this.attrd.handle({type: 'update', now: this.io.now(), node, name, value: null, ...(dampenMs !== undefined ? {dampenMs} : {})}))
  }

  async list(node?: string): Promise<AttributeEntry[]> {
    const transient: AttributeEntry[] = this.attrd.query(node !== undefined ? {node} : {}).map((v) => ({node: v.node, name: v.name, value: v.value, lifetime: 'reboot'}))
    return [...transient, ...this.io.listPermanent(node)]
  }
}
