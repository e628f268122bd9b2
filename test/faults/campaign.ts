/**
 * A CTS-style fault campaign for the CRM runtime (issue 13 item 3): three real
 * `hakit run --crm` daemons, each in its own network namespace (and UTS
 * namespace, so `uname -n` is the node name) on a bridge, running
 * ocf:pacemaker:Dummy resources and a group. A seeded random sequence of
 * faults — power cut (kill -9), restart, graceful stop, link cut and re-plug,
 * partition and heal, standby/online, a monitor failure (the resource's state
 * vanishes: rc 7), a start failure (Dummy's fail_start_on), a hung stop (the
 * stop sleeps past its timeout), a CIB change from a random node, a reboot
 * with a stale CIB, cleanup — and after every step,
 * once the cluster settles, the audits of Pacemaker's CTS:
 *   - every partition has exactly one DC, and its members agree on it;
 *   - no primitive is active on two nodes (no-quorum-policy=stop: only the
 *     quorate partition runs resources);
 *   - the CIBs of a partition are equal, and a heal never lets an older
 *     version win;
 *   - the cluster settles within the bound (its DC's CIB plans nothing: no
 *     start, stop, monitor or clean-up, blocked actions aside);
 *   - every active resource is one the cluster knows it started (the DC's
 *     status section shows it active there);
 *   - no error-level log line that the injected fault does not explain.
 * With `fencing`, stonith is enabled with a fence device that really cuts a
 * node's power in the lab (fence-agents/fence_campaign_switch): lost nodes,
 * isolated ones and a node whose stop hung are fenced before their resources
 * are recovered; the campaign sees the node down and counts the fencing.
 * A violation carries the seed and the step list to replay it.
 * Root only (namespaces); the namespaces carry this process's pid.
 */
import {spawnSync} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseCibXml} from '../../src/formats/cib/xml.js'
import {schedule} from '../../src/runtime/scheduler/index.js'
import {prng} from '../helpers/prng.js'
import {projectRoot, runCli} from '../helpers/cli.js'
import {CrmLab} from '../runtime/crm/crm-lab.js'
import {HeldVersions, endCheck, errorLines, explained} from './audit.js'

export const NODES = ['n1', 'n2', 'n3'] as const
type Node = (typeof NODES)[number]
type Link = 'br0' | 'br1' | 'down'

export interface CampaignOptions {
  seed: number
  steps: number
  /** How long one step may take to settle (ms). */
  settleBoundMs?: number
  /** stonith enabled, with a fence device that cuts a lab node's power */
  fencing?: boolean
  log?: (line: string) => void
}

export interface CampaignReport {
  seed: number
  steps: string[]
  faults: Record<string, number>
  violations: string[]
  settleMs: number[]
  errorLines: number
  /** fencings the cluster carried out (the switch's record) */
  fenced: string[]
}

const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], {encoding: 'utf8'})
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** d2–d4: the start failure's and the hung stop's targets; their stop has a short timeout (a hung one fails fast). */
const primitive = (id: string, stopSleep?: number) => `primitive ${id} ocf:pacemaker:Dummy op monitor interval=3s timeout=20s` +
  (['d2', 'd3', 'd4'].includes(id) ? ` op stop interval=0 timeout=5s${stopSleep ? ` op_sleep=${stopSleep}` : ''}` : '')
const TARGETS = ['d2', 'd3', 'd4']

function campaignCib(fencing: string | undefined): string {
  return `node n1
node n2
node n3
${['d1', 'd2', 'd3', 'd4', 'd5', 'd6'].map((id) => primitive(id)).join('\n')}
group g d5 d6
location d1-prefers-n1 d1 50: n1
${fencing ? `primitive fencing stonith:fence_campaign_switch params switch_dir=${fencing} pcmk_host_list="n1 n2 n3" op monitor interval=10s
property stonith-enabled=true
property stonith-action=off` : 'property stonith-enabled=false'}
property no-quorum-policy=stop
property dc-deadtime=5s
rsc_defaults resource-stickiness=10
`
}
/** How long a graceful stop may take before the daemon is killed (moving resources away on a loaded machine). */
const STOP_DEADLINE_MS = 120_000
/** How often the end powers on again a node fenced while the others came back (endCheck in audit.ts). */
const FINAL_ROUNDS = 3
/** Where the lab's power switch (fence_campaign_switch) lives: the daemons' HAKIT_FENCE_AGENT_DIR. */
export const FENCE_AGENT_DIR = join(projectRoot, 'test', 'faults', 'fence-agents')

