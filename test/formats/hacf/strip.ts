/** Deep copy without `location`-like keys and endLine, to compare models parsed from different layouts. */
export function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      if (k === 'file' || k === 'endLine' || /location$/i.test(k) || k === 'at') continue
      out[k] = withoutPositions(v)
    }
    return out
  }
  return value
}
