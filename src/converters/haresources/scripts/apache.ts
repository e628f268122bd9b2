import type {Params} from '../../cib-build.js'
import {checkArgCount, ocf, param, type ScriptMapper} from './types.js'

export const apache: ScriptMapper = {
  script: 'apache',
  usage: 'apache[::configfile]',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 0, 1)
    const params: Params = []
    param(params, 'configfile', args[0])
    if (args.length === 0) {
      ctx.report('warning', 'convert-apache-config', `${ctx.token}: no configfile; the agent defaults to /etc/httpd/conf/httpd.conf (Debian: set configfile=/etc/apache2/apache2.conf). Its monitor needs mod_status (statusurl).`)
    }
    return {kind: 'primitive', idBase: 'apache', agent: ocf('apache'), params}
  },
}
