import {checkArgCount, ocf, type ScriptMapper} from './types.js'

export const Xinetd: ScriptMapper = {
  script: 'Xinetd',
  usage: 'Xinetd::service',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 1, 1)
    return {kind: 'primitive', idBase: `xinetd_${args[0] ?? ''}`, agent: ocf('Xinetd'), params: [['service', args[0] ?? '']]}
  },
}
