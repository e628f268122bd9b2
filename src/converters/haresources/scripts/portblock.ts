import {checkArgCount, ocf, type ScriptMapper} from './types.js'

export const portblock: ScriptMapper = {
  script: 'portblock',
  usage: 'portblock::protocol::ports::block|unblock',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 3, 3)
    const [protocol = '', ports = '', action = ''] = args
    if (!/^(tcp|udp)$/.test(protocol)) ctx.report('error', 'convert-portblock', `${ctx.token}: protocol must be tcp or udp.`)
    if (!/^(block|unblock)$/.test(action)) ctx.report('error', 'convert-portblock', `${ctx.token}: action must be block or unblock.`)
    return {
      kind: 'primitive',
      idBase: `portblock_${protocol}_${ports}_${action}`,
      agent: ocf('portblock'),
      params: [['protocol', protocol], ['portno', ports], ['action', action]],
    }
  },
}
