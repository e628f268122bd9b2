/**
 * Return codes: their names, the texts Pacemaker prints, how each class's
 * raw exit status becomes an OCF code, and how the scheduler judges a
 * result (reference §1.4, §1.5, §2.1, §2.3).
 */
import {ExecStatus, OcfRc, type Classification, type RcClass} from './types.js'

/** services_ocf_exitcode_str(): the text crm_resource and crm_mon print for an rc. */
export function rcText(rc: number): string {
  switch (rc) {
    case 0: return 'ok'
    case 1: return 'error'
    case 2: return 'invalid parameter'
    case 3: return 'unimplemented feature'
    case 4: return 'insufficient privileges'
    case 5: return 'not installed'
    case 6: return 'not configured'
    case 7: return 'not running'
    case 8: return 'promoted'
    case 9: return 'promoted (failed)'
    case 190: return 'OCF_DEGRADED'
    case 191: return 'promoted (degraded)'
    default: return 'unknown'
  }
}

/** pcmk_exec_status_str(): the op-status text. */
export function execStatusText(status: ExecStatus): string {
  switch (status) {
    case ExecStatus.Pending: return 'pending'
    case ExecStatus.Done: return 'complete'
    case ExecStatus.Cancelled: return 'Cancelled'
    case ExecStatus.Timeout: return 'Timed Out'
    case ExecStatus.NotSupported: return 'NOT SUPPORTED'
    case ExecStatus.Error: return 'Error'
    case ExecStatus.ErrorHard: return 'Hard error'
    case ExecStatus.ErrorFatal: return 'Fatal error'
    case ExecStatus.NotInstalled: return 'Not installed'
    case ExecStatus.NotConnected: return 'Internal communication failure'
    case ExecStatus.Invalid: return 'Cannot execute now'
    case ExecStatus.NoFenceDevice: return 'No fence device'
    case ExecStatus.NoSecrets: return 'CIB secrets unavailable'
  }
}

/** LSB exit status → OCF (services_lsb.c): `status` has its own table, other actions map 0–7 1:1. */
export function lsbToOcf(action: string, exitCode: number): number {
  if (action === 'status' || action === 'monitor') {
    if (exitCode === 0) return OcfRc.Ok
    if (exitCode === 1 || exitCode === 2 || exitCode === 3) return OcfRc.NotRunning
    if (exitCode === 150) return OcfRc.ErrInstalled
    if (exitCode === 151) return OcfRc.ErrPerm
    return OcfRc.ErrGeneric
  }
  return exitCode >= 0 && exitCode <= 7 ? exitCode : OcfRc.ErrGeneric
}

/** Is this a probe (one-shot monitor)? */
export function isProbe(action: string, intervalMs: number): boolean {
  return action === 'monitor' && intervalMs === 0
}

/** The rc the controller expects: 7 for probes, 8 for promoted-role monitors, else 0. */
export function defaultTargetRc(action: string, intervalMs: number, role?: string): number {
  if (isProbe(action, intervalMs)) return OcfRc.NotRunning
  if (action === 'monitor' && /^(promoted|master)$/i.test(role ?? '')) return OcfRc.RunningPromoted
  return OcfRc.Ok
}

/**
 * How Pacemaker's scheduler reads one result (unpack.c, reference §1.5):
 * degraded monitors count as success, a probe that finds the resource
 * stopped, running or "not installed"/"invalid parameter" (masked) is not a
 * failure, and a failure's class decides the recovery.
 */
export function classify(action: string, intervalMs: number, rc: number, status: ExecStatus, targetRc = defaultTargetRc(action, intervalMs)): Classification {
  const probe = isProbe(action, intervalMs)
  const verdict = (cls: RcClass, failed: boolean, text = rcText(rc)): Classification => ({class: cls, failed, text})
  switch (status) {
    case ExecStatus.Pending: return verdict('ok', false, 'pending')
    case ExecStatus.Cancelled: return verdict('cancelled', false, execStatusText(status))
    case ExecStatus.NotInstalled:
      return probe ? verdict('not-running', false, 'not installed') : verdict('hard', true, execStatusText(status))
    case ExecStatus.NotSupported: return verdict('not-supported', true, execStatusText(status))
    case ExecStatus.ErrorHard: return verdict('hard', true, execStatusText(status))
    case ExecStatus.ErrorFatal: return verdict('fatal', true, execStatusText(status))
    case ExecStatus.Done: break
    default: return verdict('soft', true, execStatusText(status))
  }
  // Degraded monitors: 190 counts as 0 and 191 as 8 (shown, never a failure by itself).
  let effective = rc
  if (action === 'monitor' && rc === OcfRc.Degraded) effective = OcfRc.Ok
  if (action === 'monitor' && rc === OcfRc.DegradedPromoted) effective = OcfRc.RunningPromoted
  const degraded = effective !== rc
  if (effective === targetRc || (probe && (effective === OcfRc.Ok || effective === OcfRc.RunningPromoted))) {
    if (degraded) return verdict('degraded', false)
    if (effective === OcfRc.NotRunning) return verdict('not-running', false)
    if (effective === OcfRc.RunningPromoted) return verdict('promoted', false)
    return verdict('ok', false)
  }
  switch (effective) {
    case OcfRc.NotRunning:
      return probe ? verdict('not-running', false) : verdict('soft', true)
    case OcfRc.ErrArgs:
    case OcfRc.ErrInstalled:
      // Masked probe failures (2.1): treated as "not running here", no fail count.
      return probe ? verdict('not-running', false) : verdict('hard', true)
    case OcfRc.ErrPerm: return verdict('hard', true)
    case OcfRc.ErrUnimplemented: return intervalMs > 0 ? verdict('not-supported', true) : verdict('hard', true)
    case OcfRc.ErrConfigured: return verdict('fatal', true)
    default: return verdict('soft', true)
  }
}
