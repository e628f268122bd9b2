import {isIpv6} from '../ipaddr-shorthand.js'
import type {Params} from '../../cib-build.js'
import {checkArgCount, ocf, param, type ScriptMapper} from './types.js'

/** IPv6addr::addr[/prefix[/nic]] → IPaddr2, which handles IPv6 natively. */
export const IPv6addr: ScriptMapper = {
  script: 'IPv6addr',
  usage: 'IPv6addr::addr[/prefix[/nic]]',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 1, 1)
    const [addr = '', prefix, nic] = (args[0] ?? '').split('/')
    if (!isIpv6(addr)) ctx.report('error', 'convert-ip-invalid', `${ctx.token}: '${addr}' is not an IPv6 address.`)
    const params: Params = [['ip', addr]]
    param(params, 'cidr_netmask', prefix)
    param(params, 'nic', nic)
    ctx.report('info', 'convert-ipv6addr', `${ctx.token}: IPv6addr converted to ocf:heartbeat:IPaddr2.`)
    return {kind: 'primitive', idBase: `ip_${addr}`, agent: ocf('IPaddr2'), params}
  },
}