/** Whether a command line tool is present (the campaign needs ip and unshare). */
export function campaignSkipReason(isRoot: boolean, built: boolean): string | false {
  if (!isRoot) return 'needs root (network and UTS namespaces)'
  if (!built) return 'dist/ is not built (npm run build)'
  for (const tool of ['ip', 'unshare', 'hostname']) if (sh(`command -v ${tool}`).status !== 0) return `needs ${tool}`
  if (!existsSync('/usr/lib/ocf/resource.d/pacemaker/Dummy')) return 'ocf:pacemaker:Dummy is not installed (pacemaker-resource-agents)'
  return false
}

/** The lab's network: one namespace per node, a switch namespace with two bridges; ports move between them. */
export class Network {
  readonly id = `hf${process.pid % 100000}`
  readonly sw = `${this.id}-sw`
  readonly net = `10.${150 + (process.pid % 50)}.${process.pid % 250}`
  readonly ns: Record<Node, string> = {n1: `${this.id}-n1`, n2: `${this.id}-n2`, n3: `${this.id}-n3`}
  readonly link: Record<Node, Link> = {n1: 'br0', n2: 'br0', n3: 'br0'}

  address(n: Node): string {
    return `${this.net}.${NODES.indexOf(n) + 1}`
  }

  create(): void {
    const cmds = [`ip netns add ${this.sw}`, `ip -n ${this.sw} link set lo up`]
    for (const br of ['br0', 'br1']) cmds.push(`ip -n ${this.sw} link add ${br} type bridge`, `ip -n ${this.sw} link set ${br} up`)
    for (const n of NODES) {
      cmds.push(
        `ip netns add ${this.ns[n]}`,
        `ip -n ${this.ns[n]} link add hb0 type veth peer name p-${n} netns ${this.sw}`,
        `ip -n ${this.sw} link set p-${n} master br0 up`,
        `ip -n ${this.ns[n]} link set hb0 up`, `ip -n ${this.ns[n]} link set lo up`,
        `ip -n ${this.ns[n]} addr add ${this.address(n)}/24 dev hb0`,
      )
    }
    for (const c of cmds) {
      const r = sh(c)
      if (r.status !== 0) throw new Error(`${c}: ${r.stderr}`)
    }
  }

