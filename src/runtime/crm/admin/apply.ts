/**
 * Where an admin edit goes: a CIB file (written atomically, versions bumped
 * as the CIB manager would) or the running hakit cluster (submitted over the
 * local socket as the same CibOps every replica applies).
 */
import type {Cib} from '../../../formats/cib/model.js'
import {applyCibOp, cibVersion, ctimeString, setCibVersion} from '../cib-ops.js'
import type {AdminEdit} from './edit.js'

export type AdminTarget = {kind: 'file'; path: string} | {kind: 'live'; socket: string}

/** --cib FILE, else $CIB_file, else the live cluster's socket (--socket, else $HAKIT_CRM_SOCKET, else the default). */
export async function resolveAdminTarget(cibFlag: string | undefined, socketFlag: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<AdminTarget> {
  const file = cibFlag ?? (env.CIB_file || undefined)
  if (file !== undefined) return {kind: 'file', path: file}
  const {resolveCrmSocket} = await import('../socket.js')
  return {kind: 'live', socket: resolveCrmSocket(socketFlag, env)}
}

export async function loadTarget(target: AdminTarget): Promise<Cib> {
  if (target.kind === 'file') {
    const {loadCib} = await import('../../../cib/sources.js')
    return (await loadCib(target.path)).cib
  }
  const {queryLiveCibXml} = await import('../socket.js')
  const {parseCibXml} = await import('../../../formats/cib/xml.js')
  const {UserError} = await import('../../../core/errors.js')
  let xml: string
  try {
    xml = await queryLiveCibXml(target.socket)
  } catch (error) {
    // no cluster to talk to: Pacemaker tools' "disconnected" exit code
    if (error instanceof UserError) throw new UserError(error.message, 102)
    throw error
  }
  return parseCibXml(xml, 'live CIB')
}

/** The CIB file contents after an edit: configuration change ⇒ epoch+1, each status change ⇒ num_updates+1. */
export function editedFileCib(edit: AdminEdit, now: number): Cib {
  const cib = structuredClone(edit.cib)
  const meta = {origin: 'hakit', client: 'hakit-crm', time: ctimeString(now)}
  if (edit.configChanged) {
    const v = cibVersion(cib)
    setCibVersion(cib, {...v, epoch: v.epoch + 1, numUpdates: 0})
    cib.attributes['cib-last-written'] = meta.time
    cib.attributes['update-client'] = meta.client
  }
  for (const op of edit.statusOps) applyCibOp(cib, op, meta)
  return cib
}

/** Writes or submits an edit; returns false when it changed nothing. */
export async function commitEdit(target: AdminTarget, edit: AdminEdit, now = Date.now()): Promise<boolean> {
  if (!edit.configChanged && edit.statusOps.length === 0) return false
  const {printCibXml} = await import('../../../formats/cib/xml.js')
  if (target.kind === 'file') {
    const {writeFileAtomic} = await import('../../../core/atomic-write.js')
    await writeFileAtomic(target.path, printCibXml(editedFileCib(edit, now)))
    return true
  }
  const {submitCibChange} = await import('../socket.js')
  if (edit.configChanged) await submitCibChange(target.socket, {op: 'replace-configuration', xml: printCibXml({...edit.cib, status: []})})
  for (const op of edit.statusOps) await submitCibChange(target.socket, op)
  return true
}
