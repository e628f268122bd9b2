import {dottedMaskToPrefix, isIpv4, isIpv6, splitIpShorthand} from '../ipaddr-shorthand.js'
import type {Params} from '../../cib-build.js'
import {ocf, param, type MapContext, type MappedResource} from './types.js'

/**
 * IPaddr, IPaddr2 and bare IPs → ocf:heartbeat:IPaddr2. The positional
 * shorthand is split exactly like the v1 wrapper; dotted masks become prefix
 * lengths (IPaddr2 takes CIDR only) and `eth0:1` becomes nic=eth0 iflabel=1.
 */
export function mapIpShorthand(token: string, ctx: MapContext, allowV6: boolean): MappedResource {
  const parts = splitIpShorthand(token)
  const params: Params = []
  const v6 = allowV6 && isIpv6(parts.ip)
  if (!isIpv4(parts.ip) && !v6) {
    ctx.report('error', 'convert-ip-invalid', `${ctx.token}: '${parts.ip}' is not an IP address (a placeholder?); set ip= by hand.`)
  }
  params.push(['ip', parts.ip])
  let nic = parts.nic
  if (parts.netmask !== undefined) {
    const maxPrefix = v6 ? 128 : 32
    if (/^[0-9]+$/.test(parts.netmask) && Number(parts.netmask) <= maxPrefix) {
      params.push(['cidr_netmask', String(Number(parts.netmask))])
    } else if (isIpv4(parts.netmask)) {
      const prefix = dottedMaskToPrefix(parts.netmask)
      if (prefix === undefined) {
        ctx.report('error', 'convert-ip-netmask', `${ctx.token}: netmask ${parts.netmask} is not contiguous; IPaddr2 needs a prefix length.`)
      } else {
        params.push(['cidr_netmask', String(prefix)])
        ctx.report('info', 'convert-ip-netmask', `${ctx.token}: dotted netmask ${parts.netmask} written as cidr_netmask=${prefix}.`)
      }
    } else if (/^[A-Za-z]/.test(parts.netmask) && nic === undefined) {
      nic = parts.netmask
      ctx.report('warning', 'convert-ip-nic-as-mask', `${ctx.token}: heartbeat read '${parts.netmask}' as the netmask (the field after the IP is always the mask); hakit takes it as the interface. Check the address came up as intended.`)
    } else {
      ctx.report('error', 'convert-ip-netmask', `${ctx.token}: '${parts.netmask}' is not a netmask.`)
    }
  }
  if (nic !== undefined) {
    const colon = nic.indexOf(':')
    if (colon > 0) {
      param(params, 'nic', nic.slice(0, colon))
      param(params, 'iflabel', nic.slice(colon + 1))
    } else {
      params.push(['nic', nic])
    }
  }
  if (parts.broadcast !== undefined) {
    if (!isIpv4(parts.broadcast)) ctx.report('warning', 'convert-ip-broadcast', `${ctx.token}: broadcast '${parts.broadcast}' is not an IPv4 address.`)
    params.push(['broadcast', parts.broadcast])
  }
  return {kind: 'primitive', idBase: `ip_${parts.ip}`, agent: ocf('IPaddr2'), params}
}
