/**
 * Node health (pcmk_sched_nodes.c pcmk__apply_node_health, pe_health.c): with a
 * node-health-strategy, the sum of a node's #health* attributes becomes a location score for
 * every resource on that node (negative ones spare resources with allow-unhealthy-nodes=true).
 */
import {addScores, INFINITY, isTrue, parseScoreText} from './scores.js'
import {type WorkingSet} from './types.js'
import {nvsetValues} from './resources.js'

/** char2score with the red/yellow/green values of the strategy */
function healthScore(text: string | undefined, colors: {red: number; yellow: number; green: number}): number {
  if (text === undefined) return 0
  const t = text.toLowerCase()
  if (t === 'red') return colors.red
  if (t === 'yellow') return colors.yellow
  if (t === 'green') return colors.green
  return parseScoreText(text, 0)
}

/** Adds the node health location scores (before the configured constraints, as Pacemaker does). */
export function applyNodeHealth(ws: WorkingSet): void {
  const config = nvsetValues(ws.cib.crmConfig, new Map(), 'cib-bootstrap-options')
  const strategy = (config.get('node-health-strategy') ?? 'none').toLowerCase()
  if (!['migrate-on-red', 'only-green', 'progressive', 'custom'].includes(strategy)) return
  const option = (name: string, fallback: string) => parseScoreText(config.get(name) ?? fallback, 0)
  const colors = strategy === 'migrate-on-red' ? {red: -INFINITY, yellow: 0, green: 0}
    : strategy === 'only-green' ? {red: -INFINITY, yellow: -INFINITY, green: 0}
      : {red: option('node-health-red', '-INFINITY'), yellow: option('node-health-yellow', '0'), green: option('node-health-green', '0')}
  const base = strategy === 'progressive' ? option('node-health-base', '0') : 0
  for (const node of ws.nodes) {
    let health = base
    for (const [k, v] of node.attrs) if (k.startsWith('#health')) health = addScores(healthScore(v, colors), health)
    if (health === 0) continue
    for (const rsc of ws.resources) {
      if (health < 0 && isTrue(rsc.meta.get('allow-unhealthy-nodes'))) continue
      ws.locations.push({id: strategy, rsc, role: 0, nodes: [{node, score: health}]})
    }
  }
}
