/**
 * authkeys → corosync authkey: 256 binary bytes, mode 0400. Derived
 * reproducibly from the selected sha1/md5 passphrase with HKDF-SHA256 (fixed,
 * documented salt and info, so every node gets the same key from the same
 * authkeys), or random. A derived key is only as strong as the old passphrase.
 */
import {hkdfSync, randomBytes} from 'node:crypto'
import {finding, type Finding} from '../../core/findings.js'
import type {AuthkeysKey} from '../hacf/types.js'

export const AUTHKEY_BYTES = 256
export const AUTHKEY_MODE = 0o400
export const AUTHKEY_SALT = 'hakit corosync authkey v1'
export const AUTHKEY_INFO = 'heartbeat authkeys passphrase'

export interface AuthkeyResult {
  key: Buffer
  derived: boolean
  findings: Finding[]
}

/** options.file: the authkeys file, where findings about the file as a whole point (its first line). */
export function convertAuthkeys(selected: AuthkeysKey | undefined, options: {generate?: boolean; file?: string} = {}): AuthkeyResult {
  const findings: Finding[] = []
  const loc = selected?.location
  const whole = options.file === undefined ? undefined : {file: options.file, line: 1, column: 1}
  if (options.generate || !selected || selected.method === 'crc' || !selected.key) {
    if (!selected) {
      findings.push(finding('convert-authkey-new', 'warning', whole, 'no usable auth key selected (heartbeat could not start with this authkeys); a random corosync authkey was generated.'))
    } else if (selected.method === 'crc') {
      findings.push(finding('convert-auth-crc', 'warning', loc, 'auth method crc means heartbeat traffic was unauthenticated; a random corosync authkey was generated and crypto is enabled.'))
    } else if (!selected.key) {
      findings.push(finding('convert-authkey-new', 'warning', loc, `auth ${selected.id} ${selected.method} has no key; a random corosync authkey was generated.`))
    }
    findings.push(finding('convert-authkey-copy', 'info', whole, 'copy the same authkey to /etc/corosync/authkey on every node (owner root, mode 0400).'))
    return {key: randomBytes(AUTHKEY_BYTES), derived: false, findings}
  }
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(selected.key, 'utf8'), AUTHKEY_SALT, AUTHKEY_INFO, AUTHKEY_BYTES))
  findings.push(finding('convert-authkey-derived', 'warning', loc, `corosync authkey derived from the ${selected.method} passphrase (HKDF-SHA256): reproducible on every node, but only as strong as that passphrase; use --generate for a random key.`))
  findings.push(finding('convert-authkey-copy', 'info', whole, 'install the authkey as /etc/corosync/authkey on every node (owner root, mode 0400).'))
  return {key, derived: true, findings}
}
