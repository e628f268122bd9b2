/**
 * A Pacemaker-on-Heartbeat site (ha.cf `crm on`): Heartbeat carried
 * Pacemaker's messages, the resources were in the CIB. Its bundle takes
 * corosync.conf and the authkey from ha.cf/authkeys as for a v1 site, and
 * the CIB from the old cluster's configuration, upgraded (`convert cib`).
 */
import type {Finding} from '../../core/findings.js'
import {sections, value} from '../../formats/corosync/model.js'
import type {Bundle} from '../bundle.js'
import type {OldCibConversion} from './convert.js'

/** ha.cf findings about the CIB part the v1 conversion would have written; the old CIB replaces it. */
const REPLACED_BY_OLD_CIB = new Set([
  'convert-hacf-crm-mode', 'convert-no-fencing', 'convert-failback', 'convert-failback-legacy', 'convert-hacf-nice-failback',
  'convert-ping-no-ipfail', 'convert-ping-is-node', 'convert-ping-group', 'convert-ipfail-no-ping', 'convert-ping-weight',
  'convert-stonith', 'convert-stonith-type', 'convert-stonith-params', 'convert-stonith-file', 'convert-fake-fencing', 'convert-no-resources',
  'convert-crm-mode-haresources',
])

/** The corosync cluster_name of the bundle: the CIB's cluster-name must be the same. */
export function bundleClusterName(bundle: Bundle): string | undefined {
  return value(sections(bundle.corosync, 'totem')[0], 'cluster_name')
}

export function withOldCib(bundle: Bundle, old: OldCibConversion, files: string[]): Bundle {
  const findings: Finding[] = [...bundle.findings.filter((f) => !REPLACED_BY_OLD_CIB.has(f.id)), ...old.findings]
  return {
    ...bundle,
    cib: old.cib,
    findings,
    mappings: [],
    units: [],
    oldCib: {files, dialect: old.dialect, nodeIds: old.nodeIds},
  }
}
