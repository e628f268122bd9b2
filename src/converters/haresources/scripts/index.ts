/**
 * Every script /etc/ha.d/resource.d ships (heartbeat 3.0.6 + drbd-utils),
 * with its mapper. hto-mapfuncs is a shell library, not a resource.
 */
import {drbddisk, drbdupper} from './drbd.js'
import {IPaddr, IPaddr2, IPsrcaddr, IPv6addr, SendArp} from './ipaddr.js'
import {OCF} from './ocf-wrapper.js'
import {AudibleAlarm, Delay, MailTo, WAS, WinPopup, Xinetd, apache, db2, ids, portblock} from './services.js'
import {Filesystem, ICP, LVM, LinuxSCSI, Raid1, ServeRAID} from './storage.js'
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
    const d = editDistance(script.toLowerCase(), m.script.toLowerCase())
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
