import type {Params} from '../../cib-build.js'
import {checkArgCount, ocf, param, type ScriptMapper} from './types.js'

/** WAS: digits = port, anything else = config file (the wrapper tested -f on the live system). */
export const WAS: ScriptMapper = {
  script: 'WAS',
  usage: 'WAS[::configfile|port]',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 0, 1)
    const params: Params = []
    const arg = args[0]
    if (arg !== undefined && /^[0-9]+$/.test(arg)) params.push(['port', arg])
    else param(params, 'config', arg)
    return {kind: 'primitive', idBase: 'was', agent: ocf('WAS'), params}
  },
}
