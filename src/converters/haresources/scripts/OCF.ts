import {checkArgCount, ocf, type ScriptMapper} from './types.js'

export const OCF: ScriptMapper = {
  script: 'OCF',
  usage: 'OCF::type::instance',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 2, 2)
    const [type = 'unknown', instance = ''] = args
    ctx.report('error', 'convert-ocf-instance', `${ctx.token}: parameters are in /etc/ha.d/conf/OCF/${type}/${instance}, which was not converted; emitted ocf:heartbeat:${type} without parameters — add them (drop the OCF_RESKEY_ prefix) and check the provider.`)
    return {kind: 'primitive', idBase: `${type}_${instance}`, agent: ocf(type), params: []}
  },
}
