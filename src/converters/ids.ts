/**
 * Readable, valid and unique XML ids for converted resources and constraints
 * (an XML ID starts with a letter or `_` and holds letters, digits, `-`, `_`, `.`; dots are turned into `_`
 * too, so `ip_192_168_0_1` reads like the other ids).
 */
export function sanitizeId(text: string): string {
  let id = text.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/_+/g, '_')
  id = id.replace(/^_+(?=.)/, '').replace(/(?<=.)_+$/, '')
  if (id === '' || id === '_') return 'rsc'
  return /^[A-Za-z_]/.test(id) ? id : `r_${id}`
}

/** Hands out ids, adding `_2`, `_3`, … when a base id is taken. */
export class IdAllocator {
  private readonly taken = new Set<string>()
  /** Per base id, the suffix to try next: without it, N uses of one base cost O(N²). */
  private readonly nextSuffix = new Map<string, number>()

  /** Marks ids that exist already (from another part of the conversion). */
  reserve(id: string): void {
    this.taken.add(id)
  }

  has(id: string): boolean {
    return this.taken.has(id)
  }

  allocate(base: string): string {
    const clean = sanitizeId(base)
    let id = clean
    let n = this.nextSuffix.get(clean) ?? 2
    // Suffixes below n are taken already (the set only grows), so the search resumes at n.
    if (this.taken.has(id)) {
      while (this.taken.has((id = `${clean}_${n}`))) n++
      this.nextSuffix.set(clean, n + 1)
    }
    this.taken.add(id)
    return id
  }
}
