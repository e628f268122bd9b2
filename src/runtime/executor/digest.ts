/**
 * Operation digests as Pacemaker 2.1.5 records them in lrm_rsc_op
 * (op-digest, op-restart-digest/op-force-restart, op-secure-digest/
 * op-secure-params), so the scheduler — hakit's or crm_simulate — sees the
 * same "parameters changed?" answer. Reference §1.9; Pacemaker
 * lib/common/digest.c, operations.c, daemons/controld/controld_execd.c.
 */
import {createHash} from 'node:crypto'
import type {AgentMetadata} from './metadata.js'
import type {OpRequest} from './types.js'

/** Attributes dropped before hashing (pcmk__filter_op_for_digest). */
const FILTERED = new Set(['id', 'crm_feature_set', 'op-digest', 'on_node', 'on_node_uuid', 'pcmk_external_ip'])

/** crm_xml_escape(), including its quirk of stopping at the first multi-byte UTF-8 character. */
function escapeForDigest(value: string): string {
  let out = ''
  const bytes = Buffer.from(value, 'utf8')
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]
    if (b & 0x80 && i + 1 < bytes.length && bytes[i + 1] & 0x80) return out + bytes.subarray(i).toString('utf8')
    switch (b) {
      case 0x3c: out += '&lt;'; break
      case 0x3e: out += '&gt;'; break
      case 0x22: out += '&quot;'; break
      case 0x27: out += '&apos;'; break
      case 0x26: out += '&amp;'; break
      case 0x09: out += '    '; break
      case 0x0a: out += '\\n'; break
      case 0x0d: out += '\\r'; break
      default:
        out += b < 0x20 || b === 0x7f ? `\\${b.toString(8).padStart(3, '0')}` : String.fromCharCode(b)
    }
  }
  return out
}

/** MD5 of `" <parameters a="1" b="2"/>\n"`, attributes sorted by name (empty values included, as `a=""`). */
export function digestOfParameters(params: Record<string, string>): string {
  const names = Object.keys(params).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const attrs = names.map((n) => ` ${n}="${escapeForDigest(params[n])}"`).join('')
  return createHash('md5').update(` <parameters${attrs}/>\n`).digest('hex')
}

/** The parameters that enter op-digest: instance attributes, plus CRM_meta_timeout for recurring operations. */
export function digestInput(params: Record<string, string>, intervalMs: number, timeoutMs: number): Record<string, string> {
  const input: Record<string, string> = {}
  for (const [name, value] of Object.entries(params)) {
    if (name.startsWith('CRM_meta_') || FILTERED.has(name)) continue
    input[name] = value
  }
  if (intervalMs > 0) input.CRM_meta_timeout = String(timeoutMs)
  return input
}

export interface OpDigests {
  opDigest: string
  opRestartDigest?: string
  opForceRestart?: string
  opSecureParams?: string
  opSecureDigest?: string
}

/** " a b " as Pacemaker lists words it later searches for as " WORD ". */
function wordList(words: string[]): string {
  return ` ${words.map((w) => ` ${w}`).join('')}  `
}

/**
 * All digests of one operation. `metadata` (when the class has parameters and
 * the agent's meta-data could be read) adds the restart and secure digests.
 * The op's OCF_CHECK_LEVEL is one of its parameters for Pacemaker, so it is digested too.
 */
export function operationDigests(
  request: Pick<OpRequest, 'action' | 'params' | 'intervalMs' | 'timeoutMs' | 'checkLevel'>,
  metadata?: AgentMetadata,
): OpDigests {
  const {action, params, intervalMs, timeoutMs} = request
  const opParams = request.checkLevel === undefined ? params : {...params, OCF_CHECK_LEVEL: request.checkLevel}
  const base = digestInput(opParams, intervalMs, timeoutMs)
  const result: OpDigests = {opDigest: digestOfParameters(base)}
  // controld records the extra digests only for actions that can lead to a reload decision.
  const needsMetadata = ['start', 'monitor', 'promote', 'demote', 'reload', 'reload-agent', 'migrate_to', 'migrate_from', 'notify'].includes(action)
  if (!metadata || !needsMetadata) return result
  if (intervalMs === 0 && (metadata.supportsReloadAgent || metadata.supportsLegacyReload)) {
    // OCF 1.1 reload-agent: everything not reloadable forces a restart; legacy reload: unique params do.
    // controld keeps meta-data parameters in a prepended list: the words come out in reverse document order.
    const forcing = [...metadata.parameters].reverse().filter((p) => (metadata.supportsReloadAgent ? !p.reloadable : p.unique))
    const restart: Record<string, string> = {}
    for (const p of forcing) if (params[p.name] !== undefined) restart[p.name] = params[p.name]
    result.opForceRestart = forcing.length > 0 ? wordList(forcing.map((p) => p.name)) : ''
    result.opRestartDigest = digestOfParameters(restart)
  }
  const secret = [...metadata.parameters].reverse().filter((p) => p.private)
  if (secret.length > 0) {
    const secure = {...base}
    for (const p of secret) delete secure[p.name]
    result.opSecureParams = wordList(secret.map((p) => p.name))
    result.opSecureDigest = digestOfParameters(secure)
  }
  return result
}
