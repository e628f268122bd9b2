/**
 * Value readers that behave exactly like Heartbeat 3.0.6 / cluster-glue 1.0.12.
 */

export type TimeResult = {ok: true; ms: number} | {ok: false; reason: 'syntax' | 'unit'; unit?: string}

const NUMCHARS = '0123456789.'
const WHITESPACE = ' \t\n\r\f\v'

function spanOf(text: string, from: number, chars: string): number {
  let i = from
  while (i < text.length && chars.includes(text[i])) i++
  return i
}

/**
 * Reads a time value as cl_get_msec does: a number made of digits and dots,
 * optional blanks, an optional unit. No unit means seconds; a unit starting
 * with `ms` (any case) means milliseconds, `us` microseconds. Any other unit,
 * `s` and `sec` included, is an error. Rounded to the nearest millisecond.
 */
export function parseHeartbeatTime(text: string): TimeResult {
  const start = spanOf(text, 0, WHITESPACE)
  if (start >= text.length || !NUMCHARS.includes(text[start])) return {ok: false, reason: 'syntax'}
  const numberEnd = spanOf(text, start, NUMCHARS)
  const unitStart = spanOf(text, numberEnd, WHITESPACE)
  const unit = text.slice(unitStart)
  let factor = 1000
  const lower = unit.toLowerCase()
  if (lower.startsWith('ms')) factor = 1
  else if (lower.startsWith('us')) factor = 0.001
  else if (unit.length > 0) return {ok: false, reason: 'unit', unit}
  // atof: the longest prefix that is a valid decimal number ("1.2.3" reads 1.2, "." reads 0).
  const numeric = /^\d*\.?\d*/.exec(text.slice(start, numberEnd))![0]
  const value = numeric === '' || numeric === '.' ? 0 : Number.parseFloat(numeric)
  return {ok: true, ms: Math.floor(value * factor + 0.5)}
}

/** cl_str_to_boolean: true/on/yes/y/1 and false/off/no/n/0, any case. */
export function parseHeartbeatBoolean(text: string): boolean | undefined {
  const lower = text.toLowerCase()
  if (['true', 'on', 'yes', 'y', '1'].includes(lower)) return true
  if (['false', 'off', 'no', 'n', '0'].includes(lower)) return false
  return undefined
}

/** A decimal integer as Heartbeat's setters read it (digits only, optional sign). */
export function parseHeartbeatInt(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number.parseInt(text, 10) : undefined
}

export type AutoFailback = 'on' | 'off' | 'legacy'

/** auto_failback takes any boolean or `legacy`. */
export function parseAutoFailback(text: string): AutoFailback | undefined {
  if (text.toLowerCase() === 'legacy') return 'legacy'
  const bool = parseHeartbeatBoolean(text)
  return bool === undefined ? undefined : bool ? 'on' : 'off'
}

/** Formats milliseconds the way a human writes them in ha.cf (bare seconds when whole). */
export function formatHeartbeatTime(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : `${ms}ms`
}
