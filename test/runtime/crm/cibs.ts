/** Small CIBs for the controller tests, written as Pacemaker would store them. */

export interface CibOptions {
  nodes?: string[]
  stonith?: boolean
  /** extra cluster options: name → value */
  options?: Record<string, string>
  resources: string
  constraints?: string
  rscDefaults?: Record<string, string>
  fencingTopology?: string
}

export function cibXml(o: CibOptions): string {
  const nodes = o.nodes ?? ['n1', 'n2']
  const opts: Record<string, string> = {'stonith-enabled': o.stonith ? 'true' : 'false', ...o.options}
  const nv = (prefix: string, m: Record<string, string>) => Object.entries(m).map(([k, v]) => `<nvpair id="${prefix}-${k}" name="${k}" value="${v}"/>`).join('')
  return `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config><cluster_property_set id="cib-bootstrap-options">${nv('cib-bootstrap-options', opts)}</cluster_property_set></crm_config>
    <nodes>${nodes.map((n, i) => `<node id="${i + 1}" uname="${n}"/>`).join('')}</nodes>
    <resources>${o.resources}</resources>
    <constraints>${o.constraints ?? ''}</constraints>
    ${o.rscDefaults ? `<rsc_defaults><meta_attributes id="rsc-options">${nv('rsc-options', o.rscDefaults)}</meta_attributes></rsc_defaults>` : ''}
    ${o.fencingTopology ?? ''}
  </configuration>
  <status/>
</cib>`
}

export function dummy(id: string, extra = '', monitor = '10s'): string {
  return `<primitive id="${id}" class="ocf" provider="pacemaker" type="Dummy">${extra}<operations><op id="${id}-monitor-${monitor}" name="monitor" interval="${monitor}" timeout="20s"/></operations></primitive>`
}

export function meta(id: string, m: Record<string, string>): string {
  return `<meta_attributes id="${id}-meta">${Object.entries(m).map(([k, v]) => `<nvpair id="${id}-meta-${k}" name="${k}" value="${v}"/>`).join('')}</meta_attributes>`
}

export function fenceDevice(id: string, hosts: string[]): string {
  return `<primitive id="${id}" class="stonith" type="fence_dummy"><instance_attributes id="${id}-ia"><nvpair id="${id}-ia-hosts" name="pcmk_host_list" value="${hosts.join(' ')}"/></instance_attributes></primitive>`
}

/** Stateful as a promotable clone, a group colocated with the promoted instance and ordered after promote (the DRBD pattern). */
export function drbdPattern(): {resources: string; constraints: string} {
  return {
    resources: `<clone id="ms_state"><meta_attributes id="ms_state-meta"><nvpair id="ms_state-meta-promotable" name="promotable" value="true"/><nvpair id="ms_state-meta-notify" name="notify" value="true"/></meta_attributes>
      <primitive id="state" class="ocf" provider="pacemaker" type="Stateful"><operations>
        <op id="state-monitor-10" name="monitor" interval="10s" role="Promoted" timeout="20s"/>
        <op id="state-monitor-11" name="monitor" interval="11s" role="Unpromoted" timeout="20s"/></operations></primitive></clone>
      <group id="g_web">${dummy('fs')}${dummy('web')}</group>`,
    constraints: `<rsc_colocation id="g_web-with-promoted" score="INFINITY" rsc="g_web" with-rsc="ms_state" with-rsc-role="Promoted"/>
      <rsc_order id="promote-then-g_web" kind="Mandatory" first="ms_state" first-action="promote" then="g_web" then-action="start"/>`,
  }
}
