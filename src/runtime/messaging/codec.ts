/**
 * Heartbeat 3.0.6 wire encodings (cluster-glue 1.0.12):
 *   netstring  "###\n" { LEN ":(" T ")" name "=" value "," } "%%%\n"  [+ "LEN:N digest," trailer]
 *   classic    ">>>\n" { name "=" value "\n" | "(" T ")" name "=" value "\n" } "<<<\n" [NUL]
 * Decoders throw CodecError on anything malformed; callers on the receive path
 * catch it, count it and drop the packet (see PacketStats in receive.ts).
 */
import {inflateSync} from 'node:zlib'
import {Field, HbMessage} from './message.js'

export const NETSTRING_START = Buffer.from('###\n')
export const NETSTRING_END = Buffer.from('%%%\n')
export const CLASSIC_START = Buffer.from('>>>\n')
export const CLASSIC_END = Buffer.from('<<<\n')

/** Heartbeat's MAXMSG: one message per datagram, at most 256 KiB. */
export const MAX_MESSAGE_BYTES = 256 * 1024
export const MAX_FIELDS = 4096
const MAX_DEPTH = 8
const MAX_NAME = 255
/** A newline inside a classic string value travels as this byte (+ nesting depth). */
const NEWLINE_SYMBOL = 0x13

export class CodecError extends Error {
  constructor(
    message: string,
    readonly kind: 'malformed' | 'truncated' | 'oversized' | 'unsupported' = 'malformed',
  ) {
    super(message)
    this.name = 'CodecError'
  }
}

export type WireFormat = 'netstring' | 'classic'

export function wireFormatOf(buf: Buffer): WireFormat | undefined {
  if (startsWith(buf, NETSTRING_START, 0)) return 'netstring'
  if (startsWith(buf, CLASSIC_START, 0)) return 'classic'
  return undefined
}

function startsWith(buf: Buffer, prefix: Buffer, at: number): boolean {
  return buf.length - at >= prefix.length && buf.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0
}

// ---------------------------------------------------------------- netstring

function fieldPayload(f: Field): Buffer {
  switch (f.type) {
    case 2:
    case 5:
      return encodeNetstringBody(f.value)
    case 3:
      return Buffer.concat(f.value.flatMap((item) => [Buffer.from(`${item.length}:`), item, Buffer.from(',')]))
    default:
      return f.value
  }
}

/** Encodes the message body `###\n … %%%\n` (no auth trailer). */
export function encodeNetstringBody(msg: HbMessage): Buffer {
  const parts: Buffer[] = [NETSTRING_START]
  for (const f of msg.fields) {
    const value = fieldPayload(f)
    const head = `(${f.type})${f.name}=`
    parts.push(Buffer.from(`${head.length + value.length}:${head}`, 'latin1'), value, Buffer.from(','))
  }
  parts.push(NETSTRING_END)
  return Buffer.concat(parts)
}

/** Reads one `LEN:payload,` netstring at `at`; returns payload bounds and the index after the comma. */
function readNetstring(buf: Buffer, at: number, end: number): {start: number; stop: number; next: number} {
  let i = at
  let len = 0
  while (i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39) {
    len = len * 10 + (buf[i]! - 0x30)
    if (len > MAX_MESSAGE_BYTES) throw new CodecError('netstring length too large', 'oversized')
    i++
  }
  if (i === at || i - at > 7) throw new CodecError(`bad netstring length at byte ${at}`)
  if (i >= end) throw new CodecError('truncated netstring length', 'truncated')
  if (buf[i] !== 0x3a) throw new CodecError(`missing ':' at byte ${i}`)
  const start = i + 1
  const stop = start + len
  if (stop >= end) throw new CodecError('truncated netstring', 'truncated')
  if (buf[stop] !== 0x2c) throw new CodecError(`missing ',' at byte ${stop}`)
  return {start, stop, next: stop + 1}
}

/**
 * Decodes a netstring message starting at `at` (`###\n`). Returns the
 * message and the offset just after its `%%%\n`.
 */
export function decodeNetstringBody(buf: Buffer, at = 0, end = buf.length, depth = 0): {msg: HbMessage; next: number} {
  if (depth > MAX_DEPTH) throw new CodecError('messages nested too deeply', 'unsupported')
  if (!startsWith(buf, NETSTRING_START, at)) throw new CodecError('missing ###')
  const msg = new HbMessage()
  let i = at + NETSTRING_START.length
  for (;;) {
    if (i >= end) throw new CodecError('missing %%%', 'truncated')
    if (startsWith(buf, NETSTRING_END, i)) return {msg, next: i + NETSTRING_END.length}
    if (buf[i] === 0x25 && end - i < NETSTRING_END.length) throw new CodecError('truncated %%%', 'truncated')
    const ns = readNetstring(buf, i, end)
    msg.append(parseNetstringField(buf, ns.start, ns.stop, depth))
    if (msg.fields.length > MAX_FIELDS) throw new CodecError('too many fields', 'oversized')
    i = ns.next
  }
}

