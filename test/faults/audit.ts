/**
 * The fault campaign's pure judgements (campaign.ts), apart so that they are tested on their own
 * (audit.test.ts): the CIB version invariant across partitions and heals, and which error-level
 * log lines the injected faults explain. Both once raised false alarms (docs/faults.md).
 */

/** (admin_epoch, epoch) of a CIB version "admin_epoch.epoch.num_updates". */
export type Epochs = [number, number]

export const epochsOf = (version: string | undefined): Epochs => {
  const [adminEpoch = 0, epoch = 0] = (version ?? '0.0.0').split('.').map(Number)
  return [adminEpoch, epoch]
}

export const older = (a: Epochs, b: Epochs): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])

/**
 * "An older CIB never wins": what each node last held. A node that goes down keeps its CIB on disk
 * and brings it back, so a joined cluster (one partition holding every running node) must not run a
 * version older than one of its own nodes held. Only its own: a change made in an isolated partition
 * that then stopped comes back with that node, not before (seeds 1, 2, 7, 9 of session 4 were false
 * alarms of a check against the highest version any node ever held).
 */
export class HeldVersions {
  private readonly held = new Map<string, Epochs>()
  /** the highest version any node reported */
  highest: Epochs = [0, 0]

  /** After a settled step: each partition's nodes and version; returns the violations. */
  check(partitions: Array<{nodes: string[]; version: string | undefined}>, running: number): string[] {
    const violations: string[] = []
    for (const {nodes, version} of partitions) {
      if (version === undefined) continue // a node that stopped answering: the next settled audit judges
      const now = epochsOf(version)
      const before = nodes.map((n) => this.held.get(n) ?? ([0, 0] as Epochs)).reduce((a, b) => (older(a, b) ? b : a))
      const joined = partitions.length === 1 && nodes.length === running
      if (joined && older(now, before)) violations.push(`the joined cluster runs CIB ${version}, older than ${before.join('.')} one of its nodes held`)
      for (const n of nodes) this.held.set(n, now)
      if (older(this.highest, now)) this.highest = now
    }
    return violations
  }

  /** A node rebooted with an older CIB on its disk (the campaign's stale reboot): it brings nothing newer back. */
  forget(node: string): void {
    this.held.delete(node)
  }
}

/** Error lines a fault explains: the resource failures it injects, and a node's peers going away. */
const EXPLAINED = [
  /not running|Result of (monitor|start|probe)|fail_start_on|unknown error|failed|Failed|fail count|fail-count/,
  /lost|dead|Dead|partition|no quorum|quorum|timed out|Timed out|Node .* left|retransmit|not a member/,
]

/**
 * A node whose power was cut while it wrote its CIB finds the file and its signature disagree at
 * the next start, and falls back to its last valid backup (the durability test measures that
 * window): an error line, explained when that node lost power since it last started (seed 406).
 */
const TORN_WRITE = /was manually modified or damaged \(digest mismatch/

/** The error-level lines of a chunk of a node's log (Heartbeat-stack format: "crmd: [pid]: ERROR: …"). */
export function errorLines(chunk: string): string[] {
  return chunk.split('\n').filter((line) => /\]: (ERROR|error|crit|CRIT|emerg):/.test(line))
}

/** Whether an error line is one the injected faults explain; `lostPower`: the node lost power since it last started. */
export function explained(line: string, lostPower: boolean): boolean {
  if (TORN_WRITE.test(line) && lostPower) return true
  return EXPLAINED.some((re) => re.test(line))
}

/**
 * The campaign's last check, after every node was powered on and the network healed: every node
 * runs and answers, all at the same CIB version. A node may be fenced during that final settle
 * legitimately: lost unclean (power cut) while the survivors had no quorum, it cannot be fenced
 * until the returning nodes bring quorum back, and then it is, even if it has just restarted (its
 * node_state still says unclean when the DC schedules; Pacemaker's DC fences it the same way). The
 * campaign powers such a node on again up to `rounds` times; one still down after that is a violation.
 * A node that does not answer, or a different version, is one too (seed 901 showed it so).
 */
export function endCheck(answers: Array<{node: string; up: boolean; version: string | undefined}>, rounds: number): string[] {
  const violations: string[] = []
  const down = answers.filter((a) => !a.up).map((a) => a.node)
  if (down.length > 0) violations.push(`at the end ${down.join(', ')} still down after ${rounds} final round(s) of powering on (fenced each time)`)
  const running = answers.filter((a) => a.up)
  const silent = running.filter((a) => a.version === undefined).map((a) => a.node)
  if (silent.length > 0) violations.push(`at the end ${silent.join(', ')} does not answer`)
  const versions = new Set(running.filter((a) => a.version !== undefined).map((a) => a.version))
  if (versions.size > 1) violations.push(`at the end the CIBs differ: ${running.map((a) => `${a.node} ${a.version ?? '-'}`).join(', ')}`)
  return violations
}
