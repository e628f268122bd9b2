/**
 * crm_mon 2.1.5's `--output-as xml` (API 2.25) written from the status data,
 * element by element and attribute by attribute in crm_mon's order, so
 * scripts that parse crm_mon's XML read hakit's the same way.
 */
import {escapeAttr} from '../../../formats/cib/xml.js'
import type {GroupData, PrimitiveData, ResourceData, StatusData} from './status-data.js'

type Attrs = [string, string | number | boolean | undefined][]

function tag(indent: string, name: string, attrs: Attrs, close: boolean): string {
  const text = attrs.filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`).join('')
  return `${indent}<${name}${text}${close ? '/' : ''}>`
}

function primitiveXml(r: PrimitiveData, indent: string): string[] {
  const attrs: Attrs = [
    ['id', r.id], ['resource_agent', r.resourceAgent], ['role', r.role], ['target_role', r.targetRole], ['active', r.active],
    ['orphaned', r.orphaned], ['blocked', r.blocked], ['managed', r.managed], ['failed', r.failed], ['failure_ignored', r.failureIgnored],
    ['nodes_running_on', r.nodesRunningOn], ['locked_to', r.lockedTo],
  ]
  if (r.nodes.length === 0) return [tag(indent, 'resource', attrs, true)]
  return [
    tag(indent, 'resource', attrs, false),
    ...r.nodes.map((n) => tag(`${indent}  `, 'node', [['name', n.name], ['id', n.id], ['cached', n.cached]], true)),
    `${indent}</resource>`,
  ]
}

function groupXml(g: GroupData, indent: string): string[] {
  return [
    tag(indent, 'group', [['id', g.id], ['number_resources', g.numberResources], ['managed', g.managed], ['disabled', g.disabled]], false),
    ...g.resources.flatMap((r) => primitiveXml(r, `${indent}  `)),
    `${indent}</group>`,
  ]
}

function resourceXml(r: ResourceData, indent: string): string[] {
  if (r.kind === 'primitive') return primitiveXml(r, indent)
  if (r.kind === 'group') return r.resources.length > 0 ? groupXml(r, indent) : []
  if (r.resources.length === 0) return []
  return [
    tag(indent, 'clone', [
      ['id', r.id], ['multi_state', r.multiState], ['unique', r.unique], ['managed', r.managed], ['disabled', r.disabled],
      ['failed', r.failed], ['failure_ignored', r.failureIgnored], ['target_role', r.targetRole],
    ], false),
    ...r.resources.flatMap((c) => resourceXml(c, `${indent}  `)),
    `${indent}</clone>`,
  ]
}

/** A list element, self-closed when empty. */
function list(name: string, inner: string[]): string[] {
  return inner.length === 0 ? [`  <${name}/>`] : [`  <${name}>`, ...inner, `  </${name}>`]
}

export function statusXml(d: StatusData, request: string): string {
  const s = d.summary
  const dc = s.currentDc
  const o = s.clusterOptions
  const lines = [
    `<pacemaker-result api-version="2.25" request="${escapeAttr(request)}">`,
    '  <summary>',
    tag('    ', 'stack', [['type', s.stack]], true),
    tag('    ', 'current_dc', dc.present
      ? [['present', true], ['version', dc.version], ['name', dc.name], ['id', dc.id], ['with_quorum', dc.withQuorum], ['mixed_version', dc.mixedVersion]]
      : [['present', false]], true),
    tag('    ', 'last_update', [['time', s.lastUpdate]], true),
    tag('    ', 'last_change', [['time', s.lastChange.time], ['user', s.lastChange.user], ['client', s.lastChange.client], ['origin', s.lastChange.origin]], true),
    tag('    ', 'nodes_configured', [['number', s.nodesConfigured]], true),
    tag('    ', 'resources_configured', [['number', s.resourcesConfigured.number], ['disabled', s.resourcesConfigured.disabled], ['blocked', s.resourcesConfigured.blocked]], true),
    tag('    ', 'cluster_options', [
      ['stonith-enabled', o.stonithEnabled], ['symmetric-cluster', o.symmetricCluster], ['no-quorum-policy', o.noQuorumPolicy],
      ['maintenance-mode', o.maintenanceMode], ['stop-all-resources', o.stopAllResources], ['stonith-timeout-ms', o.stonithTimeoutMs],
      ['priority-fencing-delay-ms', o.priorityFencingDelayMs],
    ], true),
    '  </summary>',
    ...list('nodes', d.nodes.map((n) => tag('    ', 'node', [
      ['name', n.name], ['id', n.id], ['online', n.online], ['standby', n.standby], ['standby_onfail', n.standbyOnfail],
      ['maintenance', n.maintenance], ['pending', n.pending], ['unclean', n.unclean], ['health', n.health], ['feature_set', n.featureSet],
      ['shutdown', n.shutdown], ['expected_up', n.expectedUp], ['is_dc', n.isDc], ['resources_running', n.resourcesRunning], ['type', n.type],
    ], true))),
    ...list('resources', d.resources.flatMap((r) => resourceXml(r, '    '))),
  ]
  if (d.nodeAttributes.length > 0) {
    lines.push(...list('node_attributes', d.nodeAttributes.flatMap((n) => [
      tag('    ', 'node', [['name', n.node]], false),
      ...n.attributes.map((a) => tag('      ', 'attribute', [['name', a.name], ['value', a.value], ['expected', a.expected]], true)),
      '    </node>',
    ])))
  }
  if (d.nodeHistory) {
    lines.push(...list('node_history', d.nodeHistory.flatMap((n) => [
      tag('    ', 'node', [['name', n.node]], false),
      ...n.resources.flatMap((r) => {
        const head: Attrs = r.orphan ? [['id', r.id], ['orphan', true]]
          : [['id', r.id], ['orphan', false], ['migration-threshold', r.migrationThreshold], ['fail-count', r.failCount], ['last-failure', r.lastFailure]]
        if (r.operations.length === 0) return [tag('      ', 'resource_history', head, true)]
        return [
          tag('      ', 'resource_history', head, false),
          ...r.operations.map((op) => tag('        ', 'operation_history', [
            ['call', op.call], ['task', op.task], ['rc', op.rc], ['rc_text', op.rcText], ['interval', op.interval],
            ['last-rc-change', op.lastRcChange], ['exec-time', op.execTime], ['queue-time', op.queueTime],
          ], true)),
          '      </resource_history>',
        ]
      }),
      '    </node>',
    ])))
  }
  if (d.failures.length > 0) {
    lines.push(...list('failures', d.failures.map((f) => tag('    ', 'failure', [
      ['op_key', f.opKey], ['id', f.id], ['node', f.node], ['exitstatus', f.exitstatus], ['exitreason', f.exitreason], ['exitcode', f.exitcode],
      ['call', f.call], ['status', f.status], ['last-rc-change', f.lastRcChange], ['queued', f.queued], ['exec', f.exec],
      ['interval', f.interval], ['task', f.task],
    ], true))))
  }
  if (d.bans.length > 0) {
    lines.push(...list('bans', d.bans.map((b) => tag('    ', 'ban', [
      ['id', b.id], ['resource', b.resource], ['node', b.node], ['weight', b.weight], ['promoted-only', b.promotedOnly], ['master_only', b.promotedOnly],
    ], true))))
  }
  lines.push('  <status code="0" message="OK"/>', '</pacemaker-result>')
  return lines.join('\n') + '\n'
}
