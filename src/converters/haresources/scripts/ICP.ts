import {basename, checkArgCount, ocf, type ScriptMapper} from './types.js'

export const ICP: ScriptMapper = {
  script: 'ICP',
  usage: 'ICP::driveid::device',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 2, 2)
    const [driveid = '', device = ''] = args
    ctx.report('info', 'convert-obsolete-hardware', `${ctx.token}: ICP Vortex hardware agent kept as is.`)
    return {kind: 'primitive', idBase: `icp_${basename(device)}`, agent: ocf('ICP'), params: [['driveid', driveid], ['device', device]]}
  },
}
