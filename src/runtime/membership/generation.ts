/**
 * Persistent identity of a node across restarts, in Heartbeat's formats:
 * hb_generation (decimal right-aligned in 15 columns + LF, +1 per start,
 * first = time()+1) and hb_uuid (16 raw bytes). A state directory we create
 * is 0700 and both files 0600: only the daemon's user reads them.
 */
import {randomUUID} from 'node:crypto'
import {mkdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {writeFileAtomic} from '../../core/atomic-write.js'

export interface GenerationResult {
  generation: number
  /** Set when no previous generation existed (Heartbeat logs a WARN). */
  fresh: boolean
}

export async function nextGeneration(stateDir: string, method: 'file' | 'time' = 'file'): Promise<GenerationResult> {
  const now = Math.floor(Date.now() / 1000)
  if (method === 'time') return {generation: now, fresh: false}
  await mkdir(stateDir, {recursive: true, mode: 0o700})
  const file = join(stateDir, 'hb_generation')
  let previous: number | undefined
  try {
    const text = (await readFile(file, 'latin1')).trim()
    if (/^\d{1,15}$/.test(text)) previous = Number(text)
  } catch {
    // missing: first start
  }
  const generation = previous === undefined ? now + 1 : previous + 1
  await writeFileAtomic(file, `${String(generation).padStart(15)}\n`, 0o600)
  return {generation, fresh: previous === undefined}
}

export async function loadOrCreateUuid(stateDir: string): Promise<Buffer> {
  await mkdir(stateDir, {recursive: true, mode: 0o700})
  const file = join(stateDir, 'hb_uuid')
  try {
    const raw = await readFile(file)
    if (raw.length === 16) return raw
  } catch {
    // create below
  }
  const uuid = Buffer.from(randomUUID().replace(/-/g, ''), 'hex')
  await writeFileAtomic(file, uuid, 0o600)
  return uuid
}
