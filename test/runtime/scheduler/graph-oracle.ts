/**
 * crm_simulate's transition graph (`crm_simulate -x F -S -G OUT`) for a CIB, cached by the
 * SHA-256 of the input so the slow oracle runs once per input and version. The cache lives in
 * the system temp dir (HAKIT_GRAPH_CACHE overrides it), outside the repository.
 */
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, renameSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export const graphCacheDir = process.env.HAKIT_GRAPH_CACHE ?? join(tmpdir(), 'hakit-crm-simulate-graphs')

export function haveCrmSimulate(): boolean {
  try {
    execFileSync('crm_simulate', ['--version'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

function cacheFile(xmlText: string): string {
  return join(graphCacheDir, `${createHash('sha256').update(xmlText).digest('hex').slice(0, 24)}.xml`)
}

/** The cached graph, or undefined when it has not been generated yet. */
export function cachedGraph(xmlText: string): string | undefined {
  const f = cacheFile(xmlText)
  return existsSync(f) ? readFileSync(f, 'utf8') : undefined
}

/** Runs crm_simulate (niced: the machine is shared) and caches its graph; '' when it writes none. */
export function oracleGraph(xmlFile: string, timeoutMs = 600_000): string {
  const text = readFileSync(xmlFile, 'utf8')
  const cached = cachedGraph(text)
  if (cached !== undefined) return cached
  mkdirSync(graphCacheDir, {recursive: true})
  const out = cacheFile(text)
  const tmp = `${out}.${process.pid}.tmp`
  try {
    execFileSync('nice', ['-n', '10', 'crm_simulate', '-x', xmlFile, '-S', '-Q', '-G', tmp], {stdio: 'ignore', timeout: timeoutMs})
  } catch {
    // crm_simulate exits non-zero on some inputs yet still writes the graph
  }
  if (!existsSync(tmp)) {
    rmSync(tmp, {force: true})
    return ''
  }
  renameSync(tmp, out)
  return readFileSync(out, 'utf8')
}
