/**
 * The IPaddr/IPaddr2 wrappers' positional `ip[/mask[/nic[/broadcast]]]`
 * split, reproduced from /etc/ha.d/resource.d/IPaddr (heartbeat 3.0.6):
 * slashes after a field are swallowed (`ip//8` = `ip/8`); a third field that
 * starts with a digit is the broadcast address (and there is no nic).
 */
export interface IpShorthand {
  ip: string
  netmask?: string
  nic?: string
  broadcast?: string
}

export function splitIpShorthand(token: string): IpShorthand {
  const cut = (s: string) => {
    const i = s.indexOf('/')
    return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i).replace(/^\/+/, '')]
  }
  const [ip, afterIp] = cut(token)
  const result: IpShorthand = {ip}
  if (afterIp === '') return result
  const [netmask, afterMask] = cut(afterIp)
  if (netmask !== '') result.netmask = netmask
  const [nic, afterNic] = cut(afterMask)
  if (/^[0-9]/.test(nic)) {
    result.broadcast = nic
  } else if (nic !== '') {
    result.nic = nic
    const [broadcast] = cut(afterNic)
    if (broadcast !== '') result.broadcast = broadcast
  }
  return result
}

/** heartbeat's `isip` glob `[0-9]*.[0-9]*.[0-9]*.[0-9]*`: a bare token meaning IPaddr. */
export function looksLikeBareIp(token: string): boolean {
  return /^[0-9][^]*\.[0-9][^]*\.[0-9][^]*\.[0-9]/.test(token)
}

export function isIpv4(text: string): boolean {
  const parts = text.split('.')
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)
}

export function isIpv6(text: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(':')) return false
  const double = text.split('::')
  if (double.length > 2) return false
  const groups = text.split(':').filter((g) => g !== '')
  const last = groups.at(-1) ?? ''
  const v4Tail = last.includes('.')
  if (v4Tail && !isIpv4(last)) return false
  const count = groups.length + (v4Tail ? 1 : 0)
  if (groups.some((g, i) => !(i === groups.length - 1 && v4Tail) && !/^[0-9A-Fa-f]{1,4}$/.test(g))) return false
  return double.length === 2 ? count < 8 : count === 8
}

/** `255.255.255.0` → 24; undefined for a non-contiguous or malformed mask. */
export function dottedMaskToPrefix(mask: string): number | undefined {
  if (!isIpv4(mask)) return undefined
  const bits = mask.split('.').map((p) => Number(p).toString(2).padStart(8, '0')).join('')
  return /^1*0*$/.test(bits) ? bits.indexOf('0') === -1 ? 32 : bits.indexOf('0') : undefined
}
