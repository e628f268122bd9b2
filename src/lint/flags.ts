import {Flags} from '@oclif/core'

/** Flags shared by every `hakit lint` command. */
export const lintFlags = {
  json: Flags.boolean({description: 'print the findings as JSON: the envelope of docs/json.md, findings {file, line, column, severity, id, message}'}),
  strict: Flags.boolean({description: 'count warnings as errors for the exit code'}),
  offline: Flags.boolean({
    description: 'skip checks against this machine (resource scripts, respawn programs, users, interfaces): use for files copied from another host',
  }),
}

export const LINT_EXIT_CODES = `EXIT CODES
  0  no errors (warnings and info allowed unless --strict)
  1  errors found (or warnings with --strict)
  2  the input could not be read (missing, a directory, binary, invalid UTF-8, too large)`

export const LINT_ENVIRONMENT = `ENVIRONMENT
  NO_COLOR     no colour (also when stdout is not a terminal)
  FORCE_COLOR  colour even when piped`
