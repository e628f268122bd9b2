import {randomBytes} from 'node:crypto'
import {open, readdir, rename, unlink} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

/**
 * Name of a temp file (or directory) of ours beside `path`: hidden, marked
 * `.hakit-PID-RANDOM.tmp` so a later run can tell ours from the user's and
 * remove those a killed run left, and short enough that a long final name
 * still leaves room for it (NAME_MAX is 255).
 */
export function tempNameFor(path: string, suffix = 'tmp'): string {
  return join(dirname(path), `.${basename(path).slice(0, 120)}.hakit-${process.pid}-${randomBytes(4).toString('hex')}.${suffix}`)
}

const OUR_TEMP = /^\..*\.hakit-(\d+)-[0-9a-f]{8}\.(tmp|old)$/

/** Temp entries of ours in `dir` whose process is gone (killed mid-write): safe to remove. */
export async function staleTempEntries(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[])
  return names.filter((n) => {
    const m = OUR_TEMP.exec(n)
    return m !== null && !processAlive(Number(m[1]))
  })
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Writes a file so that readers see either the old content or the whole new
 * content, never half: write a temp file beside it, fsync, rename over.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const temp = tempNameFor(path)
  const handle = await open(temp, 'wx', mode)
  try {
    await handle.writeFile(data)
    await handle.chmod(mode)
    await handle.sync()
  } catch (error) {
    await handle.close()
    await unlink(temp).catch(() => {})
    throw error
  }
  await handle.close()
  try {
    await rename(temp, path)
  } catch (error) {
    await unlink(temp).catch(() => {})
    throw error
  }
}
