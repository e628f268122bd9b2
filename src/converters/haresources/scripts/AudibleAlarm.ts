import type {Params} from '../../cib-build.js'
import {ocf, param, type ScriptMapper} from './types.js'

export const AudibleAlarm: ScriptMapper = {
  script: 'AudibleAlarm',
  usage: 'AudibleAlarm[::node…]',
  map(args, ctx) {
    const params: Params = []
    param(params, 'nodelist', args.join(' '))
    ctx.report('warning', 'convert-audiblealarm', `${ctx.token}: AudibleAlarm beeps on the console while the resource runs; rarely wanted on a server.`)
    return {kind: 'primitive', idBase: `alarm_${ctx.node}_${ctx.line}`, agent: ocf('AudibleAlarm'), params}
  },
}