function parseNetstringField(buf: Buffer, start: number, stop: number, depth: number): Field {
  // "(T)name=value"
  if (stop - start < 4 || buf[start] !== 0x28 || buf[start + 2] !== 0x29) throw new CodecError('bad field type prefix')
  const type = buf[start + 1]! - 0x30
  if (type < 0 || type > 5) throw new CodecError(`unknown field type ${String.fromCharCode(buf[start + 1]!)}`)
  const eq = buf.indexOf(0x3d, start + 3)
  if (eq < 0 || eq >= stop) throw new CodecError('field without =')
  const nameLen = eq - (start + 3)
  if (nameLen < 1 || nameLen > MAX_NAME) throw new CodecError('bad field name length')
  const name = buf.toString('latin1', start + 3, eq)
  const vStart = eq + 1
  switch (type) {
    case 2:
    case 5: {
      const inner = decodeNetstringBody(buf, vStart, stop, depth + 1)
      if (inner.next !== stop) throw new CodecError('garbage after nested message')
      return {name, type, value: inner.msg}
    }
    case 3: {
      const items: Buffer[] = []
      let i = vStart
      while (i < stop) {
        const ns = readNetstring(buf, i, stop + 1)
        if (ns.next > stop) throw new CodecError('list item overruns field', 'truncated')
        items.push(Buffer.from(buf.subarray(ns.start, ns.stop)))
        i = ns.next
      }
      return {name, type, value: items}
    }
    default:
      return {name, type: type as 0 | 1 | 4, value: Buffer.from(buf.subarray(vStart, stop))}
  }
}

/** The trailing `LEN:N digest,` netstring after `%%%\n`. */
export interface AuthTrailer {
  index: number
  digest: string
}

export interface DecodedPacket {
  format: WireFormat
  msg: HbMessage
  /** netstring: the exact signed bytes (`###\n` … `%%%\n`). */
  body?: Buffer
  /** netstring: the outer signature, absent when the packet has none. */
  trailer?: AuthTrailer
}

export function parseAuthToken(text: string): AuthTrailer {
  const m = /^(\d{1,2}) ([0-9a-fA-F]{1,128})$/.exec(text)
  if (!m) throw new CodecError('bad auth token')
  return {index: Number(m[1]), digest: m[2]!.toLowerCase()}
}

/** Decodes one datagram in either format. Throws CodecError. */
export function decodePacket(buf: Buffer): DecodedPacket {
  if (buf.length > MAX_MESSAGE_BYTES) throw new CodecError(`packet of ${buf.length} bytes exceeds ${MAX_MESSAGE_BYTES}`, 'oversized')
  const format = wireFormatOf(buf)
  if (format === 'classic') return {format, msg: decodeClassic(buf)}
  if (format !== 'netstring') throw new CodecError('not a heartbeat message')
  const {msg, next} = decodeNetstringBody(buf)
  const body = buf.subarray(0, next)
  let end = buf.length
  while (end > next && buf[end - 1] === 0) end-- // tolerate a NUL terminator
  if (end === next) return {format, msg, body}
  const ns = readNetstring(buf, next, end)
  if (ns.next !== end) throw new CodecError('garbage after auth trailer')
  return {format, msg, body, trailer: parseAuthToken(buf.toString('latin1', ns.start, ns.stop))}
}

/** Appends the trailer to a netstring body. */
export function withTrailer(body: Buffer, index: number, digest: string): Buffer {
  const token = `${index} ${digest}`
  return Buffer.concat([body, Buffer.from(`${token.length}:${token},`, 'latin1')])
}

// ---------------------------------------------------------------- classic

function escapeNewlines(value: Buffer, depth = 0): Buffer {
  if (!value.includes(0x0a)) return value
  const out = Buffer.from(value)
  for (let i = 0; i < out.length; i++) if (out[i] === 0x0a) out[i] = NEWLINE_SYMBOL + depth
  return out
}

function unescapeNewlines(value: Buffer, depth = 0): Buffer {
  const sym = NEWLINE_SYMBOL + depth
  if (!value.includes(sym)) return value
  for (let i = 0; i < value.length; i++) if (value[i] === sym) value[i] = 0x0a
  return value
}

/** One classic line, `name=value\n` or `(T)name=value\n`; binary values are base64. */
export function classicLine(f: Field, depth = 0): Buffer {
  switch (f.type) {
    case 0:
      return Buffer.concat([Buffer.from(`${f.name}=`, 'latin1'), escapeNewlines(f.value, depth), Buffer.from('\n')])
    case 1:
    case 4:
      return Buffer.from(`(${f.type})${f.name}=${f.value.toString('base64')}\n`, 'latin1')
    case 2:
    case 5:
      return Buffer.concat([
        Buffer.from(`(${f.type})${f.name}=`, 'latin1'),
        escapeNewlines(encodeClassic(f.value, depth + 1), depth + 1),
        Buffer.from('\n'),
      ])
    case 3:
      return Buffer.from(`(3)${f.name}=${f.value.map((b) => `${b.length}:${b.toString('latin1')},`).join('')}\n`, 'latin1')
  }
}

