import type {Params} from '../../cib-build.js'
import {checkArgCount, ocf, param, type ScriptMapper} from './types.js'

export const WinPopup: ScriptMapper = {
  script: 'WinPopup',
  usage: 'WinPopup[::hostfile]',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 0, 1)
    const params: Params = []
    param(params, 'hostfile', args[0])
    if (args[0] === undefined || !args[0].startsWith('/')) {
      ctx.report('warning', 'convert-winpopup', `${ctx.token}: hostfile is a relative path (default 'hosts'); give an absolute path. The agent needs smbclient.`)
    }
    return {kind: 'primitive', idBase: `winpopup_${ctx.node}_${ctx.line}`, agent: ocf('WinPopup'), params}
  },
}
