/**
 * DRBD resources → ocf:linbit:drbd promotable clones (converting.md §2.5,
 * §4.4), and the adapter from the drbd.conf model to what the converters need.
 */
import {emptyCib, type Cib, type Clone} from '../../formats/cib/model.js'
import {resourceOption, type DrbdModel, type DrbdResource} from '../../formats/drbd/index.js'
import {finding, type Finding} from '../../core/findings.js'
import {drbdOps} from '../agents.js'
import {nvSet, primitive} from '../cib-build.js'
import {IdAllocator} from '../ids.js'
import type {DrbdResourceInfo} from '../haresources/types.js'

/** What the converters use of one drbd.conf resource. */
export function drbdResourceInfo(r: DrbdResource): DrbdResourceInfo {
  const hosts: string[] = []
  const addresses: Record<string, string> = {}
  const minors = new Set<number>()
  let stackedOn: string | undefined
  r.hosts.forEach((h, i) => {
    if (h.kind === 'stacked-on-top-of') stackedOn = h.names[0]
    const names = h.kind === 'floating' ? [`floating-${h.address?.host ?? i}`] : h.names.slice(0, 1)
    hosts.push(...names)
    if (h.kind === 'on' && h.address && !h.address.isHostName) for (const n of h.names) addresses[n] ??= h.address.host
    for (const v of h.volumes) if (v.device?.minor != null) minors.add(v.device.minor)
  })
  for (const v of r.volumes) if (v.device?.minor != null) minors.add(v.device.minor)
  const twoPrimaries = resourceOption(r, 'net', 'allow-two-primaries')
  const becomePrimary = resourceOption(r, 'startup', 'become-primary-on')
  const dualPrimary =
    (twoPrimaries !== undefined && (twoPrimaries.args[0]?.value ?? 'yes') !== 'no') || becomePrimary?.args[0]?.value === 'both'
  const info: DrbdResourceInfo = {name: r.name, hosts, minors: [...minors].sort((a, b) => a - b), addresses, location: r.loc}
  if (dualPrimary) info.dualPrimary = true
  if (stackedOn) info.stackedOn = stackedOn
  return info
}

export function drbdResourceInfos(model: DrbdModel): DrbdResourceInfo[] {
  return model.resources.map(drbdResourceInfo)
}

/** The primitive + promotable clone for one DRBD resource. */
export function drbdPromotableClone(name: string, hostCount: number, ids: IdAllocator): Clone {
  const rscId = ids.allocate(`drbd_${name}`)
  const cloneId = ids.allocate(`ms_drbd_${name}`)
  const p = primitive(rscId, {class: 'ocf', provider: 'linbit', type: 'drbd'}, [['drbd_resource', name]], [
    {name: 'monitor', ...drbdOps.promotedMonitor, role: 'Promoted'},
    {name: 'monitor', ...drbdOps.unpromotedMonitor, role: 'Unpromoted'},
    {name: 'start', interval: '0s', timeout: drbdOps.start},
    {name: 'stop', interval: '0s', timeout: drbdOps.stop},
    {name: 'promote', interval: '0s', timeout: drbdOps.promote},
    {name: 'demote', interval: '0s', timeout: drbdOps.demote},
    {name: 'notify', interval: '0s', timeout: drbdOps.notify},
  ])
  return {
    kind: 'clone',
    id: cloneId,
    promotable: true,
    legacyMaster: false,
    child: p,
    metaAttributes: [
      nvSet(`${cloneId}-meta_attributes`, [
        ['promotable', 'true'],
        ['promoted-max', '1'],
        ['promoted-node-max', '1'],
        ['clone-max', String(hostCount > 0 ? hostCount : 2)],
        ['clone-node-max', '1'],
        ['notify', 'true'],
      ]),
    ],
  }
}

