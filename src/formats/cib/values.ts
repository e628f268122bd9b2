/**
 * Interpreting the strings a CIB holds, the way Pacemaker 2.1 does:
 * scores (char2score), intervals/timeouts (crm_get_msec), booleans
 * (crm_str_to_boolean).
 */

/** Pacemaker's INFINITY: every score is clamped to ±1 000 000. */
export const INFINITY = 1_000_000

/**
 * A score as a number, INFINITY = 1 000 000. Accepts INFINITY, +INFINITY,
 * -INFINITY (any case) and integers (clamped to ±INFINITY, a leading `+`
 * allowed). `red`/`yellow`/`green` are the node-health scores of the
 * cluster options; pass them in `health` to resolve them. Returns undefined
 * for anything Pacemaker would not read as a score.
 */
export function parseScore(text: string | undefined, health?: {red?: number; yellow?: number; green?: number}): number | undefined {
  if (text === undefined) return undefined
  const s = text.trim()
  const upper = s.toUpperCase()
  if (upper === 'INFINITY' || upper === '+INFINITY') return INFINITY
  if (upper === '-INFINITY') return -INFINITY
  const lower = s.toLowerCase()
  if (lower === 'red' || lower === 'yellow' || lower === 'green') return health?.[lower] ?? (lower === 'red' ? -INFINITY : 0)
  if (!/^[+-]?\d+$/.test(s)) return undefined
  const n = Number.parseInt(s, 10)
  return Math.max(-INFINITY, Math.min(INFINITY, n))
}

/**
 * A score read as leniently as Pacemaker's char2score does where no schema
 * checks it (meta attributes such as priority): a leading integer counts and
 * the rest is ignored (`1.0` → 1), anything unreadable is 0.
 */
export function char2score(text: string | undefined): number {
  const strict = parseScore(text)
  if (strict !== undefined || text === undefined) return strict ?? 0
  const m = /^\s*([+-]?\d+)/.exec(text)
  return m ? Math.max(-INFINITY, Math.min(INFINITY, Number.parseInt(m[1], 10))) : 0
}

/** True when `text` is something Pacemaker reads as a score. */
export function isScore(text: string): boolean {
  return parseScore(text) !== undefined
}

/** The canonical spelling of a score: INFINITY, -INFINITY or the integer. */
export function normalizeScore(text: string): string {
  const n = parseScore(text)
  if (n === undefined) return text
  if (n === INFINITY) return 'INFINITY'
  if (n === -INFINITY) return '-INFINITY'
  return String(n)
}

const unitMs: Record<string, number> = {
  '': 1000,
  s: 1000,
  sec: 1000,
  ms: 1,
  msec: 1,
  us: 0.001,
  usec: 0.001,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
}

/**
 * A duration (interval, timeout, start-delay) in milliseconds, as
 * crm_get_msec reads it: a number with an optional unit (default seconds;
 * ms, msec, us, usec, s, sec, m, min, h, hr), or an ISO 8601 duration
 * (`PT1M`, `P1DT2H`). Returns undefined when unreadable.
 */
export function parseInterval(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const s = text.trim()
  if (s.length === 0) return undefined
  if (/^P/i.test(s)) return parseIsoDuration(s)
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(s)
  if (!m) return undefined
  const factor = unitMs[m[2].toLowerCase()]
  if (factor === undefined) return undefined
  return Math.round(Number(m[1]) * factor)
}

/** Same as parseInterval; the name callers use for timeouts and delays. */
export const parseDuration = parseInterval

function parseIsoDuration(s: string): number | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(s)
  if (!m || s.toUpperCase() === 'P' || /T$/i.test(s)) return undefined
  const [, y, mo, w, d, h, mi, sec] = m
  const days = Number(y ?? 0) * 365 + Number(mo ?? 0) * 30 + Number(w ?? 0) * 7 + Number(d ?? 0)
  return Math.round(((days * 24 + Number(h ?? 0)) * 60 + Number(mi ?? 0)) * 60_000 + Number(sec ?? 0) * 1000)
}

/** True when `text` is a duration Pacemaker can read. */
export function isInterval(text: string): boolean {
  return parseInterval(text) !== undefined
}

/**
 * A boolean as Pacemaker reads it: yes/true/on/y/1 and no/false/off/n/0
 * (any case). Returns undefined for anything else.
 */
export function parseBoolean(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined
  const s = text.trim().toLowerCase()
  if (s === 'true' || s === 'on' || s === 'yes' || s === 'y' || s === '1') return true
  if (s === 'false' || s === 'off' || s === 'no' || s === 'n' || s === '0') return false
  return undefined
}

/** Like parseBoolean, with a default for missing or unreadable values. */
export function isTrue(text: string | undefined, fallback = false): boolean {
  return parseBoolean(text) ?? fallback
}
