import type {Finding} from '../core/findings.js'
import {activeAuthLine, AUTH_METHODS, type Authkeys} from '../formats/authkeys/model.js'
import {report} from './rules.js'
import {didYouMean} from './suggest.js'

export interface AuthkeysFileInfo {
  /** st_mode of the file; omitted for standard input. */
  mode?: number
  /** st_uid of the file. */
  uid?: number
}

/** Keys that come from samples and tutorials (compared case-insensitively). */
const PLACEHOLDER_KEYS = ['hi!', 'hello!', 'changeme', 'change_me', 'secret', 'password', 'passwd', 'key', 'mykey', 'yourkey', 'your_key', 'sha1_any_password', 'md5_any_password', 'test', 'foobar', 'heartbeat']
const MIN_KEY_LENGTH = 16

function isPlaceholder(key: string): boolean {
  const lower = key.toLowerCase()
  return PLACEHOLDER_KEYS.includes(lower) || /^(.)\1*$/.test(key) || /^<.*>$/.test(key) || /^(your|my|some)[-_ ]?(secret|key|password)/.test(lower)
}

/** Lints an authkeys model (plus the file's mode and owner when known). */
export function lintAuthkeys(model: Authkeys, info: AuthkeysFileInfo = {}): Finding[] {
  const findings: Finding[] = []
  const top = {file: model.file, line: 1, column: 1}

  if (info.mode !== undefined) {
    const mode = info.mode & 0o777
    if (mode & 0o044) {
      const who = [mode & 0o040 ? 'group' : '', mode & 0o004 ? 'others' : ''].filter(Boolean).join(' and ')
      findings.push(
        report('authkeys-mode', top, `mode ${mode.toString(8).padStart(3, '0')} lets ${who} read the keys: Heartbeat refuses to start ("Bad permissions on keyfile"); use chmod 600`),
      )
    }
  }
  if (info.uid !== undefined && info.uid !== 0) {
    findings.push(report('authkeys-owner', top, `owned by uid ${info.uid}, not root: that user can read and change the cluster key (chown root)`))
  }

  const auth = activeAuthLine(model)
  if (!auth) findings.push(report('authkeys-missing-auth', top, 'no "auth N" line: Heartbeat refuses to start ("Missing auth directive")'))
  for (const extra of model.authLines.slice(0, -1)) {
    findings.push(report('authkeys-duplicate-auth', extra.location, `"auth ${extra.index}" is overridden by "auth ${auth!.index}" on line ${auth!.location.line}`))
  }

  const seen = new Map<number, number>()
  const valid = new Set<number>()
  for (const key of model.keys) {
    if (key.index < 0 || key.index > 15) {
      findings.push(report('authkeys-index-range', key.location, `key index ${key.index} is outside 0..15: Heartbeat refuses to start ("Invalid authnum")`))
      continue
    }
    const earlier = seen.get(key.index)
    if (earlier !== undefined) {
      findings.push(report('authkeys-duplicate-index', key.location, `key index ${key.index} is already defined on line ${earlier}`))
    } else seen.set(key.index, key.location.line)

    const method = key.method
    if (!(AUTH_METHODS as readonly string[]).includes(method)) {
      findings.push(
        report('authkeys-unknown-method', key.methodLocation, `unknown method "${method}"${didYouMean(method, AUTH_METHODS)}; Heartbeat knows sha1, md5 and crc`),
      )
      continue
    }
    const active = auth !== undefined && auth.index === key.index
    if (method === 'crc') {
      if (key.key !== undefined) {
        findings.push(report('authkeys-crc-key', key.keyLocation, 'crc takes no key: Heartbeat rejects this entry ("Auth method [crc] doesn\'t use a key")'))
        continue
      }
      if (active) {
        findings.push(report('authkeys-crc', key.methodLocation, 'crc is a checksum, not authentication: anyone on the network can forge cluster messages; use sha1 with a long random key'))
      } else {
        findings.push(
          report('authkeys-crc-listed', key.methodLocation, `crc entry ${key.index} is not the active one, but Heartbeat accepts packets naming index ${key.index} with a plain CRC: anyone can forge messages; remove this line`),
        )
      }
    } else {
      if (key.key === undefined) {
        findings.push(report('authkeys-missing-key', key.methodLocation, `${method} needs a key: Heartbeat refuses to start ("Auth method [${method}] requires a key")`))
        continue
      }
      if (method === 'md5') findings.push(report('authkeys-md5', key.methodLocation, 'md5 is weak; prefer sha1 with a long random key'))
      if (isPlaceholder(key.key)) {
        findings.push(report('authkeys-placeholder-key', key.keyLocation, `the key "${key.key}" is sample or placeholder text: generate a random one (e.g. openssl rand -hex 32)`))
      } else if (key.key.length < MIN_KEY_LENGTH) {
        findings.push(report('authkeys-short-key', key.keyLocation, `the key is only ${key.key.length} characters long; use at least ${MIN_KEY_LENGTH} random characters`))
      }
      if (key.key.includes('#')) {
        findings.push(report('authkeys-hash-in-key', key.keyLocation, `"#" is part of the key "${key.key}": authkeys comments only start at the beginning of a line`))
      }
    }
    if (key.rest !== undefined) {
      findings.push(report('authkeys-ignored-text', key.restLocation ?? key.location, `Heartbeat ignores "${key.rest}" after the key`))
    }
    valid.add(key.index)
  }

  if (auth && !valid.has(auth.index)) {
    findings.push(report('authkeys-auth-unknown-index', auth.location, `"auth ${auth.index}" names no valid key line ${auth.index}: Heartbeat refuses to start ("Auth Key [${auth.index}] not found")`))
  }
  return findings
}
