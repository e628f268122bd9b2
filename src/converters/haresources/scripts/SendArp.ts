import type {Params} from '../../cib-build.js'
import {checkArgCount, ocf, param, type ScriptMapper} from './types.js'

export const SendArp: ScriptMapper = {
  script: 'SendArp',
  usage: 'SendArp::ip/nic',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 1, 1)
    const token = args[0] ?? ''
    const slash = token.indexOf('/')
    const params: Params = []
    let ip = token
    if (slash < 0) {
      ctx.report('error', 'convert-sendarp-nic', `${ctx.token}: no '/nic' part; the v1 wrapper passed the whole token as the interface. Set nic= by hand.`)
    } else {
      ip = token.slice(0, slash)
    }
    params.push(['ip', ip])
    if (slash >= 0) param(params, 'nic', token.slice(slash + 1))
    return {kind: 'primitive', idBase: `arp_${ip}`, agent: ocf('SendArp'), params}
  },
}
