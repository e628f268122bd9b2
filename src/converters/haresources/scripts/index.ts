/**
 * Every script /etc/ha.d/resource.d ships (heartbeat 3.0.6 + drbd-utils),
 * with its mapper. hto-mapfuncs is a shell library, not a resource.
 */
import {apache} from './apache.js'
import {AudibleAlarm} from './AudibleAlarm.js'
import {db2} from './db2.js'
import {Delay} from './Delay.js'
import {drbddisk} from './drbddisk.js'
import {drbdupper} from './drbdupper.js'
import {Filesystem} from './Filesystem.js'
import {ICP} from './ICP.js'
import {ids} from './ids.js'
import {IPaddr} from './IPaddr.js'
import {IPaddr2} from './IPaddr2.js'
import {IPsrcaddr} from './IPsrcaddr.js'
import {IPv6addr} from './IPv6addr.js'
import {LinuxSCSI} from './LinuxSCSI.js'
import {LVM} from './LVM.js'
import {MailTo} from './MailTo.js'
import {OCF} from './OCF.js'
import {portblock} from './portblock.js'
import {Raid1} from './Raid1.js'
import {SendArp} from './SendArp.js'
import {ServeRAID} from './ServeRAID.js'
import {WAS} from './WAS.js'
import {WinPopup} from './WinPopup.js'
import {Xinetd} from './Xinetd.js'
import type {ScriptMapper} from './types.js'

export const scriptMappers: readonly ScriptMapper[] = [
  AudibleAlarm, Delay, Filesystem, ICP, IPaddr, IPaddr2, IPsrcaddr, IPv6addr, LVM, LinuxSCSI, MailTo, OCF,
  Raid1, SendArp, ServeRAID, WAS, WinPopup, Xinetd, apache, db2, drbddisk, drbdupper, ids, portblock,
]

const byName = new Map(scriptMappers.map((m) => [m.script, m]))
const byLowerName = new Map(scriptMappers.map((m) => [m.script.toLowerCase(), m]))

export function findMapper(script: string): ScriptMapper | undefined {
  return byName.get(script)
}

/** A shipped script spelled with other letter case (`IPAddr`): v1's lookup was case-sensitive. */
export function findMapperIgnoringCase(script: string): ScriptMapper | undefined {
  return byLowerName.get(script.toLowerCase())
}

/** A shipped script within two edits of `script` (`drbdisk` → drbddisk), for a hint. */
export function nearestScript(script: string): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const m of scriptMappers) {
    // Lengths 3 apart mean a distance of 3 or more: skip, so a huge token costs nothing.
    if (Math.abs(m.script.length - script.length) >= bestDistance) continue
    const d = editDistance(script.toLowerCase(), m.script.toLowerCase())
    if (d < bestDistance) {
      best = m.script
      bestDistance = d
    }
  }
  return best
}

/**
 * A likely typo of a shipped script (`drbdisk` → drbddisk): within a third of the word's length
 * in edits (at least 1, at most 2). A longer name that starts with the shipped one (`apache2`,
 * `LVM-activate`) is another program, not a typo.
 */
export function nearMissScript(script: string): string | undefined {
  if (findMapper(script)) return undefined
  const word = script.toLowerCase()
  const limit = Math.min(2, Math.max(1, Math.floor(word.length / 3)))
  let best: string | undefined
  let bestDistance = limit + 1
  for (const m of scriptMappers) {
    const name = m.script.toLowerCase()
    if (word.startsWith(name) || name === word) continue
    const d = editDistance(word, name)
    if (d < bestDistance) {
      best = m.script
      bestDistance = d
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}

export type {ScriptMapper, MappedResource, MapContext} from './types.js'