  /** Moves a node's port: to a bridge, or down (cable pulled). */
  set(n: Node, link: Link): void {
    const port = `p-${n}`
    const cmd = link === 'down' ? `ip -n ${this.sw} link set ${port} down`
      : `ip -n ${this.sw} link set ${port} master ${link} && ip -n ${this.sw} link set ${port} up`
    const r = sh(cmd)
    if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`)
    this.link[n] = link
  }

  destroy(): void {
    for (const ns of [...Object.values(this.ns), this.sw]) {
      for (const pid of sh(`ip netns pids ${ns}`).stdout.split(/\s+/).filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL')
        } catch {
          // already gone
        }
      }
      sh(`ip netns del ${ns}`)
    }
  }
}

interface Model {
  up: Set<Node>
  /** node → resource whose start is made to fail there */
  startFails: Map<Node, string>
  /** a copy of a node's CIB directory from earlier in the campaign */
  snapshot?: {node: Node; dir: string; epoch: number}
  /** a resource whose stop is made to hang, and the node it ran on when it was asked to stop */
  hungStop?: {rsc: string; node: Node}
  /** nodes whose power was cut (or that were fenced) since they last started */
  crashed: Set<Node>
  /** nodes stopped gracefully (exit 0, every node connected, no hung stop on them) and not started since: never to be fenced */
  leftCleanly: Set<Node>
  /** what each node last held: an older CIB never wins (audit.ts) */
  versions: HeldVersions
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const random = prng(options.seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  const log = options.log ?? (() => {})
  const bound = options.settleBoundMs ?? 120_000
  const report: CampaignReport = {seed: options.seed, steps: [], faults: {}, violations: [], settleMs: [], errorLines: 0, fenced: []}
  const network = new Network()
  network.destroy()
  network.create()
  // the power switch: the fence agent reads each node's daemon PID and run directory from here
  const switchDir = options.fencing ? join(tmpdir(), `hakit-faults-switch-${process.pid}`) : undefined
  if (switchDir) { rmSync(switchDir, {recursive: true, force: true}); mkdirSync(switchDir) }
  const lab = new CrmLab({
    nodes: [...NODES], cib: campaignCib(switchDir), iface: 'hb0', addresses: NODES.map((n) => network.address(n)), keepalive: '200ms', deadtime: '2',
    launch: (node, command) => ['ip', 'netns', 'exec', network.ns[node as Node], 'unshare', '--uts', 'sh', '-c', `hostname ${node} && exec "$0" "$@"`, ...command],
    ...(switchDir ? {env: {HAKIT_FENCE_AGENT_DIR: FENCE_AGENT_DIR}} : {}),
  })
  const model: Model = {up: new Set(), startFails: new Map(), versions: new HeldVersions(), crashed: new Set(), leftCleanly: new Set()}
  const logOffsets = new Map<Node, number>()
  const violation = (text: string) => {
    report.violations.push(`${text}\n  replay: seed ${options.seed}, steps:\n${report.steps.map((s, i) => `    ${i + 1}. ${s}`).join('\n')}`)
  }
  const crm = (node: Node, ...args: string[]) => runCli(['crm', ...args, '--socket', lab.node(node).socket], {env: {CIB_file: ''}})
  /** `crm configure load update FILE` with these statements (a file: `load update -` reads nothing here) */
  const loadUpdate = (node: Node, statements: string) => {
    const file = join(lab.root, 'load-update.crm')
    writeFileSync(file, statements)
    return crm(node, 'configure', 'load', 'update', file)
  }
  /** A node's daemon starts (power on); the switch learns its PID. */
  const powerOn = (n: Node) => {
    noticeFencing() // a fencing of the node while it was off is counted against its last stop
    lab.start(n)
    model.up.add(n)
    model.leftCleanly.delete(n)
    if (switchDir) writeFileSync(join(switchDir, n), `${lab.node(n).proc!.pid} ${lab.node(n).runDir}\n`)
  }
  /** Nodes the cluster fenced (the switch cut their power) are down from now on. */
  const noticeFencing = () => {
    if (!switchDir) return
    const record = join(switchDir, 'record')
    const lines = existsSync(record) ? readFileSync(record, 'utf8').trim().split('\n').filter(Boolean) : []
    for (const line of lines.slice(report.fenced.length)) {
      report.fenced.push(line)
      log(`  fencing: ${line}`)
      // a node that left cleanly is down, not lost: fencing it is wrong (Pacemaker reads expected="down")
      const [, target, by] = (/^ok \S+ (\S+) by=(\S+)/.exec(line) ?? []) as Array<Node | undefined>
      if (target && model.leftCleanly.has(target)) violation(`${target} was fenced after it had stopped gracefully: ${line}`)
      // without quorum a partition fences only nodes in its own membership (Pacemaker's pe_can_fence):
      // a node cut off from the majority that fences one outside its reach acted on a stale quorum (seed 901)
      const reach = by ? components().find((c) => c.includes(by)) : undefined
      if (target && reach && !reach.includes(target) && reach.length <= NODES.length / 2) {
        violation(`${by} fenced ${target} from a partition without quorum (${reach.join(', ')}): ${line}`)
      }
    }
    for (const n of NODES) {
      if (model.up.has(n) && !lab.running(n)) {
        model.up.delete(n)
        model.crashed.add(n)
        report.steps.push(`(${n} powered off by fencing)`)
      }
    }
  }

  /** The groups of running nodes that can talk to each other. */
  const components = (): Node[][] => {
    const groups = new Map<string, Node[]>()
    for (const n of NODES) {
      if (!model.up.has(n)) continue
      const key = network.link[n] === 'down' ? `down-${n}` : network.link[n]
      groups.set(key, [...(groups.get(key) ?? []), n])
    }
    return [...groups.values()]
  }

  /** One audit pass; returns what is not (yet) right, or [] when settled and sound. */
  const audit = async (): Promise<{unsettled: string[]; broken: string[]}> => {
    noticeFencing()
    const unsettled: string[] = []
    const broken: string[] = []
    // what each node said at the start of the pass: compared again at its end
    const fingerprint = (s: Awaited<ReturnType<typeof lab.status>>) => (s ? `${s.dc} ${[...s.members].sort().join('+')} ${s.version} ${s.controller}` : 'no answer')
    const seen = new Map<Node, string>()
    for (const comp of components()) {
      const statuses = await Promise.all(comp.map((n) => lab.status(n)))
      comp.forEach((n, i) => seen.set(n, fingerprint(statuses[i])))
      if (statuses.some((s) => !s)) { unsettled.push(`${comp.join(',')}: a node does not answer`); continue }
      const dcs = new Set(statuses.map((s) => s!.dc))
      if (dcs.size !== 1 || !comp.includes([...dcs][0] as Node)) { unsettled.push(`${comp.join(',')}: DC ${[...dcs].join('/')}`); continue }
      if (statuses.some((s) => [...s!.members].sort().join() !== [...comp].sort().join())) { unsettled.push(`${comp.join(',')}: membership ${statuses.map((s) => s!.members.join('+')).join(' / ')}`); continue }
      const versions = new Set(statuses.map((s) => s!.version))
      if (versions.size !== 1) { unsettled.push(`${comp.join(',')}: versions ${[...versions].join(' ')}`); continue }
      const dc = [...dcs][0] as Node
      const dcStatus = statuses[comp.indexOf(dc)]!
      if (dcStatus.controller !== 'S_IDLE') { unsettled.push(`${comp.join(',')}: the DC's controller is ${dcStatus.controller ?? 'not running (join)'}`); continue }
      const cib = parseCibXml(await lab.cibXml(dc), `CIB of ${dc}`)
      const transition = schedule(cib)
      // every runnable action counts (recurring monitors and clean-ups too), as crm_simulate's
      // "Executing Cluster Transition" would list them; a leaving node's shutdown is the controller's
      const pending = transition.actions.filter((a) => !a.pseudo && a.runnable && a.task !== 'do_shutdown')
      if (pending.length > 0) { unsettled.push(`${comp.join(',')}: the DC still plans ${pending.map((a) => `${a.task} ${a.resource ?? ''}${a.interval ? `/${a.interval}` : ''} on ${a.node ?? '?'}`).join(', ')}`); continue }
      // the status section knows every active resource
      for (const n of comp) {
        for (const rsc of lab.active(n)) {
          const known = transition.workingSet.byId.get(rsc)?.runningOn.some((x) => x.uname === n)
          if (!known) broken.push(`${rsc} is active on ${n} but the DC ${dc}'s status does not show it there`)
        }
      }
    }
    // nothing active twice (only the quorate partition runs resources) — and nothing on a stopped node
    for (const [rsc, where] of lab.placement()) {
      if (where.length > 1) broken.push(`${rsc} active on ${where.join(' and ')}`)
      for (const n of where) if (!model.up.has(n as Node)) broken.push(`${rsc} active on ${n}, which is down`)
    }
    // The reads above take a while (the DC's CIB is scheduled): a cluster that moved meanwhile (on a loaded
    // machine, a node that missed its peers' heartbeats past deadtime) was not settled when the files were
    // read. Its findings count only from a pass where every node still says the same at the end.
    if (unsettled.length === 0) {
      for (const [n, before] of seen) {
        const after = fingerprint(await lab.status(n))
        if (after !== before) unsettled.push(`${n} changed during the audit: ${before} → ${after}`)
      }
    }
    return {unsettled, broken}
  }

  const settle = async (step: string): Promise<void> => {
    const start = Date.now()
    let last: {unsettled: string[]; broken: string[]} = {unsettled: ['not audited'], broken: []}
    while (Date.now() - start < bound) {
      last = await audit()
      if (last.unsettled.length === 0) break
      await sleep(300)
    }
    report.settleMs.push(Date.now() - start)
    noticeFencing() // a fencing recorded while the pass ran
    if (last.unsettled.length > 0) { violation(`after "${step}" the cluster did not settle within ${bound / 1000} s: ${last.unsettled.join('; ')}`); return }
    for (const b of last.broken) violation(`after "${step}": ${b}`)
    // versions: equal inside a partition (the audit); after a heal never older than what any of its nodes held
    const partitions = await Promise.all(components().map(async (nodes) => ({nodes: nodes as string[], version: (await lab.status(nodes[0]))?.version})))
    for (const v of model.versions.check(partitions, model.up.size)) violation(`after "${step}": ${v}`)
    // error lines the faults do not explain (a crashed node's restart is read now: its flag goes after)
    for (const n of NODES) {
      const text = lab.log(n)
      const from = logOffsets.get(n) ?? 0
      logOffsets.set(n, text.length)
      for (const line of errorLines(text.slice(from))) {
        report.errorLines++
        if (!explained(line, model.crashed.has(n))) violation(`after "${step}": unexplained error on ${n}: ${line.trim()}`)
      }
      if (model.up.has(n)) model.crashed.delete(n)
    }
  }

  const snapshot = (n: Node) => {
    const dir = join(lab.root, `snapshot-${n}`)
    rmSync(dir, {recursive: true, force: true})
    cpSync(join(lab.node(n).stateDir, 'cib'), dir, {recursive: true})
    model.snapshot = {node: n, dir, epoch: model.versions.highest[1]}
  }

  type Step = {name: string; weight: number; when: () => boolean; run: () => Promise<string>}
  const upNodes = () => NODES.filter((n) => model.up.has(n))
  const downNodes = () => NODES.filter((n) => !model.up.has(n))
  const allOnMain = () => NODES.every((n) => network.link[n] === 'br0')
  const steps: Step[] = [
    {name: 'power cut', weight: 3, when: () => upNodes().length >= 2, run: async () => {
      const n = pick(upNodes()); lab.powerOff(n); await lab.exited(n); model.up.delete(n); model.crashed.add(n); return `power cut of ${n} (kill -9)` }},
    {name: 'restart', weight: 4, when: () => downNodes().length > 0, run: async () => {
      const n = pick(downNodes()); powerOn(n); return `restart ${n}` }},
    {name: 'graceful stop', weight: 2, when: () => upNodes().length >= 2, run: async () => {
      // a node holding a blocked resource (its stop hung) does not shut down: Pacemaker waits for
      // that stop until shutdown-escalation (20 min); the administrator clears the hang first
      // (the cluster's view counts, not the state file: a stop killed at its timeout may have removed it)
      const n = pick(upNodes().filter((x) => !(model.hungStop?.node === x && !options.fencing)))
      if (n === undefined) return 'graceful stop skipped (only the node holding a hung stop)'
      // a clean leave unless the daemon had to be killed at lab.stop's deadline (its exit code is no
      // guide: a wrong fencing kills it during its last moments, after it told its peers it leaves)
      const clean = allOnMain() && model.hungStop?.node !== n
      const asked = Date.now()
      const code = await lab.stop(n, STOP_DEADLINE_MS); model.up.delete(n)
      if (clean && Date.now() - asked < STOP_DEADLINE_MS) model.leftCleanly.add(n)
      for (const f of readdirSync(lab.node(n).runDir)) if (/^Dummy-/.test(f)) return `graceful stop of ${n} (left ${f} behind)`
      return `graceful stop of ${n} (exit ${code})` }},
    {name: 'link cut', weight: 2, when: () => allOnMain() && upNodes().length === 3, run: async () => {
      const n = pick(upNodes()); network.set(n, 'down'); return `link of ${n} cut` }},
    {name: 'partition', weight: 2, when: () => allOnMain() && upNodes().length === 3, run: async () => {
      const n = pick(upNodes()); network.set(n, 'br1'); return `partition ${n} | the others` }},
    {name: 'heal', weight: 5, when: () => !allOnMain(), run: async () => {
      const moved = NODES.filter((n) => network.link[n] !== 'br0'); for (const n of moved) network.set(n, 'br0'); return `heal (${moved.join(', ')} back)` }},
    {name: 'standby', weight: 2, when: () => upNodes().length >= 2, run: async () => {
      const n = pick(NODES); const via = pick(upNodes()); const on = random() < 0.5
      const r = crm(via, 'node', on ? 'standby' : 'online', n)
      return `${on ? 'standby' : 'online'} ${n} (from ${via}: exit ${r.status})` }},
    {name: 'monitor failure', weight: 3, when: () => upNodes().some((n) => lab.active(n).length > 0), run: async () => {
      const n = pick(upNodes().filter((x) => lab.active(x).length > 0)); const rsc = pick(lab.active(n))
      rmSync(join(lab.node(n).runDir, `Dummy-${rsc}.state`), {force: true}); return `monitor failure of ${rsc} on ${n} (state file removed)` }},
    {name: 'start failure', weight: 2, when: () => model.startFails.size === 0 && upNodes().length >= 2, run: async () => {
      const n = pick(NODES); const rsc = pick(TARGETS.filter((r) => r !== model.hungStop?.rsc)); const via = pick(upNodes())
      const r = crm(via, 'resource', 'param', rsc, 'set', 'fail_start_on', n)
      if (r.status === 0) model.startFails.set(n, rsc)
      return `start of ${rsc} fails on ${n} (fail_start_on, from ${via}: exit ${r.status})` }},
    {name: 'start failure cleared', weight: 3, when: () => model.startFails.size > 0 && upNodes().length >= 2, run: async () => {
      const [n, rsc] = [...model.startFails][0]; const via = pick(upNodes())
      const a = crm(via, 'resource', 'param', rsc, 'delete', 'fail_start_on'); const b = crm(via, 'resource', 'cleanup', rsc)
      if (a.status === 0) model.startFails.delete(n)
      return `start failure of ${rsc} on ${n} cleared and cleaned up (from ${via}: exit ${a.status}/${b.status})` }},
    {name: 'hung stop', weight: 2, when: () => !model.hungStop && upNodes().length >= 2 && allOnMain()
        && TARGETS.some((r) => ![...model.startFails.values()].includes(r) && upNodes().some((n) => lab.active(n).includes(r))), run: async () => {
      const rsc = pick(TARGETS.filter((r) => ![...model.startFails.values()].includes(r) && upNodes().some((n) => lab.active(n).includes(r))))
      const n = upNodes().find((x) => lab.active(x).includes(rsc))!
      const via = pick(upNodes())
      // the stop sleeps 20 s, its timeout is 5 s: the executor kills it and reports a timeout
      const a = loadUpdate(via, `${primitive(rsc, 20)}\n`)
      const b = crm(via, 'resource', 'stop', rsc)
      if (a.status === 0) model.hungStop = {rsc, node: n}
      return `stop of ${rsc} on ${n} hangs past its timeout (op_sleep=20, timeout 5 s; crm resource stop from ${via}: exit ${a.status}/${b.status})` }},
    {name: 'hung stop cleared', weight: 3, when: () => model.hungStop !== undefined && upNodes().length >= 2, run: async () => {
      const {rsc, node: n} = model.hungStop!; const via = pick(upNodes())
      const a = loadUpdate(via, `${primitive(rsc)}\n`)
      const b = crm(via, 'resource', 'start', rsc); const c = crm(via, 'resource', 'cleanup', rsc)
      if (a.status === 0) model.hungStop = undefined
      return `hung stop of ${rsc} (on ${n}) cleared, started and cleaned up (from ${via}: exit ${a.status}/${b.status}/${c.status})` }},
    {name: 'CIB change', weight: 3, when: () => upNodes().length >= 1, run: async () => {
      const via = pick(upNodes()); const mark = String(report.steps.length + 1)
      try { await lab.submit(via, {op: 'set-cluster-options', options: {'campaign-mark': mark}}); return `CIB change campaign-mark=${mark} from ${via}` }
      catch (error) { return `CIB change from ${via} refused: ${(error as Error).message}` } }},
    {name: 'cleanup', weight: 1, when: () => upNodes().length >= 2, run: async () => {
      const via = pick(upNodes()); const r = crm(via, 'resource', 'cleanup'); return `cleanup of every resource (from ${via}: exit ${r.status})` }},
    {name: 'stale reboot', weight: 1, when: () => model.snapshot !== undefined && model.up.has(model.snapshot.node) && upNodes().length >= 2, run: async () => {
      const {node: n, dir, epoch} = model.snapshot!
      lab.powerOff(n); await lab.exited(n); model.crashed.add(n)
      rmSync(join(lab.node(n).stateDir, 'cib'), {recursive: true, force: true})
      cpSync(dir, join(lab.node(n).stateDir, 'cib'), {recursive: true})
      model.versions.forget(n) // its disk is older now: it brings nothing newer back
      powerOn(n); model.snapshot = undefined
      return `reboot of ${n} with a stale CIB (epoch ${epoch} from earlier)` }},
  ]

  try {
    for (const n of NODES) powerOn(n)
    report.steps.push('cold start of n1, n2, n3')
    await settle('cold start')
    snapshot(pick(NODES))
    for (let i = 0; i < options.steps && report.violations.length === 0; i++) {
      const candidates = steps.filter((s) => s.when())
      let r = random() * candidates.reduce((t, s) => t + s.weight, 0)
      const step = candidates.find((s) => (r -= s.weight) < 0) ?? candidates[candidates.length - 1]
      const text = await step.run()
      report.steps.push(text)
      report.faults[step.name] = (report.faults[step.name] ?? 0) + 1
      log(`step ${i + 1}: ${text}`)
      await settle(text)
      if (!model.snapshot && random() < 0.2) {
        const live = upNodes()
        if (live.length > 0) snapshot(pick(live))
      }
    }
    // the end: everything back, healed and settled
    for (const n of NODES) if (network.link[n] !== 'br0') network.set(n, 'br0')
    // A node fenced during the final settle is powered on again (up to FINAL_ROUNDS times): a node lost
    // unclean while the survivors had no quorum is fenced once the returning nodes bring quorum back, and
    // the switch may cut it just after it restarted (seed 1061; Pacemaker does the same: audit.ts endCheck)
    let rounds = 0
    do {
      for (const n of downNodes()) powerOn(n)
      report.steps.push('final: every node up and connected')
      await settle('final: every node up and connected')
      rounds++
    } while (downNodes().length > 0 && rounds < FINAL_ROUNDS && report.violations.length === 0)
    const answers = await Promise.all(NODES.map(async (n) => ({node: n, up: model.up.has(n), version: (await lab.status(n))?.version})))
    for (const v of endCheck(answers, rounds)) violation(v)
  } finally {
    if (report.violations.length > 0) {
      // keep the evidence: every node's log and state, named by the seed
      const keep = join(tmpdir(), `hakit-faults-seed-${options.seed}`)
      rmSync(keep, {recursive: true, force: true})
      cpSync(lab.root, keep, {recursive: true, filter: (src) => !src.endsWith('.sock')})
      log(`logs and state kept in ${keep}`)
      log(lab.describe())
    }
    await lab.cleanup()
    network.destroy()
    if (switchDir) rmSync(switchDir, {recursive: true, force: true})
  }
  return report
}
