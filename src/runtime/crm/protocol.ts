/**
 * The CRM protocol on hakit's Heartbeat-compatible messaging: one message
 * type `t=hakit-crm`, the kind in `crm`, the body as JSON in `data` (zlib +
 * base64 in `dataz` when large, since one message is one UDP datagram).
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
  /** "This is my state": sent at start, to newly seen members, and by a pending node to ask for a DC. */
  | {crm: 'announce'; state: CrmState; dc?: string}
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
  | {crm: 'join-confirm'; join: number; lrm: LrmResource[]}
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
