import {checkArgCount, ocf, type ScriptMapper} from './types.js'

export const LinuxSCSI: ScriptMapper = {
  script: 'LinuxSCSI',
  usage: 'LinuxSCSI::host:channel:target[:lun]',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 1, 1)
    ctx.report('warning', 'convert-deprecated-agent', `${ctx.token}: ocf:heartbeat:LinuxSCSI is deprecated in resource-agents 4.12 (consider sfex or scsi2reservation).`)
    return {kind: 'primitive', idBase: `scsi_${args[0] ?? ''}`, agent: ocf('LinuxSCSI'), params: [['scsi', args[0] ?? '']]}
  },
}
