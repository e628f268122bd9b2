/**
 * The local node-attribute store behind hakit's agent-facing tools when no
 * CRM daemon runs (`hakit crm resource force-*`, tests, the bench): one JSON
 * file, read-modify-write under a lock file, written atomically. Dampening
 * has nothing to delay here (one node, no CIB writer), so values are stored
 * at once. The CRM daemon supplies a replicated AttributeStore instead.
 */
import {mkdirSync, openSync, closeSync, readFileSync, statSync, unlinkSync, writeSync, renameSync, fsyncSync} from 'node:fs'
import {dirname, join, basename} from 'node:path'
import {tmpdir} from 'node:os'
import type {AttributeEntry, AttributeLifetime, AttributeStore} from './types.js'

interface StoreFile {
  version: 1
  nodes: Record<string, Partial<Record<AttributeLifetime, Record<string, string>>>>
}

export function defaultAttributeStorePath(): string {
  if (process.env.HAKIT_ATTRIBUTE_STORE) return process.env.HAKIT_ATTRIBUTE_STORE
  const uid = process.getuid?.() ?? 0
  return uid === 0 ? '/var/lib/hakit/node-attributes.json' : join(tmpdir(), `hakit-${uid}`, 'node-attributes.json')
}

const LOCK_STALE_MS = 10_000

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

export class FileAttributeStore implements AttributeStore {
  constructor(readonly path: string = defaultAttributeStorePath()) {}

  private read(): StoreFile {
    try {
      const data = JSON.parse(readFileSync(this.path, 'utf8')) as StoreFile
      if (data && typeof data === 'object' && data.nodes) return data
    } catch {
      // missing or unreadable: start empty
    }
    return {version: 1, nodes: {}}
  }

  /** Runs `change` on the file's content under an exclusive lock (agents may call tools concurrently). */
  private update(change: (data: StoreFile) => void): void {
    mkdirSync(dirname(this.path), {recursive: true})
    const lock = `${this.path}.lock`
    const deadline = Date.now() + 15_000
    let fd: number | undefined
    while (fd === undefined) {
      try {
        fd = openSync(lock, 'wx')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
        try {
          if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) unlinkSync(lock)
        } catch {
          // released meanwhile
        }
        if (Date.now() > deadline) throw new Error(`cannot lock ${lock}`)
        sleepSync(5)
      }
    }
    try {
      const data = this.read()
      change(data)
      const temp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.tmp`)
      const out = openSync(temp, 'w', 0o644)
      try {
        writeSync(out, JSON.stringify(data, null, 1) + '\n')
        fsyncSync(out)
      } finally {
        closeSync(out)
      }
      renameSync(temp, this.path)
    } finally {
      closeSync(fd)
      unlinkSync(lock)
    }
  }

  getSync(node: string, name: string, lifetime: AttributeLifetime): string | undefined {
    return this.read().nodes[node]?.[lifetime]?.[name]
  }

  setSync(node: string, name: string, value: string, lifetime: AttributeLifetime): void {
    this.update((data) => {
      const entry = (data.nodes[node] ??= {})
      ;(entry[lifetime] ??= {})[name] = value
    })
  }

  deleteSync(node: string, name: string, lifetime: AttributeLifetime): void {
    this.update((data) => {
      delete data.nodes[node]?.[lifetime]?.[name]
    })
  }

  listSync(node?: string): AttributeEntry[] {
    const out: AttributeEntry[] = []
    for (const [n, sets] of Object.entries(this.read().nodes)) {
      if (node !== undefined && n !== node) continue
      for (const lifetime of ['forever', 'reboot'] as const) {
        for (const [name, value] of Object.entries(sets[lifetime] ?? {})) out.push({node: n, name, value, lifetime})
      }
    }
    return out
  }

  async get(node: string, name: string, lifetime: AttributeLifetime): Promise<string | undefined> {
    return this.getSync(node, name, lifetime)
  }

  async set(node: string, name: string, value: string, lifetime: AttributeLifetime, _dampenMs?: number): Promise<void> {
    this.setSync(node, name, value, lifetime)
  }

  async delete(node: string, name: string, lifetime: AttributeLifetime, _dampenMs?: number): Promise<void> {
    this.deleteSync(node, name, lifetime)
  }

  async list(node?: string): Promise<AttributeEntry[]> {
    return this.listSync(node)
  }
}
