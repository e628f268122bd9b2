/** Pacemaker score arithmetic: ±INFINITY is ±1 000 000 and saturates; -INFINITY wins over +INFINITY. */
export const INFINITY = 1_000_000

export function parseScoreText(text: string | undefined, fallback = 0): number {
  if (text === undefined) return fallback
  const t = text.trim()
  if (/^[+]?INFINITY$/i.test(t)) return INFINITY
  if (/^-INFINITY$/i.test(t)) return -INFINITY
  if (/^red$/i.test(t) || /^yellow$/i.test(t) || /^green$/i.test(t)) return 0
  const n = Number.parseInt(t, 10)
  if (Number.isNaN(n)) return fallback
  return clamp(n)
}

function clamp(n: number): number {
  if (n >= INFINITY) return INFINITY
  if (n <= -INFINITY) return -INFINITY
  return n
}

export function addScores(a: number, b: number): number {
  if (a <= -INFINITY || b <= -INFINITY) return -INFINITY
  if (a >= INFINITY || b >= INFINITY) return INFINITY
  return clamp(a + b)
}

export function scoreText(n: number): string {
  if (n >= INFINITY) return 'INFINITY'
  if (n <= -INFINITY) return '-INFINITY'
  return String(n)
}

/** Pacemaker's boolean spellings (crm_is_true). */
export function isTrue(v: string | undefined): boolean {
  return v !== undefined && /^(true|on|yes|y|1)$/i.test(v.trim())
}

/** A valid false boolean (crm_str_to_boolean); anything else, including no value, is not false. */
export function isFalse(v: string | undefined): boolean {
  return v !== undefined && /^(false|off|no|n|0)$/i.test(v.trim())
}

/** Interval/duration text to milliseconds ("10", "10s", "1min", "PT5M"); undefined if invalid. */
export function intervalMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const t = text.trim()
  if (t === '') return undefined
  // ISO 8601 durations; like Pacemaker, hours and seconds are also read before the "T" ("P30S")
  const iso = /^P(?:(\d+)W)?(?:(\d+)D)?(?:(\d+)H)?(?:(\d+)S)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(t)
  if (iso && t.length > 1) {
    const n = (i: number) => Number(iso[i] ?? 0)
    return (((n(1) * 7 + n(2)) * 24 + n(3) + n(5)) * 3600 + n(6) * 60 + n(4) + n(7)) * 1000
  }
  const m = /^(\d+)\s*(ms|msec|s|sec|m|min|h|hr)?$/i.exec(t)
  if (!m) return undefined
  const n = Number(m[1])
  switch ((m[2] ?? 's').toLowerCase()) {
    case 'ms': case 'msec': return n
    case 's': case 'sec': return n * 1000
    case 'm': case 'min': return n * 60_000
    default: return n * 3_600_000
  }
}

/** Natural, case-insensitive comparison used for node names (pcmk__numeric_strcasecmp). */
export function numericCompare(a: string, b: string): number {
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const ca = a[i]
    const cb = b[j]
    if (/\d/.test(ca) && /\d/.test(cb)) {
      let ea = i
      while (ea < a.length && /\d/.test(a[ea])) ea++
      let eb = j
      while (eb < b.length && /\d/.test(b[eb])) eb++
      const na = Number(a.slice(i, ea))
      const nb = Number(b.slice(j, eb))
      if (na !== nb) return na < nb ? -1 : 1
      i = ea
      j = eb
      continue
    }
    const la = ca.toLowerCase()
    const lb = cb.toLowerCase()
    if (la !== lb) return la < lb ? -1 : 1
    i++
    j++
  }
  if (i < a.length) return 1
  if (j < b.length) return -1
  return 0
}

/** C strcmp on byte order. */
export function strcmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
