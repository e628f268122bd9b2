/** The lines of a crm_simulate output's "Transition Summary:" section (trailing blanks dropped), or null when there is none. */
export function transitionSummaryLines(text: string): string[] | null {
  const lines = text.split('\n')
  const start = lines.findIndex((l) => l.trim() === 'Transition Summary:')
  if (start < 0) return null
  const out: string[] = []
  for (const l of lines.slice(start + 1)) {
    if (l.trim() === '') continue
    if (!/^\s/.test(l)) break // the next top-level heading
    out.push(l.trimEnd())
  }
  return out
}
