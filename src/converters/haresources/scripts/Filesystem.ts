import type {Params} from '../../cib-build.js'
import {checkArgCount, ocf, param, type ScriptMapper} from './types.js'

export const Filesystem: ScriptMapper = {
  script: 'Filesystem',
  usage: 'Filesystem::device::directory[::fstype[::options]]',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 2, 4)
    const [device = '', directory = '', fstype, options] = args
    const params: Params = [['device', device], ['directory', directory]]
    if (fstype === undefined || fstype === '') {
      params.push(['fstype', 'auto'])
      ctx.report('warning', 'convert-fstype', `${ctx.token}: no fstype (v1 let mount guess); fstype=auto written because the agent requires one — set the real type.`)
    } else {
      params.push(['fstype', fstype])
    }
    param(params, 'options', options)
    const mount = directory.replace(/^\/+/, '')
    return {kind: 'primitive', idBase: `fs_${mount === '' ? 'root' : mount}`, agent: ocf('Filesystem'), params}
  },
}
