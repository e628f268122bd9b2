/**
 * The CRM daemon's local socket: what cibadmin and crm_mon reach through
 * Pacemaker's IPC, for hakit's tools and tests. One JSON request line, one
 * JSON answer line:
 *   {"op":"query"}                      → {"ok":true,"xml":"<cib …>"}  (this node's replica, as cibadmin -Q)
 *   {"op":"status"}                     → {"ok":true,"status":{node,state,dc,members,quorum,version}}
 *   {"op":"submit","change":{…CibOp}}   → {"ok":true,"version":"0.7.0"} once the DC applied it
 *     (a replace-configuration with "ifVersion" is refused once the configuration moved on:
 *      {"ok":false,"error":"CIB changed in the meantime: …"})
 *   {"op":"attribute","request":{…}}    → {"ok":true,"value":…|"entries":[…]}: node attributes for the
 *                                          agents' tools (attrd_updater, crm_attribute), through attrd
 *   {"op":"watch"}                      → one {"ok":true,"watch":{…}} line now and one on every CIB change,
 *                                         the connection kept open (crm_mon's live view)
 *   {"op":"watch","cib":true}           → the same, and the events carry the CIB: the whole of it (`cib`, XML)
 *                                         first, then each change as the operation every replica applies
 *                                         (`change`), the whole again when a change is not one operation
 * The socket is mode 0600: only the daemon's user (root) may change the CIB.
 */
import {createConnection, type Server} from 'node:net'
import {join} from 'node:path'
import {UserError} from '../../core/errors.js'
import {listenLineSocket} from '../line-socket.js'
import {VERSION_CONFLICT, type ChangeMeta, type CibOp} from './cib-ops.js'
import type {AttributeEntry, AttributeLifetime} from '../executor/types.js'

/** CRM_EX_OLD: cibadmin's exit code when the CIB moved on under a change. */
export const EXIT_CIB_CHANGED = 103

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
  /** On the DC once its controller runs: its state (S_IDLE when nothing is planned or running). */
  controller?: string
  /** The daemon's PID (hakit cutover stops it by PID). */
  pid?: number
}

/** A node-attribute request from the agents' tools; transient ones (`reboot`) go through attrd with its dampening. */
export type AttributeRequest =
  | {action: 'get'; node: string; name: string; lifetime: AttributeLifetime}
  | {action: 'set'; node: string; name: string; value: string; lifetime: AttributeLifetime; dampenMs?: number}
  | {action: 'delete'; node: string; name: string; lifetime: AttributeLifetime; dampenMs?: number}
  | {action: 'list'; node?: string}

export type AttributeAnswer = {value?: string; entries?: AttributeEntry[]}


/**
 * What a watcher is told on every change: the CIB version and, on the DC, the transition in progress.
 * A watcher that asked for the CIB also gets it: `cib` (the whole CIB's XML) or `change` (what turns
 * the CIB it was sent last into this version; applyCibOp with `meta`, then the version `to`).
 */
export interface CrmWatchEvent {
  version: string
  transition?: {id: number; inFlight: string[]}
  cib?: string
  change?: CibChange
}

/** One replicated change: applied to the CIB at version `from`, it gives the CIB at version `to`. */
export interface CibChange {
  from: string
  to: string
  op: CibOp
  meta: ChangeMeta
}

export type CrmRequest = {op: 'query'} | {op: 'status'} | {op: 'submit'; change: CibOp} | {op: 'attribute'; request: AttributeRequest} | {op: 'watch'; cib?: boolean}

export interface CrmBackend {
  query(): string
  status(): CrmStatus
  submit(change: CibOp): Promise<{ok: boolean; error?: string; version?: string}>
  attribute?(request: AttributeRequest): Promise<AttributeAnswer>
  /** Calls the listener now and on every CIB change (with the CIB when `withCib`); returns the unsubscribe function. */
  watch?(listener: (event: CrmWatchEvent) => void, withCib?: boolean): () => void
}

type Wire = {ok: true; xml?: string; status?: CrmStatus; version?: string; watch?: CrmWatchEvent} & AttributeAnswer | {ok: false; error: string}

export async function startCrmSocket(path: string, backend: CrmBackend): Promise<Server> {
  return listenLineSocket(path, {dirMode: 0o755, idleTimeoutMs: 120_000, maxRequest: MAX_REQUEST}, (line, socket) => {
    const watch = /"op"\s*:\s*"watch"/.test(line) ? parseWatchRequest(line) : undefined
    if (watch && backend.watch) {
      // a watcher keeps its connection: one line per change until it goes away
      socket.setTimeout(0)
      const withCib = watch.cib === true
      const stop = backend.watch((event) => socket.write(JSON.stringify({ok: true, watch: event}) + '\n'), withCib)
      socket.on('close', stop)
      return undefined
    }
    return answer(line, backend)
  })
}

function parseWatchRequest(line: string): Extract<CrmRequest, {op: 'watch'}> | undefined {
  try {
    const request = JSON.parse(line) as CrmRequest
    return request.op === 'watch' ? request : undefined
  } catch {
    return undefined
  }
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
    case 'attribute':
      if (!backend.attribute) return {ok: false, error: 'node attributes are not served here'}
      return {ok: true, ...(await backend.attribute(request.request))}
    default:
      return {ok: false, error: `unknown request ${(request as {op?: string}).op}`}
  }
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

/**
 * Subscribes to the daemon's changes: onEvent for the first state and every change after it.
 * Resolves once subscribed; returns the function that ends the subscription.
 */
export async function watchCrm(path: string, onEvent: (event: CrmWatchEvent) => void, onEnd: (error?: Error) => void, withCib = false): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path)
    let buffer = ''
    let subscribed = false
    socket.setEncoding('utf8')
    socket.on('connect', () => {
      socket.write(JSON.stringify({op: 'watch', ...(withCib ? {cib: true} : {})}) + '\n')
      subscribed = true
      resolve(() => socket.destroy())
    })
    socket.on('data', (chunk: string) => {
      buffer += chunk
      let newline
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline)
        buffer = buffer.slice(newline + 1)
        try {
          const wire = JSON.parse(line) as Wire
          if (wire.ok && wire.watch) onEvent(wire.watch)
          else if (!wire.ok) onEnd(new UserError(`the CRM daemon on ${path} refused to be watched: ${wire.error}`))
        } catch {
          onEnd(new UserError(`malformed answer from the CRM daemon on ${path}`))
        }
      }
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const e = new UserError(`cannot reach the CRM daemon on ${path}: ${error.code === 'ENOENT' || error.code === 'ECONNREFUSED' ? 'not running (no socket)' : error.message}`, 102)
      if (subscribed) onEnd(e)
      else reject(e)
    })
    socket.on('close', () => subscribed && onEnd())
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
  // a versioned replace that lost the race: cibadmin's "Update was older than existing configuration" (103)
  if (!wire.ok) throw new UserError(`CIB change refused: ${wire.error}`, wire.error.startsWith(VERSION_CONFLICT) ? EXIT_CIB_CHANGED : 1)
  return wire.version
}

/** One node-attribute request (the agents' tools while a CRM daemon runs). */
export async function attributeRequest(path: string, request: AttributeRequest, timeoutMs = 30_000): Promise<AttributeAnswer> {
  const wire = await crmRequest(path, {op: 'attribute', request}, timeoutMs)
  if (!wire.ok) throw new UserError(`node attribute request refused: ${wire.error}`)
  return {...(wire.value !== undefined ? {value: wire.value} : {}), ...(wire.entries ? {entries: wire.entries} : {})}
}
