/**
 * The site both cut-over tests run (cutover-lab.test.ts: to Pacemaker; crm-cutover.test.ts: to
 * hakit's CRM runtime): n1 serves an LSB web service on an IPaddr (v1 shorthand) address, n2 holds
 * a second address (IPaddr2 shorthand), so both nodes hold a group; a client namespace probes the
 * service over HTTP. And what both do with it: start the v1 runtime and the probes, read the
 * site's conversion, sum the outage, and end the lab whatever happened.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {convertBundle} from '../../src/converters/bundle.js'
import {cutoverPlan, type CutoverPlan} from '../../src/converters/emit/cutover.js'
import {parseHaCf} from '../../src/formats/hacf/parse.js'
import {parseHaresources} from '../../src/formats/haresources/parse.js'
import {parseAuthkeys} from '../../src/formats/authkeys/parse.js'
import {VIP, type CutoverLab, type LabNode, type Probe} from './lab.js'

export const VIP2 = '10.204.0.101'
export const HARESOURCES = `n1 IPaddr::${VIP}/24/hb0 hakitweb\nn2 IPaddr2::${VIP2}/24/hb0`
/** Where each converted primitive must run: where v1 runs it. */
export const EXPECTED_NODE: Record<string, string> = {ip_10_204_0_100: 'n1', svc_hakitweb: 'n1', ip_10_204_0_101: 'n2'}
export const PROBE_EVERY_MS = 50

/** Lost service: from each failed probe's launch to the launch of the next successful one, summed. */
export function outageMs(probes: Probe[]): number {
  let total = 0
  let downSince: number | undefined
  for (const p of probes) {
    if (!p.ok) downSince ??= p.start
    else if (downSince !== undefined) {
      total += p.start - downSince
      downSince = undefined
    }
  }
  if (downSince !== undefined) total += probes.at(-1)!.end - downSince
  return total
}

/** The web server's PID on a node ('' when it does not run there). */
export function webPid(lab: CutoverLab, node: LabNode): string {
  return lab.sh(node, 'cat /run/hakitweb.pid 2>/dev/null').stdout.trim()
}

/** Each address on the node v1 gave it, and only there. */
export function addressesInPlace(lab: CutoverLab): boolean {
  const [n1, n2] = lab.nodes as [LabNode, LabNode]
  return lab.hasVip(n1) && !lab.hasVip(n2) && lab.hasVip(n2, VIP2) && !lab.hasVip(n1, VIP2)
}

/** The site's generated plan (what MIGRATION.md prints), converted from n1's /etc/ha.d as the admin gets it. */
export function sitePlan(lab: CutoverLab, options: {out?: string} = {}): CutoverPlan {
  const haDir = join(lab.nodes[0]!.dir, 'ha.d')
  const read = (f: string) => ({text: readFileSync(join(haDir, f), 'utf8'), file: join('/etc/ha.d', f)})
  const bundle = convertBundle({
    haresources: parseHaresources(read('haresources').text, read('haresources').file).model,
    hacf: parseHaCf(read('ha.cf').text, read('ha.cf').file).model,
    authkeys: parseAuthkeys(read('authkeys').text, read('authkeys').file).model,
    expectResources: true,
  })
  return cutoverPlan(bundle, {dir: '/etc/ha.d', ...options})
}

/**
 * Starts the v1 runtime on every node (`startV1`), waits until each group runs where v1 puts it
 * (`inPlace`) and the runtime has settled, then starts the client's probes and waits until n1
 * serves. Returns when the service was first served and the web server's PID then.
 */
export async function startServedSite(lab: CutoverLab, startV1: (node: LabNode) => void, settled: () => boolean, inPlace = () => addressesInPlace(lab)): Promise<{servedFrom: number; pidBefore: string}> {
  const n1 = lab.nodes[0]!
  for (const node of lab.nodes) startV1(node)
  await lab.waitFor('the v1 runtime to start each group on its node', 120_000, () => inPlace() && webPid(lab, n1) !== '' && settled())
  lab.startProber(PROBE_EVERY_MS, 300)
  await lab.waitFor('the client to be served by n1', 30_000, () => lab.probes().some((p) => p.ok && p.detail === 'n1'))
  return {servedFrom: lab.probes().find((p) => p.ok)!.start, pidBefore: webPid(lab, n1)}
}

/** Runs a test's body on the lab; on failure the admin's log goes to stderr; the lab is ended either way. */
export async function withLab(lab: CutoverLab, log: string[], body: () => Promise<void>): Promise<void> {
  try {
    await body()
  } catch (error) {
    process.stderr.write(`${log.join('\n')}\n`)
    throw error
  } finally {
    await lab.stopProber()
    lab.stop()
  }
}
