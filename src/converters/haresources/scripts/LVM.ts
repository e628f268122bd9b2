import {checkArgCount, ocf, type ScriptMapper} from './types.js'

/** LVM::vg → the same agent the wrapper ran (ocf:heartbeat:LVM), with a pointer to LVM-activate. */
export const LVM: ScriptMapper = {
  script: 'LVM',
  usage: 'LVM::vgname',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 1, 1)
    const vg = args[0] ?? ''
    ctx.report('warning', 'convert-lvm-mode', `${ctx.token}: kept as ocf:heartbeat:LVM (what the v1 wrapper ran; deprecated). Moving to ocf:heartbeat:LVM-activate needs vg_access_mode (system_id or tagging) and lvm.conf changes — hakit does not guess that.`)
    return {kind: 'primitive', idBase: `lvm_${vg}`, agent: ocf('LVM'), params: [['volgrpname', vg]]}
  },
}
