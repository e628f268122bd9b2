import {mapIpShorthand} from './ip-shorthand-mapper.js'
import {checkArgCount, type ScriptMapper} from './types.js'

export const IPaddr2: ScriptMapper = {
  script: 'IPaddr2',
  usage: 'IPaddr2::ip[/mask[/nic[/broadcast]]]',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 1, 1)
    return mapIpShorthand(args[0] ?? '', ctx, true)
  },
}
