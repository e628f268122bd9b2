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

/**
 * The lines of one top-level section of a crm_simulate output ("Current cluster status:",
 * "Revised Cluster Status:"), blank lines inside kept, leading and trailing ones dropped; null
 * when the output has no such section.
 */
export function sectionLines(text: string, heading: string): string[] | null {
  const lines = text.split('\n')
  const start = lines.findIndex((l) => l.trim() === heading)
  if (start < 0) return null
  const out: string[] = []
  for (const l of lines.slice(start + 1)) {
    if (l.trim() !== '' && !/^\s/.test(l)) break // the next top-level heading
    out.push(l.trimEnd())
  }
  while (out.length > 0 && out[0] === '') out.shift()
  while (out.length > 0 && out[out.length - 1] === '') out.pop()
  return out
}
