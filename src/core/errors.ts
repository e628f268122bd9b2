import {formatLocation, type SourceLocation} from './findings.js'

/**
 * An error the user can fix: bad input, a missing file. Commands print its
 * one-line message (no stack) and exit with `exitCode`.
 * Anything else that is thrown is a hakit bug.
 */
/** Exit code for configuration errors: Heartbeat's LSB "not configured", which the daemons' systemd units do not restart on (RestartPreventExitStatus). */
export const CONFIG_ERROR_EXIT = 6

export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 2,
    readonly location?: SourceLocation,
  ) {
    super(location ? `${formatLocation(location)}: ${message}` : message)
    this.name = 'UserError'
  }
}
