import {checkArgCount, ocf, type ScriptMapper} from './types.js'

/**
 * OCF::type::instance: the generic wrapper read OCF_RESKEY_* assignments from
 * /etc/ha.d/conf/OCF/<type>/<instance>, which a configuration-only conversion
 * does not have.
 */
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
