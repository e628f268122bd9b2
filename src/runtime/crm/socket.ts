/**
 * The CRM daemon's local socket: what cibadmin and crm_mon reach through
 * Pacemaker's IPC, for hakit's tools and tests. One JSON request line, one
 * JSON answer line:
 *   {"op":"query"}                      → {"ok":true,"xml":"<cib …>"}  (this node's replica, as cibadmin -Q)
 *   {"op":"status"}                     → {"ok":true,"status":{node,state,dc,members,quorum,version}}
 *   {"op":"submit","change":{…CibOp}}   → {"ok":true,"version":"0.7.0"} once the DC applied it
 * The socket is mode 0600: only the daemon's user (root) may change the CIB.
 */
import {chmodSync, existsSync, mkdirSync, unlinkSync} from 'node:fs'
import {createConnection, createServer, type Server, type Socket} from 'node:net'
import {dirname, join} from 'node:path'
import {UserError} from '../../core/errors.js'
import type {CibOp} from './cib-ops.js'

export const DEFAULT_CRM_SOCKET = '/run/hakit/crm.sock'
const MAX_REQUEST = 4 * 1024 * 1024

export function crmSocketPath(stateDir: string): string {
  return join(stateDir, 'hakit-crm.sock')
}

/** Client side: an explicit path, else $HAKIT_CRM_SOCKET, else the default. */
export function resolveCrmSocket(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return explicit ?? env.HAKIT_CRM_SOCKET ?? DEFAULT_CRM_SOCKET
}

export interface CrmStatus {
  node: string
  state: string
  dc?: string
  members: string[]
  quorum: boolean
  version: string
  /** The daemon's PID (hakit cutover stops it by PID). */
  pid?: number
}

export type CrmRequest = {op: 'query'} | {op: 'status'} | {op: 'submit'; change: CibOp}

export interface CrmBackend {
  query(): string
  status(): CrmStatus
  submit(change: CibOp): Promise<{ok: boolean; error?: string; version?: string}>
}

type Wire = {ok: true; xml?: string; status?: CrmStatus; version?: string} | {ok: false; error: string}

async function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path)
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

export async function startCrmSocket(path: string, backend: CrmBackend): Promise<Server> {
  mkdirSync(dirname(path), {recursive: true, mode: 0o755})
  if (existsSync(path)) {
    if (await answers(path)) throw new Error(`another hakit daemon is already listening on ${path}`)
    unlinkSync(path)
  }
  const server = createServer((socket) => serve(socket, backend))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => {
      chmodSync(path, 0o600)
      server.off('error', reject)
      resolve()
    })
  })
  server.on('close', () => {
    try {
      unlinkSync(path)
    } catch {
      // already gone
    }
  })
  return server
}

function serve(socket: Socket, backend: CrmBackend): void {
  let buffer = ''
  socket.setEncoding('utf8')
  socket.setTimeout(120_000, () => socket.destroy())
  socket.on('error', () => socket.destroy())
  socket.on('data', (chunk: string) => {
    buffer += chunk
    if (buffer.length > MAX_REQUEST) return reply(socket, {ok: false, error: 'request too large'})
    const newline = buffer.indexOf('\n')
    if (newline < 0) return
    const line = buffer.slice(0, newline)
    buffer = ''
    socket.pause()
    answer(line, backend).then((wire) => reply(socket, wire), (error: Error) => reply(socket, {ok: false, error: error.message}))
  })
}

async function answer(line: string, backend: CrmBackend): Promise<Wire> {
  let request: CrmRequest
  try {
    request = JSON.parse(line) as CrmRequest
  } catch {
    return {ok: false, error: 'malformed request'}
  }
  switch (request.op) {
    case 'query':
      return {ok: true, xml: backend.query()}
    case 'status':
      return {ok: true, status: backend.status()}
    case 'submit': {
      const r = await backend.submit(request.change)
      return r.ok ? {ok: true, ...(r.version ? {version: r.version} : {})} : {ok: false, error: r.error ?? 'refused'}
    }
    default:
      return {ok: false, error: `unknown request ${(request as {op?: string}).op}`}
  }
}

function reply(socket: Socket, wire: Wire): void {
  socket.end(JSON.stringify(wire) + '\n')
}

/** Sends one request and returns the answer; UserError when nobody answers. */
export async function crmRequest(path: string, request: CrmRequest, timeoutMs = 60_000): Promise<Wire> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path)
    let data = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new UserError(`no answer from the CRM daemon on ${path} within ${timeoutMs / 1000}s`))
    }, timeoutMs)
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write(JSON.stringify(request) + '\n'))
    socket.on('data', (chunk: string) => (data += chunk))
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(new UserError(`cannot reach the CRM daemon on ${path}: ${error.code === 'ENOENT' || error.code === 'ECONNREFUSED' ? 'not running (no socket)' : error.message}`))
    })
    socket.on('end', () => {
      clearTimeout(timer)
      try {
        resolve(JSON.parse(data) as Wire)
      } catch {
        reject(new UserError(`malformed answer from the CRM daemon on ${path}`))
      }
    })
  })
}

export async function queryLiveCibXml(path: string): Promise<string> {
  const wire = await crmRequest(path, {op: 'query'})
  if (!wire.ok || wire.xml === undefined) throw new UserError(`cannot read the live CIB from ${path}: ${wire.ok ? 'empty answer' : wire.error}`)
  return wire.xml
}

export async function crmStatus(path: string): Promise<CrmStatus> {
  const wire = await crmRequest(path, {op: 'status'})
  if (!wire.ok || !wire.status) throw new UserError(`cannot read the CRM status from ${path}: ${wire.ok ? 'empty answer' : wire.error}`)
  return wire.status
}

export async function submitCibChange(path: string, change: CibOp, timeoutMs?: number): Promise<string | undefined> {
  const wire = await crmRequest(path, {op: 'submit', change}, timeoutMs)
  if (!wire.ok) throw new UserError(`CIB change refused: ${wire.error}`)
  return wire.version
}
