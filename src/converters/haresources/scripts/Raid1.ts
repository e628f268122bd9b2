import {basename, checkArgCount, ocf, type ScriptMapper} from './types.js'

/** Raid1::conf::dev → mdraid for an mdadm.conf, else the legacy Raid1 agent (raidtab). */
export const Raid1: ScriptMapper = {
  script: 'Raid1',
  usage: 'Raid1::raidconf::mddev',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 2, 2)
    const [conf = '', dev = ''] = args
    if (/mdadm/.test(basename(conf))) {
      return {kind: 'primitive', idBase: `raid_${basename(dev)}`, agent: ocf('mdraid'), params: [['mdadm_conf', conf], ['md_dev', dev]]}
    }
    ctx.report('warning', 'convert-raidtab', `${ctx.token}: ${conf} is not an mdadm.conf (raidtools' raidtab is obsolete); kept as ocf:heartbeat:Raid1. Move to mdadm and ocf:heartbeat:mdraid.`)
    return {kind: 'primitive', idBase: `raid_${basename(dev)}`, agent: ocf('Raid1'), params: [['raidconf', conf], ['raiddev', dev]]}
  },
}
