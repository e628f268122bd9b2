import type {SourceLocation} from '../../core/findings.js'

/** One ha.cf directive: its name and the raw rest of the line (comment removed). */
export interface HaCfDirective {
  name: string
  value: string
  location?: SourceLocation
}

/** The key authkeys selects with `auth N` (only that one matters for conversion). */
export interface AuthkeysKey {
  id: number
  method: string
  key?: string
  location?: SourceLocation
}
