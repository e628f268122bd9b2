/**
 * heartbeat's time syntax (config.c get_msec): a number with an optional
 * fraction; no unit = seconds, `ms` = milliseconds, `us` = microseconds.
 */
export function parseHeartbeatTime(text: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(ms|us|s)?$/i.exec(text.trim())
  if (!m) return undefined
  const n = Number(m[1])
  const unit = (m[2] ?? 's').toLowerCase()
  return Math.round(unit === 'ms' ? n : unit === 'us' ? n / 1000 : n * 1000)
}

/** A Pacemaker duration for `ms` milliseconds: `120s` when whole seconds, else `1500ms`. */
export function pacemakerDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}

/** heartbeat booleans: true/on/yes/y/1 and false/off/no/n/0, any case. */
export function parseHeartbeatBoolean(text: string): boolean | undefined {
  const v = text.trim().toLowerCase()
  if (['true', 'on', 'yes', 'y', '1'].includes(v)) return true
  if (['false', 'off', 'no', 'n', '0'].includes(v)) return false
  return undefined
}
