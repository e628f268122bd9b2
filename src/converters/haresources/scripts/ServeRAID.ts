import {checkArgCount, ocf, type ScriptMapper} from './types.js'

export const ServeRAID: ScriptMapper = {
  script: 'ServeRAID',
  usage: 'ServeRAID::adapter::mergegroup',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 2, 2)
    const [adapter = '', group = ''] = args
    ctx.report('info', 'convert-obsolete-hardware', `${ctx.token}: IBM ServeRAID agent kept as is.`)
    return {kind: 'primitive', idBase: `serveraid_${adapter}_${group}`, agent: ocf('ServeRAID'), params: [['serveraid', adapter], ['mergegroup', group]]}
  },
}
