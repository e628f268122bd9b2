import type {SourceLocation} from '../../core/findings.js'

/**
 * The typed model of a Heartbeat `authkeys` file:
 *
 *     auth 2            # the index this node signs with
 *     1 crc
 *     2 sha1 SomeLongSecret
 *
 * `entries` keeps every line in file order for the printer; `authLines` and
 * `keys` are the same objects by kind.
 */
export interface Authkeys {
  file: string
  entries: AuthkeysEntry[]
  /** Every `auth` line; Heartbeat uses the last one. */
  authLines: AuthLine[]
  keys: AuthKey[]
}

export type AuthkeysEntry =
  | {kind: 'auth'; auth: AuthLine}
  | {kind: 'key'; key: AuthKey}
  | {kind: 'comment'; text: string; location: SourceLocation}
  | {kind: 'blank'; location: SourceLocation}
  /** A line Heartbeat cannot read (it refuses to start); kept for printing. */
  | {kind: 'invalid'; text: string; location: SourceLocation}

export interface AuthLine {
  /** The index named by `auth N`. */
  index: number
  location: SourceLocation
  /** Text after the index (ignored by Heartbeat, often a comment). */
  rest?: string
}

export type AuthMethod = 'crc' | 'md5' | 'sha1'

export interface AuthKey {
  index: number
  /** Method as written; Heartbeat knows `crc`, `md5`, `sha1`. */
  method: string
  /** The third word of the line (keys cannot contain blanks). */
  key?: string
  /** Anything after the key: Heartbeat ignores it. */
  rest?: string
  location: SourceLocation
  methodLocation: SourceLocation
  keyLocation?: SourceLocation
  restLocation?: SourceLocation
}

export const AUTH_METHODS: readonly AuthMethod[] = ['crc', 'md5', 'sha1']

/** The auth line Heartbeat uses (the last one), if any. */
export function activeAuthLine(model: Authkeys): AuthLine | undefined {
  return model.authLines[model.authLines.length - 1]
}

/** The key entry this node signs with (`auth N` → entry N; the last one if repeated). */
export function activeKey(model: Authkeys): AuthKey | undefined {
  const auth = activeAuthLine(model)
  if (!auth) return undefined
  return model.keys.filter((k) => k.index === auth.index).at(-1)
}
