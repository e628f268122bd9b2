import {readdirSync, readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {executableState, findExecutable, type ExecutableState} from '../core/fs-probe.js'

/**
 * What the linter may look at on the machine: where resource scripts live,
 * which programs, users and interfaces exist. Tests point it at fixture
 * directories; `offline` turns every such check off (for configurations
 * copied from another host).
 */
export interface SystemView {
  offline: boolean
  /** Directories searched for haresources scripts, in ResourceManager's order. */
  resourceDirs: string[]
  /** Prefix for absolute paths: respawn programs, /etc/passwd, /etc/group. `/` on a live system. */
  root: string
  /** Places to suggest from when a respawn program is missing (relative to root). */
  programDirs: string[]
  /** Network interface names of this host (loopback included); undefined when unknown. */
  interfaces?: string[]
}

export const STANDARD_RESOURCE_DIRS = ['/etc/ha.d/resource.d', '/etc/init.d']
export const STANDARD_PROGRAM_DIRS = ['/usr/lib/heartbeat', '/usr/libexec/heartbeat', '/usr/lib64/heartbeat', '/usr/lib/x86_64-linux-gnu/heartbeat']

/**
 * The live view for a configuration directory: scripts are looked up in its
 * resource.d first (so a copied /etc/ha.d tree checks against its own
 * scripts), then in /etc/ha.d/resource.d and /etc/init.d.
 */
export function systemViewFor(configDir: string, options: {offline?: boolean} = {}): SystemView {
  const dirs = [join(resolve(configDir), 'resource.d'), ...STANDARD_RESOURCE_DIRS]
  return {
    offline: options.offline ?? false,
    resourceDirs: [...new Set(dirs)],
    root: '/',
    programDirs: STANDARD_PROGRAM_DIRS,
    interfaces: listInterfaces(),
  }
}

/** A view that checks nothing on the machine. */
export const OFFLINE: SystemView = {offline: true, resourceDirs: [], root: '/', programDirs: []}

function listInterfaces(): string[] | undefined {
  try {
    return readdirSync('/sys/class/net')
  } catch {
    return undefined
  }
}

export type FileState = ExecutableState

/** Finds a resource script the way ResourceManager's scriptpath() does: first regular executable file wins. */
export function findScript(view: SystemView, name: string): {state: FileState; path?: string} {
  return findExecutable(view.resourceDirs, name)
}

/** Every script name available in the resource directories (for did-you-mean). */
export function availableScripts(view: SystemView): string[] {
  return view.resourceDirs.flatMap((dir) => {
    try {
      return readdirSync(dir)
    } catch {
      return []
    }
  })
}

/** State of an absolute program path under the view's root. */
export function programState(view: SystemView, path: string): FileState {
  return executableState(join(view.root, path))
}

/** Programs with this base name in the standard heartbeat directories (under root). */
export function programsNamed(view: SystemView, baseName: string): string[] {
  return view.programDirs.map((dir) => join(dir, baseName)).filter((p) => executableState(join(view.root, p)) === 'ok')
}

function namesIn(view: SystemView, file: string): Set<string> | undefined {
  try {
    const text = readFileSync(join(view.root, file), 'utf8')
    return new Set(text.split('\n').map((line) => line.split(':')[0]).filter((n) => n !== '' && !n.startsWith('#')))
  } catch {
    return undefined
  }
}

/** User names from <root>/etc/passwd; undefined when unreadable. */
export function knownUsers(view: SystemView): Set<string> | undefined {
  return namesIn(view, '/etc/passwd')
}

/** Group names from <root>/etc/group; undefined when unreadable. */
export function knownGroups(view: SystemView): Set<string> | undefined {
  return namesIn(view, '/etc/group')
}