/** The text Heartbeat signs for the inner `auth` field: every field but `auth`, classic lines, no delimiters. */
export function classicAuthText(msg: HbMessage): Buffer {
  return Buffer.concat(msg.fields.filter((f) => f.name !== 'auth').map((f) => classicLine(f)))
}

export function encodeClassic(msg: HbMessage, depth = 0): Buffer {
  return Buffer.concat([CLASSIC_START, ...msg.fields.map((f) => classicLine(f, depth)), CLASSIC_END])
}

export function decodeClassic(buf: Buffer, depth = 0): HbMessage {
  if (buf.length > MAX_MESSAGE_BYTES) throw new CodecError('classic message too large', 'oversized')
  if (depth > MAX_DEPTH) throw new CodecError('messages nested too deeply', 'unsupported')
  if (!startsWith(buf, CLASSIC_START, 0)) throw new CodecError('missing >>>')
  const msg = new HbMessage()
  let i = CLASSIC_START.length
  for (;;) {
    while (i < buf.length && buf[i] === 0x0a) i++
    if (i >= buf.length) throw new CodecError('missing <<<', 'truncated')
    if (startsWith(buf, CLASSIC_END, i)) break
    const nl = buf.indexOf(0x0a, i)
    if (nl < 0) throw new CodecError('unterminated line', 'truncated')
    msg.append(parseClassicLine(buf.subarray(i, nl), depth))
    if (msg.fields.length > MAX_FIELDS) throw new CodecError('too many fields', 'oversized')
    i = nl + 1
  }
  // only NULs (or nothing) may follow <<<\n
  for (let j = i + CLASSIC_END.length; j < buf.length; j++) if (buf[j] !== 0) throw new CodecError('garbage after <<<')
  return msg
}

function parseClassicLine(line: Buffer, depth: number): Field {
  let type = 0
  let start = 0
  if (line[0] === 0x28 && line.length > 3 && line[2] === 0x29) {
    type = line[1]! - 0x30
    if (type < 0 || type > 5) throw new CodecError('unknown field type')
    start = 3
  }
  const eq = line.indexOf(0x3d, start)
  if (eq < 0) throw new CodecError('line without =')
  const name = line.toString('latin1', start, eq)
  if (name.length < 1 || name.length > MAX_NAME || name.startsWith('>>>')) throw new CodecError('bad field name')
  const raw = Buffer.from(line.subarray(eq + 1))
  switch (type) {
    case 0:
      return {name, type: 0, value: unescapeNewlines(raw, depth)}
    case 1:
    case 4: {
      const text = raw.toString('latin1')
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new CodecError('bad base64 value')
      return {name, type, value: Buffer.from(text, 'base64')}
    }
    case 2:
    case 5:
      return {name, type, value: decodeClassic(unescapeNewlines(raw, depth + 1), depth + 1)}
    default: {
      const items: Buffer[] = []
      let i = 0
      while (i < raw.length) {
        const ns = readNetstring(raw, i, raw.length)
        items.push(Buffer.from(raw.subarray(ns.start, ns.stop)))
        i = ns.next
      }
      return {name, type: 3, value: items}
    }
  }
}

// ---------------------------------------------------------------- compression

/**
 * Heartbeat replaces a huge message by `_compressed_payload` (zlib bytes of
 * the encoded message) + `_compression_algorithm`. Returns the inner message,
 * or `msg` itself when it is not compressed. Only zlib is supported (bz2 has
 * no decoder in Node); the expanded size is capped at MAX_MESSAGE_BYTES.
 */
export function expandCompressed(msg: HbMessage): HbMessage {
  const payload = msg.getBinary('_compressed_payload') ?? msg.fields.find((f) => f.name === '_compressed_payload' && f.type === 4)?.value
  if (!payload || !Buffer.isBuffer(payload)) return msg
  const algorithm = msg.get('_compression_algorithm') ?? 'zlib'
  if (algorithm !== 'zlib') throw new CodecError(`compression ${algorithm} not supported`, 'unsupported')
  let raw: Buffer
  try {
    raw = inflateSync(payload, {maxOutputLength: MAX_MESSAGE_BYTES})
  } catch (error) {
    throw new CodecError(`bad compressed payload: ${(error as Error).message}`, (error as {code?: string}).code === 'ERR_BUFFER_TOO_LARGE' ? 'oversized' : 'malformed')
  }
  const format = wireFormatOf(raw)
  if (format === 'netstring') return decodeNetstringBody(raw).msg
  if (format === 'classic') return decodeClassic(raw)
  throw new CodecError('compressed payload is not a message')
}
