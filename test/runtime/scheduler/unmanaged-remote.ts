/**
 * Suite cases whose Pacemaker Remote connection failed (a start or monitor failure in its history),
 * mutated so that the failed connection is unmanaged: `is-managed=false` on the connection, or the
 * whole cluster in maintenance mode. Each mutation is simulated with and without `--node-fail` of the
 * connection's host, by hakit and by the installed crm_simulate -S, and every section compared.
 */
import {spawnSync} from 'node:child_process'
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {renderSimulation, simulate} from '../../../src/runtime/scheduler/simulate.js'
import {sectionLines} from './summary-lines.js'

export interface FailedConnection {
  /** The suite case's file name. */
  case: string
  /** The connection resource's id. */
  connection: string
  /** The cluster node whose history holds the connection's failure. */
  host: string
}

const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1]

/**
 * The configured `ocf:pacemaker:remote` primitives of a CIB whose history on a cluster node records
 * a failed start or recurring monitor (rc other than 0, or an operation status other than done).
 */
export function failedConnections(file: string, xml: string): FailedConnection[] {
  const configured = new Set([...xml.matchAll(/<primitive\b[^>]*>/g)].map((m) => m[0])
    .filter((tag) => attr(tag, 'provider') === 'pacemaker' && attr(tag, 'type') === 'remote').map((tag) => attr(tag, 'id')!))
  const found: FailedConnection[] = []
  for (const state of xml.matchAll(/<node_state\b([^>]*)>([\s\S]*?)<\/node_state>/g)) {
    if (attr(state[1], 'remote_node') === 'true') continue
    const host = attr(state[1], 'uname')!
    for (const lrm of state[2].matchAll(/<lrm_resource\b([^>]*)>([\s\S]*?)<\/lrm_resource>/g)) {
      const id = attr(lrm[1], 'id')!
      if (!configured.has(id) || found.some((f) => f.connection === id && f.host === host)) continue
      const failed = [...lrm[2].matchAll(/<lrm_rsc_op\b[^>]*>/g)].some(({0: op}) => {
        const task = attr(op, 'operation')
        const probe = task === 'monitor' && attr(op, 'interval') === '0'
        return (task === 'start' || task === 'monitor' && !probe) && (attr(op, 'rc-code') !== '0' || attr(op, 'op-status') !== '0')
      })
      if (failed) found.push({case: file, connection: id, host})
    }
  }
  return found
}

export type Unmanaging = 'is-managed' | 'maintenance-mode'

/** The CIB with the connection unmanaged: `is-managed=false` first among its meta attributes, or the cluster in maintenance. */
export function unmanage(xml: string, f: FailedConnection, how: Unmanaging): string {
  if (how === 'maintenance-mode') {
    const nvpair = '<nvpair id="hakit-test-maintenance-mode" name="maintenance-mode" value="true"/>'
    return xml.replace(/<cluster_property_set\b[^>]*?(\/?)>/, (tag, empty) => empty ? `${tag.slice(0, -2)}>${nvpair}</cluster_property_set>` : `${tag}${nvpair}`)
  }
  const meta = `<meta_attributes id="${f.connection}-hakit-test-unmanaged"><nvpair id="${f.connection}-hakit-test-is-managed" name="is-managed" value="false"/></meta_attributes>`
  const open = new RegExp(`<primitive\\b[^>]*\\sid="${f.connection.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*?(/?)>`)
  return xml.replace(open, (tag, empty) => empty ? `${tag.slice(0, -2)}>${meta}</primitive>` : `${tag}${meta}`)
}

export const SECTIONS = ['Current cluster status:', 'Performing Requested Modifications:', 'Transition Summary:', 'Executing Cluster Transition:', 'Revised Cluster Status:']

export interface Comparison {
  name: string
  /** The sections that differ, each with crm_simulate's and hakit's lines. */
  differences: Array<{section: string; expected: string[] | null; got: string[] | null}>
}

/**
 * The Executing list without the differences that are about names, not order (each its own
 * mechanism): a pseudo-action's node (crm_simulate prints only a fencing's: create_graph_action's
 * needs_node_info), and a clone instance known in the history under another name, which crm_simulate
 * names by that name (clone_op_key, add_resource_details): the instance number is dropped, and a
 * fencing's post-notifications are keyed by the stop they notify. The padding follows the name.
 */
export function normaliseExecuting(lines: string[] | null): string[] | null {
  return lines && lines.map((l) => l
    .replace(/^(\s*\* Pseudo action: +(\S+)) on \S+$/, (line, head: string, key: string) => /^stonith-.*-(reboot|off|on)$/.test(key) ? line : head)
    .replace(/^(\s*\* (?:Resource action: +|Pseudo action: +))([^:\s]+):\d+/, '$1$2')
    .replace(/^(\s*\* Pseudo action: +\S+)_post_notify_stonith_0$/, '$1_post_notify_stop_0')
    .replace(/^(\s*\* Pseudo action: +\S+)_confirmed-post_notify_stonith_0$/, '$1_notified_0')
    .replace(/^(\s*\* Resource action: +\S+) +/, '$1 '))
}

/**
 * One mutation simulated by both, with or without the host failed; `path` is where the CIB is
 * written for crm_simulate. Undefined when crm_simulate itself fails on the mutation.
 */
export function compareWithCrmSimulate(f: FailedConnection, xml: string, how: Unmanaging, hostFails: boolean, path: string): Comparison | undefined {
  const mutated = unmanage(xml, f, how)
  writeFileSync(path, mutated)
  const real = spawnSync('crm_simulate', ['-x', path, '-S', ...(hostFails ? ['--node-fail', f.host] : [])], {encoding: 'utf8', timeout: 120_000})
  // (crm_simulate 2.1.5 rejects some of these graphs itself: "An invalid transition was produced")
  if (real.status !== 0) return undefined
  const ours = renderSimulation(simulate(parseCibXml(mutated, path), {execute: true, injections: hostFails ? {nodeFail: [f.host]} : undefined}))
  const lines = (text: string, section: string) => section === 'Executing Cluster Transition:' ? normaliseExecuting(sectionLines(text, section)) : sectionLines(text, section)
  const differences = SECTIONS.map((section) => ({section, expected: lines(real.stdout, section), got: lines(ours, section)}))
    .filter((d) => JSON.stringify(d.expected) !== JSON.stringify(d.got))
  return {name: `${f.case} ${f.connection}@${f.host} ${how}${hostFails ? ` --node-fail ${f.host}` : ''}`, differences}
}

/** Every failed connection of the suite (remote connections defined as primitives, not bundles' or guests'). */
export function suiteFailedConnections(suite: string): Array<FailedConnection & {xml: string}> {
  return readdirSync(suite).filter((f) => f.endsWith('.xml')).sort().flatMap((file) => {
    const xml = readFileSync(join(suite, file), 'utf8')
    return failedConnections(file, xml).map((f) => ({...f, xml}))
  })
}
