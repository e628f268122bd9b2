/**
 * The directory of small executables (crm_attribute, attrd_updater, ...)
 * that the executor puts first on agents' PATH and in HA_SBIN_DIR, so that
 * agents calling Pacemaker's tools reach hakit's AttributeStore instead —
 * /usr/sbin is never touched. Each shim execs node on tools/main.js (or,
 * when hakit runs from its TypeScript sources, main.ts through tsx) with
 * absolute paths, so it works whatever PATH the agent has.
 */
import {existsSync, lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {createHash} from 'node:crypto'
import {dirname, join} from 'node:path'
import {tmpdir} from 'node:os'
import {fileURLToPath} from 'node:url'
import {createRequire} from 'node:module'
import {defaultAttributeStorePath} from '../attribute-store.js'

export const TOOL_NAMES = ['crm_attribute', 'crm_master', 'attrd_updater', 'crm_node', 'crm_resource', 'cibadmin', 'crm_mon']

/** tools/main.js next to this module (tsc output), in dist/ above a bundle, or main.ts in the sources. */
function findToolsMain(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const candidates: string[] = []
  for (let dir = here; ; dir = dirname(dir)) {
    candidates.push(join(dir, 'main.js'), join(dir, 'main.ts'), join(dir, 'runtime/executor/tools/main.js'), join(dir, 'dist/runtime/executor/tools/main.js'))
    if (dirname(dir) === dir) break
  }
  const found = candidates.find((c) => /runtime[\\/]executor[\\/]tools[\\/]main\.(js|ts)$/.test(c) && existsSync(c))
  if (!found) throw new Error('hakit agent tools not found: run `npm run build`')
  return found
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

let cached: string | undefined

function writeShims(dir: string, prefix: string): void {
  for (const tool of TOOL_NAMES) {
    const path = join(dir, tool)
    const content = `#!/bin/sh\n# hakit agent tool shim (see docs/executor.md)\nexec ${prefix} ${tool} "$@"\n`
    if (existsSync(path) && readFileSync(path, 'utf8') === content) continue
    const temp = `${path}.${process.pid}.tmp`
    writeFileSync(temp, content, {mode: 0o755})
    renameSync(temp, path)
  }
}

/**
 * Creates (once per process) the shim directory and returns its path: beside
 * the built tools (dist/…/tools/shims, where a package can execute files) when
 * that is writable, else a private directory under $TMPDIR (running from the
 * sources under tsx, or a read-only install; a noexec /tmp would stop agents'
 * tool calls there, so the first place is preferred).
 */
export function ensureToolsDir(): string {
  if (cached) return cached
  const main = findToolsMain()
  const command = [process.execPath]
  if (main.endsWith('.ts')) command.push('--import', createRequire(import.meta.url).resolve('tsx'))
  command.push(main)
  const prefix = command.map(shellQuote).join(' ')
  if (main.endsWith('.js')) {
    const beside = join(dirname(main), 'shims')
    try {
      mkdirSync(beside, {recursive: true, mode: 0o755})
      writeShims(beside, prefix)
      return (cached = beside)
    } catch {
      // read-only install: fall back to $TMPDIR
    }
  }
  const uid = process.getuid?.() ?? 0
  const dir = join(tmpdir(), `hakit-agent-tools-${uid}-${createHash('sha1').update(prefix).digest('hex').slice(0, 12)}`)
  mkdirSync(dir, {recursive: true, mode: 0o700})
  const info = lstatSync(dir)
  if (!info.isDirectory() || info.uid !== uid) throw new Error(`${dir}: not a directory owned by uid ${uid}`)
  writeShims(dir, prefix)
  return (cached = dir)
}

/** Environment that sends an agent's tool calls to hakit's tools and store. */
export function agentToolsEnvironment(options: {storePath?: string; nodeName: string; nodeId: string; path?: string; clusterNodes?: {id: string; name: string}[]}): Record<string, string> {
  const dir = ensureToolsDir()
  const env: Record<string, string> = {
    PATH: `${dir}:${options.path ?? '/usr/sbin:/usr/bin:/sbin:/bin'}`,
    HA_SBIN_DIR: dir,
    HAKIT_ATTRIBUTE_STORE: options.storePath ?? defaultAttributeStorePath(),
    HAKIT_NODE_NAME: options.nodeName,
    HAKIT_NODE_ID: options.nodeId,
  }
  if (options.clusterNodes?.length) env.HAKIT_CLUSTER_NODES = options.clusterNodes.map((n) => `${n.id}:${n.name}`).join(' ')
  return env
}
