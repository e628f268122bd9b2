import type {Params} from '../../cib-build.js'
import {checkArgCount, ocf, param, type ScriptMapper} from './types.js'

/** Delay: the wrapper forces startdelay=10 when absent (the agent's default is 20). */
export const Delay: ScriptMapper = {
  script: 'Delay',
  usage: 'Delay[::startdelay[::stopdelay]]',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 0, 2)
    const params: Params = [['startdelay', args[0] ?? '10']]
    param(params, 'stopdelay', args[1])
    return {kind: 'primitive', idBase: `delay_${ctx.node}_${ctx.line}`, agent: ocf('Delay'), params}
  },
}
