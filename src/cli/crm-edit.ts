/**
 * `hakit crm configure edit`: the configuration as crm text in the user's editor.
 * The text that was edited is never lost: when the commit is refused (a parse
 * error, verification errors, a concurrent change) it stays in its file and
 * the message says where.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {UserError} from '../core/errors.js'
import type {Cib} from '../formats/cib/model.js'
import type {AdminEdit} from '../runtime/crm/admin/edit.js'
import type {AdminContext, AdminRunOptions} from './crm-admin.js'

type RunAdminEdit = (flags: {cib?: string; socket?: string; force?: boolean}, makeEdit: (cib: Cib, ctx: AdminContext) => AdminEdit | Promise<AdminEdit>, options: AdminRunOptions) => Promise<void>

export async function editConfiguration(flags: {cib?: string; socket?: string; force?: boolean}, ids: string[], runAdminEdit: RunAdminEdit): Promise<void> {
  const {printCrm} = await import('../formats/crm/print.js')
  const {applyEditedText, selectStatements} = await import('../runtime/crm/admin/configure.js')
  const {runningResources} = await import('./crm-admin.js')
  const dir = mkdtempSync(join(tmpdir(), 'hakit-edit-'))
  const file = join(dir, 'configuration.crm')
  let unchanged = false
  try {
    await runAdminEdit(
      flags,
      async (cib, ctx) => {
        const whole = printCrm(cib)
        const original = ids.length > 0 ? selectStatements(whole, whole, ids) : whole
        writeFileSync(file, original)
        openEditor(file)
        const text = readFileSync(file, 'utf8')
        unchanged = text === original
        if (unchanged) return {cib, configChanged: false, statusOps: [], notes: ['INFO: apparently there is nothing to commit']}
        const objects = [...cib.resources.map((r) => r.id), ...cib.constraints.map((c) => c.id)]
        return applyEditedText(cib, original, text, file, {running: ctx.live ? await runningResources(cib, objects) : new Set(), force: flags.force})
      },
      {verify: true, force: flags.force, showDiff: true},
    )
  } catch (error) {
    if (error instanceof UserError && !unchanged) throw new UserError(`${error.message}\nhakit: your edited configuration is kept in ${file}`, error.exitCode)
    throw error
  }
  rmSync(dir, {recursive: true, force: true})
}

function openEditor(file: string): void {
  const editor = process.env.VISUAL || process.env.EDITOR || 'vi'
  // through the shell, so EDITOR may carry arguments ("code --wait")
  const r = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'editor', file], {stdio: 'inherit'})
  if (r.error) throw new UserError(`cannot run the editor ${editor}: ${r.error.message}`, 1)
  if (r.status !== 0) throw new UserError(`the editor ${editor} exited with ${r.status ?? r.signal}: nothing was changed`, 1)
}
