import type {Params} from '../../cib-build.js'
import {checkArgCount, ocf, param, type ScriptMapper} from './types.js'

export const MailTo: ScriptMapper = {
  script: 'MailTo',
  usage: 'MailTo::email[::subject]',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 1, 2)
    const params: Params = [['email', args[0] ?? '']]
    param(params, 'subject', args[1])
    return {kind: 'primitive', idBase: `mail_${ctx.node}_${ctx.line}`, agent: ocf('MailTo'), params}
  },
}
