import {isIpv4} from '../ipaddr-shorthand.js'
import {checkArgCount, ocf, type ScriptMapper} from './types.js'

export const IPsrcaddr: ScriptMapper = {
  script: 'IPsrcaddr',
  usage: 'IPsrcaddr::ip',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 1, 1)
    const ip = args[0] ?? ''
    if (!isIpv4(ip)) ctx.report('error', 'convert-ip-invalid', `${ctx.token}: '${ip}' is not an IPv4 address.`)
    return {kind: 'primitive', idBase: `srcaddr_${ip}`, agent: ocf('IPsrcaddr'), params: [['ipaddress', ip]]}
  },
}
