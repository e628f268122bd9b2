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

export const Xinetd: ScriptMapper = {
  script: 'Xinetd',
  usage: 'Xinetd::service',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 1, 1)
    return {kind: 'primitive', idBase: `xinetd_${args[0] ?? ''}`, agent: ocf('Xinetd'), params: [['service', args[0] ?? '']]}
  },
}

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

/** Delay: the wrapper forces startdelay=10 when absent (the agent's default is 20). */
export const Delay: ScriptMapper = {
  script: 'Delay',
  usage: 'Delay[::startdelay[::stopdelay]]',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 0, 2)
    const params: Params = [['startdelay', args[0] ?? '10']]
    param(params, 'stopdelay', args[1])
    return {kind: 'primitive', idBase: `delay_${ctx.node}_${ctx.line}`, agent: ocf('Delay'), params}
  },
}

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

/** WAS: digits = port, anything else = config file (the wrapper tested -f on the live system). */
export const WAS: ScriptMapper = {
  script: 'WAS',
  usage: 'WAS[::configfile|port]',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 0, 1)
    const params: Params = []
    const arg = args[0]
    if (arg !== undefined && /^[0-9]+$/.test(arg)) params.push(['port', arg])
    else param(params, 'config', arg)
    return {kind: 'primitive', idBase: 'was', agent: ocf('WAS'), params}
  },
}

export const db2: ScriptMapper = {
  script: 'db2',
  usage: 'db2::instance',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 1, 1)
    return {kind: 'primitive', idBase: `db2_${args[0] ?? ''}`, agent: ocf('db2'), params: [['instance', args[0] ?? '']]}
  },
}

export const ids: ScriptMapper = {
  script: 'ids',
  usage: 'ids[::informixdir::informixserver::onconfig]',
  map(args, ctx) {
    if (args.length !== 0 && args.length !== 3) {
      ctx.report('error', 'convert-script-args', `${ctx.token}: expected 0 or 3 arguments (${this.usage}); got ${args.length}.`)
    }
    const params: Params = []
    param(params, 'informixdir', args[0])
    param(params, 'informixserver', args[1])
    param(params, 'onconfig', args[2])
    return {kind: 'primitive', idBase: `ids_${args[1] ?? `${ctx.node}_${ctx.line}`}`, agent: ocf('ids'), params}
  },
}
