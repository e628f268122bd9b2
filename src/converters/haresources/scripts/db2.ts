import {checkArgCount, ocf, type ScriptMapper} from './types.js'

export const db2: ScriptMapper = {
  script: 'db2',
  usage: 'db2::instance',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 1, 1)
    return {kind: 'primitive', idBase: `db2_${args[0] ?? ''}`, agent: ocf('db2'), params: [['instance', args[0] ?? '']]}
  },
}
