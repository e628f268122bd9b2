/**
 * Where an admin edit goes: a CIB file (written atomically, versions bumped
 * as the CIB manager would) or the running hakit cluster (submitted over the
 * local socket as the same CibOps every replica applies).
 */
import type {Cib} from '../../../formats/cib/model.js'
import type {CibReadMemo} from '../../../formats/cib/xml.js'
import {applyCibOp, cibVersion, ctimeString, formatVersion, setCibVersion, VERSION_CONFLICT} from '../cib-ops.js'
import type {AdminEdit} from './edit.js'

export type AdminTarget = {kind: 'file'; path: string} | {kind: 'live'; socket: string}

/** --cib FILE, else $CIB_file, else the live cluster's socket (--socket, else $HAKIT_CRM_SOCKET, else the default). */
export async function resolveAdminTarget(cibFlag: string | undefined, socketFlag: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<AdminTarget> {
  const file = cibFlag ?? (env.CIB_file || undefined)
  if (file !== undefined) return {kind: 'file', path: file}
  const {resolveCrmSocket} = await import('../socket.js')
  return {kind: 'live', socket: resolveCrmSocket(socketFlag, env)}
}

/** The target's CIB; `memo` for a reader that reads it again on every change (see CibReadMemo). */
export async function loadTarget(target: AdminTarget, memo?: CibReadMemo): Promise<Cib> {
  if (target.kind === 'file') {
    const {loadCib} = await import('../../../cib/sources.js')
    return (await loadCib(target.path, memo)).cib
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
  return parseCibXml(xml, 'live CIB', memo)
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

/**
 * Writes or submits an edit; returns false when it changed nothing. The edit's CIB still carries the
 * version it was made from: a configuration change is committed only if the CIB is still at that
 * configuration version (a versioned replace on the live cluster, a re-read of the file), so a
 * concurrent change is never overwritten — the commit is refused with exit 103 instead.
 */
export async function commitEdit(target: AdminTarget, edit: AdminEdit, now = Date.now()): Promise<boolean> {
  if (!edit.configChanged && edit.statusOps.length === 0) return false
  const {printCibXml} = await import('../../../formats/cib/xml.js')
  const base = formatVersion(cibVersion(edit.cib))
  if (target.kind === 'file') {
    const {writeFileAtomic} = await import('../../../core/atomic-write.js')
    if (edit.configChanged) await checkFileVersion(target.path, edit.cib)
    await writeFileAtomic(target.path, printCibXml(editedFileCib(edit, now)))
    return true
  }
  const {submitCibChange} = await import('../socket.js')
  if (edit.configChanged) await submitCibChange(target.socket, {op: 'replace-configuration', xml: printCibXml({...edit.cib, status: []}), ifVersion: base})
  for (const op of edit.statusOps) await submitCibChange(target.socket, op)
  return true
}

/** The file's configuration must still be the one the edit was made from (another tool may have written it). */
async function checkFileVersion(path: string, edited: Cib): Promise<void> {
  const {loadCib} = await import('../../../cib/sources.js')
  const {UserError} = await import('../../../core/errors.js')
  const {EXIT_CIB_CHANGED} = await import('../socket.js')
  const was = cibVersion(edited)
  const now = cibVersion((await loadCib(path)).cib)
  if (now.adminEpoch !== was.adminEpoch || now.epoch !== was.epoch) {
    throw new UserError(`${path}: ${VERSION_CONFLICT}: the change was made from version ${formatVersion(was)}, the file is now at ${formatVersion(now)}; nothing was changed`, EXIT_CIB_CHANGED)
  }
}
