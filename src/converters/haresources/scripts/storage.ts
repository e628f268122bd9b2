import type {Params} from '../../cib-build.js'
import {basename, checkArgCount, ocf, param, type ScriptMapper} from './types.js'

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

export const LinuxSCSI: ScriptMapper = {
  script: 'LinuxSCSI',
  usage: 'LinuxSCSI::host:channel:target[:lun]',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 1, 1)
    ctx.report('warning', 'convert-deprecated-agent', `${ctx.token}: ocf:heartbeat:LinuxSCSI is deprecated in resource-agents 4.12 (consider sfex or scsi2reservation).`)
    return {kind: 'primitive', idBase: `scsi_${args[0] ?? ''}`, agent: ocf('LinuxSCSI'), params: [['scsi', args[0] ?? '']]}
  },
}

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

export const ServeRAID: ScriptMapper = {
  script: 'ServeRAID',
  usage: 'ServeRAID::adapter::mergegroup',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 2, 2)
    const [adapter = '', group = ''] = args
    ctx.report('info', 'convert-obsolete-hardware', `${ctx.token}: IBM ServeRAID agent kept as is.`)
    return {kind: 'primitive', idBase: `serveraid_${adapter}_${group}`, agent: ocf('ServeRAID'), params: [['serveraid', adapter], ['mergegroup', group]]}
  },
}
