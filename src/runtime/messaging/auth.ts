/**
 * Heartbeat authentication (HBauth plugins crc, md5, sha1) and the two
 * signature layers of a 3.0.6 packet: the inner `auth` field (classic text of
 * the other fields) and the trailing netstring over `###\n … %%%\n`.
 *
 * Verification deliberately differs from Heartbeat's: a packet is checked
 * with the method AND key of the index it names (Heartbeat uses its own active
 * key there, which blocks key rotation and lets any listed crc entry forge
 * packets), and crc-signed packets are refused unless crc is our own active
 * method.
 */
import {createHmac, timingSafeEqual} from 'node:crypto'
import {classicAuthText, decodePacket, DecodedPacket, encodeClassic, encodeNetstringBody, parseAuthToken, withTrailer} from './codec.js'
import {HbMessage} from './message.js'

export type AuthMethod = 'crc' | 'md5' | 'sha1'

export interface AuthKey {
  method: AuthMethod
  /** The literal authkeys word; empty for crc. */
  key: string
}

export interface AuthConfig {
  /** The `auth N` line: the entry used to sign everything we send. */
  activeIndex: number
  keys: Map<number, AuthKey>
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let c = i << 24
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1
    t[i] = c >>> 0
  }
  return t
})()

/** CRC-32/POSIX as the crc plugin computes it: MSB first, init 0, final xor, no length. */
export function crc32Posix(data: Uint8Array): number {
  let crc = 0
  for (const byte of data) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0
  return (~crc) >>> 0
}

/** Lowercase hex digest as Heartbeat prints it (crc with `%lx`: no leading zeros). */
export function digest(entry: AuthKey, data: Uint8Array): string {
  if (entry.method === 'crc') return crc32Posix(data).toString(16)
  return createHmac(entry.method, Buffer.from(entry.key, 'latin1')).update(data).digest('hex')
}

function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  return timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'))
}

export interface SignOptions {
  /** Add the inner `auth` field (Heartbeat's default `msgfmt classic`). */
  innerAuth?: boolean
}

function activeEntry(auth: AuthConfig): AuthKey {
  const entry = auth.keys.get(auth.activeIndex)
  if (!entry) throw new Error(`auth ${auth.activeIndex}: no such key`)
  return entry
}

/** Adds (or replaces) the inner `auth` field, signed with the active entry. */
export function addInnerAuth(msg: HbMessage, auth: AuthConfig): HbMessage {
  const hasStruct = msg.fields.some((f) => f.type >= 2)
  msg.remove('auth')
  if (!hasStruct) msg.set('auth', `${auth.activeIndex} ${digest(activeEntry(auth), classicAuthText(msg))}`)
  return msg
}

/** The datagram Heartbeat 3.0.6 sends: netstring body + trailing signature. */
export function signNetstring(msg: HbMessage, auth: AuthConfig, options: SignOptions = {}): Buffer {
  if (options.innerAuth !== false) addInnerAuth(msg, auth)
  const body = encodeNetstringBody(msg)
  return withTrailer(body, auth.activeIndex, digest(activeEntry(auth), body))
}

/** Classic text form with the inner auth field (what serial lines carry). */
export function signClassic(msg: HbMessage, auth: AuthConfig): Buffer {
  addInnerAuth(msg, auth)
  return encodeClassic(msg)
}

export type Rejection = 'malformed' | 'truncated' | 'oversized' | 'unsupported' | 'no-signature' | 'bad-signature' | 'unknown-key' | 'weak-method'

export type VerifyResult =
  | {ok: true; packet: DecodedPacket; keyIndex: number}
  /** `claimedSrc`: the packet's unauthenticated `src` field, when it could be decoded (for the log). */
  | {ok: false; reason: Rejection; detail: string; claimedSrc?: string}

/** Checks one decoded packet. Never throws. */
export function verifyPacket(packet: DecodedPacket, auth: AuthConfig): VerifyResult {
  const result = checkSignature(packet, auth)
  if (result.ok) return result
  const src = packet.msg.get('src')
  return src === undefined ? result : {...result, claimedSrc: src}
}

function checkSignature(packet: DecodedPacket, auth: AuthConfig): VerifyResult {
  let token
  let signed: Buffer
  if (packet.format === 'netstring') {
    if (!packet.trailer || !packet.body) return {ok: false, reason: 'no-signature', detail: 'netstring packet without auth trailer'}
    token = packet.trailer
    signed = packet.body
  } else {
    const field = packet.msg.get('auth')
    if (field === undefined) return {ok: false, reason: 'no-signature', detail: 'classic packet without auth field'}
    try {
      token = parseAuthToken(field)
    } catch {
      return {ok: false, reason: 'malformed', detail: 'bad auth field'}
    }
    signed = classicAuthText(packet.msg)
  }
  const entry = auth.keys.get(token.index)
  if (!entry) return {ok: false, reason: 'unknown-key', detail: `Invalid authentication [${token.index}] in message`}
  if (entry.method === 'crc' && activeEntry(auth).method !== 'crc') {
    return {ok: false, reason: 'weak-method', detail: `crc-signed packet (key ${token.index}) refused: our active method is ${activeEntry(auth).method}`}
  }
  // Heartbeat also logs `authstr=<expected digest>`: that is a valid signature for the sender's packet,
  // handed to anyone who can read the log. Only the received token (already on the wire) is named.
  if (!sameDigest(digest(entry, signed), token.digest)) return {ok: false, reason: 'bad-signature', detail: `authtoken does not match, authtoken=${token.digest}`}
  return {ok: true, packet, keyIndex: token.index}
}

/** Decode + verify in one step; codec errors become rejections. Never throws. */
export function openPacket(buf: Buffer, auth: AuthConfig): VerifyResult {
  let packet: DecodedPacket
  try {
    packet = decodePacket(buf)
  } catch (error) {
    const e = error as {kind?: Rejection; message?: string}
    return {ok: false, reason: e.kind ?? 'malformed', detail: e.message ?? String(error)}
  }
  return verifyPacket(packet, auth)
}
