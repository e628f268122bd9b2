/**
 * Where a configuration to compare or show comes from: a CIB XML file, a
 * crm shell file, `-` (standard input), the live cluster (`cibadmin -Q`), or
 * — through the registry below — other kinds such as a legacy /etc/ha.d
 * directory converted on the fly.
 */
import {spawn} from 'node:child_process'
import {statSync} from 'node:fs'
import {stat} from 'node:fs/promises'
import {UserError} from '../core/errors.js'
import {readRegularFileSync, readSource, describeFsError} from '../core/read-source.js'
import type {Cib} from '../formats/cib/model.js'
import type {CibReadMemo} from '../formats/cib/xml.js'
import type {CibSourceResolver} from './source-resolver.js'

export type {CibSourceResolver} from './source-resolver.js'

export interface LoadedCib {
  cib: Cib
  /** What the source was read as: 'xml', 'crm', 'live', or a registered kind. */
  kind: string
  /** How to name it to the user (file name, `-`, `live CIB`). */
  label: string
}

const resolvers: CibSourceResolver[] = [
  // A legacy Heartbeat directory (/etc/ha.d with haresources or ha.cf): compared as the converter would write it.
  // The converter is loaded only when a directory is given.
  {
    kind: 'heartbeat',
    claims: async (spec, info) => !!info?.isDirectory && (await import('../converters/cib-source.js')).heartbeatCibSource.claims(spec, info),
    load: async (spec) => (await import('../converters/cib-source.js')).heartbeatCibSource.load(spec),
  },
]

/** Adds a source kind (for example the legacy /etc/ha.d converter). */
export function registerCibSource(resolver: CibSourceResolver): void {
  if (!resolvers.some((r) => r.kind === resolver.kind)) resolvers.push(resolver)
}

/** True when the text looks like XML (a CIB) rather than crm shell syntax. */
export function looksLikeXml(text: string): boolean {
  return /^\s*</.test(text.replace(/^\uFEFF/, ''))
}

/** Parses text as CIB XML or crm syntax, detected by content; `memo` (XML only): see CibReadMemo. */
export async function parseConfigText(text: string, file: string, memo?: CibReadMemo): Promise<{cib: Cib; kind: 'xml' | 'crm'}> {
  if (looksLikeXml(text)) {
    const {parseCibXml} = await import('../formats/cib/xml.js')
    return {cib: parseCibXml(text, file, memo), kind: 'xml'}
  }
  const {parseCrm} = await import('../formats/crm/parse.js')
  return {cib: parseCrm(text, file), kind: 'crm'}
}

/**
 * Loads a CIB from a file path, `-`, or a registered source kind. `memo`: a reader that reads the
 * same file again and again (the live view) reuses what did not change; see CibReadMemo.
 */
export async function loadCib(spec: string, memo?: CibReadMemo): Promise<LoadedCib> {
  // a reader that reads one file on every change (the live view): a regular file in one go
  if (memo && spec !== '-' && statSync(spec, {throwIfNoEntry: false})?.isFile()) {
    const {file, text} = readRegularFileSync(spec)
    return {...(await parseConfigText(text, file, memo)), label: file}
  }
  if (spec !== '-') {
    let info: {isDirectory: boolean} | undefined
    try {
      info = {isDirectory: (await stat(spec)).isDirectory()}
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new UserError(`${spec}: ${describeFsError(error)}`)
    }
    for (const r of resolvers) {
      if (await r.claims(spec, info)) return {cib: await r.load(spec), kind: r.kind, label: spec}
    }
    if (info?.isDirectory) throw new UserError(`${spec}: is a directory; expected a CIB XML or crm file`)
  }
  const {file, text} = await readSource(spec)
  const parsed = await parseConfigText(text, file, memo)
  return {...parsed, label: file}
}

/**
 * Reads the running cluster's CIB: from a running `hakit run --crm` through its
 * local socket ($HAKIT_CRM_SOCKET, else /run/hakit/crm.sock when it exists),
 * else with `cibadmin -Q` (honours CIB_file like the Pacemaker tools do).
 */
export async function loadLiveCib(): Promise<LoadedCib> {
  const hakit = await loadHakitLiveCib()
  if (hakit) return hakit
  const {DEFAULT_CRM_SOCKET} = await import('../runtime/crm/socket.js')
  const text = await new Promise<string>((resolve, reject) => {
    const child = spawn('cibadmin', ['-Q'], {stdio: ['ignore', 'pipe', 'pipe']})
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (d: Buffer) => out.push(d))
    child.stderr.on('data', (d: Buffer) => err.push(d))
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(new UserError(e.code === 'ENOENT' ? 'cannot read the live CIB: cibadmin not found (is Pacemaker installed?)' : `cannot run cibadmin: ${e.message}`)),
    )
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'))
      else {
        const msg = Buffer.concat(err).toString('utf8').trim().split('\n').pop() ?? ''
        const why = `cibadmin -Q exited ${code}${msg ? `: ${msg}` : ''}`
        // CIB_file names the file cibadmin read; without it, no cluster of either kind answered here
        if (process.env.CIB_file) reject(new UserError(`cannot read the live CIB (CIB_file=${process.env.CIB_file}): ${why}`))
        else reject(new UserError(`cannot read the live CIB: no hakit CRM daemon runs here (no socket ${DEFAULT_CRM_SOCKET}) and Pacemaker does not answer (${why}); to read a CIB file instead, name it (see --help)`))
      }
    })
  })
  const {parseCibXml} = await import('../formats/cib/xml.js')
  return {cib: parseCibXml(text, 'live CIB'), kind: 'live', label: 'live CIB'}
}

/** The live CIB of a running `hakit run --crm`, or undefined when none is reachable the default way. */
export async function loadHakitLiveCib(env: NodeJS.ProcessEnv = process.env): Promise<LoadedCib | undefined> {
  const {DEFAULT_CRM_SOCKET, queryLiveCibXml} = await import('../runtime/crm/socket.js')
  const path = env.HAKIT_CRM_SOCKET || DEFAULT_CRM_SOCKET
  if (!env.HAKIT_CRM_SOCKET) {
    try {
      if (!(await stat(path)).isSocket()) return undefined
    } catch {
      return undefined
    }
  }
  const {parseCibXml} = await import('../formats/cib/xml.js')
  return {cib: parseCibXml(await queryLiveCibXml(path), 'live CIB'), kind: 'live', label: `live CIB (${path})`}
}
