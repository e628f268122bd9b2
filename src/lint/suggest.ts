/** Edit distance (insertions, deletions, substitutions, adjacent swaps). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({length: a.length + 1}, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/**
 * The closest candidate to `word`, if close enough to be a likely typo:
 * a case-insensitive match first, else the smallest edit distance within
 * a third of the word's length (at least 1, at most 3).
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...new Set(candidates)]
  const lower = word.toLowerCase()
  const sameCase = list.find((c) => c.toLowerCase() === lower && c !== word)
  if (sameCase) return sameCase
  if (word.length > 64) return undefined
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)))
  let best: string | undefined
  let bestDistance = limit + 1
  for (const c of list) {
    if (c === word || Math.abs(c.length - word.length) > limit) continue
    const distance = editDistance(lower, c.toLowerCase())
    if (distance < bestDistance) {
      best = c
      bestDistance = distance
    }
  }
  return best
}

/** ` (did you mean "x"?)` or empty. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closest(word, candidates)
  return match ? ` (did you mean "${match}"?)` : ''
}
