/**
 * The CRM protocol on hakit's Heartbeat-compatible messaging: one message
 * type `t=hakit-crm`, the kind in `crm`, the body as JSON in `data` (zlib +
 * base64 in `dataz` when large). One Heartbeat message is one UDP datagram,
 * so a body that is still too big (a whole CIB of many resources) is cut into
 * fragments (`fragid`, `frag=i/n`, a slice of `dataz` each), which the
 * receiver reassembles: Heartbeat delivers each sender's messages in order.
 * Directed messages carry Heartbeat's `dest` field, so the messaging layer
 * drops them on other nodes.
 */
import {deflateSync, inflateSync} from 'node:zlib'
import type {LrmResource} from '../../formats/cib/model.js'
import type {CibOp, CibVersion, ChangeMeta} from './cib-ops.js'
import type {Credentials} from './election.js'

export const CRM_MESSAGE_TYPE = 'hakit-crm'
/** Bodies above this are compressed. */
const COMPRESS_ABOVE = 1024

export type CrmState = 'starting' | 'pending' | 'election' | 'dc' | 'not-dc' | 'stopping'

export type CrmMessage =
  /**
   * "This is my state": sent at start, to newly seen members, and by a pending node to ask for a DC.
   * With `hello`, every receiver answers with its own announce: the sender may have forgotten them.
   */
  | {crm: 'announce'; state: CrmState; dc?: string; hello?: true}
  | {crm: 'vote'; round: number; creds: Credentials}
  | {crm: 'no-vote'; round: number}
  | {crm: 'join-offer'; join: number}
  | {crm: 'join-request'; join: number; version: CibVersion}
  /** DC → the node with the best CIB: send it to me. */
  | {crm: 'sync-request'; join: number}
  | {crm: 'sync-reply'; join: number; xml: string}
  /** A whole CIB (configuration and status) from the DC: at join, or to resync one node. */
  | {crm: 'cib-full'; join?: number; xml: string; digest: string}
  | {crm: 'join-ack'; join: number}
  /** `first`: this process's first confirmation (it ran nothing yet; a restart the DC may not have noticed). */
  | {crm: 'join-confirm'; join: number; lrm: LrmResource[]; first?: true}
  /** Any node → DC: please apply this change. */
  | {crm: 'cib-request'; id: string; op: CibOp; client: string}
  /** DC → all: apply this change (in this order); `from`/`to` versions and the digest after it. */
  | {crm: 'cib-update'; from: CibVersion; to: CibVersion; op: CibOp; meta: ChangeMeta; digest: string; origin?: string; id?: string}
  /** DC → origin: the request was applied without changing anything, or refused. */
  | {crm: 'cib-reply'; id: string; ok: boolean; error?: string}
  /** A node that could not apply an update (or whose digest differs) asks the DC for the whole CIB. */
  | {crm: 'resync-request'; version: CibVersion}
  /** Graceful stop: the node leaves the cluster now. */
  | {crm: 'leaving'}
  /** Controller traffic (graph actions, results), opaque to this layer. */
  | {crm: 'controller'; payload: unknown}

export type CrmKind = CrmMessage['crm']

export function encodeCrmMessage(msg: CrmMessage, dest?: string): Record<string, string> {
  const {crm, ...body} = msg
  const json = JSON.stringify(body)
  const fields: Record<string, string> = {t: CRM_MESSAGE_TYPE, crm}
  if (dest) fields.dest = dest
  if (json.length > COMPRESS_ABOVE) fields.dataz = deflateSync(Buffer.from(json, 'utf8')).toString('base64')
  else fields.data = json
  return fields
}

/** Undefined when the message is not a well-formed CRM message. */
export function decodeCrmMessage(get: (name: string) => string | undefined): CrmMessage | undefined {
  if (get('t') !== CRM_MESSAGE_TYPE) return undefined
  const crm = get('crm')
  if (!crm) return undefined
  try {
    const z = get('dataz')
    const json = z !== undefined ? inflateSync(Buffer.from(z, 'base64'), {maxOutputLength: 64 * 1024 * 1024}).toString('utf8') : (get('data') ?? '{}')
    const body = JSON.parse(json) as Record<string, unknown>
    if (typeof body !== 'object' || body === null) return undefined
    return {...body, crm} as CrmMessage
  } catch {
    return undefined
  }
}

/** Payload bytes per fragment: well under one datagram with Heartbeat's own fields and signature. */
export const FRAGMENT_BYTES = 48_000

let fragmentCounter = 0

/** One message, or its fragments when the compressed body exceeds one datagram. */
export function encodeCrmMessages(msg: CrmMessage, dest?: string, fragmentBytes = FRAGMENT_BYTES): Array<Record<string, string>> {
  const whole = encodeCrmMessage(msg, dest)
  const z = whole.dataz
  if (z === undefined || z.length <= fragmentBytes) return [whole]
  const n = Math.ceil(z.length / fragmentBytes)
  const fragid = `${process.pid}.${++fragmentCounter}`
  const parts: Array<Record<string, string>> = []
  for (let i = 0; i < n; i++) {
    const fields: Record<string, string> = {t: CRM_MESSAGE_TYPE, crm: msg.crm}
    if (dest) fields.dest = dest
    fields.fragid = fragid
    fields.frag = `${i + 1}/${n}`
    fields.dataz = z.slice(i * fragmentBytes, (i + 1) * fragmentBytes)
    parts.push(fields)
  }
  return parts
}

/**
 * Puts fragments back together, per sender. A new fragment series from a
 * sender drops that sender's unfinished one (its messages arrive in order,
 * so the rest of it is lost for good).
 */
export class Reassembler {
  private readonly partial = new Map<string, {fragid: string; parts: string[]; got: number}>()

  /** The whole message once complete, undefined while fragments are missing or when it is not a CRM message. */
  accept(from: string, get: (name: string) => string | undefined): CrmMessage | undefined {
    const fragid = get('fragid')
    if (fragid === undefined) return decodeCrmMessage(get)
    const m = /^(\d+)\/(\d+)$/.exec(get('frag') ?? '')
    const part = get('dataz')
    if (!m || part === undefined) return undefined
    const index = Number(m[1]) - 1
    const total = Number(m[2])
    if (total < 1 || total > 10_000 || index < 0 || index >= total) return undefined
    let entry = this.partial.get(from)
    if (!entry || entry.fragid !== fragid || entry.parts.length !== total) {
      entry = {fragid, parts: new Array<string>(total), got: 0}
      this.partial.set(from, entry)
    }
    if (entry.parts[index] === undefined) {
      entry.parts[index] = part
      entry.got++
    }
    if (entry.got < total) return undefined
    this.partial.delete(from)
    const joined = entry.parts.join('')
    return decodeCrmMessage((name) => (name === 'dataz' ? joined : name === 'fragid' || name === 'frag' ? undefined : get(name)))
  }
}
