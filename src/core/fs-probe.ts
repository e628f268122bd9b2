import {accessSync, constants, statSync} from 'node:fs'
import {stat} from 'node:fs/promises'
import {join} from 'node:path'

/** True when `path` exists (any kind of file); errors such as EACCES count as absent. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

export type ExecutableState = 'ok' | 'missing' | 'not-executable'

/** Whether `path` is a regular file this process may execute (a directory or a dangling link is missing). */
export function executableState(path: string): ExecutableState {
  try {
    if (!statSync(path).isFile()) return 'missing'
  } catch {
    return 'missing'
  }
  try {
    accessSync(path, constants.X_OK)
    return 'ok'
  } catch {
    return 'not-executable'
  }
}

/**
 * Finds a program by bare name in `dirs` the way Heartbeat's scriptpath() does:
 * the first regular executable file wins; with none, the first one that exists
 * but is not executable is reported. A name with a slash is never looked up.
 */
export function findExecutable(dirs: readonly string[], name: string): {state: ExecutableState; path?: string} {
  if (name === '' || name.includes('/')) return {state: 'missing'}
  let found: {state: ExecutableState; path?: string} = {state: 'missing'}
  for (const dir of dirs) {
    const path = join(dir, name)
    const state = executableState(path)
    if (state === 'ok') return {state, path}
    if (state === 'not-executable' && found.state === 'missing') found = {state, path}
  }
  return found
}
