/**
 * The CIB a crm command works on: --cib FILE, else the CIB_file environment
 * variable (as the Pacemaker tools and crmsh read it), else the running
 * cluster through cibadmin -Q.
 */
import type {LoadedCib} from './sources.js'

export async function loadCibFromFlags(cibFlag: string | undefined): Promise<LoadedCib & {text?: string}> {
  const {loadCib, loadLiveCib} = await import('./sources.js')
  const file = cibFlag ?? (process.env.CIB_file || undefined)
  return file === undefined ? loadLiveCib() : loadCib(file)
}