/** `hakit convert drbd`: a promotable clone for every DRBD resource, stacked ones colocated with their lower resource. */
export function convertDrbd(resources: readonly DrbdResourceInfo[], options: {file?: string} = {}): {cib: Cib; findings: Finding[]} {
  const cib = emptyCib()
  const findings: Finding[] = []
  const ids = new IdAllocator()
  const cloneOf = new Map<string, string>()
  for (const r of resources) {
    const clone = drbdPromotableClone(r.name, r.hosts.length, ids)
    cloneOf.set(r.name, clone.id)
    cib.resources.push(clone)
    if (r.dualPrimary) {
      findings.push(finding('convert-drbd-dual-primary', 'warning', r.location, `DRBD resource '${r.name}': dual-primary settings ignored (promoted-max=1); remove become-primary-on.`))
    }
    if (r.hosts.length > 2) {
      findings.push(finding('convert-drbd-mesh', 'info', r.location, `DRBD resource '${r.name}' has ${r.hosts.length} hosts: clone-max=${r.hosts.length}; consider quorum majority in drbd.conf.`))
    }
  }
  for (const r of resources) {
    if (!r.stackedOn) continue
    const lower = cloneOf.get(r.stackedOn)
    const upper = cloneOf.get(r.name)!
    findings.push(finding('convert-drbd-stacked', 'warning', r.location, `DRBD resource '${r.name}' is stacked on '${r.stackedOn}': its clone is colocated with and ordered after the lower resource's promotion; review ordering with its IP.`))
    if (lower) {
      cib.constraints.push(
        {kind: 'colocation', id: ids.allocate(`col_${upper}_with_${lower}`), rsc: upper, rscRole: 'Started', withRsc: lower, withRscRole: 'Promoted', score: 'INFINITY'},
        {kind: 'order', id: ids.allocate(`ord_${lower}_before_${upper}`), first: lower, firstAction: 'promote', then: upper, thenAction: 'start', orderKind: 'Mandatory'},
      )
    }
  }
  if (resources.length > 0) {
    findings.push(finding('convert-drbd-service', 'warning', resources[0]!.location, 'disable the drbd init/systemd service: Pacemaker now starts and promotes DRBD.'))
  } else {
    findings.push(finding('convert-drbd-none', 'error', options.file ? {file: options.file, line: 1, column: 1} : undefined, 'the DRBD configuration defines no resource: the converted CIB has no resources.'))
  }
  // A CIB on its own must pass crm_verify, which refuses stonith-enabled (the default) without a device.
  cib.crmConfig.push(nvSet('cib-bootstrap-options', [['stonith-enabled', 'false']]))
  findings.push(finding('convert-no-fencing', 'warning', resources[0]?.location ?? (options.file ? {file: options.file, line: 1, column: 1} : undefined), 'no fencing in this CIB: stonith-enabled=false (DRBD without fencing risks split brain and data divergence); configure a fence device, or convert ha.cf too (convert all) for its stonith lines.'))
  return {cib, findings}
}

/**
 * dopd's handler (`outdate-peer`/`fence-peer … drbd-peer-outdater`): dopd talked to Heartbeat,
 * which is gone after the migration; DRBD would call a helper that can no longer reach its peer.
 */
export function dopdHandlerFindings(model: DrbdModel): Finding[] {
  const findings: Finding[] = []
  const bodies = [model.common?.body ?? [], ...model.resources.map((r) => r.section.body)]
  for (const body of bodies) {
    for (const handlers of body) {
      if (handlers.type !== 'section' || handlers.keyword !== 'handlers') continue
      for (const s of handlers.body) {
        if (s.type !== 'statement' || !['outdate-peer', 'fence-peer'].includes(s.keyword)) continue
        if (!s.args.some((a) => /drbd-peer-outdater/.test(a.value))) continue
        findings.push(finding('convert-drbd-dopd', 'warning', s.loc, `${s.keyword} runs dopd's drbd-peer-outdater, which needs Heartbeat (dopd is respawned by heartbeat): after the migration it can never outdate the peer. Use fence-peer "/usr/lib/drbd/crm-fence-peer.9.sh" and unfence-peer "/usr/lib/drbd/crm-unfence-peer.9.sh" (DRBD 8.4: crm-fence-peer.sh / after-resync-target crm-unfence-peer.sh) with fencing resource-only.`))
      }
    }
  }
  return findings
}
