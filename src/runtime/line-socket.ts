/**
 * The daemons' local control sockets (the legacy operator socket and the CRM
 * socket) speak the same framing: one JSON request line in, one JSON answer
 * line out, on a unix socket only the daemon's user may open. This is that
 * shared part; each daemon supplies the handler that answers a line.
 */
import {chmodSync, existsSync, mkdirSync, unlinkSync} from 'node:fs'
import {createConnection, createServer, type Server, type Socket} from 'node:net'
import {dirname} from 'node:path'

export interface LineSocketOptions {
  /** Mode of the socket's directory when it is created here (an existing one keeps its mode). */
  dirMode: number
  /** An idle connection is closed after this long. */
  idleTimeoutMs: number
  /** A request longer than this is refused. */
  maxRequest: number
}

/**
 * Answers one request line. Returning undefined means the handler keeps the
 * connection for itself (a watcher): nothing is answered or closed here.
 */
export type LineHandler = (line: string, socket: Socket) => Promise<unknown> | undefined

/** Whether a daemon still answers on the socket file. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/**
 * Listens on `path`. A stale socket file is replaced; one that a running daemon
 * still answers on is an error (two daemons on one socket).
 */
export async function listenLineSocket(path: string, options: LineSocketOptions, handle: LineHandler): Promise<Server> {
  mkdirSync(dirname(path), {recursive: true, mode: options.dirMode})
  if (existsSync(path)) {
    if (await answers(path)) throw new Error(`another hakit daemon is already listening on ${path}`)
    unlinkSync(path)
  }
  const server = createServer((socket) => serve(socket, options, handle))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    // Only the daemon's user may talk to it. The socket file is created inside listen() (synchronously),
    // so a tight umask around that call leaves no moment in which it is open to others; chmod for certainty.
    const umask = process.umask(0o177)
    try {
      server.listen(path, () => {
        chmodSync(path, 0o600)
        server.off('error', reject)
        resolve()
      })
    } finally {
      process.umask(umask)
    }
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

function serve(socket: Socket, options: LineSocketOptions, handle: LineHandler): void {
  let buffer = ''
  socket.setEncoding('utf8')
  socket.setTimeout(options.idleTimeoutMs, () => socket.destroy())
  socket.on('error', () => socket.destroy())
  socket.on('data', (chunk: string) => {
    buffer += chunk
    if (buffer.length > options.maxRequest) return reply(socket, {ok: false, error: 'request too large'})
    const newline = buffer.indexOf('\n')
    if (newline < 0) return
    const line = buffer.slice(0, newline)
    buffer = ''
    const answer = handle(line, socket)
    if (answer === undefined) return
    socket.pause()
    answer.then((wire) => reply(socket, wire), (error: Error) => reply(socket, {ok: false, error: error.message}))
  })
}

function reply(socket: Socket, wire: unknown): void {
  if (socket.destroyed) return
  socket.end(`${JSON.stringify(wire)}\n`)
}
