/** The shared body of the `hakit crm resource force-*` commands: load the CIB, run, print as crm_resource. */
import type {ForceAction} from '../runtime/executor/force.js'

export async function runForceCommand(action: ForceAction, resource: string, cib: string | undefined, verbose: boolean): Promise<void> {
  const {loadCibFromFlags} = await import('../cib/cib-input.js')
  const {runForceAction} = await import('../runtime/executor/force.js')
  const {renderForceRun} = await import('./render-exec.js')
  const loaded = await loadCibFromFlags(cib)
  const run = await runForceAction(loaded.cib, resource, action)
  const out = renderForceRun(run, action, verbose)
  process.stdout.write(out.stdout)
  process.stderr.write(out.stderr)
  process.exitCode = out.exitCode
}
