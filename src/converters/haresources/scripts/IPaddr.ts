import {mapIpShorthand} from './ip-shorthand-mapper.js'
import {checkArgCount, type ScriptMapper} from './types.js'

export const IPaddr: ScriptMapper = {
  script: 'IPaddr',
  usage: 'IPaddr::ip[/mask[/nic[/broadcast]]]',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 1, 1)
    ctx.report('info', 'convert-ipaddr', `${ctx.token}: IPaddr converted to ocf:heartbeat:IPaddr2.`)
    return mapIpShorthand(args[0] ?? '', ctx, false)
  },
}
