import type {Params} from '../../cib-build.js'
import {ocf, param, type ScriptMapper} from './types.js'

export const ids: ScriptMapper = {
  script: 'ids',
  usage: 'ids[::informixdir::informixserver::onconfig]',
  map(args, ctx) {
    if (args.length !== 0 && args.length !== 3) {
      ctx.report('error', 'convert-script-args', `${ctx.token}: expected 0 or 3 arguments (${this.usage}); got ${args.length}.`)
    }
    const params: Params = []
    param(params, 'informixdir', args[0])
    param(params, 'informixserver', args[1])
    param(params, 'onconfig', args[2])
    return {kind: 'primitive', idBase: `ids_${args[1] ?? `${ctx.node}_${ctx.line}`}`, agent: ocf('ids'), params}
  },
}
